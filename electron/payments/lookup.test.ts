// "I paid!" at the counter (pay.lookup): a real till (SQLite file) with two scripted wallets that can look
// trades up, by our trade number and by the provider's own number. The look-up never marks anything paid by
// hand; an open payment the provider says is paid is settled once, by the engine's usual step.
import { afterEach, describe, expect, it } from 'vitest';
import { openTestTill, refusal, sqlCount, type TestTill, testClock } from '../till/testing';
import { ProviderError } from './provider';
import { type ScriptedProvider, scriptedWallet } from './testing';

const COFFEE = '2000001000007'; // 18.00

const tills: TestTill[] = [];
afterEach(async () => {
  for (const t of tills.splice(0)) await t.close();
});

function wallet(id: 'alipay' | 'wechat', lookup = true): ScriptedProvider {
  return scriptedWallet(id, { lookup });
}

async function open(providers: ScriptedProvider[]) {
  const till = openTestTill({
    clock: testClock(new Date(2026, 10, 25, 9, 30)).clock,
    payments: { providers, notify: false, engine: { loops: false, sweepWaitMs: 2000 } },
  });
  tills.push(till);
  await till.start();
  return till;
}

/** Two QRs side by side (one per wallet) for a coffee. */
async function twoQrs(providers = [wallet('alipay'), wallet('wechat')]) {
  const till = await open(providers);
  await till.call('cart.scan', { barcode: COFFEE });
  const view = await till.call('pay.start', { method: 'qr' });
  return { till, alipay: providers[0]!, wechat: providers[1]!, a: view.group[0]!, w: view.group[1]! };
}

/** A sale paid by Alipay and completed; returns its payment. */
async function soldByAlipay(till: TestTill, alipay: ScriptedProvider) {
  await till.call('cart.scan', { barcode: COFFEE });
  const { group } = await till.call('pay.start', { method: 'qr' });
  const a = group.find((p) => p.provider === 'alipay')!;
  alipay.pay(a.tradeNumber!);
  return (await till.call('pay.check', { paymentId: a.id })).payment!;
}

describe('pay.lookup by our trade number', () => {
  it('asks that payment’s own wallet and shows its answer with our payment and order number', async () => {
    const alipay = wallet('alipay');
    const wechat = wallet('wechat');
    const till = await open([alipay, wechat]);
    const paid = await soldByAlipay(till, alipay);
    const wechatCalls = wechat.calls.length;

    const found = await till.call('pay.lookup', { number: `  ${paid.tradeNumber}  ` });

    expect(found).toMatchObject({
      found: true,
      provider: 'alipay',
      asked: ['alipay'],
      tradeNumber: paid.tradeNumber,
      providerRef: `P-${paid.tradeNumber}`,
      status: 'paid',
      amountMinor: 1800,
      ours: { id: paid.id, status: 'paid' },
    });
    expect(found.orderNumber).toMatch(/\d/);
    expect(alipay.calls.at(-1)).toEqual({ method: 'lookup', request: { tradeNumber: paid.tradeNumber } });
    expect(wechat.calls).toHaveLength(wechatCalls);
  });

  it('uses the plain query of a wallet that cannot look up, and changes nothing while it waits', async () => {
    const { till, wechat, w } = await twoQrs([wallet('alipay'), wallet('wechat', false)]);
    const before = till.db.prepare('SELECT * FROM payments ORDER BY id').all();

    const found = await till.call('pay.lookup', { number: w.tradeNumber! });

    expect(found).toMatchObject({ found: true, provider: 'wechat', status: 'waiting', ours: { status: 'pending' } });
    expect(wechat.calls.at(-1)).toEqual({ method: 'query', request: w.tradeNumber });
    expect(till.db.prepare('SELECT * FROM payments ORDER BY id').all()).toEqual(before);
  });

  it('says "not found" with our payment when the wallet does not know our trade', async () => {
    const { till, alipay, a } = await twoQrs();
    alipay.next('lookup', { status: 'not_found', tradeNumber: null });
    const found = await till.call('pay.lookup', { number: a.tradeNumber! });
    expect(found).toMatchObject({ found: false, provider: 'alipay', status: 'not_found', ours: { id: a.id } });
  });
});

describe('pay.lookup by the provider’s number', () => {
  it('asks every wallet that can look up, and the one that knows it answers, with our payment', async () => {
    const alipay = wallet('alipay');
    const wechat = wallet('wechat');
    const till = await open([alipay, wechat]);
    const paid = await soldByAlipay(till, alipay);

    const found = await till.call('pay.lookup', { number: `P-${paid.tradeNumber}` });

    expect(found).toMatchObject({
      found: true,
      provider: 'alipay',
      asked: ['alipay', 'wechat'],
      tradeNumber: paid.tradeNumber,
      status: 'paid',
      ours: { id: paid.id, status: 'paid' },
    });
    expect(wechat.calls.at(-1)).toEqual({ method: 'lookup', request: { providerRef: `P-${paid.tradeNumber}` } });
  });

  it('answers "not found" for a number no wallet knows, and stores nothing', async () => {
    const till = await open([wallet('alipay'), wallet('wechat')]);
    const found = await till.call('pay.lookup', { number: '2026000000000000000000000099' });
    expect(found).toEqual({
      found: false,
      provider: null,
      isDemo: false,
      asked: ['alipay', 'wechat'],
      tradeNumber: null,
      providerRef: null,
      status: 'not_found',
      amountMinor: null,
      paidAt: null,
      ours: null,
      orderNumber: null,
    });
    expect(sqlCount(till, 'SELECT count(*) FROM payments')).toBe(0);
  });

  it('takes a wallet’s refusal of a number as "not there", and asks none that cannot look up', async () => {
    const alipay = wallet('alipay', false);
    const wechat = wallet('wechat');
    const till = await open([alipay, wechat]);
    wechat.next('lookup', new ProviderError('rejected', 'not a WeChat Pay number', 'INVALID_REQUEST'));
    const found = await till.call('pay.lookup', { number: 'ABCDEF-123' });
    expect(found).toMatchObject({ found: false, asked: ['wechat'] });
    expect(alipay.calls).toEqual([]);
  });

  it('finds a trade that is not ours (another till) without inventing a payment for it', async () => {
    const wechat = wallet('wechat');
    const till = await open([wechat]);
    wechat.next('lookup', { status: 'paid', amountMinor: 500, providerRef: '4200001', tradeNumber: 'T2_elsewhere' });
    const found = await till.call('pay.lookup', { number: '4200000000000000000000000001' });
    expect(found).toMatchObject({ found: true, provider: 'wechat', status: 'paid', ours: null, orderNumber: null });
    expect(sqlCount(till, 'SELECT count(*) FROM payments')).toBe(0);
  });
});

describe('pay.lookup refuses clearly', () => {
  it('when the wallet cannot be reached, times out or answers badly (PROVIDER_ERROR with the reason)', async () => {
    const { till, alipay, a } = await twoQrs();
    for (const kind of ['unreachable', 'timeout', 'bad_response'] as const) {
      alipay.next('lookup', new ProviderError(kind, 'trouble'));
      const err = await refusal(till.call('pay.lookup', { number: a.tradeNumber! }));
      expect(err).toMatchObject({ code: 'PROVIDER_ERROR', params: { reason: kind, provider: 'alipay' } });
      expect(err.message).not.toContain(a.tradeNumber!);
    }
    expect(till.db.prepare('SELECT status FROM payments WHERE id = ?').pluck().get(a.id)).toBe('pending');
  });

  it('when a wallet is down while looking up its number ("not found" would not be true)', async () => {
    const alipay = wallet('alipay');
    const till = await open([alipay, wallet('wechat')]);
    alipay.down = true;
    const err = await refusal(till.call('pay.lookup', { number: '2026000000000000000000000099' }));
    expect(err).toMatchObject({ code: 'PROVIDER_ERROR', params: { reason: 'unreachable', provider: 'alipay' } });
  });

  it('when a wallet crashes on its own bug: a clear error, not a crash', async () => {
    const { till, alipay, a } = await twoQrs();
    alipay.next('lookup', () => {
      throw new TypeError('oops');
    });
    const err = await refusal(till.call('pay.lookup', { number: a.tradeNumber! }));
    expect(err).toMatchObject({ code: 'PROVIDER_ERROR', params: { reason: 'bad_response' } });
  });

  it('when the payment’s wallet is no longer set up: says so, asks no other wallet', async () => {
    const { till, wechat, a } = await twoQrs();
    till.checkout.setProviders([wechat]);
    const calls = wechat.calls.length;
    const err = await refusal(till.call('pay.lookup', { number: a.tradeNumber! }));
    expect(err).toMatchObject({
      code: 'PAYMENT_UNAVAILABLE',
      params: { reason: 'not_configured', provider: 'alipay' },
    });
    expect(wechat.calls).toHaveLength(calls);
  });

  it('a payment code typed in: refused, never sent to any wallet', async () => {
    const alipay = wallet('alipay');
    const till = await open([alipay]);
    const err = await refusal(till.call('pay.lookup', { number: '285170012345678901' }));
    expect(err).toMatchObject({ code: 'INVALID_INPUT', params: { reason: 'payment_code' } });
    expect(err.message).not.toContain('285170012345678901');
    expect(alipay.calls.filter((c) => c.method === 'lookup')).toEqual([]);
  });

  it('rejects input outside 6–64 of [0-9A-Za-z_-|*]', async () => {
    const till = await open([wallet('alipay')]);
    for (const number of ['12345', 'x'.repeat(65), 'abc def', 'abc/def', "1234'; --"]) {
      await expect(till.call('pay.lookup', { number })).rejects.toThrow();
    }
    await expect(till.call('pay.lookup', { number: 'abc', extra: 1 } as never)).rejects.toThrow();
  });
});

describe('a payment the wallet says is paid while ours is still open', () => {
  it('is settled by the engine’s usual step, exactly once, however many times the cashier looks', async () => {
    const { till, alipay, wechat, a, w } = await twoQrs();
    alipay.pay(a.tradeNumber!);

    const [first, second] = await Promise.all([
      till.call('pay.lookup', { number: a.tradeNumber! }),
      till.call('pay.lookup', { number: `P-${a.tradeNumber}` }),
    ]);
    const again = await till.call('pay.lookup', { number: a.tradeNumber! });

    for (const r of [first, second, again]) expect(r).toMatchObject({ status: 'paid', ours: { id: a.id } });
    expect(again.ours).toMatchObject({ status: 'paid', confirmedByHand: false });
    expect(sqlCount(till, "SELECT count(*) FROM journal WHERE kind = 'sale.completed'")).toBe(1);
    expect(sqlCount(till, "SELECT count(*) FROM journal WHERE kind = 'payment.paid'")).toBe(1);
    expect(sqlCount(till, "SELECT count(*) FROM orders WHERE status = 'completed'")).toBe(1);
    expect(sqlCount(till, "SELECT count(*) FROM payments WHERE status = 'paid'")).toBe(1);
    // The engine closes the round's other QR, as when a query finds it paid.
    await till.checkout.step(w.id);
    expect(wechat.trade(w.tradeNumber!)!.status).toBe('closed');
  });

  it('is not settled on a look-up answer alone: the usual query decides, the amount checked as always', async () => {
    const { till, alipay, a } = await twoQrs();
    // The look-up says paid, the engine's own query does not agree: nothing moves.
    alipay.next('lookup', { status: 'paid', amountMinor: 1800, tradeNumber: a.tradeNumber! });
    const found = await till.call('pay.lookup', { number: a.tradeNumber! });
    expect(found).toMatchObject({ status: 'paid', ours: { id: a.id, status: 'pending' } });
    expect(sqlCount(till, "SELECT count(*) FROM orders WHERE status = 'completed'")).toBe(0);
  });

  it('leaves an ended payment alone (the look-up changes nothing by itself)', async () => {
    const { till, alipay, a } = await twoQrs();
    await till.call('pay.cancel', { paymentId: a.id });
    const status = () => till.db.prepare('SELECT status FROM payments WHERE id = ?').pluck().get(a.id);
    const ended = status();
    expect(ended).toBe('cancelled');
    alipay.next('lookup', { status: 'paid', amountMinor: 1800, tradeNumber: a.tradeNumber! });
    const found = await till.call('pay.lookup', { number: a.tradeNumber! });
    expect(found).toMatchObject({ status: 'paid', ours: { id: a.id, status: 'cancelled' } });
    expect(status()).toBe(ended);
    expect(alipay.calls.at(-1)!.method).toBe('lookup');
  });
});
