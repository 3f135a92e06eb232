// The customer display's state: idle (empty cart), cart, payment (the QR for exactly what is due, while a
// wallet or bank payment is open on the cart), or thanks (change and thanks after a sale).
// It follows the open order (open-order.ts: every change, and the sale that made one) and builds the
// payment view from the cart's open payment itself; it pushes every new state as `display.changed`; a
// display that connects late asks `display.get`.
import type {
  DisplayPayment,
  DisplayPrompt,
  DisplayState,
  Order,
  Payment,
  PaymentMethod,
  Settings,
} from '../../shared/domain';
import { isEnding, isOpen, paidTowards } from '../../shared/payment';
import type { EventBus } from '../core/bus';
import type { OpenOrderFollower, SaleShown } from './open-order';

export type { SaleShown } from './open-order';

export interface DisplaySources {
  bus: EventBus;
  cart: () => Order;
  settings: () => Settings;
  isDemo: () => boolean;
  /** Subscribes to the open order's changes; returns the way to stop. */
  follow: (follower: OpenOrderFollower) => () => void;
  /** The wallets that can pay a provider's QR (for the payment view), by the provider id a payment stores. */
  wallets?: (provider: string | null) => readonly string[];
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
  private readonly unfollow: () => void;

  constructor(private readonly src: DisplaySources) {
    this.unfollow = src.follow(({ cart, sale }) => {
      if (sale) this.saleCompleted(sale);
      else this.cartChanged(cart);
    });
  }

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
        payments: [],
        prompt: null,
      };
    }
    const open = cart ?? this.src.cart();
    const payments = open.openPaymentId !== null ? this.payments(open) : [];
    const payment = payments[0] ?? null;
    if (payment) {
      return {
        shopName,
        currency,
        isDemo,
        seq,
        phase: 'payment',
        cart: open,
        sale: null,
        payment,
        payments,
        prompt: null,
      };
    }
    return open.lines.length
      ? {
          shopName,
          currency,
          isDemo,
          seq,
          phase: 'cart',
          cart: open,
          sale: null,
          payment: null,
          payments: [],
          prompt: this.prompt,
        }
      : {
          shopName,
          currency,
          isDemo,
          seq,
          phase: 'idle',
          cart: null,
          sale: null,
          payment: null,
          payments: [],
          prompt: null,
        };
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

  /**
   * What the customer display shows for the cart's open checkout round: the wallet QRs side by side (one per
   * wallet), or the payment code being charged, or the bank QR; none for cash.
   */
  private payments(cart: Order): DisplayPayment[] {
    const open = cart.payments.filter((x) => x.method !== 'cash' && isOpen(x.status) && x.attention !== 'abandoned');
    if (open.length === 0) return [];
    const code = open.findLast((x) => x.method === 'payment_code');
    if (code) return [this.view(cart, code)];
    // QRs being closed leave the screen; when all are, the first stays as "cancelling".
    const showing = open.filter((x) => !isEnding(x));
    return (showing.length ? showing : [open[0]!]).map((x) => this.view(cart, x));
  }

  private view(cart: Order, p: Payment): DisplayPayment {
    const settings = this.src.settings();
    // Being cancelled (or closed at its expiry) but not yet confirmed: the QR must not come back on the
    // customer's screen while the close is retried, whatever a query says meanwhile.
    const ending = isEnding(p);
    return {
      paymentId: p.id,
      method: p.method as DisplayPayment['method'],
      status: ending ? 'closing' : p.status,
      amountMinor: p.amountMinor,
      qrContent: ending ? null : p.qrContent,
      expiresAt: p.expiresAt,
      orderNumber: cart.number,
      merchantName: settings.shopName,
      wallets: p.method === 'bank_qr' ? [settings.bankQr.scheme] : [...(this.src.wallets?.(p.provider) ?? [])],
      isDemo: p.isDemo,
    };
  }

  close(): void {
    this.unfollow();
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
