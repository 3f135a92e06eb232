import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Product } from '../../shared/domain';
import { journalCount, openTestTill, refusal, sqlCount, TEST_OWNER_PIN, type TestTill, testClock } from './testing';
import { CapturePrinter } from '../printing/capture-printer';
import { readEscPos } from '../printing/testing';
import { zReportLines } from './zreport';

// Local times: the business day is the shop's (this machine's) time, whatever zone the tests run in.
const at = (day: number, hour: number, minute = 0) => new Date(2026, 10, day, hour, minute);
const clock = testClock(at(25, 9));
let till: TestTill;
let coffee: Product;
let cake: Product;

beforeEach(async () => {
  clock.set(at(25, 9));
  till = openTestTill({ clock: clock.clock });
  await till.call('catalog.clearDemo', {});
  coffee = await till.call('products.save', { barcode: 'COFFEE', name: '咖啡', priceMinor: 1250, taxRateBp: 1300 });
  cake = await till.call('products.save', { barcode: 'CAKE', name: '蛋糕', priceMinor: 800, taxRateBp: 600 });
});
afterEach(() => till.close());

/** A cash sale at `when` of the given products; answers the completed order. */
async function sell(when: Date, products: Product[], tenderedMinor?: number) {
  clock.set(when);
  for (const p of products) await till.call('cart.scan', { barcode: p.barcode });
  const cart = await till.call('cart.get', {});
  const { order } = await till.call('checkout.cash', { tenderedMinor: tenderedMinor ?? cart.totalMinor });
  return order;
}

/** Everything a refused z.make could have written. */
function written() {
  return {
    z: sqlCount(till, 'SELECT count(*) FROM z_reports'),
    journal: sqlCount(till, 'SELECT count(*) FROM journal'),
    seq: sqlCount(till, "SELECT IFNULL(max(value), 0) FROM sequences WHERE name LIKE 'z:%'"),
    voided: sqlCount(till, "SELECT count(*) FROM orders WHERE status = 'voided'"),
  };
}

describe('the business day', () => {
  it('starts at 05:00 by default: 01:30 and 04:59 belong to the day before, 05:00 starts a new one', async () => {
    const a = await sell(at(25, 23, 50), [coffee]);
    const b = await sell(at(26, 1, 30), [coffee]);
    const c = await sell(at(26, 4, 59), [cake]);
    const d = await sell(at(26, 5, 0), [cake]);
    const day = (id: number) => till.db.prepare('SELECT business_day FROM orders WHERE id = ?').pluck().get(id);
    expect([a, b, c, d].map((o) => [o.number, day(o.id)])).toEqual([
      ['0001', '2026-11-25'],
      ['0002', '2026-11-25'],
      ['0003', '2026-11-25'],
      ['0001', '2026-11-26'],
    ]);
  });

  it('follows the hour the owner sets', async () => {
    await till.call('settings.update', { businessDayStartHour: 0 });
    const late = await sell(at(26, 1, 30), [coffee]);
    const day = till.db.prepare('SELECT business_day FROM orders WHERE id = ?').pluck().get(late.id);
    expect([late.number, day]).toEqual(['0001', '2026-11-26']);
    // An unrelated settings change keeps the hour.
    await till.call('settings.update', { shopName: 'Night Café' });
    expect((await till.call('settings.get', {})).businessDayStartHour).toBe(0);
  });
});

describe('the Z report', () => {
  it('has figures equal to the sales exactly, cash net of change, and numbers that increment', async () => {
    await sell(at(25, 10), [coffee, cake], 5000); // 2050, change 2950
    await sell(at(25, 12), [coffee]); // 1250
    clock.set(at(25, 22));
    const z1 = await till.call('z.make', {});
    expect(z1).toMatchObject({ number: 1, businessDay: '2026-11-25', madeBy: { name: 'Owner' }, approvedBy: null });
    expect(z1.figures).toMatchObject({
      firstOrderNumber: '0001',
      lastOrderNumber: '0002',
      orderCount: 2,
      grossMinor: 3300,
      discountsMinor: 0,
      salesMinor: 3300,
      refundsMinor: 0,
      netMinor: 3300,
      receivedMinor: 3300,
      methods: [{ key: 'cash', receivedMinor: 3300, refundedMinor: 0, netMinor: 3300, count: 2 }],
      previousGrandTotalMinor: 0,
      grandTotalMinor: 3300,
    });
    expect(z1.figures.taxByRate).toEqual([
      expect.objectContaining({ taxRateBp: 600, salesMinor: 800, taxMinor: 45 }),
      expect.objectContaining({ taxRateBp: 1300, salesMinor: 2500, taxMinor: 288 }),
    ]);
    expect(z1.chainHead).toMatch(/^[0-9a-f]{16,}$/);
    expect(journalCount(till, 'z.made')).toBe(1);

    await sell(at(26, 9), [cake]);
    clock.set(at(26, 21));
    const z2 = await till.call('z.make', {});
    expect(z2).toMatchObject({ number: 2, businessDay: '2026-11-26', fromAt: z1.toAt });
    expect(z2.figures).toMatchObject({ orderCount: 1, netMinor: 800, previousGrandTotalMinor: 3300 });
    expect(z2.grandTotalMinor).toBe(4100);
    expect((await till.call('z.list', {})).map((z) => [z.number, z.netMinor])).toEqual([
      [2, 800],
      [1, 3300],
    ]);
    expect(await till.call('z.get', { id: z1.id })).toEqual(z1);
  });

  it('takes the tax of refunded lines off the tax per rate, on the day they were refunded', async () => {
    const order = await sell(at(25, 10), [coffee, cake]); // 1250 at 13 %, 800 at 6 %
    clock.set(at(25, 11));
    const line = order.lines.find((l) => l.barcode === 'COFFEE')!;
    await till.call('refund.make', { orderId: order.id, lines: [{ lineId: line.id, quantity: 1 }] });
    clock.set(at(25, 22));
    const z = await till.call('z.make', {});
    expect(z.figures.taxByRate).toEqual([
      expect.objectContaining({ taxRateBp: 600, salesMinor: 800, taxMinor: 45, refundedTaxMinor: 0, netTaxMinor: 45 }),
      // 1250 × 13 / 113 = 143.8 → 144 included, all of it given back.
      expect.objectContaining({
        taxRateBp: 1300,
        salesMinor: 1250,
        taxMinor: 144,
        refundedMinor: 1250,
        refundedTaxMinor: 144,
        netTaxMinor: 0,
      }),
    ]);
    expect(z.figures).toMatchObject({ refundsMinor: 1250, netMinor: 800 });
  });

  it('refuses a second Z for the same business day, writing nothing', async () => {
    await sell(at(25, 10), [coffee]);
    clock.set(at(25, 22));
    const z1 = await till.call('z.make', {});
    await sell(at(26, 1), [cake]); // still the 25th's business day
    const before = written();
    const err = await refusal(till.call('z.make', {}));
    expect(err.code).toBe('Z_ALREADY_MADE');
    expect(err.params).toMatchObject({ day: '2026-11-25', number: 1, madeAt: z1.madeAt });
    expect(written()).toEqual(before);
  });

  it('asks for a missed day first, and makes it when named', async () => {
    await sell(at(24, 10), [coffee]);
    clock.set(at(24, 22));
    await till.call('z.make', {});
    await sell(at(25, 10), [cake]); // the 25th is never closed
    await sell(at(26, 10), [coffee]);
    clock.set(at(26, 22));
    const before = written();
    const err = await refusal(till.call('z.make', {}));
    expect([err.code, err.params?.day]).toEqual(['Z_MISSED_DAY', '2026-11-25']);
    expect(written()).toEqual(before);
    expect((await till.call('z.checklist', {})).missedDay).toBe('2026-11-25');

    const missed = await till.call('z.make', { businessDay: '2026-11-25' });
    expect(missed).toMatchObject({ number: 2, businessDay: '2026-11-25', figures: { orderCount: 1, netMinor: 800 } });
    const today = await till.call('z.make', {});
    expect(today).toMatchObject({ number: 3, businessDay: '2026-11-26', figures: { orderCount: 1, netMinor: 1250 } });
    expect(today.fromAt).toBe(missed.toAt);
  });

  it('refuses a day not begun yet, one before the last Z, or one that does not exist', async () => {
    await sell(at(25, 10), [coffee]);
    clock.set(at(25, 22));
    await till.call('z.make', {});
    clock.set(at(27, 22));
    for (const businessDay of ['2026-11-28', '2026-11-24', '2026-02-30']) {
      expect((await refusal(till.call('z.make', { businessDay }))).code, businessDay).toBe('Z_DAY_INVALID');
    }
  });

  it('goes straight to today when the days in between had nothing', async () => {
    await sell(at(20, 10), [coffee]);
    clock.set(at(20, 22));
    await till.call('z.make', {});
    await sell(at(26, 10), [cake]);
    clock.set(at(26, 22));
    expect(await till.call('z.make', {})).toMatchObject({ number: 2, businessDay: '2026-11-26' });
  });

  it('is frozen: the database refuses to change or delete it', async () => {
    await sell(at(25, 10), [coffee]);
    clock.set(at(25, 22));
    await till.call('z.make', {});
    expect(() => till.db.prepare('UPDATE z_reports SET grand_total_minor = 0').run()).toThrow(/frozen/);
    expect(() => till.db.prepare('DELETE FROM z_reports').run()).toThrow(/frozen/);
  });

  it("counts money moved after a Z on the next Z, marked with its order's day, and carries the grand total", async () => {
    const order = await sell(at(25, 10), [coffee, cake]);
    clock.set(at(25, 22));
    const z1 = await till.call('z.make', {});
    // The next morning: a refund of the 25th's sale (as the refund module stores it) and a bank QR for an
    // order of the 25th confirmed late.
    const paymentId = sqlCount(till, 'SELECT id FROM payments WHERE order_id = ?', order.id);
    const refundAt = at(26, 9).toISOString();
    till.db
      .prepare(
        "INSERT INTO refunds (refund_number, payment_id, amount_minor, status, created_at, updated_at) VALUES ('T1-R0001', ?, 800, 'refunded', ?, ?)",
      )
      .run(paymentId, refundAt, refundAt);
    const lateAt = at(26, 9, 30).toISOString();
    const late = till.db
      .prepare(
        "INSERT INTO orders (till_id, number, business_day, status, currency, subtotal_minor, total_minor, item_count, created_at, updated_at, completed_at) VALUES ('T1', '0002', '2026-11-25', 'completed', 'CNY', 1250, 1250, 1, ?, ?, ?)",
      )
      .run(at(25, 21).toISOString(), lateAt, lateAt);
    const lateOrder = Number(late.lastInsertRowid);
    till.db
      .prepare(
        "INSERT INTO order_lines (order_id, barcode, name, unit_price_minor, quantity, tax_rate_bp, gross_minor, total_minor, tax_minor, position) VALUES (?, 'COFFEE', '咖啡', 1250, 1, 1300, 1250, 1250, 144, 0)",
      )
      .run(lateOrder);
    till.db
      .prepare(
        "INSERT INTO payments (order_id, method, status, amount_minor, provider, trade_number, settled_at, confirmed_by_hand, attention, created_at, updated_at) VALUES (?, 'bank_qr', 'paid', 1250, 'bank', 'T1LATE1', ?, 1, 'late_payment', ?, ?)",
      )
      .run(lateOrder, lateAt, lateAt, lateAt);
    await sell(at(26, 10), [cake]);
    clock.set(at(26, 22));
    const z2 = await till.call('z.make', { decisions: [{ kind: 'payment', id: 2, action: 'keep' }] });
    expect(z2.figures).toMatchObject({
      orderCount: 2,
      firstOrderNumber: '0001',
      lastOrderNumber: '0001',
      salesMinor: 2050,
      refundsMinor: 800,
      netMinor: 1250,
      previousGrandTotalMinor: z1.grandTotalMinor,
      grandTotalMinor: z1.grandTotalMinor + 1250,
    });
    expect(z2.figures.methods).toEqual([
      { key: 'cash', receivedMinor: 800, refundedMinor: 800, netMinor: 0, count: 1 },
      { key: 'bank_qr', receivedMinor: 1250, refundedMinor: 0, netMinor: 1250, count: 1 },
    ]);
    expect(z2.figures.otherDays).toEqual([
      expect.objectContaining({
        kind: 'payment',
        orderNumber: '0002',
        orderBusinessDay: '2026-11-25',
        amountMinor: 1250,
      }),
      expect.objectContaining({
        kind: 'refund',
        orderNumber: '0001',
        orderBusinessDay: '2026-11-25',
        amountMinor: 800,
      }),
    ]);
    expect(z2.figures.latePayments).toEqual([expect.objectContaining({ orderNumber: '0002', amountMinor: 1250 })]);
    expect(z2.figures.bankQrConfirmedByHand).toEqual([expect.objectContaining({ amountMinor: 1250 })]);
  });

  it('lists open items first and records the decisions: a held order voided or carried over', async () => {
    await sell(at(25, 10), [coffee]);
    clock.set(at(25, 11));
    await till.call('cart.scan', { barcode: cake.barcode });
    const heldA = (await till.call('cart.get', {})).id;
    await till.call('cart.hold', { label: 'table 3' });
    await till.call('cart.scan', { barcode: coffee.barcode });
    const heldB = (await till.call('cart.get', {})).id;
    await till.call('cart.hold', {});
    clock.set(at(25, 22));
    const list = await till.call('z.checklist', {});
    expect(list).toMatchObject({ businessDay: '2026-11-25', missedDay: null, lastZ: null, payments: [] });
    expect(list.held.map((h) => [h.orderId, h.label])).toEqual([
      [heldA, 'table 3'],
      [heldB, null],
    ]);

    const before = written();
    const err = await refusal(till.call('z.make', { decisions: [{ kind: 'held', id: heldA, action: 'void' }] }));
    expect([err.code, err.params?.undecided]).toEqual(['Z_CHECKLIST_OPEN', 1]);
    expect(written()).toEqual(before);

    const z = await till.call('z.make', {
      decisions: [
        { kind: 'held', id: heldA, action: 'void' },
        { kind: 'held', id: heldB, action: 'keep' },
      ],
    });
    expect(sqlCount(till, 'SELECT count(*) FROM orders WHERE id = ? AND status = ?', heldA, 'voided')).toBe(1);
    expect(z.figures.carryOvers.held.map((h) => h.orderId)).toEqual([heldB]);
    expect(z.figures.decisions.map((d) => [d.id, d.action])).toEqual([
      [heldA, 'void'],
      [heldB, 'keep'],
    ]);
    const made = till.db.prepare("SELECT data FROM journal WHERE kind = 'z.made'").pluck().get() as string;
    expect(JSON.parse(made)).toMatchObject({ number: 1, decisions: [{ id: heldA, action: 'void' }, { id: heldB }] });
  });

  it("needs the owner, or a cashier with the owner's approval, recorded with both names", async () => {
    await sell(at(25, 10), [coffee]);
    await till.call('staff.save', { name: '小李', pin: '1357' });
    await till.call('staff.lock', {});
    await till.call('staff.unlock', { pin: '1357' });
    clock.set(at(25, 22));
    const before = written();
    expect((await refusal(till.call('z.make', {}))).code).toBe('APPROVAL_NEEDED');
    expect(written()).toEqual(before);
    const { approvalId } = await till.call('staff.approve', { pin: TEST_OWNER_PIN, action: 'reports' });
    const z = await till.call('z.make', { approvalId });
    expect(z).toMatchObject({ number: 1, madeBy: { name: '小李' }, approvedBy: { name: 'Owner' } });
  });

  it('prints the chain head with the figures', async () => {
    await sell(at(25, 10), [coffee]);
    clock.set(at(25, 22));
    const z = await till.call('z.make', {});
    const page = zReportLines(z, 32).join('\n');
    expect(page).toContain(z.chainHead!.slice(0, 16));
    expect(page).toContain('12.50');
    expect(page).toContain('Z 0001');
  });
});

describe('the printed Z', () => {
  it('goes to the receipt printer with its number and the chain head, and prints again on request', async () => {
    const printer = await CapturePrinter.start();
    const t = openTestTill({
      clock: clock.clock,
      printing: { printerUri: printer.uri, retryFirstMs: 20, retryMaxMs: 50, statusEveryMs: 0 },
    });
    try {
      clock.set(at(25, 22));
      const z = await t.call('z.make', {});
      await printer.printed(1);
      const lines = readEscPos(printer.prints[0].bytes).lines.join('\n');
      expect(lines).toContain('Z 0001');
      expect(lines).toContain(z.chainHead!.slice(0, 16));
      expect(sqlCount(t, "SELECT count(*) FROM print_jobs WHERE kind = 'report'")).toBe(1);

      await t.call('z.reprint', { id: z.id });
      await printer.printed(2);
      expect(readEscPos(printer.prints[1].bytes).lines.join('\n')).toContain('Z 0001');
      expect(journalCount(t, 'z.reprinted')).toBe(1);
    } finally {
      await t.close();
      await printer.close();
    }
  });
});
