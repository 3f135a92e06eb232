// The Demo gateway's wire protocol, shared by the gateway (electron/gateway) and its adapter
// (electron/payments/providers/demo/). Shaped like WeChat Pay API v3: JSON bodies, every request signed by
// the merchant's RSA key, every response and notification signed by the gateway's own key.
//
// Signed messages are lines, each ending in "\n":
//   request:      METHOD, path (with query), timestamp, nonce, body
//   response:     HTTP status, the request's nonce, timestamp, nonce, body   (binds an answer to its request)
//   notification: "NOTIFY", timestamp, nonce, body
// Timestamps are Unix seconds; more than MAX_SKEW_SECONDS away from our clock is refused.
import { createHash, createPublicKey, randomBytes, sign, verify } from 'node:crypto';
import type { ProviderRefusal } from '../payments/provider';

export const HEADER = {
  merchant: 'x-demopay-merchant',
  timestamp: 'x-demopay-timestamp',
  nonce: 'x-demopay-nonce',
  signature: 'x-demopay-signature',
} as const;

export const MAX_SKEW_SECONDS = 300;

/** What a merchant answers to a notification it accepted; anything else and the gateway retries. */
export const NOTIFICATION_ACK = { status: 200, body: '{"code":"SUCCESS"}', contentType: 'application/json' };

export function signingMessage(parts: readonly string[]): string {
  return parts.map((p) => `${p}\n`).join('');
}

export function rsaSign(privateKeyPem: string, message: string): string {
  return sign('sha256', Buffer.from(message, 'utf8'), privateKeyPem).toString('base64');
}

export function rsaVerify(publicKeyPem: string, message: string, signature: string): boolean {
  try {
    return verify('sha256', Buffer.from(message, 'utf8'), publicKeyPem, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

export function unixSeconds(ms = Date.now()): string {
  return String(Math.floor(ms / 1000));
}

/** True when a signature timestamp is well-formed and within the allowed clock skew. */
export function freshTimestamp(ts: string | undefined, nowMs = Date.now()): boolean {
  if (!ts || !/^\d{1,12}$/.test(ts)) return false;
  return Math.abs(Number(ts) - nowMs / 1000) <= MAX_SKEW_SECONDS;
}

/** Merchant ids are derived from the public key, so both sides know the id before registration answers. */
export function merchantIdFor(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return `M${createHash('sha256').update(der).digest('hex').slice(0, 20).toUpperCase()}`;
}

/** Error codes in a non-2xx answer's `{code, message}` body: the till's business refusals and the gateway's own. */
export type GatewayErrorCode =
  | Exclude<ProviderRefusal, 'OTHER'>
  | 'SIGN_ERROR'
  | 'MERCHANT_UNKNOWN'
  | 'SYSTEM_ERROR'
  | 'NOT_FOUND'
  | 'FORBIDDEN';

export interface ErrorBody {
  code: GatewayErrorCode;
  message: string;
}

// --- Request and answer bodies ---------------------------------------------------------------------------

export interface RegisterBody {
  name: string;
  publicKey: string;
}
export interface RegisterAnswer {
  merchantId: string;
  gatewayPublicKey: string;
}

export interface CreateQrBody {
  tradeNumber: string;
  amountMinor: number;
  currency: string;
  subject: string;
  orderNumber: string;
  /** ISO 8601. */
  expiresAt: string;
  notifyUrl: string | null;
}
export interface CreateQrAnswer {
  tradeNumber: string;
  qrContent: string;
  expiresAt: string;
  providerRef: string;
}

export interface CodePayBody {
  tradeNumber: string;
  authCode: string;
  amountMinor: number;
  currency: string;
  subject: string;
  orderNumber: string;
  notifyUrl: string | null;
}
export interface CodePayAnswer {
  status: 'paid' | 'user_paying';
  providerRef: string;
}

export type GatewayTradeStatus = 'waiting' | 'user_paying' | 'paid' | 'closed' | 'failed' | 'refunded';

export interface TradeAnswer {
  tradeNumber: string;
  status: GatewayTradeStatus;
  amountMinor: number;
  currency: string;
  providerRef: string;
  paidAt: string | null;
  refundedMinor: number;
  reason: string | null;
}

export interface CloseAnswer {
  status: 'closed';
}
export interface ReverseAnswer {
  status: 'closed' | 'refunded';
  retry: boolean;
}

export interface RefundBody {
  refundNumber: string;
  amountMinor: number;
  totalMinor: number;
  reason: string;
}
export interface RefundAnswer {
  status: 'refunded';
  refundNumber: string;
  amountMinor: number;
  refundedMinor: number;
}

export interface NotificationBody {
  id: string;
  eventType: 'TRADE.SUCCESS';
  tradeNumber: string;
  amountMinor: number;
  currency: string;
  merchantId: string;
  providerRef: string;
  paidAt: string;
  createdAt: string;
}

// --- Daily bills (GET /v1/bills?date=yyyy-mm-dd) ---------------------------------------------------------

/** One row of a Demo bill: a payment (money in) or a refund (money back), in Beijing time. */
export interface BillRowWire {
  kind: 'payment' | 'refund';
  tradeNumber: string;
  providerRef: string;
  /** ISO 8601 with +08:00. */
  time: string;
  /** A payment's amount, or a refund's. */
  amountMinor: number;
  /** Charged on a payment; returned with a refund (its share of the payment's fee). */
  feeMinor: number;
  /** A refund's number (ours), else null. */
  refundNumber: string | null;
}

export type BillAnswerWire =
  | { date: string; status: 'ready'; rows: BillRowWire[] }
  | { date: string; status: 'not_ready' }
  | { date: string; status: 'none' };
