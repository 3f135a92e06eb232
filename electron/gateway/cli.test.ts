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

it('prints one ready line, serves, and stops cleanly on SIGTERM', async () => {
  child = spawn(
    process.execPath,
    [entry, '--port', '0', '--pay-port', '0', '--pay-bind', '127.0.0.1', '--state-dir', stateDir, '--quiet'],
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
  expect(ready[3]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const faults = await fetch(`${ready[1]}/sim/faults`);
  expect(faults.status).toBe(200);
  expect(await faults.json()).toMatchObject({ notifications: true });
  expect((await fetch(`${ready[3]}/pay/nothing`)).status).toBe(404);
  expect(fs.existsSync(path.join(stateDir, STATE_FILE))).toBe(true);

  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const [code] = await exited;
  expect(code).toBe(0);
  expect(out.match(/Demo gateway ready/g)).toHaveLength(1);
});
