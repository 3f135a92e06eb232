// Orders and their lines: one aggregate, one module. The open cart is the till's single 'draft' order.
import type { Database } from 'better-sqlite3';
import type { Currency, HeldOrder, Order, OrderLine, OrderStatus, Payment } from '../../shared/domain';
import { dueOf, openPaymentOf, paidTowards } from '../../shared/payment';

export interface OrderRow {
  id: number;
  till_id: string;
  number: string;
  business_day: string | null;
  status: OrderStatus;
  currency: Currency;
  order_discount_minor: number;
  subtotal_minor: number;
  discount_minor: number;
  total_minor: number;
  tax_minor: number;
  item_count: number;
  revision: number;
  created_at: string;
  updated_at: string;
  held_at: string | null;
  held_label: string | null;
  completed_at: string | null;
  voided_at: string | null;
  is_demo: number;
  /** Who rang it up (the cashier signed in when its first line went in); the receipt names them. */
  staff_id: number | null;
  staff_name: string | null;
}

export interface LineRow {
  id: number;
  order_id: number;
  product_id: number | null;
  barcode: string;
  name: string;
  name_en: string;
  unit_price_minor: number;
  quantity: number;
  tax_rate_bp: number;
  gross_minor: number;
  line_discount_minor: number;
  order_discount_share_minor: number;
  total_minor: number;
  tax_minor: number;
  position: number;
  /** Grams, for a line sold from a scale label (see migration 8). */
  weight_g: number | null;
}

/** A line as scanned: the product's name, price and tax copied at that moment. */
export interface NewLine {
  productId: number | null;
  barcode: string;
  name: string;
  nameEn: string;
  unitPriceMinor: number;
  quantity: number;
  taxRateBp: number;
  /** A scale label's weight; absent for counted goods. */
  weightGrams?: number | null;
}

export interface LinePricing {
  id: number;
  grossMinor: number;
  lineDiscountMinor: number;
  orderDiscountShareMinor: number;
  totalMinor: number;
  taxMinor: number;
}

export interface OrderTotals {
  orderDiscountMinor: number;
  subtotalMinor: number;
  discountMinor: number;
  totalMinor: number;
  taxMinor: number;
  itemCount: number;
}

export class OrdersRepo {
  private readonly s: ReturnType<typeof prepare>;

  constructor(db: Database) {
    this.s = prepare(db);
  }

  byId(id: number): OrderRow | undefined {
    return this.s.byId.get(id);
  }

  draftFor(tillId: string): OrderRow | undefined {
    return this.s.draft.get(tillId);
  }

  /** Which order is a till's draft, at which revision: one index entry, to check a copy held in memory. */
  draftRevision(tillId: string): { id: number; revision: number } | undefined {
    return this.s.draftRevision.get(tillId);
  }

  /** A new empty draft; returns the row as stored (the schema's defaults, tested against a read back). */
  insertDraft(
    tillId: string,
    currency: Currency,
    now: string,
    staff: { id: number; name: string } | null = null,
  ): OrderRow {
    const id = Number(
      this.s.insertDraft.run(tillId, currency, now, now, staff?.id ?? null, staff?.name ?? null).lastInsertRowid,
    );
    return {
      id,
      till_id: tillId,
      number: '',
      business_day: null,
      status: 'draft',
      currency,
      order_discount_minor: 0,
      subtotal_minor: 0,
      discount_minor: 0,
      total_minor: 0,
      tax_minor: 0,
      item_count: 0,
      revision: 0,
      created_at: now,
      updated_at: now,
      held_at: null,
      held_label: null,
      completed_at: null,
      voided_at: null,
      is_demo: 0,
      staff_id: staff?.id ?? null,
      staff_name: staff?.name ?? null,
    };
  }

  lines(orderId: number): LineRow[] {
    return this.s.lines.all(orderId);
  }

  /** A new line at the end of the order, as stored. */
  insertLine(orderId: number, l: NewLine): LineRow {
    return this.s.insertLine.get({
      ...l,
      orderId,
      gross: l.unitPriceMinor * l.quantity,
      weightGrams: l.weightGrams ?? null,
    })!;
  }

  // The writes below change a row and the object that mirrors it together, so the cart can answer from
  // what it read once instead of reading the order back.

  setLineQuantity(line: LineRow, quantity: number): void {
    this.s.setQuantity.run(quantity, line.id);
    line.quantity = quantity;
  }

  setLineDiscount(line: LineRow, discountMinor: number): void {
    this.s.setLineDiscount.run(discountMinor, line.id);
    line.line_discount_minor = discountMinor;
  }

  /** A price typed over the catalog's for this sale only (a price override). */
  setUnitPrice(line: LineRow, unitPriceMinor: number): void {
    this.s.setUnitPrice.run(unitPriceMinor, line.id);
    line.unit_price_minor = unitPriceMinor;
  }

  deleteLine(lineId: number): void {
    this.s.deleteLine.run(lineId);
  }

  setCurrency(orderId: number, currency: Currency, now: string): void {
    this.s.setCurrency.run(currency, now, orderId);
  }

  setOrderDiscount(order: OrderRow, discountMinor: number): void {
    this.s.setOrderDiscount.run(discountMinor, order.id);
    order.order_discount_minor = discountMinor;
  }

  /** The person ringing the order up: whoever is signed in when its first line goes in (not when the empty cart
   * was made, which may have been the last person's). */
  setStaff(order: OrderRow, staff: { id: number; name: string } | null): void {
    if (order.staff_id === (staff?.id ?? null) && order.staff_name === (staff?.name ?? null)) return;
    this.s.setStaff.run(staff?.id ?? null, staff?.name ?? null, order.id);
    order.staff_id = staff?.id ?? null;
    order.staff_name = staff?.name ?? null;
  }

  markDemo(order: OrderRow): void {
    this.s.markDemo.run(order.id);
    order.is_demo = 1;
  }

  /** Stores one line's pricing. */
  priceLine(line: LineRow, p: Omit<LinePricing, 'id'>): void {
    this.s.priceLine.run({ ...p, id: line.id });
    line.gross_minor = p.grossMinor;
    line.line_discount_minor = p.lineDiscountMinor;
    line.order_discount_share_minor = p.orderDiscountShareMinor;
    line.total_minor = p.totalMinor;
    line.tax_minor = p.taxMinor;
  }

  /** Stores the order's totals and bumps the revision: the last step of every cart change. */
  saveTotals(order: OrderRow, totals: OrderTotals, now: string): void {
    this.s.priceOrder.run({ ...totals, id: order.id, now });
    order.order_discount_minor = totals.orderDiscountMinor;
    order.subtotal_minor = totals.subtotalMinor;
    order.discount_minor = totals.discountMinor;
    order.total_minor = totals.totalMinor;
    order.tax_minor = totals.taxMinor;
    order.item_count = totals.itemCount;
    order.revision++;
    order.updated_at = now;
  }

  hold(orderId: number, label: string | null, now: string): void {
    this.s.hold.run(label, now, now, orderId);
  }

  recall(orderId: number, now: string): void {
    this.s.recall.run(now, orderId);
  }

  void(orderId: number, now: string): void {
    this.s.void.run(now, now, orderId);
  }

  /** Removes an untouched empty draft; anything with history is voided instead. */
  deleteEmptyDraft(orderId: number): void {
    this.s.deleteEmptyDraft.run(orderId);
  }

  /**
   * Completes a draft (or a held order whose last part was paid later) under its number: the one it
   * reserved when its first wallet payment started, or a new one.
   */
  complete(order: OrderRow, number: string, businessDay: string, now: string): void {
    if (this.s.complete.run(number, businessDay, now, now, order.id).changes !== 1) {
      throw new Error(`Order ${order.id} is not open`);
    }
    order.status = 'completed';
    order.number = number;
    order.business_day = businessDay;
    order.completed_at = now;
    order.updated_at = now;
    order.revision++;
  }

  /** Gives an open order its number now (the customer display and the phone page show it); kept for good. */
  reserveNumber(order: OrderRow, number: string, businessDay: string, now: string): void {
    if (this.s.reserveNumber.run(number, businessDay, now, order.id).changes !== 1) {
      throw new Error(`Order ${order.id} already has a number`);
    }
    order.number = number;
    order.business_day = businessDay;
    order.updated_at = now;
    order.revision++;
  }

  /** Something about the order changed outside its rows (a payment moved): a new revision for displays and caches. */
  touch(orderId: number, now: string): void {
    this.s.touch.run(now, orderId);
  }

  /** The next human number for a till's business day: "0001", "0002", ... (one index read). */
  nextNumber(tillId: string, businessDay: string): string {
    const last = this.s.lastNumber.get(tillId, businessDay) ?? 0;
    return String(last + 1).padStart(4, '0');
  }

  /** Held orders of a till, newest first. */
  held(tillId: string): HeldOrder[] {
    return this.s.held.all(tillId);
  }

  /** Completed orders with completed_at in [from, to), newest first. */
  /**
   * A page of the orders completed in [from, to), newest first, after the order `beforeId` (the last one of the
   * page before). With linesOf and the payments' forOrders, a page is three queries whatever its size.
   */
  completedBetween(from: string, to: string, limit: number, beforeId?: number): OrderRow[] {
    const before = beforeId === undefined ? undefined : this.s.byId.get(beforeId);
    if (beforeId !== undefined && !before?.completed_at) return [];
    return before
      ? this.s.completedBefore.all({ from, to, limit, at: before.completed_at!, id: before.id })
      : this.s.completedBetween.all(from, to, limit);
  }

  /** The lines of these orders, in one query, by order. */
  linesOf(orderIds: readonly number[]): Map<number, LineRow[]> {
    const byOrder = new Map<number, LineRow[]>(orderIds.map((id) => [id, []]));
    for (const l of this.s.linesOf.all(JSON.stringify(orderIds))) byOrder.get(l.order_id)?.push(l);
    return byOrder;
  }

  toOrder(row: OrderRow, lines: readonly LineRow[], payments: Payment[]): Order {
    const paidMinor = paidTowards(payments);
    const open = openPaymentOf(payments);
    return {
      id: row.id,
      number: row.number,
      status: row.status,
      currency: row.currency,
      revision: row.revision,
      createdAt: row.created_at,
      completedAt: row.completed_at,
      heldLabel: row.held_label,
      lines: lines.map(toLine),
      subtotalMinor: row.subtotal_minor,
      orderDiscountMinor: row.order_discount_minor,
      discountMinor: row.discount_minor,
      totalMinor: row.total_minor,
      taxMinor: row.tax_minor,
      itemCount: row.item_count,
      payments,
      paidMinor,
      dueMinor: row.status === 'completed' ? 0 : dueOf(row.total_minor, payments),
      openPaymentId: open?.id ?? null,
      locked: open !== undefined || paidMinor > 0,
      isDemo: row.is_demo === 1,
    };
  }
}

function toLine(l: LineRow): OrderLine {
  return {
    id: l.id,
    productId: l.product_id,
    barcode: l.barcode,
    name: l.name,
    nameEn: l.name_en,
    unitPriceMinor: l.unit_price_minor,
    quantity: l.quantity,
    taxRateBp: l.tax_rate_bp,
    grossMinor: l.gross_minor,
    lineDiscountMinor: l.line_discount_minor,
    weightGrams: l.weight_g,
    orderDiscountShareMinor: l.order_discount_share_minor,
    totalMinor: l.total_minor,
    taxMinor: l.tax_minor,
  };
}

function prepare(db: Database) {
  return {
    byId: db.prepare<[number], OrderRow>('SELECT * FROM orders WHERE id = ?'),
    draft: db.prepare<[string], OrderRow>("SELECT * FROM orders WHERE till_id = ? AND status = 'draft'"),
    draftRevision: db.prepare<[string], { id: number; revision: number }>(
      "SELECT id, revision FROM orders WHERE till_id = ? AND status = 'draft'",
    ),
    insertDraft: db.prepare<[string, string, string, string, number | null, string | null]>(
      "INSERT INTO orders (till_id, status, currency, created_at, updated_at, staff_id, staff_name) VALUES (?, 'draft', ?, ?, ?, ?, ?)",
    ),
    lines: db.prepare<[number], LineRow>('SELECT * FROM order_lines WHERE order_id = ? ORDER BY position, id'),
    insertLine: db.prepare<[Record<string, unknown>], LineRow>(
      'INSERT INTO order_lines (order_id, product_id, barcode, name, name_en, unit_price_minor, quantity,' +
        ' tax_rate_bp, gross_minor, total_minor, weight_g, position)' +
        ' VALUES (@orderId, @productId, @barcode, @name, @nameEn, @unitPriceMinor, @quantity, @taxRateBp, @gross,' +
        ' @gross, @weightGrams, (SELECT coalesce(max(position), 0) + 1 FROM order_lines WHERE order_id = @orderId))' +
        ' RETURNING *',
    ),
    setQuantity: db.prepare<[number, number]>('UPDATE order_lines SET quantity = ? WHERE id = ?'),
    setLineDiscount: db.prepare<[number, number]>('UPDATE order_lines SET line_discount_minor = ? WHERE id = ?'),
    deleteLine: db.prepare<[number]>('DELETE FROM order_lines WHERE id = ?'),
    setUnitPrice: db.prepare<[number, number]>('UPDATE order_lines SET unit_price_minor = ? WHERE id = ?'),
    setCurrency: db.prepare<[string, string, number]>(
      'UPDATE orders SET currency = ?, updated_at = ?, revision = revision + 1 WHERE id = ?',
    ),
    setOrderDiscount: db.prepare<[number, number]>('UPDATE orders SET order_discount_minor = ? WHERE id = ?'),
    markDemo: db.prepare<[number]>('UPDATE orders SET is_demo = 1 WHERE id = ?'),
    setStaff: db.prepare<[number | null, string | null, number]>(
      'UPDATE orders SET staff_id = ?, staff_name = ? WHERE id = ?',
    ),
    priceLine: db.prepare<[LinePricing]>(
      'UPDATE order_lines SET gross_minor = @grossMinor, line_discount_minor = @lineDiscountMinor,' +
        ' order_discount_share_minor = @orderDiscountShareMinor, total_minor = @totalMinor, tax_minor = @taxMinor' +
        ' WHERE id = @id',
    ),
    priceOrder: db.prepare<[Record<string, unknown>]>(
      'UPDATE orders SET order_discount_minor = @orderDiscountMinor, subtotal_minor = @subtotalMinor,' +
        ' discount_minor = @discountMinor, total_minor = @totalMinor, tax_minor = @taxMinor,' +
        ' item_count = @itemCount, revision = revision + 1, updated_at = @now WHERE id = @id',
    ),
    hold: db.prepare<[string | null, string, string, number]>(
      "UPDATE orders SET status = 'held', held_label = ?, held_at = ?, updated_at = ?, revision = revision + 1" +
        " WHERE id = ? AND status = 'draft'",
    ),
    recall: db.prepare<[string, number]>(
      "UPDATE orders SET status = 'draft', held_at = NULL, updated_at = ?, revision = revision + 1" +
        " WHERE id = ? AND status = 'held'",
    ),
    void: db.prepare<[string, string, number]>(
      "UPDATE orders SET status = 'voided', voided_at = ?, updated_at = ?, revision = revision + 1" +
        " WHERE id = ? AND status IN ('draft', 'held')",
    ),
    deleteEmptyDraft: db.prepare<[number]>(
      "DELETE FROM orders WHERE id = ? AND status = 'draft' AND revision = 0" +
        ' AND NOT EXISTS (SELECT 1 FROM order_lines WHERE order_id = orders.id)',
    ),
    complete: db.prepare<[string, string, string, string, number]>(
      "UPDATE orders SET status = 'completed', number = ?, business_day = ?, completed_at = ?, updated_at = ?," +
        " revision = revision + 1 WHERE id = ? AND status IN ('draft', 'held')",
    ),
    reserveNumber: db.prepare<[string, string, string, number]>(
      'UPDATE orders SET number = ?, business_day = ?, updated_at = ?, revision = revision + 1' +
        " WHERE id = ? AND number = '' AND status IN ('draft', 'held')",
    ),
    touch: db.prepare<[string, number]>('UPDATE orders SET updated_at = ?, revision = revision + 1 WHERE id = ?'),
    // Every order with a number counts (a reserved one too), so a number is never given twice.
    lastNumber: db
      .prepare<[string, string], number>(
        "SELECT max(CAST(number AS INTEGER)) FROM orders WHERE till_id = ? AND business_day = ? AND number <> ''",
      )
      .pluck(),
    held: db.prepare<[string], HeldOrder>(
      'SELECT o.id, o.held_label AS heldLabel, o.held_at AS heldAt, o.item_count AS itemCount,' +
        ' o.total_minor AS totalMinor, coalesce((SELECT name FROM order_lines WHERE order_id = o.id' +
        " ORDER BY position, id LIMIT 1), '') AS firstLineName" +
        " FROM orders o WHERE o.status = 'held' AND o.till_id = ? ORDER BY o.held_at DESC, o.id DESC",
    ),
    completedBefore: db.prepare<[{ from: string; to: string; limit: number; at: string; id: number }], OrderRow>(
      "SELECT * FROM orders WHERE completed_at >= @from AND completed_at < @to AND status = 'completed'" +
        ' AND (completed_at < @at OR (completed_at = @at AND id < @id)) ORDER BY completed_at DESC, id DESC LIMIT @limit',
    ),
    linesOf: db.prepare<[string], LineRow>(
      'SELECT * FROM order_lines WHERE order_id IN (SELECT value FROM json_each(?)) ORDER BY order_id, position, id',
    ),
    completedBetween: db.prepare<[string, string, number], OrderRow>(
      "SELECT * FROM orders WHERE completed_at >= ? AND completed_at < ? AND status = 'completed'" +
        ' ORDER BY completed_at DESC, id DESC LIMIT ?',
    ),
  };
}
