// better-sqlite3 compiled for Electron's ABI, kept in native-electron/ beside (never inside)
// node_modules: node_modules keeps Node's build for tests and the headless host, and the Electron app
// loads this one through better-sqlite3's `nativeBinding` option (see electron/main.ts). Needs network
// (Electron's headers or a prebuilt binary), so only `npm run dist` and an Electron `npm start` call it.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ROOT } from './build.mjs';

const require = createRequire(path.join(ROOT, 'package.json'));

export const NATIVE_DIR = path.join(ROOT, 'native-electron');
export const ELECTRON_SQLITE_BINDING = path.join(NATIVE_DIR, 'better_sqlite3.node');
const STAMP = path.join(NATIVE_DIR, 'better_sqlite3.json');

const versionOf = (pkg) => JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')).version;
export const electronVersion = () => versionOf('electron');
const sqliteDir = () => path.dirname(require.resolve('better-sqlite3/package.json'));
const sqliteVersion = () => versionOf('better-sqlite3');

function wanted(arch) {
  return { electron: electronVersion(), betterSqlite3: sqliteVersion(), platform: process.platform, arch };
}

/** True when native-electron/ holds a build for this Electron, better-sqlite3, platform and arch. */
export function isElectronSqliteCurrent(arch = process.arch) {
  try {
    const stamp = JSON.parse(fs.readFileSync(STAMP, 'utf8'));
    const want = wanted(arch);
    return fs.existsSync(ELECTRON_SQLITE_BINDING) && Object.keys(want).every((k) => stamp[k] === want[k]);
  } catch {
    return false;
  }
}

/** Copies better-sqlite3 into a scratch project and rebuilds it there with @electron/rebuild. */
export async function buildElectronSqlite({ arch = process.arch, log = console.log } = {}) {
  if (isElectronSqliteCurrent(arch)) return ELECTRON_SQLITE_BINDING;
  const want = wanted(arch);
  log(
    `Building better-sqlite3 ${want.betterSqlite3} for Electron ${want.electron} (${want.platform}-${arch}), once...`,
  );
  const work = path.join(NATIVE_DIR, 'work');
  fs.rmSync(work, { recursive: true, force: true });
  const pkgDir = path.join(work, 'node_modules', 'better-sqlite3');
  fs.cpSync(sqliteDir(), pkgDir, {
    recursive: true,
    // Node's build must not be mistaken for Electron's.
    filter: (src) => path.relative(sqliteDir(), src).split(path.sep)[0] !== 'build',
  });
  fs.writeFileSync(
    path.join(work, 'package.json'),
    JSON.stringify({
      name: 'tillpoint-native-electron',
      private: true,
      dependencies: { 'better-sqlite3': want.betterSqlite3 },
    }),
  );
  const { rebuild } = await import('@electron/rebuild');
  await rebuild({
    buildPath: work,
    electronVersion: want.electron,
    arch,
    onlyModules: ['better-sqlite3'],
    force: true,
  });
  fs.copyFileSync(path.join(pkgDir, 'build', 'Release', 'better_sqlite3.node'), ELECTRON_SQLITE_BINDING);
  fs.writeFileSync(STAMP, `${JSON.stringify(want, null, 2)}\n`);
  fs.rmSync(work, { recursive: true, force: true });
  return ELECTRON_SQLITE_BINDING;
}
