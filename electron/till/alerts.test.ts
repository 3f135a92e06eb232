// Risk alerts on a real till: a scripted day in which a cashier (with the owner's approvals where the till asks)
// does every risky thing once, each found as its alert with who, how much and the journal entries behind it; the
// owner's thresholds and switches change what is found; a quiet day has none; the lock screen gets a bare count.
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert, AlertRule } from '../../shared/alerts';
import type { StaffAction } from '../../shared/staff';
import { ProviderError } from '../payments/provider';
import { ScriptedProvider } from '../payments/testing';
import { tillBusinessDay } from './business-day';
import { openTestTill, refusal, TEST_OWNER_NAME, TEST_OWNER_PIN, type TestTill, testClock } from './testing';

const COFFEE = '2000001000007'; // 18.00
const LATTE = '2000002000006'; // 22.00
const CASHIER = { name: '小王', pin: '1357' };

const tills: TestTill[] = [];
afterEach(async () => {
  for (const t of tills.splice(0)) await t.close();
});

async function open() {
  const clock = testClock('2026-12-04T09:00:00Z');
  const provider = new ScriptedProvider({ id: 'demo' });
  const till = openTestTill({
    clock: clock.clock,
    payments: { provider, notify: false, engine: { loops: false, sweepWaitMs: 0 } },
  });
  tills.push(till);
  await till.start();
  return { till, clock, provider, day: dayOf(till, clock.clock()) };
}

/** The business day of an instant on this till (its start hour, this machine's time zone). */
function dayOf(t: TestTill, when: Date): string {
  const hour = t.handlers['settings.get']({}, { transport: 'http' }) as { businessDayStartHour: number };
  return tillBusinessDay({ settings: { get: () => hour } } as never, when);
}

async function signIn(t: TestTill, pin: string) {
  await t.call('staff.lock', {});
  await t.call('staff.unlock', { pin });
}

async function approve(t: TestTill, action: StaffAction): Promise<string> {
  return (await t.call('staff.approve', { pin: TEST_OWNER_PIN, action })).approvalId;
}

/** The ids of the journal entries of a kind, oldest first. */
function ids(t: TestTill, kind: string): number[] {
  return t.db.prepare('SELECT id FROM journal WHERE kind = ? ORDER BY id').pluck().all(kind) as number[];
}

async function cashSale(t: TestTill, barcode: string, quantity = 1) {
  await t.call('cart.scan', { barcode, quantity });
  return (await t.call('checkout.cash', { tenderedMinor: 100_000 })).order;
}

async function refund(t: TestTill, orderId: number) {
  return t.call('refund.make', { orderId, full: true, approvalId: await approve(t, 'refund') });
}

/** A day in which the cashier sets off every rule once. */
async function riskyDay() {
  const opened = await open();
  const { till: t, clock, provider } = opened;
  await t.call('staff.save', { name: CASHIER.name, pin: CASHIER.pin });
  await t.call('settings.update', { payLimits: { qr: 5000, payment_code: 5000, bank_qr: 5_000_000 } });
  await signIn(t, CASHIER.pin);

  // Three QRs declined within a few minutes; the display showed the total (a number was reserved).
  await t.call('cart.scan', { barcode: COFFEE });
  await t.call('cart.scan', { barcode: LATTE });
  for (let i = 0; i < 3; i++) {
    provider.next('createQr', new ProviderError('rejected', 'DECLINED', 'DECLINED'));
    expect((await refusal(t.call('pay.start', { method: 'qr' }))).code).toBe('PROVIDER_ERROR');
    clock.advance(2 * 60_000);
  }
  // Then a line taken off and the rest voided (the void with the owner's approval).
  const cart = await t.call('cart.get', {});
  const latte = cart.lines.find((l) => l.barcode === LATTE)!;
  await t.call('cart.removeLine', { lineId: latte.id });
  await approve(t, 'voidAfterTotalShown');
  await t.call('cart.void', {});
  clock.advance(60_000);

  // A price overridden (approved), sold for cash.
  await t.call('cart.scan', { barcode: COFFEE });
  const line = (await t.call('cart.get', {})).lines[0]!;
  await approve(t, 'priceOverride');
  await t.call('cart.setPrice', { lineId: line.id, unitPriceMinor: 100 });
  await t.call('checkout.cash', { tenderedMinor: 100 });
  clock.advance(60_000);

  // Over the QR limit (¥50): refused, but the attempt is noted.
  await t.call('cart.scan', { barcode: COFFEE, quantity: 3 });
  expect((await refusal(t.call('pay.start', { method: 'qr' }))).code).toBe('AMOUNT_OVER_LIMIT');
  await t.call('checkout.cash', { tenderedMinor: 5400 });
  clock.advance(60_000);

  // Three refunds in the shift, the first over ¥200.
  const big = await cashSale(t, COFFEE, 12); // 216.00
  const small1 = await cashSale(t, LATTE);
  const small2 = await cashSale(t, LATTE);
  for (const o of [big, small1, small2]) {
    await refund(t, o.id);
    clock.advance(60_000);
  }

  // The drawer opened without a sale (no printer here: it says so, and the opening is journaled all the same).
  await approve(t, 'openDrawerNoSale');
  await t.call('printer.openDrawer', {}).catch(() => undefined);
  clock.advance(60_000);

  // The owner's "Verify journal" finds an order changed behind the till's back.
  await signIn(t, TEST_OWNER_PIN);
  t.db.prepare('UPDATE orders SET total_minor = total_minor + 1 WHERE id = ?').run(small2.id);
  expect((await t.call('journal.verify', {})).ok).toBe(false);
  return { ...opened, orders: { big, small1, small2 } };
}

function byRule(alerts: Alert[]): Map<AlertRule, Alert[]> {
  const m = new Map<AlertRule, Alert[]>();
  for (const a of alerts) m.set(a.rule, [...(m.get(a.rule) ?? []), a]);
  return m;
}

describe('risk alerts', () => {
  it('find every rule once in a scripted day, with who, how much and the entries behind it', async () => {
    const { till: t, day, orders } = await riskyDay();
    const alerts = await t.call('alerts.list', { fromDay: day, toDay: day });
    const rules = byRule(alerts);
    expect([...rules.keys()].sort()).toEqual(
      [
        'declined_repeated',
        'line_removed_after_total',
        'no_sale_drawer',
        'over_limit_attempt',
        'price_override',
        'refund_over',
        'refunds_many_in_shift',
        'verify_failed',
        'void_after_total',
      ].sort(),
    );
    for (const list of rules.values()) expect(list).toHaveLength(1);
    // Newest first.
    expect(alerts.map((a) => a.at)).toEqual([...alerts.map((a) => a.at)].sort().reverse());

    const one = (rule: AlertRule) => rules.get(rule)![0]!;
    const cashier = { id: expect.any(Number), name: CASHIER.name };
    const owner = { id: expect.any(Number), name: TEST_OWNER_NAME };
    const shift = (await t.call('shift.current', {})).shift!.number;

    const failed = ids(t, 'payment.failed');
    expect(failed).toHaveLength(3);
    expect(one('declined_repeated')).toMatchObject({
      id: `declined_repeated:${failed[2]}`,
      by: cashier,
      approvedBy: null,
      shiftNumber: shift,
      journalIds: failed,
      details: { count: 3, windowMinutes: 10 },
    });

    const [removed] = ids(t, 'cart.lineRemoved');
    expect(one('line_removed_after_total')).toMatchObject({
      id: `line_removed_after_total:${removed}`,
      by: cashier,
      approvedBy: null,
      amountMinor: 2200,
      journalIds: [removed],
      details: { quantity: 0, was: 1 },
    });
    const voidAlert = one('void_after_total');
    const [voided] = ids(t, 'cart.voided');
    expect(voidAlert).toMatchObject({
      id: `void_after_total:${voided}`,
      by: cashier,
      approvedBy: owner,
      amountMinor: 1800,
      journalIds: [voided],
    });
    // The voided order had its number reserved when the QR was shown.
    expect(voidAlert.orderNumber).toMatch(/^T1-\d+$/);
    expect(voidAlert.orderId).toBe(one('line_removed_after_total').orderId);

    const [overridden] = ids(t, 'cart.priceOverridden');
    expect(one('price_override')).toMatchObject({
      journalIds: [overridden],
      by: cashier,
      approvedBy: owner,
      amountMinor: 100,
      details: { wasMinor: 1800 },
    });
    const [attempt] = ids(t, 'risk.overLimitAttempt');
    expect(one('over_limit_attempt')).toMatchObject({
      journalIds: [attempt],
      by: cashier,
      amountMinor: 5400,
      details: { thresholdMinor: 5000, method: 'qr' },
    });

    const refunds = ids(t, 'refund.made');
    expect(refunds).toHaveLength(3);
    expect(one('refund_over')).toMatchObject({
      id: `refund_over:${refunds[0]}`,
      journalIds: [refunds[0]],
      by: cashier,
      approvedBy: owner,
      amountMinor: 21_600,
      orderId: orders.big.id,
      orderNumber: `T1-${orders.big.number}`,
      shiftNumber: shift,
      details: { thresholdMinor: 20_000 },
    });
    expect(one('refunds_many_in_shift')).toMatchObject({
      id: `refunds_many_in_shift:${refunds[2]}`,
      journalIds: refunds,
      by: cashier,
      amountMinor: 21_600 + 2 * 2200,
      shiftNumber: shift,
      details: { count: 3 },
    });

    const [drawer] = ids(t, 'drawer.opened');
    expect(one('no_sale_drawer')).toMatchObject({ journalIds: [drawer], by: cashier, approvedBy: owner });
    const [verify] = ids(t, 'journal.verifyFailed');
    expect(one('verify_failed')).toMatchObject({ journalIds: [verify], by: owner, severity: 'high' });
    expect(one('verify_failed').details.why).toEqual(expect.any(String));
  });

  it("follow the owner's thresholds and switches", async () => {
    const { till: t, day } = await riskyDay();
    const rules = (await t.call('settings.get', {})).riskRules;
    await t.call('settings.update', {
      riskRules: {
        ...rules,
        refundOverMinor: 21_600,
        refundsPerShift: 4,
        declinedPayments: 2,
        declinedWindowMinutes: 1,
        off: ['no_sale_drawer', 'price_override'],
      },
    });
    const found = byRule(await t.call('alerts.list', { fromDay: day, toDay: day }));
    // A refund of exactly the threshold is not over it; 3 refunds do not reach 4; declines 2 minutes apart are
    // never 2 within a minute; the switched-off rules find nothing.
    for (const rule of [
      'refund_over',
      'refunds_many_in_shift',
      'declined_repeated',
      'no_sale_drawer',
      'price_override',
    ]) {
      expect(found.has(rule as AlertRule)).toBe(false);
    }
    expect(found.has('void_after_total')).toBe(true);

    await t.call('settings.update', {
      riskRules: { ...rules, refundOverMinor: 2199, refundsPerShift: 2, declinedWindowMinutes: 4 },
    });
    const again = byRule(await t.call('alerts.list', { fromDay: day, toDay: day }));
    // Now every refund over ¥21.99 (all three), the second refund raises the shift's, and the declines count.
    expect(again.get('refund_over')).toHaveLength(3);
    const refunds = ids(t, 'refund.made');
    expect(again.get('refunds_many_in_shift')![0]).toMatchObject({ id: `refunds_many_in_shift:${refunds[1]}` });
    expect(again.get('declined_repeated')).toHaveLength(1);
  });

  it('a quiet day has none; the lock screen gets a count and nothing else until the owner looks', async () => {
    const { till: t, day, clock } = await riskyDay();
    const all = await t.call('alerts.list', { fromDay: day, toDay: day });

    // The next day: a plain sale, nothing risky.
    clock.advance(24 * 3_600_000);
    await cashSale(t, COFFEE);
    const next = dayOf(t, clock.clock());
    expect(await t.call('alerts.list', { fromDay: next, toDay: next })).toEqual([]);

    // Nobody signed in: the count, no details; the list is refused.
    await t.call('staff.lock', {});
    const summary = await t.call('alerts.summary', {});
    expect(summary).toEqual({ count: all.length, newestAt: all[0]!.at });
    expect((await refusal(t.call('alerts.list', { fromDay: day, toDay: day }))).code).toBe('NOT_SIGNED_IN');
    expect((await refusal(t.call('alerts.seen', {}))).code).toBe('NOT_SIGNED_IN');

    // The owner looks: the count starts again; a new alert counts.
    await t.call('staff.unlock', { pin: TEST_OWNER_PIN });
    await t.call('alerts.seen', {});
    expect(await t.call('alerts.summary', {})).toEqual({ count: 0, newestAt: null });
    clock.advance(60_000);
    await t.call('printer.openDrawer', {}).catch(() => undefined);
    expect((await t.call('alerts.summary', {})).count).toBe(1);
  });

  it('a refused over-limit start changes nothing of the sale', async () => {
    const { till: t, day } = await open();
    await t.call('settings.update', { payLimits: { qr: 1000, payment_code: 1000, bank_qr: 5_000_000 } });
    await t.call('cart.scan', { barcode: COFFEE });
    const count = (sql: string) => t.db.prepare(sql).pluck().get() as number;
    const before = [count('SELECT count(*) FROM payments'), count('SELECT count(*) FROM sequences')];
    expect((await refusal(t.call('pay.withCode', { code: '280000000000000001' }))).code).toBe('AMOUNT_OVER_LIMIT');
    expect([count('SELECT count(*) FROM payments'), count('SELECT count(*) FROM sequences')]).toEqual(before);
    expect((await t.call('cart.get', {})).number).toBe('');
    const entry = t.db.prepare("SELECT order_id, data FROM journal WHERE kind = 'risk.overLimitAttempt'").get() as {
      order_id: number;
      data: string;
    };
    expect(entry.order_id).toBe((await t.call('cart.get', {})).id);
    // No payment code is kept.
    expect(JSON.parse(entry.data)).toMatchObject({ method: 'payment_code', amountMinor: 1800, limitMinor: 1000 });
    expect(entry.data).not.toContain('280000000000000001');
    // The sale goes on in cash; the attempt entry leaves "Verify journal" content.
    await t.call('checkout.cash', { tenderedMinor: 1800 });
    expect((await t.call('journal.verify', {})).ok).toBe(true);
    expect((await t.call('alerts.list', { fromDay: day, toDay: day })).map((a) => a.rule)).toEqual([
      'over_limit_attempt',
    ]);
    expect((await refusal(t.call('alerts.list', { fromDay: '2025-01-01', toDay: day }))).code).toBe('INVALID_INPUT');
  });
});
