// The journal a till would have written for a generated busy year (bench/busy-year.ts writes only the
// tables): for every completed order its cart (lines added, line and order discounts), its payments (cash
// recorded; a wallet or bank QR created then paid), its completion, and its refunds ('refund.made' with its
// parts, and the payment's move), through the real JournalRepo chained with `chainKey`, so "Verify journal"
// passes on it. Reads each table once, sorted by order id; one transaction per few thousand orders.
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { type JournalKind, JournalRepo } from '../electron/db/journal';

const BATCH = 2000;

interface OrderRow {
  id: number;
  number: string;
  business_day: string;
  currency: string;
  order_discount_minor: number;
  total_minor: number;
  tax_minor: number;
  item_count: number;
  created_at: string;
  completed_at: string;
}
interface LineRow {
  order_id: number;
  id: number;
  product_id: number | null;
  barcode: string;
  unit_price_minor: number;
  quantity: number;
  line_discount_minor: number;
}
interface PaymentRow {
  order_id: number;
  id: number;
  method: string;
  status: string;
  amount_minor: number;
  tendered_minor: number | null;
  change_minor: number | null;
  provider: string | null;
  trade_number: string | null;
  created_at: string;
  settled_at: string | null;
  confirmed_by_hand: number;
}
interface RefundRow {
  order_id: number;
  refund_number: string;
  payment_id: number;
  amount_minor: number;
  updated_at: string;
}

/** Rows sorted by order id, taken order by order. */
function byOrder<T extends { order_id: number }>(rows: IterableIterator<T>): (id: number) => T[] {
  let head = rows.next();
  return (id) => {
    const out: T[] = [];
    while (!head.done && head.value.order_id < id) head = rows.next();
    while (!head.done && head.value.order_id === id) {
      out.push(head.value);
      head = rows.next();
    }
    return out;
  };
}

export interface BusyYearJournal {
  entries: number;
  orders: number;
}

/** Writes the journal for `db`'s completed orders (a generated year, no journal of its own yet). */
export function writeBusyYearJournal(db: Database, chainKey: Buffer): BusyYearJournal {
  const journal = new JournalRepo(db);
  const before = db.prepare('SELECT count(*) FROM journal').pluck().get() as number;
  const first = db.prepare('SELECT min(created_at) FROM orders').pluck().get() as string | null;
  journal.chainWith(chainKey, first ?? new Date().toISOString());

  // The tables are read on a second connection (WAL: a snapshot) while the journal is written on this one.
  const reader = new BetterSqlite3(db.name, { readonly: true, fileMustExist: true });
  try {
    const orders = reader
      .prepare(
        'SELECT id, number, business_day, currency, order_discount_minor, total_minor, tax_minor, item_count,' +
          " created_at, completed_at FROM orders WHERE status = 'completed' ORDER BY id",
      )
      .iterate() as IterableIterator<OrderRow>;
    const lines = byOrder(
      reader
        .prepare(
          'SELECT order_id, id, product_id, barcode, unit_price_minor, quantity, line_discount_minor FROM order_lines' +
            ' ORDER BY order_id, position',
        )
        .iterate() as IterableIterator<LineRow>,
    );
    const payments = byOrder(
      reader
        .prepare(
          'SELECT order_id, id, method, status, amount_minor, tendered_minor, change_minor, provider, trade_number,' +
            ' created_at, settled_at, confirmed_by_hand FROM payments ORDER BY order_id, id',
        )
        .iterate() as IterableIterator<PaymentRow>,
    );
    const refunds = byOrder(
      reader
        .prepare(
          'SELECT p.order_id, r.refund_number, r.payment_id, r.amount_minor, r.updated_at FROM refunds r' +
            " JOIN payments p ON p.id = r.payment_id WHERE r.status = 'refunded' ORDER BY p.order_id, r.id",
        )
        .iterate() as IterableIterator<RefundRow>,
    );

    let count = 0;
    const write = (o: OrderRow) => {
      const orderId = o.id;
      const at = o.created_at;
      for (const l of lines(orderId)) {
        journal.append(
          at,
          'cart.lineAdded',
          { orderId },
          {
            lineId: l.id,
            productId: l.product_id,
            barcode: l.barcode,
            unitPriceMinor: l.unit_price_minor,
            quantity: l.quantity,
          },
        );
        if (l.line_discount_minor) {
          journal.append(
            at,
            'cart.lineDiscount',
            { orderId },
            { lineId: l.id, discountMinor: l.line_discount_minor, was: 0 },
          );
        }
      }
      if (o.order_discount_minor) {
        journal.append(at, 'cart.orderDiscount', { orderId }, { discountMinor: o.order_discount_minor, was: 0 });
      }
      const paid = payments(orderId);
      for (const p of paid) {
        const refs = { orderId, paymentId: p.id };
        if (p.method === 'cash') {
          journal.append(p.created_at, 'payment.recorded', refs, {
            method: 'cash',
            amountMinor: p.amount_minor,
            tenderedMinor: p.tendered_minor,
            changeMinor: p.change_minor,
          });
          continue;
        }
        journal.appendMasked(p.created_at, 'payment.created', refs, {
          method: p.method,
          status: 'pending',
          amountMinor: p.amount_minor,
          provider: p.provider,
          tradeNumber: p.trade_number,
          maskedCode: null,
        });
        journal.appendMasked(p.settled_at ?? p.created_at, 'payment.paid', refs, {
          from: 'pending',
          to: 'paid',
          settledAt: p.settled_at,
          ...(p.confirmed_by_hand ? { confirmedByHand: true } : {}),
        });
      }
      journal.append(
        o.completed_at,
        'sale.completed',
        { orderId },
        {
          number: o.number,
          totalMinor: o.total_minor,
          itemCount: o.item_count,
          currency: o.currency,
          taxMinor: o.tax_minor,
          day: o.business_day,
        },
      );
      // As refunds by line journal them: one 'refund.made' per ticket with its money parts (here: one, from the
      // drawer for cash, through the provider for a wallet), then the payment's move as the money goes back.
      for (const r of refunds(orderId)) {
        const p = paid.find((x) => x.id === r.payment_id);
        const fromDrawer = p?.method === 'cash';
        journal.append(
          r.updated_at,
          'refund.made' as JournalKind,
          { orderId },
          {
            number: r.refund_number,
            totalMinor: r.amount_minor,
            parts: [
              { refundNumber: r.refund_number, paymentId: r.payment_id, amountMinor: r.amount_minor, fromDrawer },
            ],
          },
        );
        if (p) {
          journal.appendMasked(
            r.updated_at,
            `payment.${p.status}` as JournalKind,
            { orderId, paymentId: p.id },
            {
              from: 'paid',
              to: p.status,
              refundedMinor: r.amount_minor,
              refundNumber: r.refund_number,
              amountMinor: r.amount_minor,
            },
          );
        }
      }
    };
    const batch: OrderRow[] = [];
    const flush = db.transaction(() => {
      for (const o of batch) write(o);
    });
    for (const o of orders) {
      batch.push(o);
      count++;
      if (batch.length >= BATCH) {
        flush();
        batch.length = 0;
      }
    }
    if (batch.length) flush();
    const after = db.prepare('SELECT count(*) FROM journal').pluck().get() as number;
    return { entries: after - before, orders: count };
  } finally {
    reader.close();
  }
}
