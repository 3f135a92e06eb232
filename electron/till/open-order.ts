// The open order: the till's one 'draft' order, which the cart edits and payments pay. This module owns it:
// the copy of its rows held in memory, its order number, its completion and the next customer's empty
// draft. Others change it through these operations and follow it through `follow` (the customer display)
// and the bus ('cart.changed'); none of them reads or drops its copy.
//
// Between changes the open order's rows stay in memory: each transaction first reads which order is the
// draft and at which revision (one index entry) and reads the rows again only when those differ. Every
// write to a draft bumps its revision; a transaction that fails drops the copy (see write()); and the one
// write from outside that touches lines without one (a product deleted: its lines' product_id becomes
// null) calls forget().
//
// Order numbers ("0042") are assigned when the sale completes, per till and business day (business-day.ts), or earlier when
// the order's first wallet payment starts (the customer display and the phone page show it); such a
// reserved number stays the order's, so a number is never given twice.
import { TillError } from '../../shared/api';
import type { Order, Payment } from '../../shared/domain';
import { dueOf, openPaymentOf, paidTowards } from '../../shared/payment';
import type { LineRow, OrderRow } from '../db/orders';
import { tillBusinessDay } from './business-day';
import { isoNow, type TillContext } from './context';

/** The open order's row, lines and payments, as stored. */
export interface OpenCart {
  draft: OrderRow;
  lines: LineRow[];
  payments: Payment[];
}

/** Cash taken for an order: `part` when it is a split tender's cash part (the rest is paid another way). */
export interface CashTaken {
  amountMinor: number;
  tenderedMinor: number;
  changeMinor: number;
  part?: true;
}

/** A completed sale as the customer sees it: what was given and the change. */
export interface SaleShown {
  order: Order;
  tenderedMinor: number;
  changeMinor: number;
}

/** What followers hear after 'cart.changed': the open order now, and the sale that made it, if one did. */
export interface OpenOrderChange {
  cart: Order;
  sale?: SaleShown;
}

export type OpenOrderFollower = (change: OpenOrderChange) => void;

/**
 * How an order completed: a cash sale at the till, a wallet payment while the customer waits, or later (a
 * late payment applied from the attention list). `receipt`: the cashier's per-sale choice, when made.
 */
export interface Completion {
  orderId: number;
  how: 'cash' | 'wallet' | 'late';
  receipt?: boolean;
}

/** Runs inside the transaction that completes the order (printing stores the receipt's job there). */
export type CompletionHook = (c: Completion) => void;

export class OpenOrder {
  /** The draft, its lines and payments as last committed; undefined when not known. */
  private open: OpenCart | undefined;
  private readonly followers = new Set<OpenOrderFollower>();
  private readonly completionHooks: CompletionHook[] = [];

  constructor(private readonly ctx: TillContext) {}

  private get orders() {
    return this.ctx.repos.orders;
  }

  /** Hears every change of the open order after the bus did; returns the way to stop. */
  follow(follower: OpenOrderFollower): () => void {
    this.followers.add(follower);
    return () => this.followers.delete(follower);
  }

  /** Runs `hook` inside every transaction that completes an order, after its journal row. */
  onComplete(hook: CompletionHook): void {
    this.completionHooks.push(hook);
  }

  /** Drops the copy held in memory (after its rows were changed from outside). */
  forget(): void {
    this.open = undefined;
  }

  /** The open order, created empty when there is none. */
  get(): Order {
    return this.write(() => this.orderOf(this.rows()));
  }

  /** One transaction; if it fails, the rows it may have changed in memory are dropped with it. */
  write<T>(fn: () => T): T {
    try {
      return this.ctx.tx(fn);
    } catch (err) {
      this.open = undefined;
      throw err;
    }
  }

  /**
   * A transaction that changes payments or orders from outside the cart: whatever happens, the copy is
   * dropped afterwards (the next read takes the rows as committed).
   */
  writeOutside<T>(fn: () => T): T {
    try {
      return this.ctx.tx(fn);
    } finally {
      this.open = undefined;
    }
  }

  /** Inside a transaction: the draft (created when there is none) with its lines, read only if changed. */
  rows(): OpenCart {
    const stored = this.orders.draftRevision(this.ctx.tillId);
    const open = this.open;
    if (stored && open && open.draft.id === stored.id && open.draft.revision === stored.revision) return open;
    this.open = stored
      ? {
          draft: this.orders.byId(stored.id)!,
          lines: this.orders.lines(stored.id),
          payments: this.ctx.repos.payments.forOrder(stored.id),
        }
      : { draft: this.newDraft(isoNow(this.ctx)), lines: [], payments: [] };
    return this.open;
  }

  /** Inside the caller's transaction: the open order's row, lines and payments as stored now. */
  fresh(): OpenCart {
    this.open = undefined;
    return this.rows();
  }

  private newDraft(now: string): OrderRow {
    return this.orders.insertDraft(this.ctx.tillId, this.ctx.settings.get().currency, now, this.ctx.staff.current());
  }

  /** Inside the caller's transaction that ended the draft (completed, held): the next customer's empty cart. */
  openEmpty(now: string): Order {
    this.open = { draft: this.newDraft(now), lines: [], payments: [] };
    return this.orderOf(this.open);
  }

  orderOf(open: OpenCart): Order {
    return this.orders.toOrder(open.draft, open.lines, open.payments);
  }

  /** An order with its lines and payments, as stored now. */
  orderById(id: number): Order {
    return this.orders.toOrder(this.orders.byId(id)!, this.orders.lines(id), this.ctx.repos.payments.forOrder(id));
  }

  /**
   * Inside the caller's transaction: the open order's number, reserved now if it has none yet (its first
   * wallet payment starts), with its 'order.numberReserved' journal row.
   */
  reserveNumber(open: OpenCart, when: Date): void {
    const { draft } = open;
    if (draft.number) return;
    const now = when.toISOString();
    const day = tillBusinessDay(this.ctx, when);
    const number = this.orders.nextNumber(this.ctx.tillId, day);
    this.orders.reserveNumber(draft, number, day, now);
    this.ctx.repos.journal.append(now, 'order.numberReserved', { orderId: draft.id }, { number, day });
  }

  /**
   * Inside the caller's transaction: cash for the open order, all that is due (the sale) or a part (split
   * tender), stored with its 'payment.recorded' journal row. Refused when the cart is empty or a payment
   * holds it; `take` is told what is due and answers what is taken, or refuses by throwing.
   */
  takeCash(open: OpenCart, now: string, take: (dueMinor: number) => CashTaken): Payment {
    const { draft } = open;
    if (open.lines.length === 0) throw new TillError('CART_EMPTY', 'The cart is empty');
    assertNoOpenPayment(open.payments);
    const cash = take(dueOf(draft.total_minor, open.payments));
    const payment = this.ctx.repos.payments.insert({
      orderId: draft.id,
      method: 'cash',
      status: 'paid',
      amountMinor: cash.amountMinor,
      tenderedMinor: cash.tenderedMinor,
      changeMinor: cash.changeMinor,
      staffId: null,
      createdAt: now,
    });
    open.payments.push(payment);
    this.ctx.repos.journal.append(
      now,
      'payment.recorded',
      { orderId: draft.id, paymentId: payment.id },
      { method: 'cash', ...cash },
    );
    return payment;
  }

  /**
   * Inside the caller's transaction: completes an open order (draft or held) under its reserved number or
   * the day's next one, with its 'sale.completed' journal row. `between` runs after the order row is
   * written and before the journal row.
   */
  complete(row: OrderRow, when: Date, between?: () => void, how: Omit<Completion, 'orderId'> = { how: 'cash' }): void {
    const now = when.toISOString();
    const day = row.business_day ?? tillBusinessDay(this.ctx, when);
    const number = row.number || this.orders.nextNumber(this.ctx.tillId, day);
    this.orders.complete(row, number, day, now);
    between?.();
    this.ctx.repos.journal.append(
      now,
      'sale.completed',
      { orderId: row.id },
      // Tax and day too: "Verify journal" compares them with the order row.
      {
        number,
        totalMinor: row.total_minor,
        itemCount: row.item_count,
        currency: row.currency,
        taxMinor: row.tax_minor,
        day,
      },
    );
    for (const hook of this.completionHooks) hook({ orderId: row.id, ...how });
  }

  /**
   * Inside a transaction: completes an order paid in full (its reserved number kept); when it was the open
   * order, the next customer's empty one takes its place.
   */
  completePaid(orderId: number, when: Date, how: 'wallet' | 'late' = 'wallet'): { sold: Order; cart: Order | null } {
    const row = this.orders.byId(orderId)!;
    const wasCart = row.status === 'draft' && row.till_id === this.ctx.tillId;
    this.complete(row, when, undefined, { how });
    const sold = this.orderById(row.id);
    const cart = wasCart ? this.openEmpty(when.toISOString()) : null;
    return { sold, cart };
  }

  /**
   * Inside a transaction: the open order, if it is this order, is put aside (held, 'unsettled') and an
   * empty one opened, which is returned; null when the order is not the open one.
   */
  holdUnsettled(orderId: number, now: string): Order | null {
    const order = this.orders.byId(orderId)!;
    if (order.status !== 'draft' || order.till_id !== this.ctx.tillId) return null;
    this.orders.hold(order.id, null, now);
    this.ctx.repos.journal.append(now, 'cart.held', { orderId: order.id }, { label: null, reason: 'unsettled' });
    return this.openEmpty(now);
  }

  /** Tells everyone of the open order now: 'cart.changed' on the bus, then the followers (with the sale). */
  announce(cart: Order, sale?: SaleShown): void {
    this.ctx.bus.emit('cart.changed', cart);
    const change: OpenOrderChange = sale ? { cart, sale } : { cart };
    for (const f of this.followers) f(change);
  }

  /** The open order changed from outside (a payment moved): read it again and announce it. */
  pushCurrent(): Order {
    this.open = undefined;
    const cart = this.get();
    this.announce(cart);
    return cart;
  }

  /** A payment of `orderId` moved: announced when that is the open order, else only the copy is dropped. */
  paymentMoved(orderId: number): void {
    const draft = this.orders.draftRevision(this.ctx.tillId);
    if (draft?.id === orderId) this.pushCurrent();
    else this.forget();
  }
}

function assertNoOpenPayment(payments: readonly Payment[]): void {
  const open = openPaymentOf(payments);
  if (open) {
    throw new TillError('PAYMENT_OPEN', 'A payment is still open for this order', {
      paymentId: open.id,
      status: open.status,
    });
  }
}

/** Lines, discounts, hold and void wait while a payment is open or part of the total is paid. */
export function assertUnlocked(payments: readonly Payment[]): void {
  const open = openPaymentOf(payments);
  if (open) {
    throw new TillError('CART_LOCKED', 'The cart is locked while a payment is open', {
      paymentId: open.id,
      status: open.status,
    });
  }
  const paidMinor = paidTowards(payments);
  if (paidMinor > 0) {
    throw new TillError('CART_LOCKED', 'Part of this order is paid: its lines cannot change', { paidMinor });
  }
}
