#!/usr/bin/env node
// `npm start [-- --data-dir DIR --port N --headless]`: builds what is missing or stale, then starts the
// desktop app in Electron, or, where Electron cannot run (its binary cannot be downloaded, no screen),
// the headless host, which serves the same till to a browser. Never waits more than a few seconds for
// Electron before falling back.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { buildAll, ROOT } from './build.mjs';
import { findElectron } from './electron-binary.mjs';
import { buildElectronSqlite } from './native-electron.mjs';

const FALLBACK = 'starting the headless host instead; open the URL below in a browser.';
const args = process.argv.slice(2);

/** Runs a child with our terminal, passing our signals on; resolves with how it ended. */
function runForwarding(command, childArgs, options = {}) {
  const child = spawn(command, childArgs, { cwd: ROOT, stdio: 'inherit', ...options });
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const forward = (signal) => child.kill(signal);
  for (const s of signals) process.on(s, forward);
  return new Promise((resolve) => {
    child.on('error', (err) => {
      console.error(`${path.basename(command)}: ${err.message}`);
      resolve({ code: 1, signal: null });
    });
    child.on('exit', (code, signal) => {
      for (const s of signals) process.off(s, forward);
      resolve({ code, signal });
    });
  });
}

function exitLike({ code, signal }) {
  // Die of the same signal, so whoever started us sees what happened.
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
}

function electronDir() {
  try {
    return path.dirname(createRequire(path.join(ROOT, 'package.json')).resolve('electron/package.json'));
  } catch {
    return undefined;
  }
}

/** Runs the desktop app and returns how it ended, or returns the reason it cannot run here. */
async function tryElectron() {
  const found = await findElectron({ electronDir: electronDir() });
  if (found.reason) return found;
  try {
    await buildElectronSqlite();
  } catch (err) {
    return { reason: `better-sqlite3 could not be built for Electron (${err instanceof Error ? err.message : err})` };
  }
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE; // it would make Electron run as plain Node
  return { exit: await runForwarding(found.binary, [ROOT, ...args], { env }) };
}

try {
  await buildAll();
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}

const wantsWindow = !['--headless', '--help', '-h'].some((flag) => args.includes(flag));
const electron = wantsWindow ? await tryElectron() : undefined;
if (electron?.exit) {
  exitLike(electron.exit);
} else {
  if (electron?.reason) console.log(`${electron.reason} - ${FALLBACK}`);
  exitLike(await runForwarding(process.execPath, [path.join(ROOT, 'out', 'host', 'host.mjs'), ...args]));
}
