import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, LOCK_FILE, LockHeldError } from './lock';

let dataDir: string;
let lockFile: string;
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tillpoint-lock-'));
  lockFile = path.join(dataDir, LOCK_FILE);
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('data folder lock', () => {
  it('is taken, refused to a second taker while held, and free again after release', () => {
    const lock = acquireDataDirLock(dataDir, 'host');
    expect(JSON.parse(fs.readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: process.pid, mode: 'host' });

    expect(() => acquireDataDirLock(dataDir, 'electron')).toThrow(LockHeldError);
    expect(() => acquireDataDirLock(dataDir, 'electron')).toThrow(
      `This data folder is in use by another Tillpoint (pid ${process.pid}, host mode`,
    );

    lock.release();
    expect(fs.existsSync(lockFile)).toBe(false);
    acquireDataDirLock(dataDir, 'electron').release();
  });

  it('takes over a lock left by a process that no longer exists', () => {
    const deadPid = findDeadPid();
    fs.writeFileSync(
      lockFile,
      JSON.stringify({ pid: deadPid, mode: 'electron', startedAt: '2026-01-01T00:00:00Z', hostname: os.hostname() }),
    );
    const lock = acquireDataDirLock(dataDir, 'host');
    expect(JSON.parse(fs.readFileSync(lockFile, 'utf8')).pid).toBe(process.pid);
    lock.release();
    // Nothing is left beside it.
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('takes over an empty lock file (its owner died while writing it)', () => {
    fs.writeFileSync(lockFile, '');
    acquireDataDirLock(dataDir, 'host').release();
  });

  it('refuses a lock held from another computer, whose pid it cannot check', () => {
    fs.writeFileSync(lockFile, JSON.stringify({ pid: findDeadPid(), mode: 'host', hostname: 'back-office-pc' }));
    expect(() => acquireDataDirLock(dataDir, 'host')).toThrow(/host mode on back-office-pc/);
  });

  it('never removes a lock that is no longer its own', () => {
    const lock = acquireDataDirLock(dataDir, 'host');
    const other = JSON.stringify({ pid: process.pid, mode: 'electron', token: 'someone-else' });
    fs.writeFileSync(lockFile, other);
    lock.release();
    expect(fs.readFileSync(lockFile, 'utf8')).toBe(other);
  });
});

describe('data folder lock between processes', () => {
  let bundleDir: string;
  let holder: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    // Node 20 cannot run TypeScript: bundle the real lock module for the child.
    bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tillpoint-lock-bundle-'));
    await build({
      entryPoints: [path.join(import.meta.dirname, 'lock.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: path.join(bundleDir, 'lock.mjs'),
      logLevel: 'silent',
    });
    holder = path.join(bundleDir, 'holder.mjs');
    fs.writeFileSync(
      holder,
      `import { acquireDataDirLock } from './lock.mjs';
const lock = acquireDataDirLock(process.argv[2], 'host');
process.on('SIGTERM', () => { lock.release(); process.exit(0); });
console.log('locked');
setInterval(() => {}, 1000);
`,
    );
  });
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });
  afterAll(() => fs.rmSync(bundleDir, { recursive: true, force: true }));

  async function startHolder(): Promise<ChildProcess> {
    const child = spawn(process.execPath, [holder, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    const [line] = (await once(child.stdout!, 'data')) as [Buffer];
    expect(line.toString()).toBe('locked\n');
    return child;
  }

  it('refuses while another live process holds it, naming its pid', async () => {
    const child = await startHolder();
    expect(() => acquireDataDirLock(dataDir, 'electron')).toThrow(
      `This data folder is in use by another Tillpoint (pid ${child.pid}, host mode`,
    );
    // A clean stop releases it.
    child.kill('SIGTERM');
    await once(child, 'exit');
    expect(fs.existsSync(lockFile)).toBe(false);
    acquireDataDirLock(dataDir, 'electron').release();
  });

  it('takes over after the holder is killed with SIGKILL', async () => {
    const child = await startHolder();
    child.kill('SIGKILL');
    await once(child, 'exit');
    // The killed process could not clean up: its lock is still there, naming a dead pid.
    expect(JSON.parse(fs.readFileSync(lockFile, 'utf8')).pid).toBe(child.pid);
    const lock = acquireDataDirLock(dataDir, 'electron');
    expect(JSON.parse(fs.readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: process.pid, mode: 'electron' });
    lock.release();
  });
});

/** A pid that no process has right now. */
function findDeadPid(): number {
  for (let pid = 4_000_000; ; pid--) {
    try {
      process.kill(pid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') return pid;
    }
  }
}
