// A generated busy year for the benchmarks: completed orders with their lines, payments (cash net of change,
// Alipay QR, WeChat Pay payment code, bank QR confirmed by hand), a few voids and some refunds, spread over
// `days` business days (weekends busier, evenings busier, some sales after midnight that belong to the day
// before). Written with direct SQL, one transaction per few thousand orders, on a migrated database.
// Deterministic: the same options give the same rows. Timestamps are UTC ISO; the shop is UTC+8, day from 05:00.
import type { Database } from 'better-sqlite3';
import { addBusinessDays, businessDayRange } from '../shared/business-day';
import { type PricingLineInput, priceOrder } from '../shared/pricing';

export interface BusyYearOptions {
  orders: number;
  linesPerOrder: number;
  days: number;
  /** The first business day, 'YYYY-MM-DD'. */
  startDay: string;
  tillId?: string;
  /** Business day start hour (default 5) and the shop's UTC offset (default 480, China). */
  startHour?: number;
  utcOffsetMinutes?: number;
  /** One order in `refundEvery` gets a refund of its first line (default 200). */
  refundEvery?: number;
  /** One order in `voidEvery` extra is voided (default 500). */
  voidEvery?: number;
  seed?: number;
}

export interface BusyYearResult {
  orders: number;
  voided: number;
  lines: number;
  payments: number;
  refunds: number;
  firstDay: string;
  lastDay: string;
  /** Sum of the completed orders' totals, and of the refunds: for checking figures computed from the rows. */
  salesMinor: number;
  refundsMinor: number;
}

const TAX_RATES = [1300, 1300, 900, 600, 0];
const BATCH = 2000;

/** mulberry32: small, fast, deterministic. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How many orders each day gets: weekends ×1.4, a slow January, summing to `total` exactly. */
function ordersPerDay(total: number, days: number, startDay: string): number[] {
  const weights: number[] = [];
  for (let d = 0; d < days; d++) {
    const date = new Date(`${addBusinessDays(startDay, d)}T00:00:00Z`);
    const dow = date.getUTCDay();
    weights.push((dow === 0 || dow === 6 ? 1.4 : 1) * (date.getUTCMonth() === 0 ? 0.8 : 1));
  }
  const sum = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.floor((total * w) / sum));
  let left = total - counts.reduce((a, b) => a + b, 0);
  for (let d = 0; left > 0; d = (d + 1) % days, left--) counts[d]++;
  return counts;
}

/** Minutes after the day's start for the i-th of n sales: 07:00 to 01:30, busier at lunch and evening. */
function saleMinutes(n: number, startHour: number, rnd: () => number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = rnd();
    // local hour: 25 % lunch (11-14), 35 % evening (17-22), 5 % after midnight (00-01:30), the rest 07-23
    let localMin: number;
    if (r < 0.25) localMin = 11 * 60 + rnd() * 180;
    else if (r < 0.6) localMin = 17 * 60 + rnd() * 300;
    else if (r < 0.65) localMin = 24 * 60 + rnd() * 90;
    else localMin = 7 * 60 + rnd() * 16 * 60;
    out.push(Math.floor((localMin - startHour * 60) * 60) / 60);
  }
  return out.sort((a, b) => a - b);
}

/** Fills `db` (migrated, no orders of `tillId` yet on these days) with a busy year. */
export function generateBusyYear(db: Database, o: BusyYearOptions): BusyYearResult {
  const tillId = o.tillId ?? 'T1';
  const startHour = o.startHour ?? 5;
  const utcOffsetMinutes = o.utcOffsetMinutes ?? 480;
  const refundEvery = o.refundEvery ?? 200;
  const voidEvery = o.voidEvery ?? 500;
  const rnd = random(o.seed ?? 20260101);
  const s = {
    order: db.prepare(
      'INSERT INTO orders (till_id, number, business_day, status, currency, order_discount_minor, subtotal_minor,' +
        ' discount_minor, total_minor, tax_minor, item_count, revision, created_at, updated_at, completed_at,' +
        " voided_at) VALUES (?, ?, ?, ?, 'CNY', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    ),
    line: db.prepare(
      'INSERT INTO order_lines (order_id, barcode, name, unit_price_minor, quantity, tax_rate_bp, gross_minor,' +
        ' line_discount_minor, order_discount_share_minor, total_minor, tax_minor, position)' +
        ' VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    payment: db.prepare(
      'INSERT INTO payments (order_id, method, status, amount_minor, tendered_minor, change_minor, created_at,' +
        ' provider, trade_number, provider_ref, settled_at, confirmed_by_hand, refunded_minor, updated_at)' +
        ' VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    refund: db.prepare(
      'INSERT INTO refunds (refund_number, payment_id, amount_minor, status, reason, created_at, updated_at)' +
        " VALUES (?, ?, ?, 'refunded', 'customer', ?, ?)",
    ),
  };
  const counts = ordersPerDay(o.orders, o.days, o.startDay);
  const result: BusyYearResult = {
    orders: 0,
    voided: 0,
    lines: 0,
    payments: 0,
    refunds: 0,
    firstDay: o.startDay,
    lastDay: addBusinessDays(o.startDay, o.days - 1),
    salesMinor: 0,
    refundsMinor: 0,
  };
  let trade = 0;
  let cashRefund = 0;
  const iso = (ms: number) => new Date(ms).toISOString();

  const writeDay = (dayIndex: number, from: number, to: number, minutes: number[]) => {
    const day = addBusinessDays(o.startDay, dayIndex);
    const start = Date.parse(businessDayRange(day, { startHour, utcOffsetMinutes }).fromIso);
    for (let k = from; k < to; k++) {
      const at = start + Math.round(minutes[k] * 60_000);
      const number = String(k + 1).padStart(4, '0');
      const input: PricingLineInput[] = [];
      for (let p = 0; p < o.linesPerOrder; p++) {
        input.push({
          unitPriceMinor: 100 * (1 + Math.floor(rnd() * 60)) + (rnd() < 0.3 ? 50 : 0),
          quantity: rnd() < 0.8 ? 1 : 2 + Math.floor(rnd() * 3),
          lineDiscountMinor: rnd() < 0.05 ? 100 : 0,
          taxRateBp: TAX_RATES[Math.floor(rnd() * TAX_RATES.length)],
        });
      }
      const orderDiscount = rnd() < 0.1 ? 50 * (1 + Math.floor(rnd() * 10)) : 0;
      const priced = priceOrder(input, orderDiscount);
      const created = iso(at - 90_000);
      const completed = iso(at);
      const info = s.order.run(
        tillId,
        number,
        day,
        'completed',
        orderDiscount,
        priced.subtotalMinor,
        priced.discountMinor,
        priced.totalMinor,
        priced.taxMinor,
        priced.itemCount,
        o.linesPerOrder + 1,
        created,
        completed,
        completed,
        null,
      );
      const orderId = Number(info.lastInsertRowid);
      priced.lines.forEach((l, p) => {
        const li = input[p];
        s.line.run(
          orderId,
          `69${String((k * 7 + p * 13) % 1e10).padStart(11, '0')}`,
          `商品 ${p + 1}`,
          li.unitPriceMinor,
          li.quantity,
          li.taxRateBp,
          l.grossMinor,
          l.lineDiscountMinor,
          l.orderDiscountShareMinor,
          l.totalMinor,
          l.taxMinor,
          p,
        );
      });
      result.orders++;
      result.lines += priced.lines.length;
      result.salesMinor += priced.totalMinor;

      const total = priced.totalMinor;
      const r = rnd();
      const method = r < 0.55 ? 'cash' : r < 0.77 ? 'qr' : r < 0.95 ? 'payment_code' : 'bank_qr';
      const provider = method === 'cash' ? null : method === 'qr' ? 'alipay' : method === 'bank_qr' ? 'bank' : 'wechat';
      const tendered = method === 'cash' ? Math.ceil(total / 5000) * 5000 : null;
      const tradeNumber =
        method === 'cash' ? null : `${tillId}${day.replaceAll('-', '')}B${String(++trade).padStart(8, '0')}`;
      const refundMinor = result.orders % refundEvery === 0 ? priced.lines[0].totalMinor : 0;
      const status = refundMinor === 0 ? 'paid' : refundMinor === total ? 'refunded' : 'partially_refunded';
      const settled = iso(at - 1000);
      const pay = s.payment.run(
        orderId,
        method,
        status,
        total,
        tendered,
        tendered === null ? null : tendered - total,
        iso(at - 30_000),
        provider,
        tradeNumber,
        tradeNumber ? `P${tradeNumber}` : null,
        settled,
        method === 'bank_qr' ? 1 : 0,
        refundMinor,
        refundMinor ? iso(at + 3_600_000) : settled,
      );
      result.payments++;
      if (refundMinor > 0) {
        // An hour later: on a late sale that is the next business day, as it would be at the till.
        const refundAt = iso(at + 3_600_000);
        s.refund.run(
          tradeNumber ? `${tradeNumber}-R1` : `${tillId}-BR${String(++cashRefund).padStart(7, '0')}`,
          Number(pay.lastInsertRowid),
          refundMinor,
          refundAt,
          refundAt,
        );
        result.refunds++;
        result.refundsMinor += refundMinor;
      }
      if (voidEvery > 0 && result.orders % voidEvery === 0) {
        // A cart voided: never numbered, never paid.
        const v = iso(at + 60_000);
        s.order.run(tillId, '', day, 'voided', 0, 0, 0, 0, 0, 0, 1, v, v, null, v);
        result.voided++;
      }
    }
  };

  // One transaction per BATCH orders, across day boundaries.
  const pending: [number, number, number, number[]][] = [];
  let inBatch = 0;
  const flush = db.transaction(() => {
    for (const [d, from, to, minutes] of pending) writeDay(d, from, to, minutes);
  });
  for (let d = 0; d < o.days; d++) {
    const minutes = saleMinutes(counts[d], startHour, rnd);
    for (let from = 0; from < counts[d]; ) {
      const to = Math.min(counts[d], from + (BATCH - inBatch));
      pending.push([d, from, to, minutes]);
      inBatch += to - from;
      from = to;
      if (inBatch >= BATCH) {
        flush();
        pending.length = 0;
        inBatch = 0;
      }
    }
  }
  if (pending.length) flush();
  return result;
}
