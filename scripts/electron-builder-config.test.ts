// electron-builder.yml checked by electron-builder's own schema validator (no Electron download, ~1 s).
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

interface ConfigModule {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: null): Promise<Record<string, unknown>>;
  validateConfiguration(config: Record<string, unknown>, debugLogger: unknown): Promise<void>;
}
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as ConfigModule;
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

async function validate(projectDir: string, configFile: string) {
  const config = await getConfig(projectDir, configFile, null);
  await validateConfiguration(config, new DebugLogger(false));
  return config;
}

describe('electron-builder.yml', () => {
  it('passes electron-builder’s validator, without rebuilding node_modules', async () => {
    const config = await validate(ROOT, path.join(ROOT, 'electron-builder.yml'));
    expect(config).toMatchObject({ appId: 'app.tillpoint.pos', productName: 'Tillpoint', npmRebuild: false });
    expect(config.directories).toMatchObject({ output: 'release' });
  });

  it('is checked for real: an unknown key is rejected', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tillpoint-builder-'));
    copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
    const yml = readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8');
    writeFileSync(path.join(dir, 'electron-builder.yml'), `${yml}\nnpmRebuilt: false\n`);
    await expect(validate(dir, path.join(dir, 'electron-builder.yml'))).rejects.toThrow(/npmRebuilt/);
  });
});
