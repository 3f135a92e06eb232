// system: printers in the desktop app: the receipt's HTML printed silently (no dialog) by Electron through the
// OS driver, in a hidden window that runs no script. The till takes it as a SystemPrinter
// (printing/transport-core.ts), so Electron stays out of plain Node and the headless host simply has none.
import type { BrowserWindow, BrowserWindowConstructorOptions, WebContentsPrintOptions } from 'electron';
import type { SystemPrinter } from '../printing/transport-core';
import { hardenWebContents } from './security';

export interface SystemPrinterElectron {
  BrowserWindow: new (
    options: BrowserWindowConstructorOptions,
  ) => Pick<BrowserWindow, 'loadURL' | 'close' | 'isDestroyed'> & {
    webContents: Pick<BrowserWindow['webContents'], 'print' | 'getPrintersAsync' | 'on' | 'setWindowOpenHandler'>;
  };
}

/** A hidden window that runs no script, for laying out one of our own pages (a receipt, a report). */
export const HIDDEN_PAGE_WINDOW: BrowserWindowConstructorOptions = {
  show: false,
  width: 400,
  height: 600,
  webPreferences: {
    offscreen: true,
    javascript: false,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    webviewTag: false,
    spellcheck: false,
  },
};

export function electronSystemPrinter(electron: SystemPrinterElectron): SystemPrinter {
  const withWindow = async <T>(use: (win: InstanceType<SystemPrinterElectron['BrowserWindow']>) => Promise<T>) => {
    const win = new electron.BrowserWindow(HIDDEN_PAGE_WINDOW);
    // The page is ours and self-contained: it may go nowhere else.
    hardenWebContents(win.webContents, () => false);
    try {
      return await use(win);
    } finally {
      if (!win.isDestroyed()) win.close();
    }
  };
  return {
    print: (html, deviceName) =>
      withWindow(async (win) => {
        await win.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);
        const options: WebContentsPrintOptions = { silent: true, deviceName, printBackground: false };
        await new Promise<void>((resolve, reject) => {
          win.webContents.print(options, (ok, why) => (ok ? resolve() : reject(new Error(why || 'print failed'))));
        });
      }),
    list: () =>
      withWindow(async (win) => (await win.webContents.getPrintersAsync()).map((p) => p.name).filter(Boolean)),
  };
}
