#!/usr/bin/env node
// `npm run dist [-- electron-builder flags, e.g. --linux]`: installers in release/. Needs network (Electron's
// binary and headers), so never part of npm test or CI here. Steps: a fresh build, better-sqlite3 for
// Electron's ABI in native-electron/ (node_modules stays Node's), then electron-builder with
// electron-builder.yml (npmRebuild: false, so it never recompiles node_modules in place).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { buildAll, ROOT } from './build.mjs';
import { buildElectronSqlite } from './native-electron.mjs';

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`electron-builder failed (${code ?? signal})`)),
    );
  });
}

try {
  await buildAll({ force: true });
  await buildElectronSqlite();
  const cli = path.join(ROOT, 'node_modules', 'electron-builder', 'cli.js');
  await run(process.execPath, [
    cli,
    '--config',
    'electron-builder.yml',
    '--publish',
    'never',
    ...process.argv.slice(2),
  ]);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
