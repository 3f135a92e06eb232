// Scan-to-pay domain rules: the payment attempt state machine, merchant trade numbers, and
// routing/masking of customers' payment codes. Pure TypeScript (no Node, no DOM).
import { z } from 'zod';
import type { Payment } from './domain';

// ---------------------------------------------------------------------------
// Payment attempt state machine
// ---------------------------------------------------------------------------

export const PAYMENT_STATES = [
  'created',
  'pending',
  'unknown',
  'closing',
  'paid',
  'failed',
  'expired',
  'cancelled',
  'refunded',
  'partially_refunded',
] as const;

export const PaymentState = z.enum(PAYMENT_STATES);
export type PaymentState = z.infer<typeof PaymentState>;

/**
 * Legal moves; storage applies each as one `UPDATE … SET status = <to> WHERE status = <from>`.
 * A timeout or "trade not found" is never a failure: it goes to `unknown` and is settled by query/close.
 */
export const TRANSITIONS: Record<PaymentState, readonly PaymentState[]> = {
  // Persisted before the provider call.
  created: [
    'pending', // provider accepted: QR shown / customer is entering the password
    'unknown', // timeout, 5xx or an "unknown result" answer to the create call
    'paid', // the notification (or an instant code pay) beat the create answer
    'failed', // the provider refused the order (bad code, insufficient funds, ...)
    'closing', // the cashier cancelled while the create call was still open
  ],
  pending: [
    'paid',
    'unknown', // a query timed out or answered 5xx
    'closing', // cashier cancelled or our polling window ran out: close/cancel sent
    'failed', // provider says the payment failed (e.g. PAYERROR)
    'expired', // provider closed it on its own (QR validity / time_expire passed)
  ],
  unknown: [
    'pending', // a query answered "still waiting"
    'paid',
    'closing', // still unknown at the end of the window: close/cancel sent
    'failed', // a query answered with a definite failure
  ],
  closing: [
    'cancelled', // close/cancel confirmed
    'expired', // provider had already closed it by timeout
    'paid', // "already paid" in answer to the close means paid
    'unknown', // the close itself timed out: query again later
  ],
  // Closed, but money can still arrive: a late payment goes to the attention list.
  failed: ['paid'],
  expired: ['paid'],
  cancelled: ['paid'],
  paid: ['refunded', 'partially_refunded'],
  partially_refunded: [
    'partially_refunded', // another partial refund (the refunded amount changes, the state does not)
    'refunded', // the rest refunded
  ],
  refunded: [],
};

export function canTransition(from: PaymentState, to: PaymentState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Nothing can happen any more (failed/expired/cancelled are not final: a late payment may arrive). */
export function isFinal(state: PaymentState): boolean {
  return TRANSITIONS[state].length === 0;
}

/** States in which the trade may still be paid or closed. */
export const OPEN_STATES: readonly PaymentState[] = ['created', 'pending', 'unknown', 'closing'];

/** The trade may still be paid, so it blocks a new trade for the same order. */
export function isOpen(state: PaymentState): boolean {
  return OPEN_STATES.includes(state);
}

/**
 * Open, but the till is ending it (the cashier cancelled, or its expiry passed) and the provider has not
 * confirmed the close yet: whatever a query says meanwhile, it must not be offered for payment again.
 */
export function isEnding(p: { status: PaymentState; reason: string | null }): boolean {
  return isOpen(p.status) && (p.status === 'closing' || p.reason === 'cancelled' || p.reason === 'expired');
}

const CLOSED_UNPAID: readonly PaymentState[] = ['failed', 'expired', 'cancelled'];

/** Money arrived after we gave up on the trade: refund or complete it, never ignore (attention list). */
export function isLatePayment(from: PaymentState, to: PaymentState): boolean {
  return to === 'paid' && CLOSED_UNPAID.includes(from);
}

// ---------------------------------------------------------------------------
// What an order's payments pay towards it
// ---------------------------------------------------------------------------

/**
 * What the payments pay towards the order: the paid ones, less what was refunded; a late payment counts
 * only once the cashier applied it (it is on the attention list until then).
 */
export function paidTowards(payments: readonly Payment[]): number {
  let sum = 0;
  for (const p of payments) {
    if ((p.status === 'paid' || p.status === 'partially_refunded') && p.attention !== 'late_payment') {
      sum += p.amountMinor - p.refundedMinor;
    }
  }
  return sum;
}

/** What is left to pay of `totalMinor` after the payments (never below zero). */
export function dueOf(totalMinor: number, payments: readonly Payment[]): number {
  return Math.max(0, totalMinor - paidTowards(payments));
}

/** The payment a checkout round is shown by: the one that paid the order, else a payment code, else the latest. */
export function leadOf(group: readonly Payment[]): Payment | undefined {
  const counted = (p: Payment) => p.status === 'paid' && p.attention === null;
  return (
    group.find(counted) ??
    group.findLast((p) => p.method === 'payment_code') ??
    group.findLast((p) => p.status === 'paid') ??
    group.at(-1)
  );
}

/**
 * A payment that still holds the cart: open and not given up by the cashier (an abandoned attempt no
 * longer does: the cashier took another way; an unsettled one does).
 */
export function openPaymentOf(payments: readonly Payment[]): Payment | undefined {
  return payments.find((p) => isOpen(p.status) && p.attention !== 'abandoned');
}

// ---------------------------------------------------------------------------
// Merchant trade numbers (out_trade_no)
// ---------------------------------------------------------------------------

/** WeChat wants 6-32 chars; Alipay allows 64. `_` and `-` are accepted by both providers' specs here. */
const TRADE_NUMBER = /^[0-9A-Za-z_-]{6,32}$/;
const ALNUM = /^[0-9A-Za-z]+$/;
const SEQUENCE_DIGITS = 6;

export function isValidTradeNumber(s: string): boolean {
  return TRADE_NUMBER.test(s);
}

export interface TradeNumberParts {
  /** Till id, e.g. "T1". */
  terminal: string;
  /** Local (shop) date of the attempt. */
  date: Date;
  /** Per-terminal attempt counter, a non-negative integer. */
  sequence: number;
  /** Random per-install part, so a reinstall or a restored backup never reuses a number. */
  installId: string;
}

/**
 * `terminal_yyyymmdd_sequence_installId`, e.g. `T1_20261125_000042_k3x9q2`. The `_` separators keep parts
 * of different lengths from running into each other, so two installs can never produce the same number.
 */
export function makeTradeNumber({ terminal, date, sequence, installId }: TradeNumberParts): string {
  if (!ALNUM.test(terminal)) throw new Error(`Trade number: terminal must be letters/digits, got "${terminal}"`);
  if (!ALNUM.test(installId) || installId.length < 4) {
    throw new Error(`Trade number: install id must be at least 4 letters/digits, got "${installId}"`);
  }
  if (!Number.isSafeInteger(sequence) || sequence < 0) {
    throw new Error(`Trade number: sequence must be a non-negative integer, got ${sequence}`);
  }
  if (Number.isNaN(date.getTime())) throw new Error('Trade number: invalid date');
  const ymd =
    String(date.getFullYear()).padStart(4, '0') +
    String(date.getMonth() + 1).padStart(2, '0') +
    String(date.getDate()).padStart(2, '0');
  const no = [terminal, ymd, String(sequence).padStart(SEQUENCE_DIGITS, '0'), installId].join('_');
  if (!isValidTradeNumber(no)) {
    throw new Error(`Trade number "${no}" is ${no.length} chars; at most 32 fit (shorten terminal or install id)`);
  }
  return no;
}

// ---------------------------------------------------------------------------
// Customer payment codes (B-scan-C)
// ---------------------------------------------------------------------------

export type PaymentCodeProvider = 'alipay' | 'wechat';

/** Which provider a scanned payment code belongs to, or null (e.g. an EAN-13 product barcode). */
export function routePaymentCode(code: string): { provider: PaymentCodeProvider } | null {
  const digits = code.trim();
  if (!/^\d+$/.test(digits)) return null;
  const prefix = Number(digits.slice(0, 2));
  if (prefix >= 25 && prefix <= 30 && digits.length >= 16 && digits.length <= 24) return { provider: 'alipay' };
  if (prefix >= 10 && prefix <= 15 && digits.length === 18) return { provider: 'wechat' };
  return null;
}

export function looksLikePaymentCode(code: string): boolean {
  return routePaymentCode(code) !== null;
}

/** Keeps the first and last 4 characters: 2851********1234. Short input is masked whole. */
export function maskPaymentCode(code: string): string {
  if (code.length <= 8) return '*'.repeat(code.length);
  return code.slice(0, 4) + '*'.repeat(code.length - 8) + code.slice(-4);
}

/** Masks every standalone run of 16-24 digits (a possible payment code) in free text, for logs and journal. */
export function maskPaymentCodesIn(text: string): string {
  return text.replace(/(?<!\d)\d{16,24}(?!\d)/g, maskPaymentCode);
}
