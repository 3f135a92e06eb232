// Refund tickets SQL: a ticket (who refunded which lines of an order) with its lines; its money moves as rows of
// `refunds` (see payments.ts), linked by ticket_id. Reads and writes rows only: the rules are in till/refunds.ts.
import type { Database } from 'better-sqlite3';
import type { RefundRow } from './payments';

export interface RefundTicketRow {
  id: string;
  number: string;
  order_id: number;
  by_id: number;
  by_name: string;
  approved_by_id: number | null;
  approved_by_name: string | null;
  approval_id: string | null;
  reason: string | null;
  total_minor: number;
  status: 'processing' | 'needs_cash' | 'done';
  created_at: string;
  updated_at: string;
  answered_at: string | null;
}

export interface RefundLineRow {
  ticket_id: string;
  order_line_id: number;
  quantity: number;
  amount_minor: number;
}

/** A `refunds` row as tickets see it. */
export interface TicketRefundRow extends RefundRow {
  ticket_id: string | null;
  cash_instead: number;
}

export class RefundsRepo {
  private readonly s: ReturnType<typeof prepare>;

  constructor(db: Database) {
    this.s = prepare(db);
  }

  insertTicket(t: Omit<RefundTicketRow, 'updated_at' | 'answered_at'>): RefundTicketRow {
    return this.s.insertTicket.get({ ...t, updated_at: t.created_at })!;
  }

  insertLine(l: RefundLineRow): void {
    this.s.insertLine.run(l);
  }

  /** A part of a ticket: a wallet one 'requested' (asked next), a drawer one 'refunded' (paid out now). */
  insertPart(p: {
    ticketId: string;
    refundNumber: string;
    paymentId: number;
    amountMinor: number;
    status: 'requested' | 'refunded';
    cashInstead: boolean;
    reason: string;
    at: string;
  }): TicketRefundRow {
    return this.s.insertPart.get({ ...p, cashInstead: p.cashInstead ? 1 : 0 })!;
  }

  setTicketStatus(id: string, status: RefundTicketRow['status'], at: string): void {
    this.s.setTicketStatus.run(status, at, id);
  }

  /** The first answers are in and the receipt is queued. */
  setAnswered(id: string, at: string): void {
    this.s.setAnswered.run(at, id);
  }

  /** Completed orders a cashier may mean by a number: `number` on `tillId` (any till when null), newest first. */
  ordersNumbered(number: string, tillId: string | null, businessDay: string | null): number[] {
    return this.s.ordersNumbered.all(number, tillId, tillId, businessDay, businessDay);
  }

  ticket(id: string): RefundTicketRow | undefined {
    return this.s.ticket.get(id);
  }

  ticketsFor(orderId: number): RefundTicketRow[] {
    return this.s.ticketsFor.all(orderId);
  }

  /** Tickets with a part still on its way or refused: the startup check asks again / the dialog offers cash. */
  openTickets(): RefundTicketRow[] {
    return this.s.openTickets.all();
  }

  linesOf(ticketId: string): RefundLineRow[] {
    return this.s.linesOf.all(ticketId);
  }

  /** Every refunded line of an order's tickets. */
  linesForOrder(orderId: number): RefundLineRow[] {
    return this.s.linesForOrder.all(orderId);
  }

  partsOf(ticketId: string): TicketRefundRow[] {
    return this.s.partsOf.all(ticketId);
  }

  part(id: number): TicketRefundRow | undefined {
    return this.s.part.get(id);
  }

  /** Refunds of these payments not yet answered (their amounts are spoken for). */
  underwayFor(paymentId: number): number {
    return this.s.underwayFor.get(paymentId)!;
  }
}

function prepare(db: Database) {
  return {
    insertTicket: db.prepare<[Record<string, unknown>], RefundTicketRow>(
      'INSERT INTO refund_tickets (id, number, order_id, by_id, by_name, approved_by_id, approved_by_name,' +
        ' approval_id, reason, total_minor, status, created_at, updated_at) VALUES (@id, @number, @order_id, @by_id,' +
        ' @by_name, @approved_by_id, @approved_by_name, @approval_id, @reason, @total_minor, @status, @created_at,' +
        ' @updated_at) RETURNING *',
    ),
    insertLine: db.prepare<[RefundLineRow]>(
      'INSERT INTO refund_lines (ticket_id, order_line_id, quantity, amount_minor) VALUES (@ticket_id,' +
        ' @order_line_id, @quantity, @amount_minor)',
    ),
    insertPart: db.prepare<[Record<string, unknown>], TicketRefundRow>(
      'INSERT INTO refunds (refund_number, payment_id, amount_minor, status, reason, created_at, updated_at,' +
        ' ticket_id, cash_instead) VALUES (@refundNumber, @paymentId, @amountMinor, @status, @reason, @at, @at,' +
        ' @ticketId, @cashInstead) RETURNING *',
    ),
    setTicketStatus: db.prepare<[string, string, string]>(
      'UPDATE refund_tickets SET status = ?, updated_at = ? WHERE id = ?',
    ),
    setAnswered: db.prepare<[string, string]>('UPDATE refund_tickets SET answered_at = ? WHERE id = ?'),
    ordersNumbered: db
      .prepare<[string, string | null, string | null, string | null, string | null], number>(
        "SELECT id FROM orders WHERE status = 'completed' AND number = ? AND (? IS NULL OR till_id = ?)" +
          ' AND (? IS NULL OR business_day = ?) ORDER BY completed_at DESC, id DESC LIMIT 20',
      )
      .pluck(),
    ticket: db.prepare<[string], RefundTicketRow>('SELECT * FROM refund_tickets WHERE id = ?'),
    ticketsFor: db.prepare<[number], RefundTicketRow>('SELECT * FROM refund_tickets WHERE order_id = ? ORDER BY id'),
    openTickets: db.prepare<[], RefundTicketRow>("SELECT * FROM refund_tickets WHERE status <> 'done' ORDER BY id"),
    linesOf: db.prepare<[string], RefundLineRow>(
      'SELECT * FROM refund_lines WHERE ticket_id = ? ORDER BY order_line_id',
    ),
    linesForOrder: db.prepare<[number], RefundLineRow>(
      'SELECT l.* FROM refund_lines l JOIN refund_tickets t ON t.id = l.ticket_id WHERE t.order_id = ?',
    ),
    partsOf: db.prepare<[string], TicketRefundRow>('SELECT * FROM refunds WHERE ticket_id = ? ORDER BY id'),
    part: db.prepare<[number], TicketRefundRow>('SELECT * FROM refunds WHERE id = ?'),
    underwayFor: db
      .prepare<[number], number>(
        "SELECT IFNULL(sum(amount_minor), 0) FROM refunds WHERE payment_id = ? AND status IN ('requested', 'processing')",
      )
      .pluck(),
  };
}
