// The scan drawn ahead: what is drawn at once, what the till's answer and pushes do to it, what waits.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Order, OrderLine } from '../../../shared/domain';
import { priceOrder } from '../../../shared/pricing';

type Answer = { ok: true; value: Order } | { ok: false; error: { code: string; message: string } };
const calls: { method: string; input: unknown; answer: (a: Answer) => void }[] = [];
const pushListeners: ((o: Order) => void)[] = [];

vi.mock('../api/client', () => ({
  client: {
    call: (method: string, input: unknown) => new Promise((answer) => calls.push({ method, input, answer })),
    on: (event: string, l: (o: Order) => void) => {
      if (event === 'cart.changed') pushListeners.push(l);
      return () => {};
    },
    onConnect: () => () => {},
  },
}));
const beeps = vi.hoisted(() => ({ n: 0 }));
vi.mock('../beep', () => ({ beep: () => beeps.n++ }));

const { applyOrder, cart, scanToCart, syncCart, useCart } = await import('./cart');
const { overlay, scansSettled, usePending } = await import('./pending');
const { setScanCache } = await import('./scanCache');
const { useUi } = await import('./ui');

function line(id: number, productId: number, quantity: number, price: number): OrderLine {
  return {
    id,
    productId,
    barcode: `B${productId}`,
    name: `P${productId}`,
    nameEn: '',
    unitPriceMinor: price,
    quantity,
    taxRateBp: 0,
    grossMinor: price * quantity,
    lineDiscountMinor: 0,
    orderDiscountShareMinor: 0,
    totalMinor: price * quantity,
    taxMinor: 0,
    weightGrams: null,
  };
}

function order(revision: number, lines: OrderLine[], extra: Partial<Order> = {}): Order {
  const p = priceOrder(lines, 0);
  return {
    id: 1,
    number: '',
    status: 'draft',
    currency: 'CNY',
    revision,
    createdAt: '',
    completedAt: null,
    heldLabel: null,
    lines,
    subtotalMinor: p.subtotalMinor,
    orderDiscountMinor: 0,
    discountMinor: 0,
    totalMinor: p.totalMinor,
    taxMinor: 0,
    itemCount: p.itemCount,
    payments: [],
    paidMinor: 0,
    dueMinor: p.totalMinor,
    openPaymentId: null,
    locked: false,
    isDemo: false,
    ...extra,
  };
}

/** What the page draws: the stored order with the pending scans over it. */
const shown = () => overlay(useCart.getState().order!, usePending.getState().scans);
const flush = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  calls.length = 0;
  usePending.setState({ scans: [] });
  useCart.setState({ order: null, selectedLineId: null });
  setScanCache({
    version: 'v1',
    unchanged: false,
    ids: [1, 2, 3, 4],
    barcodes: ['B1', 'B2', 'B3', 'B4'],
    names: ['P1', 'P2', 'P3', 'P4'],
    namesEn: ['', '', '', ''],
    prices: [100, 250, 900, 500],
    taxRates: [0, 0, 0, 0],
    // 3: sold by weight; 4: not for sale.
    flags: [1, 1, 3, 0],
  });
  applyOrder(order(5, [line(10, 1, 1, 100)]), true);
});

describe('a scan drawn ahead of the till', () => {
  it('raises the existing line and adds a new one at once, totals included, then takes the answers', async () => {
    const first = scanToCart('B1');
    const second = scanToCart('B2');
    const now = shown();
    expect(now.order.lines.map((l) => [l.id, l.quantity, l.totalMinor])).toEqual([
      [10, 2, 200],
      [-2, 1, 250],
    ]);
    expect(now.order.totalMinor).toBe(450);
    expect([...now.pendingIds].sort()).toEqual([-2, 10]);
    // The store's order is still what the till stored.
    expect(useCart.getState().order!.revision).toBe(5);
    expect(useCart.getState().order!.totalMinor).toBe(100);

    calls[0].answer({ ok: true, value: order(6, [line(10, 1, 2, 100)]) });
    await first;
    expect(shown().order.lines.map((l) => [l.id, l.quantity])).toEqual([
      [10, 2],
      [-2, 1],
    ]);
    calls[1].answer({ ok: true, value: order(7, [line(10, 1, 2, 100), line(11, 2, 1, 250)]) });
    await second;
    expect(usePending.getState().scans).toEqual([]);
    expect(shown().order.lines.map((l) => [l.id, l.quantity])).toEqual([
      [10, 2],
      [11, 1],
    ]);
    expect(useCart.getState().selectedLineId).toBe(11);
  });

  it('holds a push of the scan until its answer, so the line is never shown twice', async () => {
    syncCart();
    calls.length = 0; // cart.get of syncCart
    const scan = scanToCart('B2');
    const stored = order(6, [line(10, 1, 1, 100), line(11, 2, 1, 250)]);
    for (const l of pushListeners) l(stored);
    expect(shown().order.lines).toHaveLength(2);
    calls[0].answer({ ok: true, value: stored });
    await scan;
    expect(shown().order.lines.map((l) => l.id)).toEqual([10, 11]);
  });

  it('takes a refused scan back, with the beep and the message', async () => {
    const before = beeps.n;
    const scan = scanToCart('B2');
    expect(shown().order.lines).toHaveLength(2);
    calls[0].answer({ ok: false, error: { code: 'PRODUCT_INACTIVE', message: 'P2 is not for sale' } });
    expect(await scan).toBe(false);
    expect(shown().order.lines.map((l) => l.id)).toEqual([10]);
    expect(beeps.n).toBe(before + 1);
    expect(JSON.stringify(useUi.getState())).toContain('PRODUCT_INACTIVE');
    expect(useCart.getState().selectedLineId).toBe(10);
  });

  it('leaves what the cache cannot decide to the till: unknown codes, weighed goods, not for sale, a locked cart', async () => {
    for (const code of ['999', 'B3', 'B4']) {
      void scanToCart(code);
      expect(usePending.getState().scans).toEqual([]);
    }
    applyOrder(order(6, [line(10, 1, 1, 100)], { locked: true }), true);
    void scanToCart('B1');
    expect(usePending.getState().scans).toEqual([]);
    expect(calls.map((c) => (c.input as { barcode: string }).barcode)).toEqual(['999', 'B3', 'B4', 'B1']);
  });

  it('lets what waits for the stored total go on only once every scan landed', async () => {
    let settled = false;
    const scan = scanToCart('B1');
    void scansSettled().then(() => {
      settled = true;
    });
    await flush();
    expect(settled).toBe(false);
    calls[0].answer({ ok: true, value: order(6, [line(10, 1, 2, 100)]) });
    await scan;
    await flush();
    expect(settled).toBe(true);
    expect(useCart.getState().order!.totalMinor).toBe(200);
  });

  it('makes + on a line a scan is raising wait for the scan, then add one to what the till stored', async () => {
    const scan = scanToCart('B1');
    expect(shown().order.lines[0].quantity).toBe(2);
    const plus = cart.step(10, 1);
    await flush();
    // Nothing goes to the till before the scan landed: a +1 from the stored 1 would undo the scan.
    expect(calls.map((c) => c.method)).toEqual(['cart.scan']);
    calls[0].answer({ ok: true, value: order(6, [line(10, 1, 2, 100)]) });
    await scan;
    await flush();
    expect(calls.map((c) => [c.method, c.input])).toEqual([
      ['cart.scan', { barcode: 'B1', quantity: 1 }],
      ['cart.setQuantity', { lineId: 10, quantity: 3 }],
    ]);
    calls[1].answer({ ok: true, value: order(7, [line(10, 1, 3, 100)]) });
    await plus;
    expect(useCart.getState().order!.lines[0].quantity).toBe(3);
  });

  it('makes + on a line drawn ahead act on the line the till stored for it', async () => {
    const scan = scanToCart('B2');
    const drawn = shown().order.lines.find((l) => l.id < 0)!;
    const plus = cart.step(drawn.id, 1);
    calls[0].answer({ ok: true, value: order(6, [line(10, 1, 1, 100), line(11, 2, 1, 250)]) });
    await scan;
    await flush();
    expect(calls[1]).toMatchObject({ method: 'cart.setQuantity', input: { lineId: 11, quantity: 2 } });
    calls[1].answer({ ok: true, value: order(7, [line(10, 1, 1, 100), line(11, 2, 2, 250)]) });
    await plus;
  });
});
