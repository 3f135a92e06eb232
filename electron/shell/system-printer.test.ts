// The desktop app's system printer with the fake electron: a hidden, scriptless window per job, the page as
// a data: URL, a silent print on the named device, the window closed afterwards.
import type { BrowserWindowConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { FakeBrowserWindow, FakeWebContents, fakeDisplay, fakeElectron } from './fake-electron';
import { electronSystemPrinter, type SystemPrinterElectron } from './system-printer';

class PrintingContents extends FakeWebContents {
  static answer: { ok: boolean; why: string } = { ok: true, why: '' };
  printed: { options: unknown }[] = [];
  print(options: unknown, callback: (ok: boolean, why: string) => void) {
    this.printed.push({ options });
    setImmediate(() => callback(PrintingContents.answer.ok, PrintingContents.answer.why));
  }
  async getPrintersAsync() {
    return [{ name: 'POS-80 系统' }, { name: 'Microsoft Print to PDF' }];
  }
}

class PrintingWindow extends FakeBrowserWindow {
  override webContents = new PrintingContents();
  constructor(options: BrowserWindowConstructorOptions) {
    super(options);
  }
}

function printer() {
  fakeElectron([fakeDisplay(1, 0)]);
  return electronSystemPrinter({ BrowserWindow: PrintingWindow } as unknown as SystemPrinterElectron);
}

describe('the system printer (desktop app)', () => {
  it('prints the page silently on the named printer from a hidden window without scripts, then closes it', async () => {
    PrintingContents.answer = { ok: true, why: '' };
    const p = printer();
    await p.print('<!doctype html><p>可乐 ￥3.50</p>', 'POS-80 系统');
    const [win] = FakeBrowserWindow.all as PrintingWindow[];
    expect(win.options.show).toBe(false);
    expect(win.options.webPreferences).toMatchObject({ javascript: false, sandbox: true, offscreen: true });
    expect(decodeURIComponent(win.url!.replace(/^data:text\/html;charset=utf-8,/, ''))).toBe(
      '<!doctype html><p>可乐 ￥3.50</p>',
    );
    expect(win.webContents.printed).toEqual([
      { options: expect.objectContaining({ silent: true, deviceName: 'POS-80 系统' }) },
    ]);
    expect(win.closing).toBe(true);
    // Hardened: it opens no windows.
    expect(win.webContents.windowOpenHandler?.({ url: 'https://example.com' })).toEqual({ action: 'deny' });
  });

  it("rejects with Electron's reason when the print fails, still closing the window", async () => {
    PrintingContents.answer = { ok: false, why: 'Invalid deviceName provided' };
    const p = printer();
    await expect(p.print('<p>x</p>', 'Nope')).rejects.toThrow('Invalid deviceName provided');
    expect((FakeBrowserWindow.all[0] as PrintingWindow).closing).toBe(true);
  });

  it('lists the OS printers by name', async () => {
    expect(await printer().list()).toEqual(['POS-80 系统', 'Microsoft Print to PDF']);
  });
});
