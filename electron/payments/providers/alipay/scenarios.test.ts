// Every scenario of the Alipay mock through the real checkout engine on a real till (real SQLite file), the
// adapter talking v3 to the mock over HTTP. Each test ends by checking the stored state: the payments rows,
// the order completed exactly once, the amount Alipay holds equal to the amount due, money recorded once.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Payment } from '../../../../shared/domain';
import { journalCount, openTestTill, sqlCount, type TestTill, testClock } from '../../../till/testing';
import type { CheckoutOptions } from '../../engine';
import { createAlipayProvider } from './adapter';
import { type AlipayMock, startAlipayMock } from './mock';

const COFFEE = '2000001000007'; // 18.00
const CODE = '281234567890123456';

let mock: AlipayMock;
beforeAll(async () => {
  mock = await startAlipayMock();
});
afterAll(() => mock.stop());

const tills: TestTill[] = [];
afterEach(async () => {
  mock.clearFaults();
  mock.notFoundUntilScanned(false);
  for (const t of tills.splice(0)) await t.close();
});

async function open(opts: { timeoutMs?: number; notify?: boolean; engine?: CheckoutOptions } = {}) {
  const clock = testClock(new Date());
  const till = openTestTill({
    clock: clock.clock,
    payments: {
      provider: createAlipayProvider({ config: mock.config(), timeoutMs: opts.timeoutMs ?? 3000 }),
      notify: opts.notify ?? false,
      engine: { loops: false, sweepWaitMs: 2000, ...opts.engine },
    },
  });
  tills.push(till);
  await till.start();
  return { till, clock };
}

async function startQr(till: TestTill): Promise<Payment> {
  await till.call('cart.scan', { barcode: COFFEE });
  const { payment } = await till.call('pay.start', { method: 'qr' });
  return payment!;
}

/** Paid once at Alipay and once here: one paid row for the amount due, its order completed once. */
function expectSoldOnce(till: TestTill, payment: Payment) {
  const rows = till.db
    .prepare('SELECT status, amount_minor AS amount, trade_number AS tn FROM payments WHERE status = ?')
    .all('paid') as {
    amount: number;
    tn: string;
  }[];
  expect(rows).toEqual([{ status: 'paid', amount: 1800, tn: payment.tradeNumber }]);
  const trade = mock.trades.get(payment.tradeNumber!)!;
  expect(trade.status).toBe('TRADE_SUCCESS');
  expect(trade.amountMinor).toBe(rows[0].amount);
  expect(
    JSON.parse(
      mock.requests.find((r) => r.path !== '/v3/alipay/trade/query' && r.body.includes(payment.tradeNumber!))!.body,
    ).total_amount,
  ).toBe('18.00');
  expect([journalCount(till, 'payment.paid'), journalCount(till, 'sale.completed')]).toEqual([1, 1]);
  expect(sqlCount(till, "SELECT count(*) FROM orders WHERE status = 'completed'")).toBe(1);
  const recorded =
    "SELECT coalesce(sum(p.amount_minor), 0) FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.status = 'completed' AND p.status = 'paid'";
  expect(sqlCount(till, recorded)).toBe(1800);
}

describe('Alipay through the checkout engine', () => {
  it('a QR scanned and paid completes the sale once', async () => {
    const { till } = await open();
    const payment = await startQr(till);
    expect(payment).toMatchObject({ status: 'pending', provider: 'alipay', isDemo: false, amountMinor: 1800 });
    expect(payment.qrContent).toMatch(/^https:\/\/qr\.alipay\.com\//);
    expect((await till.call('pay.check', { paymentId: payment.id })).payment!.status).toBe('pending');
    mock.customerPays(payment.tradeNumber!);
    expect((await till.call('pay.check', { paymentId: payment.id })).payment!.status).toBe('paid');
    await till.call('pay.check', { paymentId: payment.id });
    expectSoldOnce(till, payment);
  });

  it('paid after N queries: the Nth query settles it', async () => {
    const { till } = await open();
    mock.paidAfterQueries('*', 3);
    const payment = await startQr(till);
    const statuses: string[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await till.call('pay.check', { paymentId: payment.id })).payment!.status);
    expect(statuses).toEqual(['pending', 'pending', 'paid']);
    expectSoldOnce(till, payment);
  });

  it('not found until scanned: neither a failure nor closed; a cancel waits, and the payment that comes is taken', async () => {
    const { till } = await open();
    mock.notFoundUntilScanned();
    const payment = await startQr(till);
    expect((await till.call('pay.check', { paymentId: payment.id })).payment!.status).toBe('pending');
    const cancel = await till.call('pay.cancel', { paymentId: payment.id });
    expect(cancel.payment).toMatchObject({ status: 'closing' });
    mock.customerPays(payment.tradeNumber!);
    await till.checkout.step(payment.id);
    expect(till.checkout.current().payment).toMatchObject({ id: payment.id, status: 'paid' });
    expectSoldOnce(till, payment);
  });

  it('a system error on the next call is outcome unknown, settled by the next query', async () => {
    const { till } = await open();
    mock.systemError({ path: '/v3/alipay/trade/precreate' });
    const payment = await startQr(till);
    expect(payment).toMatchObject({ status: 'unknown' });
    // The mock answered 500 before processing: nothing there. The query's "not found" keeps it open.
    expect(mock.trades.has(payment.tradeNumber!)).toBe(false);
    mock.systemError({ path: '/v3/alipay/trade/query' });
    expect((await till.call('pay.check', { paymentId: payment.id })).payment!.status).toBe('unknown');
    expect(sqlCount(till, "SELECT count(*) FROM payments WHERE status = 'failed'")).toBe(0);
  });

  it('a system error on every call: the payment never fails, and once Alipay is back it settles', async () => {
    const { till } = await open();
    const payment = await startQr(till);
    mock.customerPays(payment.tradeNumber!);
    mock.systemError({ every: true });
    for (let i = 0; i < 3; i++)
      expect(['pending', 'unknown']).toContain(
        (await till.call('pay.check', { paymentId: payment.id })).payment!.status,
      );
    mock.clearFaults();
    expect((await till.call('pay.check', { paymentId: payment.id })).payment!.status).toBe('paid');
    expectSoldOnce(till, payment);
  });

  it('a payment code: the customer confirms in the app (10003), then it is paid', async () => {
    const { till } = await open();
    await till.call('cart.scan', { barcode: COFFEE });
    mock.userPayingThenPaid(2);
    const { payment } = await till.call('pay.withCode', { code: CODE });
    expect(payment).toMatchObject({ status: 'pending', reason: 'user_paying', maskedCode: '2812**********3456' });
    expect((await till.call('pay.check', { paymentId: payment!.id })).payment!.status).toBe('pending');
    expect((await till.call('pay.check', { paymentId: payment!.id })).payment!.status).toBe('paid');
    expectSoldOnce(till, payment!);
    expect(JSON.parse(mock.requests.find((r) => r.path === '/v3/alipay/trade/pay')!.body)).toMatchObject({
      auth_code: CODE,
      scene: 'bar_code',
      product_code: 'FACE_TO_FACE_PAYMENT',
    });
  });

  it('a payment code never confirmed is cancelled at Alipay when the wait is over', async () => {
    const { till, clock } = await open();
    await till.call('cart.scan', { barcode: COFFEE });
    mock.userPayingForever();
    const { payment } = await till.call('pay.withCode', { code: CODE });
    expect((await till.call('pay.check', { paymentId: payment!.id })).payment!.status).toBe('pending');
    clock.advance(61_000);
    await till.checkout.step(payment!.id);
    expect(mock.requests.slice(-2).map((r) => r.path)).toEqual(['/v3/alipay/trade/query', '/v3/alipay/trade/cancel']);
    expect(till.checkout.current().payment).toMatchObject({ status: 'expired' });
    expect(mock.trades.get(payment!.tradeNumber!)).toMatchObject({ status: 'TRADE_CLOSED', refundedMinor: 0 });
    expect(journalCount(till, 'sale.completed')).toBe(0);
    expect((await till.call('cart.get', {})).locked).toBe(false);
  });

  it('a close of a trade already paid (the customer paid as the cashier cancelled) is a sale', async () => {
    const { till } = await open();
    const payment = await startQr(till);
    mock.paidBeforeClose(payment.tradeNumber!);
    const view = await till.call('pay.cancel', { paymentId: payment.id });
    expect(view.payment!.status).toBe('paid');
    expectSoldOnce(till, payment);
  });

  it('an answer with a bad signature is never taken: unknown, then settled by a good answer', async () => {
    const { till } = await open();
    mock.badSignatureNext('/v3/alipay/trade/precreate');
    const payment = await startQr(till);
    expect(payment).toMatchObject({ status: 'unknown', reason: 'bad_response' });
    mock.customerPays(payment.tradeNumber!);
    mock.badSignatureNext('/v3/alipay/trade/query');
    expect((await till.call('pay.check', { paymentId: payment.id })).payment!.status).toBe('unknown');
    expect((await till.call('pay.check', { paymentId: payment.id })).payment!.status).toBe('paid');
    expectSoldOnce(till, payment);
  });

  it('answers with bad signatures at startup put the payment on the attention list, its order held', async () => {
    const first = await open();
    const payment = await startQr(first.till);
    const dataDir = first.till.dataDir;
    await first.till.close();
    tills.length = 0;
    for (let i = 0; i < 20; i++) mock.badSignatureNext('/v3/alipay/trade/query');
    const till = openTestTill({
      dataDir,
      payments: {
        provider: createAlipayProvider({ config: mock.config(), timeoutMs: 3000 }),
        notify: false,
        engine: { loops: true, pollMs: 10, maxBackoffMs: 20, sweepWaitMs: 100 },
      },
    });
    tills.push(till);
    await till.start();
    await till.checkout.sweep();
    const [item] = await till.call('attention.list', {});
    expect(item).toMatchObject({ reason: 'unsettled', orderStatus: 'held' });
    expect(item.payment).toMatchObject({ id: payment.id });
    expect(journalCount(till, 'sale.completed')).toBe(0);
  });

  it('an answer slower than our timeout: unknown, then the query finds the trade and its payment', async () => {
    const { till } = await open({ timeoutMs: 300 });
    mock.slowNext('/v3/alipay/trade/precreate');
    const payment = await startQr(till);
    expect(payment).toMatchObject({ status: 'unknown', reason: 'timeout' });
    expect(mock.trades.has(payment.tradeNumber!)).toBe(true);
    mock.customerPays(payment.tradeNumber!);
    expect((await till.call('pay.check', { paymentId: payment.id })).payment!.status).toBe('paid');
    expectSoldOnce(till, payment);
  });

  it('notifications over HTTP: a forged one is refused, a good one settles, its duplicate changes nothing', async () => {
    const { till } = await open({ notify: true });
    const payment = await startQr(till);
    const created = mock.requests.find((r) => r.path.endsWith('/precreate') && r.body.includes(payment.tradeNumber!));
    // Alipay is never sent our loopback listener (it cannot reach a shop PC); a shop that forwards its public
    // notify URL to the till reaches the listener at /notify/alipay.
    expect(JSON.parse(created!.body).notify_url).toBeUndefined();
    const notifyUrl = `${till.checkout.notifyBase()}/alipay`;
    expect(notifyUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/notify\/alipay$/);
    mock.customerPays(payment.tradeNumber!);
    expect((await mock.sendNotification(payment.tradeNumber!, notifyUrl, { forge: true }))[0].status).toBe(400);
    expect(journalCount(till, 'payment.notificationRejected')).toBe(1);
    const paid = till.next('payment.changed', (p) => p.status === 'paid');
    const acks = await mock.sendNotification(payment.tradeNumber!, notifyUrl, { duplicate: true });
    expect(acks).toEqual([
      { status: 200, body: 'success' },
      { status: 200, body: 'success' },
    ]);
    await paid;
    expectSoldOnce(till, payment);
  });

  it('a late payment (after the cashier gave up) goes on the attention list and is refunded once', async () => {
    const { till } = await open();
    const payment = await startQr(till);
    mock.systemError({ path: '/v3/alipay/trade/close', every: true });
    expect((await till.call('pay.cancel', { paymentId: payment.id })).payment).toMatchObject({ status: 'unknown' });
    await till.call('pay.abandon', { paymentId: payment.id });
    await till.call('checkout.cash', { tenderedMinor: 2000 });
    // The close never went through: the customer's phone pays after all.
    mock.clearFaults();
    mock.customerPays(payment.tradeNumber!);
    const list = await till.call('attention.resolve', { paymentId: payment.id, action: 'check' });
    expect(list.map((a) => [a.reason, a.orderStatus])).toEqual([['late_payment', 'completed']]);
    expect(await till.call('attention.resolve', { paymentId: payment.id, action: 'refund' })).toEqual([]);
    const trade = mock.trades.get(payment.tradeNumber!)!;
    expect(trade).toMatchObject({ status: 'TRADE_CLOSED', refundedMinor: 1800 });
    expect(trade.refunds).toHaveLength(1);
    const refunds = till.db.prepare('SELECT refund_number, status FROM refunds').all();
    expect(refunds).toEqual([{ refund_number: trade.refunds[0].outRequestNo, status: 'refunded' }]);
    expect(till.db.prepare('SELECT status FROM payments WHERE id = ?').pluck().get(payment.id)).toBe('refunded');
    expect(journalCount(till, 'sale.completed')).toBe(1); // the cash sale, once
  });
});
