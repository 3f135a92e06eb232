// The matching of a business day against the providers' bills, with bills in their documented formats: an
// Alipay GBK csv.zip and a WeChat Pay backtick CSV built by the mocks' builders and read back by the adapters'
// parsers, so the rows are exactly what a real download gives.
import { describe, expect, it } from 'vitest';
import { buildAlipayBillZip, parseAlipayBillZip } from './providers/alipay/bill';
import { buildWechatTradeBill, parseWechatTradeBill } from './providers/wechat/bill';
import type { BillRow } from './provider';
import {
  billDatesFor,
  isOurTradeNumber,
  type ProviderBill,
  reconcile,
  type TillPayment,
  type TillRefund,
} from './reconcile';

const INSTALL = 'ab12f00dcafe';
// Business day 2026-12-03 of a shop on Beijing time opening at 05:00: 12-03 05:00 → 12-04 05:00 Beijing.
const FROM = '2026-12-02T21:00:00.000Z';
const TO = '2026-12-03T21:00:00.000Z';
const ours = (n: number) => `T1_20261203_${String(n).padStart(6, '0')}_ab12x9y8z7`;

function pay(n: number, amountMinor: number, at: string, over: Partial<TillPayment> = {}): TillPayment {
  return {
    paymentId: n,
    orderId: 100 + n,
    orderNumber: String(n).padStart(4, '0'),
    provider: 'alipay',
    tradeNumber: ours(n),
    amountMinor,
    status: 'paid',
    at,
    inDay: at >= FROM && at < TO,
    ...over,
  };
}

function refund(n: number, amountMinor: number, at: string, over: Partial<TillRefund> = {}): TillRefund {
  return {
    paymentId: n,
    orderId: 100 + n,
    orderNumber: String(n).padStart(4, '0'),
    provider: 'alipay',
    tradeNumber: ours(n),
    refundNumber: `${ours(n)}-R1`,
    amountMinor,
    status: 'refunded',
    at,
    inDay: at >= FROM && at < TO,
    ...over,
  };
}

/** A paid row at a Beijing time ("2026-12-03 12:00:00"). */
function paidRow(tradeNumber: string, amountMinor: number, feeMinor: number, beijing: string): BillRow {
  return {
    tradeNumber,
    providerRef: `2026120322001${tradeNumber.length}${amountMinor}`,
    time: `${beijing.replace(' ', 'T')}+08:00`,
    amountMinor,
    feeMinor,
    refundMinor: 0,
    refundNumber: null,
    status: 'paid',
  };
}

function refundRow(tradeNumber: string, refundMinor: number, feeMinor: number, beijing: string): BillRow {
  return {
    ...paidRow(tradeNumber, 0, feeMinor, beijing),
    refundMinor,
    refundNumber: `${tradeNumber}-R1`,
    status: 'refunded',
  };
}

/** Rows through Alipay's own format and back (GBK zip). */
const alipay = (date: string, rows: BillRow[]): ProviderBill => ({
  date,
  state: rows.length ? 'ready' : 'none',
  message: null,
  fetchedAt: null,
  rows: rows.length ? parseAlipayBillZip(buildAlipayBillZip(rows, date)) : [],
});
/** Rows through WeChat Pay's own format and back (backtick CSV). */
const wechat = (date: string, rows: BillRow[]): ProviderBill => ({
  date,
  state: rows.length ? 'ready' : 'none',
  message: null,
  fetchedAt: null,
  rows: rows.length ? parseWechatTradeBill(buildWechatTradeBill(rows)) : [],
});
const notReady = (date: string): ProviderBill => ({
  date,
  state: 'not_ready',
  message: null,
  fetchedAt: null,
  rows: [],
});

function run(provider: string, bills: ProviderBill[], payments: TillPayment[], refunds: TillRefund[] = []) {
  const [out] = reconcile({
    fromIso: FROM,
    toIso: TO,
    installId: INSTALL,
    payments,
    refunds,
    bills: new Map([[provider, bills]]),
  });
  return out;
}

const byState = (out: ReturnType<typeof run>) =>
  Object.fromEntries(
    Object.entries(out.counts)
      .filter(([, c]) => c.count > 0)
      .map(([s, c]) => [s, c.count]),
  );

describe('which bills and whose trade numbers', () => {
  it('reads the Beijing dates the day overlaps and one either side', () => {
    expect(billDatesFor(FROM, TO)).toEqual(['2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05']);
    // A shop in Berlin (UTC+1) opening at 05:00: 12-03 04:00Z → 12-04 04:00Z is Beijing 12-03 12:00 → 12-04 12:00.
    expect(billDatesFor('2026-12-03T04:00:00.000Z', '2026-12-04T04:00:00.000Z')).toEqual([
      '2026-12-02',
      '2026-12-03',
      '2026-12-04',
      '2026-12-05',
    ]);
  });

  it("knows this install's trade numbers from another till's and from the shop's own app", () => {
    expect(isOurTradeNumber(ours(1), INSTALL)).toBe(true);
    expect(isOurTradeNumber('T2_20261203_000001_ab12q1w2e3', INSTALL)).toBe(true); // same install, another terminal
    expect(isOurTradeNumber('T1_20261203_000001_zz99q1w2e3', INSTALL)).toBe(false); // another install
    expect(isOurTradeNumber('APP202612031200001', INSTALL)).toBe(false);
    expect(isOurTradeNumber(`${ours(1)}-R1`, INSTALL)).toBe(false); // a refund number is not a trade number
    expect(isOurTradeNumber(ours(1), '')).toBe(false);
  });
});

describe('an Alipay day (GBK csv.zip)', () => {
  const payments = [
    pay(1, 8888, '2026-12-03T02:00:00.000Z'), // 10:00 Beijing
    pay(2, 1200, '2026-12-03T15:59:59.000Z'), // 23:59:59 Beijing: in the next day's bill
    pay(3, 3000, '2026-12-03T19:30:00.000Z'), // 03:30 Beijing on 12-04, still business day 12-03
    pay(4, 500, '2026-12-03T04:00:00.000Z'), // missing at the provider
    pay(5, 990, '2026-12-03T05:00:00.000Z'), // the bill says 909: amount differs
    pay(6, 700, '2026-12-03T06:00:00.000Z', { status: 'pending' }),
    pay(7, 650, '2026-12-03T07:00:00.000Z', { status: 'failed' }), // the till gave up; the customer paid
    pay(8, 100, '2026-12-03T08:00:00.000Z', { status: 'expired' }), // never paid anywhere: not listed
    pay(9, 4200, '2026-12-02T15:00:00.000Z'), // yesterday's (23:00 Beijing 12-02), its row in the 12-03 bill
  ];
  const refunds = [refund(1, 888, '2026-12-03T03:00:00.000Z')];
  const bills = [
    alipay('2026-12-02', [paidRow(ours(20), 999, 6, '2026-12-02 10:00:00')]), // another day's unknown row
    alipay('2026-12-03', [
      paidRow(ours(9), 4200, 25, '2026-12-03 00:00:01'),
      paidRow(ours(1), 8888, 53, '2026-12-03 10:00:00'),
      refundRow(ours(1), 888, 5, '2026-12-03 11:00:00'),
      paidRow(ours(5), 909, 5, '2026-12-03 13:00:00'),
      paidRow(ours(7), 650, 4, '2026-12-03 15:00:01'),
      paidRow(ours(30), 1500, 9, '2026-12-03 16:00:00'), // missing at the till
      paidRow('T1_20261203_000031_zz99a1b2c3', 2500, 15, '2026-12-03 17:00:00'), // another install
      paidRow('APP2026120300001', 1000, 6, '2026-12-03 18:00:00'), // the shop's own app
    ]),
    alipay('2026-12-04', [
      paidRow(ours(2), 1200, 7, '2026-12-04 00:00:03'),
      paidRow(ours(3), 3000, 18, '2026-12-04 03:30:00'),
      paidRow(ours(40), 2000, 12, '2026-12-04 09:00:00'), // after the day: tomorrow's business
    ]),
    alipay('2026-12-05', []),
  ];
  const out = run('alipay', bills, payments, refunds);

  it('counts each state', () => {
    expect(byState(out)).toEqual({
      matched: 4, // 1, 2, 3 and the refund of 1
      missing_at_provider: 1,
      missing_at_till: 2, // 7 (failed at the till) and 30
      amount_differs: 1,
      other_source: 2,
      pending: 1,
    });
    expect(out.counts.missing_at_provider.amountMinor).toBe(500);
    expect(out.counts.other_source.amountMinor).toBe(3500);
  });

  it('lists each mismatch with both sides, its order and its bill', () => {
    const item = (no: string) => out.items.find((i) => i.tradeNumber === no);
    expect(item(ours(4))).toMatchObject({
      state: 'missing_at_provider',
      tillAmountMinor: 500,
      billAmountMinor: null,
      orderId: 104,
      orderNumber: '0004',
      paymentId: 4,
      billDate: null,
    });
    expect(item(ours(5))).toMatchObject({ state: 'amount_differs', tillAmountMinor: 990, billAmountMinor: 909 });
    expect(item(ours(6))).toMatchObject({ state: 'pending', tillAmountMinor: null });
    expect(item(ours(7))).toMatchObject({ state: 'missing_at_till', paymentId: 7, billAmountMinor: 650 });
    expect(item(ours(30))).toMatchObject({
      state: 'missing_at_till',
      paymentId: null,
      orderId: null,
      billAmountMinor: 1500,
      billDate: '2026-12-03',
      at: '2026-12-03T16:00:00+08:00',
    });
    expect(item('APP2026120300001')?.state).toBe('other_source');
    expect(item(ours(8))).toBeUndefined();
    // Matched ones are counted, not listed; other days' rows are neither.
    for (const n of [1, 2, 3, 9, 20, 40]) expect(item(ours(n))).toBeUndefined();
  });

  it('adds up the fees and what the provider settles for the day', () => {
    // Rows of the day: 1 (53), refund of 1 (5 returned), 5 (5), 7 (4), 30 (9), other installs (15 + 6), 2 (7), 3 (18).
    expect(out.feesMinor).toBe(53 - 5 + 5 + 4 + 9 + 15 + 6 + 7 + 18);
    const paid = 8888 + 909 + 650 + 1500 + 2500 + 1000 + 1200 + 3000;
    expect(out.netSettledMinor).toBe(paid - 888 - out.feesMinor);
    expect(out.bills.map((b) => [b.date, b.state, b.rows])).toEqual([
      ['2026-12-02', 'ready', 1],
      ['2026-12-03', 'ready', 8],
      ['2026-12-04', 'ready', 3],
      ['2026-12-05', 'none', 0],
    ]);
  });
});

describe('a WeChat Pay day (backtick CSV) with refunds', () => {
  const w = (p: TillPayment) => ({ ...p, provider: 'wechat' });
  const wr = (r: TillRefund) => ({ ...r, provider: 'wechat' });
  it('matches refunds by refund number, and finds a refund on either side only', () => {
    const payments = [w(pay(1, 5000, '2026-12-03T02:00:00.000Z')), w(pay(2, 3000, '2026-12-03T03:00:00.000Z'))];
    const refunds = [
      wr(refund(1, 1000, '2026-12-03T04:00:00.000Z')), // matched
      wr(refund(2, 3000, '2026-12-03T05:00:00.000Z')), // not in the bill: missing at the provider
      wr(refund(1, 500, '2026-12-03T06:00:00.000Z', { refundNumber: `${ours(1)}-R2`, status: 'processing' })),
    ];
    const extraRefund = { ...refundRow(ours(1), 700, 4, '2026-12-03 14:30:00'), refundNumber: `${ours(1)}-R3` };
    const bills = [
      wechat('2026-12-02', []),
      wechat('2026-12-03', [
        paidRow(ours(1), 5000, 30, '2026-12-03 10:00:00'),
        paidRow(ours(2), 3000, 18, '2026-12-03 11:00:00'),
        refundRow(ours(1), 1000, 6, '2026-12-03 12:00:00'),
        extraRefund, // a refund made elsewhere (the merchant platform): missing at the till
      ]),
      wechat('2026-12-04', []),
      wechat('2026-12-05', []),
    ];
    const out = run('wechat', bills, payments, refunds);
    expect(byState(out)).toEqual({ matched: 3, missing_at_provider: 1, missing_at_till: 1, pending: 1 });
    expect(out.items.map((i) => [i.kind, i.state, i.refundNumber])).toEqual([
      ['refund', 'missing_at_provider', `${ours(2)}-R1`],
      ['refund', 'pending', `${ours(1)}-R2`],
      ['refund', 'missing_at_till', `${ours(1)}-R3`],
    ]);
    expect(out.feesMinor).toBe(30 + 18 - 6 - 4);
    expect(out.netSettledMinor).toBe(8000 - 1700 - out.feesMinor);
  });
});

describe('bills not final', () => {
  it('a payment whose bill is not ready is awaiting its bill, never missing at the provider', () => {
    const late = pay(2, 1200, '2026-12-03T15:50:00.000Z'); // 23:50 Beijing 12-03: the 12-03 or 12-04 bill
    const early = pay(1, 800, '2026-12-03T01:00:00.000Z'); // 09:00 Beijing 12-03
    const bills = [
      alipay('2026-12-02', []),
      alipay('2026-12-03', [paidRow(ours(9), 100, 1, '2026-12-03 08:00:00')]),
      notReady('2026-12-04'),
      notReady('2026-12-05'),
    ];
    const out = run('alipay', bills, [early, late]);
    // 09:00 on 12-03 is in the 12-03 bill or nowhere; 23:50 may be in 12-04's, which is not in yet.
    expect(out.items.map((i) => [i.tradeNumber, i.state])).toEqual([
      [ours(9), 'missing_at_till'],
      [ours(1), 'missing_at_provider'],
      [ours(2), 'awaiting_bill'],
    ]);
    // Once both bills are in, the one missing is missing.
    const ready = run(
      'alipay',
      [
        ...bills.slice(0, 2),
        alipay('2026-12-04', [paidRow(ours(2), 1200, 7, '2026-12-04 00:00:02')]),
        alipay('2026-12-05', []),
      ],
      [early, late],
    );
    expect(ready.items.map((i) => [i.tradeNumber, i.state])).toEqual([
      [ours(9), 'missing_at_till'],
      [ours(1), 'missing_at_provider'],
    ]);
    expect(ready.counts.matched).toEqual({ count: 1, amountMinor: 1200 });
  });

  it('a provider without bills leaves every payment awaiting and says unsupported', () => {
    const unsupported = (date: string): ProviderBill => ({
      date,
      state: 'unsupported',
      message: null,
      fetchedAt: null,
      rows: [],
    });
    const out = run('demo', billDatesFor(FROM, TO).map(unsupported), [
      { ...pay(1, 100, '2026-12-03T02:00:00.000Z'), provider: 'demo' },
    ]);
    expect(byState(out)).toEqual({ awaiting_bill: 1 });
    expect(out.bills.every((b) => b.state === 'unsupported')).toBe(true);
    expect(out.feesMinor).toBe(0);
    expect(out.netSettledMinor).toBe(0);
  });

  it("another provider's payments are not this provider's business", () => {
    const out = run('wechat', [wechat('2026-12-03', [])], [pay(1, 100, '2026-12-03T02:00:00.000Z')]);
    expect(out.items).toEqual([]);
  });
});
