// The customer display's state: idle (empty cart), cart, payment (the QR for exactly what is due, while a
// wallet or bank payment is open on the cart), or thanks (change and thanks after a sale).
// The till pushes every new state as `display.changed`; a display that connects late asks `display.get`.
import type { DisplayPayment, DisplayPrompt, DisplayState, Order, PaymentMethod, Settings } from '../../shared/domain';
import { paidTowards } from '../../shared/payment';
import type { EventBus } from '../core/bus';

export interface SaleShown {
  order: Order;
  tenderedMinor: number;
  changeMinor: number;
}

export interface DisplaySources {
  bus: EventBus;
  cart: () => Order;
  settings: () => Settings;
  isDemo: () => boolean;
  /** What the customer sees for the cart's open payment, if it has one (wallet or bank QR). */
  payment?: (cart: Order) => DisplayPayment | null;
}

export class Display {
  // Wall-clock milliseconds at start, then +1 per state at least: a restarted till continues above
  // every number it sent before, so a display never takes a new state for an old one.
  private seq = Date.now();
  private sale: SaleShown | null = null;
  /** Set by the checkout while it waits for the customer's payment code; ends with the payment or the sale. */
  private prompt: DisplayPrompt | null = null;
  private timer: NodeJS.Timeout | undefined;
  private timerMs = 0;

  constructor(private readonly src: DisplaySources) {}

  /** The state now; `seq` is that of the last state pushed. */
  get(): DisplayState {
    return this.state();
  }

  /** `cart`: the open cart when the caller has it at hand (it is read otherwise). */
  private state(cart?: Order): DisplayState {
    const { shopName, currency } = this.src.settings();
    const isDemo = this.src.isDemo();
    const seq = this.seq;
    if (this.sale) {
      const { order, tenderedMinor, changeMinor } = this.sale;
      return {
        shopName,
        currency,
        isDemo,
        seq,
        phase: 'thanks',
        // During thanks the display shows the finished sale, not the new empty cart.
        cart: order,
        sale: {
          number: order.number,
          totalMinor: order.totalMinor,
          tenderedMinor,
          changeMinor,
          methods: methodsOf(order),
        },
        payment: null,
        prompt: null,
      };
    }
    const open = cart ?? this.src.cart();
    const payment = open.openPaymentId !== null ? (this.src.payment?.(open) ?? null) : null;
    if (payment) {
      return { shopName, currency, isDemo, seq, phase: 'payment', cart: open, sale: null, payment, prompt: null };
    }
    return open.lines.length
      ? { shopName, currency, isDemo, seq, phase: 'cart', cart: open, sale: null, payment: null, prompt: this.prompt }
      : { shopName, currency, isDemo, seq, phase: 'idle', cart: null, sale: null, payment: null, prompt: null };
  }

  /** The checkout asks the customer for their payment code (or stops asking). */
  ask(prompt: DisplayPrompt | null): DisplayState {
    if (prompt !== this.prompt) {
      this.prompt = prompt;
      this.push();
    }
    return this.get();
  }

  /** The cart changed to `cart` (the very object the till answers with): a thanks screen gives way at once. */
  cartChanged(cart: Order): void {
    this.endThanks();
    this.push(cart);
  }

  /** Shop name, currency or demo state changed. */
  refresh(): void {
    this.push();
  }

  saleCompleted(sale: SaleShown): void {
    this.sale = sale;
    this.prompt = null;
    const ms = this.src.settings().displayThanksMs;
    // One timer, re-armed for each sale (a busy till makes hundreds): cheaper than a new one each time.
    if (this.timer && this.timerMs === ms) this.timer.refresh();
    else {
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => this.thanksOver(), ms);
      this.timerMs = ms;
      // A pending thanks timer must not keep a stopping process alive.
      this.timer.unref();
    }
    this.push();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.sale = null;
    this.prompt = null;
  }

  private thanksOver(): void {
    // Thanks already gave way to the next cart: nothing to take down.
    if (!this.sale) return;
    this.sale = null;
    this.push();
  }

  /** The timer may still fire afterwards; it then finds no sale and does nothing. */
  private endThanks(): void {
    this.sale = null;
  }

  private push(cart?: Order): void {
    this.seq = Math.max(this.seq + 1, Date.now());
    this.src.bus.emit('display.changed', this.state(cart));
  }
}

/** How the order was paid, in payment order: the payments that count towards it. */
function methodsOf(order: Order): PaymentMethod[] {
  return order.payments.filter((p) => paidTowards([p]) > 0).map((p) => p.method);
}
