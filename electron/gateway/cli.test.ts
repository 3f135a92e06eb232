// `npm run gateway` as people start it: a real process from a bundle like out/gateway/gateway.mjs.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { packageRoot } from '../core/paths';
import { STATE_FILE } from './store';
import { tempDir } from './testing';

const READY = /^Demo gateway ready at (http:\/\/127\.0\.0\.1:(\d+)) \(phone pages: (\S+)\)$/m;

let bundleDir: string;
let entry: string;
let stateDir: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  bundleDir = tempDir('tillpoint-gateway-bundle-');
  stateDir = tempDir();
  fs.symlinkSync(path.join(packageRoot(), 'node_modules'), path.join(bundleDir, 'node_modules'), 'junction');
  entry = path.join(bundleDir, 'gateway.mjs');
  await build({
    entryPoints: [path.join(import.meta.dirname, 'cli.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: entry,
    logLevel: 'silent',
  });
});
afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  fs.rmSync(bundleDir, { recursive: true, force: true });
  fs.rmSync(stateDir, { recursive: true, force: true });
});

/** Starts the bundled gateway with `extra` flags; resolves with its ready line and what it printed so far. */
async function start(extra: string[]): Promise<{ ready: RegExpExecArray; out: () => string }> {
  child = spawn(
    process.execPath,
    [entry, '--port', '0', '--pay-port', '0', '--pay-bind', '127.0.0.1', '--state-dir', stateDir, '--quiet', ...extra],
    { cwd: packageRoot(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
    const check = () => {
      const m = READY.exec(out);
      if (m) resolve(m);
    };
    child?.stdout?.on('data', check);
    child?.once('exit', (code) => reject(new Error(`gateway exited ${code}: ${out}`)));
  });
  return { ready, out: () => out };
}

async function stop(): Promise<number | null> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const [code] = await exited;
  return code as number | null;
}

it('has no test controls unless started with --sim-controls', async () => {
  const { ready } = await start([]);
  try {
    expect((await fetch(`${ready[1]}/sim/faults`)).status).toBe(404);
    const post = await fetch(`${ready[1]}/sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ failNext: 1 }),
    });
    expect(post.status).toBe(404);
    expect((await fetch(`${ready[1]}/sim/trades`)).status).toBe(404);
  } finally {
    expect(await stop()).toBe(0);
  }
});

it('prints one ready line, serves, and stops cleanly on SIGTERM', async () => {
  const { ready, out } = await start(['--sim-controls']);
  expect(ready[3]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const faults = await fetch(`${ready[1]}/sim/faults`);
  expect(faults.status).toBe(200);
  expect(await faults.json()).toMatchObject({ notifications: true });
  // Still only for a same-machine JSON request.
  const form = await fetch(`${ready[1]}/sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'failNext=1',
  });
  expect(form.status).toBe(415);
  expect((await fetch(`${ready[3]}/pay/nothing`)).status).toBe(404);
  expect(fs.existsSync(path.join(stateDir, STATE_FILE))).toBe(true);

  expect(await stop()).toBe(0);
  expect(out().match(/Demo gateway ready/g)).toHaveLength(1);
});
