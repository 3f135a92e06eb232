// reconcile.day / reconcile.refresh on a real till: QR sales through the embedded Demo gateway (its signed
// GET /v1/bills and its /sim/bills controls), a bill that is not ready and then is, a trade dropped from the bill
// (missing at the provider) and a row added (missing at the till), fees and net settled, bills stored once
// ready and never fetched again, the timer's refetch; an Alipay bill (GBK csv.zip) and a WeChat Pay bill (backtick
// CSV) from their mocks, read by the real adapters, not ready then ready on refresh; a provider without bills, one
// that fails; bad input writes nothing.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoFee } from '../gateway/bills';
import type { BillRow, PaymentProvider } from '../payments/provider';
import { createAlipayProvider } from '../payments/providers/alipay/adapter';
import { startAlipayMock } from '../payments/providers/alipay/mock';
import { createWechatPayProvider } from '../payments/providers/wechat/adapter';
import { startWechatPayMock } from '../payments/providers/wechat/mock';
import { ScriptedProvider } from '../payments/testing';
import { openTestTill, sqlCount, type TestTill, testClock } from './testing';

const COFFEE = '2000001000007'; // 18.00
const LATTE = '2000002000006'; // 22.00
const DAY = '2026-12-03';

const tills: TestTill[] = [];
afterEach(async () => {
  for (const t of tills.splice(0)) await t.close();
});

async function sim(till: TestTill, route: string, body: unknown = {}) {
  const res = await fetch(`${till.payments().gatewayUrl}/sim/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return res.json();
}

/** One QR sale paid on the gateway's phone page (sim); answers its payment. */
async function qrSale(till: TestTill, barcode: string) {
  await till.call('cart.scan', { barcode });
  const { payment } = await till.call('pay.start', { method: 'qr' });
  const paid = till.next('payment.changed', (p) => p.status === 'paid');
  await sim(till, `trades/${payment!.tradeNumber}/pay`);
  await paid;
  return payment!;
}

const bills = (till: TestTill) =>
  till.db.prepare('SELECT provider, bill_date, state, fetched_at FROM provider_bills ORDER BY bill_date').all();

describe('the Demo gateway bill', () => {
  it('not ready, then ready: matched, a dropped trade and an added row, fees and net; ready bills stay', async () => {
    const clock = testClock('2026-12-03T10:00:00.000Z');
    const till = openTestTill({
      clock: clock.clock,
      payments: { payPort: 0, payBind: '127.0.0.1', simControls: true },
    });
    tills.push(till);
    await till.start();
    const one = await qrSale(till, COFFEE);
    const two = await qrSale(till, LATTE);
    clock.advance(60_000);
    const preview = await till.call('refund.preview', { orderId: two.orderId });
    await till.call('refund.make', { orderId: two.orderId, lines: [{ lineId: preview.lines[0].lineId, quantity: 1 }] });
    const refundNumber = till.db.prepare('SELECT refund_number FROM refunds').pluck().get() as string;

    // The same day: the wallets publish the bill the next morning.
    const early = await till.call('reconcile.day', { day: DAY });
    const demo = early.providers.find((p) => p.provider === 'demo')!;
    expect(early.waiting).toBe(true);
    expect(demo.bills.find((b) => b.date === DAY)?.state).toBe('not_ready');
    expect(demo.counts.awaiting_bill.count).toBe(3); // two payments, one refund
    expect(demo.counts.missing_at_provider.count).toBe(0);

    // The shop's own app sold something, a row of ours the till never saw, and the gateway lost trade one.
    const extra = `T1_20261203_999999_${(till.db.prepare("SELECT value FROM settings WHERE key = 'till.installId'").pluck().get() as string).replace(/\W/g, '').slice(0, 4)}zzzzzz`;
    await sim(till, `bills/${DAY}`, {
      drop: [one.tradeNumber],
      add: [
        {
          kind: 'payment',
          tradeNumber: extra,
          providerRef: 'DPEXTRA0001',
          time: '2026-12-03T18:30:00+08:00',
          amountMinor: 1234,
          feeMinor: 7,
          refundNumber: null,
        },
        {
          kind: 'payment',
          tradeNumber: 'SHOPAPP20261203001',
          providerRef: 'DPEXTRA0002',
          time: '2026-12-03T18:31:00+08:00',
          amountMinor: 500,
          feeMinor: 3,
          refundNumber: null,
        },
      ],
    });
    // Next morning, after 09:00 Beijing, for the 12-03 and 12-04 bills alike.
    clock.set('2026-12-05T02:00:00.000Z');
    const day = await till.call('reconcile.day', { day: DAY });
    const d = day.providers.find((p) => p.provider === 'demo')!;
    // 12-05's bill (a neighbour read in case) comes tomorrow; the day's own bills are in: nothing waits.
    expect(d.bills.map((b) => [b.date, b.state])).toEqual([
      ['2026-12-02', 'none'],
      ['2026-12-03', 'ready'],
      ['2026-12-04', 'none'],
      ['2026-12-05', 'not_ready'],
    ]);
    expect(day.waiting).toBe(false);
    expect(
      Object.fromEntries(
        Object.entries(d.counts)
          .filter(([, c]) => c.count)
          .map(([s, c]) => [s, c.count]),
      ),
    ).toEqual({
      matched: 2, // sale two and its refund
      missing_at_provider: 1,
      missing_at_till: 1,
      other_source: 1,
    });
    const missing = d.items.find((i) => i.state === 'missing_at_provider')!;
    expect(missing).toMatchObject({
      kind: 'payment',
      tradeNumber: one.tradeNumber,
      tillAmountMinor: 1800,
      billAmountMinor: null,
      orderId: one.orderId,
      paymentId: one.id,
    });
    expect(missing.orderNumber).toMatch(/^T1-\d{4}$/);
    // Its journal entries: the ones written for that payment.
    expect(missing.journalIds.length).toBeGreaterThan(0);
    expect(
      sqlCount(
        till,
        `SELECT count(*) FROM journal WHERE payment_id = ? AND id IN (${missing.journalIds.join(',')})`,
        one.id,
      ),
    ).toBe(missing.journalIds.length);
    expect(d.items.find((i) => i.state === 'missing_at_till')).toMatchObject({
      tradeNumber: extra,
      billAmountMinor: 1234,
      orderId: null,
      journalIds: [],
    });
    expect(d.items.find((i) => i.state === 'other_source')?.tradeNumber).toBe('SHOPAPP20261203001');
    // Fees: 0.6% half up on each payment, the refund's share returned.
    const feeTwo = demoFee(2200);
    const refundFee = Math.floor((feeTwo * 2200 * 2 + 2200) / (2 * 2200));
    expect(d.feesMinor).toBe(feeTwo - refundFee + 7 + 3);
    expect(d.netSettledMinor).toBe(2200 - 2200 + 1234 + 500 - d.feesMinor);
    expect(refundNumber).toMatch(/-R1$/);

    // Ready bills are final: asking again (even refresh) fetches nothing and changes nothing.
    const ready = () => bills(till).filter((b) => (b as { state: string }).state === 'ready');
    const stored = ready();
    expect(stored).toHaveLength(1);
    await sim(till, `bills/${DAY}`, { drop: [two.tradeNumber] });
    clock.advance(3600_000);
    const again = await till.call('reconcile.refresh', { day: DAY });
    expect(ready()).toEqual(stored);
    expect(again.providers[0].counts).toEqual(d.counts);
  });

  it('the timer fetches again the bills of closed days that were not ready', async () => {
    const clock = testClock('2026-12-03T10:00:00.000Z');
    const till = openTestTill({
      clock: clock.clock,
      payments: { payPort: 0, payBind: '127.0.0.1', simControls: true },
    });
    tills.push(till);
    await till.start();
    await qrSale(till, COFFEE);
    await till.call('reconcile.day', { day: DAY });
    expect(bills(till).find((b) => (b as { bill_date: string }).bill_date === DAY)).toMatchObject({
      state: 'not_ready',
    });
    // Still the same day: not a closed day, the timer leaves it.
    expect(await till.reconciliation.refetchWaiting()).toBe(0);
    clock.set('2026-12-04T02:00:00.000Z'); // 10:00 Beijing on 12-04: 12-03's bill is out
    expect(await till.reconciliation.refetchWaiting()).toBe(1);
    expect(bills(till).find((b) => (b as { bill_date: string }).bill_date === DAY)).toMatchObject({ state: 'ready' });
    expect(await till.reconciliation.refetchWaiting()).toBe(0);
    // The timer itself never holds the process, and stops.
    const stop = till.reconciliation.startBillTimer(60_000);
    stop();
  });
});

interface WalletMock {
  setBill(date: string, bill: readonly BillRow[] | 'not_ready' | 'none'): void;
  stop(): Promise<void>;
}

const WALLETS: { name: string; id: string; start: () => Promise<{ mock: WalletMock; adapter: PaymentProvider }> }[] = [
  {
    name: 'Alipay (GBK csv.zip from its mock)',
    id: 'alipay',
    start: async () => {
      const mock = await startAlipayMock();
      return { mock, adapter: createAlipayProvider({ config: mock.config(), timeoutMs: 3000 }) };
    },
  },
  {
    name: 'WeChat Pay (backtick CSV from its mock)',
    id: 'wechat',
    start: async () => {
      const mock = await startWechatPayMock();
      return { mock, adapter: createWechatPayProvider({ config: mock.config(), timeoutMs: 3000 }) };
    },
  },
];

describe.each(WALLETS)('$name, read by the real adapter', ({ id, start }) => {
  let mock: WalletMock;
  let adapter: PaymentProvider;
  beforeAll(async () => {
    ({ mock, adapter } = await start());
  });
  afterAll(() => mock.stop());

  it('not ready, then ready on refresh: the till QR sale matched, a missing one listed', async () => {
    const clock = testClock('2026-12-04T03:00:00.000Z');
    const provider = new ScriptedProvider({ id });
    (provider as PaymentProvider).fetchBill = (date) => adapter.fetchBill!(date);
    const till = openTestTill({
      clock: clock.clock,
      payments: { provider, notify: false, engine: { loops: false, sweepWaitMs: 0 } },
    });
    tills.push(till);
    await till.start();
    clock.set('2026-12-03T06:00:00.000Z'); // sell on 12-03 (14:00 Beijing)
    const sold: { tradeNumber: string; id: number }[] = [];
    for (const barcode of [COFFEE, LATTE]) {
      await till.call('cart.scan', { barcode });
      const { payment } = await till.call('pay.start', { method: 'qr' });
      provider.pay(payment!.tradeNumber!);
      expect((await till.call('pay.check', { paymentId: payment!.id })).payment!.status).toBe('paid');
      sold.push({ tradeNumber: payment!.tradeNumber!, id: payment!.id });
    }
    clock.set('2026-12-04T03:00:00.000Z');
    for (const date of ['2026-12-02', '2026-12-04']) mock.setBill(date, 'none');
    mock.setBill(DAY, 'not_ready');
    const first = await till.call('reconcile.day', { day: DAY });
    expect(first.providers[0].bills.find((b) => b.date === DAY)?.state).toBe('not_ready');
    expect(first.providers[0].counts.awaiting_bill.count).toBe(2);

    mock.setBill(DAY, [
      {
        tradeNumber: sold[0].tradeNumber,
        providerRef: id === 'alipay' ? '2026120322001412340500000001' : '4200002611202612030000000001',
        time: '2026-12-03T14:00:01+08:00',
        amountMinor: 1800,
        feeMinor: 11,
        refundMinor: 0,
        refundNumber: null,
        status: 'paid',
      },
    ]);
    const ready = await till.call('reconcile.refresh', { day: DAY });
    const w = ready.providers[0];
    expect(w.bills.find((b) => b.date === DAY)).toMatchObject({ state: 'ready', rows: 1 });
    expect(w.counts.matched).toEqual({ count: 1, amountMinor: 1800 });
    expect(w.items).toEqual([
      expect.objectContaining({
        state: 'missing_at_provider',
        tradeNumber: sold[1].tradeNumber,
        paymentId: sold[1].id,
      }),
    ]);
    expect(w.feesMinor).toBe(11);
    expect(w.netSettledMinor).toBe(1789);
  });
});

describe('edges', () => {
  it('a provider without bills is unsupported, and fetches nothing', async () => {
    const provider = new ScriptedProvider({ id: 'demo' });
    const till = openTestTill({ payments: { provider, notify: false, engine: { loops: false, sweepWaitMs: 0 } } });
    tills.push(till);
    await till.start();
    const out = await till.call('reconcile.day', { day: DAY });
    expect(out.providers.map((p) => [p.provider, p.bills.every((b) => b.state === 'unsupported')])).toEqual([
      ['demo', true],
    ]);
    expect(sqlCount(till, 'SELECT count(*) FROM provider_bills')).toBe(0);
  });

  it('a provider that fails is an error state, fetched again next time', async () => {
    const clock = testClock('2026-12-04T03:00:00.000Z');
    const provider = new ScriptedProvider({ id: 'demo' });
    let fail = true;
    (provider as PaymentProvider).fetchBill = async () => {
      if (fail) throw new Error('connection reset: https://bills.example/download?token=SECRET123&sig=abc');
      return { status: 'none' };
    };
    const till = openTestTill({
      clock: clock.clock,
      payments: { provider, notify: false, engine: { loops: false, sweepWaitMs: 0 } },
    });
    tills.push(till);
    await till.start();
    const out = await till.call('reconcile.day', { day: DAY });
    expect(out.providers[0].bills.find((b) => b.date === DAY)).toMatchObject({
      state: 'error',
      message: 'connection reset: https://bills.example/download?…',
    });
    expect(JSON.stringify(till.db.prepare('SELECT * FROM provider_bills').all())).not.toContain('SECRET123');
    fail = false;
    const next = await till.call('reconcile.day', { day: DAY });
    expect(next.providers[0].bills.find((b) => b.date === DAY)?.state).toBe('none');
  });

  it('bad input is refused and writes nothing', async () => {
    const till = openTestTill();
    tills.push(till);
    for (const day of ['2026-13-45x', '', '12/03/2026']) {
      await expect(till.call('reconcile.day', { day })).rejects.toThrow();
    }
    await expect(till.call('reconcile.day', { day: DAY, extra: 1 } as never)).rejects.toThrow();
    expect(sqlCount(till, 'SELECT count(*) FROM provider_bills')).toBe(0);
  });
});
