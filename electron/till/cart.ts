// The open cart and the sale. The cart is the till's one 'draft' order, written on every change: each
// change is one transaction that edits the lines, reprices the whole order (shared/pricing.ts), stores
// every line's result and bumps the revision, so a crash or restart loses nothing.
//
// Order numbers ("0042") are assigned when the sale completes, per till and local day, so voided and
// held carts never leave gaps in the day's numbers.
import { type MethodOutput, TillError } from '../../shared/api';
import type { Currency, HeldOrder, Order, Product } from '../../shared/domain';
import { MAX_QUANTITY } from '../../shared/domain';
import { MAX_AMOUNT_MINOR } from '../../shared/money';
import { priceOrder } from '../../shared/pricing';
import { crashPoint } from '../core/crash';
import type { LineRow, OrderRow } from '../db/orders';
import { isoNow, localDay, localDayRange, type TillContext } from './context';
import type { Display } from './display';
import { readSettings } from './settings';

export class Cart {
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

  /** The open cart, created empty when there is none. */
  get(): Order {
    return this.load(this.ctx.db.transaction(() => this.draft().id)());
  }

  /** An order with its lines and payments. */
  load(orderId: number): Order {
    const row = this.orders.byId(orderId);
    if (!row) throw new TillError('ORDER_NOT_FOUND', `No order ${orderId}`, { orderId });
    return this.orders.toOrder(row, this.orders.lines(orderId), this.ctx.repos.payments.forOrder(orderId));
  }

  private draft(): OrderRow {
    const existing = this.orders.draftFor(this.ctx.tillId);
    if (existing) return existing;
    const id = this.orders.insertDraft(
      this.ctx.tillId,
      readSettings(this.ctx.repos.settings).currency,
      isoNow(this.ctx),
    );
    return this.orders.byId(id)!;
  }

  /** One cart change: `edit` runs inside the transaction, then the order is repriced and pushed. */
  private change(edit: (draft: OrderRow, lines: LineRow[]) => void): Order {
    const id = this.ctx.db.transaction(() => {
      const draft = this.draft();
      edit(draft, this.orders.lines(draft.id));
      this.reprice(draft.id);
      return draft.id;
    })();
    const cart = this.load(id);
    this.ctx.bus.emit('cart.changed', cart);
    this.display().cartChanged();
    return cart;
  }

  private reprice(orderId: number): void {
    const order = this.orders.byId(orderId)!;
    const lines = this.orders.lines(orderId);
    const priced = priceOrder(
      lines.map((l) => ({
        unitPriceMinor: l.unit_price_minor,
        quantity: l.quantity,
        lineDiscountMinor: l.line_discount_minor,
        taxRateBp: l.tax_rate_bp,
      })),
      order.order_discount_minor,
    );
    if (priced.subtotalMinor > MAX_AMOUNT_MINOR) {
      throw new TillError('AMOUNT_TOO_LARGE', 'The order would be larger than the till accepts', {
        maxMinor: MAX_AMOUNT_MINOR,
      });
    }
    const linePricing = priced.lines.map((p, i) => ({ id: lines[i].id, ...p }));
    // Pricing caps discounts at what is left to discount; the stored values follow, so they always
    // describe the totals they produced.
    const orderDiscountMinor = priced.lines.reduce((a, p) => a + p.orderDiscountShareMinor, 0);
    this.orders.savePricing(
      orderId,
      {
        orderDiscountMinor,
        subtotalMinor: priced.subtotalMinor,
        discountMinor: priced.discountMinor,
        totalMinor: priced.totalMinor,
        taxMinor: priced.taxMinor,
        itemCount: priced.itemCount,
      },
      linePricing,
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
        const q = same.quantity + quantity;
        if (q > MAX_QUANTITY) throw tooMany(q);
        this.orders.setLineQuantity(same.id, q);
        this.journal.append(
          now,
          'cart.lineChanged',
          { orderId: draft.id },
          { lineId: same.id, barcode: same.barcode, quantity: q, was: same.quantity },
        );
      } else {
        const lineId = this.orders.insertLine(draft.id, {
          productId: product.id,
          barcode: product.barcode,
          name: product.name,
          nameEn: product.nameEn,
          unitPriceMinor: product.priceMinor,
          quantity,
          taxRateBp: product.taxRateBp,
        });
        crashPoint('cart.afterLineInsert');
        this.journal.append(
          now,
          'cart.lineAdded',
          { orderId: draft.id },
          { lineId, productId: product.id, barcode: product.barcode, unitPriceMinor: product.priceMinor, quantity },
        );
      }
      if (product.isDemo && !draft.is_demo) this.orders.markDemo(draft.id);
    });
  }

  setQuantity(lineId: number, quantity: number): Order {
    return this.change((draft, lines) => {
      const line = this.line(lines, lineId);
      this.orders.setLineQuantity(lineId, quantity);
      this.journal.append(
        isoNow(this.ctx),
        'cart.lineChanged',
        { orderId: draft.id },
        { lineId, barcode: line.barcode, quantity, was: line.quantity },
      );
    });
  }

  removeLine(lineId: number): Order {
    return this.change((draft, lines) => {
      const line = this.line(lines, lineId);
      this.orders.deleteLine(lineId);
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
      this.orders.setLineDiscount(lineId, discountMinor);
      this.journal.append(
        isoNow(this.ctx),
        'cart.lineDiscount',
        { orderId: draft.id },
        { lineId, discountMinor, was: line.line_discount_minor },
      );
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
      this.orders.setOrderDiscount(draft.id, discountMinor);
      this.journal.append(
        isoNow(this.ctx),
        'cart.orderDiscount',
        { orderId: draft.id },
        { discountMinor, was: draft.order_discount_minor },
      );
    });
  }

  /** Voids the cart (kept as 'voided' and journaled); a new empty cart takes its place. */
  void(): Order {
    const current = this.get();
    if (current.lines.length === 0) return current;
    return this.replaceDraft((draft, now) => {
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
    return this.replaceDraft((draft, now, lines) => {
      if (lines.length === 0) throw new TillError('CART_EMPTY', 'An empty cart cannot be held');
      const heldLabel = label?.trim() || null;
      this.orders.hold(draft.id, heldLabel, now);
      this.journal.append(now, 'cart.held', { orderId: draft.id }, { label: heldLabel, totalMinor: draft.total_minor });
      return { orderId: draft.id, status: 'held' };
    });
  }

  /** Ends the current draft with `end` and opens an empty one, in one transaction. */
  private replaceDraft(
    end: (draft: OrderRow, now: string, lines: LineRow[]) => { orderId: number; status: string },
  ): Order {
    const { changed, cartId } = this.ctx.db.transaction(() => {
      const draft = this.draft();
      const changed = end(draft, isoNow(this.ctx), this.orders.lines(draft.id));
      return { changed, cartId: this.draft().id };
    })();
    return this.pushNewCart(cartId, [changed]);
  }

  private pushNewCart(cartId: number, changed: { orderId: number; status: string }[]): Order {
    const cart = this.load(cartId);
    for (const c of changed) this.ctx.bus.emit('orders.changed', c);
    this.ctx.bus.emit('cart.changed', cart);
    this.display().cartChanged();
    return cart;
  }

  /** Brings a held order back as the cart; a cart with lines is held first, so nothing is lost. */
  recall(orderId: number): Order {
    const changed: { orderId: number; status: string }[] = [];
    this.ctx.db.transaction(() => {
      const target = this.orders.byId(orderId);
      if (!target) throw new TillError('ORDER_NOT_FOUND', `No order ${orderId}`, { orderId });
      if (target.status !== 'held') {
        throw new TillError('ORDER_NOT_HELD', `Order ${orderId} is not held`, { orderId, status: target.status });
      }
      const now = isoNow(this.ctx);
      const current = this.orders.draftFor(this.ctx.tillId);
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
    })();
    return this.pushNewCart(orderId, changed);
  }

  /** A new shop currency applies to the open cart while it is empty (lines keep the one they were sold in). */
  currencyChanged(currency: Currency): void {
    const changed = this.ctx.db.transaction(() => {
      const draft = this.orders.draftFor(this.ctx.tillId);
      if (!draft || draft.currency === currency || this.orders.lines(draft.id).length) return false;
      this.orders.setCurrency(draft.id, currency, isoNow(this.ctx));
      return true;
    })();
    if (changed) this.ctx.bus.emit('cart.changed', this.get());
  }

  held(): HeldOrder[] {
    return this.orders.held(this.ctx.tillId);
  }

  /** Completed orders of the local day (per the till's clock), newest first. */
  today(limit: number): Order[] {
    const { from, to } = localDayRange(this.ctx.clock());
    return this.orders.completedBetween(from, to, limit).map((row) => this.load(row.id));
  }

  /** Cash sale: the order, its payment and the journal are one transaction. */
  checkoutCash(tenderedMinor: number): MethodOutput<'checkout.cash'> {
    const { orderId, changeMinor } = this.ctx.db.transaction(() => {
      const draft = this.draft();
      if (this.orders.lines(draft.id).length === 0) throw new TillError('CART_EMPTY', 'The cart is empty');
      const totalMinor = draft.total_minor;
      if (tenderedMinor < totalMinor) {
        throw new TillError('TENDERED_TOO_LOW', 'The cash given is less than the total', { totalMinor, tenderedMinor });
      }
      const when = this.ctx.clock();
      const now = when.toISOString();
      const day = localDay(when);
      const number = this.orders.nextNumber(this.ctx.tillId, day);
      this.orders.complete(draft.id, number, day, now);
      crashPoint('sale.afterOrderUpdate');
      const changeMinor = tenderedMinor - totalMinor;
      const paymentId = this.ctx.repos.payments.insert({
        orderId: draft.id,
        method: 'cash',
        status: 'paid',
        amountMinor: totalMinor,
        tenderedMinor,
        changeMinor,
        staffId: null,
        createdAt: now,
      });
      crashPoint('sale.afterPaymentInsert');
      this.journal.append(
        now,
        'payment.recorded',
        { orderId: draft.id, paymentId },
        { method: 'cash', amountMinor: totalMinor, tenderedMinor, changeMinor },
      );
      this.journal.append(
        now,
        'sale.completed',
        { orderId: draft.id },
        { number, totalMinor, itemCount: draft.item_count, currency: draft.currency },
      );
      crashPoint('sale.beforeCommit');
      return { orderId: draft.id, changeMinor };
    })();
    crashPoint('sale.afterCommit');

    const order = this.load(orderId);
    const cart = this.get();
    this.ctx.bus.emit('orders.changed', { orderId, status: 'completed' });
    this.ctx.bus.emit('cart.changed', cart);
    this.display().saleCompleted({ order, tenderedMinor, changeMinor });
    return { order, changeMinor, cart };
  }
}

function tooMany(quantity: number): TillError {
  return new TillError('AMOUNT_TOO_LARGE', `A line holds at most ${MAX_QUANTITY}`, {
    quantity,
    maxQuantity: MAX_QUANTITY,
  });
}
