// The open cart and the sale. The cart is the till's one 'draft' order, written on every change: each
// change is one transaction that edits the lines, reprices the whole order in memory (shared/pricing.ts),
// stores the lines whose pricing moved and the totals, and bumps the revision, so a crash or restart loses
// nothing. The answer and the pushes are built from the rows the transaction holds (the repository keeps
// them in step with what it writes), never read back.
//
// Between changes the open cart's rows stay in memory: each transaction first reads which order is the
// draft and at which revision (one index entry) and reads the rows again only when those differ. Every
// write to a draft bumps its revision; a transaction that fails drops the copy; and the one write from
// outside that touches lines without one (a product deleted: its lines' product_id becomes null) calls
// forget().
//
// Order numbers ("0042") are assigned when the sale completes, per till and local day, or earlier when
// the order's first wallet payment starts (the customer display and the phone page show it); such a
// reserved number stays the order's, so a number is never given twice.
//
// A payment locks the cart (see Order.locked): while one is open, and once part of the total is paid
// (split tender), lines, discounts, hold and void answer CART_LOCKED.
import { type MethodOutput, TillError } from '../../shared/api';
import type { Currency, HeldOrder, Order, Payment, Product } from '../../shared/domain';
import { MAX_QUANTITY } from '../../shared/domain';
import { MAX_AMOUNT_MINOR } from '../../shared/money';
import { priceOrder } from '../../shared/pricing';
import { crashPoint } from '../core/crash';
import { dueOf, openPaymentOf, paidTowards } from '../../shared/payment';
import type { LineRow, OrderRow } from '../db/orders';
import { isoNow, localDay, localDayRange, type TillContext } from './context';
import type { Display } from './display';

/** The open cart's order row, lines and payments, as stored. */
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

export class Cart {
  /** The draft, its lines and payments as last committed; undefined when not known. */
  private open: OpenCart | undefined;

  constructor(
    private readonly ctx: TillContext,
    private readonly display: () => Display,
  ) {}

  private get orders() {
    return this.ctx.repos.orders;
  }

  private get journal() {
    return this.ctx.repos.journal;
  }

  /** Drops the copy of the open cart held in memory (after its rows were changed from outside). */
  forget(): void {
    this.open = undefined;
  }

  /** The open cart, created empty when there is none. */
  get(): Order {
    return this.write(() => this.orderOf(this.openCart()));
  }

  /** One transaction; if it fails, the rows it may have changed in memory are dropped with it. */
  private write<T>(fn: () => T): T {
    try {
      return this.ctx.tx(fn);
    } catch (err) {
      this.open = undefined;
      throw err;
    }
  }

  /** Inside a transaction: the draft (created when there is none) with its lines, read only if changed. */
  private openCart(): OpenCart {
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

  private newDraft(now: string): OrderRow {
    return this.orders.insertDraft(this.ctx.tillId, this.ctx.settings.get().currency, now);
  }

  /** Inside the caller's transaction that ended the draft (completed, held): the next customer's empty cart. */
  openEmpty(now: string): Order {
    this.open = { draft: this.newDraft(now), lines: [], payments: [] };
    return this.orderOf(this.open);
  }

  private orderOf(open: OpenCart): Order {
    return this.orders.toOrder(open.draft, open.lines, open.payments);
  }

  /** An order other than the open cart, with its lines and payments, read. */
  private load(row: OrderRow): Order {
    return this.orders.toOrder(row, this.orders.lines(row.id), this.ctx.repos.payments.forOrder(row.id));
  }

  /**
   * One cart change: `edit` runs inside the transaction on the draft and its lines as read (writing
   * through the repository, which keeps those objects in step), then the order is repriced and pushed.
   */
  private change(edit: (draft: OrderRow, lines: LineRow[]) => void): Order {
    const cart = this.write(() => {
      const open = this.openCart();
      assertUnlocked(open.payments);
      edit(open.draft, open.lines);
      this.reprice(open.draft, open.lines);
      return this.orderOf(open);
    });
    this.ctx.bus.emit('cart.changed', cart);
    this.display().cartChanged(cart);
    return cart;
  }

  /** Prices every line in memory; writes only the lines whose stored pricing changes, then the totals. */
  private reprice(draft: OrderRow, lines: readonly LineRow[]): void {
    const priced = priceOrder(
      lines.map((l) => ({
        unitPriceMinor: l.unit_price_minor,
        quantity: l.quantity,
        lineDiscountMinor: l.line_discount_minor,
        taxRateBp: l.tax_rate_bp,
      })),
      draft.order_discount_minor,
    );
    if (priced.subtotalMinor > MAX_AMOUNT_MINOR) {
      throw new TillError('AMOUNT_TOO_LARGE', 'The order would be larger than the till accepts', {
        maxMinor: MAX_AMOUNT_MINOR,
      });
    }
    priced.lines.forEach((p, i) => {
      const l = lines[i];
      if (
        l.gross_minor !== p.grossMinor ||
        l.line_discount_minor !== p.lineDiscountMinor ||
        l.order_discount_share_minor !== p.orderDiscountShareMinor ||
        l.total_minor !== p.totalMinor ||
        l.tax_minor !== p.taxMinor
      ) {
        this.orders.priceLine(l, p);
      }
    });
    // Pricing caps discounts at what is left to discount; the stored values follow, so they always
    // describe the totals they produced.
    const orderDiscountMinor = priced.lines.reduce((a, p) => a + p.orderDiscountShareMinor, 0);
    this.orders.saveTotals(
      draft,
      {
        orderDiscountMinor,
        subtotalMinor: priced.subtotalMinor,
        discountMinor: priced.discountMinor,
        totalMinor: priced.totalMinor,
        taxMinor: priced.taxMinor,
        itemCount: priced.itemCount,
      },
      isoNow(this.ctx),
    );
  }

  private line(lines: LineRow[], lineId: number): LineRow {
    const line = lines.find((l) => l.id === lineId);
    if (!line) throw new TillError('LINE_NOT_FOUND', `Line ${lineId} is not in the cart`, { lineId });
    return line;
  }

  /** Adds a product: onto its existing undiscounted line (same price), else as a new line. */
  addProduct(product: Product, quantity: number): Order {
    if (!product.active) {
      throw new TillError('PRODUCT_INACTIVE', `${product.name} is not for sale`, {
        barcode: product.barcode,
        name: product.name,
      });
    }
    return this.change((draft, lines) => {
      const now = isoNow(this.ctx);
      const same = lines.find(
        (l) =>
          l.product_id === product.id &&
          l.line_discount_minor === 0 &&
          l.unit_price_minor === product.priceMinor &&
          l.tax_rate_bp === product.taxRateBp &&
          l.name === product.name,
      );
      if (same) {
        const was = same.quantity;
        const q = was + quantity;
        if (q > MAX_QUANTITY) throw tooMany(q);
        this.orders.setLineQuantity(same, q);
        this.journal.append(
          now,
          'cart.lineChanged',
          { orderId: draft.id },
          { lineId: same.id, barcode: same.barcode, quantity: q, was },
        );
      } else {
        const line = this.orders.insertLine(draft.id, {
          productId: product.id,
          barcode: product.barcode,
          name: product.name,
          nameEn: product.nameEn,
          unitPriceMinor: product.priceMinor,
          quantity,
          taxRateBp: product.taxRateBp,
        });
        lines.push(line);
        crashPoint('cart.afterLineInsert');
        this.journal.append(
          now,
          'cart.lineAdded',
          { orderId: draft.id },
          {
            lineId: line.id,
            productId: product.id,
            barcode: product.barcode,
            unitPriceMinor: product.priceMinor,
            quantity,
          },
        );
      }
      if (product.isDemo && !draft.is_demo) this.orders.markDemo(draft);
    });
  }

  setQuantity(lineId: number, quantity: number): Order {
    return this.change((draft, lines) => {
      const line = this.line(lines, lineId);
      const was = line.quantity;
      this.orders.setLineQuantity(line, quantity);
      this.journal.append(
        isoNow(this.ctx),
        'cart.lineChanged',
        { orderId: draft.id },
        { lineId, barcode: line.barcode, quantity, was },
      );
    });
  }

  removeLine(lineId: number): Order {
    return this.change((draft, lines) => {
      const line = this.line(lines, lineId);
      this.orders.deleteLine(lineId);
      lines.splice(lines.indexOf(line), 1);
      this.journal.append(
        isoNow(this.ctx),
        'cart.lineRemoved',
        { orderId: draft.id },
        { lineId, barcode: line.barcode, quantity: line.quantity },
      );
    });
  }

  setLineDiscount(lineId: number, discountMinor: number): Order {
    return this.change((draft, lines) => {
      const line = this.line(lines, lineId);
      const gross = line.unit_price_minor * line.quantity;
      if (discountMinor > gross) {
        throw new TillError('DISCOUNT_TOO_LARGE', 'A line discount cannot exceed the line amount', {
          discountMinor,
          maxMinor: gross,
        });
      }
      const was = line.line_discount_minor;
      this.orders.setLineDiscount(line, discountMinor);
      this.journal.append(isoNow(this.ctx), 'cart.lineDiscount', { orderId: draft.id }, { lineId, discountMinor, was });
    });
  }

  setOrderDiscount(discountMinor: number): Order {
    return this.change((draft, lines) => {
      const net = lines.reduce((a, l) => a + l.unit_price_minor * l.quantity - l.line_discount_minor, 0);
      if (discountMinor > net) {
        throw new TillError('DISCOUNT_TOO_LARGE', 'An order discount cannot exceed the amount left to pay', {
          discountMinor,
          maxMinor: net,
        });
      }
      const was = draft.order_discount_minor;
      this.orders.setOrderDiscount(draft, discountMinor);
      this.journal.append(isoNow(this.ctx), 'cart.orderDiscount', { orderId: draft.id }, { discountMinor, was });
    });
  }

  /** Voids the cart (kept as 'voided' and journaled); a new empty cart takes its place. */
  void(): Order {
    const current = this.get();
    if (current.lines.length === 0) return current;
    return this.replaceDraft((draft, now, _lines, payments) => {
      assertUnlocked(payments);
      this.orders.void(draft.id, now);
      this.journal.append(
        now,
        'cart.voided',
        { orderId: draft.id },
        { itemCount: draft.item_count, totalMinor: draft.total_minor },
      );
      return { orderId: draft.id, status: 'voided' };
    });
  }

  /** Parks the cart under an optional label; a new empty cart takes its place. */
  hold(label: string | undefined): Order {
    return this.replaceDraft((draft, now, lines, payments) => {
      if (lines.length === 0) throw new TillError('CART_EMPTY', 'An empty cart cannot be held');
      assertUnlocked(payments);
      const heldLabel = label?.trim() || null;
      this.orders.hold(draft.id, heldLabel, now);
      this.journal.append(now, 'cart.held', { orderId: draft.id }, { label: heldLabel, totalMinor: draft.total_minor });
      return { orderId: draft.id, status: 'held' };
    });
  }

  /** Ends the current draft with `end` and opens an empty one, in one transaction. */
  private replaceDraft(
    end: (draft: OrderRow, now: string, lines: LineRow[], payments: Payment[]) => { orderId: number; status: string },
  ): Order {
    const { changed, cart } = this.write(() => {
      const { draft, lines, payments } = this.openCart();
      const now = isoNow(this.ctx);
      const changed = end(draft, now, lines, payments);
      return { changed, cart: this.openEmpty(now) };
    });
    return this.pushNewCart(cart, [changed]);
  }

  private pushNewCart(cart: Order, changed: { orderId: number; status: string }[]): Order {
    for (const c of changed) this.ctx.bus.emit('orders.changed', c);
    this.ctx.bus.emit('cart.changed', cart);
    this.display().cartChanged(cart);
    return cart;
  }

  /** Brings a held order back as the cart; a cart with lines is held first, so nothing is lost. */
  recall(orderId: number): Order {
    const changed: { orderId: number; status: string }[] = [];
    const cart = this.write(() => {
      const target = this.orders.byId(orderId);
      if (!target) throw new TillError('ORDER_NOT_FOUND', `No order ${orderId}`, { orderId });
      if (target.status !== 'held') {
        throw new TillError('ORDER_NOT_HELD', `Order ${orderId} is not held`, { orderId, status: target.status });
      }
      const now = isoNow(this.ctx);
      const current = this.orders.draftFor(this.ctx.tillId);
      if (current) assertUnlocked(this.ctx.repos.payments.forOrder(current.id));
      if (current && this.orders.lines(current.id).length > 0) {
        this.orders.hold(current.id, null, now);
        this.journal.append(now, 'cart.held', { orderId: current.id }, { label: null, reason: 'recall', for: orderId });
        changed.push({ orderId: current.id, status: 'held' });
      } else if (current) {
        // An empty cart: dropped if never touched, else voided so its journal rows keep their order.
        this.orders.deleteEmptyDraft(current.id);
        if (this.orders.byId(current.id)) this.orders.void(current.id, now);
      }
      this.orders.recall(orderId, now);
      this.journal.append(now, 'cart.recalled', { orderId }, { label: target.held_label });
      changed.push({ orderId, status: 'draft' });
      return this.orderOf(this.openCart());
    });
    return this.pushNewCart(cart, changed);
  }

  /** A new shop currency applies to the open cart while it is empty (lines keep the one they were sold in). */
  currencyChanged(currency: Currency): void {
    const changed = this.write(() => {
      if (!this.orders.draftRevision(this.ctx.tillId)) return false;
      const { draft, lines } = this.openCart();
      if (draft.currency === currency || lines.length) return false;
      this.orders.setCurrency(draft.id, currency, isoNow(this.ctx));
      return true;
    });
    if (changed) this.ctx.bus.emit('cart.changed', this.get());
  }

  held(): HeldOrder[] {
    return this.orders.held(this.ctx.tillId);
  }

  /** Completed orders of the local day (per the till's clock), newest first. */
  today(limit: number): Order[] {
    const { from, to } = localDayRange(this.ctx.clock());
    return this.ctx.tx(() => this.orders.completedBetween(from, to, limit).map((row) => this.load(row)));
  }

  /**
   * Cash sale (or the cash for what is still due after part payments): the order, its payment, the journal
   * and the next customer's empty cart are one transaction. The answer is built from what it read and wrote.
   */
  checkoutCash(tenderedMinor: number): MethodOutput<'checkout.cash'> {
    const { order, cart, changeMinor, paidBefore } = this.write(() => {
      const open = this.openCart();
      const paidBefore = paidTowards(open.payments);
      const when = this.ctx.clock();
      const now = when.toISOString();
      let changeMinor = 0;
      this.takeCash(open, now, (dueMinor) => {
        if (tenderedMinor < dueMinor) {
          throw new TillError('TENDERED_TOO_LOW', 'The cash given is less than what is due', {
            totalMinor: dueMinor,
            dueMinor,
            tenderedMinor,
          });
        }
        changeMinor = tenderedMinor - dueMinor;
        return { amountMinor: dueMinor, tenderedMinor, changeMinor };
      });
      crashPoint('sale.afterPaymentInsert');
      this.completeOrder(open.draft, when, () => crashPoint('sale.afterOrderUpdate'));
      const sold = this.orderOf(open);
      const cart = this.openEmpty(now);
      crashPoint('sale.beforeCommit');
      return { order: sold, cart, changeMinor, paidBefore };
    });
    crashPoint('sale.afterCommit');

    this.ctx.bus.emit('orders.changed', { orderId: order.id, status: 'completed' });
    this.ctx.bus.emit('cart.changed', cart);
    this.display().saleCompleted({ order, tenderedMinor: tenderedMinor + paidBefore, changeMinor });
    return { order, changeMinor, cart };
  }

  /**
   * Inside the caller's transaction: cash for the open cart, all that is due (the sale) or a part (split
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
    this.journal.append(
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
  completeOrder(row: OrderRow, when: Date, between?: () => void): void {
    const now = when.toISOString();
    const day = row.business_day ?? localDay(when);
    const number = row.number || this.orders.nextNumber(this.ctx.tillId, day);
    this.orders.complete(row, number, day, now);
    between?.();
    this.journal.append(
      now,
      'sale.completed',
      { orderId: row.id },
      { number, totalMinor: row.total_minor, itemCount: row.item_count, currency: row.currency },
    );
  }

  /** Inside the caller's transaction: the open cart's order row, lines and payments as stored now. */
  current(): OpenCart {
    this.open = undefined;
    return this.openCart();
  }

  /** Tells everyone that the open cart changed from outside (a payment moved): cart.changed and the display. */
  pushCurrent(): Order {
    this.open = undefined;
    const cart = this.get();
    this.ctx.bus.emit('cart.changed', cart);
    this.display().cartChanged(cart);
    return cart;
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
function assertUnlocked(payments: readonly Payment[]): void {
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

function tooMany(quantity: number): TillError {
  return new TillError('AMOUNT_TOO_LARGE', `A line holds at most ${MAX_QUANTITY}`, {
    quantity,
    maxQuantity: MAX_QUANTITY,
  });
}
