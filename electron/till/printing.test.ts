// Receipts through the till's handlers to a capture printer on 127.0.0.1: the stored job, its bytes, the
// drawer kick only with a cash sale's first print, retries while the printer is off, restarts and reprints.
import iconv from 'iconv-lite';
import { afterEach, describe, expect, it } from 'vitest';
import type { PrinterSettings } from '../../shared/printer';
import { ScriptedProvider } from '../payments/testing';
import { CapturePrinter } from '../printing/capture-printer';
import { chineseRuns, indexOfBytes, readEscPos } from '../printing/testing';
import type { TillOptions } from './index';
import {
  journalCount,
  openTestTill,
  refusal,
  sqlCount,
  type TestTill,
  tempDataDir,
  testClock,
  TEST_OWNER_NAME,
} from './testing';

const COFFEE = '2000001000007'; // 美式咖啡 ￥18.00
const ESC_AT = [0x1b, 0x40];
const KICK = [0x1b, 0x70];
const CUT = [0x1d, 0x56];

const tills: TestTill[] = [];
const printers: CapturePrinter[] = [];
afterEach(async () => {
  for (const t of tills.splice(0)) await t.close();
  for (const p of printers.splice(0)) await p.close();
});

async function capture(): Promise<CapturePrinter> {
  const p = await CapturePrinter.start();
  printers.push(p);
  return p;
}

function open(uri: string | null, opts: Partial<TillOptions> = {}): TestTill {
  const t = openTestTill({
    ...opts,
    printing: { printerUri: uri ?? undefined, retryFirstMs: 20, retryMaxMs: 50, statusEveryMs: 0, ...opts.printing },
  });
  tills.push(t);
  return t;
}

function jobs(t: TestTill) {
  return t.db.prepare('SELECT id, order_id, kind, status, offer_reason, kick, attempts FROM print_jobs').all() as {
    id: number;
    order_id: number;
    kind: string;
    status: string;
    offer_reason: string | null;
    kick: number;
    attempts: number;
  }[];
}

function has(bytes: Uint8Array, needle: number[]): boolean {
  return indexOfBytes(bytes, needle) >= 0;
}

async function sellCash(t: TestTill) {
  await t.call('cart.scan', { barcode: COFFEE });
  return t.call('checkout.cash', { tenderedMinor: 2000 });
}

describe('receipts for a cash sale', () => {
  it('store one job in the sale and print it: ESC @, the Chinese name in GB18030, ￥, total, QR, kick, cut', async () => {
    const printer = await capture();
    const t = open(printer.uri);
    const { order } = await sellCash(t);
    await printer.printed(1);
    await t.printing.worker.idle();

    expect(jobs(t)).toEqual([
      expect.objectContaining({ order_id: order.id, kind: 'sale', status: 'done', kick: 1, attempts: 1 }),
    ]);
    expect(printer.prints).toHaveLength(1);
    const bytes = printer.prints[0].bytes;
    expect([...bytes.subarray(0, 2)]).toEqual(ESC_AT);
    const name = iconv.encode('美式咖啡', 'gb18030');
    expect(chineseRuns(bytes).some((run) => has(run, [...name]))).toBe(true);
    expect(chineseRuns(bytes).some((run) => has(run, [0xa3, 0xa4]))).toBe(true);
    expect(has(bytes, [0xc2, 0xa5])).toBe(false);
    const read = readEscPos(bytes);
    expect(read.lines.some((l) => l.includes('18.00') && /合计/.test(l))).toBe(true);
    // The receipt names who rang it up.
    expect(read.lines.some((l) => l.includes(`收银员: ${TEST_OWNER_NAME}`))).toBe(true);
    expect(read.commands).toContainEqual({ op: 'qr', data: expect.stringMatching(new RegExp(`-${order.id}$`)) });
    expect(read.commands.filter((c) => c.op === 'kick')).toHaveLength(1);
    expect(has(bytes, KICK)).toBe(true);
    expect(read.commands.at(-1)).toMatchObject({ op: 'cut' });
    expect(has(bytes, CUT)).toBe(true);
    // The journal row of the sale and the job were one transaction.
    expect(journalCount(t, 'sale.completed')).toBe(1);
  });

  it('wait while the printer is off (status offline) and print once, without the kick, when it is back', async () => {
    const printer = await capture();
    await printer.off();
    const t = open(printer.uri);
    const offline = t.next('printer.status', (s) => s.state === 'offline' && s.pending === 1);
    await sellCash(t);
    expect((await offline).detail).toMatch(/ECONNREFUSED/);
    expect(jobs(t)[0]).toMatchObject({ status: 'pending', kick: 1 });
    expect(await t.call('printer.status', {})).toMatchObject({ state: 'offline', pending: 1 });

    await printer.on();
    await printer.printed(1);
    await t.printing.worker.idle();
    expect(printer.prints).toHaveLength(1);
    const read = readEscPos(printer.prints[0].bytes);
    expect(read.commands.some((c) => c.op === 'kick')).toBe(false);
    expect(read.lines.some((l) => l.includes('REPRINT') || l.includes('重打'))).toBe(false);
    expect(jobs(t)[0]).toMatchObject({ status: 'done' });
    expect(await t.call('printer.status', {})).toMatchObject({ state: 'ok', pending: 0, offered: 0 });
  });

  it('stop retrying a receipt older than the window: it waits for the cashier, and a reprint never kicks', async () => {
    const printer = await capture();
    await printer.off();
    const clock = testClock('2026-11-25T06:00:00Z');
    const t = open(printer.uri, { clock: clock.clock });
    const failed = t.next('printer.status', (s) => s.state === 'offline');
    const { order } = await sellCash(t);
    await failed;
    clock.advance(121_000);
    const offered = t.next('printer.status', (s) => s.offered === 1);
    await printer.on();
    await offered;
    expect(jobs(t)[0]).toMatchObject({ status: 'offered', offer_reason: 'too_old' });
    expect(await t.call('printer.offers', {})).toEqual([
      expect.objectContaining({ orderId: order.id, orderNumber: order.number, reason: 'too_old' }),
    ]);
    expect(printer.prints).toHaveLength(0);

    await t.call('printer.reprint', { orderId: order.id });
    await printer.printed(1);
    const read = readEscPos(printer.prints[0].bytes);
    expect(read.lines.some((l) => l.includes('重打'))).toBe(true);
    expect(read.commands.some((c) => c.op === 'kick')).toBe(false);
    expect(await t.call('printer.offers', {})).toEqual([]);
    expect(journalCount(t, 'receipt.reprinted')).toBe(1);
  });

  it('print nothing and store nothing without a printer', async () => {
    const t = open(null);
    await sellCash(t);
    expect(jobs(t)).toEqual([]);
    expect(await t.call('printer.status', { refresh: true })).toMatchObject({ state: 'none', pending: 0 });
    expect((await refusal(t.call('printer.openDrawer', {}))).code).toBe('NO_PRINTER');
  });

  it('open only the drawer for a sale without a receipt', async () => {
    const printer = await capture();
    const t = open(printer.uri);
    await t.call('cart.scan', { barcode: COFFEE });
    await t.call('checkout.cash', { tenderedMinor: 2000, receipt: false });
    await printer.printed(1);
    const read = readEscPos(printer.prints[0].bytes);
    expect(read.lines).toEqual([]);
    expect(read.commands.filter((c) => c.op === 'kick')).toHaveLength(1);
  });
});

describe('after a restart', () => {
  it('offers a receipt that was being sent (may have printed) and prints a pending one, neither with a kick', async () => {
    const printer = await capture();
    await printer.off();
    const dataDir = tempDataDir();
    const first = open(printer.uri, { dataDir });
    const failed = first.next('printer.status', (s) => s.state === 'offline' && s.pending === 2);
    const a = (await sellCash(first)).order;
    const b = (await sellCash(first)).order;
    await failed;
    await first.close();
    // As if the till was killed right after the first receipt's first byte went out.
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(`${dataDir}/tillpoint.db`);
    db.prepare("UPDATE print_jobs SET status = 'sent' WHERE order_id = ?").run(a.id);
    db.close();

    await printer.on();
    const t = open(printer.uri, { dataDir });
    expect(await t.call('printer.offers', {})).toEqual([
      expect.objectContaining({ orderId: a.id, reason: 'maybe_printed' }),
    ]);
    t.printing.start();
    await printer.printed(1);
    await t.printing.worker.idle();
    expect(printer.prints).toHaveLength(1);
    const read = readEscPos(printer.prints[0].bytes);
    expect(read.commands.some((c) => c.op === 'kick')).toBe(false);
    expect(read.commands).toContainEqual({ op: 'qr', data: expect.stringMatching(new RegExp(`-${b.id}$`)) });
    expect(jobs(t).map((j) => [j.order_id, j.status])).toEqual([
      [a.id, 'offered'],
      [b.id, 'done'],
    ]);

    expect(await t.call('printer.dismiss', { jobId: jobs(t)[0].id })).toEqual([]);
    expect(sqlCount(t, "SELECT count(*) FROM print_jobs WHERE status = 'dismissed'")).toBe(1);
  });
});

/** The customer pays the trade at the built-in Demo gateway (its test controls). */
async function paidAtGateway(t: TestTill, tradeNumber: string) {
  const res = await fetch(`${t.payments().gatewayUrl}/sim/trades/${tradeNumber}/pay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
  });
  expect(res.status).toBe(200);
}

describe('a wallet sale', () => {
  it('prints its receipt without a kick', async () => {
    const printer = await capture();
    const t = open(printer.uri, { payments: { payPort: 0, payBind: '127.0.0.1', simControls: true } });
    await t.start();
    await t.call('cart.scan', { barcode: COFFEE });
    const { payment, cart } = await t.call('pay.start', { method: 'qr' });
    await paidAtGateway(t, payment!.tradeNumber!);
    await printer.printed(1);
    await t.printing.worker.idle();
    expect(jobs(t)).toEqual([expect.objectContaining({ order_id: cart.id, kind: 'sale', kick: 0, status: 'done' })]);
    const read = readEscPos(printer.prints[0].bytes);
    expect(read.commands.some((c) => c.op === 'kick')).toBe(false);
    expect(read.lines.some((l) => l.includes('DEMO'))).toBe(true);
  });

  it('with a cash part (split tender) opens the drawer once, with the receipt when the wallet pays the rest', async () => {
    const printer = await capture();
    const t = open(printer.uri, { payments: { payPort: 0, payBind: '127.0.0.1', simControls: true } });
    await t.start();
    await t.call('cart.scan', { barcode: COFFEE });
    await t.call('checkout.cashPart', { amountMinor: 1000 });
    const { payment, cart } = await t.call('pay.start', { method: 'qr' });
    expect(payment!.amountMinor).toBe(800);
    await paidAtGateway(t, payment!.tradeNumber!);
    await printer.printed(1);
    await t.printing.worker.idle();
    expect(jobs(t)).toEqual([expect.objectContaining({ order_id: cart.id, kind: 'sale', kick: 1, status: 'done' })]);
    const read = readEscPos(printer.prints[0].bytes);
    expect(read.commands.filter((c) => c.op === 'kick')).toHaveLength(1);
    expect(read.lines.some((l) => /现金/.test(l) && l.includes('10.00'))).toBe(true);
  });
});

describe('printer status', () => {
  it('shows the drawer open or closed by the pin 3 level the printer reports, as the shop set it', async () => {
    const printer = await capture();
    const t = open(printer.uri);
    printer.drawerHigh = true;
    // Not watched by default: the level is reported, the drawer state is not.
    expect(await t.call('printer.status', { refresh: true })).toMatchObject({ drawerSignal: 'high', drawer: null });
    const s = await t.call('settings.get', {});
    await t.call('settings.update', { printer: { ...s.printer, drawerOpenSignal: 'high' } });
    expect(await t.call('printer.status', { refresh: true })).toMatchObject({ drawer: 'open' });
    printer.drawerHigh = false;
    const closed = t.next('printer.status', (x) => x.drawer === 'closed');
    expect(await t.call('printer.status', { refresh: true })).toMatchObject({ drawerSignal: 'low', drawer: 'closed' });
    await closed;
    printer.answer = 'silent';
    expect(await t.call('printer.status', { refresh: true })).toMatchObject({ drawerSignal: null, drawer: null });
  });

  it('reads DLE EOT: paper out, cover open, ok; silence is unknown and still prints', async () => {
    const printer = await capture();
    const t = open(printer.uri);
    printer.answer = 'paper_out';
    const pushed = t.next('printer.status', (s) => s.state === 'paper_out');
    expect(await t.call('printer.status', { refresh: true })).toMatchObject({ state: 'paper_out' });
    await pushed;
    printer.answer = 'cover_open';
    expect(await t.call('printer.status', { refresh: true })).toMatchObject({ state: 'cover_open' });
    printer.answer = 'ok';
    expect(await t.call('printer.status', { refresh: true })).toMatchObject({ state: 'ok' });
    printer.answer = 'silent';
    expect(await t.call('printer.status', { refresh: true })).toMatchObject({ state: 'unknown' });
    await sellCash(t);
    await printer.printed(1);
  });

  it('says a system: printer needs the desktop app when there is none (the headless host)', async () => {
    const t = open('system:POS-80');
    expect(await t.call('printer.status', { refresh: true })).toMatchObject({
      state: 'unavailable',
      detail: expect.stringMatching(/needs? the desktop app/),
    });
    expect((await refusal(t.call('printer.testPage', {}))).code).toBe('PRINTER_NOT_BUILT');
  });
});

describe('the cash drawer and the test page', () => {
  it('opens the drawer without a sale (journaled) and prints a test page', async () => {
    const printer = await capture();
    const t = open(printer.uri);
    await t.call('printer.openDrawer', {});
    await printer.printed(1);
    expect(readEscPos(printer.prints[0].bytes).commands).toContainEqual({ op: 'kick', pin: 0, on: 0x32, off: 0xfa });
    expect(t.db.prepare("SELECT data FROM journal WHERE kind = 'drawer.opened'").pluck().all()).toEqual([
      JSON.stringify({ reason: 'no_sale', pin: 'pin2', sent: true, by: { id: 1, name: TEST_OWNER_NAME } }),
    ]);
    await t.call('printer.testPage', {});
    await printer.printed(2);
    const page = readEscPos(printer.prints[1].bytes);
    expect(page.lines).toContain('打印测试页 / Test page');
    expect(page.commands.some((c) => c.op === 'kick')).toBe(false);
    expect(sqlCount(t, 'SELECT count(*) FROM print_jobs')).toBe(0);
  });

  it('journals a drawer that could not be opened, and says why', async () => {
    const printer = await capture();
    await printer.off();
    const t = open(printer.uri);
    expect((await refusal(t.call('printer.openDrawer', {}))).code).toBe('PRINTER_OFFLINE');
    expect(t.db.prepare("SELECT data FROM journal WHERE kind = 'drawer.opened'").pluck().get()).toBe(
      JSON.stringify({ reason: 'no_sale', pin: 'pin2', sent: false, by: { id: 1, name: TEST_OWNER_NAME } }),
    );
  });
});

describe('printer settings', () => {
  it('take a printer, paper width and drawer pin; a wrong URI is refused', async () => {
    const printer = await capture();
    const t = open(null);
    const settings: PrinterSettings = {
      ...(await t.call('settings.get', {})).printer,
      uri: printer.uri,
      columns: 48,
      drawerPin: 'pin5',
      footer: '谢谢惠顾\n',
    };
    await t.call('settings.update', { printer: settings });
    const { order } = await sellCash(t);
    await printer.printed(1);
    const read = readEscPos(printer.prints[0].bytes);
    expect(read.commands).toContainEqual(expect.objectContaining({ op: 'kick', pin: 1 }));
    expect(read.lines.some((l) => l.includes('谢谢惠顾'))).toBe(true);
    expect(order.status).toBe('completed');
    await expect(t.call('settings.update', { printer: { ...settings, uri: 'lpt1' } })).rejects.toThrow();
  });
});

describe('a sale completed later', () => {
  async function withWallet(printer: CapturePrinter, provider: ScriptedProvider, dataDir = tempDataDir()) {
    const clock = testClock(new Date(2026, 10, 25, 9, 30));
    const t = open(printer.uri, {
      dataDir,
      clock: clock.clock,
      payments: { provider, notify: false, engine: { loops: false, sweepWaitMs: 2000 } },
    });
    await t.start();
    return { t, clock };
  }

  it('by a late payment applied from the attention list is offered, not printed', async () => {
    const printer = await capture();
    const provider = new ScriptedProvider();
    const { t, clock } = await withWallet(printer, provider);
    await t.call('cart.scan', { barcode: COFFEE });
    const { payment, cart } = await t.call('pay.start', { method: 'qr' });
    clock.advance(121_000);
    await t.checkout.step(payment!.id);
    provider.pay(payment!.tradeNumber!);
    await t.call('attention.resolve', { paymentId: payment!.id, action: 'check' });
    await t.call('attention.resolve', { paymentId: payment!.id, action: 'apply' });
    await t.printing.worker.idle();
    expect(jobs(t)).toEqual([
      expect.objectContaining({ order_id: cart.id, status: 'offered', offer_reason: 'late_sale', kick: 0 }),
    ]);
    expect(printer.prints).toHaveLength(0);
  });

  it('by the startup check is offered, not printed', async () => {
    const printer = await capture();
    const provider = new ScriptedProvider();
    const dataDir = tempDataDir();
    const first = await withWallet(printer, provider, dataDir);
    await first.t.call('cart.scan', { barcode: COFFEE });
    const { payment, cart } = await first.t.call('pay.start', { method: 'qr' });
    await first.t.close();
    provider.pay(payment!.tradeNumber!);

    const { t } = await withWallet(printer, provider, dataDir);
    await t.checkout.sweep();
    expect(t.db.prepare('SELECT status FROM orders WHERE id = ?').pluck().get(cart.id)).toBe('completed');
    await t.printing.worker.idle();
    expect(jobs(t)).toEqual([
      expect.objectContaining({ order_id: cart.id, status: 'offered', offer_reason: 'late_sale' }),
    ]);
    expect(printer.prints).toHaveLength(0);
  });
});
