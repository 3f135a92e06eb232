// Starts the built headless host as its own node process (like a user's `npm start -- --headless`),
// on a fresh data dir and an OS-assigned port, and waits for its ready line — never a fixed sleep.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HOST_ENTRY = fileURLToPath(new URL('../out/host/host.mjs', import.meta.url));
const GATEWAY_ENTRY = fileURLToPath(new URL('../out/gateway/gateway.mjs', import.meta.url));

/**
 * Phone pages on loopback with an OS-assigned port, so the URL inside the QR points at 127.0.0.1 (tests
 * never send traffic to a LAN address).
 */
export const LOOPBACK_PAY_ARGS = ['--pay-port', '0', '--pay-bind', '127.0.0.1'];

export interface RunningHost {
  url: string;
  /** The phone pages' base URL, as the host printed it (null when the host pays through an outside gateway). */
  payUrl: string | null;
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

type Exit = { code: number | null; signal: NodeJS.Signals | null };

/** Spawns a node entry and resolves once its output matches `ready` (never a fixed sleep). */
async function spawnUntil(entry: string, args: string[], env: Record<string, string> | undefined, ready: RegExp) {
  const proc = spawn(process.execPath, [entry, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<Exit>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = ready.exec(out);
      if (m) resolve(m);
    });
    proc.stderr!.on('data', (c: Buffer) => {
      out += c.toString();
    });
    exited.then(({ code, signal }) =>
      reject(new Error(`${path.basename(entry)} exited (${code ?? signal}) before ready:\n${out}`)),
    );
  });
  return { proc, exited, match, output: () => out };
}

/** The owner's PIN e2e hosts are set up with (TILLPOINT_OWNER_PIN at the first start). */
export const E2E_OWNER_PIN = '2580';

/** Calls the host's API over HTTP; throws with the refusal's message. */
export async function hostCall<T = unknown>(url: string, method: string, input: unknown = {}): Promise<T> {
  const res = await fetch(`${url}api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { ok: true; value: T } | { ok: false; error: { message: string } };
  if (!body.ok) throw new Error(`${method}: ${body.error.message}`);
  return body.value;
}

/**
 * Starts a host on its own data folder. By default the owner (E2E_OWNER_PIN) is signed in and a shift is open
 * (a 0 float) before the page opens, as after the lock screen and the open-shift panel: tests of selling start at
 * the cart. `signIn: false` leaves the lock screen up; `shift: false` leaves the open-shift panel.
 */
export async function startHost(
  opts: { dataDir?: string; env?: Record<string, string>; args?: string[]; signIn?: boolean; shift?: boolean } = {},
): Promise<RunningHost> {
  const dataDir = opts.dataDir ?? newDataDir();
  const args = opts.args ?? LOOPBACK_PAY_ARGS;
  // The ready line, then the data line, then the payments line (see electron/host/cli.ts).
  const { proc, exited, match, output } = await spawnUntil(
    HOST_ENTRY,
    ['--data-dir', dataDir, '--port', '0', ...args],
    // The data key goes beside the temp data folder, not into the user's own config folder.
    { TILLPOINT_KEY_DIR: `${dataDir}-keys`, TILLPOINT_OWNER_PIN: E2E_OWNER_PIN, ...opts.env },
    /ready at (http:\/\/127\.0\.0\.1:\d+)\/[\s\S]*\npayments: [^\n]*?(?:phone pages at (\S+))?\n/,
  );
  if (opts.signIn !== false) {
    const url = `${match[1]}/`;
    const ready = async () => {
      await hostCall(url, 'staff.unlock', { pin: E2E_OWNER_PIN });
      if (opts.shift === false) return;
      // A host restarted on the same data finds its shift still open.
      const { shift } = await hostCall<{ shift: unknown }>(url, 'shift.current');
      if (!shift) await hostCall(url, 'shift.open', { count: { totalMinor: 0 } });
    };
    await ready().catch(async (err: unknown) => {
      proc.kill('SIGKILL');
      await exited;
      throw err;
    });
  }
  return {
    url: match[1],
    payUrl: match[2] ?? null,
    dataDir,
    proc,
    output,
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

export interface RunningGateway {
  /** Provider API and /sim fault controls (127.0.0.1). */
  apiUrl: string;
  /** Phone pages, as put into QR codes. */
  payUrl: string;
  stateDir: string;
  output: () => string;
  stop(): Promise<void>;
}

/**
 * The Demo gateway as its own process (`npm run gateway`), so it outlives a host that is killed; with its
 * /sim test controls on (GatewaySim in fixtures.ts).
 */
export async function startGatewayProcess(opts: { stateDir?: string; port?: number } = {}): Promise<RunningGateway> {
  const stateDir = opts.stateDir ?? mkdtempSync(path.join(tmpdir(), 'tillpoint-e2e-gateway-'));
  const { proc, exited, match, output } = await spawnUntil(
    GATEWAY_ENTRY,
    ['--port', String(opts.port ?? 0), '--state-dir', stateDir, '--sim-controls', ...LOOPBACK_PAY_ARGS],
    undefined,
    /Demo gateway ready at (http:\/\/127\.0\.0\.1:\d+) \(phone pages: (\S+)\)/,
  );
  return {
    apiUrl: match[1],
    payUrl: match[2],
    stateDir,
    output,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}
