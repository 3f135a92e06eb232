// Every mock scenario through the real checkout engine on a real till (real SQLite file), the WeChat Pay
// adapter talking HTTP to the local mock. Each test asserts the final stored state: the payment rows, the
// order completed exactly once, the amount WeChat received equal to what was due, the attention list.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Payment } from '../../../../shared/domain';
import { journalCount, openTestTill, type TestTill, testClock } from '../../../till/testing';
import { type NotifyListener, startNotifyListener } from '../../notify';
import { createWechatPayProvider } from './adapter';
import { startWechatPayMock, type WechatPayMock } from './mock';

const COFFEE = '2000001000007'; // 18.00
const CODE = '134567890123456789';

let mock: WechatPayMock;
const tills: TestTill[] = [];
const listeners: NotifyListener[] = [];

beforeAll(async () => {
  mock = await startWechatPayMock();
});
afterAll(() => mock.stop());
afterEach(async () => {
  for (const t of tills.splice(0)) await t.close();
  for (const l of listeners.splice(0)) await l.close();
});

async function open(o: { timeoutMs?: number } = {}) {
  const clock = testClock(new Date());
  const till = openTestTill({
    clock: clock.clock,
    payments: {
      provider: createWechatPayProvider({ config: mock.config(), timeoutMs: o.timeoutMs ?? 3000 }),
      notify: false,
      engine: { loops: false, sweepWaitMs: 2000 },
    },
  });
  tills.push(till);
  await till.start();
  await till.call('cart.scan', { barcode: COFFEE });
  return { till, clock };
}

function rows(till: TestTill) {
  return till.db
    .prepare('SELECT status, amount_minor AS amount, trade_number AS trade FROM payments ORDER BY id')
    .all() as {
    status: string;
    amount: number;
    trade: string;
  }[];
}

/** Paid once: one paid row, one completed sale, and WeChat holds exactly the fen that were due. */
async function expectSoldOnce(till: TestTill, payment: Payment) {
  expect(rows(till).map((r) => [r.status, r.amount])).toEqual([['paid', 1800]]);
  expect(mock.trades.get(payment.tradeNumber!)).toMatchObject({ total: 1800, currency: 'CNY', state: 'SUCCESS' });
  expect([journalCount(till, 'payment.paid'), journalCount(till, 'sale.completed')]).toEqual([1, 1]);
  const [order] = await till.call('orders.today', {});
  expect(order).toMatchObject({ status: 'completed', totalMinor: 1800, paidMinor: 1800, dueMinor: 0 });
  expect(await till.call('attention.list', {})).toEqual([]);
}

async function startQr(till: TestTill): Promise<Payment> {
  const { payment } = await till.call('pay.start', { method: 'qr' });
  expect(payment).toMatchObject({ status: 'pending', provider: 'wechat', isDemo: false });
  expect(payment!.qrContent).toBe(mock.trades.get(payment!.tradeNumber!)!.codeUrl);
  return payment!;
}

describe('a WeChat Native QR', () => {
  it('paid after two queries completes the order once', async () => {
    const { till } = await open();
    const payment = await startQr(till);
    mock.payAfterQueries(payment.tradeNumber!, 2);
    await till.checkout.step(payment.id);
    expect(till.checkout.current().payment!.status).toBe('pending');
    await till.checkout.step(payment.id);
    await till.checkout.step(payment.id); // a further answer changes nothing
    await expectSoldOnce(till, payment);
    expect(JSON.parse(mock.requests.find((r) => r.path === '/v3/pay/transactions/native')!.body)).toMatchObject({
      notify_url: mock.config().notifyUrl,
      amount: { total: 1800, currency: 'CNY' },
    });
  });

  it('not found until the customer scans stays pending (never failed), then is paid', async () => {
    const { till } = await open();
    const payment = await startQr(till);
    mock.notFoundUntilScanned(payment.tradeNumber!);
    await till.checkout.step(payment.id);
    await till.checkout.step(payment.id);
    expect(till.checkout.current().payment).toMatchObject({ status: 'pending' });
    mock.customerPays(payment.tradeNumber!);
    await till.checkout.step(payment.id);
    await expectSoldOnce(till, payment);
  });

  it('a system error on a query leaves it unknown, and the next query settles it', async () => {
    const { till } = await open();
    const payment = await startQr(till);
    mock.failNext('query', { status: 500, code: 'SYSTEM_ERROR' });
    await till.checkout.step(payment.id);
    expect(till.checkout.current().payment).toMatchObject({ status: 'unknown', reason: 'server_error' });
    mock.customerPays(payment.tradeNumber!);
    await till.checkout.step(payment.id);
    await expectSoldOnce(till, payment);
  });

  it('a system error on create is unknown, never failed; nothing was created, so it ends expired after the grace', async () => {
    const { till, clock } = await open();
    mock.failNext('native', { status: 500, code: 'SYSTEM_ERROR' });
    const { payment } = await till.call('pay.start', { method: 'qr' });
    expect(payment).toMatchObject({ status: 'unknown', reason: 'server_error' });
    expect(mock.trades.has(payment!.tradeNumber!)).toBe(false);
    clock.advance(200_000);
    await till.checkout.step(payment!.id);
    await till.checkout.step(payment!.id);
    expect(rows(till).map((r) => r.status)).toEqual(['expired']);
    expect(journalCount(till, 'sale.completed')).toBe(0);
    expect((await till.call('cart.get', {})).locked).toBe(false);
  });

  it('an answer slower than our timeout is unknown; the trade WeChat did create is settled by query', async () => {
    const { till } = await open({ timeoutMs: 400 });
    mock.failNext('native', 'slow');
    const { payment } = await till.call('pay.start', { method: 'qr' });
    expect(payment).toMatchObject({ status: 'unknown', reason: 'timeout' });
    expect(mock.trades.get(payment!.tradeNumber!)).toMatchObject({ state: 'NOTPAY', total: 1800 });
    await till.checkout.step(payment!.id);
    expect(till.checkout.current().payment!.status).toBe('pending');
    mock.customerPays(payment!.tradeNumber!);
    await till.checkout.step(payment!.id);
    await expectSoldOnce(till, payment!);
  });

  it('an answer with a bad signature is never believed: unknown, then settled by a good answer', async () => {
    const { till } = await open();
    const payment = await startQr(till);
    mock.customerPays(payment.tradeNumber!);
    mock.failNext('query', 'bad_signature');
    await till.checkout.step(payment.id);
    expect(till.checkout.current().payment).toMatchObject({ status: 'unknown', reason: 'bad_response' });
    expect(journalCount(till, 'sale.completed')).toBe(0);
    await till.checkout.step(payment.id);
    await expectSoldOnce(till, payment);
  });

  it('cancelled after the customer paid: the close says already paid, and it is a sale, once', async () => {
    const { till } = await open();
    const payment = await startQr(till);
    mock.customerPays(payment.tradeNumber!);
    const view = await till.call('pay.cancel', { paymentId: payment.id });
    expect(view.payment!.status).toBe('paid');
    expect(mock.requests.filter((r) => r.path.endsWith('/close')).map((r) => r.code)).toContain('ORDERPAID');
    await expectSoldOnce(till, payment);
  });

  it('cancelled unpaid is closed at WeChat and the cart unlocks', async () => {
    const { till } = await open();
    const payment = await startQr(till);
    const view = await till.call('pay.cancel', { paymentId: payment.id });
    expect(view.payment!.status).toBe('cancelled');
    expect(view.cart.locked).toBe(false);
    expect(mock.trades.get(payment.tradeNumber!)!.state).toBe('CLOSED');
    expect(journalCount(till, 'sale.completed')).toBe(0);
  });

  it('abandoned while WeChat cannot close it, then paid: a late payment on the attention list, never a second sale', async () => {
    const { till } = await open();
    const payment = await startQr(till);
    mock.failNext('close', { status: 500, code: 'SYSTEM_ERROR' });
    expect((await till.call('pay.cancel', { paymentId: payment.id })).payment!.status).toBe('unknown');
    await till.call('pay.abandon', { paymentId: payment.id });
    const { order } = await till.call('checkout.cash', { tenderedMinor: 2000 });
    mock.customerPays(payment.tradeNumber!);
    await till.checkout.step(payment.id);
    const [item] = await till.call('attention.list', {});
    expect(item).toMatchObject({ reason: 'late_payment', orderId: order.id, orderStatus: 'completed' });
    expect(item.payment).toMatchObject({ id: payment.id, status: 'paid', amountMinor: 1800 });
    expect(journalCount(till, 'sale.completed')).toBe(1);
    expect(mock.trades.get(payment.tradeNumber!)!.total).toBe(1800);
    // Refunded through WeChat under its stored refund number: the money goes back once.
    expect(await till.call('attention.resolve', { paymentId: payment.id, action: 'refund' })).toEqual([]);
    expect(mock.trades.get(payment.tradeNumber!)).toMatchObject({ state: 'REFUND', refunded: 1800 });
    expect(rows(till).map((r) => r.status)).toEqual(['refunded', 'paid']);
  });
});

describe('WeChat notifications through the loopback listener', () => {
  async function withListener(till: TestTill): Promise<string> {
    const l = await startNotifyListener((id, n) => till.checkout.notify(id, n));
    listeners.push(l);
    return `${l.baseUrl}/wechat`;
  }

  it('a signed, encrypted one settles the payment; its duplicate is acknowledged and changes nothing', async () => {
    const { till } = await open();
    const url = await withListener(till);
    const payment = await startQr(till);
    mock.customerPays(payment.tradeNumber!);
    const answers = await mock.sendNotification(payment.tradeNumber!, url, { duplicate: true });
    expect(answers.map((a) => a.status)).toEqual([204, 204]);
    await expectSoldOnce(till, payment);
  });

  it('forged, tampered or for another merchant: refused, journaled, not paid', async () => {
    const { till } = await open();
    const url = await withListener(till);
    const payment = await startQr(till);
    mock.customerPays(payment.tradeNumber!);
    for (const o of [{ forge: true }, { tamper: true }, { mchid: '1900000001' }]) {
      const [a] = await mock.sendNotification(payment.tradeNumber!, url, o);
      expect(a.status, JSON.stringify(o)).toBe(400);
    }
    expect(journalCount(till, 'payment.notificationRejected')).toBe(3);
    expect(rows(till).map((r) => r.status)).toEqual(['pending']);
    expect(journalCount(till, 'sale.completed')).toBe(0);
  });
});

describe('a WeChat payment code', () => {
  it('paid at once completes the order; the code reached WeChat only', async () => {
    const { till } = await open();
    const { payment } = await till.call('pay.withCode', { code: CODE });
    expect(payment).toMatchObject({ status: 'paid', maskedCode: '1345**********6789' });
    await expectSoldOnce(till, payment!);
    expect(mock.requests.some((r) => r.body.includes(CODE))).toBe(false);
  });

  it('user paying, then paid', async () => {
    const { till } = await open();
    mock.nextCodePay({ userPayingThenPaidAfter: 2 });
    const { payment } = await till.call('pay.withCode', { code: CODE });
    expect(payment).toMatchObject({ status: 'pending', reason: 'user_paying' });
    await till.checkout.step(payment!.id);
    expect(till.checkout.current().payment).toMatchObject({ status: 'pending', reason: 'user_paying' });
    await till.checkout.step(payment!.id);
    await expectSoldOnce(till, payment!);
  });

  it('user paying until the wait runs out: reversed at WeChat, the attempt expired, no sale', async () => {
    const { till, clock } = await open();
    mock.nextCodePay('user_paying');
    const { payment } = await till.call('pay.withCode', { code: CODE });
    clock.advance(301_000);
    await till.checkout.step(payment!.id);
    expect(mock.trades.get(payment!.tradeNumber!)!.state).toBe('REVOKED');
    expect(rows(till).map((r) => r.status)).toEqual(['expired']);
    expect(journalCount(till, 'sale.completed')).toBe(0);
    expect((await till.call('cart.get', {})).locked).toBe(false);
  });

  it('refused for too little money: declined, the attempt failed', async () => {
    const { till } = await open();
    mock.nextCodePay({ status: 403, code: 'NOTENOUGH', message: '余额不足' });
    const err = await till.call('pay.withCode', { code: CODE }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PAYMENT_DECLINED', params: { reason: 'INSUFFICIENT_FUNDS' } });
    expect(rows(till).map((r) => r.status)).toEqual(['failed']);
  });
});
