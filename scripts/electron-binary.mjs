// Finds Electron's binary for `npm start`, downloading it first where the network allows. electron 45 has
// no postinstall: its index.js downloads on first require, synchronously and without a time limit, so we
// run its install.js ourselves under a deadline and never hang a start on a machine without network.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const ELECTRON_DOWNLOAD_BUDGET_MS = 6000;

/** Where electron/install.js put the binary, if it is there (the same rules as electron/index.js). */
export function installedElectron(electronDir, env = process.env) {
  let executable;
  try {
    executable = fs.readFileSync(path.join(electronDir, 'path.txt'), 'utf8');
  } catch {
    return undefined;
  }
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  const file = override ? path.join(override, executable || 'electron') : path.join(electronDir, 'dist', executable);
  return fs.existsSync(file) ? file : undefined;
}

/** Runs electron's install.js; resolves 'done', 'failed' or 'timeout' (then it is killed). */
function download(electronDir, env, budgetMs) {
  const child = spawn(process.execPath, [path.join(electronDir, 'install.js')], {
    cwd: electronDir,
    env,
    stdio: 'ignore',
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve('timeout');
    }, budgetMs);
    child.on('error', () => {
      clearTimeout(timer);
      resolve('failed');
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0 ? 'done' : 'failed');
    });
  });
}

/**
 * { binary } when Electron can run here, else { reason }: the start of the one line `npm start` prints
 * before it serves a browser instead.
 */
export async function findElectron({
  electronDir,
  env = process.env,
  platform = process.platform,
  budgetMs = ELECTRON_DOWNLOAD_BUDGET_MS,
}) {
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return { reason: 'There is no screen here (neither DISPLAY nor WAYLAND_DISPLAY is set)' };
  }
  if (!electronDir) return { reason: 'Electron is not installed (run npm install)' };
  const present = installedElectron(electronDir, env);
  if (present) return { binary: present };

  const notAvailable = 'Electron is not available on this machine (could not download its binary)';
  if (env.ELECTRON_SKIP_BINARY_DOWNLOAD) return { reason: notAvailable };
  const outcome = await download(electronDir, env, budgetMs);
  const binary = outcome === 'done' ? installedElectron(electronDir, env) : undefined;
  if (binary) return { binary };
  if (outcome === 'timeout') {
    return {
      reason: `Electron's binary did not download within ${budgetMs / 1000} s (run "npx install-electron" to finish it)`,
    };
  }
  return { reason: notAvailable };
}
