// Starts the built headless host as its own node process (like a user's `npm start -- --headless`),
// on a fresh data dir and an OS-assigned port, and waits for its ready line — never a fixed sleep.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HOST_ENTRY = fileURLToPath(new URL('../out/host/host.mjs', import.meta.url));

export interface RunningHost {
  url: string;
  dataDir: string;
  proc: ChildProcess;
  output: () => string;
  /** Resolves with the exit code/signal once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
  kill9(): Promise<void>;
}

export function newDataDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'tillpoint-e2e-'));
}

export async function startHost(
  opts: { dataDir?: string; env?: Record<string, string>; args?: string[] } = {},
): Promise<RunningHost> {
  const dataDir = opts.dataDir ?? newDataDir();
  const proc = spawn(process.execPath, [HOST_ENTRY, '--data-dir', dataDir, '--port', '0', ...(opts.args ?? [])], {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /ready at (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) resolve(m[1]);
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (c: Buffer) => {
      out += c.toString();
    });
    exited.then(({ code, signal }) => reject(new Error(`host exited (${code ?? signal}) before ready:\n${out}`)));
  });
  return {
    url,
    dataDir,
    proc,
    output: () => out,
    exited,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
    async kill9() {
      proc.kill('SIGKILL');
      await exited;
    },
  };
}
