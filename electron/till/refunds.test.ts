// Refunds by line on a real till (real SQLite file): the limits per line and per payment with an order discount
// and split tender, the refund permission, wallet parts through a provider (scripted, the Demo gateway, the Alipay
// mock) under a refund number stored first, a provider's refusal paid in cash with the owner's approval, and
// the refund receipt on a capture printer.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { orderQrPayload } from '../../shared/receipt';
import { ProviderError } from '../payments/provider';
import { createAlipayProvider } from '../payments/providers/alipay/adapter';
import { type AlipayMock, startAlipayMock } from '../payments/providers/alipay/mock';
import { ScriptedProvider } from '../payments/testing';
import { CapturePrinter } from '../printing/capture-printer';
import { readEscPos } from '../printing/testing';
import type { TillOptions } from './index';
import { journalCount, openTestTill, refusal, sqlCount, TEST_OWNER_PIN, type TestTill, tempDataDir } from './testing';

const COFFEE = '2000001000007'; // 18.00
const LATTE = '2000002000006'; // 22.00
const CASHIER_PIN = '1357';

const tills: TestTill[] = [];
const printers: CapturePrinter[] = [];
afterEach(async () => {
  for (const t of tills.splice(0)) await t.close();
  for (const p of printers.splice(0)) await p.close();
});

async function open(provider = new ScriptedProvider({ id: 'demo' }), opts: Partial<TillOptions> = {}) {
  const till = openTestTill({
    payments: { provider, notify: false, engine: { loops: false, sweepWaitMs: 0 } },
    ...opts,
  });
  tills.push(till);
  await till.start();
  return { till, provider };
}

/** Pays what is due by QR through the scripted provider. */
async function payQr(till: TestTill, provider: ScriptedProvider) {
  const { payment } = await till.call('pay.start', { method: 'qr' });
  provider.pay(payment!.tradeNumber!);
  const view = await till.call('pay.check', { paymentId: payment!.id });
  expect(view.payment!.status).toBe('paid');
  return view.order;
}

async function asCashier(till: TestTill) {
  if (sqlCount(till, "SELECT count(*) FROM staff WHERE role = 'cashier'") === 0) {
    await till.call('staff.save', { name: 'Ann', pin: CASHIER_PIN });
  }
  await till.call('staff.lock', {});
  await till.call('staff.unlock', { pin: CASHIER_PIN });
}

function rows(till: TestTill) {
  return {
    tickets: sqlCount(till, 'SELECT count(*) FROM refund_tickets'),
    lines: sqlCount(till, 'SELECT count(*) FROM refund_lines'),
    refunds: sqlCount(till, 'SELECT count(*) FROM refunds'),
    journal: journalCount(till, 'refund.made'),
    refunded: sqlCount(till, 'SELECT IFNULL(sum(refunded_minor), 0) FROM payments'),
  };
}

describe('refund limits', () => {
  it('with an order discount and split tender: per line pro rata, wallet first, never over a line or a payment', async () => {
    const { till, provider } = await open();
    await till.call('cart.scan', { barcode: COFFEE, quantity: 3 });
    await till.call('cart.scan', { barcode: LATTE });
    await till.call('cart.setOrderDiscount', { discountMinor: 100 });
    await till.call('checkout.cashPart', { amountMinor: 2000 });
    const order = await payQr(till, provider);
    expect(order).toMatchObject({ status: 'completed', totalMinor: 7500 });

    const before = await till.call('refund.preview', { orderId: order.id });
    const [coffee, latte] = before.lines;
    // A line's refundable amount is its total after its share of the order discount.
    expect(coffee.totalMinor + latte.totalMinor).toBe(7500);
    expect(coffee.totalMinor).toBeLessThan(5400);
    expect(coffee).toMatchObject({ quantity: 3, refundableQuantity: 3, refundableMinor: coffee.totalMinor });
    expect(before.payments.map((p) => [p.method, p.refundableMinor])).toEqual([
      ['cash', 2000],
      ['qr', 5500],
    ]);
    const unit = Math.floor(coffee.totalMinor / 3);

    // One coffee: back to the wallet (wallets first).
    const first = await till.call('refund.make', {
      orderId: order.id,
      lines: [{ lineId: coffee.lineId, quantity: 1 }],
    });
    expect(first.ticket).toMatchObject({ number: 'T1-R0001', status: 'done', totalMinor: unit, approvedBy: null });
    expect(first.ticket.by).toMatchObject({ name: 'Owner' });
    expect(first.ticket.parts).toEqual([
      expect.objectContaining({ method: 'qr', amountMinor: unit, status: 'refunded' }),
    ]);
    const qr = order.payments.find((p) => p.method === 'qr')!;
    expect(provider.trade(qr.tradeNumber!)!.refundedMinor).toBe(unit);

    // More than is left of the line: refused, nothing written.
    const counts = rows(till);
    const tooMany = await refusal(
      till.call('refund.make', { orderId: order.id, lines: [{ lineId: coffee.lineId, quantity: 3 }] }),
    );
    expect(tooMany).toMatchObject({ code: 'REFUND_TOO_MUCH', params: { lineId: coffee.lineId, maxQuantity: 2 } });
    expect(rows(till)).toEqual(counts);

    // The other two: the last unit takes the remainder, so the line gives back exactly its total.
    const second = await till.call('refund.make', {
      orderId: order.id,
      lines: [{ lineId: coffee.lineId, quantity: 2 }],
    });
    expect(second.ticket).toMatchObject({ number: 'T1-R0002', totalMinor: coffee.totalMinor - unit });
    expect(second.preview.lines[0]).toMatchObject({ refundedQuantity: 3, refundableQuantity: 0, refundableMinor: 0 });

    // A third refund of the coffee is refused.
    const third = await refusal(
      till.call('refund.make', { orderId: order.id, lines: [{ lineId: coffee.lineId, quantity: 1 }] }),
    );
    expect(third).toMatchObject({ code: 'REFUND_TOO_MUCH', params: { maxQuantity: 0 } });

    // The latte: what the wallet has left, then the drawer.
    const walletLeft = 5500 - coffee.totalMinor;
    const fourth = await till.call('refund.make', { orderId: order.id, full: true });
    expect(fourth.ticket.parts.map((p) => [p.method, p.amountMinor, p.status, p.cashInstead])).toEqual([
      ['qr', walletLeft, 'refunded', false],
      ['cash', latte.totalMinor - walletLeft, 'refunded', false],
    ]);
    expect(fourth.ticket.parts[1].refundNumber).toBe('T1-R0003-1');
    const payments = till.db.prepare('SELECT method, status, refunded_minor AS r FROM payments ORDER BY id').all();
    expect(payments).toEqual([
      { method: 'cash', status: 'refunded', r: 2000 },
      { method: 'qr', status: 'refunded', r: 5500 },
    ]);
    // Exactly the order, not a fen more: each payment gave back what it took.
    expect(sqlCount(till, "SELECT sum(amount_minor) FROM refunds WHERE status = 'refunded'")).toBe(7500);
    expect(await refusal(till.call('refund.make', { orderId: order.id, full: true }))).toMatchObject({
      code: 'REFUND_NOTHING_LEFT',
    });
    // The order stays completed: a refund is its own record.
    expect(sqlCount(till, 'SELECT count(*) FROM orders WHERE id = ? AND status = ?', order.id, 'completed')).toBe(1);
    expect(provider.trade(qr.tradeNumber!)!.refundedMinor).toBe(5500);
  });

  it('refuses a line the order does not have, a line named twice, and an order that is not completed', async () => {
    const { till } = await open();
    await till.call('cart.scan', { barcode: COFFEE, quantity: 2 });
    const cart = await till.call('cart.get', {});
    expect(await refusal(till.call('refund.preview', { orderId: cart.id }))).toMatchObject({ code: 'ORDER_NOT_FOUND' });
    const { order } = await till.call('checkout.cash', { tenderedMinor: 5000 });
    const lineId = order.lines[0].id;
    expect(
      await refusal(till.call('refund.make', { orderId: order.id, lines: [{ lineId: lineId + 99, quantity: 1 }] })),
    ).toMatchObject({ code: 'LINE_NOT_FOUND' });
    expect(
      await refusal(
        till.call('refund.make', {
          orderId: order.id,
          lines: [
            { lineId, quantity: 1 },
            { lineId, quantity: 1 },
          ],
        }),
      ),
    ).toMatchObject({ code: 'INVALID_INPUT' });
    expect(rows(till).tickets).toBe(0);
  });
});

describe('the refund permission', () => {
  it("a cashier's refund without approval is refused and writes nothing; with the owner's approval both names are kept", async () => {
    const { till } = await open();
    await till.call('cart.scan', { barcode: COFFEE, quantity: 2 });
    const { order } = await till.call('checkout.cash', { tenderedMinor: 4000 });
    const one = { orderId: order.id, lines: [{ lineId: order.lines[0].id, quantity: 1 }] };
    await asCashier(till);
    const counts = rows(till);
    const journal = sqlCount(till, 'SELECT count(*) FROM journal');
    const refused = await refusal(till.call('refund.make', one));
    expect(refused).toMatchObject({ code: 'APPROVAL_NEEDED', params: { action: 'refund' } });
    expect(rows(till)).toEqual(counts);
    expect(sqlCount(till, 'SELECT count(*) FROM journal')).toBe(journal);
    expect(sqlCount(till, "SELECT count(*) FROM sequences WHERE name LIKE 'refund:%'")).toBe(0);

    const { approvalId } = await till.call('staff.approve', { pin: TEST_OWNER_PIN, action: 'refund' });
    const made = await till.call('refund.make', { ...one, approvalId });
    expect(made.ticket).toMatchObject({
      status: 'done',
      totalMinor: 1800,
      by: { name: 'Ann' },
      approvedBy: { name: 'Owner' },
    });
    const row = till.db.prepare('SELECT by_name, approved_by_name, approval_id FROM refund_tickets').get();
    expect(row).toEqual({ by_name: 'Ann', approved_by_name: 'Owner', approval_id: approvalId });
    const data = JSON.parse(
      till.db.prepare("SELECT data FROM journal WHERE kind = 'refund.made'").pluck().get() as string,
    ) as Record<string, unknown>;
    expect(data).toMatchObject({ by: { name: 'Ann' }, approvedBy: { name: 'Owner' }, approvalId });
    // The approval is used once.
    expect(await refusal(till.call('refund.make', { ...one, approvalId }))).toMatchObject({
      code: 'APPROVAL_NEEDED',
    });
  });
});

describe('wallet refunds through the provider', () => {
  it('a refusal is offered as cash; cash instead needs the owner and settles the same ticket', async () => {
    const { till, provider } = await open();
    await till.call('cart.scan', { barcode: COFFEE });
    const order = await payQr(till, provider);
    provider.next('refund', new ProviderError('rejected', 'balance too low', 'OTHER'));
    const made = await till.call('refund.make', { orderId: order.id, full: true });
    expect(made.ticket).toMatchObject({ status: 'needs_cash', needsCashMinor: 1800 });
    expect(made.offerCash).toEqual({ amountMinor: 1800, reason: 'OTHER' });
    expect(made.ticket.parts).toEqual([expect.objectContaining({ status: 'failed', failure: 'OTHER' })]);
    expect(till.db.prepare('SELECT status, refunded_minor FROM payments').get()).toEqual({
      status: 'paid',
      refunded_minor: 0,
    });
    // The lines stay with the ticket: no second refund of them meanwhile.
    expect(made.preview.lines[0].refundableQuantity).toBe(0);

    await asCashier(till);
    expect(await refusal(till.call('refund.make', { orderId: order.id, cashInstead: true }))).toMatchObject({
      code: 'APPROVAL_NEEDED',
    });
    const { approvalId } = await till.call('staff.approve', { pin: TEST_OWNER_PIN, action: 'refund' });
    const cash = await till.call('refund.make', { orderId: order.id, cashInstead: true, approvalId });
    expect(cash.ticket).toMatchObject({ id: made.ticket.id, status: 'done', needsCashMinor: 0 });
    expect(cash.ticket.parts.at(-1)).toMatchObject({ amountMinor: 1800, status: 'refunded', cashInstead: true });
    expect(till.db.prepare('SELECT status, refunded_minor FROM payments').get()).toEqual({
      status: 'refunded',
      refunded_minor: 1800,
    });
    expect(journalCount(till, 'refund.cashInstead')).toBe(1);
    // Nothing went out through the wallet.
    expect(provider.trade(order.payments[0].tradeNumber!)!.refundedMinor).toBe(0);
    expect(await refusal(till.call('refund.make', { orderId: order.id, cashInstead: true }))).toMatchObject({
      code: 'REFUND_NOTHING_LEFT',
    });
  });

  it('cash instead for the whole refund: from the drawer, the provider never asked, only with the owner', async () => {
    const { till, provider } = await open();
    await till.call('cart.scan', { barcode: COFFEE });
    const order = await payQr(till, provider);
    await asCashier(till);
    const { approvalId } = await till.call('staff.approve', { pin: TEST_OWNER_PIN, action: 'refund' });
    const made = await till.call('refund.make', { orderId: order.id, full: true, cashInstead: true, approvalId });
    expect(made.ticket).toMatchObject({ status: 'done', approvedBy: { name: 'Owner' } });
    expect(made.ticket.parts).toEqual([
      expect.objectContaining({ method: 'qr', amountMinor: 1800, status: 'refunded', cashInstead: true }),
    ]);
    expect(provider.calls.some((c) => c.method === 'refund')).toBe(false);
    expect(till.db.prepare('SELECT status FROM payments').pluck().get()).toBe('refunded');
  });

  it('stores the refund number first: an answer lost, a restart, and the same refund is asked again, paid once', async () => {
    const provider = new ScriptedProvider({ id: 'demo' });
    const dataDir = tempDataDir();
    const { till } = await open(provider, { dataDir });
    await till.call('cart.scan', { barcode: COFFEE, quantity: 2 });
    const order = await payQr(till, provider);
    // The provider refunds, but its answer never arrives.
    provider.next('refund', (req) =>
      provider.refund(req).then(() => {
        throw new ProviderError('timeout', 'no answer');
      }),
    );
    const made = await till.call('refund.make', { orderId: order.id, full: true });
    expect(made.ticket).toMatchObject({ status: 'processing' });
    expect(made.ticket.parts).toEqual([expect.objectContaining({ status: 'requested', amountMinor: 3600 })]);
    const number = made.ticket.parts[0].refundNumber;
    // Spoken for: nothing else may refund it meanwhile.
    expect(made.preview.payments[0]).toMatchObject({ underwayMinor: 3600, refundableMinor: 0 });
    await till.close();
    tills.splice(tills.indexOf(till), 1);

    const { till: again } = await open(provider, { dataDir });
    const checked = await again.call('refund.check', { ticketId: made.ticket.id });
    expect(checked.ticket).toMatchObject({ status: 'done' });
    expect(checked.ticket.parts).toEqual([expect.objectContaining({ refundNumber: number, status: 'refunded' })]);
    const trade = provider.trade(order.payments[0].tradeNumber!)!;
    expect(trade.refunds).toEqual([number]);
    expect(trade.refundedMinor).toBe(3600);
    expect(
      provider.calls
        .filter((c) => c.method === 'refund')
        .every((c) => (c.request as { refundNumber: string }).refundNumber === number),
    ).toBe(true);
    expect(again.db.prepare('SELECT status, refunded_minor FROM payments').get()).toEqual({
      status: 'refunded',
      refunded_minor: 3600,
    });
    expect(sqlCount(again, 'SELECT count(*) FROM refunds')).toBe(1);
  });

  it('through the embedded Demo gateway', async () => {
    const till = openTestTill({ payments: { payPort: 0, payBind: '127.0.0.1', simControls: true } });
    tills.push(till);
    await till.start();
    await till.call('cart.scan', { barcode: COFFEE, quantity: 2 });
    const { payment } = await till.call('pay.start', { method: 'qr' });
    const paid = till.next('payment.changed', (p) => p.status === 'paid');
    const res = await fetch(`${till.payments().gatewayUrl}/sim/trades/${payment!.tradeNumber}/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    await paid;
    const preview = await till.call('refund.preview', { orderId: payment!.orderId });
    const made = await till.call('refund.make', {
      orderId: payment!.orderId,
      lines: [{ lineId: preview.lines[0].lineId, quantity: 1 }],
    });
    expect(made.ticket).toMatchObject({ status: 'done', totalMinor: 1800 });
    expect(made.ticket.parts).toEqual([
      expect.objectContaining({ provider: 'demo', amountMinor: 1800, status: 'refunded' }),
    ]);
    expect(till.db.prepare('SELECT status, refunded_minor FROM payments').get()).toEqual({
      status: 'partially_refunded',
      refunded_minor: 1800,
    });
  });
});

describe('Alipay (its mock over HTTP)', () => {
  let mock: AlipayMock;
  beforeAll(async () => {
    mock = await startAlipayMock();
  });
  afterAll(() => mock.stop());

  it('refunds part, then a refusal (balance too low) is offered in cash', async () => {
    const till = openTestTill({
      payments: {
        provider: createAlipayProvider({ config: mock.config(), timeoutMs: 3000 }),
        notify: false,
        engine: { loops: false, sweepWaitMs: 0 },
      },
    });
    tills.push(till);
    await till.start();
    await till.call('cart.scan', { barcode: COFFEE, quantity: 2 });
    const { payment } = await till.call('pay.start', { method: 'qr' });
    mock.customerPays(payment!.tradeNumber!);
    expect((await till.call('pay.check', { paymentId: payment!.id })).payment!.status).toBe('paid');
    const orderId = payment!.orderId;
    const lineId = (await till.call('refund.preview', { orderId })).lines[0].lineId;

    const first = await till.call('refund.make', { orderId, lines: [{ lineId, quantity: 1 }] });
    expect(first.ticket).toMatchObject({ status: 'done', totalMinor: 1800 });
    const trade = mock.trades.get(payment!.tradeNumber!)!;
    expect(trade.refundedMinor).toBe(1800);
    expect(trade.refunds.map((r) => r.outRequestNo)).toEqual([first.ticket.parts[0].refundNumber]);

    mock.failNext('/v3/alipay/trade/refund', 'ACQ.SELLER_BALANCE_NOT_ENOUGH');
    const second = await till.call('refund.make', { orderId, lines: [{ lineId, quantity: 1 }] });
    expect(second.ticket).toMatchObject({ status: 'needs_cash' });
    expect(second.offerCash).toMatchObject({ amountMinor: 1800 });
    expect(trade.refundedMinor).toBe(1800);
    const cash = await till.call('refund.make', { orderId, cashInstead: true });
    expect(cash.ticket).toMatchObject({ status: 'done' });
    expect(till.db.prepare('SELECT status, refunded_minor FROM payments').get()).toEqual({
      status: 'refunded',
      refunded_minor: 3600,
    });
  });
});

describe('finding the order', () => {
  it('by the receipt QR, by the order number, and by till and number', async () => {
    const { till } = await open();
    await till.call('cart.scan', { barcode: COFFEE });
    const { order } = await till.call('checkout.cash', { tenderedMinor: 2000 });
    const install = till.db.prepare("SELECT value FROM settings WHERE key = 'till.installId'").pluck().get() as string;
    const qr = orderQrPayload(order.id, JSON.parse(install));
    expect((await till.call('refund.find', { text: qr })).orderId).toBe(order.id);
    expect((await till.call('refund.find', { text: order.number })).orderId).toBe(order.id);
    expect((await till.call('refund.find', { text: '1' })).orderId).toBe(order.id);
    expect((await till.call('refund.find', { text: `T1-${order.number}` })).orderId).toBe(order.id);
    expect(await refusal(till.call('refund.find', { text: '0099' }))).toMatchObject({ code: 'ORDER_NOT_FOUND' });
    expect(await refusal(till.call('refund.find', { text: 'TPO-otherinstall-1' }))).toMatchObject({
      code: 'ORDER_NOT_FOUND',
    });
  });
});

describe('the refund receipt', () => {
  it('prints with the drawer kick for cash, names the refund, the order and both people', async () => {
    const printer = await CapturePrinter.start();
    printers.push(printer);
    const { till } = await open(undefined, {
      printing: { printerUri: printer.uri, retryFirstMs: 20, retryMaxMs: 50, statusEveryMs: 0 },
    });
    await till.call('cart.scan', { barcode: COFFEE });
    const { order } = await till.call('checkout.cash', { tenderedMinor: 2000 });
    await printer.printed(1);
    await asCashier(till);
    const { approvalId } = await till.call('staff.approve', { pin: TEST_OWNER_PIN, action: 'refund' });
    const made = await till.call('refund.make', { orderId: order.id, full: true, approvalId });
    expect(made.jobId).not.toBeNull();
    await printer.printed(2);
    await till.printing.worker.idle();
    const read = readEscPos(printer.prints[1].bytes);
    const text = read.lines.join('\n');
    expect(text).toMatch(/退款小票/);
    expect(text).toContain(made.ticket.number);
    expect(text).toContain(order.number);
    expect(text).toMatch(/Ann/);
    expect(text).toMatch(/Owner/);
    expect(read.lines.some((l) => l.includes('18.00') && /退款合计/.test(l))).toBe(true);
    expect(read.commands.filter((c) => c.op === 'kick')).toHaveLength(1);
    expect(till.db.prepare("SELECT kind, status, kick FROM print_jobs WHERE kind = 'refund'").get()).toEqual({
      kind: 'refund',
      status: 'done',
      kick: 1,
    });
  });

  it('a printer that is off leaves the refund done and the receipt queued', async () => {
    const printer = await CapturePrinter.start();
    printers.push(printer);
    await printer.off();
    const { till } = await open(undefined, {
      printing: { printerUri: printer.uri, retryFirstMs: 20, retryMaxMs: 50, statusEveryMs: 0 },
    });
    await till.call('cart.scan', { barcode: COFFEE });
    const { order } = await till.call('checkout.cash', { tenderedMinor: 2000 });
    const made = await till.call('refund.make', { orderId: order.id, full: true });
    expect(made.ticket.status).toBe('done');
    expect(till.db.prepare("SELECT status FROM print_jobs WHERE kind = 'refund'").pluck().get()).toBe('pending');
    expect(till.db.prepare('SELECT status FROM payments').pluck().get()).toBe('refunded');
  });
});
