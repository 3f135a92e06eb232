// The open sale: the server's draft order. Updated from call results and cart.changed pushes; an
// older revision of the same order never replaces a newer one, and line objects that did not change
// are kept, so memoized rows of a 200-line cart skip re-rendering.
import { flushSync } from 'react-dom';
import { create } from 'zustand';
import type { ApiError, MethodInput, MethodName } from '../../../shared/api';
import type { Order, OrderLine } from '../../../shared/domain';
import { client } from '../api/client';
import { isUnsure } from '../api/http';
import { beep } from '../beep';
import {
  addPending,
  drawable,
  notifySettled,
  overlay,
  removePending,
  sameLine,
  scansSettled,
  usePending,
} from './pending';
import { cachedProduct } from './scanCache';
import { shareLines } from './share';
import { showError } from './ui';

interface CartState {
  order: Order | null;
  /** The line +/- and Delete act on: the last one added or changed, or the one tapped. */
  selectedLineId: number | null;
}

export const useCart = create<CartState>(() => ({ order: null, selectedLineId: null }));

/** Drafts we moved away from (sold, held, voided), with the revision they had: late pushes of them are dropped. */
const retired = new Map<number, number>();

/**
 * `authoritative`: a reply to our own call (or a fresh cart.get), as opposed to a push. `alongside` runs
 * in the same render (a pending scan taken off as its answer goes on, so the line never flickers).
 */
export function applyOrder(incoming: Order, authoritative: boolean, alongside?: () => void): void {
  if (incoming.status !== 'draft') {
    if (alongside) flushSync(alongside);
    return;
  }
  const { order: current, selectedLineId } = useCart.getState();
  if (current && incoming.id === current.id) {
    if (incoming.revision <= current.revision) {
      if (alongside) flushSync(alongside);
      return;
    }
  } else {
    const retiredAt = retired.get(incoming.id);
    if (!authoritative && retiredAt !== undefined && incoming.revision <= retiredAt) return;
    retired.delete(incoming.id);
    if (current) retired.set(current.id, current.revision);
  }
  const sameOrder = current?.id === incoming.id;
  const { lines, changedId } = shareLines(sameOrder ? current.lines : [], incoming.lines);
  let selected = changedId ?? selectedLineId;
  if (selected !== null && !lines.some((l) => l.id === selected)) selected = lines.at(-1)?.id ?? null;
  // Rendered at once rather than on the scheduler's next task: scan -> painted line is the till's
  // most watched latency, and this is one small, self-contained update.
  flushSync(() => {
    useCart.setState({ order: { ...incoming, lines }, selectedLineId: selected });
    alongside?.();
  });
}

/**
 * A push. While a scan drawn ahead is on its way, the till's push of that very scan comes before its
 * answer and would show it twice under the pending overlay: the latest push waits for the scans to land.
 */
let heldPush: Order | null = null;
function applyPush(order: Order): void {
  if (usePending.getState().scans.length) heldPush = order;
  else applyOrder(order, false);
}

let seq = 0;

/**
 * A scan from the scanner: drawn at once from the page's catalog cache when the till will surely store it
 * as drawn (an exact, active, piece-sold product on an unlocked cart), marked pending until the till's
 * answer replaces it; a refusal takes it back with the beep and message. Anything else goes the till's
 * way only (cart.scan), as before.
 */
export async function scanToCart(barcode: string, quantity = 1): Promise<boolean> {
  const order = useCart.getState().order;
  const product = cachedProduct(barcode);
  if (!order || !product || !drawable(order, usePending.getState().scans, product, quantity)) {
    return cart.scan(barcode, quantity);
  }
  const pending = { seq: ++seq, barcode, quantity, product };
  flushSync(() => {
    addPending(pending);
    const shown = overlay(order, usePending.getState().scans);
    const line = shown.order.lines.find((l) => shown.pendingIds.has(l.id) && sameLine(l, product));
    if (line) useCart.setState({ selectedLineId: line.id });
  });
  const r = await client.call('cart.scan', { barcode, quantity });
  const land = () => {
    removePending(pending.seq);
    // A refused new line was selected: the selection goes back to a stored line.
    const { order: stored, selectedLineId } = useCart.getState();
    if (
      selectedLineId !== null &&
      selectedLineId < 0 &&
      !usePending.getState().scans.some((x) => -x.seq === selectedLineId)
    ) {
      useCart.setState({ selectedLineId: stored?.lines.at(-1)?.id ?? null });
    }
  };
  if (r.ok) applyOrder(r.value, true, land);
  else flushSync(land);
  if (!r.ok) unknownBarcode(barcode)(r.error);
  if (!usePending.getState().scans.length) {
    const push = heldPush;
    heldPush = null;
    if (push) applyOrder(push, false);
    notifySettled();
  }
  return r.ok;
}

export function selectLine(lineId: number | null): void {
  useCart.setState({ selectedLineId: lineId });
}

type OrderMethod = {
  [M in MethodName]: M extends `cart.${string}` ? M : never;
}[MethodName];

/** Runs a cart method; applies the new order, or shows the error and changes nothing. */
async function mutate<M extends OrderMethod>(
  method: M,
  input: MethodInput<M>,
  onError: (e: ApiError) => void = showError,
): Promise<boolean> {
  const r = await client.call(method, input);
  if (!r.ok) {
    onError(r.error);
    return false;
  }
  applyOrder(r.value as Order, true);
  return true;
}

// Relative changes (+1, -1) run one after another, each from the latest state, so three quick taps
// on + add three and never send the same target quantity twice.
let queue: Promise<unknown> = Promise.resolve();
function enqueue(task: () => Promise<unknown>): Promise<unknown> {
  queue = queue.then(task, task);
  return queue;
}

/** A scan the till refused: the cashier hears it, since they are looking at the goods, not the screen. */
const BEEPS = new Set<string>([
  'UNKNOWN_BARCODE',
  'PRODUCT_INACTIVE',
  'BAD_CHECK_DIGIT',
  'SCALE_ITEM_UNKNOWN',
  'NOT_SOLD_BY_WEIGHT',
]);

function unknownBarcode(barcode: string) {
  return (e: ApiError) => {
    if (BEEPS.has(e.code)) beep();
    // The till's own (masked where needed) barcode wins over the one scanned.
    showError({ ...e, params: { barcode, ...e.params } });
  };
}

/**
 * A scale label that also has a payment code's shape (see scanRoute 'scaleFirst'). 'added': sold as a label,
 * with the product it sold; 'notAnItem': no product has its item number, so it is no label of ours.
 */
export async function scanScaleLabel(
  barcode: string,
): Promise<{ result: 'added'; line: OrderLine } | { result: 'notAnItem' } | { result: 'refused' }> {
  const r = await client.call('cart.scan', { barcode, quantity: 1 });
  if (r.ok) {
    applyOrder(r.value, true);
    // A label is always a new line: the last one.
    const line = r.value.lines.at(-1);
    if (line) return { result: 'added', line };
  }
  if (r.ok) return { result: 'refused' };
  if (r.error.code === 'SCALE_ITEM_UNKNOWN') return { result: 'notAnItem' };
  unknownBarcode(barcode)(r.error);
  return { result: 'refused' };
}

/**
 * A line change waits for scans still on their way, so it acts on the quantity the till stored and is never
 * overwritten by (or overwrites) a scan. A line drawn ahead (negative id) is the till's selected line by then.
 */
async function afterScans(lineId: number, act: (id: number) => Promise<boolean>): Promise<boolean> {
  await scansSettled();
  const id = lineId < 0 ? useCart.getState().selectedLineId : lineId;
  if (id === null || id < 0) return false;
  return act(id);
}

export const cart = {
  scan: (barcode: string, quantity = 1) => mutate('cart.scan', { barcode, quantity }, unknownBarcode(barcode)),
  addProduct: (productId: number, quantity = 1) => mutate('cart.addProduct', { productId, quantity }),
  setQuantity: (lineId: number, quantity: number) =>
    afterScans(lineId, (id) => mutate('cart.setQuantity', { lineId: id, quantity })),
  step: (lineId: number, delta: 1 | -1) =>
    enqueue(() =>
      afterScans(lineId, async (id) => {
        const line = useCart.getState().order?.lines.find((l) => l.id === id);
        const quantity = line ? line.quantity + delta : 0;
        if (!line || quantity < 1 || quantity > 9999) return false;
        return mutate('cart.setQuantity', { lineId: id, quantity });
      }),
    ),
  removeLine: (lineId: number) => enqueue(() => afterScans(lineId, (id) => mutate('cart.removeLine', { lineId: id }))),
  setLineDiscount: (lineId: number, discountMinor: number) =>
    afterScans(lineId, (id) => mutate('cart.setLineDiscount', { lineId: id, discountMinor })),
  setOrderDiscount: (discountMinor: number) => mutate('cart.setOrderDiscount', { discountMinor }),
  /** A price override for this sale: the owner's, or a cashier's with the owner's PIN (asked by request()). */
  setPrice: (lineId: number, unitPriceMinor: number) =>
    afterScans(lineId, (id) => mutate('cart.setPrice', { lineId: id, unitPriceMinor })),
  void: () => mutate('cart.void', {}),
  hold: (label?: string) => mutate('cart.hold', label ? { label } : {}),
  recall: (orderId: number) => mutate('cart.recall', { orderId }),
};

/** A sold-by-weight product with the weight the cashier typed; the till prices it as a scale label. */
export async function addWeighed(productId: number, weightGrams: number): Promise<'added' | 'unsure' | 'refused'> {
  let unsure = false;
  const ok = await mutate('cart.addWeighed', { productId, weightGrams }, (e) => {
    unsure = isUnsure(e);
    showError(e);
  });
  return ok ? 'added' : unsure ? 'unsure' : 'refused';
}

export async function loadCart(): Promise<void> {
  const r = await client.call('cart.get', {});
  if (r.ok) applyOrder(r.value, true);
}

/** Cash sale; on success the cart becomes the fresh draft the server returns. */
/** receipt: false for "no receipt" on this sale; undefined keeps the shop's default. */
export async function checkoutCash(tenderedMinor: number, receipt?: boolean) {
  const r = await client.call('checkout.cash', receipt === undefined ? { tenderedMinor } : { tenderedMinor, receipt });
  if (!r.ok) {
    showError(r.error);
    return undefined;
  }
  applyOrder(r.value.cart, true);
  return r.value;
}

export function syncCart(): () => void {
  void loadCart();
  const offs = [client.on('cart.changed', applyPush), client.onConnect(() => void loadCart())];
  return () => {
    for (const off of offs) off();
  };
}
