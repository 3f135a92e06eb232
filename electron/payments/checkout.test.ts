// The checkout payment engine on a real till (real SQLite file), with the scripted provider: every answer
// comes when and how the test says, so races and expiry are exact.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Payment } from '../../shared/domain';
import { parseMerchantQr } from '../../shared/emv';
import { isValidTradeNumber } from '../../shared/payment';
import { DB_FILENAME } from '../db/index';
import type { TillOptions } from '../till/index';
import { openTestTill, refusal, sqlCount, type TestTill, tempDataDir, testClock } from '../till/testing';
import { refundNumberFor } from './index';
import { ProviderError } from './provider';
import { ScriptedProvider } from './testing';

const COFFEE = '2000001000007'; // 18.00
const LATTE = '2000002000006'; // 22.00

const tills: TestTill[] = [];
afterEach(async () => {
  for (const t of tills.splice(0)) await t.close();
});

interface Opened {
  till: TestTill;
  provider: ScriptedProvider;
  clock: ReturnType<typeof testClock>;
}

async function open(
  opts: { provider?: ScriptedProvider; dataDir?: string; clock?: ReturnType<typeof testClock> } & Partial<
    NonNullable<TillOptions['payments']>
  > = {},
): Promise<Opened> {
  const provider = opts.provider ?? new ScriptedProvider();
  const clock = opts.clock ?? testClock(new Date(2026, 10, 25, 9, 30));
  const till = openTestTill({
    dataDir: opts.dataDir,
    clock: clock.clock,
    payments: {
      provider,
      notify: opts.notify ?? false,
      engine: { loops: false, sweepWaitMs: 2000, ...opts.engine },
    },
  });
  tills.push(till);
  await till.start();
  return { till, provider, clock };
}

function journal(till: TestTill, kind: string, paymentId?: number): number {
  return paymentId === undefined
    ? sqlCount(till, 'SELECT count(*) FROM journal WHERE kind = ?', kind)
    : sqlCount(till, 'SELECT count(*) FROM journal WHERE kind = ? AND payment_id = ?', kind, paymentId);
}

/** A QR payment waiting for the customer, for a cart with one coffee. */
async function pendingQr(o: Opened): Promise<Payment> {
  await o.till.call('cart.scan', { barcode: COFFEE });
  const { payment } = await o.till.call('pay.start', { method: 'qr' });
  expect(payment).toMatchObject({ status: 'pending', method: 'qr' });
  return payment!;
}

describe('refund numbers', () => {
  it('fit the 32 characters providers accept and differ per refund and per trade, even from a 32-character trade number', () => {
    const a = 'T1_20261125_000042_835d88ff2d6fa';
    const b = 'T1_20261125_000043_835d88ff2d6fa';
    expect(a).toHaveLength(32);
    const numbers = [refundNumberFor(a, 1), refundNumberFor(a, 2), refundNumberFor(a, 10), refundNumberFor(b, 1)];
    for (const n of numbers) expect(isValidTradeNumber(n)).toBe(true);
    expect(new Set(numbers).size).toBe(numbers.length);
  });
});

describe('trade numbers', () => {
  it('are never reused after a backup of the same day is restored', async () => {
    const dataDir = tempDataDir();
    const provider = new ScriptedProvider();
    const clock = testClock(new Date(2026, 10, 25, 9, 30));
    const attempts = async (o: Opened, n: number) => {
      const numbers: string[] = [];
      await o.till.call('cart.scan', { barcode: COFFEE });
      for (let i = 0; i < n; i++) {
        const { payment } = await o.till.call('pay.start', { method: 'qr' });
        numbers.push(payment!.tradeNumber!);
        await o.till.call('pay.cancel', { paymentId: payment!.id });
      }
      return numbers;
    };
    const first = await open({ dataDir, provider, clock });
    first.till.db.pragma('wal_checkpoint(TRUNCATE)');
    const backup = path.join(tempDataDir(), 'backup.db');
    await first.till.db.backup(backup);
    const before = await attempts(first, 3);
    await first.till.close();
    // Restore the backup: the sequence and the install id go back to what they were.
    for (const f of fs.readdirSync(dataDir)) if (f.startsWith(DB_FILENAME)) fs.rmSync(path.join(dataDir, f));
    fs.copyFileSync(backup, path.join(dataDir, DB_FILENAME));
    const second = await open({ dataDir, provider, clock });
    const after = await attempts(second, 3);
    expect(after[0].slice(0, 19)).toBe(before[0].slice(0, 19)); // same till, day and sequence
    expect(new Set([...before, ...after]).size).toBe(6);
    expect(second.till.db.prepare('SELECT status FROM payments').pluck().all()).toEqual([
      'cancelled',
      'cancelled',
      'cancelled',
    ]);
  });
});

describe('a QR payment', () => {
  it('stores the trade number before the provider is asked, locks the cart, shows the QR and completes once paid', async () => {
    const o = await open();
    const { till, provider } = o;
    await till.call('cart.scan', { barcode: COFFEE });
    const options = await till.call('pay.options', {});
    expect(options.dueMinor).toBe(1800);
    expect(options.options.find((x) => x.method === 'qr')).toEqual({
      method: 'qr',
      available: true,
      reason: null,
      provider: 'scripted',
      minMinor: 1,
      maxMinor: 500_000,
      isDemo: true,
    });

    let seenAtCreate: unknown;
    provider.onCall = (method, req) => {
      if (method === 'createQr') {
        const { tradeNumber } = req as { tradeNumber: string };
        seenAtCreate = till.db
          .prepare('SELECT status, amount_minor AS amount FROM payments WHERE trade_number = ?')
          .get(tradeNumber);
      }
    };
    const shown = till.next('display.changed', (d) => d.phase === 'payment' && d.payment?.qrContent !== null);
    const { cart, payment } = await till.call('pay.start', { method: 'qr' });
    expect(seenAtCreate).toEqual({ status: 'created', amount: 1800 });
    expect(payment).toMatchObject({ status: 'pending', amountMinor: 1800, provider: 'scripted', isDemo: true });
    expect(isValidTradeNumber(payment!.tradeNumber!)).toBe(true);
    // terminal_date_sequence_<4 of the install id><6 random>: 29 characters, so `-R<n>` keeps them all.
    expect(payment!.tradeNumber).toMatch(/^T1_20261125_000001_[0-9a-f]{4}[0-9a-z]{6}$/);
    expect(payment!.qrContent).toBe(`https://pay.test/${payment!.tradeNumber}`);
    expect(payment!.expiresAt).toBe(new Date(2026, 10, 25, 9, 32).toISOString());
    // The order's number is reserved: the phone page and the display show it.
    expect(cart).toMatchObject({ number: '0001', status: 'draft', locked: true, openPaymentId: payment!.id });
    expect(await shown).toMatchObject({
      phase: 'payment',
      payment: {
        paymentId: payment!.id,
        method: 'qr',
        amountMinor: 1800,
        qrContent: payment!.qrContent,
        orderNumber: '0001',
        merchantName: 'Tillpoint Demo Café',
        wallets: ['demo'],
        isDemo: true,
      },
    });

    // The cart holds still while the QR shows.
    for (const attempt of [
      till.call('cart.scan', { barcode: LATTE }),
      till.call('cart.setQuantity', { lineId: cart.lines[0].id, quantity: 2 }),
      till.call('cart.setOrderDiscount', { discountMinor: 100 }),
      till.call('cart.void', {}),
      till.call('cart.hold', {}),
    ]) {
      expect((await refusal(attempt)).code).toBe('CART_LOCKED');
    }
    expect((await refusal(till.call('checkout.cash', { tenderedMinor: 2000 }))).code).toBe('PAYMENT_OPEN');
    expect((await refusal(till.call('pay.start', { method: 'qr' }))).code).toBe('PAYMENT_OPEN');
    expect((await refusal(till.call('pay.confirmByHand', { paymentId: payment!.id }))).code).toBe('PAYMENT_STATE');

    // The customer pays; the next query finds it.
    provider.pay(payment!.tradeNumber!);
    const thanks = till.next('display.changed', (d) => d.phase === 'thanks');
    const done = await till.call('pay.check', { paymentId: payment!.id });
    expect(done.payment).toMatchObject({ status: 'paid', providerRef: `P-${payment!.tradeNumber}` });
    expect(done.cart).toMatchObject({ status: 'draft', lines: [], locked: false });
    expect(await thanks).toMatchObject({
      sale: { number: '0001', totalMinor: 1800, tenderedMinor: 1800, changeMinor: 0, methods: ['qr'] },
    });
    const [order] = await till.call('orders.today', {});
    expect(order).toMatchObject({ id: cart.id, status: 'completed', number: '0001', paidMinor: 1800, dueMinor: 0 });
    expect(journal(till, 'payment.paid')).toBe(1);
    expect(journal(till, 'sale.completed')).toBe(1);
    // The checkout screen still sees "Paid" after the cart cleared.
    expect((await till.call('pay.current', {})).payment).toMatchObject({ id: payment!.id, status: 'paid' });
    expect(till.events.filter((e) => e.event === 'orders.changed').map((e) => e.payload)).toEqual([
      { orderId: cart.id, status: 'completed' },
    ]);

    // A second answer that it is paid changes nothing.
    await till.call('pay.check', { paymentId: payment!.id });
    expect(journal(till, 'payment.paid')).toBe(1);
    expect(journal(till, 'sale.completed')).toBe(1);
  });

  it('refuses amounts outside the limits before any trade exists', async () => {
    const { till, provider } = await open();
    await till.call('settings.update', { payLimits: { qr: 1000, payment_code: 1000, bank_qr: 5_000_000 } });
    await till.call('cart.scan', { barcode: COFFEE });
    const qr = (await till.call('pay.options', {})).options.find((x) => x.method === 'qr');
    expect(qr).toMatchObject({ available: false, reason: 'over_limit', maxMinor: 1000 });

    const over = await refusal(till.call('pay.start', { method: 'qr' }));
    expect(over.code).toBe('AMOUNT_OVER_LIMIT');
    expect(over.params).toMatchObject({ maxMinor: 1000 });
    expect((await refusal(till.call('pay.start', { method: 'qr', amountMinor: 0 }))).code).toBe('AMOUNT_TOO_SMALL');
    expect((await refusal(till.call('pay.start', { method: 'qr', amountMinor: 1801 }))).code).toBe('AMOUNT_TOO_LARGE');
    // Less than is due would say "Paid" with the order still open: the cash part comes first (split tender).
    for (const short of [
      till.call('pay.start', { method: 'qr', amountMinor: 1000 }),
      till.call('pay.withCode', { code: '280000000000000001', amountMinor: 1000 }),
    ]) {
      expect(await refusal(short)).toMatchObject({ code: 'AMOUNT_TOO_SMALL', params: { dueMinor: 1800 } });
    }
    expect((await refusal(till.call('pay.withCode', { code: '280000000000000001' }))).code).toBe('AMOUNT_OVER_LIMIT');
    expect((await refusal(till.call('pay.withCode', { code: '990000000000000001' }))).code).toBe(
      'PAYMENT_CODE_INVALID',
    );
    expect(sqlCount(till, 'SELECT count(*) FROM payments')).toBe(0);
    expect(sqlCount(till, "SELECT count(*) FROM sequences WHERE name LIKE 'trade:%'")).toBe(0);
    expect(provider.calls.filter((c) => c.method !== 'ping')).toEqual([]);
    expect((await till.call('cart.get', {})).number).toBe('');
  });

  it('fails on "trade exists" or "already paid" at create, never succeeds, and a retry has a new trade number', async () => {
    const { till, provider } = await open();
    await till.call('cart.scan', { barcode: COFFEE });
    for (const code of ['TRADE_EXISTS', 'TRADE_PAID'] as const) {
      provider.next('createQr', new ProviderError('rejected', code, code));
      const err = await refusal(till.call('pay.start', { method: 'qr' }));
      expect(err).toMatchObject({ code: 'PROVIDER_ERROR', params: { reason: code } });
    }
    const { cart, payment } = await till.call('pay.start', { method: 'qr' });
    expect(cart.payments.map((p) => [p.status, p.reason])).toEqual([
      ['failed', 'TRADE_EXISTS'],
      ['failed', 'TRADE_PAID'],
      ['pending', null],
    ]);
    expect(new Set(cart.payments.map((p) => p.tradeNumber)).size).toBe(3);
    expect(payment!.tradeNumber).toMatch(/_000003_/);
    expect(journal(till, 'payment.paid')).toBe(0);
  });

  it('goes to unknown (never failed) when the create times out, and settles by query', async () => {
    const { till, provider } = await open();
    await till.call('cart.scan', { barcode: COFFEE });
    // Sent, but the answer never came back: the provider may or may not have the trade.
    provider.next('createQr', new ProviderError('timeout', 'no answer'));
    const { payment } = await till.call('pay.start', { method: 'qr' });
    expect(payment).toMatchObject({ status: 'unknown', reason: 'timeout' });
    expect((await till.call('cart.get', {})).locked).toBe(true);
    provider.next('query', { status: 'waiting', amountMinor: 1800 });
    expect((await till.call('pay.check', { paymentId: payment!.id })).payment!.status).toBe('pending');
    provider.next('query', { status: 'paid', amountMinor: 1800 });
    expect((await till.call('pay.check', { paymentId: payment!.id })).payment!.status).toBe('paid');
    expect(journal(till, 'sale.completed')).toBe(1);
  });

  it('says why QR pay is unavailable when the provider cannot be reached, and cash still sells', async () => {
    const { till, provider } = await open({ engine: { pingCacheMs: 0 } });
    provider.down = true;
    await till.call('cart.scan', { barcode: COFFEE });
    const options = await till.call('pay.options', {});
    expect(options.options.filter((x) => x.method !== 'bank_qr').map((x) => [x.available, x.reason])).toEqual([
      [false, 'unreachable'],
      [false, 'unreachable'],
    ]);
    const err = await refusal(till.call('pay.start', { method: 'qr' }));
    expect(err).toMatchObject({ code: 'PAYMENT_UNAVAILABLE', params: { reason: 'unreachable' } });
    expect((await till.call('cart.get', {})).locked).toBe(false);
    const { order } = await till.call('checkout.cash', { tenderedMinor: 2000 });
    expect(order.status).toBe('completed');
  });

  it('takes a ping that answers after the wait as reachable, without waiting out the cache', async () => {
    // A busy PC or a slow provider: the ping answers, but after pay.options stopped waiting for it.
    const { till, provider } = await open({ engine: { pingTimeoutMs: 1 } });
    const ping = provider.hold('ping');
    await till.call('cart.scan', { barcode: COFFEE });
    const qr = async () => (await till.call('pay.options', {})).options.find((x) => x.method === 'qr')!;
    expect(await qr()).toMatchObject({ available: false, reason: 'unreachable' });
    await ping.called;
    ping.release();
    await expect.poll(async () => (await qr()).available).toBe(true);
    expect((await till.call('pay.start', { method: 'qr' })).payment!.status).toBe('pending');
  });

  it('runs one query at a time for a payment', async () => {
    const { till, provider } = await open();
    const payment = await pendingQr({ till, provider, clock: testClock(new Date()) });
    const held = provider.hold('query');
    const a = till.checkout.step(payment.id);
    const b = till.call('pay.check', { paymentId: payment.id });
    await held.called;
    held.release({ status: 'waiting', amountMinor: 1800 });
    await Promise.all([a, b]);
    expect(provider.calls.filter((c) => c.method === 'query')).toHaveLength(1);
  });

  it('is confirmed by the background loop, in main, without anyone asking', async () => {
    const { till, provider } = await open({ engine: { loops: true, pollMs: 10 } });
    await till.call('cart.scan', { barcode: COFFEE });
    const { payment } = await till.call('pay.start', { method: 'qr' });
    const paid = till.next('payment.changed', (p) => p.status === 'paid');
    provider.pay(payment!.tradeNumber!);
    expect(await paid).toMatchObject({ id: payment!.id });
    expect((await till.call('orders.today', {}))[0].status).toBe('completed');
  });
});

describe('cancel, expiry and abandon', () => {
  it('cancels: the trade is closed at the provider, then the cart unlocks', async () => {
    const o = await open();
    const payment = await pendingQr(o);
    const view = await o.till.call('pay.cancel', { paymentId: payment.id });
    expect(view.payment).toMatchObject({ status: 'cancelled' });
    expect(view.cart).toMatchObject({ locked: false, openPaymentId: null });
    expect(o.provider.trade(payment.tradeNumber!)!.status).toBe('closed');
    expect((await o.till.call('display.get', {})).phase).toBe('cart');
    // Cancelled twice: refused, nothing changes.
    expect((await refusal(o.till.call('pay.cancel', { paymentId: payment.id }))).code).toBe('PAYMENT_STATE');
    // A new QR gets a new trade number.
    const again = await o.till.call('pay.start', { method: 'qr' });
    expect(again.payment!.tradeNumber).not.toBe(payment.tradeNumber);
  });

  it('takes a close answered "already paid" as paid', async () => {
    const o = await open();
    const payment = await pendingQr(o);
    o.provider.pay(payment.tradeNumber!);
    const view = await o.till.call('pay.cancel', { paymentId: payment.id });
    expect(view.payment!.status).toBe('paid');
    expect(journal(o.till, 'sale.completed')).toBe(1);
  });

  it('expires: queries once more, then closes at the provider', async () => {
    const o = await open();
    const payment = await pendingQr(o);
    await o.till.checkout.step(payment.id);
    expect(o.provider.calls.filter((c) => c.method === 'close')).toHaveLength(0);
    o.clock.advance(120_000);
    await o.till.checkout.step(payment.id);
    expect(o.provider.calls.slice(-2).map((c) => c.method)).toEqual(['query', 'close']);
    const p = (await o.till.call('pay.current', {})).payment!;
    expect(p).toMatchObject({ status: 'expired', reason: 'expired' });
    expect(journal(o.till, 'payment.closing', p.id)).toBe(1);
    expect(journal(o.till, 'payment.expired', p.id)).toBe(1);
    expect((await o.till.call('cart.get', {})).locked).toBe(false);
  });

  it('lets the cashier abandon a provider that does not answer; the loop closes it later', async () => {
    const o = await open();
    const payment = await pendingQr(o);
    o.provider.next('close', new ProviderError('timeout', 'no answer'));
    const stuck = await o.till.call('pay.cancel', { paymentId: payment.id });
    expect(stuck.payment).toMatchObject({ status: 'unknown', reason: 'cancelled' });
    expect(stuck.cart.locked).toBe(true);
    // The customer display no longer offers the QR while the close is unconfirmed, even once a query
    // says the trade is still waiting to be paid.
    const hidden = (await o.till.call('display.get', {})).payment;
    expect(hidden).toMatchObject({ status: 'closing', qrContent: null });
    o.provider.next('close', new ProviderError('timeout', 'no answer'));
    await o.till.checkout.step(payment.id);
    expect((await o.till.call('display.get', {})).payment).toMatchObject({ status: 'closing', qrContent: null });

    const view = await o.till.call('pay.abandon', { paymentId: payment.id });
    expect(view.payment).toMatchObject({ status: 'closing', attention: 'abandoned' });
    expect(view.cart).toMatchObject({ locked: false, openPaymentId: null });
    expect((await o.till.call('attention.list', {})).map((a) => [a.reason, a.actions])).toEqual([
      ['abandoned', ['check']],
    ]);
    // A new QR waits until the old trade is closed; cash does not.
    expect((await refusal(o.till.call('pay.start', { method: 'qr' }))).code).toBe('PAYMENT_OPEN');
    await o.till.call('checkout.cash', { tenderedMinor: 2000 });

    await o.till.checkout.step(payment.id);
    expect(o.till.db.prepare('SELECT status, attention FROM payments WHERE id = ?').get(payment.id)).toEqual({
      status: 'cancelled',
      attention: null,
    });
    expect(await o.till.call('attention.list', {})).toEqual([]);
  });
});

describe('a close the provider cannot confirm', () => {
  it('answered "not found" keeps the trade closing (it can still be paid) until its expiry has passed', async () => {
    const o = await open();
    const payment = await pendingQr(o);
    // Like Alipay's precreate before the buyer scans: the provider knows no such trade yet.
    o.provider.next('close', { status: 'not_found' });
    const view = await o.till.call('pay.cancel', { paymentId: payment.id });
    expect(view.payment).toMatchObject({ status: 'closing', reason: 'cancelled' });
    expect(view.cart).toMatchObject({ locked: true, openPaymentId: payment.id });
    expect((await refusal(o.till.call('checkout.cash', { tenderedMinor: 2000 }))).code).toBe('PAYMENT_OPEN');
    // The customer scans and pays after all: the next close says so, and the order completes once.
    o.provider.pay(payment.tradeNumber!);
    await o.till.checkout.step(payment.id);
    expect(o.till.checkout.current().payment).toMatchObject({ id: payment.id, status: 'paid', attention: null });
    expect(journal(o.till, 'sale.completed')).toBe(1);
  });

  it('answered "not found" is taken as closed once the expiry and its grace have passed', async () => {
    const o = await open();
    const payment = await pendingQr(o);
    o.provider.next('close', { status: 'not_found' }, { status: 'not_found' }, { status: 'not_found' });
    await o.till.call('pay.cancel', { paymentId: payment.id });
    o.clock.advance(120_000); // expired, but within the grace
    await o.till.checkout.step(payment.id);
    expect(o.till.checkout.current().payment!.status).toBe('closing');
    o.clock.advance(30_000);
    await o.till.checkout.step(payment.id);
    const view = await o.till.call('pay.current', {});
    expect(view.payment).toMatchObject({ status: 'cancelled' });
    expect(view.cart.locked).toBe(false);
    expect(o.provider.calls.filter((c) => c.method === 'close')).toHaveLength(3);
    expect(journal(o.till, 'payment.cancelled', payment.id)).toBe(1);
  });

  it('cancelled while a query is out ends cancelled at once, with one close', async () => {
    const o = await open();
    const payment = await pendingQr(o);
    const query = o.provider.hold('query');
    const loop = o.till.checkout.step(payment.id);
    await query.called;
    const cancel = o.till.call('pay.cancel', { paymentId: payment.id });
    query.release({ status: 'waiting', amountMinor: 1800 });
    const [view] = await Promise.all([cancel, loop]);
    expect(view.payment).toMatchObject({ status: 'cancelled', reason: 'cancelled' });
    expect(view.cart.locked).toBe(false);
    expect(o.provider.calls.filter((c) => c.method === 'close')).toHaveLength(1);
    expect(journal(o.till, 'payment.unknown', payment.id)).toBe(0);
  });
});

describe('a provider that holds another amount', () => {
  async function paidForOneCent(o: Opened): Promise<Payment> {
    const payment = await pendingQr(o);
    o.provider.pay(payment.tradeNumber!);
    return payment;
  }

  it('is never settled: the payment goes on the attention list once, its order held, and it is never closed', async () => {
    const o = await open();
    const payment = await paidForOneCent(o);
    const wrong = { status: 'paid' as const, amountMinor: 1, providerRef: 'X' };
    o.provider.next('query', wrong, wrong, wrong);
    const attention = o.till.next('attention.changed');
    await o.till.call('pay.check', { paymentId: payment.id });
    expect(await attention).toEqual({ count: 1 });
    await o.till.call('pay.check', { paymentId: payment.id });
    // At expiry: no close (its "already paid" would be taken for our amount), no sale.
    o.clock.advance(200_000);
    await o.till.checkout.step(payment.id);
    expect(o.provider.calls.filter((c) => c.method === 'close')).toHaveLength(0);
    const [item] = await o.till.call('attention.list', {});
    expect(item).toMatchObject({ reason: 'unsettled', orderStatus: 'held', actions: ['check'] });
    expect(item.payment).toMatchObject({ id: payment.id, status: 'pending', reason: 'amount_mismatch' });
    expect(journal(o.till, 'payment.attention', payment.id)).toBe(1);
    expect(journal(o.till, 'payment.paid')).toBe(0);
    expect(journal(o.till, 'sale.completed')).toBe(0);
    // Selling goes on with a new cart; the cashier cannot end it by hand.
    expect((await o.till.call('cart.get', {})).lines).toEqual([]);
    for (const action of [
      o.till.call('pay.cancel', { paymentId: payment.id }),
      o.till.call('pay.abandon', { paymentId: payment.id }),
      o.till.call('attention.resolve', { paymentId: payment.id, action: 'dismiss' }),
    ]) {
      expect((await refusal(action)).code).toBe('PAYMENT_STATE');
    }
  });

  it('is never settled by a close at expiry answered "already paid"', async () => {
    const o = await open();
    const payment = await paidForOneCent(o);
    o.clock.advance(121_000);
    // The last query says "waiting"; the close then says "already paid"; its query tells the amount.
    o.provider.next('query', { status: 'waiting', amountMinor: 1800 }, { status: 'paid', amountMinor: 1 });
    await o.till.checkout.step(payment.id);
    expect(o.provider.calls.slice(-3).map((c) => c.method)).toEqual(['query', 'close', 'query']);
    expect(o.till.db.prepare('SELECT status, attention, reason FROM payments WHERE id = ?').get(payment.id)).toEqual({
      status: 'closing',
      attention: 'unsettled',
      reason: 'amount_mismatch',
    });
    expect(o.till.db.prepare('SELECT status FROM orders WHERE id = ?').pluck().get(payment.orderId)).toBe('held');
    expect(journal(o.till, 'sale.completed')).toBe(0);
  });
});

describe('an abandoned payment that turns out paid', () => {
  it('is a late payment on the attention list, never a second sale', async () => {
    const o = await open();
    const payment = await pendingQr(o);
    o.provider.next('close', new ProviderError('timeout', 'no answer'));
    await o.till.call('pay.cancel', { paymentId: payment.id });
    await o.till.call('pay.abandon', { paymentId: payment.id });
    const { order } = await o.till.call('checkout.cash', { tenderedMinor: 2000 });
    // The customer had paid after all; the notification arrives late.
    o.provider.pay(payment.tradeNumber!);
    const attention = o.till.next('attention.changed');
    expect(o.till.checkout.notify('scripted', o.provider.notification(payment.tradeNumber!)).status).toBe(200);
    expect(await attention).toEqual({ count: 1 });
    const [item] = await o.till.call('attention.list', {});
    expect(item).toMatchObject({ reason: 'late_payment', orderId: order.id, orderStatus: 'completed' });
    expect(item.actions).toEqual(['refund', 'check']);
    expect(journal(o.till, 'sale.completed')).toBe(1);
    expect((await o.till.call('orders.today', {}))[0]).toMatchObject({ paidMinor: 1800 });
  });
});

describe('notifications', () => {
  it('settle a payment; forged, altered or unknown ones are refused and journaled; a replay is acknowledged once stored', async () => {
    const o = await open();
    const payment = await pendingQr(o);
    const trade = payment.tradeNumber!;
    const refused = [
      o.provider.notification(trade, { amountMinor: 1 }),
      o.provider.notification(trade, { merchantId: 'SOMEONE-ELSE' }),
      o.provider.notification('T1_20261125_999999_abcdef', { amountMinor: 1800 }),
      o.provider.notification(trade, { currency: 'USD' }),
      o.provider.notification(trade, { signature: 'forged' }),
    ];
    for (const n of refused) {
      const answer = o.till.checkout.notify('scripted', n);
      expect(answer.status).toBe(400);
    }
    expect(o.till.checkout.notify('another', o.provider.notification(trade)).status).toBe(400);
    expect(journal(o.till, 'payment.notificationRejected')).toBe(6);
    expect(journal(o.till, 'payment.notificationRejected', payment.id)).toBe(2);
    expect(o.till.checkout.current().payment!.status).toBe('pending');

    const good = o.provider.notification(trade);
    expect(o.till.checkout.notify('scripted', good)).toEqual(o.provider.notificationAck);
    expect(o.till.checkout.notify('scripted', good)).toEqual(o.provider.notificationAck);
    expect(journal(o.till, 'payment.paid')).toBe(1);
    expect(journal(o.till, 'sale.completed')).toBe(1);
  });

  it('arrive over HTTP at the loopback listener', async () => {
    const o = await open({ notify: true });
    const payment = await pendingQr(o);
    const notifyUrl = (o.provider.calls.find((c) => c.method === 'createQr')!.request as { notifyUrl: string })
      .notifyUrl;
    expect(notifyUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/notify\/scripted$/);
    const n = o.provider.notification(payment.tradeNumber!);
    const bad = await fetch(notifyUrl, {
      method: 'POST',
      headers: n.headers as never,
      body: n.body.replace('1800', '1'),
    });
    expect(bad.status).toBe(400);
    const paid = o.till.next('payment.changed', (p) => p.status === 'paid');
    const res = await fetch(notifyUrl, { method: 'POST', headers: n.headers as never, body: n.body });
    expect([res.status, await res.text()]).toEqual([200, 'OK']);
    await paid;
    expect((await fetch(notifyUrl.replace('/notify/scripted', '/'))).status).toBe(404);
  });
});

describe('the race', () => {
  type Step = 'notify' | 'query:paid' | 'query:waiting' | 'close:already_paid';
  const orders: Step[][] = [
    ['notify', 'query:paid'],
    ['query:paid', 'notify'],
    ['query:waiting', 'notify', 'close:already_paid'],
    ['query:waiting', 'close:already_paid', 'notify'],
  ];
  for (const order of orders) {
    it(`a notification, a poll answer and the expiry close (${order.join(', ')}) end in one paid state, one journal row, one sale`, async () => {
      const o = await open();
      const payment = await pendingQr(o);
      const trade = payment.tradeNumber!;
      o.provider.pay(trade);
      // The QR has expired: the loop's step queries once more, then closes.
      o.clock.advance(121_000);
      const query = o.provider.hold('query');
      const close = o.provider.hold('close');
      const loop = o.till.checkout.step(payment.id);
      // The cashier presses "Check now" meanwhile: it joins the step out, no second query.
      const check = o.till.call('pay.check', { paymentId: payment.id });
      await query.called;
      const acks: number[] = [];
      for (const step of order) {
        if (step === 'notify') acks.push(o.till.checkout.notify('scripted', o.provider.notification(trade)).status);
        else if (step === 'query:paid') query.release({ status: 'paid', amountMinor: 1800 });
        else if (step === 'query:waiting') {
          query.release({ status: 'waiting', amountMinor: 1800 });
          await close.called;
        } else close.release({ status: 'already_paid' });
      }
      await Promise.all([loop, check]);
      // The notification comes again (the provider retries until acknowledged).
      acks.push(o.till.checkout.notify('scripted', o.provider.notification(trade)).status);

      expect(acks).toEqual([200, 200]);
      expect(o.till.db.prepare('SELECT status FROM payments WHERE id = ?').pluck().get(payment.id)).toBe('paid');
      expect(journal(o.till, 'payment.paid', payment.id)).toBe(1);
      expect(journal(o.till, 'sale.completed')).toBe(1);
      expect(sqlCount(o.till, "SELECT count(*) FROM orders WHERE status = 'completed'")).toBe(1);
      expect(o.till.events.filter((e) => e.event === 'orders.changed')).toHaveLength(1);
      expect(o.provider.calls.filter((c) => c.method === 'query')).toHaveLength(1);
    });
  }
});

describe('late payments', () => {
  async function latePayment(o: Opened): Promise<Payment> {
    const payment = await pendingQr(o);
    o.clock.advance(121_000);
    await o.till.checkout.step(payment.id);
    expect(o.till.checkout.current().payment!.status).toBe('expired');
    // The customer paid after all (a phone that was slow to send).
    o.provider.pay(payment.tradeNumber!);
    const list = await o.till.call('attention.resolve', { paymentId: payment.id, action: 'check' });
    expect(list.map((a) => a.reason)).toEqual(['late_payment']);
    expect(list[0].payment).toMatchObject({ status: 'paid', attention: 'late_payment' });
    expect(list[0].actions).toEqual(['refund', 'apply', 'check']);
    expect(journal(o.till, 'sale.completed')).toBe(0);
    return payment;
  }

  it('are refunded under a refund number stored before the provider is asked; asking again is the same refund', async () => {
    const o = await open();
    const payment = await latePayment(o);
    let storedAtCall: unknown;
    o.provider.onCall = (method, req) => {
      if (method === 'refund') {
        storedAtCall = o.till.db
          .prepare('SELECT refund_number, status FROM refunds WHERE payment_id = ?')
          .all(payment.id);
        const refundNumber = (req as { refundNumber: string }).refundNumber;
        // Providers take at most 32 of [0-9A-Za-z_-]; trade numbers already fill 32.
        expect(refundNumber).toMatch(/^[0-9A-Za-z_-]{6,32}$/);
        expect(refundNumber).toBe(refundNumberFor(payment.tradeNumber!, 1));
      }
    };
    o.provider.next('refund', new ProviderError('timeout', 'no answer'));
    const first = await refusal(o.till.call('attention.resolve', { paymentId: payment.id, action: 'refund' }));
    expect(first.code).toBe('PROVIDER_ERROR');
    expect(storedAtCall).toEqual([{ refund_number: refundNumberFor(payment.tradeNumber!, 1), status: 'requested' }]);
    const list = await o.till.call('attention.resolve', { paymentId: payment.id, action: 'refund' });
    expect(list).toEqual([]);
    expect(sqlCount(o.till, 'SELECT count(*) FROM refunds')).toBe(1);
    expect(o.till.db.prepare('SELECT status, refunded_minor FROM payments WHERE id = ?').get(payment.id)).toEqual({
      status: 'refunded',
      refunded_minor: 1800,
    });
    expect(o.provider.trade(payment.tradeNumber!)).toMatchObject({ status: 'refunded', refundedMinor: 1800 });
    expect((await refusal(o.till.call('attention.resolve', { paymentId: payment.id, action: 'refund' }))).code).toBe(
      'PAYMENT_STATE',
    );
  });

  it('whose refund answer was lost are never applied: only the same refund again, or a check that sends it', async () => {
    const o = await open();
    const payment = await latePayment(o);
    // The provider refunds, but its answer never arrives.
    o.provider.next('refund', (req) => {
      o.provider.setStatus(req.tradeNumber, 'refunded');
      throw new ProviderError('timeout', 'no answer');
    });
    const lost = await refusal(o.till.call('attention.resolve', { paymentId: payment.id, action: 'refund' }));
    expect(lost).toMatchObject({ code: 'PROVIDER_ERROR', params: { reason: 'refund_unknown' } });
    expect(lost.message).toMatch(/may have gone through/);
    const [item] = await o.till.call('attention.list', {});
    expect(item.actions).toEqual(['refund', 'check']);
    expect((await refusal(o.till.call('attention.resolve', { paymentId: payment.id, action: 'apply' }))).code).toBe(
      'PAYMENT_STATE',
    );
    // Check sends the same refund again, which tells how it went.
    expect(await o.till.call('attention.resolve', { paymentId: payment.id, action: 'check' })).toEqual([]);
    const refunds = o.provider.calls.filter((c) => c.method === 'refund').map((c) => c.request);
    expect(new Set(refunds.map((r) => (r as { refundNumber: string }).refundNumber)).size).toBe(1);
    expect(o.till.db.prepare('SELECT status FROM payments WHERE id = ?').pluck().get(payment.id)).toBe('refunded');
    expect(o.till.db.prepare('SELECT status FROM orders WHERE id = ?').pluck().get(payment.orderId)).toBe('draft');
    expect(journal(o.till, 'sale.completed')).toBe(0);
  });

  it('are applied to their order when it still needs the money', async () => {
    const o = await open();
    const payment = await latePayment(o);
    expect((await refusal(o.till.call('attention.resolve', { paymentId: payment.id, action: 'dismiss' }))).code).toBe(
      'PAYMENT_STATE',
    );
    const list = await o.till.call('attention.resolve', { paymentId: payment.id, action: 'apply' });
    expect(list).toEqual([]);
    const [order] = await o.till.call('orders.today', {});
    expect(order).toMatchObject({ status: 'completed', number: '0001', paidMinor: 1800 });
    expect(journal(o.till, 'sale.completed')).toBe(1);
    expect(journal(o.till, 'payment.applied', payment.id)).toBe(1);
  });

  it('are never applied to an order that was paid another way', async () => {
    const o = await open();
    const payment = await latePayment(o);
    await o.till.call('checkout.cash', { tenderedMinor: 1800 });
    const [item] = await o.till.call('attention.list', {});
    expect(item).toMatchObject({ orderStatus: 'completed', actions: ['refund', 'check'] });
    expect((await refusal(o.till.call('attention.resolve', { paymentId: payment.id, action: 'apply' }))).code).toBe(
      'PAYMENT_STATE',
    );
  });
});

describe('startup', () => {
  it('settles what was paid while the till was down, and puts the rest on the attention list while selling goes on', async () => {
    const dataDir = tempDataDir();
    const provider = new ScriptedProvider();
    const clock = testClock(new Date(2026, 10, 25, 9, 30));
    const first = await open({ dataDir, provider, clock });
    const paidWhileDown = await pendingQr(first);
    // The first order is paid; a second cart's QR is still waiting when the till stops.
    provider.pay(paidWhileDown.tradeNumber!);
    await first.till.close();
    // Reopen and pay the first one for real; a second till run leaves the second one unpaid.
    const second = await open({ dataDir, provider, clock });
    const reported = second.till.next('pay.startupReport', (r) => r.done);
    await second.till.checkout.sweep();
    expect(second.till.db.prepare('SELECT status FROM payments WHERE id = ?').pluck().get(paidWhileDown.id)).toBe(
      'paid',
    );
    // The cashier is told: that order was paid while the till was down, and its sale completed.
    const report = await reported;
    expect(report).toMatchObject({ done: true, unsettled: 0 });
    expect(report.settled).toHaveLength(1);
    expect(report.settled[0]).toMatchObject({ orderNumber: '0001', orderStatus: 'completed' });
    expect(report.settled[0].payment).toMatchObject({ id: paidWhileDown.id, status: 'paid', attention: null });
    expect(await second.till.call('pay.startupReport', {})).toEqual(report);
    expect(await second.till.call('attention.list', {})).toEqual([]);
    expect((await second.till.call('orders.today', {}))[0]).toMatchObject({ status: 'completed', number: '0001' });

    const waiting = await pendingQr(second);
    await second.till.close();
    const third = await open({ dataDir, provider, clock });
    await third.till.checkout.sweep();
    expect(await third.till.call('pay.startupReport', {})).toMatchObject({ done: true, settled: [], unsettled: 1 });
    const [item] = await third.till.call('attention.list', {});
    expect(item).toMatchObject({ reason: 'unsettled', orderStatus: 'held', orderNumber: '0002', actions: ['check'] });
    expect(item.payment).toMatchObject({ id: waiting.id, status: 'pending' });
    // Selling goes on with a new cart; the unsettled order stays locked.
    const cart = await third.till.call('cart.scan', { barcode: LATTE });
    expect(cart.id).not.toBe(item.orderId);
    const { order } = await third.till.call('checkout.cash', { tenderedMinor: 2200 });
    expect(order.number).toBe('0003');
    const held = await third.till.call('cart.recall', { orderId: item.orderId });
    expect(held).toMatchObject({ id: item.orderId, locked: true, openPaymentId: waiting.id });
    expect((await refusal(third.till.call('cart.scan', { barcode: LATTE }))).code).toBe('CART_LOCKED');
    // When the customer's money does arrive, the order completes under its number.
    provider.pay(waiting.tradeNumber!);
    await third.till.call('pay.check', { paymentId: waiting.id });
    expect((await third.till.call('orders.today', {})).map((x) => x.number)).toEqual(['0003', '0002', '0001']);
    expect(await third.till.call('attention.list', {})).toEqual([]);
  });
});

describe('a payment code (B-scan-C)', () => {
  const CODE = '281234567890123456';

  it('is paid at once, and the code is never stored in full', async () => {
    const { till, provider } = await open();
    await till.call('cart.scan', { barcode: COFFEE });
    const thanks = till.next('display.changed', (d) => d.phase === 'thanks');
    const { payment } = await till.call('pay.withCode', { code: CODE });
    expect(payment).toMatchObject({ status: 'paid', method: 'payment_code', maskedCode: '2812**********3456' });
    expect((provider.calls.find((c) => c.method === 'payWithCode')!.request as { authCode: string }).authCode).toBe(
      CODE,
    );
    expect((await thanks).sale!.methods).toEqual(['payment_code']);
    // Nowhere in the database file (nor its write-ahead log).
    till.db.pragma('wal_checkpoint(TRUNCATE)');
    for (const file of [DB_FILENAME, `${DB_FILENAME}-wal`]) {
      const p = path.join(till.dataDir, file);
      if (fs.existsSync(p)) expect(fs.readFileSync(p).includes(CODE)).toBe(false);
    }
    expect(journal(till, 'sale.completed')).toBe(1);
  });

  it('waits while the customer confirms, then is paid', async () => {
    const { till, provider } = await open();
    await till.call('cart.scan', { barcode: COFFEE });
    provider.next('payWithCode', { status: 'user_paying', providerRef: null });
    const { payment } = await till.call('pay.withCode', { code: CODE });
    expect(payment).toMatchObject({ status: 'pending', reason: 'user_paying' });
    expect((await till.call('display.get', {})).payment).toMatchObject({ method: 'payment_code', qrContent: null });
    provider.next('query', { status: 'user_paying', amountMinor: 1800 }, { status: 'paid', amountMinor: 1800 });
    expect((await till.call('pay.check', { paymentId: payment!.id })).payment!.status).toBe('pending');
    expect((await till.call('pay.check', { paymentId: payment!.id })).payment!.status).toBe('paid');
  });

  it('is reversed when the customer does not confirm within the wait', async () => {
    const o = await open();
    await o.till.call('cart.scan', { barcode: COFFEE });
    o.provider.next('payWithCode', { status: 'user_paying', providerRef: null });
    const { payment } = await o.till.call('pay.withCode', { code: CODE });
    o.provider.next('query', { status: 'user_paying', amountMinor: 1800 });
    o.clock.advance(60_000);
    await o.till.checkout.step(payment!.id);
    expect(o.provider.calls.slice(-2).map((c) => c.method)).toEqual(['query', 'reverse']);
    expect(o.till.checkout.current().payment).toMatchObject({ status: 'expired' });
    expect((await o.till.call('cart.get', {})).locked).toBe(false);
  });

  it('is declined with a reason, and the attempt is failed', async () => {
    const { till, provider } = await open();
    await till.call('cart.scan', { barcode: COFFEE });
    provider.next('payWithCode', new ProviderError('rejected', `code ${CODE} declined`, 'DECLINED'));
    const err = await refusal(till.call('pay.withCode', { code: CODE }));
    expect(err).toMatchObject({ code: 'PAYMENT_DECLINED', params: { reason: 'DECLINED' } });
    expect(till.checkout.current().payment).toMatchObject({ status: 'failed', reason: 'DECLINED' });
    const data = till.db.prepare("SELECT group_concat(data) FROM journal WHERE kind LIKE 'payment.%'").pluck().get();
    expect(String(data)).toContain('2812**********3456');
    expect(String(data)).not.toContain(CODE);
  });
});

describe('split tender', () => {
  it('takes part in cash and the rest by QR; cancelling the QR keeps the cash part', async () => {
    const { till, provider } = await open();
    await till.call('cart.scan', { barcode: COFFEE });
    expect((await refusal(till.call('checkout.cashPart', { amountMinor: 1800 }))).code).toBe('AMOUNT_TOO_LARGE');
    const part = await till.call('checkout.cashPart', { amountMinor: 800 });
    expect(part.cart).toMatchObject({ paidMinor: 800, dueMinor: 1000, locked: true, openPaymentId: null });
    expect((await refusal(till.call('cart.scan', { barcode: LATTE }))).code).toBe('CART_LOCKED');
    expect((await refusal(till.call('cart.void', {}))).code).toBe('CART_LOCKED');

    const first = await till.call('pay.start', { method: 'qr' });
    expect(first.payment!.amountMinor).toBe(1000);
    // While the cart is open, the payment's order is the cart (its number reserved with the QR).
    expect(first.order).toEqual(first.cart);
    expect(first.order.number).not.toBe('');
    const cancelled = await till.call('pay.cancel', { paymentId: first.payment!.id });
    expect(cancelled.cart).toMatchObject({ paidMinor: 800, dueMinor: 1000 });

    const second = await till.call('pay.start', { method: 'qr' });
    provider.pay(second.payment!.tradeNumber!);
    const thanks = till.next('display.changed', (d) => d.phase === 'thanks');
    const paid = await till.call('pay.check', { paymentId: second.payment!.id });
    expect((await thanks).sale).toMatchObject({ methods: ['cash', 'qr'], tenderedMinor: 1800, changeMinor: 0 });
    // The cart has cleared: the view carries the completed order, with its number and both parts.
    expect(paid.order).toMatchObject({ id: part.cart.id, number: first.order.number, status: 'completed' });
    expect(paid.cart.id).not.toBe(part.cart.id);
    expect((await till.call('pay.current', {})).order).toEqual(paid.order);
    const [order] = await till.call('orders.today', {});
    expect(order.payments.map((p) => [p.method, p.status, p.amountMinor])).toEqual([
      ['cash', 'paid', 800],
      ['qr', 'cancelled', 1000],
      ['qr', 'paid', 1000],
    ]);
  });

  it('takes the rest in cash, with change on what is due', async () => {
    const { till } = await open();
    await till.call('cart.scan', { barcode: COFFEE });
    await till.call('checkout.cashPart', { amountMinor: 800 });
    const { order, changeMinor } = await till.call('checkout.cash', { tenderedMinor: 2000 });
    expect(changeMinor).toBe(1000);
    expect(order).toMatchObject({ status: 'completed', paidMinor: 1800 });
  });
});

describe('a bank QR', () => {
  const bankQr = {
    enabled: true,
    scheme: 'promptpay' as const,
    account: '0812345678',
    guid: '',
    merchantName: '',
    merchantCity: '',
  };

  it('is refused until it is set up, and for a currency its scheme does not pay in', async () => {
    const { till } = await open();
    await till.call('cart.scan', { barcode: COFFEE });
    const err = await refusal(till.call('pay.start', { method: 'bank_qr' }));
    expect(err).toMatchObject({ code: 'PAYMENT_UNAVAILABLE', params: { reason: 'not_configured' } });
    await till.call('settings.update', { bankQr });
    expect((await till.call('pay.options', {})).options.find((x) => x.method === 'bank_qr')!.reason).toBe('currency');
    expect(sqlCount(till, 'SELECT count(*) FROM payments')).toBe(0);
  });

  it('carries the amount and the trade reference, and is confirmed by hand', async () => {
    const { till } = await open();
    await till.call('settings.update', { currency: 'THB', bankQr });
    await till.call('cart.scan', { barcode: COFFEE });
    const { payment } = await till.call('pay.start', { method: 'bank_qr' });
    expect(payment).toMatchObject({ status: 'pending', method: 'bank_qr', provider: 'bank', isDemo: false });
    const parsed = parseMerchantQr(payment!.qrContent!);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.tags['54']).toBe('18.00');
    expect(parsed.tags['53']).toBe('764');
    expect(parsed.tags['62']).toEqual({ '05': payment!.providerRef });
    expect(payment!.tradeNumber!.replace(/_/g, '')).toContain(payment!.providerRef);
    expect((await till.call('display.get', {})).payment).toMatchObject({ wallets: ['promptpay'], isDemo: false });

    const view = await till.call('pay.confirmByHand', { paymentId: payment!.id });
    expect(view.payment).toMatchObject({ status: 'paid', confirmedByHand: true, staffId: null });
    expect((await till.call('orders.today', {}))[0]).toMatchObject({ status: 'completed', paidMinor: 1800 });
  });
});
