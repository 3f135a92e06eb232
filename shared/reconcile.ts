// Reconciliation with the providers' daily bills (issue #11): what `reconcile.day` answers. A business day's
// wallet payments and refunds at the till against each provider's bills of the Beijing (UTC+8) calendar days
// around it, matched by trade number (payments) and refund number (refunds).
import { z } from 'zod';

/** A calendar date yyyy-mm-dd that exists (2026-02-30 does not). */
const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((d) => {
    const t = Date.parse(`${d}T00:00:00Z`);
    return !Number.isNaN(t) && new Date(t).toISOString().startsWith(d);
  }, 'must be a date yyyy-mm-dd');

export const ReconcileDayInput = z.object({ day: Day }).strict();

/**
 * A bill's state for one provider and Beijing date. ready: fetched, final. not_ready: the provider publishes it
 * the next morning (fetched again). none: the provider says there is no bill (no trades). error: the fetch
 * failed (fetched again). unsupported: this provider cannot download bills.
 */
export const BillState = z.enum(['ready', 'not_ready', 'none', 'error', 'unsupported']);
export type BillState = z.infer<typeof BillState>;

/**
 * matched: both sides agree. missing_at_provider: the till took money the bill does not have. missing_at_till: the
 * bill has money for one of our trade numbers the till does not count (or counts as failed). amount_differs: both
 * have it, with other amounts. other_source: a trade number not of this install (another till, the shop's own
 * app). pending: the till still waits for the provider's answer. awaiting_bill: not in any bill yet, and a bill
 * that could hold it is not ready (or could not be fetched).
 */
export const ReconcileState = z.enum([
  'matched',
  'missing_at_provider',
  'missing_at_till',
  'amount_differs',
  'other_source',
  'pending',
  'awaiting_bill',
]);
export type ReconcileState = z.infer<typeof ReconcileState>;

export const ReconcileItem = z.object({
  kind: z.enum(['payment', 'refund']),
  state: ReconcileState,
  tradeNumber: z.string(),
  refundNumber: z.string().nullable(),
  /** The till's side (null: the till has nothing for it). */
  tillAmountMinor: z.number().int().nullable(),
  /** The bill's side (null: no bill row). Refunds: the amount refunded. */
  billAmountMinor: z.number().int().nullable(),
  feeMinor: z.number().int(),
  /** When the money moved: the bill's time (+08:00) or the till's. */
  at: z.string(),
  /** The Beijing date of the bill holding it (null: none). */
  billDate: z.string().nullable(),
  providerRef: z.string().nullable(),
  orderId: z.number().int().nullable(),
  orderNumber: z.string().nullable(),
  paymentId: z.number().int().nullable(),
  /** The journal entries of that payment (or refund): ids in the journal table. */
  journalIds: z.array(z.number().int()),
});
export type ReconcileItem = z.infer<typeof ReconcileItem>;

export const ReconcileBill = z.object({
  date: z.string(),
  state: BillState,
  /** Why, for 'error'. */
  message: z.string().nullable(),
  fetchedAt: z.string().nullable(),
  rows: z.number().int(),
});
export type ReconcileBill = z.infer<typeof ReconcileBill>;

export const StateCount = z.object({ count: z.number().int(), amountMinor: z.number().int() });

export const ReconcileProvider = z.object({
  provider: z.string(),
  /** 'unsupported' when the provider cannot download bills; else the worst of its bills' states. */
  bills: z.array(ReconcileBill),
  counts: z.record(ReconcileState, StateCount),
  /** The day's fees at the provider (charged on payments, less those returned with refunds). */
  feesMinor: z.number().int(),
  /** What the provider settles for the day's bill rows: payments − refunds − fees. */
  netSettledMinor: z.number().int(),
  /** Everything but 'matched' (matched rows are counted, not listed). */
  items: z.array(ReconcileItem),
});
export type ReconcileProvider = z.infer<typeof ReconcileProvider>;

export const ReconcileDay = z.object({
  day: z.string(),
  fromIso: z.string(),
  toIso: z.string(),
  /** The Beijing dates whose bills were read. */
  billDates: z.array(z.string()),
  providers: z.array(ReconcileProvider),
  /** True while a bill that matters is not final (not ready or failed): the till fetches it again. */
  waiting: z.boolean(),
});
export type ReconcileDay = z.infer<typeof ReconcileDay>;

export const RECONCILE_STATES = ReconcileState.options;
