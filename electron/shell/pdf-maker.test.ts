// Save as PDF with the fake electron: a hidden, scriptless window per report, the page as a data: URL, A4 PDF bytes
// back, the window closed afterwards (also when Chromium fails).
import type { BrowserWindowConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { FakeBrowserWindow, FakeWebContents, fakeDisplay, fakeElectron } from './fake-electron';
import { electronPdfMaker, type PdfMakerElectron } from './pdf-maker';

class PdfContents extends FakeWebContents {
  static fail: Error | null = null;
  asked: unknown[] = [];
  async printToPDF(options: unknown) {
    this.asked.push(options);
    if (PdfContents.fail) throw PdfContents.fail;
    return Buffer.from('%PDF-1.7 fake');
  }
}

class PdfWindow extends FakeBrowserWindow {
  override webContents = new PdfContents();
  constructor(options: BrowserWindowConstructorOptions) {
    super(options);
  }
}

function maker() {
  fakeElectron([fakeDisplay(1, 0)]);
  return electronPdfMaker({ BrowserWindow: PdfWindow } as unknown as PdfMakerElectron);
}

describe('save as PDF (desktop app)', () => {
  it('lays the page out in a hidden window without scripts, as A4, then closes it', async () => {
    PdfContents.fail = null;
    const bytes = await maker().pdf('<!doctype html><h1>销售报表</h1>');
    expect(bytes.toString()).toBe('%PDF-1.7 fake');
    const [win] = FakeBrowserWindow.all as PdfWindow[];
    expect(win.options.show).toBe(false);
    expect(win.options.webPreferences).toMatchObject({ javascript: false, sandbox: true, offscreen: true });
    expect(decodeURIComponent(win.url!.replace(/^data:text\/html;charset=utf-8,/, ''))).toBe(
      '<!doctype html><h1>销售报表</h1>',
    );
    expect(win.webContents.asked).toEqual([expect.objectContaining({ pageSize: 'A4', printBackground: true })]);
    expect(win.closing).toBe(true);
    expect(win.webContents.windowOpenHandler?.({ url: 'https://example.com' })).toEqual({ action: 'deny' });
  });

  it("rejects with Chromium's reason and still closes the window", async () => {
    PdfContents.fail = new Error('Failed to generate PDF');
    await expect(maker().pdf('<p>x</p>')).rejects.toThrow('Failed to generate PDF');
    expect((FakeBrowserWindow.all[0] as PdfWindow).closing).toBe(true);
    PdfContents.fail = null;
  });
});
