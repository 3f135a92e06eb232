// Every permission of issue #10 at the API: a cashier asking alone is refused with APPROVAL_NEEDED and nothing is
// written (no row, no journal entry); with the owner's PIN on the spot it is done and the journal names both. With
// nobody signed in, nothing but the lock screen's and the customer display's calls answers.
import { afterEach, describe, expect, it } from 'vitest';
import { type MethodName, TillError } from '../../shared/api';
import type { StaffAction } from '../../shared/staff';
import { ACCESS } from './access';
import { openTestTill, refusal, sqlCount, TEST_OWNER_NAME, TEST_OWNER_PIN, type TestTill } from './testing';

const COFFEE = '2000001000007'; // 18.00
const LATTE = '2000002000006'; // 22.00
const CASHIER = { name: '小李', pin: '1357' };

const tills: TestTill[] = [];
afterEach(async () => {
  for (const t of tills.splice(0)) await t.close();
});

function open(): TestTill {
  const t = openTestTill({ payments: { payPort: 0, payBind: '127.0.0.1' } });
  tills.push(t);
  return t;
}

async function asCashier(t: TestTill): Promise<void> {
  await t.call('staff.save', CASHIER);
  await t.call('staff.lock', {});
  await t.call('staff.unlock', { pin: CASHIER.pin });
}

/** What a refused call must leave as it was: every row count that an action could change, and the journal. */
function footprint(t: TestTill): string {
  return JSON.stringify(
    [
      'journal',
      'orders',
      'order_lines',
      'payments',
      'refunds',
      'refund_tickets',
      'print_jobs',
      'products',
      'settings',
    ].map((table) => sqlCount(t, `SELECT count(*) FROM ${table}`)),
  );
}

/** The cashier is refused for `action`, nothing changes; then the owner approves and the same call goes through. */
async function refusedThenApproved(t: TestTill, action: StaffAction, act: () => Promise<unknown>): Promise<void> {
  const before = footprint(t);
  const err = await refusal(act());
  expect(err).toMatchObject({ code: 'APPROVAL_NEEDED', params: { action } });
  expect(footprint(t)).toBe(before);
  const approval = await t.call('staff.approve', { pin: TEST_OWNER_PIN, action });
  expect(approval).toMatchObject({
    action,
    approvedBy: { name: TEST_OWNER_NAME },
    requestedBy: { name: CASHIER.name },
  });
  await act();
}

/** The newest journal entry of that kind, as data. */
function lastEntry(t: TestTill, kind: string): Record<string, unknown> {
  const data = t.db.prepare('SELECT data FROM journal WHERE kind = ? ORDER BY id DESC LIMIT 1').pluck().get(kind);
  return JSON.parse(data as string);
}

const BOTH_NAMES = {
  by: { id: expect.any(Number), name: CASHIER.name },
  approvedBy: { id: expect.any(Number), name: TEST_OWNER_NAME },
  approvalId: expect.any(String),
};

describe('permissions: a cashier asks the owner on the spot', () => {
  it('refund: refused alone (nothing written), done with the approval, both names kept', async () => {
    const t = open();
    await t.call('cart.scan', { barcode: COFFEE });
    const { order } = await t.call('checkout.cash', { tenderedMinor: 2000 });
    await asCashier(t);
    const line = order.lines[0];
    await refusedThenApproved(t, 'refund', () =>
      t.call('refund.make', { orderId: order.id, lines: [{ lineId: line.id, quantity: 1 }] }),
    );
    expect(t.db.prepare('SELECT by_name, approved_by_name FROM refund_tickets').get()).toEqual({
      by_name: CASHIER.name,
      approved_by_name: TEST_OWNER_NAME,
    });
  });

  it('a discount over the limit (10% by default): refused alone, within it allowed, over it with the approval', async () => {
    const t = open();
    await asCashier(t);
    const cart = await t.call('cart.scan', { barcode: COFFEE, quantity: 2 });
    const lineId = cart.lines[0].id;
    // 10% of ¥36.00 is ¥3.60: that much is the cashier's own.
    expect((await t.call('cart.setLineDiscount', { lineId, discountMinor: 360 })).lines[0].lineDiscountMinor).toBe(360);
    await refusedThenApproved(t, 'discountOverThreshold', () =>
      t.call('cart.setLineDiscount', { lineId, discountMinor: 1800 }),
    );
    expect(lastEntry(t, 'cart.lineDiscount')).toMatchObject({ discountMinor: 1800, ...BOTH_NAMES });
    // The order discount has the same limit, of what is left to pay (¥18.00 → ¥1.80).
    expect((await t.call('cart.setOrderDiscount', { discountMinor: 180 })).orderDiscountMinor).toBe(180);
    await refusedThenApproved(t, 'discountOverThreshold', () =>
      t.call('cart.setOrderDiscount', { discountMinor: 500 }),
    );
  });

  it('a price override: refused alone, with the approval the line sells at the new price', async () => {
    const t = open();
    await asCashier(t);
    const cart = await t.call('cart.scan', { barcode: LATTE });
    await refusedThenApproved(t, 'priceOverride', () =>
      t.call('cart.setPrice', { lineId: cart.lines[0].id, unitPriceMinor: 2000 }),
    );
    expect((await t.call('cart.get', {})).totalMinor).toBe(2000);
    expect(lastEntry(t, 'cart.priceOverridden')).toMatchObject({ unitPriceMinor: 2000, was: 2200, ...BOTH_NAMES });
  });

  it('a void after the customer display showed the total (a payment was started); before that, the cashier voids', async () => {
    const t = open();
    await t.start();
    await asCashier(t);
    await t.call('cart.scan', { barcode: COFFEE });
    expect((await t.call('cart.void', {})).lines).toEqual([]);
    await t.call('cart.scan', { barcode: COFFEE });
    const { payment } = await t.call('pay.start', { method: 'qr' });
    await t.call('pay.cancel', { paymentId: payment!.id });
    await refusedThenApproved(t, 'voidAfterTotalShown', () => t.call('cart.void', {}));
    expect(lastEntry(t, 'cart.voided')).toMatchObject(BOTH_NAMES);
  });

  it('the drawer without a sale: refused alone before anything is sent', async () => {
    const t = open();
    await asCashier(t);
    const before = footprint(t);
    expect(await refusal(t.call('printer.openDrawer', {}))).toMatchObject({
      code: 'APPROVAL_NEEDED',
      params: { action: 'openDrawerNoSale' },
    });
    expect(footprint(t)).toBe(before);
    await t.call('staff.approve', { pin: TEST_OWNER_PIN, action: 'openDrawerNoSale' });
    // Approved, it reaches the printer: there is none set up here.
    expect((await refusal(t.call('printer.openDrawer', {}))).code).toBe('NO_PRINTER');
  });

  it('settings (payment credentials too), the catalog and reports: the screens are the owner’s', async () => {
    const t = open();
    await asCashier(t);
    // The language is anyone's.
    expect((await t.call('settings.update', { language: 'en' })).language).toBe('en');
    await refusedThenApproved(t, 'settings', () => t.call('settings.update', { shopName: '小李的店' }));
    expect((await t.call('settings.get', {})).shopName).toBe('小李的店');
    // The approval serves the screen's other calls until the till locks.
    await t.call('paySettings.get', {});
    await t.call('staff.lock', {});
    await t.call('staff.unlock', { pin: CASHIER.pin });
    expect((await refusal(t.call('paySettings.get', {}))).code).toBe('APPROVAL_NEEDED');

    const product = (await t.call('products.lookup', { barcode: COFFEE }))!;
    const { isDemo: _, ...input } = product;
    await refusedThenApproved(t, 'catalog', () => t.call('products.save', { ...input, priceMinor: 1900 }));
    expect((await t.call('products.lookup', { barcode: COFFEE }))!.priceMinor).toBe(1900);

    await refusedThenApproved(t, 'reports', () => t.call('z.make', { decisions: [] }));
    expect(sqlCount(t, 'SELECT count(*) FROM z_reports')).toBe(1);
  });

  it('an approval is for one person and one action, and a wrong PIN approves nothing', async () => {
    const t = open();
    await asCashier(t);
    await t.call('cart.scan', { barcode: COFFEE });
    expect((await refusal(t.call('staff.approve', { pin: '0000', action: 'priceOverride' }))).code).toBe('PIN_WRONG');
    // A cashier's own PIN does not approve.
    expect((await refusal(t.call('staff.approve', { pin: CASHIER.pin, action: 'priceOverride' }))).code).toBe(
      'NOT_ALLOWED',
    );
    await t.call('staff.approve', { pin: TEST_OWNER_PIN, action: 'refund' });
    const lineId = (await t.call('cart.get', {})).lines[0].id;
    expect((await refusal(t.call('cart.setPrice', { lineId, unitPriceMinor: 100 }))).code).toBe('APPROVAL_NEEDED');
  });
});

describe('nobody signed in', () => {
  it('answers only the lock screen, the customer display and status reads; everything else is NOT_SIGNED_IN', async () => {
    const t = open();
    await t.call('cart.scan', { barcode: COFFEE });
    await t.call('staff.lock', {});
    const before = footprint(t);
    const closed = Object.entries(ACCESS).filter(([, a]) => a !== 'open');
    expect(closed.length).toBeGreaterThan(40);
    for (const [method] of closed) {
      // The guard answers before the handler looks at its input.
      const err = await Promise.resolve()
        .then(() =>
          (t.handlers[method as MethodName] as (a: unknown, c: unknown) => unknown)({}, { transport: 'http' }),
        )
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(err, method).toBeInstanceOf(TillError);
      expect((err as TillError).code, method).toBe('NOT_SIGNED_IN');
    }
    expect(footprint(t)).toBe(before);
    // The customer display still follows the cart.
    expect((await t.call('display.get', {})).cart?.lines).toHaveLength(1);
  });
});
