// Scans drawn before the till answered them. The cart store's `order` stays the till's stored answer;
// these are held apart and only laid over it where the cart is drawn (useShownCart), so nothing that
// acts on the sale (cash, QR pay, hold) ever reads a line the till has not stored.
import { create } from 'zustand';
import type { Order, OrderLine } from '../../../shared/domain';
import { MAX_QUANTITY } from '../../../shared/domain';
import { priceOrder } from '../../../shared/pricing';
import { useCart } from './cart';
import type { CachedProduct } from './scanCache';

export interface PendingScan {
  /** Increasing; a new line drawn for it has the id -seq until the till gives it one. */
  seq: number;
  barcode: string;
  quantity: number;
  product: CachedProduct;
}

export const usePending = create<{ scans: PendingScan[] }>(() => ({ scans: [] }));

/** The till's merge rule (electron/till/cart.ts addProduct): onto its undiscounted line at the same price. */
export function sameLine(l: OrderLine, p: CachedProduct): boolean {
  return (
    l.productId === p.id &&
    l.weightGrams === null &&
    l.lineDiscountMinor === 0 &&
    l.unitPriceMinor === p.priceMinor &&
    l.taxRateBp === p.taxRateBp &&
    l.name === p.name
  );
}

/** Whether the till will store this scan as drawn: a piece-sold product for sale, within a line's limit. */
export function drawable(order: Order, scans: readonly PendingScan[], p: CachedProduct, quantity: number): boolean {
  if (order.locked || !p.active || p.soldByWeight) return false;
  const shown = overlay(order, scans).order;
  const line = shown.lines.find((l) => sameLine(l, p));
  return (line?.quantity ?? 0) + quantity <= MAX_QUANTITY;
}

export interface Shown {
  order: Order;
  /** Lines drawn or raised by a scan the till has not answered yet. */
  pendingIds: ReadonlySet<number>;
}

const NONE: ReadonlySet<number> = new Set();

/**
 * The order as it will be once the till has stored these scans: each raises its line or adds one, then
 * the whole order is repriced as the till does (shared/pricing). Lines whose pricing did not move stay
 * the same objects, so memoized rows are not drawn again.
 */
export function overlay(order: Order, scans: readonly PendingScan[]): Shown {
  if (scans.length === 0) return { order, pendingIds: NONE };
  const lines = [...order.lines];
  const pendingIds = new Set<number>();
  for (const s of scans) {
    const p = s.product;
    const i = lines.findIndex((l) => sameLine(l, p));
    if (i >= 0) {
      lines[i] = { ...lines[i], quantity: lines[i].quantity + s.quantity };
      pendingIds.add(lines[i].id);
    } else {
      lines.push({
        id: -s.seq,
        productId: p.id,
        barcode: p.barcode,
        name: p.name,
        nameEn: p.nameEn,
        unitPriceMinor: p.priceMinor,
        quantity: s.quantity,
        taxRateBp: p.taxRateBp,
        grossMinor: 0,
        lineDiscountMinor: 0,
        orderDiscountShareMinor: 0,
        totalMinor: 0,
        taxMinor: 0,
        weightGrams: null,
      });
      pendingIds.add(-s.seq);
    }
  }
  const priced = priceOrder(lines, order.orderDiscountMinor);
  const repriced = lines.map((l, i) => {
    const p = priced.lines[i];
    const same =
      l.grossMinor === p.grossMinor &&
      l.lineDiscountMinor === p.lineDiscountMinor &&
      l.orderDiscountShareMinor === p.orderDiscountShareMinor &&
      l.totalMinor === p.totalMinor &&
      l.taxMinor === p.taxMinor;
    return same ? l : { ...l, ...p };
  });
  return {
    order: {
      ...order,
      lines: repriced,
      subtotalMinor: priced.subtotalMinor,
      discountMinor: priced.discountMinor,
      totalMinor: priced.totalMinor,
      taxMinor: priced.taxMinor,
      itemCount: priced.itemCount,
      dueMinor: Math.max(0, priced.totalMinor - order.paidMinor),
    },
    pendingIds,
  };
}

let memo: { order: Order | null; scans: readonly PendingScan[]; shown: Shown | null } = {
  order: null,
  scans: [],
  shown: null,
};

function shownOf(order: Order | null, scans: readonly PendingScan[]): Shown | null {
  if (memo.order !== order || memo.scans !== scans) {
    memo = { order, scans, shown: order ? overlay(order, scans) : null };
  }
  return memo.shown;
}

/** The cart as drawn: the till's stored order with the scans on their way laid over it. */
export function useShownCart<T>(select: (shown: Shown | null) => T): T {
  const order = useCart((s) => s.order);
  const scans = usePending((s) => s.scans);
  return select(shownOf(order, scans));
}

const settledWaiters: (() => void)[] = [];

/** Resolves once no scan is on its way (at once if none is): what the till stored is then all there is. */
export function scansSettled(): Promise<void> {
  if (usePending.getState().scans.length === 0) return Promise.resolve();
  return new Promise((resolve) => settledWaiters.push(resolve));
}

export function addPending(scan: PendingScan): void {
  usePending.setState((s) => ({ scans: [...s.scans, scan] }));
}

export function removePending(seq: number): void {
  usePending.setState((s) => ({ scans: s.scans.filter((x) => x.seq !== seq) }));
}

/** Run after the last pending scan is gone. */
export function notifySettled(): void {
  if (usePending.getState().scans.length) return;
  for (const resolve of settledWaiters.splice(0)) resolve();
}
