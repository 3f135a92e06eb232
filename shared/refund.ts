// Refunds by line: what a line and a payment may still give back, and which payments a refund goes back to.
// Pure (no Node, no DOM): the till decides with it and the refund dialog shows the same split before it asks.
import { z } from 'zod';
import { Id, Minor, PaymentMethod } from './domain';

/** What a line may still give back, from what it sold and what refunds took already. */
export interface LineRefundState {
  /** Units sold. */
  quantity: number;
  /** The line's total after its line discount and its share of the order discount (order_lines.total_minor). */
  totalMinor: number;
  refundedQuantity: number;
  refundedMinor: number;
}

/**
 * The amount `q` more units of a line give back: the line's total pro rata per unit, rounded down, and the last
 * unit takes the remainder, so all its units together give back exactly its total and never a fen more.
 */
export function lineRefundMinor(line: LineRefundState, q: number): number {
  const left = line.quantity - line.refundedQuantity;
  if (q <= 0 || q > left) throw new RangeError(`quantity ${q} is outside 1..${left}`);
  if (q === left) return line.totalMinor - line.refundedMinor;
  return q * Math.floor(line.totalMinor / line.quantity);
}

/** A payment of the order as the refund split sees it. */
export interface RefundablePayment {
  paymentId: number;
  method: PaymentMethod;
  provider: string | null;
  /** What it paid, less what was refunded and what refunds under way will take. */
  refundableMinor: number;
}

export interface RefundShare {
  paymentId: number;
  amountMinor: number;
  /** Paid from the drawer: a cash payment, or a bank QR (no provider can send it back). */
  fromDrawer: boolean;
}

/**
 * Which payments `amountMinor` goes back to: wallet payments first (oldest first, each up to what it may still
 * give back), then cash, then bank QR from the drawer. Wallets first because the money goes back where it came
 * from without touching the drawer, and a wallet that refuses can still be offered in cash; cash goes last but
 * one so the drawer pays out only what the wallets cannot. Null when the payments cannot cover it.
 */
export function splitRefund(amountMinor: number, payments: readonly RefundablePayment[]): RefundShare[] | null {
  const rank = (p: RefundablePayment) => (p.method === 'cash' ? 1 : p.method === 'bank_qr' ? 2 : 0);
  const ordered = [...payments].sort((a, b) => rank(a) - rank(b) || a.paymentId - b.paymentId);
  const out: RefundShare[] = [];
  let left = amountMinor;
  for (const p of ordered) {
    if (left === 0) break;
    const take = Math.min(left, p.refundableMinor);
    if (take <= 0) continue;
    out.push({
      paymentId: p.paymentId,
      amountMinor: take,
      fromDrawer: p.method !== 'qr' && p.method !== 'payment_code',
    });
    left -= take;
  }
  return left === 0 ? out : null;
}

// ---- the API's shapes ------------------------------------------------------------------------------------------

export const RefundLineRequest = z.object({ lineId: Id, quantity: z.number().int().min(1).max(9999) }).strict();
export type RefundLineRequest = z.infer<typeof RefundLineRequest>;

export const RefundPreviewLine = z.object({
  lineId: Id,
  name: z.string(),
  nameEn: z.string(),
  quantity: z.number().int(),
  unitPriceMinor: Minor,
  totalMinor: Minor,
  refundedQuantity: z.number().int().min(0),
  refundedMinor: Minor,
  refundableQuantity: z.number().int().min(0),
  refundableMinor: Minor,
});
export type RefundPreviewLine = z.infer<typeof RefundPreviewLine>;

export const RefundPreviewPayment = z.object({
  paymentId: Id,
  method: PaymentMethod,
  provider: z.string().nullable(),
  amountMinor: Minor,
  refundedMinor: Minor,
  /** Refunds asked for and not yet answered. */
  underwayMinor: Minor,
  refundableMinor: Minor,
  isDemo: z.boolean(),
});
export type RefundPreviewPayment = z.infer<typeof RefundPreviewPayment>;

const Who = z.object({ id: z.number().int(), name: z.string() });

export const RefundPart = z.object({
  refundNumber: z.string(),
  paymentId: Id,
  method: PaymentMethod,
  provider: z.string().nullable(),
  amountMinor: Minor,
  status: z.enum(['requested', 'processing', 'refunded', 'failed']),
  /** Paid from the drawer for this payment (its provider refused, or a bank QR). */
  cashInstead: z.boolean(),
  failure: z.string().nullable(),
});
export type RefundPart = z.infer<typeof RefundPart>;

export const RefundTicket = z.object({
  id: z.string(),
  number: z.string(),
  orderId: Id,
  orderNumber: z.string(),
  status: z.enum(['processing', 'needs_cash', 'done']),
  totalMinor: Minor,
  by: Who,
  approvedBy: Who.nullable(),
  createdAt: z.string(),
  lines: z.array(z.object({ lineId: Id, quantity: z.number().int(), amountMinor: Minor })),
  parts: z.array(RefundPart),
  /** What a provider refused and the drawer has not paid instead: offered as cash with the owner's approval. */
  needsCashMinor: Minor,
});
export type RefundTicket = z.infer<typeof RefundTicket>;

export const RefundPreview = z.object({
  orderId: Id,
  orderNumber: z.string(),
  completedAt: z.string().nullable(),
  currency: z.string(),
  totalMinor: Minor,
  lines: z.array(RefundPreviewLine),
  payments: z.array(RefundPreviewPayment),
  tickets: z.array(RefundTicket),
});
export type RefundPreview = z.infer<typeof RefundPreview>;

export const RefundMakeInput = z
  .object({
    orderId: Id,
    /** The lines and how many of each; or `full` for everything still refundable. */
    lines: z.array(RefundLineRequest).min(1).max(500).optional(),
    full: z.literal(true).optional(),
    approvalId: z.string().trim().min(1).max(64).optional(),
    /**
     * Without lines: pay from the drawer what a provider refused on this order's tickets. With lines (or full):
     * the whole refund from the drawer. Either way only with the owner (signed in, or their approval).
     */
    cashInstead: z.boolean().optional(),
    reason: z.string().trim().max(200).optional(),
  })
  .strict();
export type RefundMakeInput = z.infer<typeof RefundMakeInput>;

export const RefundResult = z.object({
  ticket: RefundTicket,
  preview: RefundPreview,
  /** A provider refused: this much can be paid from the drawer instead (refund.make cashInstead). */
  offerCash: z.object({ amountMinor: Minor, reason: z.string() }).nullable(),
  /** The refund receipt's print job; null without a printer. */
  jobId: Id.nullable(),
});
export type RefundResult = z.infer<typeof RefundResult>;
