// The owners' report on a real till (real SQLite file): a scripted day (cash with change, Demo QR, split tender,
// discounts, two tax rates, a weighed line, a void, a refund by line, a cashier and the owner, a price override,
// a no-sale drawer opening) equals its Z field by field; a range over two days is their sum; hours are the
// shop's local hours; the breakdowns add up to the sales; a too long or reversed range is refused.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Product } from '../../shared/domain';
import type { Report } from '../../shared/report';
import { NO_TOTALS } from '../../shared/report-fixture';
import { ScriptedProvider } from '../payments/testing';
import { averageTicket, KEEP_AFTER_Z_MS, reportWindow } from './reports';
import { journalCount, openTestTill, refusal, sqlCount, TEST_OWNER_PIN, type TestTill, testClock } from './testing';

const CASHIER_PIN = '1357';
let savedTz: string | undefined;
beforeAll(() => {
  // A shop in China (UTC+8): local hours differ from UTC ones, so the hour buckets are really converted.
  savedTz = process.env.TZ;
  process.env.TZ = 'Asia/Shanghai';
});
afterAll(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

const at = (day: number, hour: number, minute = 0) => new Date(2026, 11, day, hour, minute);
const tills: TestTill[] = [];
afterEach(async () => {
  for (const t of tills.splice(0)) await t.close();
});

async function open() {
  const clock = testClock(at(1, 8));
  const provider = new ScriptedProvider({ id: 'demo' });
  const t = openTestTill({
    clock: clock.clock,
    payments: { provider, notify: false, engine: { loops: false, sweepWaitMs: 0 } },
  });
  tills.push(t);
  await t.start();
  await t.call('catalog.clearDemo', {});
  const save = (barcode: string, name: string, priceMinor: number, taxRateBp: number, extra = {}) =>
    t.call('products.save', { barcode, name, nameEn: `${barcode} en`, priceMinor, taxRateBp, ...extra });
  const products = {
    coffee: await save('COFFEE', '咖啡', 1250, 1300, { category: '饮料' }),
    cake: await save('CAKE', '蛋糕', 800, 600, { category: '点心' }),
    apple: await save('APPLE', '苹果', 1200, 900, { soldByWeight: true }), // 12.00 a kg, uncategorised
  };
  return { t, clock, provider, ...products };
}

type Till = Awaited<ReturnType<typeof open>>;

async function scan(t: TestTill, ...ps: Product[]) {
  for (const p of ps) await t.call('cart.scan', { barcode: p.barcode });
  return t.call('cart.get', {});
}

async function payQr({ t, provider }: Till) {
  const { payment } = await t.call('pay.start', { method: 'qr' });
  provider.pay(payment!.tradeNumber!);
  const view = await t.call('pay.check', { paymentId: payment!.id });
  expect(view.payment!.status).toBe('paid');
  return view.order;
}

/** The scripted day of 2026-12-01 (business day from 05:00). */
async function scriptedDay(till: Till) {
  const { t, clock, coffee, cake, apple } = till;
  // 09:10 cash 20.50 with 50.00 tendered (change 29.50).
  clock.set(at(1, 9, 10));
  await scan(t, coffee, cake);
  await t.call('checkout.cash', { tenderedMinor: 5000 });
  // 10:05 Demo QR: two coffees with a line discount of 1.00.
  clock.set(at(1, 10, 5));
  const cart = await scan(t, coffee, coffee);
  await t.call('cart.setLineDiscount', { lineId: cart.lines[0].id, discountMinor: 100 });
  await payQr(till);
  // 10:40 split tender with an order discount: coffee + cake + 333 g of apples, 5.00 cash then QR.
  clock.set(at(1, 10, 40));
  await scan(t, coffee, cake);
  await t.call('cart.addWeighed', { productId: apple.id, weightGrams: 333 });
  await t.call('cart.setOrderDiscount', { discountMinor: 150 });
  await t.call('checkout.cashPart', { amountMinor: 500 });
  await payQr(till);
  // 11:00 a price override (cake at 6.00) by the owner, cash.
  clock.set(at(1, 11));
  const over = await scan(t, cake);
  await t.call('cart.setPrice', { lineId: over.lines[0].id, unitPriceMinor: 600 });
  const { order: toRefund } = await t.call('checkout.cash', { tenderedMinor: 600 });
  // 11:30 a void of a cart with goods in it.
  clock.set(at(1, 11, 30));
  await scan(t, coffee);
  await t.call('cart.void', {});
  // 12:00 a no-sale drawer opening (no printer: journaled as not sent, and refused).
  clock.set(at(1, 12));
  await refusal(t.call('printer.openDrawer', {}));
  // 14:15 a cashier sells a coffee for cash and voids a cart.
  clock.set(at(1, 14, 15));
  await t.call('staff.save', { name: '小李', pin: CASHIER_PIN });
  await t.call('staff.lock', {});
  await t.call('staff.unlock', { pin: CASHIER_PIN });
  await scan(t, coffee);
  await t.call('checkout.cash', { tenderedMinor: 2000 });
  await scan(t, cake);
  await t.call('cart.void', {});
  // 16:00 the owner refunds the overridden cake (by line).
  clock.set(at(1, 16));
  await t.call('staff.lock', {});
  await t.call('staff.unlock', { pin: TEST_OWNER_PIN });
  await t.call('refund.make', { orderId: toRefund.id, lines: [{ lineId: toRefund.lines[0].id, quantity: 1 }] });
}

/** What a report and a Z have in common, field by field. */
function zPart(r: Report) {
  const { averageTicketMinor: _a, ...totals } = r.totals;
  return { ...totals, taxByRate: r.taxByRate, methods: r.methods };
}

describe('reportWindow', () => {
  const dayRange = (day: string) => ({ fromIso: `${day}T05:00`, toIso: `${day}T29:00` });
  const zs: Record<string, { fromAt: string; toAt: string }> = {
    '2026-12-02': { fromAt: '2026-12-01T03:00', toAt: '2026-12-02T22:00' },
    '2026-12-04': { fromAt: '2026-12-02T22:00', toAt: '2026-12-04T23:00' },
  };
  const zOf = (day: string) => zs[day];
  it('a day with a Z covers its Z exactly', () => {
    expect(reportWindow('2026-12-02', '2026-12-02', zOf, dayRange)).toEqual({
      fromAt: '2026-12-01T03:00',
      toAt: '2026-12-02T22:00',
    });
  });
  it("a day without one starts at the previous day's Z end, else at its own start, and ends at its end", () => {
    expect(reportWindow('2026-12-03', '2026-12-03', zOf, dayRange)).toEqual({
      fromAt: '2026-12-02T22:00',
      toAt: '2026-12-03T29:00',
    });
    expect(reportWindow('2026-12-06', '2026-12-06', zOf, dayRange)).toEqual({
      fromAt: '2026-12-06T05:00',
      toAt: '2026-12-06T29:00',
    });
  });
  it('a range is one interval from its first day start to its last day end', () => {
    expect(reportWindow('2026-12-01', '2026-12-04', zOf, dayRange)).toEqual({
      fromAt: '2026-12-01T05:00',
      toAt: '2026-12-04T23:00',
    });
    expect(reportWindow('2026-12-05', '2026-12-05', zOf, dayRange).fromAt).toBe('2026-12-04T23:00');
  });
});

describe('averageTicket', () => {
  it('rounds half up in integers', () => {
    expect([averageTicket(0, 0), averageTicket(10, 4), averageTicket(9, 4), averageTicket(11, 4)]).toEqual([
      0, 3, 2, 3,
    ]);
    expect(averageTicket(1000, 3)).toBe(333);
    expect(averageTicket(1001, 2)).toBe(501);
  });
});

describe('reports.get', () => {
  it('equals the Z of a scripted day field by field, and its breakdowns add up to the sales', async () => {
    const till = await open();
    const { t, clock } = till;
    await scriptedDay(till);
    const day = '2026-12-01';
    const before = await t.call('reports.get', { fromDay: day, toDay: day });
    expect(before.openDays).toEqual([day]);
    clock.set(at(1, 22));
    const z = await t.call('z.make', {});
    const r = await t.call('reports.get', { fromDay: day, toDay: day });
    expect(zPart(before)).toEqual(zPart(r)); // nothing moved between
    expect(r).toMatchObject({ fromAt: z.fromAt, toAt: z.toAt, zReports: [{ id: z.id, number: 1 }], openDays: [] });

    const f = z.figures;
    expect(zPart(r)).toEqual({
      orderCount: f.orderCount,
      grossMinor: f.grossMinor,
      discountsMinor: f.discountsMinor,
      salesMinor: f.salesMinor,
      refundsMinor: f.refundsMinor,
      netMinor: f.netMinor,
      receivedMinor: f.receivedMinor,
      voids: f.voids,
      noSaleOpenings: f.noSaleOpenings,
      priceOverrides: f.priceOverrides,
      taxByRate: f.taxByRate,
      methods: f.methods,
    });
    // The scripted facts themselves, so equal-to-the-Z is not equal-to-nothing.
    expect(r.totals).toMatchObject({
      orderCount: 5,
      voids: 2,
      noSaleOpenings: 1,
      priceOverrides: 1,
      refundsMinor: 600,
    });
    expect(r.taxByRate.map((x) => x.taxRateBp)).toEqual([600, 900, 1300]);
    expect(r.methods.map((m) => m.key)).toEqual(['cash', 'demo']);
    // Cash net of change: 20.50 + 5.00 + 6.00 + 12.50, and 6.00 back.
    expect(r.methods[0]).toEqual({ key: 'cash', receivedMinor: 4400, refundedMinor: 600, netMinor: 3800, count: 4 });
    expect(r.totals.receivedMinor).toBe(r.totals.salesMinor);
    expect(r.totals.averageTicketMinor).toBe(Math.floor((2 * r.totals.salesMinor + 5) / 10));

    const sum = (xs: { salesMinor: number }[]) => xs.reduce((n, x) => n + x.salesMinor, 0);
    expect(sum(r.products)).toBe(r.totals.salesMinor);
    expect(sum(r.categories)).toBe(r.totals.salesMinor);
    expect(sum(r.cashiers)).toBe(r.totals.salesMinor);
    expect(sum(r.hours)).toBe(r.totals.salesMinor);
    expect(r.hours).toHaveLength(24);
    expect(r.hours.reduce((n, h) => n + h.orderCount, 0)).toBe(5);

    const coffee = r.products.find((p) => p.barcode === 'COFFEE')!;
    expect(coffee).toMatchObject({ name: '咖啡', nameEn: 'COFFEE en', category: '饮料', quantity: 5, orderCount: 4 });
    const apple = r.products.find((p) => p.barcode === 'APPLE')!;
    expect(apple).toMatchObject({ quantity: 1, weightG: 333, orderCount: 1, category: '' });
    expect(r.categories.map((c) => c.category).sort()).toEqual(['', '点心', '饮料']);
    expect(r.products[0].salesMinor).toBeGreaterThanOrEqual(r.products.at(-1)!.salesMinor);

    // An order is the person's who rang it up (signed in at its first line), not the one who left the empty cart:
    // the cashier's coffee is theirs although the owner's last sale opened that cart.
    expect(r.cashiers.map((c) => c.name).sort()).toEqual(['Owner', '小李']);
    expect(r.cashiers.reduce((n, c) => n + c.orderCount, 0)).toBe(5);
    expect(r.cashiers.reduce((n, c) => n + c.voids, 0)).toBe(2);
    expect(r.cashiers.find((c) => c.name === '小李')).toMatchObject({ orderCount: 1, salesMinor: 1250, voids: 1 });
    // Local hours (UTC+8): 09:10 → 9, 10:05 and 10:40 → 10, 11:00 → 11, 14:15 → 14.
    expect(r.hours.filter((h) => h.orderCount > 0).map((h) => [h.hour, h.orderCount])).toEqual([
      [9, 1],
      [10, 2],
      [11, 1],
      [14, 1],
    ]);
    expect(r.hours[14].salesMinor).toBe(1250);
    // The trend's last day is the day itself.
    expect(r.trend).toHaveLength(30);
    expect(r.trend.at(-1)).toEqual({
      day,
      orderCount: 5,
      salesMinor: r.totals.salesMinor,
      netMinor: r.totals.netMinor,
    });
    expect(r.trend[0].day).toBe('2026-11-02');
  });

  it('over two days is the sum of the two, each equal to its Z', async () => {
    const till = await open();
    const { t, clock, coffee, cake } = till;
    await scriptedDay(till);
    clock.set(at(1, 22));
    const z1 = await t.call('z.make', {});
    // The next day: a cash sale, a QR sale, and a refund of the first day's cash sale.
    clock.set(at(2, 9));
    await scan(t, cake);
    await t.call('checkout.cash', { tenderedMinor: 1000 });
    clock.set(at(2, 13));
    await scan(t, coffee);
    await payQr(till);
    clock.set(at(2, 22));
    const z2 = await t.call('z.make', {});
    const d1 = await t.call('reports.get', { fromDay: '2026-12-01', toDay: '2026-12-01' });
    const d2 = await t.call('reports.get', { fromDay: '2026-12-02', toDay: '2026-12-02' });
    const both = await t.call('reports.get', { fromDay: '2026-12-01', toDay: '2026-12-02' });
    expect(d2.totals).toMatchObject({ orderCount: z2.figures.orderCount, netMinor: z2.figures.netMinor });
    expect(d1.totals.netMinor).toBe(z1.figures.netMinor);
    for (const k of Object.keys(both.totals) as (keyof Report['totals'])[]) {
      if (k === 'averageTicketMinor') continue;
      expect(both.totals[k], k).toBe(d1.totals[k] + d2.totals[k]);
    }
    expect(both.totals.averageTicketMinor).toBe(
      Math.floor((2 * both.totals.salesMinor + both.totals.orderCount) / (2 * both.totals.orderCount)),
    );
    expect(both).toMatchObject({ fromAt: z1.fromAt, toAt: z2.toAt, openDays: [] });
    expect(both.zReports.map((z) => z.number)).toEqual([1, 2]);
    const key = (m: Report['methods'][number]) => m.key;
    for (const m of both.methods) {
      const a = d1.methods.find((x) => key(x) === m.key);
      const b = d2.methods.find((x) => key(x) === m.key);
      expect(m.netMinor, m.key).toBe((a?.netMinor ?? 0) + (b?.netMinor ?? 0));
    }
    expect(both.trend.slice(-2).map((d) => d.salesMinor)).toEqual([d1.totals.salesMinor, d2.totals.salesMinor]);
  });

  it('a long range adds up kept pieces: the same figures, the live day still live, a rename shown', async () => {
    const till = await open();
    const { t, clock, coffee, cake } = till;
    // Sales spread over three months (October to December 2026), some days with a Z, some without.
    const sell = async (when: Date, p: Product, cash: boolean) => {
      clock.set(when);
      await scan(t, p);
      if (cash) await t.call('checkout.cash', { tenderedMinor: 5000 });
      else await payQr(till);
    };
    await sell(new Date(2026, 9, 3, 10), coffee, true);
    await sell(new Date(2026, 9, 31, 23), cake, false);
    await sell(new Date(2026, 10, 1, 3), coffee, true); // business day 10-31 (before 05:00)
    await sell(new Date(2026, 10, 15, 12), cake, true);
    clock.set(new Date(2026, 10, 15, 22));
    await t.call('z.make', {}); // the first Z: it covers everything up to now
    await sell(new Date(2026, 11, 2, 9), coffee, false);
    await sell(new Date(2026, 11, 3, 9), cake, true);
    clock.set(at(3, 15));
    const range = { fromDay: '2026-10-01', toDay: '2026-12-03' };
    const kept = () => sqlCount(t, 'SELECT count(*) FROM report_pieces');

    const first = await t.call('reports.get', range);
    // The ended pieces are kept (months, the days of December before today); today is read live.
    expect(kept()).toBeGreaterThan(2);
    const whole = t.reports.figures({ tillId: 'T1', from: first.fromAt, to: first.toAt });
    const { trend: _t, ...firstFigures } = first;
    expect(firstFigures).toMatchObject(whole);
    expect(first.totals.orderCount).toBe(6);

    // The second time reads the kept pieces: the same report; a sale today still shows; a renamed product shows
    // its new name although its older sales are in kept pieces.
    const again = await t.call('reports.get', range);
    expect(again).toEqual(first);
    const { id, barcode, nameEn, category, priceMinor, taxRateBp } = coffee;
    await t.call('products.save', { id, barcode, name: '美式咖啡', nameEn, category, priceMinor, taxRateBp });
    await sell(at(3, 15, 30), coffee, true);
    clock.set(at(3, 16));
    const later = await t.call('reports.get', range);
    expect(later.totals.orderCount).toBe(7);
    expect(later.totals.salesMinor).toBe(first.totals.salesMinor + coffee.priceMinor);
    const row = later.products.find((p) => p.productId === coffee.id)!;
    expect(row).toMatchObject({ name: '美式咖啡', quantity: 4 });
    expect(later).toMatchObject(t.reports.figures({ tillId: 'T1', from: later.fromAt, to: later.toAt }));
  });

  it("after a Z, the year's ended pieces are kept ahead; the next long report reads them and is the same", async () => {
    const till = await open();
    const { t, clock, coffee, cake } = till;
    for (const [month, day] of [
      [8, 10],
      [9, 20],
      [10, 5],
      [11, 1],
    ]) {
      clock.set(new Date(2026, month, day, 11));
      await scan(t, month % 2 ? coffee : cake);
      await t.call('checkout.cash', { tenderedMinor: 5000 });
    }
    clock.set(at(1, 22));
    await t.call('z.make', {});
    clock.set(new Date(at(1, 22).getTime() + KEEP_AFTER_Z_MS));
    // The months from December 2025 on and December so far, up to the Z (this first Z covers everything since the
    // first sale, so its day starts in September: one more cut).
    const kept = await t.reports.keepPieces();
    expect(kept).toBeGreaterThanOrEqual(13);
    const rows = sqlCount(t, 'SELECT count(*) FROM report_pieces');
    expect(rows).toBe(kept);
    expect(await t.reports.keepPieces()).toBe(0);

    // The next morning the owner asks for this year so far: the kept pieces serve it, nothing new is kept (today is
    // read live; a range starting mid-month would sum its first part once).
    clock.set(at(2, 9));
    const year = await t.call('reports.get', { fromDay: '2026-01-01', toDay: '2026-12-02' });
    expect(sqlCount(t, 'SELECT count(*) FROM report_pieces')).toBe(rows);
    expect(year.totals.orderCount).toBe(4);
    const { trend: _t, ...figures } = year;
    expect(figures).toMatchObject(t.reports.figures({ tillId: 'T1', from: year.fromAt, to: year.toAt }));
  });

  it('an empty day: zeros, 24 hours, 30 trend days, the day open', async () => {
    const { t } = await open();
    const r = await t.call('reports.get', { fromDay: '2026-11-20', toDay: '2026-11-20' });
    expect(r.totals).toEqual(NO_TOTALS);
    expect(r.hours).toEqual(Array.from({ length: 24 }, (_, hour) => ({ hour, orderCount: 0, salesMinor: 0 })));
    expect([r.products, r.categories, r.cashiers, r.methods, r.taxByRate, r.zReports]).toEqual([
      [],
      [],
      [],
      [],
      [],
      [],
    ]);
    expect(r.trend).toHaveLength(30);
    expect(r.openDays).toEqual(['2026-11-20']);
    expect(r.currency).toBe('CNY');
  });

  it('refuses a range too long, reversed or impossible, writing nothing', async () => {
    const { t } = await open();
    const journal = journalCount(t, 'drawer.opened') + sqlCount(t, 'SELECT count(*) FROM journal');
    const long = await refusal(t.call('reports.get', { fromDay: '2025-01-01', toDay: '2026-01-03' }));
    expect(long).toMatchObject({ code: 'REPORT_RANGE', params: { days: 368, maxDays: 367 } });
    await expect(t.call('reports.get', { fromDay: '2026-12-02', toDay: '2026-12-01' })).rejects.toThrow(/after toDay/);
    expect(() => t.reports.get({ fromDay: '2026-12-02', toDay: '2026-12-01' })).toThrow(/ends before/);
    expect(() => t.reports.get({ fromDay: '2026-02-30', toDay: '2026-03-01' })).toThrow(/calendar day/);
    // A year and a day is fine.
    await t.call('reports.get', { fromDay: '2025-01-01', toDay: '2026-01-02' });
    expect(journalCount(t, 'drawer.opened') + sqlCount(t, 'SELECT count(*) FROM journal')).toBe(journal);
  });

  it('puts a sale in its local hour in a zone off the whole hour (UTC+5:30)', async () => {
    process.env.TZ = 'Asia/Kolkata';
    try {
      const till = await open();
      const { t, clock, coffee, cake } = till;
      // 09:50 and 10:10 local are both 04:xx UTC: a UTC-hour bucket would put them together.
      clock.set(at(1, 9, 50));
      await scan(t, coffee);
      await t.call('checkout.cash', { tenderedMinor: 1250 });
      clock.set(at(1, 10, 10));
      await scan(t, cake);
      await t.call('checkout.cash', { tenderedMinor: 800 });
      const r = await t.call('reports.get', { fromDay: '2026-12-01', toDay: '2026-12-01' });
      expect(r.hours.filter((h) => h.orderCount > 0)).toEqual([
        { hour: 9, orderCount: 1, salesMinor: 1250 },
        { hour: 10, orderCount: 1, salesMinor: 800 },
      ]);
    } finally {
      process.env.TZ = 'Asia/Shanghai';
    }
  });

  it('needs the owner: a cashier is refused', async () => {
    const { t } = await open();
    await t.call('staff.save', { name: '小李', pin: CASHIER_PIN });
    await t.call('staff.lock', {});
    await t.call('staff.unlock', { pin: CASHIER_PIN });
    const err = await refusal(t.call('reports.get', { fromDay: '2026-12-01', toDay: '2026-12-01' }));
    expect(['APPROVAL_NEEDED', 'NOT_ALLOWED']).toContain(err.code);
  });
});
