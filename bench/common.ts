// What every benchmark shares: figures, the seeded catalog, the built host as its own process, and
// the line protocol scripts/bench.mjs reads. Benchmarks report figures; they never fail on a target.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DB_FILENAME, openDatabase } from '../electron/db/index';
import { withCheckDigit } from '../electron/till/barcode';
import { seedProducts } from '../electron/till/seed';

/** The package root: benchmarks run bundled from out/bench/. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const HOST_ENTRY = path.join(ROOT, 'out', 'host', 'host.mjs');
export const CATALOG_SIZE = 100_000;

/** One row of the table. `pass` is null for figures that have no target. */
export interface BenchRow {
  id: string;
  name: string;
  figures: string;
  target: string;
  pass: boolean | null;
  note?: string;
  /** The raw numbers, for results.json and docs. */
  data?: Record<string, number>;
}

/** The prefix scripts/bench.mjs looks for on stdout; everything else a benchmark says goes to stderr. */
export const ROW_PREFIX = '@@bench-row ';

export function report(row: BenchRow): void {
  process.stdout.write(`${ROW_PREFIX}${JSON.stringify(row)}\n`);
}

export function log(message: string): void {
  process.stderr.write(`  ${message}\n`);
}

/** Nearest-rank percentile (p in 0..100) of samples; NaN for none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export const median = (samples: readonly number[]) => percentile(samples, 50);

/** The value and how long `fn` took, in ms. */
export function timed<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const value = fn();
  return [value, performance.now() - t0];
}

/** Milliseconds, with a precision that suits the size. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (value < 0.1) return `${(value * 1000).toFixed(1)} µs`;
  if (value < 10) return `${value.toFixed(2)} ms`;
  return `${value.toFixed(1)} ms`;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `tillpoint-bench-${prefix}-`));
}

/** Removes a temp folder, and the data key folder a host started on it kept beside it (hostEnv). */
export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(`${dir}-keys`, { recursive: true, force: true });
}

/** The barcode seedProducts gives product number k (0-based). */
export function seededBarcode(k: number): string {
  return withCheckDigit(`29${String(k).padStart(10, '0')}`);
}

/** A data folder holding `n` generated products and nothing else (so no demo catalog is loaded). */
export function seedDataDir(dir: string, n = CATALOG_SIZE): void {
  const db = openDatabase(path.join(dir, DB_FILENAME));
  try {
    seedProducts(db, n);
  } finally {
    db.close();
  }
}

/** Resident memory of a process in MB, from /proc (Linux). */
export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS for process ${pid}`);
  return Number(m[1]) / 1024;
}

export interface SpawnedProcess {
  proc: ChildProcess;
  /** What `ready` matched. */
  match: RegExpExecArray;
  /** The last 20,000 characters of its stdout and stderr. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Spawns a built entry (`node <entry> ...args`) and resolves once its stdout matches `ready`. (Like
 * e2e/host.ts, whose paths are relative to its own file and so cannot be bundled into out/bench/.)
 */
export async function spawnReady(
  entry: string,
  args: string[],
  ready: RegExp,
  env?: Record<string, string>,
): Promise<SpawnedProcess> {
  if (!fs.existsSync(entry)) throw new Error(`${entry} is missing: run npm run build`);
  const proc = spawn(process.execPath, [entry, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-20_000);
  };
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    proc.stdout!.on('data', (chunk: Buffer) => {
      keep(chunk);
      const m = ready.exec(out);
      if (m) resolve(m);
    });
    proc.stderr!.on('data', keep);
    proc.once('error', reject);
    exited.then(() => reject(new Error(`${path.basename(entry)} exited before it was ready:\n${out}`)));
  });
  return {
    proc,
    match,
    output: () => out,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

export interface RunningHost {
  url: string;
  proc: ChildProcess;
  /** performance.now() from spawn to the ready line. */
  startMs: number;
  stop(): Promise<void>;
}

/** The owner's PIN of bench hosts (TILLPOINT_OWNER_PIN at their first start). */
export const BENCH_OWNER_PIN = '1357';

/**
 * The env of a bench host on `dataDir`: the owner's PIN for its first start, and its data key beside the temp
 * data folder (not in the user's own config folder; removeDir removes both).
 */
export function hostEnv(dataDir: string): Record<string, string> {
  return { TILLPOINT_KEY_DIR: `${dataDir}-keys`, TILLPOINT_OWNER_PIN: BENCH_OWNER_PIN };
}

/**
 * Signs the owner in at a host and opens a shift with a 0 float (unless one is open), as a cashier does after
 * the lock screen: since issue #10 selling needs both. A page opened afterwards shows the cart. `pin`: the owner's,
 * for a host started elsewhere (e2e/host.ts sets up E2E_OWNER_PIN).
 */
export async function readyToSell(baseUrl: string, pin = BENCH_OWNER_PIN): Promise<void> {
  await api(baseUrl, 'staff.unlock', { pin });
  const current = await api<{ shift: unknown }>(baseUrl, 'shift.current', {});
  if (!current.shift) await api(baseUrl, 'shift.open', { count: { totalMinor: 0 } });
}

/**
 * Starts the built host (`node out/host/host.mjs`) on port 0 and waits for its ready line. `sell`: the owner
 * signed in and a shift open (readyToSell) before it resolves; the ready line's time is measured before that.
 */
export async function startBuiltHost(
  dataDir: string,
  opts: { sell?: boolean; args?: string[] } = {},
): Promise<RunningHost> {
  const started = performance.now();
  const host = await spawnReady(
    HOST_ENTRY,
    ['--data-dir', dataDir, '--port', '0', ...(opts.args ?? [])],
    /ready at (http:\/\/127\.0\.0\.1:\d+\/)/,
    hostEnv(dataDir),
  );
  const startMs = performance.now() - started;
  const url = host.match[1];
  if (opts.sell) {
    try {
      await readyToSell(url);
    } catch (err) {
      await host.stop();
      throw new Error(`${err instanceof Error ? err.message : err}\nhost output:\n${host.output()}`);
    }
  }
  return { url, proc: host.proc, startMs, stop: host.stop };
}

/** POST /api/<method> to a host, as the renderer's client does; throws on a refusal. */
export async function api<T = unknown>(baseUrl: string, method: string, input: unknown = {}): Promise<T> {
  const res = await fetch(new URL(`api/${method}`, baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { ok: true; value: T } | { ok: false; error: { message: string } };
  if (!body.ok) throw new Error(`${method}: ${body.error.message}`);
  return body.value;
}

/** Runs a benchmark's main and turns a crash into exit code 1 (the table then shows it). */
export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(1);
    },
  );
}
