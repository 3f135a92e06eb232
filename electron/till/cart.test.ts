import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Order, Product } from '../../shared/domain';
import { MAX_AMOUNT_MINOR } from '../../shared/money';
import { createRepos } from '../db/index';
import { withCheckDigit } from './barcode';
import { seedProducts } from './seed';
import { asInput, openTestTill, refusal, type TestTill, tempDataDir, testClock, TEST_OWNER_NAME } from './testing';

let till: TestTill;
let coffee: Product;
let cake: Product;
const clock = testClock(new Date(2026, 10, 25, 9, 30));

beforeEach(async () => {
  clock.set(new Date(2026, 10, 25, 9, 30));
  till = openTestTill({ clock: clock.clock });
  await till.call('catalog.clearDemo', {});
  coffee = await till.call('products.save', {
    barcode: '6901234567892',
    name: '挂耳咖啡',
    nameEn: 'Drip Coffee',
    priceMinor: 1250,
    taxRateBp: 1300,
  });
  cake = await till.call('products.save', { barcode: 'CAKE-1', name: '蛋糕', priceMinor: 800, taxRateBp: 600 });
});
afterEach(() => till.close());

describe('the cart', () => {
  it('is an empty draft until something is scanned, and the same one on every ask', async () => {
    const a = await till.call('cart.get', {});
    const b = await till.call('cart.get', {});
    expect(a).toMatchObject({ status: 'draft', number: '', lines: [], totalMinor: 0, currency: 'CNY' });
    expect(b.id).toBe(a.id);
  });

  it('scans a product into a line with a copy of its name, price and tax, and pushes the change', async () => {
    till.events.length = 0;
    const cart = await till.call('cart.scan', { barcode: coffee.barcode });
    expect(cart.lines).toEqual([
      expect.objectContaining({
        productId: coffee.id,
        barcode: coffee.barcode,
        name: '挂耳咖啡',
        nameEn: 'Drip Coffee',
        unitPriceMinor: 1250,
        quantity: 1,
        taxRateBp: 1300,
        grossMinor: 1250,
        totalMinor: 1250,
        taxMinor: 144,
      }),
    ]);
    expect(cart).toMatchObject({ subtotalMinor: 1250, totalMinor: 1250, taxMinor: 144, itemCount: 1 });
    expect(till.events.map((e) => e.event)).toEqual(['cart.changed', 'display.changed']);
    expect(till.events[1].payload).toMatchObject({ phase: 'cart', cart: { id: cart.id } });
  });

  it('adds a second scan of the same product to its line, and bumps the revision on every change', async () => {
    const one = await till.call('cart.scan', { barcode: coffee.barcode });
    const two = await till.call('cart.scan', { barcode: coffee.barcode, quantity: 2 });
    expect(two.lines).toHaveLength(1);
    expect(two.lines[0].quantity).toBe(3);
    expect(two.totalMinor).toBe(3750);
    expect(two.revision).toBeGreaterThan(one.revision);
  });

  it('refuses an unknown barcode and an inactive product, changing nothing', async () => {
    const before = await till.call('cart.scan', { barcode: coffee.barcode });
    const unknown = await refusal(till.call('cart.scan', { barcode: '6900000000007' }));
    expect(unknown.code).toBe('UNKNOWN_BARCODE');
    expect(unknown.params).toEqual({ barcode: '6900000000007' });
    // The same code misread (a wrong check digit) says so instead.
    const misread = await refusal(till.call('cart.scan', { barcode: '6900000000000' }));
    expect(misread.code).toBe('BAD_CHECK_DIGIT');
    expect(misread.params).toEqual({ barcode: '6900000000000', kind: 'EAN-13', expected: 7 });

    await till.call('products.save', { ...asInput(cake), active: false });
    const inactive = await refusal(till.call('cart.scan', { barcode: cake.barcode }));
    expect(inactive.code).toBe('PRODUCT_INACTIVE');
    expect(await till.call('cart.get', {})).toEqual(before);
  });

  it('keeps the price a line was scanned at when the product changes later', async () => {
    await till.call('cart.scan', { barcode: coffee.barcode });
    await till.call('products.save', { ...asInput(coffee), priceMinor: 1500, name: '新挂耳咖啡' });
    const cart = await till.call('cart.scan', { barcode: coffee.barcode });
    expect(cart.lines.map((l) => [l.name, l.unitPriceMinor, l.quantity])).toEqual([
      ['挂耳咖啡', 1250, 1],
      ['新挂耳咖啡', 1500, 1],
    ]);
  });

  it('caps a line at 9999 items', async () => {
    const cart = await till.call('cart.scan', { barcode: cake.barcode });
    await till.call('cart.setQuantity', { lineId: cart.lines[0].id, quantity: 9999 });
    const err = await refusal(till.call('cart.scan', { barcode: cake.barcode }));
    expect(err.code).toBe('AMOUNT_TOO_LARGE');
    expect((await till.call('cart.get', {})).lines[0].quantity).toBe(9999);
  });

  it('refuses an order larger than the till accepts', async () => {
    const big = await till.call('products.save', { barcode: 'BIG', name: '金条', priceMinor: MAX_AMOUNT_MINOR });
    await till.call('cart.scan', { barcode: big.barcode });
    const err = await refusal(till.call('cart.scan', { barcode: big.barcode }));
    expect(err.code).toBe('AMOUNT_TOO_LARGE');
    expect((await till.call('cart.get', {})).totalMinor).toBe(MAX_AMOUNT_MINOR);
  });

  it('sets quantities and removes lines of this cart only', async () => {
    const cart = await till.call('cart.scan', { barcode: coffee.barcode });
    const line = cart.lines[0].id;
    expect((await till.call('cart.setQuantity', { lineId: line, quantity: 4 })).totalMinor).toBe(5000);
    expect((await refusal(till.call('cart.setQuantity', { lineId: line + 99, quantity: 1 }))).code).toBe(
      'LINE_NOT_FOUND',
    );
    const empty = await till.call('cart.removeLine', { lineId: line });
    expect(empty.lines).toEqual([]);
    expect(empty.totalMinor).toBe(0);
    expect((await refusal(till.call('cart.removeLine', { lineId: line }))).code).toBe('LINE_NOT_FOUND');
  });

  it('takes a line discount up to the line amount', async () => {
    const cart = await till.call('cart.scan', { barcode: coffee.barcode, quantity: 2 });
    const line = cart.lines[0].id;
    const tooMuch = await refusal(till.call('cart.setLineDiscount', { lineId: line, discountMinor: 2501 }));
    expect(tooMuch.code).toBe('DISCOUNT_TOO_LARGE');
    expect(tooMuch.params).toMatchObject({ maxMinor: 2500 });
    const discounted = await till.call('cart.setLineDiscount', { lineId: line, discountMinor: 500 });
    expect(discounted).toMatchObject({ subtotalMinor: 2500, discountMinor: 500, totalMinor: 2000 });
    // A discounted line is not merged into: the next scan is a line of its own.
    const again = await till.call('cart.scan', { barcode: coffee.barcode });
    expect(again.lines.map((l) => [l.quantity, l.lineDiscountMinor])).toEqual([
      [2, 500],
      [1, 0],
    ]);
  });

  it('spreads an order discount over the lines, up to what is left to pay', async () => {
    await till.call('cart.scan', { barcode: coffee.barcode });
    await till.call('cart.scan', { barcode: cake.barcode });
    const tooMuch = await refusal(till.call('cart.setOrderDiscount', { discountMinor: 2051 }));
    expect(tooMuch.code).toBe('DISCOUNT_TOO_LARGE');
    expect(tooMuch.params).toMatchObject({ maxMinor: 2050 });
    const cart = await till.call('cart.setOrderDiscount', { discountMinor: 100 });
    expect(cart).toMatchObject({ orderDiscountMinor: 100, discountMinor: 100, totalMinor: 1950 });
    expect(cart.lines.reduce((a, l) => a + l.orderDiscountShareMinor, 0)).toBe(100);
    expect(cart.lines.reduce((a, l) => a + l.totalMinor, 0)).toBe(1950);
  });

  it('voids the cart: the order is kept as voided and an empty cart replaces it', async () => {
    const cart = await till.call('cart.scan', { barcode: coffee.barcode });
    const next = await till.call('cart.void', {});
    expect(next.id).not.toBe(cart.id);
    expect(next.lines).toEqual([]);
    expect(till.db.prepare('SELECT status FROM orders WHERE id = ?').pluck().get(cart.id)).toBe('voided');
    const kinds = till.db.prepare('SELECT kind FROM journal WHERE order_id = ? ORDER BY id').pluck().all(cart.id);
    expect(kinds).toEqual(['cart.lineAdded', 'cart.voided']);
  });

  it('holds a cart under a label and recalls it later; an empty cart cannot be held', async () => {
    expect((await refusal(till.call('cart.hold', {}))).code).toBe('CART_EMPTY');
    const first = await till.call('cart.scan', { barcode: coffee.barcode });
    const afterHold = await till.call('cart.hold', { label: '  Table 3 ' });
    expect(afterHold.lines).toEqual([]);
    clock.advance(60_000);
    const second = await till.call('cart.scan', { barcode: cake.barcode });
    await till.call('cart.hold', {});

    const held = await till.call('orders.held', {});
    expect(held.map((h) => [h.id, h.heldLabel, h.firstLineName, h.totalMinor])).toEqual([
      [second.id, null, '蛋糕', 800],
      [first.id, 'Table 3', '挂耳咖啡', 1250],
    ]);

    // Recalling while the cart has lines holds that cart first, so nothing is lost.
    await till.call('cart.scan', { barcode: cake.barcode, quantity: 3 });
    const recalled = await till.call('cart.recall', { orderId: first.id });
    expect(recalled).toMatchObject({ id: first.id, status: 'draft', heldLabel: 'Table 3', totalMinor: 1250 });
    expect(await till.call('cart.get', {})).toEqual(recalled);
    const heldNow = await till.call('orders.held', {});
    expect(heldNow).toHaveLength(2);
    expect(heldNow.map((h) => h.itemCount).sort()).toEqual([1, 3]);
  });

  it('recalls only held orders', async () => {
    await till.call('cart.scan', { barcode: coffee.barcode });
    const { order } = await till.call('checkout.cash', { tenderedMinor: 2000 });
    const err = await refusal(till.call('cart.recall', { orderId: order.id }));
    expect(err.code).toBe('ORDER_NOT_HELD');
    expect((await refusal(till.call('cart.recall', { orderId: 999_999 }))).code).toBe('ORDER_NOT_FOUND');
  });
});

describe('a cash sale', () => {
  it('refuses an empty cart and too little cash, changing nothing', async () => {
    expect((await refusal(till.call('checkout.cash', { tenderedMinor: 100 }))).code).toBe('CART_EMPTY');
    const cart = await till.call('cart.scan', { barcode: coffee.barcode });
    const err = await refusal(till.call('checkout.cash', { tenderedMinor: 1249 }));
    expect(err.code).toBe('TENDERED_TOO_LOW');
    expect(err.params).toEqual({ totalMinor: 1250, dueMinor: 1250, tenderedMinor: 1249 });
    expect(await till.call('cart.get', {})).toEqual(cart);
    expect(till.db.prepare('SELECT count(*) FROM payments').pluck().get()).toBe(0);
  });

  it('completes the order with a number, records the payment and change, and opens a new cart', async () => {
    const cart = await till.call('cart.scan', { barcode: coffee.barcode, quantity: 2 });
    till.events.length = 0;
    const { order, changeMinor, cart: next } = await till.call('checkout.cash', { tenderedMinor: 5000 });
    expect(changeMinor).toBe(2500);
    expect(order).toMatchObject({ id: cart.id, status: 'completed', number: '0001', totalMinor: 2500 });
    expect(order.completedAt).toBe(clock.clock().toISOString());
    expect(order.payments).toEqual([
      expect.objectContaining({
        method: 'cash',
        status: 'paid',
        amountMinor: 2500,
        tenderedMinor: 5000,
        changeMinor: 2500,
      }),
    ]);
    expect(next).toMatchObject({ status: 'draft', lines: [] });
    expect(next.id).not.toBe(order.id);
    expect(till.events.map((e) => e.event)).toEqual(['orders.changed', 'cart.changed', 'display.changed']);
    expect(till.events[2].payload).toMatchObject({
      phase: 'thanks',
      sale: { number: '0001', totalMinor: 2500, tenderedMinor: 5000, changeMinor: 2500 },
    });
    const kinds = till.db.prepare('SELECT kind FROM journal WHERE order_id = ? ORDER BY id').pluck().all(order.id);
    expect(kinds.slice(-2)).toEqual(['payment.recorded', 'sale.completed']);
  });

  it('numbers sales per day from 0001', async () => {
    const sell = async () => {
      await till.call('cart.scan', { barcode: cake.barcode });
      return (await till.call('checkout.cash', { tenderedMinor: 800 })).order.number;
    };
    expect([await sell(), await sell()]).toEqual(['0001', '0002']);
    // A voided cart takes no number.
    await till.call('cart.scan', { barcode: cake.barcode });
    await till.call('cart.void', {});
    expect(await sell()).toBe('0003');
    clock.set(new Date(2026, 10, 26, 8, 0));
    expect(await sell()).toBe('0001');
  });

  it('is all or nothing: a failure inside the sale leaves the cart as it was', async () => {
    const cart = await till.call('cart.scan', { barcode: coffee.barcode });
    const journalBefore = till.db.prepare('SELECT count(*) FROM journal').pluck().get();
    // Makes the payment insert fail midway through the sale's transaction.
    till.db.exec(
      "CREATE TEMP TRIGGER fail_payment BEFORE INSERT ON payments BEGIN SELECT RAISE(ABORT, 'disk on fire'); END",
    );
    await expect(till.call('checkout.cash', { tenderedMinor: 2000 })).rejects.toThrow('disk on fire');
    expect(await till.call('cart.get', {})).toEqual(cart);
    expect(till.db.prepare('SELECT count(*) FROM payments').pluck().get()).toBe(0);
    expect(till.db.prepare('SELECT count(*) FROM journal').pluck().get()).toBe(journalBefore);
    expect(await till.call('orders.today', {})).toEqual([]);

    till.db.exec('DROP TRIGGER fail_payment');
    const { order } = await till.call('checkout.cash', { tenderedMinor: 2000 });
    expect(order).toMatchObject({ id: cart.id, number: '0001', status: 'completed' });
  });
});

describe("today's orders", () => {
  it('lists completed orders of the business day (from 05:00) by the till clock, newest first, with lines and payments', async () => {
    const sell = async (at: Date, barcode: string) => {
      clock.set(at);
      await till.call('cart.scan', { barcode });
      return (await till.call('checkout.cash', { tenderedMinor: 10_000 })).order;
    };
    // 04:59 still belongs to the 24th's business day.
    await sell(new Date(2026, 10, 25, 4, 59), coffee.barcode);
    const morning = await sell(new Date(2026, 10, 25, 5, 1), cake.barcode);
    const noon = await sell(new Date(2026, 10, 25, 12, 0), coffee.barcode);
    await till.call('cart.scan', { barcode: cake.barcode });
    await till.call('cart.hold', {});

    clock.set(new Date(2026, 10, 25, 18, 0));
    const today = await till.call('orders.today', {});
    expect(today.map((o) => o.id)).toEqual([noon.id, morning.id]);
    expect(today[0].lines[0].name).toBe('挂耳咖啡');
    expect(today[0].payments[0].tenderedMinor).toBe(10_000);
    expect(await till.call('orders.today', { limit: 1 })).toHaveLength(1);

    // After midnight, still the 25th's business day; from 05:00 the 26th's.
    clock.set(new Date(2026, 10, 26, 1, 0));
    expect(await till.call('orders.today', {})).toHaveLength(2);
    clock.set(new Date(2026, 10, 26, 9, 0));
    expect(await till.call('orders.today', {})).toEqual([]);
  });

  it('pages: each page after the last order of the one before, together every order once, as a single order reads', async () => {
    const sold: number[] = [];
    for (let k = 0; k < 5; k++) {
      // Two sales in the same millisecond: the id orders them.
      clock.set(new Date(2026, 10, 25, 10, k < 2 ? 0 : k));
      await till.call('cart.scan', { barcode: k % 2 ? cake.barcode : coffee.barcode, quantity: k + 1 });
      sold.push((await till.call('checkout.cash', { tenderedMinor: 50_000 })).order.id);
    }
    clock.set(new Date(2026, 10, 25, 18, 0));
    const pages: number[][] = [];
    let beforeId: number | undefined;
    for (;;) {
      const page = await till.call('orders.today', { limit: 2, beforeId });
      if (!page.length) break;
      // Each order of a page is the order as it is stored, its lines and payments with it.
      for (const o of page) {
        expect(o.lines.map((l) => l.quantity)).toEqual([sold.indexOf(o.id) + 1]);
        expect(o.payments).toHaveLength(1);
        expect(o.payments[0].orderId).toBe(o.id);
      }
      pages.push(page.map((o) => o.id));
      beforeId = page.at(-1)!.id;
    }
    expect(pages).toEqual([[sold[4], sold[3]], [sold[2], sold[1]], [sold[0]]]);
    // A page after an order that is not today's is empty rather than all of today.
    expect(await till.call('orders.today', { beforeId: 999_999 })).toEqual([]);
  });
});

describe('after a restart', () => {
  it('the open cart is still there, and the held ones', async () => {
    const dataDir = tempDataDir();
    const first = openTestTill({ dataDir, clock: clock.clock });
    const product = await first.call('products.save', { barcode: 'TEA', name: '茶', priceMinor: 500 });
    await first.call('cart.scan', { barcode: product.barcode });
    await first.call('cart.hold', { label: 'later' });
    const cart = await first.call('cart.scan', { barcode: product.barcode, quantity: 3 });
    await first.call('cart.setOrderDiscount', { discountMinor: 100 });
    const before = await first.call('cart.get', {});
    first.close();

    const second = openTestTill({ dataDir, clock: clock.clock });
    try {
      expect(await second.call('cart.get', {})).toEqual(before);
      expect(before).toMatchObject({ id: cart.id, totalMinor: 1400 });
      expect((await second.call('orders.held', {})).map((h) => h.heldLabel)).toEqual(['later']);
    } finally {
      second.close();
    }
  });
});

describe('what the till answers', () => {
  /** The open cart read back from the database, past the till's own copy. */
  function stored(t: TestTill): Order {
    const repos = createRepos(t.db);
    const row = repos.orders.draftFor('T1')!;
    return repos.orders.toOrder(row, repos.orders.lines(row.id), repos.payments.forOrder(row.id));
  }

  it('is the cart as stored, after every kind of change', async () => {
    const answers: Order[] = [];
    const check = async (answer: Promise<Order>) => {
      const cart = await answer;
      expect(cart).toEqual(stored(till));
      expect(await till.call('cart.get', {})).toEqual(cart);
      answers.push(cart);
      return cart;
    };
    await check(till.call('cart.scan', { barcode: coffee.barcode }));
    await check(till.call('cart.scan', { barcode: coffee.barcode, quantity: 2 }));
    const two = await check(till.call('cart.scan', { barcode: cake.barcode }));
    await check(till.call('cart.setQuantity', { lineId: two.lines[1].id, quantity: 4 }));
    await check(till.call('cart.setLineDiscount', { lineId: two.lines[0].id, discountMinor: 333 }));
    await check(till.call('cart.setOrderDiscount', { discountMinor: 777 }));
    await check(till.call('cart.scan', { barcode: coffee.barcode }));
    await check(till.call('cart.removeLine', { lineId: two.lines[1].id }));
    const revisions = answers.map((c) => c.revision);
    expect(revisions).toEqual([...revisions].sort((a, b) => a - b));
    expect(new Set(revisions).size).toBe(revisions.length);

    const held = await till.call('cart.scan', { barcode: cake.barcode });
    await check(till.call('cart.hold', { label: 'A' }));
    await check(till.call('cart.scan', { barcode: coffee.barcode }));
    await check(till.call('cart.recall', { orderId: held.id }));
    await check(till.call('cart.void', {}));
    await check(till.call('cart.scan', { barcode: cake.barcode }));
    const sale = await till.call('checkout.cash', { tenderedMinor: 10_000 });
    expect(sale.cart).toEqual(stored(till));
    expect((await till.call('orders.today', {}))[0]).toEqual(sale.order);
  });

  it('is journaled change by change, with what each value was before', async () => {
    await till.call('cart.scan', { barcode: coffee.barcode });
    const cart = await till.call('cart.scan', { barcode: coffee.barcode, quantity: 2 });
    const lineId = cart.lines[0].id;
    await till.call('cart.setQuantity', { lineId, quantity: 5 });
    await till.call('cart.setLineDiscount', { lineId, discountMinor: 300 });
    await till.call('cart.setLineDiscount', { lineId, discountMinor: 200 });
    await till.call('cart.setOrderDiscount', { discountMinor: 100 });
    await till.call('cart.setOrderDiscount', { discountMinor: 50 });
    const rows = till.db.prepare('SELECT kind, data FROM journal WHERE order_id = ? ORDER BY id').all(cart.id) as {
      kind: string;
      data: string;
    }[];
    // Each names who did it: the person signed in when the call came.
    const by = { id: expect.any(Number), name: TEST_OWNER_NAME };
    expect(rows.map((r) => [r.kind, JSON.parse(r.data)])).toEqual([
      ['cart.lineAdded', expect.objectContaining({ lineId, quantity: 1, by })],
      ['cart.lineChanged', { lineId, barcode: coffee.barcode, quantity: 3, was: 1, by }],
      ['cart.lineChanged', { lineId, barcode: coffee.barcode, quantity: 5, was: 3, by }],
      ['cart.lineDiscount', { lineId, discountMinor: 300, was: 0, by }],
      ['cart.lineDiscount', { lineId, discountMinor: 200, was: 300, by }],
      ['cart.orderDiscount', { discountMinor: 100, was: 0, by }],
      ['cart.orderDiscount', { discountMinor: 50, was: 100, by }],
    ]);
  });

  it('comes from writing only the line that changed, on a long cart', async () => {
    seedProducts(till.db, 60);
    for (let k = 0; k < 60; k++)
      await till.call('cart.scan', { barcode: withCheckDigit(`29${String(k).padStart(10, '0')}`) });
    till.db.exec(`
      CREATE TEMP TABLE line_writes (n INTEGER NOT NULL); INSERT INTO line_writes VALUES (0);
      CREATE TEMP TRIGGER count_line_writes AFTER UPDATE ON main.order_lines BEGIN UPDATE line_writes SET n = n + 1; END;
    `);
    const cart = await till.call('cart.scan', { barcode: withCheckDigit(`29${String(7).padStart(10, '0')}`) });
    expect(cart.lines[7].quantity).toBe(2);
    // Its quantity, then its pricing: the other 59 lines are left alone.
    expect(till.db.prepare('SELECT n FROM line_writes').pluck().get()).toBe(2);
    expect(cart).toEqual(stored(till));
  });

  it('shows a product deleted from the catalog as the stored lines do', async () => {
    const demo = openTestTill({ clock: clock.clock });
    try {
      const cart = await demo.call('cart.scan', { barcode: '2000001000007' });
      expect(cart.lines[0].productId).not.toBeNull();
      await demo.call('catalog.clearDemo', {});
      const after = await demo.call('cart.get', {});
      expect(after.lines[0].productId).toBeNull();
      expect(after).toEqual(stored(demo));
    } finally {
      demo.close();
    }
  });

  it('is the cart as it was when a change fails inside its transaction', async () => {
    const before = await till.call('cart.scan', { barcode: coffee.barcode });
    till.db.exec(
      "CREATE TEMP TRIGGER fail_journal BEFORE INSERT ON journal BEGIN SELECT RAISE(ABORT, 'disk on fire'); END",
    );
    await expect(till.call('cart.scan', { barcode: coffee.barcode })).rejects.toThrow('disk on fire');
    await expect(till.call('cart.scan', { barcode: cake.barcode })).rejects.toThrow('disk on fire');
    expect(await till.call('cart.get', {})).toEqual(before);
    till.db.exec('DROP TRIGGER fail_journal');
    const after = await till.call('cart.scan', { barcode: coffee.barcode });
    expect(after.lines.map((l) => l.quantity)).toEqual([2]);
    expect(after).toEqual(stored(till));
  });
});

describe('order numbers', () => {
  it('go on after a restart and start again each day', async () => {
    const dataDir = tempDataDir();
    const sell = async (t: TestTill) => {
      await t.call('cart.scan', { barcode: 'TEA' });
      return (await t.call('checkout.cash', { tenderedMinor: 500 })).order.number;
    };
    const first = openTestTill({ dataDir, clock: clock.clock });
    await first.call('products.save', { barcode: 'TEA', name: '茶', priceMinor: 500 });
    expect([await sell(first), await sell(first)]).toEqual(['0001', '0002']);
    first.close();

    const second = openTestTill({ dataDir, clock: clock.clock });
    expect(await sell(second)).toBe('0003');
    clock.set(new Date(2026, 10, 26, 7, 0));
    expect(await sell(second)).toBe('0001');
    second.close();

    // A till whose clock is set back continues that day's numbers.
    clock.set(new Date(2026, 10, 25, 20, 0));
    const third = openTestTill({ dataDir, clock: clock.clock });
    try {
      expect(await sell(third)).toBe('0004');
    } finally {
      third.close();
    }
  });
});
