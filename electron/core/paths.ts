// Where Tillpoint keeps its data and finds its own files, the same in Electron and in the headless host.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PRODUCT_NAME = 'Tillpoint';
const PACKAGE_NAME = 'tillpoint';

/**
 * The folder Electron's app.getPath('userData') gives for productName "Tillpoint", so the desktop app
 * and the headless host open the same shop by default.
 */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = os.homedir(),
): string {
  if (platform === 'win32') {
    return path.win32.join(env.APPDATA || path.win32.join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  }
  if (platform === 'darwin') {
    return path.posix.join(home, 'Library', 'Application Support', PRODUCT_NAME);
  }
  // Electron (like the XDG spec) ignores a relative XDG_CONFIG_HOME.
  const xdg = env.XDG_CONFIG_HOME;
  const config = xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(home, '.config');
  return path.posix.join(config, PRODUCT_NAME);
}

/** This module's folder, whether loaded from TS sources (ESM) or from an esbuild bundle (ESM or CJS). */
function moduleDir(): string | undefined {
  // In a CJS bundle esbuild leaves import.meta empty, and __dirname is the bundle's folder.
  const url = (import.meta as { url?: string }).url;
  if (url?.startsWith('file:')) return path.dirname(fileURLToPath(url));
  return typeof __dirname === 'string' ? __dirname : undefined;
}

function isOurPackage(dir: string): boolean {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown };
    return pkg.name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

function findUp(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (isOurPackage(dir)) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The folder holding Tillpoint's package.json: walks up from this module (electron/core/ in sources,
 * out/host/ or out/main/ in bundles), then from the working directory.
 */
export function packageRoot(start: string | undefined = moduleDir()): string {
  const found = (start && findUp(start)) || findUp(process.cwd());
  if (!found) {
    throw new Error(`Cannot find Tillpoint's package.json above ${start ?? process.cwd()}`);
  }
  return found;
}

/** The built renderer (vite's output). */
export function defaultRendererDir(): string {
  return path.join(packageRoot(), 'out', 'renderer');
}

/** The version in package.json, for app.info. */
export function packageVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}
