// The checkout payment engine: wallet QR, payment code (B-scan-C), bank QR and split tender, for the
// till's open cart. Every attempt is a persisted state machine (shared/payment.ts, electron/db/payments.ts):
// each move is one `UPDATE … WHERE status = <expected>` with its journal row, and the transaction that marks
// a payment paid also completes its order when the order is then fully paid. Whatever arrives first (a
// notification, a query answer, the close at expiry) wins; the others find the row moved and do nothing.
//
// Rules that keep money safe:
// - limits are checked before any trade row exists; the trade number is stored before the provider is
//   called; a retry gets a new one; "trade exists / already paid" on create is an error, never a success;
// - a timeout or "not found" is never a failure: the payment goes to 'unknown' and is settled by query/close;
//   a close answered "not found" is not a confirmed close until the trade's expiry (+ grace) has passed;
// - a provider holding another amount than ours is never settled (not even by a close's "already paid"):
//   the payment goes to the attention list and its order is held;
// - one single-flight query loop per open payment (the next query only after the previous answered),
//   living here in main whatever windows are open, with backoff on errors;
// - a payment that arrives after its attempt ended, or for an order that no longer needs it, is a late
//   payment on the attention list (refund or apply), never ignored and never applied silently.
import { randomInt } from 'node:crypto';
import { type MethodOutput, type PayOption, type PayView, type StartupReport, TillError } from '../../shared/api';
import type { AttentionItem } from '../../shared/api';
import type { DisplayPayment, Order, Payment, WalletMethod } from '../../shared/domain';
import {
  canTransition,
  isEnding,
  isLatePayment,
  isOpen,
  makeTradeNumber,
  maskPaymentCode,
  maskPaymentCodesIn,
  type PaymentState,
  routePaymentCode,
} from '../../shared/payment';
import { crashPoint } from '../core/crash';
import type { PaymentFields, RefundRow } from '../db/index';
import { dueOf, openPaymentOf } from '../db/orders';
import type { Cart } from '../till/cart';
import { isoNow, localDay, type TillContext } from '../till/context';
import type { Display } from '../till/display';
import { bankQrPayload, bankQrUnavailable, bankReference } from './bank-qr';
import {
  type CreateQrRequest,
  type IncomingNotification,
  type PaymentProvider,
  ProviderError,
  type QueryResult,
} from './provider';

export interface CheckoutOptions {
  /** Between queries of an open QR payment (about a second). */
  pollMs?: number;
  /** Between queries while a customer confirms a payment-code charge. */
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
}

type Why = 'cancelled' | 'expired';

/** What every trade-creating provider call carries. */
type CreateCommon = Pick<
  CreateQrRequest,
  'tradeNumber' | 'amountMinor' | 'currency' | 'subject' | 'orderNumber' | 'notifyUrl'
>;

/**
 * A close answered "not found" (Alipay precreate says so until the buyer scans) is taken as closed only
 * this long after the trade's expiry, which the provider shares: by then nobody can pay it.
 */
const CLOSE_GRACE_MS = 30_000;
const MISMATCH = 'amount_mismatch';
const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

interface Loop {
  timer: NodeJS.Timeout | undefined;
  failures: number;
}

const CODE_REFUSALS = new Set(['INVALID_CODE', 'DECLINED', 'INSUFFICIENT_FUNDS']);

export class Checkout {
  private provider: PaymentProvider | null = null;
  /** Where the provider POSTs notifications, without the provider id; null when we have no listener. */
  private notifyBase: string | null = null;
  private readonly loops = new Map<number, Loop>();
  private readonly steps = new Map<number, Promise<boolean>>();
  /** Close / reverse calls sent per payment (so that pay.cancel knows whether a joined step sent one). */
  private readonly closesSent = new Map<number, number>();
  /** Create / pay-with-code calls still waiting for the provider's answer. */
  private readonly creating = new Map<number, Promise<unknown>>();
  private ping: { at: number; ok: boolean } | undefined;
  private pinging: Promise<boolean> | undefined;
  private sweeping: Promise<void> | undefined;
  /** The till's latest attempt, so the checkout screen still sees "Paid" once the cart has cleared. */
  private recent: number | null = null;
  private closed = false;
  private readonly tx: <T>(fn: () => T) => T;
  private readonly o: Required<CheckoutOptions>;
  private report: StartupReport;

  constructor(
    private readonly ctx: TillContext,
    private readonly cart: Cart,
    private readonly display: () => Display,
    opts: CheckoutOptions = {},
  ) {
    this.tx = ctx.db.transaction((fn: () => unknown) => fn()) as <T>(fn: () => T) => T;
    this.o = {
      pollMs: 1000,
      codePollMs: 3000,
      maxBackoffMs: 10_000,
      pingCacheMs: 5000,
      pingTimeoutMs: 1500,
      sweepWaitMs: 5000,
      loops: true,
      ...opts,
    };
    this.report = { startedAt: isoNow(ctx), done: false, settled: [], unsettled: 0 };
  }

  /** pay.startupReport: what the startup check found (done: false while it still asks). */
  startupReport(): StartupReport {
    return this.report;
  }

  private get payments() {
    return this.ctx.repos.payments;
  }
  private get orders() {
    return this.ctx.repos.orders;
  }

  // ---- wiring ----------------------------------------------------------------------------------------

  /** The provider to use from now on (null: none reachable); `notifyBase` e.g. http://127.0.0.1:5123/notify */
  setProvider(provider: PaymentProvider | null, notifyBase: string | null = this.notifyBase): void {
    this.provider = provider;
    this.notifyBase = notifyBase;
    this.ping = undefined;
  }

  /** Stops every loop; calls still out at the provider find the engine closed and write nothing. */
  close(): void {
    this.closed = true;
    for (const loop of this.loops.values()) clearTimeout(loop.timer);
    this.loops.clear();
  }

  // ---- reading ---------------------------------------------------------------------------------------

  /** The open cart and its latest attempt (or the till's last one, once the cart has cleared). */
  current(): PayView {
    const cart = this.cart.get();
    const last = cart.payments.at(-1);
    if (last) return { cart, payment: last, order: cart };
    const recent = cart.lines.length === 0 && this.recent !== null ? this.payments.byId(this.recent) : undefined;
    return this.viewOf(cart, recent ?? null);
  }

  private view(paymentId: number): PayView {
    return this.viewOf(this.cart.get(), this.payments.byId(paymentId) ?? null);
  }

  /** The cart, the payment and the payment's own order (read when it is not the cart). */
  private viewOf(cart: Order, payment: Payment | null): PayView {
    const order = payment && payment.orderId !== cart.id ? this.tx(() => this.orderById(payment.orderId)) : cart;
    return { cart, payment, order };
  }

  /** An order with its lines and payments, as stored now. */
  private orderById(id: number): Order {
    return this.orders.toOrder(this.orders.byId(id)!, this.orders.lines(id), this.payments.forOrder(id));
  }

  /** What the customer display shows for the cart's open payment. */
  displayPayment(cart: Order): DisplayPayment | null {
    const p = cart.payments.find((x) => x.id === cart.openPaymentId);
    if (!p || p.method === 'cash') return null;
    const settings = this.ctx.settings.get();
    // Being cancelled (or closed at its expiry) but not yet confirmed: the QR must not come back on the
    // customer's screen while the close is retried, whatever a query says meanwhile.
    const ending = isEnding(p);
    return {
      paymentId: p.id,
      method: p.method,
      status: ending ? 'closing' : p.status,
      amountMinor: p.amountMinor,
      qrContent: ending ? null : p.qrContent,
      expiresAt: p.expiresAt,
      orderNumber: cart.number,
      merchantName: settings.shopName,
      wallets: p.method === 'bank_qr' ? [settings.bankQr.scheme] : [...(this.provider?.wallets ?? [])],
      isDemo: p.isDemo,
    };
  }

  async options(): Promise<MethodOutput<'pay.options'>> {
    const cart = this.cart.get();
    const due = cart.dueMinor;
    const settings = this.ctx.settings.get();
    const reachable = await this.providerReachable();
    const provider = this.provider;
    const option = (method: WalletMethod, unavailable: string | null): PayOption => {
      const maxMinor = settings.payLimits[method];
      const reason = unavailable ?? (due > maxMinor ? 'over_limit' : null);
      const bank = method === 'bank_qr';
      return {
        method,
        available: reason === null,
        reason,
        provider: bank ? 'bank' : (provider?.id ?? null),
        minMinor: 1,
        maxMinor,
        isDemo: !bank && (provider?.isDemo ?? false),
      };
    };
    const wallet = reachable ? null : 'unreachable';
    return {
      dueMinor: due,
      options: [
        option('qr', wallet),
        option('payment_code', wallet),
        option('bank_qr', bankQrUnavailable(settings.bankQr, this.cart.get().currency)),
      ],
    };
  }

  /** The provider answered a ping lately (cached for a few seconds; never waits long). */
  private providerReachable(): Promise<boolean> {
    const provider = this.provider;
    if (!provider) return Promise.resolve(false);
    if (this.ping && Date.now() - this.ping.at < this.o.pingCacheMs) return Promise.resolve(this.ping.ok);
    if (this.pinging) return this.pinging;
    const answered = provider.ping().then(
      () => true,
      () => false,
    );
    // An answer that comes after the wait below still counts: a slow provider (or a busy PC) is not an
    // unreachable one, and the next pay.options shows it available without waiting out the cache.
    void answered.then((ok) => {
      if (this.provider === provider) this.ping = { at: Date.now(), ok };
    });
    const waited = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), this.o.pingTimeoutMs);
      timer.unref();
      void answered.then((ok) => {
        clearTimeout(timer);
        resolve(ok);
      });
    }).then((ok) => {
      this.pinging = undefined;
      // A timeout counts as down only until the answer arrives.
      if (!ok && this.provider === provider && !this.ping?.ok) this.ping = { at: Date.now(), ok };
      return ok;
    });
    this.pinging = waited;
    return waited;
  }

  /** Every answer (or refusal to connect) tells us whether the provider is there. */
  private noteReach(ok: boolean): void {
    this.ping = { at: Date.now(), ok };
  }

  private requireProvider(): PaymentProvider {
    const provider = this.provider;
    const knownDown = this.ping && !this.ping.ok && Date.now() - this.ping.at < this.o.pingCacheMs;
    if (!provider || knownDown) {
      throw new TillError('PAYMENT_UNAVAILABLE', 'The payment provider cannot be reached', { reason: 'unreachable' });
    }
    return provider;
  }

  // ---- starting a payment ----------------------------------------------------------------------------

  /** pay.start: a provider QR or the shop's bank QR for `amountMinor` (default: all that is due). */
  async start(method: 'qr' | 'bank_qr', amountMinor: number | undefined): Promise<PayView> {
    if (method === 'bank_qr') return this.startBank(amountMinor);
    const provider = this.requireProvider();
    const payment = this.begin('qr', amountMinor, {
      provider: provider.id,
      isDemo: provider.isDemo,
      expiresInSeconds: this.ctx.settings.get().payExpirySeconds,
    });
    return this.create(
      provider,
      payment,
      (order) => provider.createQr({ ...order, expiresAt: new Date(payment.expiresAt!) }),
      (res) =>
        this.move(payment.id, 'created', 'pending', {
          qrContent: res.qrContent,
          providerRef: res.providerRef,
          expiresAt: res.expiresAt.toISOString(),
        }),
    );
  }

  /** pay.withCode: charges the customer's payment code (the full code only ever goes to the provider). */
  async withCode(code: string, amountMinor: number | undefined): Promise<PayView> {
    if (!routePaymentCode(code)) {
      throw new TillError('PAYMENT_CODE_INVALID', 'That is not a payment code a provider accepts', {
        code: maskPaymentCode(code),
      });
    }
    const provider = this.requireProvider();
    const payment = this.begin('payment_code', amountMinor, {
      provider: provider.id,
      isDemo: provider.isDemo,
      maskedCode: maskPaymentCode(code),
      expiresInSeconds: this.ctx.settings.get().paymentCodeWaitSeconds,
    });
    return this.create(
      provider,
      payment,
      (order) => provider.payWithCode({ ...order, authCode: code }),
      (res) => {
        if (res.status === 'paid') this.settlePaid(payment.id, { providerRef: res.providerRef });
        else this.move(payment.id, 'created', 'pending', { providerRef: res.providerRef, reason: 'user_paying' });
      },
    );
  }

  /**
   * The provider call that creates a stored attempt's trade (a QR or a code charge), with what every such
   * call carries; `answered` records its answer. Whatever happens, the attempt gets its query loop.
   */
  private async create<T>(
    provider: PaymentProvider,
    payment: Payment,
    call: (common: CreateCommon) => Promise<T>,
    answered: (res: T) => void,
  ): Promise<PayView> {
    const order = this.orders.byId(payment.orderId)!;
    crashPoint('pay.beforeProviderCreate');
    const pending = call({
      tradeNumber: payment.tradeNumber!,
      amountMinor: payment.amountMinor,
      currency: order.currency,
      subject: `${this.ctx.settings.get().shopName} #${order.number}`,
      orderNumber: order.number,
      notifyUrl: this.notifyUrl(provider),
    });
    this.creating.set(
      payment.id,
      pending.catch(() => undefined),
    );
    try {
      const res = await pending;
      crashPoint('pay.afterProviderCreate');
      this.alive();
      this.noteReach(true);
      answered(res);
    } catch (err) {
      this.createFailed(payment, err);
    } finally {
      this.creating.delete(payment.id);
    }
    this.ensureLoop(payment.id);
    return this.view(payment.id);
  }

  private startBank(amountMinor: number | undefined): PayView {
    const settings = this.ctx.settings.get();
    const currency = this.cart.get().currency;
    const unavailable = bankQrUnavailable(settings.bankQr, currency);
    if (unavailable) {
      throw new TillError('PAYMENT_UNAVAILABLE', 'The bank QR is not set up for this shop', { reason: unavailable });
    }
    const payment = this.begin('bank_qr', amountMinor, {
      provider: 'bank',
      isDemo: false,
      expiresInSeconds: null,
      bank: (tradeNumber, amount) => {
        const reference = bankReference(tradeNumber);
        try {
          const qrContent = bankQrPayload({
            settings: settings.bankQr,
            currency,
            amountMinor: amount,
            reference,
            shopName: settings.shopName,
          });
          return { qrContent, providerRef: reference };
        } catch (err) {
          throw new TillError('PAYMENT_UNAVAILABLE', `The bank QR cannot be made: ${(err as Error).message}`, {
            reason: 'not_configured',
          });
        }
      },
    });
    this.changed(payment);
    return this.view(payment.id);
  }

  /**
   * One transaction: the checks (limits first: no trade row exists unless they pass), the order number
   * reserved, a fresh trade number, the attempt row and its journal row. Then everyone hears of it.
   */
  private begin(
    method: WalletMethod,
    amountInput: number | undefined,
    a: {
      provider: string;
      isDemo: boolean;
      maskedCode?: string;
      expiresInSeconds: number | null;
      bank?: (tradeNumber: string, amountMinor: number) => { qrContent: string; providerRef: string };
    },
  ): Payment {
    const payment = this.guard(() =>
      this.tx(() => {
        const { draft, lines, payments } = this.cart.current();
        if (lines.length === 0) throw new TillError('CART_EMPTY', 'The cart is empty');
        const open = payments.find((p) => isOpen(p.status));
        if (open) {
          throw new TillError('PAYMENT_OPEN', 'Another payment for this order is still open', {
            paymentId: open.id,
            status: open.status,
          });
        }
        const dueMinor = dueOf(draft.total_minor, payments);
        if (dueMinor === 0) throw new TillError('NOTHING_DUE', 'Nothing is left to pay');
        const amountMinor = amountInput ?? dueMinor;
        this.checkAmount(method, amountMinor, dueMinor);

        const when = this.ctx.clock();
        const now = when.toISOString();
        if (!draft.number) {
          const day = localDay(when);
          const number = this.orders.nextNumber(this.ctx.tillId, day);
          this.orders.reserveNumber(draft, number, day, now);
          this.ctx.repos.journal.append(now, 'order.numberReserved', { orderId: draft.id }, { number, day });
        }
        const tradeNumber = this.tradeNumber(when);
        const bank = a.bank?.(tradeNumber, amountMinor);
        const p = this.payments.insertAttempt({
          orderId: draft.id,
          method,
          status: bank ? 'pending' : 'created',
          amountMinor,
          provider: a.provider,
          tradeNumber,
          expiresAt:
            a.expiresInSeconds === null ? null : new Date(when.getTime() + a.expiresInSeconds * 1000).toISOString(),
          maskedCode: a.maskedCode ?? null,
          qrContent: bank?.qrContent ?? null,
          providerRef: bank?.providerRef ?? null,
          isDemo: a.isDemo,
          createdAt: now,
        });
        this.orders.touch(draft.id, now);
        return p;
      }),
    );
    this.recent = payment.id;
    this.changed(payment);
    return payment;
  }

  /**
   * A wallet or bank payment is for exactly what is due: "Paid" must mean the order is paid. Split tender
   * takes the cash part first (checkout.cashPart), then this for the rest.
   */
  private checkAmount(method: WalletMethod, amountMinor: number, dueMinor: number): void {
    if (amountMinor < 1) throw new TillError('AMOUNT_TOO_SMALL', 'The amount must be at least 0.01', { minMinor: 1 });
    if (amountMinor < dueMinor) {
      throw new TillError('AMOUNT_TOO_SMALL', 'The amount must be all that is due; take a cash part first', {
        minMinor: dueMinor,
        dueMinor,
      });
    }
    if (amountMinor > dueMinor) {
      throw new TillError('AMOUNT_TOO_LARGE', 'The amount is more than what is due', {
        maxMinor: dueMinor,
        dueMinor,
      });
    }
    const maxMinor = this.ctx.settings.get().payLimits[method];
    if (amountMinor > maxMinor) {
      throw new TillError('AMOUNT_OVER_LIMIT', `The amount is over the limit for ${method}`, {
        maxMinor,
        amountMinor,
        method,
      });
    }
  }

  /**
   * terminal_yyyymmdd_sequence_<install><random>: the sequence and the install id live in the database, so a
   * restored backup would issue the same ones again; the random characters drawn per attempt keep it from
   * reusing a number. 29 characters for a till "T1", so a refund number (`-R<n>`) keeps all of them.
   * Inside the caller's transaction.
   */
  private tradeNumber(when: Date): string {
    const sequence = this.payments.nextSequence(`trade:${this.ctx.tillId}`);
    const terminal = this.ctx.tillId.replace(/[^0-9A-Za-z]/g, '').slice(0, 8) || 'T';
    const install = (this.ctx.repos.settings.get<string>('till.installId') ?? '').replace(/[^0-9A-Za-z]/g, '');
    const room = 32 - (terminal.length + 8 + Math.max(6, String(sequence).length) + 3);
    const randomLength = Math.min(6, room);
    let random = '';
    for (let i = 0; i < randomLength; i++) random += BASE36[randomInt(BASE36.length)];
    const installId = install.slice(0, Math.min(4, room - randomLength)) + random;
    return makeTradeNumber({ terminal, date: when, sequence, installId });
  }

  private notifyUrl(provider: PaymentProvider): string | null {
    return this.notifyBase ? `${this.notifyBase}/${encodeURIComponent(provider.id)}` : null;
  }

  /** The provider's answer to a create / pay-with-code call was an error. */
  private createFailed(payment: Payment, err: unknown): void {
    if (this.closed) throw err;
    const e =
      err instanceof ProviderError
        ? err
        : new ProviderError('server_error', err instanceof Error ? err.message : String(err));
    if (!(err instanceof ProviderError)) console.error('[pay] provider call failed', maskPaymentCodesIn(e.message));
    this.noteReach(e.kind !== 'unreachable');
    if (e.outcomeUnknown) {
      // The provider may have the trade: settle it by query/close, never call it failed.
      this.move(payment.id, 'created', 'unknown', { reason: e.kind });
      return;
    }
    const reason = e.kind === 'unreachable' ? 'unreachable' : (e.code ?? 'OTHER');
    this.move(payment.id, 'created', 'failed', { reason, settledAt: isoNow(this.ctx) });
    if (e.kind === 'unreachable') {
      throw new TillError('PAYMENT_UNAVAILABLE', 'The payment provider cannot be reached', { reason });
    }
    if (payment.method === 'payment_code' && e.code === 'INVALID_CODE') {
      throw new TillError('PAYMENT_CODE_INVALID', 'The provider does not accept this payment code', { reason });
    }
    if (payment.method === 'payment_code' && CODE_REFUSALS.has(reason)) {
      throw new TillError('PAYMENT_DECLINED', 'The payment was declined', { reason });
    }
    throw new TillError('PROVIDER_ERROR', `The provider refused the payment (${reason})`, { reason });
  }

  // ---- moving a payment ------------------------------------------------------------------------------

  /** One move with its journal row; tells everyone when it happened. Returns the payment, or null if it had moved. */
  private move(id: number, from: PaymentState, to: PaymentState, fields: PaymentFields = {}): Payment | null {
    const now = isoNow(this.ctx);
    const moved = this.tx(() => {
      const p = this.payments.transition(id, from, to, fields, { at: now });
      if (p) this.orders.touch(p.orderId, now);
      return p;
    });
    if (moved) this.changed(moved);
    return moved;
  }

  /**
   * Ends an unpaid attempt: from where it is, through 'closing' when the state machine asks for it, to
   * `final`; an abandoned or unsettled attempt leaves the attention list (nothing more to do). One transaction.
   */
  private endUnpaid(id: number, final: 'expired' | 'cancelled' | 'failed', reason?: string): Payment | null {
    const now = isoNow(this.ctx);
    const moved = this.tx(() => {
      let p: Payment | null | undefined = this.payments.byId(id);
      if (!p || !isOpen(p.status)) return null;
      const fields: PaymentFields = { settledAt: now };
      if (reason !== undefined) fields.reason = reason;
      if (p.attention === 'abandoned' || p.attention === 'unsettled') fields.attention = null;
      // Already closing (the cashier cancelled, or it expired): it ends the way its close was meant.
      if (p.status === 'closing' && !canTransition('closing', final)) {
        final = p.reason === 'expired' ? 'expired' : 'cancelled';
      }
      if (!canTransition(p.status, final)) {
        p = this.payments.transition(id, p.status, 'closing', {}, { at: now });
        if (!p) return null;
      }
      const done = this.payments.transition(id, p.status, final, fields, { at: now });
      if (done) this.orders.touch(done.orderId, now);
      return done;
    });
    if (moved) {
      this.closesSent.delete(id);
      this.changed(moved, true);
    }
    return moved;
  }

  /**
   * Marks a payment paid, in one transaction with its journal row and, when that pays the order in full,
   * the order's completion. A payment that arrives after its attempt ended, that was abandoned, or that the
   * order no longer needs, is a late payment: stored as paid, on the attention list, not applied.
   * Returns false when it was already paid (nothing happens a second time).
   */
  private settlePaid(id: number, info: { providerRef?: string | null; confirmedByHand?: boolean } = {}): boolean {
    const when = this.ctx.clock();
    const now = when.toISOString();
    let result: { payment: Payment; late: boolean; sold: Order | null; cart: Order | null } | null;
    try {
      result = this.tx(() => {
        const p = this.payments.byId(id);
        if (!p || !canTransition(p.status, 'paid')) return null;
        const order = this.orders.byId(p.orderId)!;
        const others = this.payments.forOrder(order.id).filter((x) => x.id !== id);
        const dueBefore = dueOf(order.total_minor, others);
        const orderOpen = order.status === 'draft' || order.status === 'held';
        const late =
          isLatePayment(p.status, 'paid') || p.attention === 'abandoned' || !orderOpen || p.amountMinor > dueBefore;
        const fields: PaymentFields = { settledAt: now, reason: null, attention: late ? 'late_payment' : null };
        if (info.providerRef) fields.providerRef = info.providerRef;
        if (info.confirmedByHand) fields.confirmedByHand = true;
        const paid = this.payments.transition(id, p.status, 'paid', fields, {
          at: now,
          data: { amountMinor: p.amountMinor, late },
        });
        if (!paid) return null;
        crashPoint('pay.afterPaymentPaid');
        this.orders.touch(order.id, now);
        let sold: Order | null = null;
        let cart: Order | null = null;
        if (!late && p.amountMinor === dueBefore) {
          ({ sold, cart } = this.completeInTx(order.id, when));
        }
        crashPoint('pay.beforeCommit');
        return { payment: paid, late, sold, cart };
      });
    } finally {
      this.cart.forget();
    }
    if (!result) return false;
    this.stopLoop(id);
    this.announce(result.payment, result.sold, result.cart, result.late);
    return true;
  }

  /** Inside a transaction: completes the order (reserved number kept); a new cart if it was the open one. */
  private completeInTx(orderId: number, when: Date): { sold: Order; cart: Order | null } {
    const row = this.orders.byId(orderId)!;
    const wasCart = row.status === 'draft' && row.till_id === this.ctx.tillId;
    this.cart.completeOrder(row, when);
    const sold = this.orderById(row.id);
    const cart = wasCart ? this.cart.openEmpty(when.toISOString()) : null;
    return { sold, cart };
  }

  /** After a payment moved: its event, the cart (or the sale and the next cart), the attention count. */
  private announce(payment: Payment, sold: Order | null, cart: Order | null, attention: boolean): void {
    this.ctx.bus.emit('payment.changed', payment);
    if (sold) {
      this.ctx.bus.emit('orders.changed', { orderId: sold.id, status: 'completed' });
      if (cart) {
        this.ctx.bus.emit('cart.changed', cart);
        this.display().saleCompleted({ order: sold, tenderedMinor: sold.totalMinor, changeMinor: 0 });
      }
    } else {
      this.pushCartIf(payment.orderId);
    }
    if (attention) this.attentionChanged();
  }

  private changed(payment: Payment, attention = payment.attention !== null): void {
    this.ctx.bus.emit('payment.changed', payment);
    this.pushCartIf(payment.orderId);
    if (attention) this.attentionChanged();
  }

  /** The open cart is the order the payment belongs to: push it (cart.changed and the display). */
  private pushCartIf(orderId: number): void {
    const draft = this.orders.draftRevision(this.ctx.tillId);
    if (draft?.id === orderId) this.cart.pushCurrent();
    else this.cart.forget();
  }

  private attentionChanged(): void {
    this.ctx.bus.emit('attention.changed', { count: this.payments.attentionCount() });
  }

  // ---- the cashier's actions -------------------------------------------------------------------------

  /** pay.check: ask the provider now (joins a query already out). */
  async check(id: number): Promise<PayView> {
    this.find(id);
    await this.step(id, true);
    return this.view(id);
  }

  /** pay.cancel: close the trade; the cart unlocks once the provider confirms it is closed. */
  async cancel(id: number): Promise<PayView> {
    const p = this.find(id);
    if (!isOpen(p.status)) throw notOpen(p);
    refuseMismatch(p);
    if (p.method === 'bank_qr') {
      this.endUnpaid(id, 'cancelled', 'cancelled');
      return this.view(id);
    }
    const sent = this.closesSent.get(id) ?? 0;
    if (p.status !== 'closing') this.move(id, p.status, 'closing', { reason: 'cancelled' });
    // A step already out sees 'closing' after its query and sends the close; one that had already decided
    // (it was only finishing) did not: then a step of our own sends it.
    await this.step(id, true);
    if (this.payments.byId(id)?.status === 'closing' && (this.closesSent.get(id) ?? 0) === sent) {
      await this.step(id, true);
    }
    this.ensureLoop(id);
    return this.view(id);
  }

  /** pay.abandon: stop waiting for the provider; the attempt goes to the attention list, the cart unlocks. */
  abandon(id: number): PayView {
    const p = this.find(id);
    if (!isOpen(p.status)) throw notOpen(p);
    refuseMismatch(p);
    if (p.method === 'bank_qr') {
      this.endUnpaid(id, 'cancelled', 'cancelled');
      return this.view(id);
    }
    const now = isoNow(this.ctx);
    const moved = this.tx(() => {
      const fields: PaymentFields = { attention: 'abandoned' };
      const done =
        p.status === 'closing'
          ? this.payments.amend(id, 'closing', fields, { at: now, kind: 'payment.abandoned' })
          : this.payments.transition(
              id,
              p.status,
              'closing',
              { ...fields, reason: 'cancelled' },
              {
                at: now,
                kind: 'payment.abandoned',
              },
            );
      if (done) this.orders.touch(done.orderId, now);
      return done;
    });
    if (!moved) throw new TillError('PAYMENT_STATE', 'The payment moved meanwhile; look again', { status: p.status });
    this.changed(moved, true);
    this.ensureLoop(id);
    return this.view(id);
  }

  /** pay.confirmByHand: a bank QR the cashier saw arrive in the shop's bank app. Never for wallets. */
  confirmByHand(id: number): PayView {
    const p = this.find(id);
    if (p.method !== 'bank_qr') {
      throw new TillError('PAYMENT_STATE', 'Only a bank QR is confirmed by hand; wallets confirm themselves', {
        method: p.method,
      });
    }
    if (p.status !== 'pending') throw notOpen(p);
    this.settlePaid(id, { confirmedByHand: true });
    return this.view(id);
  }

  /** checkout.cashPart: part of the total in cash (no change); the rest is paid another way. */
  cashPart(amountMinor: number): PayView {
    const now = isoNow(this.ctx);
    const payment = this.guard(() =>
      this.tx(() => {
        const open = this.cart.current();
        const p = this.cart.takeCash(open, now, (dueMinor) => {
          if (amountMinor < 1) {
            throw new TillError('AMOUNT_TOO_SMALL', 'The amount must be at least 0.01', { minMinor: 1 });
          }
          if (amountMinor >= dueMinor) {
            throw new TillError('AMOUNT_TOO_LARGE', 'A part payment must leave something to pay; take cash instead', {
              maxMinor: Math.max(0, dueMinor - 1),
            });
          }
          return { amountMinor, tenderedMinor: amountMinor, changeMinor: 0, part: true };
        });
        this.orders.touch(open.draft.id, now);
        return p;
      }),
    );
    this.changed(payment);
    return this.view(payment.id);
  }

  private find(id: number): Payment {
    const p = this.payments.byId(id);
    if (!p) throw new TillError('PAYMENT_NOT_FOUND', `No payment ${id}`, { paymentId: id });
    return p;
  }

  // ---- the attention list ----------------------------------------------------------------------------

  attentionList(): AttentionItem[] {
    return this.payments.needingAttention().map((p) => {
      const order = this.orders.byId(p.orderId)!;
      const orderOpen = order.status === 'draft' || order.status === 'held';
      const actions: AttentionItem['actions'] = [];
      if (p.attention === 'late_payment' && p.status === 'paid') {
        actions.push('refund');
        const others = this.payments.forOrder(order.id).filter((x) => x.id !== p.id);
        if (
          !this.refundUnderway(p.id) &&
          orderOpen &&
          !openPaymentOf(others) &&
          p.amountMinor <= dueOf(order.total_minor, others)
        ) {
          actions.push('apply');
        }
      }
      if (p.provider !== 'bank') actions.push('check');
      if (p.attention !== 'late_payment' && !isOpen(p.status) && p.reason !== MISMATCH) actions.push('dismiss');
      return {
        payment: p,
        reason: p.attention!,
        orderId: order.id,
        orderNumber: order.number,
        orderStatus: order.status,
        orderTotalMinor: order.total_minor,
        actions,
      };
    });
  }

  async resolve(id: number, action: 'refund' | 'apply' | 'check' | 'dismiss'): Promise<AttentionItem[]> {
    const p = this.find(id);
    switch (action) {
      case 'check':
        // A refund whose answer we never had: sending it again (same refund number) tells us how it went.
        if (p.attention === 'late_payment' && this.refundUnderway(p.id)) await this.refund(p);
        else await this.step(id, true);
        break;
      case 'refund':
        await this.refund(p);
        break;
      case 'apply':
        this.apply(p);
        break;
      case 'dismiss':
        this.dismiss(p);
        break;
    }
    return this.attentionList();
  }

  /** A refund asked for whose outcome is not known to have failed: the money may be on its way back. */
  private refundUnderway(paymentId: number): RefundRow | undefined {
    return this.payments.refundsFor(paymentId).find((r) => r.status !== 'failed');
  }

  /** Gives a late payment's money back; the refund number is stored first, so asking again is the same refund. */
  private async refund(p: Payment): Promise<void> {
    if (p.attention !== 'late_payment' || (p.status !== 'paid' && p.status !== 'partially_refunded')) {
      throw new TillError('PAYMENT_STATE', 'Only a late payment is refunded from here', { status: p.status });
    }
    const provider = this.requireProvider();
    if (provider.id !== p.provider) {
      throw new TillError('PAYMENT_UNAVAILABLE', `The provider ${p.provider} is not connected`, {
        reason: 'unreachable',
      });
    }
    const amountMinor = p.amountMinor - p.refundedMinor;
    const now = isoNow(this.ctx);
    const refund = this.tx(() => {
      const all = this.payments.refundsFor(p.id);
      const open = all.find((r) => r.status === 'requested' || r.status === 'processing');
      if (open) return open;
      const r = this.payments.insertRefund({
        refundNumber: refundNumberFor(p.tradeNumber!, all.length + 1),
        paymentId: p.id,
        amountMinor,
        reason: 'late_payment',
        at: now,
      });
      this.payments.journal(
        now,
        'refund.requested',
        { id: p.id, order_id: p.orderId },
        {
          refundNumber: r.refund_number,
          amountMinor,
        },
      );
      return r;
    });
    let status: 'refunded' | 'processing';
    try {
      crashPoint('pay.beforeRefundCall');
      ({ status } = await provider.refund({
        tradeNumber: p.tradeNumber!,
        refundNumber: refund.refund_number,
        amountMinor: refund.amount_minor,
        totalMinor: p.amountMinor,
        reason: 'late_payment',
      }));
      crashPoint('pay.afterRefundCall');
    } catch (err) {
      this.alive();
      const e = err instanceof ProviderError ? err : new ProviderError('server_error', String(err));
      if (e.outcomeUnknown) {
        // The provider may have refunded: the payment must not be applied meanwhile (see apply()).
        throw new TillError(
          'PROVIDER_ERROR',
          'The refund may have gone through; press Refund again to confirm (it is the same refund)',
          { reason: 'refund_unknown' },
        );
      }
      if (e.kind === 'rejected') {
        this.tx(() => {
          this.payments.setRefundStatus(refund.id, 'failed', isoNow(this.ctx));
          this.payments.journal(
            isoNow(this.ctx),
            'refund.updated',
            { id: p.id, order_id: p.orderId },
            {
              refundNumber: refund.refund_number,
              status: 'failed',
              reason: e.code,
            },
          );
        });
      }
      throw new TillError('PROVIDER_ERROR', `The refund did not go through (${e.code ?? e.kind}); try again`, {
        reason: e.code ?? e.kind,
      });
    }
    this.alive();
    const at = isoNow(this.ctx);
    const moved = this.tx(() => {
      this.payments.setRefundStatus(refund.id, status, at);
      if (status !== 'refunded') {
        this.payments.journal(
          at,
          'refund.updated',
          { id: p.id, order_id: p.orderId },
          {
            refundNumber: refund.refund_number,
            status,
          },
        );
        return null;
      }
      const done = this.payments.transition(
        p.id,
        p.status,
        'refunded',
        { refundedMinor: p.amountMinor, attention: null },
        { at, data: { refundNumber: refund.refund_number, amountMinor: refund.amount_minor } },
      );
      if (done) this.orders.touch(done.orderId, at);
      return done;
    });
    if (moved) this.changed(moved, true);
  }

  /** Counts a late payment towards its order, which must still be open and need at least that much. */
  private apply(p: Payment): void {
    if (p.attention !== 'late_payment' || p.status !== 'paid') {
      throw new TillError('PAYMENT_STATE', 'Only a late payment is applied from here', { status: p.status });
    }
    if (this.refundUnderway(p.id)) {
      throw new TillError('PAYMENT_STATE', 'A refund of this payment was asked for; press Refund to finish it', {
        status: p.status,
        reason: 'refund_underway',
      });
    }
    const when = this.ctx.clock();
    const now = when.toISOString();
    let result: { payment: Payment; sold: Order | null; cart: Order | null };
    try {
      result = this.tx(() => {
        const order = this.orders.byId(p.orderId)!;
        if (order.status !== 'draft' && order.status !== 'held') {
          throw new TillError('PAYMENT_STATE', `Order ${order.number || order.id} has ended; refund the payment`, {
            orderStatus: order.status,
          });
        }
        const others = this.payments.forOrder(order.id).filter((x) => x.id !== p.id);
        const open = openPaymentOf(others);
        if (open) throw new TillError('PAYMENT_OPEN', 'Another payment for this order is open', { paymentId: open.id });
        const dueMinor = dueOf(order.total_minor, others);
        if (p.amountMinor > dueMinor) {
          throw new TillError('AMOUNT_TOO_LARGE', 'The payment is more than the order still needs; refund it', {
            maxMinor: dueMinor,
          });
        }
        const payment = this.payments.amend(p.id, 'paid', { attention: null }, { at: now, kind: 'payment.applied' });
        if (!payment) throw new TillError('PAYMENT_STATE', 'The payment moved meanwhile; look again');
        this.orders.touch(order.id, now);
        const done = p.amountMinor === dueMinor ? this.completeInTx(order.id, when) : { sold: null, cart: null };
        return { payment, ...done };
      });
    } finally {
      this.cart.forget();
    }
    this.announce(result.payment, result.sold, result.cart, true);
  }

  private dismiss(p: Payment): void {
    if (p.attention === null) return;
    if (p.attention === 'late_payment' || isOpen(p.status) || p.reason === MISMATCH) {
      throw new TillError('PAYMENT_STATE', 'This payment still needs a decision', { status: p.status });
    }
    const moved = this.tx(() =>
      this.payments.amend(p.id, p.status, { attention: null }, { at: isoNow(this.ctx), kind: 'payment.dismissed' }),
    );
    if (moved) this.changed(moved, true);
  }

  // ---- notifications ---------------------------------------------------------------------------------

  /**
   * A POST from a provider: signature (the provider checks it), merchant, trade number, amount and currency
   * (against OUR record) are checked, then the payment is settled; acknowledged only once stored.
   */
  notify(providerId: string, incoming: IncomingNotification): { status: number; body: string; contentType: string } {
    const refuse = (reason: string, data: Record<string, unknown> = {}, paymentId?: number) => {
      const at = isoNow(this.ctx);
      console.warn(`[pay] notification refused (${reason})`, maskPaymentCodesIn(JSON.stringify(data)));
      const p = paymentId !== undefined ? this.payments.byId(paymentId) : undefined;
      // Not about a payment of ours: which provider sent it.
      const [refs, row] = p
        ? [
            { orderId: p.orderId, paymentId: p.id },
            { reason, ...data },
          ]
        : [{}, { reason, provider: providerId, ...data }];
      this.ctx.repos.journal.appendMasked(at, 'payment.notificationRejected', refs, row);
      return { status: 400, body: `refused: ${reason}`, contentType: 'text/plain' };
    };
    const provider = this.provider;
    if (!provider || provider.id !== providerId || this.closed) return refuse('unknown_provider');
    let n: ReturnType<PaymentProvider['verifyNotification']>;
    try {
      n = provider.verifyNotification(incoming);
    } catch (err) {
      return refuse('signature', { error: err instanceof Error ? err.message : String(err) });
    }
    const seen = {
      notificationId: n.notificationId,
      tradeNumber: n.tradeNumber,
      amountMinor: n.amountMinor,
      currency: n.currency,
      merchantId: n.merchantId,
    };
    if (n.merchantId !== provider.merchantId) return refuse('merchant', seen);
    const p = this.payments.byTradeNumber(n.tradeNumber);
    if (!p || p.provider !== provider.id) return refuse('unknown_trade', seen);
    if (n.status !== 'paid') return refuse('status', seen, p.id);
    if (n.amountMinor !== p.amountMinor) return refuse('amount', { ...seen, expectedMinor: p.amountMinor }, p.id);
    const order = this.orders.byId(p.orderId)!;
    if (n.currency !== order.currency) return refuse('currency', { ...seen, expected: order.currency }, p.id);
    this.noteReach(true);
    this.settlePaid(p.id, { providerRef: n.providerRef });
    const now = this.payments.byId(p.id)!;
    // Stored as paid (now or before, or refunded since): the provider may stop sending it.
    if (now.status === 'paid' || now.status === 'refunded' || now.status === 'partially_refunded') {
      return { ...provider.notificationAck };
    }
    return refuse('not_payable', { ...seen, status: now.status }, p.id);
  }

  // ---- query loops -----------------------------------------------------------------------------------

  /** One single-flight step for a payment (query, expiry, close); joins one already running. */
  step(id: number, asked = false): Promise<boolean> {
    let running = this.steps.get(id);
    if (!running) {
      running = this.runStep(id, asked).finally(() => this.steps.delete(id));
      this.steps.set(id, running);
    }
    return running;
  }

  /** Resolves true when the provider answered (or nothing needed asking), false after an error. */
  private async runStep(id: number, asked: boolean): Promise<boolean> {
    await this.creating.get(id);
    if (this.closed) return true;
    const p = this.payments.byId(id);
    if (!p || p.method === 'cash' || p.method === 'bank_qr') return true;
    const provider = this.provider;
    if (!provider || provider.id !== p.provider) return false;
    const trade = p.tradeNumber!;
    try {
      if (p.status === 'closing') return await this.sendClose(provider, p);
      if (!isOpen(p.status)) {
        // Ended here; only when someone asks: did the money arrive after all?
        if (asked && canTransition(p.status, 'paid')) this.applyQuery(p, await provider.query(trade));
        return true;
      }
      const expired = p.expiresAt !== null && this.ctx.clock().getTime() >= Date.parse(p.expiresAt);
      const q = await provider.query(trade);
      this.alive();
      this.noteReach(true);
      const after = this.applyQuery(p, q);
      // Never closed on our own: the provider says it is paid (for another amount).
      if (!after || !isOpen(after.status) || after.reason === MISMATCH) return true;
      // Cancelled (or abandoned) while the query was out: the close is due now.
      if (after.status === 'closing') return await this.sendClose(provider, after);
      // Expired, given up by the cashier, or a create that never arrived: close it at the provider.
      const giveUp =
        expired ||
        after.attention === 'abandoned' ||
        after.reason === 'cancelled' ||
        (after.status === 'created' && q.status === 'not_found');
      if (!giveUp) return true;
      const why: Why = after.reason === 'cancelled' || after.attention === 'abandoned' ? 'cancelled' : 'expired';
      const closing = this.move(id, after.status, 'closing', { reason: why });
      return closing ? await this.sendClose(provider, closing) : true;
    } catch (err) {
      if (this.closed) return true;
      if (err instanceof ProviderError) return this.providerTrouble(id, err);
      // Our own bug, not the provider's answer: the payment stays where it is; the loop tries again.
      console.error('[pay] step failed', err);
      return false;
    }
  }

  /** A query's answer, applied from the state the payment is in now. Returns the payment as it is after. */
  private applyQuery(p: Payment, q: QueryResult): Payment | null {
    const current = this.payments.byId(p.id);
    if (!current) return null;
    switch (q.status) {
      case 'paid':
        if (q.amountMinor !== undefined && q.amountMinor !== current.amountMinor) {
          // The provider holds another amount than we asked for: never settle on that; a person must look.
          if (canTransition(current.status, 'paid')) this.amountMismatch(current, q.amountMinor);
          return this.payments.byId(p.id) ?? null;
        }
        this.settlePaid(p.id, { providerRef: q.providerRef ?? null });
        break;
      case 'waiting':
      case 'user_paying': {
        const reason =
          q.status === 'user_paying' ? 'user_paying' : current.status === 'unknown' ? null : current.reason;
        if (current.status === 'unknown' || current.status === 'created') {
          this.move(p.id, current.status, 'pending', { reason: current.reason === 'cancelled' ? 'cancelled' : reason });
        } else if (current.status === 'pending' && current.reason !== reason && reason !== null) {
          const at = isoNow(this.ctx);
          const moved = this.payments.amend(p.id, 'pending', { reason }, { at, kind: 'payment.pending' });
          if (moved) this.changed(moved);
        }
        break;
      }
      case 'closed':
      case 'refunded':
        if (isOpen(current.status)) {
          this.endUnpaid(
            p.id,
            current.reason === 'cancelled' ? 'cancelled' : 'expired',
            q.reason ?? current.reason ?? undefined,
          );
        }
        break;
      case 'failed':
        if (isOpen(current.status)) this.endUnpaid(p.id, 'failed', q.reason ?? 'failed');
        break;
      case 'not_found':
        // Not a failure: the customer may not have scanned yet, or the create never arrived.
        break;
    }
    return this.payments.byId(p.id) ?? null;
  }

  /** Sends the close (QR) or the reverse (payment code) and applies the answer. */
  private async sendClose(provider: PaymentProvider, p: Payment): Promise<boolean> {
    const final = p.reason === 'expired' ? 'expired' : 'cancelled';
    this.closesSent.set(p.id, (this.closesSent.get(p.id) ?? 0) + 1);
    if (p.method === 'payment_code') {
      const res = await provider.reverse(p.tradeNumber!);
      this.alive();
      this.noteReach(true);
      if (res.retry) return false;
      this.endUnpaid(p.id, final, res.status === 'refunded' ? 'reversed' : undefined);
      return true;
    }
    const res = await provider.close(p.tradeNumber!);
    crashPoint('pay.afterProviderClose');
    this.alive();
    this.noteReach(true);
    if (res.status === 'closed') {
      this.endUnpaid(p.id, final);
      return true;
    }
    if (res.status === 'already_paid') {
      const current = this.payments.byId(p.id);
      if (current?.status !== 'closing') return true; // settled meanwhile (a notification)
      // Paid, but for how much? The query's answer goes through the same checks, the amount's included.
      const after = this.applyQuery(current, await provider.query(p.tradeNumber!));
      return !after || !isOpen(after.status) || after.reason === MISMATCH;
    }
    // Not found: before the buyer scans, some providers know no trade, yet the QR can still be paid until
    // it expires. Closed only once that has passed; until then the loop sends the close again.
    if (p.expiresAt !== null && this.ctx.clock().getTime() >= Date.parse(p.expiresAt) + CLOSE_GRACE_MS) {
      this.endUnpaid(p.id, final);
      return true;
    }
    return false;
  }

  /**
   * The provider says paid, for another amount than ours: on the attention list once (journaled once), its
   * order held (while the attempt is open) so that selling goes on; never settled for its order, never
   * closed by the loop, never dismissed.
   */
  private amountMismatch(p: Payment, heldMinor: number): void {
    this.stopLoop(p.id);
    if (p.reason === MISMATCH && p.attention === 'unsettled') return;
    const now = isoNow(this.ctx);
    let result: { payment: Payment; cart: Order | null } | null;
    try {
      result = this.tx(() => {
        const payment = this.payments.amend(
          p.id,
          p.status,
          { attention: 'unsettled', reason: MISMATCH },
          { at: now, kind: 'payment.attention', data: { amountMinor: heldMinor, expectedMinor: p.amountMinor } },
        );
        return payment && { payment, cart: isOpen(p.status) ? this.holdInTx(p.orderId, now) : null };
      });
    } finally {
      this.cart.forget();
    }
    if (!result) return;
    this.ctx.bus.emit('payment.changed', result.payment);
    if (result.cart) {
      this.ctx.bus.emit('orders.changed', { orderId: p.orderId, status: 'held' });
      this.cart.pushCurrent();
    }
    this.attentionChanged();
  }

  /** Inside a transaction: the till's open cart, if it is this order, is held and a new cart opened. */
  private holdInTx(orderId: number, now: string): Order | null {
    const order = this.orders.byId(orderId)!;
    if (order.status !== 'draft' || order.till_id !== this.ctx.tillId) return null;
    this.orders.hold(order.id, null, now);
    this.ctx.repos.journal.append(now, 'cart.held', { orderId: order.id }, { label: null, reason: 'unsettled' });
    return this.cart.openEmpty(now);
  }

  /** An error from the provider during a step: an unknown outcome puts the payment in 'unknown'. */
  private providerTrouble(id: number, e: ProviderError): boolean {
    this.noteReach(e.kind !== 'unreachable');
    const p = this.payments.byId(id);
    if (p && e.outcomeUnknown && canTransition(p.status, 'unknown') && p.status !== 'created') {
      this.move(id, p.status, 'unknown', {
        reason: p.reason === 'cancelled' || p.reason === 'expired' ? p.reason : e.kind,
      });
    }
    return false;
  }

  /** Starts the background loop for an open payment (one per payment). */
  private ensureLoop(id: number): void {
    if (!this.o.loops || this.closed || this.loops.has(id)) return;
    const p = this.payments.byId(id);
    if (!p || !isOpen(p.status) || p.reason === MISMATCH || p.method === 'bank_qr' || p.method === 'cash') return;
    const loop: Loop = { timer: undefined, failures: 0 };
    this.loops.set(id, loop);
    this.schedule(id, loop, this.interval(p));
  }

  private interval(p: Payment): number {
    return p.method === 'payment_code' ? this.o.codePollMs : this.o.pollMs;
  }

  private schedule(id: number, loop: Loop, ms: number): void {
    loop.timer = setTimeout(async () => {
      const ok = await this.step(id);
      if (this.closed || this.loops.get(id) !== loop) return;
      const p = this.payments.byId(id);
      if (!p || !isOpen(p.status) || p.reason === MISMATCH) {
        this.loops.delete(id);
        return;
      }
      loop.failures = ok ? 0 : loop.failures + 1;
      const base = this.interval(p);
      this.schedule(id, loop, ok ? base : Math.min(this.o.maxBackoffMs, base * 2 ** loop.failures));
    }, ms);
    // A waiting query must not keep a stopping process alive.
    loop.timer.unref();
  }

  private stopLoop(id: number): void {
    const loop = this.loops.get(id);
    if (loop) clearTimeout(loop.timer);
    this.loops.delete(id);
    this.closesSent.delete(id);
  }

  // ---- startup -----------------------------------------------------------------------------------------

  /**
   * Every payment left open by the last run is asked about; those settled within sweepWaitMs are just
   * settled, the rest go on the attention list ('unsettled') with their orders held (locked) so that
   * selling goes on with a new cart. Bank QRs stay on their cart: only the cashier can confirm them.
   */
  sweep(): Promise<void> {
    this.sweeping ??= this.runSweep();
    return this.sweeping;
  }

  private async runSweep(): Promise<void> {
    const open = this.payments.open().filter((p) => p.method !== 'bank_qr' && p.method !== 'cash');
    if (open.length === 0) return this.reportSweep([], 0);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.o.sweepWaitMs);
      timer.unref();
    });
    await Promise.race([Promise.all(open.map((p) => this.step(p.id))), deadline]);
    clearTimeout(timer);
    if (this.closed) return;
    const now = isoNow(this.ctx);
    const left: Payment[] = [];
    const held: number[] = [];
    let cart: Order | null = null;
    try {
      this.tx(() => {
        for (const p of open) {
          const current = this.payments.byId(p.id);
          if (!current || !isOpen(current.status) || current.attention !== null) continue;
          const marked = this.payments.amend(
            p.id,
            current.status,
            { attention: 'unsettled' },
            {
              at: now,
              kind: 'payment.attention',
              data: { attention: 'unsettled' },
            },
          );
          if (!marked) continue;
          left.push(marked);
          const next = this.holdInTx(p.orderId, now);
          if (next) {
            held.push(p.orderId);
            cart = next;
          }
        }
      });
    } finally {
      this.cart.forget();
    }
    for (const p of left) this.ctx.bus.emit('payment.changed', p);
    for (const orderId of held) this.ctx.bus.emit('orders.changed', { orderId, status: 'held' });
    if (cart) this.cart.pushCurrent();
    if (left.length) this.attentionChanged();
    for (const p of open) this.ensureLoop(p.id);
    const settled = open.map((p) => this.payments.byId(p.id)!).filter((p) => !isOpen(p.status));
    this.reportSweep(settled, left.length);
  }

  /** Tells the cashier, once, what happened to the payments the last run left open. */
  private reportSweep(settled: Payment[], unsettled: number): void {
    this.report = {
      startedAt: this.report.startedAt,
      done: true,
      settled: settled.map((payment) => {
        const order = this.orders.byId(payment.orderId)!;
        return { payment, orderNumber: order.number, orderStatus: order.status };
      }),
      unsettled,
    };
    this.ctx.bus.emit('pay.startupReport', this.report);
  }

  // ---- helpers -----------------------------------------------------------------------------------------

  /** Runs a write; a failed one leaves the cart's copy in memory unusable, so it is dropped. */
  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      this.cart.forget();
      throw err;
    }
  }

  /** After an await: the till may have closed meanwhile (its database too). */
  private alive(): void {
    if (this.closed) throw new TillError('INTERNAL', 'The till is closing');
  }
}

function notOpen(p: Payment): TillError {
  return new TillError('PAYMENT_STATE', `The payment is ${p.status}`, { paymentId: p.id, status: p.status });
}

/** The provider holds another amount for it: neither closed nor settled by us; a person looks (attention list). */
function refuseMismatch(p: Payment): void {
  if (p.reason === MISMATCH) {
    throw new TillError('PAYMENT_STATE', 'The provider holds another amount for this payment; see the attention list', {
      paymentId: p.id,
      status: p.status,
      reason: MISMATCH,
    });
  }
}

/**
 * The trade number with `-R<n>`, within the 32 characters providers accept. Ours are 29 for a two-letter
 * till, so it fits whole; a longer till id (or a tenth refund) cuts the end of the random part, which the
 * sequence before it keeps unique.
 */
export function refundNumberFor(tradeNumber: string, n: number): string {
  const suffix = `-R${n}`;
  return tradeNumber.slice(0, 32 - suffix.length) + suffix;
}
