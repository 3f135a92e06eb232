// The checkout payment engine: wallet QR, payment code (B-scan-C), bank QR and split tender, for the
// till's open order. Every attempt is a persisted state machine (shared/payment.ts, electron/db/payments.ts):
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
//
// This file is the facade the till calls; each job has its own file: start.ts (starting a payment),
// settle.ts (moving and settling one), query-loop.ts, cashier.ts (check, cancel, abandon, confirm by hand,
// cash part), lookup.ts ("I paid!"), attention.ts, notifications.ts, startup-check.ts, options.ts (pay.options and the ping),
// trade-numbers.ts; engine.ts holds the state they share. Providers are adapters behind provider.ts, one
// folder each under providers/.
import type { AttentionItem, MethodOutput, PayView, StartupReport } from '../../shared/api';
import type { TillContext } from '../till/context';
import type { OpenOrder } from '../till/open-order';
import { attentionList, resolve } from './attention';
import { abandon, cancel, cashPart, check, confirmByHand } from './cashier';
import { type CheckoutOptions, Engine } from './engine';
import { lookup } from './lookup';
import { notify } from './notifications';
import { options } from './options';
import type { IncomingNotification, PaymentProvider } from './provider';
import { step } from './query-loop';
import { type PartOutcome, refundPart } from './refund-part';
import { start, withCode } from './start';
import { sweep } from './startup-check';
import { TestPayments } from './test-payment';

export type { CheckoutOptions } from './engine';
export { refundNumberFor } from './trade-numbers';
export { addRefunded, type PartOutcome } from './refund-part';

export class Checkout {
  private readonly engine: Engine;
  /** "Pay ¥0.01 yourself" (Settings → Payments): one fen in, refunded at once, outside sales. */
  readonly testPayments: TestPayments;

  constructor(ctx: TillContext, open: OpenOrder, opts: CheckoutOptions = {}) {
    this.engine = new Engine(ctx, open, opts);
    this.testPayments = new TestPayments(this.engine);
  }

  // ---- wiring ----------------------------------------------------------------------------------------

  /** The provider to use from now on (null: none); `notifyBase` e.g. http://127.0.0.1:5123/notify */
  setProvider(provider: PaymentProvider | null, notifyBase?: string | null): void {
    this.engine.setProviders(provider ? [provider] : [], notifyBase);
  }

  /** The providers to use from now on: the Demo gateway, or the shop's wallets (one QR each, side by side). */
  setProviders(providers: readonly PaymentProvider[], notifyBase?: string | null): void {
    this.engine.setProviders(providers, notifyBase);
  }

  /** The providers in use now (reconciliation asks them for their bills). */
  providers(): readonly PaymentProvider[] {
    return this.engine.providers;
  }

  /** The local notification listener's base (…/notify); a provider's path is `<base>/<provider id>`. */
  notifyBase(): string | null {
    return this.engine.notifyBase;
  }

  /** Stops every loop; calls still out at the provider find the engine closed and write nothing. */
  close(): void {
    this.engine.close();
  }

  // ---- reading ---------------------------------------------------------------------------------------

  /** pay.current: the open cart and its latest attempt (or the till's last one, once the cart has cleared). */
  current(): PayView {
    return this.engine.current();
  }

  /** The wallets that can pay the connected provider's QR (the customer display shows them). */
  wallets(provider?: string | null): readonly string[] {
    return this.engine.wallets(provider);
  }

  /** pay.options */
  options(): Promise<MethodOutput<'pay.options'>> {
    return options(this.engine);
  }

  /** pay.startupReport: what the startup check found (done: false while it still asks). */
  startupReport(): StartupReport {
    return this.engine.report;
  }

  // ---- paying ----------------------------------------------------------------------------------------

  /** pay.start: a provider QR or the shop's bank QR for `amountMinor` (default: all that is due). */
  start(method: 'qr' | 'bank_qr', amountMinor: number | undefined): Promise<PayView> {
    return start(this.engine, method, amountMinor);
  }

  /** pay.withCode: charges the customer's payment code (the full code only ever goes to the provider). */
  withCode(code: string, amountMinor: number | undefined): Promise<PayView> {
    return withCode(this.engine, code, amountMinor);
  }

  /** checkout.cashPart: part of the total in cash (no change); the rest is paid another way. */
  cashPart(amountMinor: number): PayView {
    return cashPart(this.engine, amountMinor);
  }

  // ---- the cashier's actions -------------------------------------------------------------------------

  check(id: number): Promise<PayView> {
    return check(this.engine, id);
  }

  cancel(id: number): Promise<PayView> {
    return cancel(this.engine, id);
  }

  abandon(id: number): PayView {
    return abandon(this.engine, id);
  }

  confirmByHand(id: number): PayView {
    return confirmByHand(this.engine, id);
  }

  /** pay.lookup: "I paid!" — the provider's answer about our trade number or its own number. */
  lookup(number: string): Promise<MethodOutput<'pay.lookup'>> {
    return lookup(this.engine, number);
  }

  /** One wallet part of a refund ticket, asked of its provider under its stored refund number (refund-part.ts). */
  refundPart(refundId: number): Promise<PartOutcome> {
    return refundPart(this.engine, refundId);
  }

  attentionList(): AttentionItem[] {
    return attentionList(this.engine);
  }

  resolve(id: number, action: 'refund' | 'apply' | 'check' | 'dismiss'): Promise<AttentionItem[]> {
    return resolve(this.engine, id, action);
  }

  // ---- confirmation ----------------------------------------------------------------------------------

  /** A provider's POST (see notifications.ts). */
  notify(providerId: string, incoming: IncomingNotification): { status: number; body: string; contentType: string } {
    return notify(this.engine, providerId, incoming);
  }

  /** One single-flight step for a payment (query, expiry, close); joins one already running. */
  step(id: number, asked = false): Promise<boolean> {
    return step(this.engine, id, asked);
  }

  /** The startup check of payments (and test payments) the last run left open. */
  async sweep(): Promise<void> {
    await Promise.all([sweep(this.engine), this.testPayments.resume()]);
  }
}
