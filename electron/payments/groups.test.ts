// Two wallets side by side: "QR pay" makes one trade per wallet in one checkout round; the first paid completes
// the order and closes the others; a payment code scanned meanwhile takes over; anything paid twice is
// refunded at once. Real till (SQLite file), two scripted providers that behave like Alipay and WeChat Pay.

import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestTill, sqlCount, type TestTill, tempDataDir, testClock } from '../till/testing';
import { ProviderError } from './provider';
import { type ScriptedProvider, scriptedWallet } from './testing';

const COFFEE = '2000001000007'; // 18.00
const ALIPAY_CODE = '285170012345678901';
const WECHAT_CODE = '134567890123456789';

const tills: TestTill[] = [];
afterEach(async () => {
  for (const t of tills.splice(0)) await t.close();
});

function wallet(id: 'alipay' | 'wechat', stateFile?: string): ScriptedProvider {
  return scriptedWallet(id, { stateFile });
}

async function open(providers: ScriptedProvider[], dataDir?: string) {
  const till = openTestTill({
    dataDir,
    clock: testClock(new Date(2026, 10, 25, 9, 30)).clock,
    payments: { providers, notify: false, engine: { loops: false, sweepWaitMs: 2000 } },
  });
  tills.push(till);
  await till.start();
  return till;
}

/** Every trade of the till, oldest first, as the till stored it. */
function trades(till: TestTill) {
  return till.db
    .prepare('SELECT id, provider, method, status, amount_minor, group_id, reason, attention FROM payments ORDER BY id')
    .all() as {
    id: number;
    provider: string;
    method: string;
    status: string;
    amount_minor: number;
    group_id: number | null;
    reason: string | null;
    attention: string | null;
  }[];
}

/** One completed sale, paid once: the order completed once and the money counted towards it once. */
function expectSoldOnce(till: TestTill) {
  expect(sqlCount(till, "SELECT count(*) FROM orders WHERE status = 'completed'")).toBe(1);
  expect(sqlCount(till, "SELECT count(*) FROM journal WHERE kind = 'sale.completed'")).toBe(1);
  expect(
    sqlCount(till, "SELECT count(*) FROM payments WHERE status = 'paid' AND attention IS NULL AND amount_minor = 1800"),
  ).toBe(1);
}

/** Resolves once the payment is in `status` (now or by a later move): checked and subscribed in one turn. */
function reaches(till: TestTill, id: number, status: string): Promise<unknown> {
  const now = till.db.prepare('SELECT status FROM payments WHERE id = ?').pluck().get(id);
  if (now === status) return Promise.resolve();
  return till.next('payment.changed', (p) => p.id === id && p.status === status);
}

async function twoQrs() {
  const alipay = wallet('alipay');
  const wechat = wallet('wechat');
  const till = await open([alipay, wechat]);
  await till.call('cart.scan', { barcode: COFFEE });
  const view = await till.call('pay.start', { method: 'qr' });
  return { till, alipay, wechat, view };
}

describe('QR pay with two wallets', () => {
  it('makes one trade per wallet in one round, each for the amount due, and both QRs show', async () => {
    const { till, alipay, wechat, view } = await twoQrs();
    expect(view.group.map((p) => [p.provider, p.status, p.amountMinor])).toEqual([
      ['alipay', 'pending', 1800],
      ['wechat', 'pending', 1800],
    ]);
    expect(new Set(view.group.map((p) => p.groupId)).size).toBe(1);
    expect(view.group[0]!.tradeNumber).not.toBe(view.group[1]!.tradeNumber);
    expect(alipay.allTrades().map((t) => t.amountMinor)).toEqual([1800]);
    expect(wechat.allTrades().map((t) => t.amountMinor)).toEqual([1800]);
    const shown = await till.call('display.get', {});
    expect(shown.payments.map((p) => [p.wallets, p.qrContent !== null])).toEqual([
      [['alipay'], true],
      [['wechat'], true],
    ]);
  });

  it('completes the order once when one is paid, and closes the other at once', async () => {
    const { till, alipay, wechat, view } = await twoQrs();
    const [a, w] = view.group;
    alipay.pay(a!.tradeNumber!);
    await till.call('pay.check', { paymentId: a!.id });
    await till.checkout.step(w!.id);
    expect(trades(till).map((t) => [t.provider, t.status])).toEqual([
      ['alipay', 'paid'],
      ['wechat', 'cancelled'],
    ]);
    expect(wechat.calls.filter((c) => c.method === 'close')).toHaveLength(1);
    expect(wechat.trade(w!.tradeNumber!)!.status).toBe('closed');
    expectSoldOnce(till);
    expect((await till.call('pay.current', {})).payment).toMatchObject({ id: a!.id, status: 'paid' });
  });

  it('refunds the second when both are paid (the close came too late): one completion, one refund, listed as paid twice', async () => {
    const { till, alipay, wechat, view } = await twoQrs();
    const [a, w] = view.group;
    alipay.pay(a!.tradeNumber!);
    wechat.pay(w!.tradeNumber!);
    await till.call('pay.check', { paymentId: a!.id });
    // The close meets a paid trade; the query says paid: paid twice, given back under a stored number.
    await till.checkout.step(w!.id);
    await reaches(till, w!.id, 'refunded');
    expectSoldOnce(till);
    const refunds = till.db.prepare('SELECT refund_number, status, amount_minor FROM refunds').all();
    expect(refunds).toEqual([{ refund_number: `${w!.tradeNumber}-R1`, status: 'refunded', amount_minor: 1800 }]);
    expect(wechat.trade(w!.tradeNumber!)).toMatchObject({ status: 'refunded', refundedMinor: 1800 });
    expect(alipay.calls.filter((c) => c.method === 'refund')).toHaveLength(0);
    const list = await till.call('attention.list', {});
    expect(list.map((i) => [i.reason, i.payment.status, i.actions])).toEqual([['paid_twice', 'refunded', ['dismiss']]]);
    await till.call('attention.resolve', { paymentId: w!.id, action: 'dismiss' });
    expect(await till.call('attention.list', {})).toEqual([]);
  });

  it('keeps a paid-twice refund that did not go through on the list, with Refund (the same refund number)', async () => {
    const { till, alipay, wechat, view } = await twoQrs();
    const [a, w] = view.group;
    alipay.pay(a!.tradeNumber!);
    wechat.pay(w!.tradeNumber!);
    // The other QR's close, its query and the refund follow the first payment at once, in the background.
    const refundHeld = wechat.hold('refund');
    await till.call('pay.check', { paymentId: a!.id });
    await refundHeld.called;
    refundHeld.release(new ProviderError('timeout', 'no answer'));
    await reaches(till, w!.id, 'paid');
    const [item] = await till.call('attention.list', {});
    expect(item).toMatchObject({ reason: 'paid_twice', payment: { status: 'paid' } });
    expect(item!.actions).toContain('refund');
    await till.call('attention.resolve', { paymentId: w!.id, action: 'refund' });
    const numbers = wechat.calls
      .filter((c) => c.method === 'refund')
      .map((c) => (c.request as { refundNumber: string }).refundNumber);
    expect(numbers).toEqual([`${w!.tradeNumber}-R1`, `${w!.tradeNumber}-R1`]);
    expectSoldOnce(till);
  });
});

describe('a paid-twice refund the provider does not finish at once', () => {
  it('processing: asked about again (refund query), then refunded', async () => {
    const { till, alipay, wechat, view } = await twoQrs();
    const [a, w] = view.group;
    let asked = 0;
    Object.assign(wechat, {
      refundStatus: async () => {
        asked++;
        return { status: 'refunded' };
      },
    });
    wechat.next('refund', { status: 'processing' });
    alipay.pay(a!.tradeNumber!);
    wechat.pay(w!.tradeNumber!);
    const queued = till.next('attention.changed');
    await till.call('pay.check', { paymentId: a!.id });
    await queued;
    await reaches(till, w!.id, 'paid');
    const [item] = await till.call('attention.list', {});
    expect(item).toMatchObject({ reason: 'paid_twice', refund: { status: 'processing', failure: null } });
    await till.call('attention.resolve', { paymentId: w!.id, action: 'check' });
    expect(asked).toBe(1);
    expect(wechat.calls.filter((c) => c.method === 'refund')).toHaveLength(1);
    expect(trades(till).find((t) => t.id === w!.id)).toMatchObject({ status: 'refunded' });
    expectSoldOnce(till);
  });

  it('failed (WeChat Pay ABNORMAL): stays on the list with the code the screen turns into the step to take', async () => {
    const { till, alipay, wechat, view } = await twoQrs();
    const [a, w] = view.group;
    wechat.next('refund', { status: 'failed', reason: 'ABNORMAL' });
    alipay.pay(a!.tradeNumber!);
    wechat.pay(w!.tradeNumber!);
    // Listed once when found paid twice, again when the refund comes back failed.
    let seen = 0;
    const refused = till.next('attention.changed', () => ++seen === 2);
    await till.call('pay.check', { paymentId: a!.id });
    await refused;
    const [item] = await till.call('attention.list', {});
    expect(item).toMatchObject({ reason: 'paid_twice', payment: { status: 'paid' }, refund: { failure: 'ABNORMAL' } });
    expect(sqlCount(till, "SELECT count(*) FROM refunds WHERE status = 'failed' AND failure = 'ABNORMAL'")).toBe(1);
    expectSoldOnce(till);
  });
});

describe('a paid-twice refund the till stopped before finishing', () => {
  it('is asked again at the next start, under the same refund number, and money moves once', async () => {
    const dir = tempDataDir();
    const files = { alipay: path.join(dir, 'alipay.json'), wechat: path.join(dir, 'wechat.json') };
    const first = { alipay: wallet('alipay', files.alipay), wechat: wallet('wechat', files.wechat) };
    const till = await open([first.alipay, first.wechat], dir);
    await till.call('cart.scan', { barcode: COFFEE });
    const { group } = await till.call('pay.start', { method: 'qr' });
    const [a, w] = group;
    first.alipay.pay(a!.tradeNumber!);
    first.wechat.pay(w!.tradeNumber!);
    // The refund leaves, and the till stops before any answer comes back.
    const held = first.wechat.hold('refund');
    await till.call('pay.check', { paymentId: a!.id });
    await held.called;
    await tills.pop()!.close();
    held.release(new ProviderError('timeout', 'the till had stopped'));

    const second = { alipay: wallet('alipay', files.alipay), wechat: wallet('wechat', files.wechat) };
    const again = await open([second.alipay, second.wechat], dir);
    await again.checkout.sweep();
    await reaches(again, w!.id, 'refunded');
    const numbers = [...first.wechat.calls, ...second.wechat.calls]
      .filter((c) => c.method === 'refund')
      .map((c) => (c.request as { refundNumber: string }).refundNumber);
    expect(numbers).toEqual([`${w!.tradeNumber}-R1`, `${w!.tradeNumber}-R1`]);
    expect(second.wechat.trade(w!.tradeNumber!)).toMatchObject({ status: 'refunded', refundedMinor: 1800 });
    expectSoldOnce(again);
  });
});

describe('the cashier with two QRs showing', () => {
  it('cancels both with one Cancel, and the cart unlocks once both are closed', async () => {
    const { till, alipay, wechat, view } = await twoQrs();
    const after = await till.call('pay.cancel', { paymentId: view.group[0]!.id });
    expect(after.group.map((p) => p.status)).toEqual(['cancelled', 'cancelled']);
    expect(alipay.calls.filter((c) => c.method === 'close')).toHaveLength(1);
    expect(wechat.calls.filter((c) => c.method === 'close')).toHaveLength(1);
    expect(after.cart.openPaymentId).toBeNull();
    expect(sqlCount(till, "SELECT count(*) FROM orders WHERE status = 'completed'")).toBe(0);
  });

  it('checks both with one Check now', async () => {
    const { till, wechat, view } = await twoQrs();
    wechat.pay(view.group[1]!.tradeNumber!);
    const after = await till.call('pay.check', { paymentId: view.group[0]!.id });
    expect(after.payment).toMatchObject({ provider: 'wechat', status: 'paid' });
    expectSoldOnce(till);
  });
});

describe('a payment code scanned while the QRs show', () => {
  it('is charged at once, and both QR trades are closed', async () => {
    const { till, alipay, wechat, view } = await twoQrs();
    const closeHeld = wechat.hold('close');
    const paid = await till.call('pay.withCode', { code: ALIPAY_CODE });
    // Charged without waiting for WeChat Pay's close, which is still out.
    await closeHeld.called;
    expect(paid.payment).toMatchObject({ method: 'payment_code', provider: 'alipay', status: 'paid' });
    expect(paid.payment!.groupId).toBe(view.group[0]!.groupId);
    closeHeld.release();
    await till.checkout.step(view.group[0]!.id);
    await till.checkout.step(view.group[1]!.id);
    expect(trades(till).map((t) => [t.provider, t.method, t.status])).toEqual([
      ['alipay', 'qr', 'cancelled'],
      ['wechat', 'qr', 'cancelled'],
      ['alipay', 'payment_code', 'paid'],
    ]);
    expect(alipay.calls.filter((c) => c.method === 'close')).toHaveLength(1);
    expectSoldOnce(till);
  });

  it('refunds a QR found paid after the code paid the order', async () => {
    const { till, wechat, view } = await twoQrs();
    const w = view.group[1]!;
    wechat.pay(w.tradeNumber!);
    await till.call('pay.withCode', { code: ALIPAY_CODE });
    await till.checkout.step(w.id);
    await reaches(till, w.id, 'refunded');
    expectSoldOnce(till);
    expect(trades(till).find((t) => t.id === w.id)).toMatchObject({ reason: 'paid_twice', status: 'refunded' });
  });

  it('goes to its own wallet by prefix; a code for a wallet not set up is refused clearly and stores nothing', async () => {
    const alipay = wallet('alipay');
    const till = await open([alipay]);
    await till.call('cart.scan', { barcode: COFFEE });
    const err = await till.call('pay.withCode', { code: WECHAT_CODE }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'PAYMENT_CODE_INVALID',
      params: { reason: 'wallet_not_set_up', wallet: 'wechat' },
    });
    expect(trades(till)).toEqual([]);
    expect(alipay.calls.filter((c) => c.method === 'payWithCode')).toHaveLength(0);
  });
});

describe('wallets and the shop currency', () => {
  it('are unavailable, with the reason, for a shop in another currency, and nothing is stored', async () => {
    const till = await open([wallet('alipay'), wallet('wechat')]);
    await till.call('settings.update', { currency: 'USD' });
    await till.call('cart.scan', { barcode: COFFEE });
    const options = await till.call('pay.options', {});
    expect(options.options.find((o) => o.method === 'qr')).toMatchObject({ available: false, reason: 'currency' });
    expect(options.wallets.map((w) => [w.provider, w.reason])).toEqual([
      ['alipay', 'currency'],
      ['wechat', 'currency'],
    ]);
    const err = await till.call('pay.start', { method: 'qr' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PAYMENT_UNAVAILABLE', params: { reason: 'currency' } });
    expect(trades(till)).toEqual([]);
  });

  it('shows the other QR when one wallet cannot be reached', async () => {
    const alipay = wallet('alipay');
    const wechat = wallet('wechat');
    const till = await open([alipay, wechat]);
    wechat.next('createQr', new ProviderError('unreachable', 'refused'));
    await till.call('cart.scan', { barcode: COFFEE });
    const view = await till.call('pay.start', { method: 'qr' });
    expect(view.group.map((p) => [p.provider, p.status])).toEqual([
      ['alipay', 'pending'],
      ['wechat', 'failed'],
    ]);
    const shown = await till.call('display.get', {});
    expect(shown.payments.map((p) => p.wallets)).toEqual([['alipay']]);
  });
});
