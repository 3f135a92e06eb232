// The cart edits the open order's lines and discounts, and makes the cash sale. Each change is one
// transaction that edits the lines, reprices the whole order in memory (shared/pricing.ts), stores the lines
// whose pricing moved and the totals, and bumps the revision, so a crash or restart loses nothing. The
// answer and the pushes are built from the rows the transaction holds (the repository keeps them in step
// with what it writes), never read back. The open order itself (its copy in memory, number, completion and
// the next draft) is OpenOrder's (open-order.ts).
//
// A payment locks the cart (see Order.locked): while one is open, and once part of the total is paid
// (split tender), lines, discounts, hold and void answer CART_LOCKED.
import { type MethodOutput, TillError } from '../../shared/api';
import type { Currency, HeldOrder, Order, Payment, Product } from '../../shared/domain';
import { MAX_QUANTITY } from '../../shared/domain';
import { MAX_AMOUNT_MINOR } from '../../shared/money';
import { priceOrder } from '../../shared/pricing';
import { crashPoint } from '../core/crash';
import type { LineRow, OrderRow } from '../db/orders';
import { paidTowards } from '../../shared/payment';
import { MAX_TYPED_WEIGHT_GRAMS, type ScaleLabel, weighedPrice } from '../../shared/scale';
import { tillBusinessDay, tillBusinessDayRange } from './business-day';
import { isoNow, type TillContext } from './context';
import { assertUnlocked, type OpenOrder } from './open-order';

export class Cart {
  constructor(
    private readonly ctx: TillContext,
    private readonly open: OpenOrder,
  ) {}

  private get orders() {
    return this.ctx.repos.orders;
  }

  private get journal() {
    return this.ctx.repos.journal;
  }

  /** The open cart, created empty when there is none. */
  get(): Order {
    return this.open.get();
  }

  /**
   * One cart change: `edit` runs inside the transaction on the draft and its lines as read (writing
   * through the repository, which keeps those objects in step), then the order is repriced and pushed.
   */
  private change(edit: (draft: OrderRow, lines: LineRow[]) => void): Order {
    const cart = this.open.write(() => {
      const open = this.open.rows();
      assertUnlocked(open.payments);
      edit(open.draft, open.lines);
      this.reprice(open.draft, open.lines);
      return this.open.orderOf(open);
    });
    this.open.announce(cart);
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
    // Its price is per kg: a tap or its own code would sell exactly 1 kg. The scale's label carries the weight.
    if (product.soldByWeight) {
      throw new TillError('WEIGH_FIRST', `${product.name} is sold by weight: weigh it and scan the scale's label`, {
        barcode: product.barcode,
        name: product.name,
      });
    }
    return this.change((draft, lines) => {
      const now = isoNow(this.ctx);
      const same = lines.find(
        (l) =>
          l.product_id === product.id &&
          l.weight_g === null &&
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
        if (lines.length === 0) this.orders.setStaff(draft, this.ctx.staff.current());
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

  /**
   * Adds one weighed item from a scale label, always as a line of its own (quantity 1). Its price: the
   * amount the label carries, which the scale printed and the customer saw; else, for a weight-only label,
   * the product's price per kilogram times the weight, rounded half up to a whole minor unit (weighedPrice).
   */
  addWeighed(product: Product, label: ScaleLabel): Order {
    if (!product.active) {
      throw new TillError('PRODUCT_INACTIVE', `${product.name} is not for sale`, {
        barcode: product.barcode,
        name: product.name,
      });
    }
    let amountMinor = label.amountMinor;
    if (amountMinor === null) {
      if (!product.soldByWeight) {
        throw new TillError('NOT_SOLD_BY_WEIGHT', `${product.name} is not sold by weight`, {
          barcode: product.barcode,
          name: product.name,
        });
      }
      if (label.weightGrams === null) {
        throw new TillError('INVALID_INPUT', 'The scale label carries no weight', { item: label.item });
      }
      amountMinor = weighedPrice(product.priceMinor, label.weightGrams);
    }
    const unitPriceMinor = amountMinor;
    return this.change((draft, lines) => {
      if (lines.length === 0) this.orders.setStaff(draft, this.ctx.staff.current());
      const line = this.orders.insertLine(draft.id, {
        productId: product.id,
        barcode: product.barcode,
        name: product.name,
        nameEn: product.nameEn,
        unitPriceMinor,
        quantity: 1,
        taxRateBp: product.taxRateBp,
        weightGrams: label.weightGrams,
      });
      lines.push(line);
      this.journal.append(
        isoNow(this.ctx),
        'cart.lineAdded',
        { orderId: draft.id },
        {
          lineId: line.id,
          productId: product.id,
          barcode: product.barcode,
          unitPriceMinor,
          quantity: 1,
          weightGrams: label.weightGrams,
          pricedBy: label.amountMinor === null ? 'weight' : 'label',
          perKgMinor: product.soldByWeight ? product.priceMinor : null,
          template: label.template,
        },
      );
      if (product.isDemo && !draft.is_demo) this.orders.markDemo(draft);
    });
  }

  /**
   * A sold-by-weight product with a weight the cashier typed (no scale label): priced exactly as a weight-only
   * label is (weighedPrice: per-kg price times the weight, rounded half up to a whole fen).
   */
  addTypedWeight(product: Product, weightGrams: number): Order {
    if (!product.soldByWeight) {
      throw new TillError('NOT_SOLD_BY_WEIGHT', `${product.name} is not sold by weight`, {
        barcode: product.barcode,
        name: product.name,
      });
    }
    if (!Number.isSafeInteger(weightGrams) || weightGrams < 1 || weightGrams > MAX_TYPED_WEIGHT_GRAMS) {
      throw new TillError('INVALID_INPUT', 'A weight is 1 g to 99.999 kg in whole grams', { weightGrams });
    }
    return this.addWeighed(product, { template: 'typed', flag: 0, item: '', weightGrams, amountMinor: null });
  }

  setQuantity(lineId: number, quantity: number): Order {
    return this.change((draft, lines) => {
      const line = this.line(lines, lineId);
      if (line.weight_g !== null && quantity !== line.quantity) {
        throw new TillError('WEIGHED_LINE', 'A weighed line is one scale label: scan another label for more', {
          lineId,
        });
      }
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
      this.checkDiscountLimit(discountMinor, gross);
      const was = line.line_discount_minor;
      this.orders.setLineDiscount(line, discountMinor);
      this.journal.append(isoNow(this.ctx), 'cart.lineDiscount', { orderId: draft.id }, { lineId, discountMinor, was });
    });
  }

  /**
   * Sells one line at another price than the catalog's (this sale only): needs the owner (or their approval).
   * A line discount larger than the new line amount is refused, as when it is set.
   */
  setUnitPrice(lineId: number, unitPriceMinor: number): Order {
    return this.change((draft, lines) => {
      const line = this.line(lines, lineId);
      const gross = unitPriceMinor * line.quantity;
      if (line.line_discount_minor > gross) {
        throw new TillError('DISCOUNT_TOO_LARGE', 'The line discount is larger than the line at this price', {
          discountMinor: line.line_discount_minor,
          maxMinor: gross,
        });
      }
      const was = line.unit_price_minor;
      if (was === unitPriceMinor) return;
      this.ctx.staff.authorize('priceOverride');
      this.orders.setUnitPrice(line, unitPriceMinor);
      this.journal.append(
        isoNow(this.ctx),
        'cart.priceOverridden',
        { orderId: draft.id },
        { lineId, barcode: line.barcode, unitPriceMinor, was },
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
      this.checkDiscountLimit(discountMinor, net);
      const was = draft.order_discount_minor;
      this.orders.setOrderDiscount(draft, discountMinor);
      this.journal.append(isoNow(this.ctx), 'cart.orderDiscount', { orderId: draft.id }, { discountMinor, was });
    });
  }

  /** A discount over the owner's limit (a percent of what it comes off) needs the owner (or their approval). */
  private checkDiscountLimit(discountMinor: number, ofMinor: number): void {
    const limit = this.ctx.settings.get().staffRules.discountLimitPercent;
    if (discountMinor * 100 > ofMinor * limit) this.ctx.staff.authorize('discountOverThreshold');
  }

  /** Voids the cart (kept as 'voided' and journaled); a new empty cart takes its place. */
  void(): Order {
    const current = this.get();
    if (current.lines.length === 0) return current;
    return this.replaceDraft((draft, now, _lines, payments) => {
      assertUnlocked(payments);
      // A payment was started: the customer display showed the total (and a QR), so a void needs the owner.
      if (payments.length > 0 || draft.number !== '') this.ctx.staff.authorize('voidAfterTotalShown');
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
    const { changed, cart } = this.open.write(() => {
      const { draft, lines, payments } = this.open.rows();
      const now = isoNow(this.ctx);
      const changed = end(draft, now, lines, payments);
      return { changed, cart: this.open.openEmpty(now) };
    });
    return this.pushNewCart(cart, [changed]);
  }

  private pushNewCart(cart: Order, changed: { orderId: number; status: string }[]): Order {
    for (const c of changed) this.ctx.bus.emit('orders.changed', c);
    this.open.announce(cart);
    return cart;
  }

  /** Brings a held order back as the cart; a cart with lines is held first, so nothing is lost. */
  recall(orderId: number): Order {
    const changed: { orderId: number; status: string }[] = [];
    const cart = this.open.write(() => {
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
      return this.open.orderOf(this.open.rows());
    });
    return this.pushNewCart(cart, changed);
  }

  /** A new shop currency applies to the open cart while it is empty (lines keep the one they were sold in). */
  currencyChanged(currency: Currency): void {
    const changed = this.open.write(() => {
      if (!this.orders.draftRevision(this.ctx.tillId)) return false;
      const { draft, lines } = this.open.rows();
      if (draft.currency === currency || lines.length) return false;
      this.orders.setCurrency(draft.id, currency, isoNow(this.ctx));
      return true;
    });
    if (changed) this.ctx.bus.emit('cart.changed', this.get());
  }

  held(): HeldOrder[] {
    return this.orders.held(this.ctx.tillId);
  }

  /** Completed orders of the business day (per the till's clock and the day's start hour), newest first. */
  /**
   * A page of today's orders (the business day), newest first, after `beforeId`: three queries per page (orders,
   * their lines, their payments), however many orders the day has or the page holds.
   */
  today(limit: number, beforeId?: number): Order[] {
    const { fromIso: from, toIso: to } = tillBusinessDayRange(this.ctx, tillBusinessDay(this.ctx, this.ctx.clock()));
    return this.ctx.tx(() => {
      const rows = this.orders.completedBetween(from, to, limit, beforeId);
      const ids = rows.map((r) => r.id);
      const lines = this.orders.linesOf(ids);
      const payments = this.ctx.repos.payments.forOrders(ids);
      return rows.map((row) => this.orders.toOrder(row, lines.get(row.id)!, payments.get(row.id)!));
    });
  }

  /**
   * Cash sale (or the cash for what is still due after part payments): the order, its payment, the journal
   * and the next customer's empty cart are one transaction. The answer is built from what it read and wrote.
   */
  checkoutCash(tenderedMinor: number, receipt?: boolean): MethodOutput<'checkout.cash'> {
    const { order, cart, changeMinor, paidBefore } = this.open.write(() => {
      const open = this.open.rows();
      const paidBefore = paidTowards(open.payments);
      const when = this.ctx.clock();
      const now = when.toISOString();
      let changeMinor = 0;
      this.open.takeCash(open, now, (dueMinor) => {
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
      this.open.complete(open.draft, when, () => crashPoint('sale.afterOrderUpdate'), { how: 'cash', receipt });
      const sold = this.open.orderOf(open);
      const cart = this.open.openEmpty(now);
      crashPoint('sale.beforeCommit');
      return { order: sold, cart, changeMinor, paidBefore };
    });
    crashPoint('sale.afterCommit');

    this.ctx.bus.emit('orders.changed', { orderId: order.id, status: 'completed' });
    this.open.announce(cart, { order, tenderedMinor: tenderedMinor + paidBefore, changeMinor });
    return { order, changeMinor, cart };
  }
}

function tooMany(quantity: number): TillError {
  return new TillError('AMOUNT_TOO_LARGE', `A line holds at most ${MAX_QUANTITY}`, {
    quantity,
    maxQuantity: MAX_QUANTITY,
  });
}
