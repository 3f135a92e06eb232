// One interface for every payment provider (the Demo simulator now; Alipay and WeChat Pay later). The
// checkout engine (electron/payments/) only ever talks to a provider through this, so the state machine,
// query loops, expiry and the attention list are the same for all of them.
//
// Errors carry what the engine needs to keep money safe: `unreachable` means the request certainly never
// reached the provider (connection refused before sending), so a create may be treated as not made;
// `timeout`, `server_error` and `bad_response` mean the outcome is unknown and must be settled by query or
// close, never taken as failed.

export type ProviderErrorKind =
  /** Connection refused / DNS failure before any byte was sent: nothing happened at the provider. */
  | 'unreachable'
  /** Sent, but no answer in time: the provider may or may not have acted. */
  | 'timeout'
  /** 5xx or the provider's "system error / unknown result" answer. */
  | 'server_error'
  /** An answer we cannot trust: bad or missing signature, unparsable body, wrong merchant. */
  | 'bad_response'
  /** A definite business refusal with `code` (see ProviderRefusal). */
  | 'rejected';

/** Business refusals the engine acts on, as providers send them (the Demo gateway answers these codes). */
export const REFUSAL_CODES = [
  'TRADE_EXISTS', // create: this trade number is already known (never a success for this order)
  'TRADE_PAID', // create/close: already paid
  'TRADE_CLOSED', // pay/refund: the trade is closed
  'TRADE_NOT_FOUND',
  'INVALID_CODE', // payment code unknown, expired or used
  'DECLINED', // the customer or their bank said no
  'INSUFFICIENT_FUNDS',
  'AMOUNT_INVALID',
  'REFUND_TOO_LARGE',
  'INVALID_REQUEST',
] as const;

/** Providers map their own codes onto these; anything else is 'OTHER'. */
export type ProviderRefusal = (typeof REFUSAL_CODES)[number] | 'OTHER';

export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    /** Set when kind is 'rejected'. */
    readonly code?: ProviderRefusal,
  ) {
    super(message);
    this.name = 'ProviderError';
  }

  /** The outcome at the provider is not known: settle by query/close, never mark failed. */
  get outcomeUnknown(): boolean {
    return this.kind === 'timeout' || this.kind === 'server_error' || this.kind === 'bad_response';
  }
}

export interface CreateQrRequest {
  /** Our merchant trade number, already stored. */
  tradeNumber: string;
  amountMinor: number;
  currency: string;
  /** Shown in the customer's wallet: shop name and order number. */
  subject: string;
  /** The order number people read ("0042"); the phone page shows it. */
  orderNumber: string;
  /** The provider closes the trade at this moment; equals our local expiry. */
  expiresAt: Date;
  /** Where the provider POSTs its signed notification; null when we have no reachable listener. */
  notifyUrl: string | null;
}

export interface CreateQrResult {
  /** What goes into the QR the customer scans. */
  qrContent: string;
  expiresAt: Date;
  /** The provider's own id for the trade, when it gives one at create time. */
  providerRef: string | null;
}

/** A trade as the provider sees it. `not_found` is NOT a failure (the customer may not have scanned yet). */
export type TradeStatus =
  | 'waiting' // created, not paid yet
  | 'user_paying' // B-scan-C: the customer is confirming in their wallet app
  | 'paid'
  | 'closed' // closed unpaid (by us or by its expiry)
  | 'failed' // definitely failed (e.g. code pay refused after user_paying)
  | 'refunded' // paid, then refunded in full
  | 'not_found';

export interface QueryResult {
  status: TradeStatus;
  /** The amount the provider holds for this trade; the engine checks it against its own record. */
  amountMinor?: number;
  providerRef?: string | null;
  paidAt?: string | null;
  /** Provider-side reason for failed/closed, e.g. 'DECLINED'. */
  reason?: string | null;
}

export interface CloseResult {
  /** already_paid: the close came too late, the trade is paid (which means paid, not an error). */
  status: 'closed' | 'already_paid' | 'not_found';
}

export interface PayWithCodeRequest {
  tradeNumber: string;
  /** The customer's payment code, in full: only ever sent to the provider, never stored or logged. */
  authCode: string;
  amountMinor: number;
  currency: string;
  subject: string;
  orderNumber: string;
  notifyUrl: string | null;
}

export interface PayWithCodeResult {
  status: 'paid' | 'user_paying';
  providerRef: string | null;
}

export interface ReverseResult {
  /** closed: nothing was taken. refunded: it had been paid and the money went back. */
  status: 'closed' | 'refunded';
  /** The provider asks for the reverse to be sent again (Alipay retry_flag=Y, WeChat recall=Y). */
  retry: boolean;
}

export interface RefundRequest {
  tradeNumber: string;
  /** Ours, stored before the call; the provider treats a repeat as the same refund. */
  refundNumber: string;
  amountMinor: number;
  totalMinor: number;
  reason: string;
}

export interface RefundResult {
  /**
   * refunded: the money moved (Alipay fund_change=Y or REFUND_SUCCESS; WeChat SUCCESS). processing: ask again
   * with refundStatus. failed: final and not refunded (WeChat ABNORMAL / CLOSED): a person acts, `reason` says how.
   */
  status: 'refunded' | 'processing' | 'failed';
  reason?: string | null;
}

export interface RefundStatusRequest {
  tradeNumber: string;
  refundNumber: string;
}

/** "I paid!": a trade found by our trade number or by the provider's number from the customer's wallet. */
export interface LookupResult extends QueryResult {
  /** Our trade number as the provider holds it (null when the provider does not know the trade). */
  tradeNumber: string | null;
}

/** What "Test connection" found; `problem` is a word the settings page translates. */
export type ConnectionProblem =
  /** Nothing answered (DNS, refused, timeout). */
  | 'unreachable'
  /** The provider does not know this app id / merchant id, or they are not bound together (APPID_MCHID_NOT_MATCH). */
  | 'wrong_id'
  /** The provider refused our signature: the private key does not belong to this app / certificate serial. */
  | 'bad_signature'
  /** The provider's answer failed our check: the provider public key or certificate we hold is wrong. */
  | 'bad_answer_signature'
  /** The product (当面付 / Native / 付款码) is not enabled on this account (ACCESS_FORBIDDEN, NO_AUTH). */
  | 'not_enabled'
  /** This PC's clock is too far from the provider's (`clockSkewSeconds`). */
  | 'clock_off'
  | 'other';

export type ConnectionTest =
  | { ok: true; clockSkewSeconds: number | null }
  | { ok: false; problem: ConnectionProblem; detail: string; clockSkewSeconds: number | null };

/** One row of a provider's daily bill, as reconciliation reads it. */
export interface BillRow {
  tradeNumber: string;
  providerRef: string;
  /** ISO 8601 with offset (the bills are in China time, +08:00). */
  time: string;
  amountMinor: number;
  feeMinor: number;
  refundMinor: number;
  /** Our refund number for a refund row, else null. */
  refundNumber: string | null;
  status: 'paid' | 'refunded' | 'other';
}

export type BillAnswer = { status: 'ready'; rows: BillRow[] } | { status: 'not_ready' } | { status: 'none' };

/** An incoming notification as the HTTP listener received it, unparsed. */
export interface IncomingNotification {
  headers: Record<string, string | undefined>;
  body: string;
}

/** A notification whose signature checked out. The engine still checks amount, merchant and trade number. */
export interface VerifiedNotification {
  /** The provider's id for this notification: the same id twice is a retry. */
  notificationId: string;
  tradeNumber: string;
  status: 'paid';
  amountMinor: number;
  currency: string;
  merchantId: string;
  providerRef: string | null;
  paidAt: string;
}

export interface PaymentProvider {
  /** 'demo', 'alipay', 'wechat'. */
  readonly id: string;
  /** The simulator: every screen it touches says "DEMO – no money moved". */
  readonly isDemo: boolean;
  /** Our merchant id at this provider; a notification for another merchant is refused. */
  readonly merchantId: string;
  /** Wallets that can pay its QR, for the customer display ('demo', 'alipay', 'wechat'). */
  readonly wallets: readonly string[];
  /** What to answer a notification we accepted, so the provider stops retrying. */
  readonly notificationAck: { status: number; body: string; contentType: string };

  createQr(req: CreateQrRequest): Promise<CreateQrResult>;
  query(tradeNumber: string): Promise<QueryResult>;
  /** Closes an unpaid QR trade. */
  close(tradeNumber: string): Promise<CloseResult>;
  payWithCode(req: PayWithCodeRequest): Promise<PayWithCodeResult>;
  /** Cancels a payment-code trade whatever its state (Alipay trade.cancel, WeChat reverse). */
  reverse(tradeNumber: string): Promise<ReverseResult>;
  refund(req: RefundRequest): Promise<RefundResult>;
  /** Throws ProviderError('bad_response') for a bad signature, a stale timestamp or a body it cannot read. */
  verifyNotification(n: IncomingNotification): VerifiedNotification;
  /** A cheap call that proves the provider answers and our keys are accepted (for "QR pay unavailable: why"). */
  ping(): Promise<void>;

  // ---- real wallets (optional for the Demo provider) ----------------------------------------------------

  /** The currencies its wallets take (Alipay and WeChat Pay: CNY); absent: any. */
  readonly currencies?: readonly string[];
  /** How often, and how long, to ask about a payment-code charge the customer is still confirming. */
  readonly codePolling?: { everyMs: number; forMs: number };
  /** Is this scanned payment code one of this provider's wallets (by prefix and length)? */
  ownsPaymentCode?(code: string): boolean;
  /** The expiry to send and keep locally: `at` rounded down to what the provider can express. */
  roundExpiry?(at: Date): Date;
  /** Asks again about a refund answered 'processing'. */
  refundStatus?(req: RefundStatusRequest): Promise<RefundResult>;
  /** "I paid!" at the counter: look a trade up by our trade number or by the provider's own number. */
  lookup?(ref: { tradeNumber: string } | { providerRef: string }): Promise<LookupResult>;
  /** A harmless signed call that says plainly what is wrong with the credentials or the clock. */
  testConnection?(): Promise<ConnectionTest>;
  /** One day's bill (yyyy-mm-dd, China time). */
  fetchBill?(date: string): Promise<BillAnswer>;
}
