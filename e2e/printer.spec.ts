// A cash sale in the UI prints its receipt on a capture printer (a TCP server in this test on 127.0.0.1),
// started with --printer; the header says the printer's state in words.
import iconv from 'iconv-lite';
import { CapturePrinter } from '../electron/printing/capture-printer';
import { chineseRuns, indexOfBytes, readEscPos } from '../electron/printing/testing';
import { CashierPage, DEMO, expect, startTestHost, test } from './fixtures';
import { LOOPBACK_PAY_ARGS } from './host';

test('a cash sale in the UI prints one receipt with Chinese, ￥, the QR, a kick and a cut', async ({ page }) => {
  const printer = await CapturePrinter.start();
  const host = await startTestHost({ args: [...LOOPBACK_PAY_ARGS, '--printer', printer.uri] });
  try {
    const cashier = new CashierPage(page, host.url);
    await cashier.goto();
    await expect(page.getByTestId('printer-status')).toHaveText('Printer ready');

    await cashier.scanAndSee(DEMO.americano.barcode);
    await page.getByTestId('cash-button').click();
    await page.getByTestId('tendered-input').fill('20');
    await page.getByTestId('cash-confirm').click();
    await expect(page.getByTestId('sale-done')).toBeVisible();
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
  } finally {
    await host.stop();
    await printer.close();
  }
});
