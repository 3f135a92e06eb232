// Save as PDF in the desktop app: the printable report's HTML laid out by Chromium in a hidden window that runs no
// script, then Electron's printToPDF (A4). The till takes it as a PdfMaker (till/reports.ts), so Electron stays out
// of plain Node and the headless host simply has none (a browser prints the page and saves it as PDF itself).
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import type { PdfMaker } from '../till/reports';
import { hardenWebContents } from './security';
import { HIDDEN_PAGE_WINDOW } from './system-printer';

export interface PdfMakerElectron {
  BrowserWindow: new (
    options: BrowserWindowConstructorOptions,
  ) => Pick<BrowserWindow, 'loadURL' | 'close' | 'isDestroyed'> & {
    webContents: Pick<BrowserWindow['webContents'], 'printToPDF' | 'on' | 'setWindowOpenHandler'>;
  };
}

// A4 at 96 dpi.
const HIDDEN: BrowserWindowConstructorOptions = { ...HIDDEN_PAGE_WINDOW, width: 794, height: 1123 };

export function electronPdfMaker(electron: PdfMakerElectron): PdfMaker {
  return {
    async pdf(html) {
      const win = new electron.BrowserWindow(HIDDEN);
      // The page is ours and self-contained: it may go nowhere else.
      hardenWebContents(win.webContents, () => false);
      try {
        await win.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);
        return await win.webContents.printToPDF({ pageSize: 'A4', printBackground: true, preferCSSPageSize: true });
      } finally {
        if (!win.isDestroyed()) win.close();
      }
    },
  };
}
