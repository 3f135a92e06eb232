import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDataDir, packageRoot, packageVersion } from './paths';

describe('defaultDataDir', () => {
  it("matches Electron's userData folder for productName Tillpoint on each OS", () => {
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\li\\AppData\\Roaming' }, 'C:\\Users\\li')).toBe(
      'C:\\Users\\li\\AppData\\Roaming\\Tillpoint',
    );
    expect(defaultDataDir('darwin', {}, '/Users/li')).toBe('/Users/li/Library/Application Support/Tillpoint');
    expect(defaultDataDir('linux', {}, '/home/li')).toBe('/home/li/.config/Tillpoint');
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '/data/cfg' }, '/home/li')).toBe('/data/cfg/Tillpoint');
    // A relative XDG_CONFIG_HOME is ignored, as Electron does.
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: 'cfg' }, '/home/li')).toBe('/home/li/.config/Tillpoint');
  });
});

describe('packageRoot', () => {
  it('finds the folder of the tillpoint package.json from this module', () => {
    const root = packageRoot();
    expect(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).name).toBe('tillpoint');
    expect(path.join(root, 'electron', 'core')).toBe(path.dirname(new URL(import.meta.url).pathname));
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('walks up from a bundle folder such as out/host', () => {
    const root = packageRoot();
    expect(packageRoot(path.join(root, 'out', 'host'))).toBe(root);
  });

  it('skips a package.json of another name', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tillpoint-paths-'));
    try {
      fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"someone-else"}');
      // Not found above the temp folder, so it falls back to the working directory (this repo).
      expect(packageRoot(dir)).toBe(packageRoot());
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
