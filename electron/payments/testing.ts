// A scriptable in-memory PaymentProvider for tests of the checkout engine. By default it behaves like a
// small honest provider (trades it created can be paid, queried, closed, refunded); a test can also queue
// one-shot answers, hold a call until it decides how it ends, make it unreachable, and sign notifications.
// With `stateFile` its trades survive the process (crash tests: a child dies, the parent pays, a new till
// settles).
import fs from 'node:fs';
import { routePaymentCode } from '../../shared/payment';
import {
  type CloseResult,
  type CreateQrRequest,
  type CreateQrResult,
  type IncomingNotification,
  type LookupResult,
  type PaymentProvider,
  type PayWithCodeRequest,
  type PayWithCodeResult,
  ProviderError,
  type QueryResult,
  type RefundRequest,
  type RefundResult,
  type ReverseResult,
  type TradeStatus,
  type VerifiedNotification,
} from './provider';

export interface ScriptedTrade {
  tradeNumber: string;
  amountMinor: number;
  currency: string;
  status: TradeStatus;
  kind: 'qr' | 'code';
  refundedMinor: number;
  refunds: string[];
}

type Calls = {
  createQr: [CreateQrRequest, CreateQrResult];
  query: [string, QueryResult];
  close: [string, CloseResult];
  payWithCode: [PayWithCodeRequest, PayWithCodeResult];
  reverse: [string, ReverseResult];
  refund: [RefundRequest, RefundResult];
  ping: [undefined, undefined];
  lookup: [{ tradeNumber: string } | { providerRef: string }, LookupResult];
};
export type CallName = keyof Calls;

/** A one-shot answer: a value, an error to throw, or a function of the request. */
export type Answer<M extends CallName> =
  | Calls[M][1]
  | Error
  | ((req: Calls[M][0]) => Calls[M][1] | Promise<Calls[M][1]>);

/** A call held until the test ends it. */
export interface HeldCall<M extends CallName> {
  /** Resolves with the request once the engine made the call. */
  called: Promise<Calls[M][0]>;
  /** Ends the call with this answer (default: what the provider would do). */
  release(answer?: Answer<M>): void;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(v: T): void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export const SCRIPTED_SIGNATURE = 'good-signature';

export interface ScriptedProviderOptions {
  id?: string;
  merchantId?: string;
  isDemo?: boolean;
  wallets?: string[];
  /** Keeps the trades in this JSON file, read on every call. */
  stateFile?: string;
  /** Like a real wallet: only these currencies, and only its own payment codes (by prefix). */
  currencies?: string[];
  ownsPaymentCode?: (code: string) => boolean;
  /** Like a real wallet: looks a trade up by our trade number or by its own number (`P-<tradeNumber>`). */
  lookup?: boolean;
}

export class ScriptedProvider implements PaymentProvider {
  readonly id: string;
  readonly isDemo: boolean;
  readonly merchantId: string;
  readonly wallets: readonly string[];
  readonly notificationAck = { status: 200, body: 'OK', contentType: 'text/plain' };

  /** Every call, in order (payment codes as sent: tests check that only the provider ever saw one). */
  readonly calls: { method: CallName; request: unknown }[] = [];
  /** Never reached: every call throws ProviderError('unreachable'). */
  down = false;
  /** Runs at the start of every call, before any answer (e.g. to look at the till's database). */
  onCall: ((method: CallName, request: unknown) => void) | undefined;

  private memory = new Map<string, ScriptedTrade>();
  private readonly queued = new Map<CallName, Answer<CallName>[]>();
  private readonly held = new Map<
    CallName,
    { called: Deferred<unknown>; answer: Deferred<Answer<CallName> | undefined> }[]
  >();
  private notificationSeq = 0;

  constructor(private readonly opts: ScriptedProviderOptions = {}) {
    this.id = opts.id ?? 'scripted';
    this.isDemo = opts.isDemo ?? true;
    this.merchantId = opts.merchantId ?? 'M-TEST';
    this.wallets = opts.wallets ?? ['demo'];
    if (opts.currencies) this.currencies = opts.currencies;
    if (opts.ownsPaymentCode) this.ownsPaymentCode = opts.ownsPaymentCode;
    if (opts.lookup) this.lookup = (ref) => this.lookUp(ref);
  }

  readonly currencies?: readonly string[];
  readonly ownsPaymentCode?: (code: string) => boolean;
  readonly lookup?: (ref: { tradeNumber: string } | { providerRef: string }) => Promise<LookupResult>;

  // ---- what tests use -------------------------------------------------------------------------------

  /** Queues one-shot answers for the next calls of `method`, in order. */
  next<M extends CallName>(method: M, ...answers: Answer<M>[]): this {
    const q = this.queued.get(method) ?? [];
    q.push(...(answers as Answer<CallName>[]));
    this.queued.set(method, q);
    return this;
  }

  /** Holds the next call of `method` until `release`. */
  hold<M extends CallName>(method: M): HeldCall<M> {
    const entry = { called: deferred<unknown>(), answer: deferred<Answer<CallName> | undefined>() };
    const list = this.held.get(method) ?? [];
    list.push(entry);
    this.held.set(method, list);
    return {
      called: entry.called.promise as Promise<Calls[M][0]>,
      release: (answer) => entry.answer.resolve(answer as Answer<CallName> | undefined),
    };
  }

  trade(tradeNumber: string): ScriptedTrade | undefined {
    return this.trades().get(tradeNumber);
  }

  allTrades(): ScriptedTrade[] {
    return [...this.trades().values()];
  }

  /** The customer pays at the provider (whatever our side thinks). */
  pay(tradeNumber: string): void {
    this.update(tradeNumber, (t) => {
      t.status = 'paid';
    });
  }

  setStatus(tradeNumber: string, status: TradeStatus): void {
    this.update(tradeNumber, (t) => {
      t.status = status;
    });
  }

  /** A notification as the provider would POST it; `overrides` forge or alter it. */
  notification(
    tradeNumber: string,
    overrides: Partial<VerifiedNotification> & { signature?: string } = {},
  ): IncomingNotification {
    const t = this.trade(tradeNumber);
    const { signature = SCRIPTED_SIGNATURE, ...fields } = overrides;
    const body: VerifiedNotification = {
      notificationId: `N${++this.notificationSeq}`,
      tradeNumber,
      status: 'paid',
      amountMinor: t?.amountMinor ?? 0,
      currency: t?.currency ?? 'CNY',
      merchantId: this.merchantId,
      providerRef: `P-${tradeNumber}`,
      paidAt: new Date().toISOString(),
      ...fields,
    };
    return { headers: { 'x-signature': signature, 'content-type': 'application/json' }, body: JSON.stringify(body) };
  }

  // ---- PaymentProvider -------------------------------------------------------------------------------

  createQr(req: CreateQrRequest): Promise<CreateQrResult> {
    return this.call('createQr', req, () => {
      if (this.trade(req.tradeNumber)) throw new ProviderError('rejected', 'trade exists', 'TRADE_EXISTS');
      this.put({
        tradeNumber: req.tradeNumber,
        amountMinor: req.amountMinor,
        currency: req.currency,
        status: 'waiting',
        kind: 'qr',
        refundedMinor: 0,
        refunds: [],
      });
      return {
        qrContent: `https://pay.test/${req.tradeNumber}`,
        expiresAt: req.expiresAt,
        providerRef: `P-${req.tradeNumber}`,
      };
    });
  }

  query(tradeNumber: string): Promise<QueryResult> {
    return this.call('query', tradeNumber, () => {
      const t = this.trade(tradeNumber);
      if (!t) return { status: 'not_found' };
      return { status: t.status, amountMinor: t.amountMinor, providerRef: `P-${tradeNumber}` };
    });
  }

  close(tradeNumber: string): Promise<CloseResult> {
    return this.call('close', tradeNumber, () => {
      const t = this.trade(tradeNumber);
      if (!t) return { status: 'not_found' };
      if (t.status === 'paid') return { status: 'already_paid' };
      this.setStatus(tradeNumber, 'closed');
      return { status: 'closed' };
    });
  }

  payWithCode(req: PayWithCodeRequest): Promise<PayWithCodeResult> {
    return this.call('payWithCode', req, () => {
      this.put({
        tradeNumber: req.tradeNumber,
        amountMinor: req.amountMinor,
        currency: req.currency,
        status: 'paid',
        kind: 'code',
        refundedMinor: 0,
        refunds: [],
      });
      return { status: 'paid', providerRef: `P-${req.tradeNumber}` };
    });
  }

  reverse(tradeNumber: string): Promise<ReverseResult> {
    return this.call('reverse', tradeNumber, () => {
      const t = this.trade(tradeNumber);
      const wasPaid = t?.status === 'paid';
      if (t) this.setStatus(tradeNumber, wasPaid ? 'refunded' : 'closed');
      return { status: wasPaid ? 'refunded' : 'closed', retry: false };
    });
  }

  refund(req: RefundRequest): Promise<RefundResult> {
    return this.call('refund', req, () => {
      const t = this.trade(req.tradeNumber);
      if (!t) throw new ProviderError('rejected', 'no such trade', 'TRADE_NOT_FOUND');
      if (t.refunds.includes(req.refundNumber)) return { status: 'refunded' };
      if (t.refundedMinor + req.amountMinor > t.amountMinor) {
        throw new ProviderError('rejected', 'refund too large', 'REFUND_TOO_LARGE');
      }
      this.update(req.tradeNumber, (x) => {
        x.refunds.push(req.refundNumber);
        x.refundedMinor += req.amountMinor;
        if (x.refundedMinor === x.amountMinor) x.status = 'refunded';
      });
      return { status: 'refunded' };
    });
  }

  verifyNotification(n: IncomingNotification): VerifiedNotification {
    if (n.headers['x-signature'] !== SCRIPTED_SIGNATURE) throw new ProviderError('bad_response', 'bad signature');
    try {
      return JSON.parse(n.body) as VerifiedNotification;
    } catch {
      throw new ProviderError('bad_response', 'unreadable notification');
    }
  }

  private lookUp(ref: { tradeNumber: string } | { providerRef: string }): Promise<LookupResult> {
    return this.call('lookup', ref, () => {
      const t =
        'tradeNumber' in ref
          ? this.trade(ref.tradeNumber)
          : this.allTrades().find((x) => `P-${x.tradeNumber}` === ref.providerRef);
      if (!t) return { status: 'not_found', tradeNumber: null };
      return {
        status: t.status,
        amountMinor: t.amountMinor,
        providerRef: `P-${t.tradeNumber}`,
        tradeNumber: t.tradeNumber,
      };
    });
  }

  ping(): Promise<void> {
    return this.call('ping', undefined, () => undefined);
  }

  // ---- machinery -------------------------------------------------------------------------------------

  private async call<M extends CallName>(method: M, req: Calls[M][0], honest: () => Calls[M][1]): Promise<Calls[M][1]> {
    this.calls.push({ method, request: req });
    this.onCall?.(method, req);
    if (this.down) throw new ProviderError('unreachable', 'connection refused');
    let answer: Answer<M> | undefined;
    const held = this.held.get(method)?.shift();
    if (held) {
      held.called.resolve(req);
      answer = (await held.answer.promise) as Answer<M> | undefined;
    }
    answer ??= this.queued.get(method)?.shift() as Answer<M> | undefined;
    if (answer === undefined) return honest();
    if (answer instanceof Error) throw answer;
    if (typeof answer === 'function') return (answer as (r: Calls[M][0]) => Calls[M][1])(req);
    return answer;
  }

  private trades(): Map<string, ScriptedTrade> {
    if (!this.opts.stateFile) return this.memory;
    try {
      const list = JSON.parse(fs.readFileSync(this.opts.stateFile, 'utf8')) as ScriptedTrade[];
      return new Map(list.map((t) => [t.tradeNumber, t]));
    } catch {
      return new Map();
    }
  }

  private put(t: ScriptedTrade): void {
    const all = this.trades();
    all.set(t.tradeNumber, t);
    this.save(all);
  }

  private update(tradeNumber: string, fn: (t: ScriptedTrade) => void): void {
    const all = this.trades();
    const t = all.get(tradeNumber);
    if (!t) throw new Error(`No trade ${tradeNumber}`);
    fn(t);
    this.save(all);
  }

  private save(all: Map<string, ScriptedTrade>): void {
    if (this.opts.stateFile) fs.writeFileSync(this.opts.stateFile, JSON.stringify([...all.values()]));
    else this.memory = all;
  }
}

/**
 * A scripted provider that behaves like a real wallet, Alipay or WeChat Pay: its own id, merchant and wallet,
 * CNY only, and only its own payment codes.
 */
export function scriptedWallet(id: 'alipay' | 'wechat', options: ScriptedProviderOptions = {}): ScriptedProvider {
  return new ScriptedProvider({
    id,
    isDemo: false,
    merchantId: id === 'alipay' ? '2021000000000001' : '1900000001',
    wallets: [id],
    currencies: ['CNY'],
    ownsPaymentCode: (code) => routePaymentCode(code)?.provider === id,
    ...options,
  });
}
