// The Electron entry, thin on purpose: parse flags, take the data folder, start the till, and hand the
// real electron module to the shell (electron/shell/*, which is tested under Node with a fake).
// The renderer is served from app://tillpoint/ (see shell/protocol.ts), not file://.
import fs from 'node:fs';
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, safeStorage, screen, session } from 'electron';
import type { PayConfigFile } from '../shared/pay-config';
import { createRouter } from './api/router';
import { ArgsError, parseArgs, USAGE } from './core/args';
import { acquireDataDirLock, type DataDirLock } from './core/lock';
import { makePrivateDir } from './core/private-dir';
import { openDataKey } from './core/secrets';
import { PayConfigError, readPayConfigFile } from './payments/credentials';
import { registerAppScheme } from './shell/protocol';
import { shellStrings } from './shell/strings';
import { electronPdfMaker } from './shell/pdf-maker';
import { electronSystemPrinter } from './shell/system-printer';
import { type Shell, startShell } from './shell/windows';
import { createTill, type Till } from './till/index';

// Privileged schemes must be registered before the app is ready.
registerAppScheme(protocol);

/**
 * better-sqlite3 built for Electron's ABI by scripts/dist.mjs (or start.mjs), kept apart from
 * node_modules, whose build serves Node (tests, headless host). Packaged, it sits in app.asar.unpacked.
 */
function electronSqliteBinding(): string | undefined {
  const file = path
    .join(app.getAppPath(), 'native-electron', 'better_sqlite3.node')
    .replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`);
  return fs.existsSync(file) ? file : undefined;
}

/** Packaged, electron-builder's extraResources puts assets/ beside app.asar; unpackaged, the till finds it. */
function assetsDir(): string | undefined {
  return app.isPackaged ? path.join(process.resourcesPath, 'assets') : undefined;
}

function fail(title: string, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`Tillpoint could not start: ${message}`);
  dialog.showErrorBox(title, message);
  app.exit(1);
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parseArgs>;
  try {
    // Electron puts its own path (and, unpackaged, the app path) and Chromium switches among ours.
    args = parseArgs(process.argv.slice(1), { ignoreUnknown: true });
  } catch (err) {
    if (!(err instanceof ArgsError)) throw err;
    console.error(err.message);
    app.exit(1);
    return;
  }
  if (args.help) {
    console.log(USAGE);
    app.exit(0);
    return;
  }
  // --pay-config is checked whole before anything is opened: a file with a mistake changes nothing.
  let payConfig: PayConfigFile | undefined;
  if (args.payConfig) {
    try {
      payConfig = readPayConfigFile(args.payConfig);
    } catch (err) {
      if (!(err instanceof PayConfigError)) throw err;
      console.error(`Tillpoint did not start: the wallet credentials were not imported.\n${err.message}`);
      app.exit(1);
      return;
    }
  }
  if (args.simControls && app.isPackaged) console.warn('--sim-controls is ignored by the installed app');
  // Chromium's profile goes with the shop's data, so two tills on two folders never share one.
  if (path.resolve(app.getPath('userData')) !== args.dataDir) app.setPath('userData', args.dataDir);

  const text = shellStrings(app.getLocale());
  let lock: DataDirLock | undefined;
  let till: Till;
  process.on('exit', () => lock?.release());
  // The OS keychain (safeStorage) is only usable once the app is ready (on Linux).
  await app.whenReady();
  try {
    makePrivateDir(args.dataDir);
    lock = acquireDataDirLock(args.dataDir, 'electron');
    // The data key, sealed with the OS keychain; without one (Linux with no secret service) a key file.
    const dataKey = openDataKey({ dataDir: args.dataDir, keychain: safeStorage, keyFile: args.keyFile });
    if (dataKey.state === 'replaced') {
      console.warn(`secrets: a new key was made (${dataKey.problem}); wallet credentials must be entered again`);
    }
    till = createTill({
      dataKey,
      payConfig,
      dataDir: args.dataDir,
      mode: 'electron',
      version: app.getVersion(),
      nativeBinding: electronSqliteBinding(),
      assetsDir: assetsDir(),
      payments: {
        gatewayUrl: args.gatewayUrl,
        payPort: args.payPort,
        payBind: args.payBind,
        payUrl: args.payUrl,
        // The gateway's unsigned test controls can mark a trade paid: never in the app people install.
        simControls: args.simControls && !app.isPackaged,
      },
      // system: printers exist only here, in the desktop app (the headless host has none).
      printing: { printerUri: args.printer, transport: { systemPrinter: electronSystemPrinter({ BrowserWindow }) } },
      scanner: args.scanner ? { scannerUri: args.scanner } : undefined,
      // Save as PDF: Chromium lays the printable report out (the headless host has no PDF maker).
      reports: { pdfMaker: electronPdfMaker({ BrowserWindow }) },
    });
    await till.start();
    if (args.thanksMs !== undefined) {
      till.commandLineSettings({ displayThanksMs: args.thanksMs });
    }
  } catch (err) {
    lock?.release();
    fail(text.startupFailedTitle, err);
    return;
  }

  const shell: Shell = startShell({
    electron: { app, BrowserWindow, Menu, screen, ipcMain, protocol, session },
    router: createRouter(till.handlers),
    bus: till.bus,
    preloadPath: path.join(__dirname, '..', 'preload', 'preload.cjs'),
    rendererDir: path.join(__dirname, '..', 'renderer'),
  });

  // A till is one app: closing the cashier (which closes the display) quits, on macOS too.
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => {
    shell.dispose();
    // The database closes at once; sockets close with the process.
    void till.close();
    lock?.release();
  });
}

main().catch((err) => fail('Tillpoint', err));
