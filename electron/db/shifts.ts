// Shifts SQL: the drawer sessions of each till, their cash in/out, and the rows a shift report is computed from.
// Rows only; the rules (who may see what, the blind close, the arithmetic) are in till/shifts.ts and shared/shift.ts.
import type { Database } from 'better-sqlite3';
import type { PaymentAttention, PaymentMethod } from '../../shared/domain';
import type { PaymentState } from '../../shared/payment';

export interface ShiftRow {
  id: string;
  till_id: string;
  number: string;
  opened_by_id: number;
  opened_by_name: string;
  opened_at: string;
  counts_after: string;
  float_minor: number;
  float_count: string;
  carried_in: string;
  closed_by_id: number | null;
  closed_by_name: string | null;
  closed_at: string | null;
  counted_minor: number | null;
  count: string | null;
  expected_minor: number | null;
  difference_minor: number | null;
  report: string | null;
  carried_over: string | null;
}

export interface CashMovementRow {
  id: string;
  shift_id: string;
  kind: 'in' | 'out';
  amount_minor: number;
  reason: string;
  by_id: number;
  by_name: string;
  at: string;
}

/** A payment of the till whose money moved in a shift's time, or that is still open. */
export interface ShiftPaymentRow {
  id: number;
  order_id: number;
  order_number: string;
  method: PaymentMethod;
  provider: string | null;
  status: PaymentState;
  amount_minor: number;
  tendered_minor: number | null;
  change_minor: number | null;
  confirmed_by_hand: number;
  attention: PaymentAttention | null;
  /** When the money moved: settled_at, or created_at for cash (paid at once). */
  at: string;
}

export interface ShiftRefundRow {
  id: number;
  amount_minor: number;
  method: PaymentMethod;
  provider: string | null;
}

export interface NewShift {
  id: string;
  tillId: string;
  number: string;
  openedById: number;
  openedByName: string;
  openedAt: string;
  countsAfter: string;
  floatMinor: number;
  floatCount: string;
  carriedIn: string;
}

export interface ShiftClose {
  closedById: number;
  closedByName: string;
  closedAt: string;
  countedMinor: number;
  count: string;
  expectedMinor: number;
  differenceMinor: number;
  report: string;
  carriedOver: string;
}

// The money moved (shared/shift.ts counts these); cash has no settled_at: it is paid when it is made.
const MOVED = "('paid', 'partially_refunded', 'refunded')";
const PAYMENT_COLUMNS =
  'p.id, p.order_id, o.number AS order_number, p.method, p.provider, p.status, p.amount_minor, p.tendered_minor,' +
  ' p.change_minor, p.confirmed_by_hand, p.attention, IFNULL(p.settled_at, p.created_at) AS at';

export class ShiftsRepo {
  private readonly s: ReturnType<typeof prepare>;

  constructor(db: Database) {
    this.s = prepare(db);
  }

  insert(s: NewShift): ShiftRow {
    return this.s.insert.get(s)!;
  }

  byId(id: string): ShiftRow | undefined {
    return this.s.byId.get(id);
  }

  openFor(tillId: string): ShiftRow | undefined {
    return this.s.openFor.get(tillId);
  }

  lastClosedFor(tillId: string): ShiftRow | undefined {
    return this.s.lastClosed.get(tillId);
  }

  list(tillId: string, limit: number, closedById: number | null): ShiftRow[] {
    return closedById === null ? this.s.list.all(tillId, limit) : this.s.listClosedBy.all(tillId, closedById, limit);
  }

  /** Closes an open shift; false when it was not open (closed by someone else first). */
  close(id: string, c: ShiftClose): boolean {
    return this.s.close.run({ ...c, id }).changes === 1;
  }

  insertMovement(m: CashMovementRow): CashMovementRow {
    return this.s.insertMovement.get(m)!;
  }

  movements(shiftId: string): CashMovementRow[] {
    return this.s.movements.all(shiftId);
  }

  /** Payments of the till whose money moved after `after` (and up to `upTo`, inclusive, when given). */
  paymentsMoved(tillId: string, after: string, upTo: string | null): ShiftPaymentRow[] {
    return this.s.paymentsMoved.all({ till: tillId, after, upTo });
  }

  /** Payments of the till still open at the provider or on the attention list. */
  paymentsOpen(tillId: string): ShiftPaymentRow[] {
    return this.s.paymentsOpen.all({ till: tillId });
  }

  /** Refunds of the till's payments that went through after `after` (up to `upTo` when given). */
  refundsDone(tillId: string, after: string, upTo: string | null): ShiftRefundRow[] {
    return this.s.refundsDone.all({ till: tillId, after, upTo });
  }
}

type Window = { till: string; after: string; upTo: string | null };

function prepare(db: Database) {
  return {
    insert: db.prepare<[NewShift], ShiftRow>(
      'INSERT INTO shifts (id, till_id, number, opened_by_id, opened_by_name, opened_at, counts_after, float_minor,' +
        ' float_count, carried_in) VALUES (@id, @tillId, @number, @openedById, @openedByName, @openedAt,' +
        ' @countsAfter, @floatMinor, @floatCount, @carriedIn) RETURNING *',
    ),
    byId: db.prepare<[string], ShiftRow>('SELECT * FROM shifts WHERE id = ?'),
    openFor: db.prepare<[string], ShiftRow>('SELECT * FROM shifts WHERE till_id = ? AND closed_at IS NULL'),
    lastClosed: db.prepare<[string], ShiftRow>(
      'SELECT * FROM shifts WHERE till_id = ? AND closed_at IS NOT NULL ORDER BY closed_at DESC, id DESC LIMIT 1',
    ),
    list: db.prepare<[string, number], ShiftRow>(
      'SELECT * FROM shifts WHERE till_id = ? ORDER BY opened_at DESC, id DESC LIMIT ?',
    ),
    listClosedBy: db.prepare<[string, number, number], ShiftRow>(
      'SELECT * FROM shifts WHERE till_id = ? AND closed_by_id = ? ORDER BY opened_at DESC, id DESC LIMIT ?',
    ),
    close: db.prepare<[ShiftClose & { id: string }]>(
      'UPDATE shifts SET closed_by_id = @closedById, closed_by_name = @closedByName, closed_at = @closedAt,' +
        ' counted_minor = @countedMinor, count = @count, expected_minor = @expectedMinor,' +
        ' difference_minor = @differenceMinor, report = @report, carried_over = @carriedOver' +
        ' WHERE id = @id AND closed_at IS NULL',
    ),
    insertMovement: db.prepare<[CashMovementRow], CashMovementRow>(
      'INSERT INTO cash_movements (id, shift_id, kind, amount_minor, reason, by_id, by_name, at) VALUES (@id,' +
        ' @shift_id, @kind, @amount_minor, @reason, @by_id, @by_name, @at) RETURNING *',
    ),
    movements: db.prepare<[string], CashMovementRow>('SELECT * FROM cash_movements WHERE shift_id = ? ORDER BY at, id'),
    paymentsMoved: db.prepare<[Window], ShiftPaymentRow>(
      `SELECT ${PAYMENT_COLUMNS} FROM payments p JOIN orders o ON o.id = p.order_id` +
        ` WHERE o.till_id = @till AND p.status IN ${MOVED} AND IFNULL(p.settled_at, p.created_at) > @after` +
        " AND IFNULL(p.settled_at, p.created_at) <= COALESCE(@upTo, '9999') ORDER BY p.id",
    ),
    paymentsOpen: db.prepare<[{ till: string }], ShiftPaymentRow>(
      `SELECT ${PAYMENT_COLUMNS} FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.till_id = @till` +
        " AND (p.status IN ('created', 'pending', 'unknown', 'closing') OR p.attention IS NOT NULL) ORDER BY p.id",
    ),
    refundsDone: db.prepare<[Window], ShiftRefundRow>(
      'SELECT r.id, r.amount_minor, p.method, p.provider FROM refunds r JOIN payments p ON p.id = r.payment_id' +
        " JOIN orders o ON o.id = p.order_id WHERE o.till_id = @till AND r.status = 'refunded' AND r.updated_at > @after" +
        " AND r.updated_at <= COALESCE(@upTo, '9999') ORDER BY r.id",
    ),
  };
}
