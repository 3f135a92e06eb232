// A cash sale in the UI prints its receipt on a capture printer (a TCP server in this test on 127.0.0.1),
// started with --printer; the header says the printer's state in words.
import iconv from 'iconv-lite';
import { CapturePrinter } from '../electron/printing/capture-printer';
import { DEFAULT_PRINTER_SETTINGS } from '../shared/printer';
import { chineseRuns, indexOfBytes, readEscPos } from '../electron/printing/testing';
import { CashierPage, callApi, DEMO, expect, startTestHost, test } from './fixtures';
import { LOOPBACK_PAY_ARGS } from './host';

test('a cash sale in the UI prints one receipt with Chinese, ￥, the QR, a kick and a cut; printer off, it waits and prints once without a kick', async ({
  page,
}) => {
  const printer = await CapturePrinter.start();
  const host = await startTestHost({ args: [...LOOPBACK_PAY_ARGS, '--printer', printer.uri] });
  try {
    const cashier = new CashierPage(page, host.url);
    await cashier.goto();
    await expect(page.getByTestId('printer-status')).toHaveText('Printer ready');

    await cashier.scanAndSee(DEMO.americano.barcode);
    await cashier.payCash('20');
    await printer.printed(1);

    expect(printer.prints).toHaveLength(1);
    const bytes = printer.prints[0].bytes;
    expect([...bytes.subarray(0, 2)]).toEqual([0x1b, 0x40]);
    const name = [...iconv.encode('美式咖啡', 'gb18030')];
    expect(chineseRuns(bytes).some((run) => indexOfBytes(run, name) >= 0)).toBe(true);
    expect(chineseRuns(bytes).some((run) => indexOfBytes(run, [0xa3, 0xa4]) >= 0)).toBe(true);
    const read = readEscPos(bytes);
    expect(read.lines.some((l) => l.includes('18.00'))).toBe(true);
    expect(read.commands.filter((c) => c.op === 'kick')).toHaveLength(1);
    expect(read.commands.some((c) => c.op === 'qr' && /^TPO-/.test(c.data))).toBe(true);
    expect(read.commands.at(-1)).toMatchObject({ op: 'cut' });

    // Out of paper, said in words once the printer is asked again.
    await cashier.newSale();
    printer.answer = 'paper_out';
    await page.getByTestId('printer-status').click();
    await expect(page.getByTestId('printer-status')).toHaveText('Out of paper');

    // A drawer watched by its switch (open = pin 3 high here): the header says when it is left open.
    await expect(page.getByTestId('drawer-open')).toHaveCount(0);
    await callApi(host.url, 'settings.update', {
      printer: { ...DEFAULT_PRINTER_SETTINGS, uri: printer.uri, drawerOpenSignal: 'high' },
    });
    printer.answer = 'ok';
    printer.drawerHigh = true;
    await page.getByTestId('printer-status').click();
    await expect(page.getByTestId('drawer-open')).toHaveText('Drawer open');
    printer.drawerHigh = false;
    await page.getByTestId('printer-status').click();
    await expect(page.getByTestId('drawer-open')).toHaveCount(0);

    // Switched off: the next sale's receipt waits and the header says so; back on, it prints once, without the
    // kick (a drawer never opens by itself later).
    await printer.off();
    await cashier.scanAndSee(DEMO.americano.barcode);
    await cashier.payCash('20');
    await expect(page.getByTestId('printer-status')).toHaveText('Printer offline · receipts waiting: 1');
    await printer.on();
    await printer.printed(2);
    await expect(page.getByTestId('printer-status')).toHaveText('Printer ready');
    expect(printer.prints).toHaveLength(2);
    const later = readEscPos(printer.prints[1].bytes);
    expect(later.commands.some((c) => c.op === 'kick')).toBe(false);
    expect(later.lines.some((l) => l.includes('18.00'))).toBe(true);
  } finally {
    await host.stop();
    await printer.close();
  }
});

test('a receipt that waited past the retry window is offered, and Print sends it once as REPRINT without a kick', async ({
  page,
}) => {
  const printer = await CapturePrinter.start();
  const host = await startTestHost({ args: [...LOOPBACK_PAY_ARGS, '--printer', printer.uri] });
  try {
    // The shortest retry window the settings allow, so the receipt gives up waiting within the test.
    await callApi(host.url, 'settings.update', { printer: { ...DEFAULT_PRINTER_SETTINGS, retrySeconds: 10 } });
    const cashier = new CashierPage(page, host.url);
    await cashier.goto();
    await expect(page.getByTestId('printer-status')).toHaveText('Printer ready');
    await printer.off();

    await cashier.scanAndSee(DEMO.americano.barcode);
    await cashier.payCash('20');
    const number = (await page.getByTestId('order-number').textContent()) ?? '';
    await cashier.newSale();

    // Retries back off (1, 2, 4, 8 s): past the 10 s window the receipt waits for the cashier.
    await expect(page.getByTestId('printer-offered')).toHaveText('to check: 1', { timeout: 40_000 });
    await printer.on();
    expect(printer.prints).toHaveLength(0);

    await page.getByTestId('printer-offered').click();
    const offer = page.getByTestId('print-offer');
    await expect(offer).toHaveCount(1);
    await expect(offer).toHaveAttribute('data-reason', 'too_old');
    await expect(offer).toContainText('Waited too long for the printer');
    await expect(offer).toContainText(number);
    await offer.getByTestId('print-offer-print').click();
    await printer.printed(1);
    await expect(page.getByTestId('print-offer')).toHaveCount(0);
    await expect(page.getByTestId('printer-offered')).toHaveCount(0);

    expect(printer.prints).toHaveLength(1);
    const read = readEscPos(printer.prints[0].bytes);
    // 重打 or REPRINT, in the receipt's language.
    const zh = [...iconv.encode('重打', 'gb18030')];
    const marked =
      read.lines.some((l) => l.includes('REPRINT')) ||
      chineseRuns(printer.prints[0].bytes).some((run) => indexOfBytes(run, zh) >= 0);
    expect(marked).toBe(true);
    expect(read.commands.filter((c) => c.op === 'kick')).toHaveLength(0);
  } finally {
    await host.stop();
    await printer.close();
  }
});
