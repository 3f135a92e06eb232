// What the Z report API answers: the checklist before a Z, a Z with its frozen figures, and the list of past Zs.
import { z } from 'zod';
import { Currency, PaymentMethod } from './domain';
import { PaymentState } from './payment';

const Int = z.number().int();
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const Person = z.object({ id: Int, name: z.string() });
/** A record id (UUIDv7) or an approval id (UUID). */
export const Uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);

export const ZDecision = z
  .object({ kind: z.enum(['held', 'payment']), id: z.number().int().positive(), action: z.enum(['keep', 'void']) })
  .strict();
export type ZDecision = z.infer<typeof ZDecision>;

export const ZHeldItem = z.object({
  orderId: Int,
  label: z.string().nullable(),
  heldAt: z.string().nullable(),
  totalMinor: Int,
  itemCount: Int,
});
export const ZOpenPayment = z.object({
  paymentId: Int,
  orderId: Int,
  orderNumber: z.string(),
  method: PaymentMethod,
  provider: z.string().nullable(),
  status: PaymentState,
  amountMinor: Int,
  attention: z.string().nullable(),
});

export const ZChecklist = z.object({
  /** The day a Z made now would close. */
  businessDay: Day,
  /** A day after the last Z with activity and no Z: its Z comes first. */
  missedDay: Day.nullable(),
  lastZ: z.object({ id: z.string(), number: Int, businessDay: Day, madeAt: z.string() }).nullable(),
  held: z.array(ZHeldItem),
  payments: z.array(ZOpenPayment),
});
export type ZChecklist = z.infer<typeof ZChecklist>;

/** Money that moved in this Z for an order of another business day (a late payment, a later refund). */
export const ZOtherDayItem = z.object({
  kind: z.enum(['payment', 'refund']),
  id: Int,
  orderNumber: z.string(),
  orderBusinessDay: z.string().nullable(),
  key: z.string(),
  amountMinor: Int,
});
export type ZOtherDayItem = z.infer<typeof ZOtherDayItem>;

/** Tax per rate: sales and the tax in them, the refunded part and its tax, the net tax. */
export const ZTaxRate = z.object({
  taxRateBp: Int,
  salesMinor: Int,
  taxMinor: Int,
  refundedMinor: Int,
  refundedTaxMinor: Int,
  netTaxMinor: Int,
});

/** Per payment method: key 'cash', 'bank_qr', or the wallet's provider ('alipay', 'demo', ...). */
export const ZMethod = z.object({
  key: z.string(),
  receivedMinor: Int,
  refundedMinor: Int,
  netMinor: Int,
  count: Int,
});

export const ZReportFigures = z.object({
  number: Int,
  businessDay: Day,
  fromAt: z.string(),
  toAt: z.string(),
  currency: Currency,
  firstOrderNumber: z.string().nullable(),
  lastOrderNumber: z.string().nullable(),
  orderCount: Int,
  grossMinor: Int,
  discountsMinor: Int,
  salesMinor: Int,
  refundsMinor: Int,
  netMinor: Int,
  taxByRate: z.array(ZTaxRate),
  methods: z.array(ZMethod),
  receivedMinor: Int,
  voids: Int,
  noSaleOpenings: Int,
  priceOverrides: Int,
  bankQrConfirmedByHand: z.array(z.object({ paymentId: Int, amountMinor: Int, confirmedBy: z.string().nullable() })),
  previousGrandTotalMinor: Int,
  grandTotalMinor: Int,
  otherDays: z.array(ZOtherDayItem),
  latePayments: z.array(
    z.object({ paymentId: Int, orderNumber: z.string(), amountMinor: Int, attention: z.string().nullable() }),
  ),
  paidTwice: z.array(z.object({ paymentId: Int, orderNumber: z.string(), amountMinor: Int })),
  carryOvers: z.object({ held: z.array(ZHeldItem), payments: z.array(ZOpenPayment) }),
  decisions: z.array(
    z.object({ kind: z.enum(['held', 'payment']), id: Int, action: z.enum(['keep', 'void']), label: z.string() }),
  ),
});
export type ZReportFigures = z.infer<typeof ZReportFigures>;

export const ZSummary = z.object({
  id: z.string(),
  tillId: z.string(),
  number: Int,
  businessDay: Day,
  madeAt: z.string(),
  madeBy: Person.nullable(),
  approvedBy: Person.nullable(),
  /** The journal chain head's mac when the Z was made; its first 16 hex digits are printed. */
  chainHead: z.string().nullable(),
  grandTotalMinor: Int,
  netMinor: Int,
});
export type ZSummary = z.infer<typeof ZSummary>;

export const ZReport = ZSummary.omit({ netMinor: true }).extend({
  fromAt: z.string(),
  toAt: z.string(),
  figures: ZReportFigures,
});
export type ZReport = z.infer<typeof ZReport>;
