// `npm start` must never hang on Electron's download: these drive the real lookup with stand-in electron
// package folders, and once with the real electron package pointed at a closed loopback port.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { findElectron, installedElectron } from './electron-binary.mjs';

type Found = { binary?: string; reason?: string };
const find = findElectron as (opts: {
  electronDir?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  budgetMs?: number;
}) => Promise<Found>;

const withScreen = { PATH: process.env.PATH, DISPLAY: ':0' };
const realElectronDir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
/** On a machine where Electron was downloaded, there is no failing download to observe. */
const electronInstalled = (installedElectron as (dir: string) => string | undefined)(realElectronDir) !== undefined;

function electronPackage(installJs: string, binary = false): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tillpoint-electron-'));
  writeFileSync(path.join(dir, 'install.js'), installJs);
  if (binary) {
    mkdirSync(path.join(dir, 'dist'));
    writeFileSync(path.join(dir, 'dist', 'electron'), '');
    writeFileSync(path.join(dir, 'path.txt'), 'electron');
  }
  return dir;
}

describe('finding Electron for npm start', () => {
  it('uses a binary that is already there, without downloading', async () => {
    const dir = electronPackage('process.exit(3)', true);
    await expect(find({ electronDir: dir, env: withScreen, platform: 'linux' })).resolves.toEqual({
      binary: path.join(dir, 'dist', 'electron'),
    });
  });

  it('uses the binary a successful download leaves', async () => {
    const dir = electronPackage(`
      const fs = require('fs');
      fs.mkdirSync('dist');
      fs.writeFileSync('dist/electron', '');
      fs.writeFileSync('path.txt', 'electron');`);
    await expect(find({ electronDir: dir, env: withScreen, platform: 'linux' })).resolves.toEqual({
      binary: path.join(dir, 'dist', 'electron'),
    });
  });

  it('gives up at once when the download fails', async () => {
    const dir = electronPackage('console.error("fetch failed"); process.exit(1)');
    const found = await find({ electronDir: dir, env: withScreen, platform: 'win32' });
    expect(found.reason).toMatch(/Electron is not available on this machine/);
  });

  it('stops a download that hangs when its time is up', async () => {
    const dir = electronPackage('setInterval(() => {}, 1000)');
    const started = Date.now();
    const found = await find({ electronDir: dir, env: withScreen, platform: 'darwin', budgetMs: 300 });
    expect(found.reason).toMatch(/did not download within 0.3 s/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('does not try without a screen on Linux', async () => {
    const dir = electronPackage('process.exit(0)', true);
    const found = await find({ electronDir: dir, env: { PATH: process.env.PATH }, platform: 'linux' });
    expect(found.reason).toMatch(/no screen/);
  });

  it.skipIf(electronInstalled)(
    'falls back quickly with the real electron package when its download site cannot be reached',
    async () => {
      const electronDir = realElectronDir;
      const env = {
        ...withScreen,
        // Keep the attempt on this machine: a closed loopback port and a fresh cache.
        ELECTRON_MIRROR: 'http://127.0.0.1:9/',
        electron_config_cache: mkdtempSync(path.join(tmpdir(), 'tillpoint-electron-cache-')),
      };
      const started = Date.now();
      const found = await find({ electronDir, env, platform: 'linux' });
      expect(found.binary).toBeUndefined();
      expect(found.reason).toMatch(/Electron is not available on this machine/);
      expect(Date.now() - started).toBeLessThan(6500);
    },
  );
});
