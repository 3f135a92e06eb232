// Payments SQL: every attempt is a row whose status moves through the state machine in shared/payment.ts.
// A move is ONE `UPDATE … WHERE id = ? AND status = <expected>` written together with its journal row;
// when no row changed, nothing else happens (the caller learns it from the return value).
// Journal rows from here are masked (JournalRepo.appendMasked): a customer's payment code is never stored.
import type { Database, Statement } from 'better-sqlite3';
import type { Payment, PaymentAttention, PaymentMethod } from '../../shared/domain';
import { canTransition, maskPaymentCodesIn, OPEN_STATES, type PaymentState } from '../../shared/payment';
import { type JournalKind, JournalRepo } from './journal';
import { type Transaction, transactionOf } from './transaction';

export interface PaymentRow {
  id: number;
  order_id: number;
  method: PaymentMethod;
  status: PaymentState;
  amount_minor: number;
  tendered_minor: number | null;
  change_minor: number | null;
  staff_id: string | null;
  created_at: string;
  provider: string | null;
  trade_number: string | null;
  provider_ref: string | null;
  qr_content: string | null;
  expires_at: string | null;
  settled_at: string | null;
  confirmed_by_hand: number;
  masked_code: string | null;
  reason: string | null;
  attention: PaymentAttention | null;
  refunded_minor: number;
  is_demo: number;
  updated_at: string;
  group_id: number | null;
}

/** A cash payment, paid at once. */
export interface NewPayment {
  orderId: number;
  method: PaymentMethod;
  status: 'paid';
  amountMinor: number;
  tenderedMinor: number | null;
  changeMinor: number | null;
  staffId: string | null;
  createdAt: string;
}

/** A wallet or bank attempt, stored as 'created' (or 'pending' for a bank QR) before anything is asked. */
export interface NewAttempt {
  orderId: number;
  method: Exclude<PaymentMethod, 'cash'>;
  status: 'created' | 'pending';
  amountMinor: number;
  provider: string;
  tradeNumber: string;
  expiresAt: string | null;
  maskedCode: string | null;
  qrContent: string | null;
  providerRef: string | null;
  isDemo: boolean;
  createdAt: string;
  /** The checkout round it belongs to (see migration 6); null for a bank QR. */
  groupId?: number | null;
}

/** The columns a transition may change besides the status. */
export interface PaymentFields {
  providerRef?: string | null;
  qrContent?: string | null;
  expiresAt?: string | null;
  settledAt?: string | null;
  confirmedByHand?: boolean;
  reason?: string | null;
  attention?: PaymentAttention | null;
  refundedMinor?: number;
}

const COLUMNS: Record<keyof PaymentFields, string> = {
  providerRef: 'provider_ref',
  qrContent: 'qr_content',
  expiresAt: 'expires_at',
  settledAt: 'settled_at',
  confirmedByHand: 'confirmed_by_hand',
  reason: 'reason',
  attention: 'attention',
  refundedMinor: 'refunded_minor',
};

export interface JournalNote {
  at: string;
  kind?: JournalKind;
  data?: Record<string, unknown>;
}

export interface RefundRow {
  id: number;
  refund_number: string;
  payment_id: number;
  amount_minor: number;
  status: 'requested' | 'processing' | 'refunded' | 'failed';
  reason: string | null;
  created_at: string;
  updated_at: string;
  /** The provider's code when it did not go through (status 'failed'). */
  failure: string | null;
}

export class PaymentsRepo {
  private readonly s: ReturnType<typeof prepare>;
  private readonly updates = new Map<string, Statement<unknown[]>>();
  private readonly tx: Transaction;

  constructor(
    private readonly db: Database,
    private readonly journalRepo: JournalRepo = new JournalRepo(db),
  ) {
    this.s = prepare(db);
    this.tx = transactionOf(db);
  }

  /** A cash payment; returns it as stored. */
  insert(p: NewPayment): Payment {
    const row = this.s.insertCash.get({ ...p, updatedAt: p.createdAt })!;
    return toPayment(row);
  }

  /** A wallet or bank attempt with its journal row ('payment.created'), in one transaction. */
  insertAttempt(a: NewAttempt): Payment {
    return this.tx(() => {
      const row = this.s.insertAttempt.get({
        ...a,
        groupId: a.groupId ?? null,
        isDemo: a.isDemo ? 1 : 0,
        updatedAt: a.createdAt,
      })!;
      this.journal(a.createdAt, 'payment.created', row, {
        method: a.method,
        status: a.status,
        amountMinor: a.amountMinor,
        provider: a.provider,
        tradeNumber: a.tradeNumber,
        maskedCode: a.maskedCode,
        ...(a.groupId ? { groupId: a.groupId } : {}),
      });
      return toPayment(row);
    });
  }

  /**
   * Moves a payment from `from` to `to` (a legal move of the state machine), setting `fields`, with its
   * journal row (default kind `payment.<to>`). Returns the payment as stored after the move, or null when
   * no row was in `from` (someone else moved it first): then nothing was written.
   */
  transition(
    id: number,
    from: PaymentState,
    to: PaymentState,
    fields: PaymentFields,
    note: JournalNote,
  ): Payment | null {
    if (!canTransition(from, to)) throw new Error(`Payment ${id}: ${from} -> ${to} is not a legal move`);
    return this.write(id, from, to, fields, note.kind ?? (`payment.${to}` as JournalKind), note);
  }

  /** Changes fields (not the status) of a payment that is still in `status`, with a journal row. */
  amend(
    id: number,
    status: PaymentState,
    fields: PaymentFields,
    note: JournalNote & { kind: JournalKind },
  ): Payment | null {
    return this.write(id, status, status, fields, note.kind, note);
  }

  private write(
    id: number,
    from: PaymentState,
    to: PaymentState,
    fields: PaymentFields,
    kind: JournalKind,
    note: JournalNote,
  ): Payment | null {
    // A reason may quote a provider's message, which may quote a payment code.
    if (typeof fields.reason === 'string') fields = { ...fields, reason: maskPaymentCodesIn(fields.reason) };
    const keys = (Object.keys(fields) as (keyof PaymentFields)[]).filter((k) => fields[k] !== undefined).sort();
    const values = keys.map((k) => {
      const v = fields[k];
      return typeof v === 'boolean' ? (v ? 1 : 0) : v;
    });
    const stmt = this.update(keys);
    return this.tx(() => {
      const row = stmt.get(to, note.at, ...values, id, from) as PaymentRow | undefined;
      if (!row) return null;
      this.journal(note.at, kind, row, { from, to, ...pick(fields), ...note.data });
      return toPayment(row);
    });
  }

  private update(keys: readonly (keyof PaymentFields)[]): Statement<unknown[]> {
    const key = keys.join(',');
    let stmt = this.updates.get(key);
    if (!stmt) {
      const sets = ['status = ?', 'updated_at = ?', ...keys.map((k) => `${COLUMNS[k]} = ?`)];
      stmt = this.db.prepare(`UPDATE payments SET ${sets.join(', ')} WHERE id = ? AND status = ? RETURNING *`);
      this.updates.set(key, stmt);
    }
    return stmt;
  }

  /** A journal row about a payment, its data masked. */
  journal(at: string, kind: JournalKind, p: { id: number; order_id: number }, data: Record<string, unknown>): void {
    this.journalRepo.appendMasked(at, kind, { orderId: p.order_id, paymentId: p.id }, data);
  }

  byId(id: number): Payment | undefined {
    const row = this.s.byId.get(id);
    return row && toPayment(row);
  }

  byTradeNumber(tradeNumber: string): Payment | undefined {
    const row = this.s.byTrade.get(tradeNumber);
    return row && toPayment(row);
  }

  /** The trades of one checkout round, in the order they were made. */
  inGroup(groupId: number): Payment[] {
    return this.s.inGroup.all(groupId).map(toPayment);
  }

  /** The payments of these orders, in one query, by order. */
  forOrders(orderIds: readonly number[]): Map<number, Payment[]> {
    const byOrder = new Map<number, Payment[]>(orderIds.map((id) => [id, []]));
    for (const r of this.s.forOrders.all(JSON.stringify(orderIds))) byOrder.get(r.order_id)?.push(toPayment(r));
    return byOrder;
  }

  forOrder(orderId: number): Payment[] {
    return this.s.forOrder.all(orderId).map(toPayment);
  }

  /** Attempts that may still be paid or closed: created, pending, unknown, closing. */
  open(): Payment[] {
    return this.s.open.all().map(toPayment);
  }

  /** Attempts on the attention list, oldest first. */
  needingAttention(): Payment[] {
    return this.s.attention.all().map(toPayment);
  }

  attentionCount(): number {
    return this.s.attentionCount.get()!;
  }

  /** The next value of a per-till counter (1, 2, ...), inside the caller's transaction. */
  nextSequence(name: string): number {
    return this.s.nextSequence.get(name)!;
  }

  // Refunds: the number is stored before the provider is asked, so asking again is the same refund.

  refundsFor(paymentId: number): RefundRow[] {
    return this.s.refundsFor.all(paymentId);
  }

  insertRefund(r: {
    refundNumber: string;
    paymentId: number;
    amountMinor: number;
    reason: string;
    at: string;
  }): RefundRow {
    return this.s.insertRefund.get(r)!;
  }

  setRefundStatus(id: number, status: RefundRow['status'], at: string, failure: string | null = null): void {
    this.s.setRefundStatus.run(status, at, failure, id);
  }
}

/** The fields as journal data, under their API names. */
function pick(fields: PaymentFields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && k !== 'qrContent') out[k] = v;
  return out;
}

export function toPayment(r: PaymentRow): Payment {
  return {
    id: r.id,
    orderId: r.order_id,
    method: r.method,
    status: r.status,
    amountMinor: r.amount_minor,
    tenderedMinor: r.tendered_minor,
    changeMinor: r.change_minor,
    staffId: r.staff_id,
    createdAt: r.created_at,
    provider: r.provider,
    tradeNumber: r.trade_number,
    providerRef: r.provider_ref,
    qrContent: r.qr_content,
    expiresAt: r.expires_at,
    settledAt: r.settled_at,
    confirmedByHand: r.confirmed_by_hand === 1,
    maskedCode: r.masked_code,
    reason: r.reason,
    attention: r.attention,
    refundedMinor: r.refunded_minor,
    isDemo: r.is_demo === 1,
    groupId: r.group_id,
  };
}

function prepare(db: Database) {
  const open = OPEN_STATES.map((s) => `'${s}'`).join(', ');
  return {
    insertCash: db.prepare<[Record<string, unknown>], PaymentRow>(
      'INSERT INTO payments (order_id, method, status, amount_minor, tendered_minor, change_minor, staff_id,' +
        ' created_at, updated_at) VALUES (@orderId, @method, @status, @amountMinor, @tenderedMinor, @changeMinor,' +
        ' @staffId, @createdAt, @updatedAt) RETURNING *',
    ),
    insertAttempt: db.prepare<[Record<string, unknown>], PaymentRow>(
      'INSERT INTO payments (order_id, method, status, amount_minor, provider, trade_number, expires_at,' +
        ' masked_code, qr_content, provider_ref, is_demo, group_id, created_at, updated_at) VALUES (@orderId,' +
        ' @method, @status, @amountMinor, @provider, @tradeNumber, @expiresAt, @maskedCode, @qrContent,' +
        ' @providerRef, @isDemo, @groupId, @createdAt, @updatedAt) RETURNING *',
    ),
    byId: db.prepare<[number], PaymentRow>('SELECT * FROM payments WHERE id = ?'),
    byTrade: db.prepare<[string], PaymentRow>('SELECT * FROM payments WHERE trade_number = ?'),
    forOrder: db.prepare<[number], PaymentRow>('SELECT * FROM payments WHERE order_id = ? ORDER BY id'),
    forOrders: db.prepare<[string], PaymentRow>(
      'SELECT * FROM payments WHERE order_id IN (SELECT value FROM json_each(?)) ORDER BY order_id, id',
    ),
    inGroup: db.prepare<[number], PaymentRow>('SELECT * FROM payments WHERE group_id = ? ORDER BY id'),
    open: db.prepare<[], PaymentRow>(`SELECT * FROM payments WHERE status IN (${open}) ORDER BY id`),
    attention: db.prepare<[], PaymentRow>('SELECT * FROM payments WHERE attention IS NOT NULL ORDER BY id'),
    attentionCount: db.prepare<[], number>('SELECT count(*) FROM payments WHERE attention IS NOT NULL').pluck(),
    nextSequence: db
      .prepare<[string], number>(
        'INSERT INTO sequences (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1' +
          ' RETURNING value',
      )
      .pluck(),
    refundsFor: db.prepare<[number], RefundRow>('SELECT * FROM refunds WHERE payment_id = ? ORDER BY id'),
    insertRefund: db.prepare<[Record<string, unknown>], RefundRow>(
      "INSERT INTO refunds (refund_number, payment_id, amount_minor, status, reason, created_at, updated_at) VALUES (@refundNumber, @paymentId, @amountMinor, 'requested', @reason, @at, @at) RETURNING *",
    ),
    setRefundStatus: db.prepare<[string, string, string | null, number]>(
      'UPDATE refunds SET status = ?, updated_at = ?, failure = ? WHERE id = ?',
    ),
  };
}
