// Runs a helper program (lp, lpstat, powershell) with its input on stdin, for the spooler transports and the
// printer lists. Never a shell: arguments go as they are.
import { spawn } from 'node:child_process';

export interface RunResult {
  /** Null when the program was killed (see signal). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  input?: Uint8Array | string;
  /** The program started (the job is about to be handed over). */
  onSpawn?: () => void;
  /** Kills a helper that hangs (default 30 s). */
  timeoutMs?: number;
}

/** Resolves with the exit code and output; rejects only when the program could not be started. */
export function runProcess(command: string, args: string[], o: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: o.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let started = false;
    // A hung helper is asked to stop, then killed.
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), 2000);
      killTimer.unref();
    }, o.timeoutMs ?? 30_000);
    timer.unref();
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    // EPIPE when the program exits without reading all its input: its exit code tells what happened.
    child.stdin.on('error', () => {});
    child.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (!started) reject(new Error(`${command}: ${e.code ?? e.message}`));
    });
    child.once('spawn', () => {
      started = true;
      o.onSpawn?.();
      child.stdin.end(o.input === undefined ? undefined : Buffer.from(o.input));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      if (!started) return;
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}
