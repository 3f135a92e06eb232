// The host killed around a receipt (issue #9): a receipt whose bytes went out is never printed again by itself
// after a restart, only offered (reprint marked 重打 / REPRINT, no drawer kick); a receipt killed before its
// first byte prints once after the restart, also without a kick (a restart never opens the drawer).
import iconv from 'iconv-lite';
import { CapturePrinter } from '../electron/printing/capture-printer';
import { chineseRuns, indexOfBytes, readEscPos } from '../electron/printing/testing';
import { CashierPage, callApi, DEMO, expect, test } from './fixtures';
import { LOOPBACK_PAY_ARGS, newDataDir, startHost } from './host';

type Status = { state: string; pending: number; offered: number };
type Offer = { jobId: number; orderId: number; orderNumber: string; reason: string };

const kicks = (bytes: Buffer) => readEscPos(bytes).commands.filter((c) => c.op === 'kick').length;

function isReprint(bytes: Buffer): boolean {
  const zh = [...iconv.encode('重打', 'gb18030')];
  return (
    readEscPos(bytes).lines.some((l) => l.includes('REPRINT')) ||
    chineseRuns(bytes).some((run) => indexOfBytes(run, zh) >= 0)
  );
}

test('SIGKILL right after a receipt was sent: after the restart nothing prints by itself; the reprint is offered and prints once', async ({
  page,
}) => {
  const printer = await CapturePrinter.start();
  const dataDir = newDataDir();
  const args = [...LOOPBACK_PAY_ARGS, '--printer', printer.uri];
  // Killed once the receipt's bytes are all handed to the printer's connection, before the job is marked done.
  const first = await startHost({ dataDir, args, env: { TILLPOINT_CRASH_AT: 'print.afterSend' } });
  await callApi(first.url, 'cart.scan', { barcode: DEMO.americano.barcode });
  // The answer may or may not come before the process dies; the sale is committed either way.
  await callApi(first.url, 'checkout.cash', { tenderedMinor: 2000 }).catch(() => undefined);
  expect((await first.exited).signal).toBe('SIGKILL');
  // The printer got the whole receipt (the connection closed when the process died), with the sale's kick.
  await printer.printed(1);
  expect(kicks(printer.prints[0].bytes)).toBe(1);

  const second = await startHost({ dataDir, args });
  try {
    expect(await callApi<unknown[]>(second.url, 'orders.today', {})).toHaveLength(1);
    const offers = await callApi<Offer[]>(second.url, 'printer.offers', {});
    expect(offers).toHaveLength(1);
    expect(offers[0].reason).toBe('maybe_printed');
    const cashier = new CashierPage(page, second.url);
    await cashier.goto();
    // The worker has started and asked the printer: anything it would print by itself it has sent by now.
    await expect(page.getByTestId('printer-status')).toHaveText('Printer ready');
    await expect(page.getByTestId('printer-offered')).toHaveText('to check: 1');
    const status = await callApi<Status>(second.url, 'printer.status', { refresh: true });
    expect(status).toMatchObject({ state: 'ok', pending: 0, offered: 1 });
    expect(printer.prints).toHaveLength(1);

    await page.getByTestId('printer-offered').click();
    const offer = page.getByTestId('print-offer');
    await expect(offer).toHaveAttribute('data-reason', 'maybe_printed');
    await expect(offer).toContainText(offers[0].orderNumber);
    await offer.getByTestId('print-offer-print').click();
    await printer.printed(2);
    await expect(page.getByTestId('printer-offered')).toHaveCount(0);
    expect(printer.prints).toHaveLength(2);
    expect(isReprint(printer.prints[1].bytes)).toBe(true);
    expect(kicks(printer.prints[1].bytes)).toBe(0);
  } finally {
    await second.stop();
    await printer.close();
  }
});

test('SIGKILL before the receipt’s first byte (printer off): after the restart it prints exactly once, without a kick', async () => {
  const printer = await CapturePrinter.start();
  await printer.off();
  const dataDir = newDataDir();
  const args = [...LOOPBACK_PAY_ARGS, '--printer', printer.uri];
  const first = await startHost({ dataDir, args });
  await callApi(first.url, 'cart.scan', { barcode: DEMO.americano.barcode });
  await callApi(first.url, 'checkout.cash', { tenderedMinor: 2000 });
  // The printer refuses connections: the job waits, pending, retrying.
  await expect.poll(async () => (await callApi<Status>(first.url, 'printer.status', {})).pending).toBe(1);
  await first.kill9();
  expect(printer.prints).toHaveLength(0);

  await printer.on();
  const second = await startHost({ dataDir, args });
  try {
    await printer.printed(1);
    // Done and nothing else waiting: nothing more will print by itself.
    await expect
      .poll(async () => {
        const s = await callApi<Status>(second.url, 'printer.status', {});
        return `${s.pending}/${s.offered}`;
      })
      .toBe('0/0');
    expect(printer.prints).toHaveLength(1);
    const read = readEscPos(printer.prints[0].bytes);
    expect(read.lines.some((l) => l.includes('18.00'))).toBe(true);
    expect(kicks(printer.prints[0].bytes)).toBe(0);
    expect(isReprint(printer.prints[0].bytes)).toBe(false);
  } finally {
    await second.stop();
    await printer.close();
  }
});
