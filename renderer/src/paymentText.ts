// What a payment attempt is doing, as i18n keys, and the countdown to its expiry. Pure: no DOM, no store.
import type { BankQrSettings, Payment, PaymentMethod, PaymentStatus } from '../../shared/domain';
import { isEnding } from '../../shared/payment';

/** Bank QR schemes by the names their apps use (not translated: they are brands). */
export const SCHEME_NAMES: Record<BankQrSettings['scheme'], string> = {
  pix: 'PIX',
  promptpay: 'PromptPay',
  paynow: 'PayNow',
  duitnow: 'DuitNow',
  emv: 'EMVCo',
};

/** One key per thing the cashier needs to know; every PaymentStatus has one (paymentText.test.ts). */
export const STATUS_KEYS = {
  created: 'pay.status.created',
  waiting: 'pay.status.waiting',
  userPaying: 'pay.status.userPaying',
  bankWaiting: 'pay.status.bankWaiting',
  checking: 'pay.status.checking',
  closing: 'pay.status.closing',
  paid: 'pay.status.paid',
  failed: 'pay.status.failed',
  expired: 'pay.status.expired',
  cancelled: 'pay.status.cancelled',
  refunded: 'pay.status.refunded',
  partiallyRefunded: 'pay.status.partiallyRefunded',
} as const;
export type StatusKey = (typeof STATUS_KEYS)[keyof typeof STATUS_KEYS];

/** The till is closing it (cancelled or expired) and the provider has not confirmed yet: see isEnding. */
export const isCancelling = isEnding;

export function statusKey(p: { status: PaymentStatus; method: PaymentMethod; reason: string | null }): StatusKey {
  if (isCancelling(p)) return STATUS_KEYS.closing;
  switch (p.status) {
    case 'created':
      return STATUS_KEYS.created;
    case 'pending':
      if (p.method === 'payment_code' || p.reason === 'user_paying') return STATUS_KEYS.userPaying;
      return p.method === 'bank_qr' ? STATUS_KEYS.bankWaiting : STATUS_KEYS.waiting;
    case 'unknown':
      // A code charge without a final answer yet: the customer is most likely still confirming.
      return p.reason === 'user_paying' ? STATUS_KEYS.userPaying : STATUS_KEYS.checking;
    case 'closing':
      return STATUS_KEYS.closing;
    case 'paid':
      return STATUS_KEYS.paid;
    case 'failed':
      return STATUS_KEYS.failed;
    case 'expired':
      return STATUS_KEYS.expired;
    case 'cancelled':
      return STATUS_KEYS.cancelled;
    case 'refunded':
      return STATUS_KEYS.refunded;
    case 'partially_refunded':
      return STATUS_KEYS.partiallyRefunded;
  }
}

/** Reasons the engine sends that have their own wording; others read as "other" with the code. */
export const FAIL_REASONS = [
  'declined',
  'insufficient_funds',
  'code_invalid',
  'code_expired',
  'unreachable',
  'timeout',
  'provider_error',
  'closed',
  'expired',
  'cancelled',
  'reversed',
  'abandoned',
] as const;
export type FailReason = (typeof FAIL_REASONS)[number];

/** The engine's and providers' own codes (ProviderRefusal, ProviderError kinds, gateway reasons) worded alike. */
const SAME_AS: Record<string, FailReason> = {
  invalid_code: 'code_invalid',
  server_error: 'provider_error',
  bad_response: 'provider_error',
  trade_exists: 'provider_error',
  trade_paid: 'provider_error',
  amount_invalid: 'provider_error',
  invalid_request: 'provider_error',
  trade_closed: 'closed',
  closed_by_merchant: 'closed',
};

/** Providers send their codes in upper case ('INSUFFICIENT_FUNDS'); the wording is keyed in lower case. */
export function failReasonKey(reason: string | null): `pay.failReason.${FailReason | 'other'}` {
  const lower = (reason ?? '').toLowerCase();
  const r = SAME_AS[lower] ?? lower;
  return (FAIL_REASONS as readonly string[]).includes(r) ? `pay.failReason.${r as FailReason}` : 'pay.failReason.other';
}

/** Why pay.options says a method cannot be used now. */
export const OPTION_REASONS = ['unreachable', 'not_configured', 'currency', 'over_limit'] as const;
export function optionReasonKey(
  reason: string | null,
): `pay.optionReason.${(typeof OPTION_REASONS)[number] | 'other'}` {
  return (OPTION_REASONS as readonly string[]).includes(reason ?? '')
    ? `pay.optionReason.${reason as (typeof OPTION_REASONS)[number]}`
    : 'pay.optionReason.other';
}

/** Milliseconds until `iso`, never negative; null without an expiry. */
export function msUntil(iso: string | null, now: number): number | null {
  if (!iso) return null;
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}

/** 1:59, 0:05, 12:00: whole seconds rounded up, so "0:00" shows only once time is really up. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${minutes}:${String(seconds).padStart(2, '0')}`;
}

/** Which of two views of payments the screen should keep: never an older attempt, never un-paying. */
export function isNewerPayment(current: Payment | null, incoming: Payment): boolean {
  if (!current) return true;
  if (incoming.id !== current.id) return incoming.id > current.id;
  const settled = (s: PaymentStatus) => s === 'paid' || s === 'refunded' || s === 'partially_refunded';
  // Paid is never taken back by a late reply that read the row before it changed.
  return !(settled(current.status) && !settled(incoming.status));
}
