// The payment engine's shared state and helpers: the connected provider and its reachability, the query
// loops and steps under way, reading a payment and its view, and telling everyone that one moved. The jobs
// live in the files beside it; index.ts is the facade.
import { type PayView, type StartupReport, TillError } from '../../shared/api';
import { leadOf } from '../../shared/payment';
import type { Order, Payment } from '../../shared/domain';
import { isoNow, type TillContext } from '../till/context';
import type { OpenOrder } from '../till/open-order';
import type { PaymentProvider } from './provider';

export interface CheckoutOptions {
  /** Between queries of an open QR payment (about a second). */
  pollMs?: number;
  /** Between queries while a customer confirms a payment-code charge; default: the provider's own pace. */
  codePollMs?: number;
  /** Longest wait between queries after errors. */
  maxBackoffMs?: number;
  /** How long a provider's ping answer is trusted by pay.options. */
  pingCacheMs?: number;
  /** How long pay.options waits for a ping before calling the provider unreachable. */
  pingTimeoutMs?: number;
  /** At startup: how long open payments have to settle before they go to the attention list. */
  sweepWaitMs?: number;
  /** false: no background query loops (tests drive steps with check()). */
  loops?: boolean;
  /** First wait before asking again about a refund still being paid out (doubles up to 10 minutes). */
  refundCheckMs?: number;
}

/** The provider holds another amount than ours for this payment: a person looks (attention list). */
export const MISMATCH = 'amount_mismatch';

/** Another trade of its checkout round paid the order first: refunded at once, shown on the attention list. */
export const PAID_TWICE = 'paid_twice';

export interface Loop {
  timer: NodeJS.Timeout | undefined;
  failures: number;
}

/**
 * The engine's state, shared by its parts (one file per job beside this one): the connected provider and
 * its reachability, the query loops and steps under way, and the small helpers every part uses (reading a
 * payment and its view, telling everyone that one moved).
 */
export class Engine {
  /** The connected providers: the Demo gateway, or the shop's real wallets (Alipay, WeChat Pay). */
  providers: readonly PaymentProvider[] = [];
  /** Where the provider POSTs notifications, without the provider id; null when we have no listener. */
  notifyBase: string | null = null;
  readonly loops = new Map<number, Loop>();
  readonly steps = new Map<number, Promise<boolean>>();
  /** Close / reverse calls sent per payment (so that pay.cancel knows whether a joined step sent one). */
  readonly closesSent = new Map<number, number>();
  /** Create / pay-with-code calls still waiting for the provider's answer. */
  readonly creating = new Map<number, Promise<unknown>>();
  /** Per provider id: its latest answer (or refusal to connect), and a ping under way. */
  readonly pings = new Map<string, { at: number; ok: boolean }>();
  readonly pinging = new Map<string, Promise<boolean>>();
  sweeping: Promise<void> | undefined;
  /** The till's latest attempt, so the checkout screen still sees "Paid" once the cart has cleared. */
  recent: number | null = null;
  closed = false;
  readonly o: Required<CheckoutOptions>;
  /** A test set codePollMs: it wins over each provider's own pace. */
  readonly codePollFixed: boolean;
  report: StartupReport;

  constructor(
    readonly ctx: TillContext,
    readonly open: OpenOrder,
    opts: CheckoutOptions = {},
  ) {
    this.o = {
      pollMs: 1000,
      codePollMs: 3000,
      maxBackoffMs: 10_000,
      pingCacheMs: 5000,
      pingTimeoutMs: 1500,
      sweepWaitMs: 5000,
      loops: true,
      refundCheckMs: 15_000,
      ...opts,
    };
    this.codePollFixed = opts.codePollMs !== undefined;
    this.report = { startedAt: isoNow(ctx), done: false, settled: [], unsettled: 0 };
  }

  get payments() {
    return this.ctx.repos.payments;
  }
  get orders() {
    return this.ctx.repos.orders;
  }

  /** The providers to use from now on; `notifyBase` e.g. http://127.0.0.1:5123/notify */
  setProviders(providers: readonly PaymentProvider[], notifyBase: string | null = this.notifyBase): void {
    this.providers = [...providers];
    this.notifyBase = notifyBase;
    this.pings.clear();
    this.pinging.clear();
  }

  /** The connected provider a payment belongs to (by its stored provider id). */
  providerFor(id: string | null): PaymentProvider | undefined {
    return this.providers.find((p) => p.id === id);
  }

  /** Stops every loop; calls still out at the provider find the engine closed and write nothing. */
  close(): void {
    this.closed = true;
    for (const loop of this.loops.values()) clearTimeout(loop.timer);
    this.loops.clear();
  }

  /** The open cart and its latest checkout round (or the till's last one, once the cart has cleared). */
  current(): PayView {
    const cart = this.open.get();
    const last = cart.payments.filter((p) => p.method !== 'cash').at(-1) ?? cart.payments.at(-1);
    if (last) return this.viewOf(cart, last);
    const recent = cart.lines.length === 0 && this.recent !== null ? this.payments.byId(this.recent) : undefined;
    return this.viewOf(cart, recent ?? null);
  }

  view(paymentId: number): PayView {
    return this.viewOf(this.open.get(), this.payments.byId(paymentId) ?? null);
  }

  /**
   * The cart, the payment's checkout round and its lead (the one that paid, else a payment code that took
   * over, else the one asked about), and the payment's own order (read when it is not the cart).
   */
  viewOf(cart: Order, payment: Payment | null): PayView {
    const order =
      payment && payment.orderId !== cart.id ? this.ctx.tx(() => this.open.orderById(payment.orderId)) : cart;
    const group = payment?.groupId != null ? this.payments.inGroup(payment.groupId) : payment ? [payment] : [];
    return { cart, payment: leadOf(group) ?? payment, order, group };
  }

  /** The wallets that can pay a provider's QR (all connected ones' without an id): the customer display shows them. */
  wallets(provider?: string | null): readonly string[] {
    if (provider !== undefined) return this.providerFor(provider)?.wallets ?? [];
    return this.providers.flatMap((p) => p.wallets);
  }

  /** Every answer (or refusal to connect) tells us whether that provider is there. */
  noteReach(provider: PaymentProvider | string, ok: boolean): void {
    this.pings.set(typeof provider === 'string' ? provider : provider.id, { at: Date.now(), ok });
  }

  /** It refused to connect or failed a ping within the last few seconds. */
  knownDown(provider: PaymentProvider): boolean {
    const ping = this.pings.get(provider.id);
    return ping !== undefined && !ping.ok && Date.now() - ping.at < this.o.pingCacheMs;
  }

  /** Why a provider cannot take this currency ('currency'), or null. */
  currencyProblem(provider: PaymentProvider, currency: string): 'currency' | null {
    return provider.currencies && !provider.currencies.includes(currency) ? 'currency' : null;
  }

  /** The providers a new payment in `currency` may use now; throws with the reason when there is none. */
  usableProviders(currency: string): PaymentProvider[] {
    if (this.providers.length === 0) {
      throw new TillError('PAYMENT_UNAVAILABLE', 'No wallet is set up', { reason: 'not_configured' });
    }
    const takes = this.providers.filter((p) => !this.currencyProblem(p, currency));
    if (takes.length === 0) {
      throw new TillError('PAYMENT_UNAVAILABLE', `The wallets take no ${currency}`, { reason: 'currency', currency });
    }
    const up = takes.filter((p) => !this.knownDown(p));
    if (up.length === 0) {
      throw new TillError('PAYMENT_UNAVAILABLE', 'The payment provider cannot be reached', { reason: 'unreachable' });
    }
    return up;
  }

  /** Between queries of a payment-code charge: the provider's guide (Alipay 5 s, WeChat Pay 3–5 s). */
  codePollMs(provider: PaymentProvider | undefined): number {
    if (this.codePollFixed || !provider?.codePolling) return this.o.codePollMs;
    return provider.codePolling.everyMs;
  }

  /**
   * Where a provider may POST its notification: only the Demo gateway, which runs beside the till, can reach our
   * loopback listener. Alipay and WeChat Pay are never sent it (WeChat Pay takes the shop's own HTTPS URL from
   * its settings); polling is the path of record.
   */
  notifyUrl(provider: PaymentProvider): string | null {
    if (!provider.isDemo) return null;
    return this.notifyBase ? `${this.notifyBase}/${encodeURIComponent(provider.id)}` : null;
  }

  /** After a payment moved: its event, the cart (or the sale and the next cart), the attention count. */
  announce(payment: Payment, sold: Order | null, cart: Order | null, attention: boolean): void {
    this.ctx.bus.emit('payment.changed', payment);
    if (sold) {
      this.ctx.bus.emit('orders.changed', { orderId: sold.id, status: 'completed' });
      if (cart) this.open.announce(cart, { order: sold, tenderedMinor: sold.totalMinor, changeMinor: 0 });
    } else {
      this.open.paymentMoved(payment.orderId);
    }
    if (attention) this.attentionChanged();
  }

  changed(payment: Payment, attention = payment.attention !== null): void {
    this.ctx.bus.emit('payment.changed', payment);
    this.open.paymentMoved(payment.orderId);
    if (attention) this.attentionChanged();
  }

  attentionChanged(): void {
    this.ctx.bus.emit('attention.changed', { count: this.payments.attentionCount() });
  }

  find(id: number): Payment {
    const p = this.payments.byId(id);
    if (!p) throw new TillError('PAYMENT_NOT_FOUND', `No payment ${id}`, { paymentId: id });
    return p;
  }

  // ---- notifications ---------------------------------------------------------------------------------

  stopLoop(id: number): void {
    const loop = this.loops.get(id);
    if (loop) clearTimeout(loop.timer);
    this.loops.delete(id);
    this.closesSent.delete(id);
  }

  // ---- helpers -----------------------------------------------------------------------------------------

  /** After an await: the till may have closed meanwhile (its database too). */
  alive(): void {
    if (this.closed) throw new TillError('INTERNAL', 'The till is closing');
  }
}

export function notOpen(p: Payment): TillError {
  return new TillError('PAYMENT_STATE', `The payment is ${p.status}`, { paymentId: p.id, status: p.status });
}

/** The provider holds another amount for it: neither closed nor settled by us; a person looks (attention list). */
export function refuseMismatch(p: Payment): void {
  if (p.reason === MISMATCH) {
    throw new TillError('PAYMENT_STATE', 'The provider holds another amount for this payment; see the attention list', {
      paymentId: p.id,
      status: p.status,
      reason: MISMATCH,
    });
  }
}
