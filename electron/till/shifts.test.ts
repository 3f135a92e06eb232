// Shifts on a real till: the float, cash sales net of change, a wallet sale, cash refunds, cash in/out, the
// blind close, carry-overs, one open shift per till, SHIFT_NOT_OPEN, and the report on the capture printer.
import { afterEach, describe, expect, it } from 'vitest';
import { ScriptedProvider } from '../payments/testing';
import { CapturePrinter } from '../printing/capture-printer';
import { readEscPos } from '../printing/testing';
import {
  journalCount,
  openTestTill,
  refusal,
  sqlCount,
  TEST_OWNER_PIN,
  type TestTill,
  type TestTillOptions,
  testClock,
} from './testing';

const COFFEE = '2000001000007'; // 美式咖啡 ￥18.00
const CASHIER_PIN = '1357';

const tills: TestTill[] = [];
const printers: CapturePrinter[] = [];
afterEach(async () => {
  for (const t of tills.splice(0)) await t.close();
  for (const p of printers.splice(0)) await p.close();
});

function open(opts: TestTillOptions = {}) {
  const clock = testClock(new Date(2026, 10, 25, 9, 0));
  const t = openTestTill({ shift: false, clock: clock.clock, ...opts });
  tills.push(t);
  return { t, clock };
}

async function asCashier(t: TestTill) {
  await t.call('staff.save', { name: 'Lin', pin: CASHIER_PIN });
  await t.call('staff.lock', {});
  await t.call('staff.unlock', { pin: CASHIER_PIN });
}

/** Inserts a refund that went through for a payment (the refunds module writes these rows). */
function refunded(t: TestTill, paymentId: number, amountMinor: number, at: string) {
  t.db
    .prepare(
      "INSERT INTO refunds (refund_number, payment_id, amount_minor, status, reason, created_at, updated_at) VALUES (?, ?, ?, 'refunded', 'test', ?, ?)",
    )
    .run(`R-${paymentId}-${amountMinor}`, paymentId, amountMinor, at, at);
}

describe('shift arithmetic', () => {
  it('float + cash sales net of change − cash refunds + in − out = expected; wallets on their own rows', async () => {
    const provider = new ScriptedProvider({ id: 'demo' });
    const { t, clock } = open({ payments: { provider, notify: false, engine: { loops: false } } });
    await t.start();
    await t.call('shift.open', {
      count: {
        byDenomination: [
          { denominationMinor: 10000, count: 2 },
          { denominationMinor: 1000, count: 5 },
        ],
      },
    });
    clock.advance(60_000);
    // Cash: 18.00 paid with 100.00 → 82.00 change; the drawer keeps 18.00.
    await t.call('cart.scan', { barcode: COFFEE });
    const { order: cashOrder, changeMinor } = await t.call('checkout.cash', { tenderedMinor: 10000 });
    expect(changeMinor).toBe(8200);
    clock.advance(60_000);
    // A wallet sale through the (scripted) Demo provider.
    await t.call('cart.scan', { barcode: COFFEE, quantity: 2 });
    const { payment } = await t.call('pay.start', { method: 'qr' });
    provider.pay(payment!.tradeNumber!);
    await t.checkout.step(payment!.id);
    expect(sqlCount(t, 'SELECT count(*) FROM payments WHERE status = ?', 'paid')).toBe(2);
    clock.advance(60_000);
    // A cash refund of 5.00 and a wallet refund of 3.00 (rows as the refunds module writes them).
    const cashPaymentId = cashOrder.payments[0].id;
    refunded(t, cashPaymentId, 500, clock.clock().toISOString());
    refunded(t, payment!.id, 300, clock.clock().toISOString());
    await t.call('shift.cashMove', { kind: 'in', amountMinor: 2000, reason: 'change from the bank' });
    await t.call('shift.cashMove', { kind: 'out', amountMinor: 1000, reason: 'milk' });
    clock.advance(60_000);

    // float 250.00 + 18.00 − 5.00 + 20.00 − 10.00 = 273.00; counted 272.50 → −0.50
    const report = await t.call('shift.close', { count: { totalMinor: 27250 } });
    expect(report.figures.cash).toEqual({
      floatMinor: 25000,
      salesMinor: 1800,
      refundsMinor: 500,
      inMinor: 2000,
      outMinor: 1000,
      expectedMinor: 27300,
      countedMinor: 27250,
      differenceMinor: -50,
    });
    expect(report.figures.methods).toEqual([
      { key: 'cash', salesMinor: 1800, refundsMinor: 500, netMinor: 1300, salesCount: 1, refundsCount: 1 },
      { key: 'demo', salesMinor: 3600, refundsMinor: 300, netMinor: 3300, salesCount: 1, refundsCount: 1 },
    ]);
    expect(report.figures.totals).toMatchObject({ salesMinor: 5400, refundsMinor: 800, netMinor: 4600 });
    expect(report.shift.movements.map((m) => [m.kind, m.amountMinor, m.reason])).toEqual([
      ['in', 2000, 'change from the bank'],
      ['out', 1000, 'milk'],
    ]);
    expect(report.shift.number).toBe('T1-S0001');
    expect(report.print).toEqual({ jobId: null, problem: 'NO_PRINTER' });
    // Kept: the same report later, frozen.
    expect(await t.call('shift.report', { shiftId: report.shift.id })).toEqual(report);
    expect(() => t.db.prepare('UPDATE shifts SET counted_minor = 0').run()).toThrow(/frozen/);
    expect(journalCount(t, 'shift.closed')).toBe(1);
    expect(journalCount(t, 'shift.cashMoved')).toBe(2);
  });

  it('counts only its own time: the next shift starts after the last close, with its own float', async () => {
    const { t, clock } = open();
    await t.call('shift.open', { count: { totalMinor: 10000 } });
    await t.call('cart.scan', { barcode: COFFEE });
    await t.call('checkout.cash', { tenderedMinor: 2000 });
    clock.advance(1000);
    const first = await t.call('shift.close', { count: { totalMinor: 11800 } });
    expect(first.figures.cash).toMatchObject({ expectedMinor: 11800, differenceMinor: 0 });
    clock.advance(1000);
    await t.call('shift.open', { count: { totalMinor: 5000 } });
    await t.call('cart.scan', { barcode: COFFEE });
    await t.call('checkout.cash', { tenderedMinor: 1800 });
    clock.advance(1000);
    const second = await t.call('shift.close', { count: { totalMinor: 6800 } });
    expect(second.shift.number).toBe('T1-S0002');
    expect(second.figures.cash).toMatchObject({ floatMinor: 5000, salesMinor: 1800, expectedMinor: 6800 });
    expect(second.figures.totals.salesCount).toBe(1);
    const list = await t.call('shift.list', {});
    expect(list.map((s) => [s.number, s.differenceMinor])).toEqual([
      ['T1-S0002', 0],
      ['T1-S0001', 0],
    ]);
  });
});

describe('a bank QR confirmed by hand', () => {
  it('has its own row and is listed with the payment it confirmed', async () => {
    const { t, clock } = open();
    const bankQr = { enabled: true, scheme: 'promptpay' as const, account: '0812345678', guid: '' };
    await t.call('settings.update', { currency: 'THB', bankQr: { ...bankQr, merchantName: '', merchantCity: '' } });
    await t.call('shift.open', { count: { totalMinor: 50000 } });
    await t.call('cart.scan', { barcode: COFFEE });
    const { payment } = await t.call('pay.start', { method: 'bank_qr' });
    await t.call('pay.confirmByHand', { paymentId: payment!.id });
    clock.advance(1000);
    const report = await t.call('shift.close', { count: { totalMinor: 50000 } });
    expect(report.figures.methods.map((m) => [m.key, m.salesMinor])).toEqual([
      ['cash', 0],
      ['bank_qr', 1800],
    ]);
    expect(report.figures.bankQrConfirmedByHand).toEqual([
      { paymentId: payment!.id, amountMinor: 1800, confirmedBy: expect.toBeOneOf([null, 'Owner']) },
    ]);
    expect(report.figures.cash).toMatchObject({ expectedMinor: 50000, differenceMinor: 0 });
  });
});

describe('the blind close', () => {
  it('keeps expected cash from a cashier until the count is in; an owner may see it', async () => {
    const { t } = open();
    await asCashier(t);
    const opened = await t.call('shift.open', { count: { totalMinor: 30000 } });
    expect(opened.shift).toMatchObject({ number: 'T1-S0001', floatMinor: 30000, openedBy: { name: 'Lin' } });
    expect(opened.figures).toBeNull();
    await t.call('cart.scan', { barcode: COFFEE });
    await t.call('checkout.cash', { tenderedMinor: 5000 });
    const current = await t.call('shift.current', {});
    expect(current.figures).toBeNull();
    expect(JSON.stringify(current)).not.toContain('31800');
    const list = await t.call('shift.list', {});
    expect(list).toEqual([]);
    expect((await refusal(t.call('shift.report', { shiftId: opened.shift!.id }))).code).toBe('SHIFT_OPEN');

    // The owner sees the running figures.
    await t.call('staff.lock', {});
    await t.call('staff.unlock', { pin: TEST_OWNER_PIN });
    expect((await t.call('shift.current', {})).figures?.cash.expectedMinor).toBe(31800);
    await t.call('staff.lock', {});
    await t.call('staff.unlock', { pin: CASHIER_PIN });

    const report = await t.call('shift.close', { count: { totalMinor: 32000 } });
    expect(report.figures.cash).toMatchObject({ expectedMinor: 31800, countedMinor: 32000, differenceMinor: 200 });
    expect(report.shift.closedBy).toMatchObject({ name: 'Lin' });
    // The one who closed it may read it again.
    expect((await t.call('shift.report', { shiftId: report.shift.id })).figures.cash.differenceMinor).toBe(200);
  });

  it('refuses a count in both forms, or with a note the currency does not have, and writes nothing', async () => {
    const { t } = open();
    await t.call('shift.open', { count: { totalMinor: 0 } });
    const both = await refusal(
      t.call('shift.close', { count: { totalMinor: 1, byDenomination: [{ denominationMinor: 100, count: 1 }] } }),
    );
    expect(both.code).toBe('INVALID_INPUT');
    const odd = await refusal(
      t.call('shift.close', { count: { byDenomination: [{ denominationMinor: 300, count: 1 }] } }),
    );
    expect(odd.code).toBe('INVALID_INPUT');
    expect(sqlCount(t, 'SELECT count(*) FROM shifts WHERE closed_at IS NOT NULL')).toBe(0);
    expect(journalCount(t, 'shift.closed')).toBe(0);
  });
});

describe('one open shift, and selling needs it', () => {
  it('refuses a second open shift at the same till', async () => {
    const { t } = open();
    await t.call('shift.open', { count: { totalMinor: 0 } });
    const err = await refusal(t.call('shift.open', { count: { totalMinor: 0 } }));
    expect(err).toMatchObject({ code: 'SHIFT_OPEN', params: { number: 'T1-S0001' } });
    expect(() =>
      t.db
        .prepare(
          "INSERT INTO shifts (id, till_id, number, opened_by_id, opened_by_name, opened_at, counts_after, float_minor, float_count) VALUES ('x', 'T1', 'T1-S9999', 1, 'Owner', 'a', 'a', 0, '{}')",
        )
        .run(),
    ).toThrow(/UNIQUE/);
  });

  it('refuses to sell without an open shift (SHIFT_NOT_OPEN) and writes nothing', async () => {
    const { t } = open();
    const orders = sqlCount(t, 'SELECT count(*) FROM orders');
    const journal = sqlCount(t, 'SELECT count(*) FROM journal');
    for (const call of [
      () => t.call('cart.scan', { barcode: COFFEE }),
      () => t.call('cart.addProduct', { productId: 1 }),
      () => t.call('cart.addWeighed', { productId: 1, weightGrams: 500 }),
      () => t.call('checkout.cash', { tenderedMinor: 2000 }),
      () => t.call('checkout.cashPart', { amountMinor: 100 }),
      () => t.call('pay.start', { method: 'qr' }),
      () => t.call('pay.withCode', { code: '2800000000000000' }),
      () => t.call('shift.cashMove', { kind: 'in', amountMinor: 100, reason: 'x' }),
    ]) {
      expect((await refusal(call())).code).toBe('SHIFT_NOT_OPEN');
    }
    expect(sqlCount(t, 'SELECT count(*) FROM orders')).toBe(orders);
    expect(sqlCount(t, 'SELECT count(*) FROM journal')).toBe(journal);
    expect(sqlCount(t, 'SELECT count(*) FROM order_lines')).toBe(0);
  });
});

describe('the checklist and carry-overs', () => {
  it('needs a decision per held order and open payment, records it, and carries kept items over', async () => {
    const provider = new ScriptedProvider({ id: 'demo' });
    const { t, clock } = open({ payments: { provider, notify: false, engine: { loops: false } } });
    await t.start();
    await t.call('shift.open', { count: { totalMinor: 0 } });
    await t.call('cart.scan', { barcode: COFFEE });
    const held1 = await t.call('cart.hold', { label: 'table 1' });
    expect(held1.lines).toEqual([]);
    await t.call('cart.scan', { barcode: COFFEE, quantity: 3 });
    await t.call('cart.hold', { label: 'table 2' });
    await t.call('cart.scan', { barcode: COFFEE });
    const { payment } = await t.call('pay.start', { method: 'qr' }); // still pending at the close
    const checklist = await t.call('shift.checklist', {});
    expect(checklist.map((i) => [i.kind, i.label, i.amountMinor])).toEqual([
      ['held', 'table 2', 5400],
      ['held', 'table 1', 1800],
      ['payment', '0001', 1800],
    ]);
    const [table2, table1] = checklist;

    expect(await refusal(t.call('shift.close', { count: { totalMinor: 0 } }))).toMatchObject({
      code: 'SHIFT_CHECKLIST',
      params: { missing: 3 },
    });
    clock.advance(1000);
    const report = await t.call('shift.close', {
      count: { totalMinor: 0 },
      held: [
        { orderId: table1.orderId!, action: 'void' },
        { orderId: table2.orderId!, action: 'keep' },
      ],
      payments: [{ paymentId: payment!.id, action: 'keep' }],
    });
    expect(report.carriedOver.map((i) => [i.label, i.decision])).toEqual([
      ['table 2', 'keep'],
      ['table 1', 'void'],
      ['0001', 'keep'],
    ]);
    expect(report.figures.stillOpen.map((p) => p.paymentId)).toEqual([payment!.id]);
    expect(sqlCount(t, 'SELECT status = ? FROM orders WHERE id = ?', 'voided', table1.orderId)).toBe(1);
    const closed = t.db.prepare("SELECT data FROM journal WHERE kind = 'shift.closed'").pluck().get() as string;
    expect(JSON.parse(closed).decisions).toHaveLength(3);

    // The next opener sees what was carried over (the voided order is gone from the list).
    const before = await t.call('shift.current', {});
    expect(before.shift).toBeNull();
    expect(before.carriedOver.map((i) => i.label)).toEqual(['table 2', '0001']);
    clock.advance(1000);
    const next = await t.call('shift.open', { count: { totalMinor: 0 } });
    expect(next.carriedOver.map((i) => i.label)).toEqual(['table 2', '0001']);
  });

  it("lets a cashier keep items, but voiding a held order needs the owner's approval", async () => {
    const { t } = open();
    await asCashier(t);
    await t.call('shift.open', { count: { totalMinor: 0 } });
    await t.call('cart.scan', { barcode: COFFEE });
    const [held] = (await t.call('cart.hold', {})) && (await t.call('shift.checklist', {}));
    const decisions = { held: [{ orderId: held.orderId!, action: 'void' as const }] };
    const err = await refusal(t.call('shift.close', { count: { totalMinor: 0 }, ...decisions }));
    expect(err).toMatchObject({ code: 'APPROVAL_NEEDED', params: { action: 'voidAfterTotalShown' } });
    expect(sqlCount(t, 'SELECT count(*) FROM shifts WHERE closed_at IS NULL')).toBe(1);
    const { approvalId } = await t.call('staff.approve', { pin: TEST_OWNER_PIN, action: 'voidAfterTotalShown' });
    await t.call('shift.close', { count: { totalMinor: 0 }, ...decisions, approvalId });
    const closed = JSON.parse(
      t.db.prepare("SELECT data FROM journal WHERE kind = 'shift.closed'").pluck().get() as string,
    );
    expect(closed).toMatchObject({ by: { name: 'Lin' }, approvedBy: { name: 'Owner' }, approvalId });
  });
});

describe('the printed report', () => {
  it('prints on the receipt printer at close, and again on request; the drawer opens for cash in/out', async () => {
    const printer = await CapturePrinter.start();
    printers.push(printer);
    const { t } = open({ printing: { printerUri: printer.uri, retryFirstMs: 20, retryMaxMs: 50, statusEveryMs: 0 } });
    t.start();
    await t.call('shift.open', { count: { totalMinor: 10000 } });
    await t.call('shift.cashMove', { kind: 'out', amountMinor: 2000, reason: 'supplier' });
    await printer.printed(1);
    const report = await t.call('shift.close', { count: { totalMinor: 7000 } });
    expect(report.print).toMatchObject({ problem: null, jobId: expect.any(Number) });
    await printer.printed(2);
    const page = readEscPos(printer.prints[1].bytes);
    expect(page.lines.some((l) => l.includes('T1-S0001'))).toBe(true);
    expect(page.lines.some((l) => /Expected/.test(l) && l.includes('80.00'))).toBe(true);
    expect(page.lines.some((l) => /Difference/.test(l) && l.includes('-10.00'))).toBe(true);
    const again = await t.call('shift.print', { shiftId: report.shift.id });
    expect(again.jobId).not.toBe(report.print?.jobId);
    await printer.printed(3);
    expect(journalCount(t, 'shift.printed')).toBe(1);
  });
});
