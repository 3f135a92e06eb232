// Payments SQL. Cash is recorded as 'paid' at once; provider payments will move through more states.
import type { Database, Statement } from 'better-sqlite3';
import type { Payment, PaymentMethod } from '../../shared/domain';

interface PaymentRow {
  id: number;
  order_id: number;
  method: PaymentMethod;
  status: 'paid';
  amount_minor: number;
  tendered_minor: number | null;
  change_minor: number | null;
  staff_id: string | null;
  created_at: string;
}

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

export class PaymentsRepo {
  private readonly insertStmt: Statement<
    [number, string, string, number, number | null, number | null, string | null, string]
  >;
  private readonly forOrderStmt: Statement<[number], PaymentRow>;

  constructor(db: Database) {
    this.insertStmt = db.prepare(
      'INSERT INTO payments (order_id, method, status, amount_minor, tendered_minor, change_minor, staff_id,' +
        ' created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.forOrderStmt = db.prepare('SELECT * FROM payments WHERE order_id = ? ORDER BY id');
  }

  /** Returns the payment as stored. */
  insert(p: NewPayment): Payment {
    const { lastInsertRowid } = this.insertStmt.run(
      p.orderId,
      p.method,
      p.status,
      p.amountMinor,
      p.tenderedMinor,
      p.changeMinor,
      p.staffId,
      p.createdAt,
    );
    return { id: Number(lastInsertRowid), ...p };
  }

  forOrder(orderId: number): Payment[] {
    return this.forOrderStmt.all(orderId).map((r) => ({
      id: r.id,
      orderId: r.order_id,
      method: r.method,
      status: r.status,
      amountMinor: r.amount_minor,
      tenderedMinor: r.tendered_minor,
      changeMinor: r.change_minor,
      staffId: r.staff_id,
      createdAt: r.created_at,
    }));
  }
}
