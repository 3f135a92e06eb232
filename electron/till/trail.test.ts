// journal.trail on a real till: an order with its lines, payments and whole journal, plus entries named apart (a
// no-sale drawer opening has no order); names and approvals lifted out of the data; unknown orders refused.
import { afterEach, describe, expect, it } from 'vitest';
import { openTestTill, refusal, type TestTill } from './testing';

let t: TestTill | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('journal.trail', () => {
  it("gives an order's lines and journal, and the other entries asked for, in journal order", async () => {
    t = openTestTill();
    await t.start();
    const a = await t.call('products.save', { barcode: 'TRAIL1', name: '拿铁', priceMinor: 2200 });
    await t.call('cart.scan', { barcode: a.barcode });
    await t.call('cart.scan', { barcode: a.barcode });
    const { order } = await t.call('checkout.cash', { tenderedMinor: 100_000 });
    await refusal(t.call('printer.openDrawer', {}));
    const drawer = t.db
      .prepare("SELECT id FROM journal WHERE kind = 'drawer.opened' ORDER BY id DESC LIMIT 1")
      .pluck()
      .get() as number;

    const trail = await t.call('journal.trail', { orderId: order.id, ids: [drawer] });
    expect(trail.order).toMatchObject({ id: order.id, number: order.number, totalMinor: order.totalMinor });
    expect(trail.order!.lines).toHaveLength(1);
    const kinds = trail.entries.map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['cart.lineAdded', 'cart.lineChanged', 'sale.completed']));
    expect(kinds.at(-1)).toBe('drawer.opened');
    expect(trail.entries.map((e) => e.id)).toEqual([...trail.entries.map((e) => e.id)].sort((x, y) => x - y));
    const added = trail.entries.find((e) => e.kind === 'cart.lineAdded')!;
    expect(added).toMatchObject({ orderId: order.id, by: 'Owner', approvedBy: null });
    expect(JSON.parse(added.detail)).toMatchObject({ barcode: a.barcode, quantity: 1 });
    expect(added.detail).not.toContain('"by"');

    // Entries alone (no order), and an order that does not exist.
    const only = await t.call('journal.trail', { ids: [drawer] });
    expect(only.order).toBeNull();
    expect(only.entries.map((e) => e.id)).toEqual([drawer]);
    expect((await refusal(t.call('journal.trail', { orderId: 999_999 }))).code).toBe('ORDER_NOT_FOUND');
  });
});
