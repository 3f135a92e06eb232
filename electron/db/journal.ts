// The append-only journal: one row per meaningful event. Triggers refuse UPDATE and DELETE.
import type { Database, Statement } from 'better-sqlite3';
import { maskPaymentCodesIn, type PaymentState } from '../../shared/payment';
import type { StaffJournalEvent } from '../../shared/staff';

export type JournalKind =
  | 'cart.lineAdded'
  | 'cart.lineChanged'
  | 'cart.lineRemoved'
  | 'cart.lineDiscount'
  | 'cart.orderDiscount'
  | 'cart.voided'
  | 'cart.held'
  | 'cart.recalled'
  | 'sale.completed'
  | 'payment.recorded'
  // A wallet or bank attempt: created, then one row per state it moves to (payment.pending, payment.paid, ...).
  | 'payment.created'
  | `payment.${PaymentState}`
  | 'payment.abandoned'
  | 'payment.attention'
  | 'payment.applied'
  | 'payment.dismissed'
  | 'payment.providerError'
  | 'payment.notificationRejected'
  // "Pay ¥0.01 yourself" in Settings → Payments: each step of a test trade (no order, no sale).
  | 'payment.test'
  | 'refund.requested'
  | 'refund.updated'
  | 'order.numberReserved'
  | 'product.saved'
  | 'catalog.imported'
  // An import that failed part way, or that a killed process left running, undone from its undo log.
  | 'catalog.importRolledBack'
  | 'catalog.demoLoaded'
  | 'catalog.demoCleared'
  | 'settings.changed'
  | `staff.${StaffJournalEvent}`
  // The cash drawer opened without a sale ("Open drawer", "Test drawer"), and receipts printed again.
  | 'drawer.opened'
  | 'receipt.reprinted';

/** The order and payment a journal row is about. */
export interface JournalRefs {
  orderId?: number | null;
  paymentId?: number | null;
}

export interface JournalEntry {
  id: number;
  at: string;
  kind: JournalKind;
  orderId: number | null;
  paymentId: number | null;
  data: Record<string, unknown>;
}

interface JournalRow {
  id: number;
  at: string;
  kind: JournalKind;
  order_id: number | null;
  payment_id: number | null;
  data: string;
}

export class JournalRepo {
  private readonly insertStmt: Statement<[string, string, number | null, number | null, string]>;
  private readonly forOrderStmt: Statement<[number], JournalRow>;
  private readonly recentStmt: Statement<[number], JournalRow>;

  constructor(db: Database) {
    this.insertStmt = db.prepare('INSERT INTO journal (at, kind, order_id, payment_id, data) VALUES (?, ?, ?, ?, ?)');
    this.forOrderStmt = db.prepare('SELECT * FROM journal WHERE order_id = ? ORDER BY id');
    this.recentStmt = db.prepare('SELECT * FROM journal ORDER BY id DESC LIMIT ?');
  }

  append(at: string, kind: JournalKind, refs: JournalRefs = {}, data: Record<string, unknown> = {}): void {
    this.insertStmt.run(at, kind, refs.orderId ?? null, refs.paymentId ?? null, JSON.stringify(data));
  }

  /** A row about payments: every run of digits that may be a customer's payment code is masked first. */
  appendMasked(at: string, kind: JournalKind, refs: JournalRefs, data: Record<string, unknown>): void {
    this.insertStmt.run(
      at,
      kind,
      refs.orderId ?? null,
      refs.paymentId ?? null,
      maskPaymentCodesIn(JSON.stringify(data)),
    );
  }

  forOrder(orderId: number): JournalEntry[] {
    return this.forOrderStmt.all(orderId).map(toEntry);
  }

  /** Newest first. */
  recent(limit: number): JournalEntry[] {
    return this.recentStmt.all(limit).map(toEntry);
  }
}

function toEntry(r: JournalRow): JournalEntry {
  return { id: r.id, at: r.at, kind: r.kind, orderId: r.order_id, paymentId: r.payment_id, data: JSON.parse(r.data) };
}
