// The customer display's state: idle (empty cart), cart, or thanks (change and thanks after a sale).
// The till pushes every new state as `display.changed`; a display that connects late asks `display.get`.
import type { DisplayState, Order, Settings } from '../../shared/domain';
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
}

export class Display {
  // Wall-clock milliseconds at start, then +1 per state at least: a restarted till continues above
  // every number it sent before, so a display never takes a new state for an old one.
  private seq = Date.now();
  private sale: SaleShown | null = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly src: DisplaySources) {}

  /** The state now; `seq` is that of the last state pushed. */
  get(): DisplayState {
    const settings = this.src.settings();
    const base = { shopName: settings.shopName, currency: settings.currency, isDemo: this.src.isDemo(), seq: this.seq };
    if (this.sale) {
      const { order, tenderedMinor, changeMinor } = this.sale;
      return {
        ...base,
        phase: 'thanks',
        // During thanks the display shows the finished sale, not the new empty cart.
        cart: order,
        sale: { number: order.number, totalMinor: order.totalMinor, tenderedMinor, changeMinor },
      };
    }
    const cart = this.src.cart();
    return cart.lines.length
      ? { ...base, phase: 'cart', cart, sale: null }
      : { ...base, phase: 'idle', cart: null, sale: null };
  }

  /** The cart changed: a thanks screen still up gives way at once. */
  cartChanged(): void {
    this.endThanks();
    this.push();
  }

  /** Shop name, currency or demo state changed. */
  refresh(): void {
    this.push();
  }

  saleCompleted(sale: SaleShown): void {
    this.endThanks();
    this.sale = sale;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sale = null;
      this.push();
    }, this.src.settings().displayThanksMs);
    // A pending thanks timer must not keep a stopping process alive.
    this.timer.unref();
    this.push();
  }

  close(): void {
    this.endThanks();
  }

  private endThanks(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.sale = null;
  }

  private push(): void {
    this.seq = Math.max(this.seq + 1, Date.now());
    this.src.bus.emit('display.changed', this.get());
  }
}
