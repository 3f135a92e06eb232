// The Demo provider's answer table: what each answer of the Demo gateway means for a payment. Only the codes
// listed as refusals mean "not paid"; anything else the gateway says is an unknown outcome, settled by query
// or close (see ProviderError in ../../provider.ts). The shapes of its successful answers are checked here
// too: an answer of another shape is a bad_response, never a success.
import { z } from 'zod';
import { type ProviderRefusal, REFUSAL_CODES } from '../../provider';

/** A gateway error code as the engine's refusal; codes about our own request are INVALID_REQUEST. */
export function refusalFor(code: string): ProviderRefusal {
  if ((REFUSAL_CODES as readonly string[]).includes(code)) return code as ProviderRefusal;
  if (code === 'SIGN_ERROR' || code === 'MERCHANT_UNKNOWN' || code === 'NOT_FOUND') return 'INVALID_REQUEST';
  return 'OTHER';
}

export const Iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)));
export const RegisterAnswer = z.object({ merchantId: z.string(), gatewayPublicKey: z.string() });
export const CreateQrAnswer = z.object({ qrContent: z.string().min(1), expiresAt: Iso, providerRef: z.string() });
export const CodePayAnswer = z.object({ status: z.enum(['paid', 'user_paying']), providerRef: z.string() });
export const TradeAnswer = z.object({
  status: z.enum(['waiting', 'user_paying', 'paid', 'closed', 'failed', 'refunded']),
  amountMinor: z.number().int(),
  providerRef: z.string(),
  paidAt: z.string().nullable(),
  reason: z.string().nullable(),
});
export const CloseAnswer = z.object({ status: z.literal('closed') });
export const ReverseAnswer = z.object({ status: z.enum(['closed', 'refunded']), retry: z.boolean() });
export const RefundAnswer = z.object({ status: z.literal('refunded') });
export const Notification = z.object({
  id: z.string().min(1),
  eventType: z.literal('TRADE.SUCCESS'),
  tradeNumber: z.string(),
  amountMinor: z.number().int(),
  currency: z.string(),
  merchantId: z.string(),
  providerRef: z.string().nullable(),
  paidAt: Iso,
});
const BillRowAnswer = z.object({
  kind: z.enum(['payment', 'refund']),
  tradeNumber: z.string(),
  providerRef: z.string(),
  time: Iso,
  amountMinor: z.number().int().min(0),
  feeMinor: z.number().int().min(0),
  refundNumber: z.string().nullable(),
});
export const BillAnswer = z.discriminatedUnion('status', [
  z.object({ date: z.string(), status: z.literal('ready'), rows: z.array(BillRowAnswer) }),
  z.object({ date: z.string(), status: z.literal('not_ready') }),
  z.object({ date: z.string(), status: z.literal('none') }),
]);
