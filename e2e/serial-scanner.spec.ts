// A serial barcode scanner through a pseudo-terminal pair: the host opens one end (--scanner), the test
// plays the scanner on the other; a code ended by CR lands in the cashier page's cart like a wedge scan.
import fs from 'node:fs';
import { openPtyPair } from '../electron/hardware/pty-pair';
import { CashierPage, callApi, DEMO, E2E_SCAN_GAP_MS, expect, startTestHost, test } from './fixtures';
import { LOOPBACK_PAY_ARGS } from './host';

/** The test plays the scanner: writes to the device end of the pty pair. */
function send(device: string, text: string) {
  const fd = fs.openSync(device, 'w');
  fs.writeSync(fd, text);
  fs.closeSync(fd);
}

test('a code the serial scanner sends (ending in CR) shows in the cashier page’s cart', async ({ page }) => {
  const pair = await openPtyPair();
  const host = await startTestHost({ args: [...LOOPBACK_PAY_ARGS, '--scanner', `serial:${pair.till}?baud=9600`] });
  try {
    const cashier = new CashierPage(page, host.url);
    await cashier.goto();
    await expect
      .poll(async () => (await callApi<{ state: string }>(host.url, 'scanner.status', {})).state)
      .toBe('connected');
    await expect(page.getByTestId('scanner-status')).toHaveCount(0);

    send(pair.device, `${DEMO.americano.barcode}\r`);
    await expect(cashier.line(DEMO.americano.barcode).getByTestId('line-qty')).toHaveText('1');
    await expect(cashier.total()).toHaveText(DEMO.americano.price);

    // "3*" typed first goes with the serial scanner's next code, as with a keyboard scanner (CRLF this time).
    await page.keyboard.type('3*', { delay: 5 * E2E_SCAN_GAP_MS });
    await expect(page.getByTestId('pending-quantity')).toContainText('3');
    send(pair.device, `${DEMO.croissant.barcode}\r\n`);
    await expect(cashier.line(DEMO.croissant.barcode).getByTestId('line-qty')).toHaveText('3');
    await expect(page.getByTestId('pending-quantity')).toHaveCount(0);
    await expect(page.getByTestId('search-input')).toHaveValue('');
    await expect(cashier.total()).toHaveText('¥54.00');

    // Unplugged: the header says so.
    await pair.close();
    await expect(page.getByTestId('scanner-status')).toHaveText('Scanner not connected');
  } finally {
    await host.stop();
    await pair.close();
  }
});

test('with two cashier pages open, each serial scan is added once', async ({ page, context }) => {
  const pair = await openPtyPair();
  const host = await startTestHost({ args: [...LOOPBACK_PAY_ARGS, '--scanner', `serial:${pair.till}?baud=9600`] });
  try {
    const first = new CashierPage(page, host.url);
    await first.goto();
    const second = new CashierPage(await context.newPage(), host.url);
    await second.goto();
    await expect
      .poll(async () => (await callApi<{ state: string }>(host.url, 'scanner.status', {})).state)
      .toBe('connected');
    send(pair.device, `${DEMO.americano.barcode}\r`);
    await expect(first.line(DEMO.americano.barcode)).toHaveCount(1);
    send(pair.device, `${DEMO.croissant.barcode}\r`);
    for (const cashier of [first, second]) {
      await expect(cashier.line(DEMO.croissant.barcode).getByTestId('line-qty')).toHaveText('1');
      await expect(cashier.line(DEMO.americano.barcode).getByTestId('line-qty')).toHaveText('1');
      await expect(cashier.total()).toHaveText('¥30.00');
    }
  } finally {
    await host.stop();
    await pair.close();
  }
});
