// Risk alerts (风险控制 at shop scale): what usually means theft or fraud, found in the journal and shown to the
// owner in /reports (and as a bare count on the lock screen). Each alert names the journal entries behind it.
import { z } from 'zod';

export const ALERT_RULES = [
  'void_after_total',
  'line_removed_after_total',
  'refund_over',
  'refunds_many_in_shift',
  'declined_repeated',
  'no_sale_drawer',
  'price_override',
  'over_limit_attempt',
  'verify_failed',
] as const;
export const AlertRule = z.enum(ALERT_RULES);
export type AlertRule = z.infer<typeof AlertRule>;

export const AlertSeverity = z.enum(['high', 'medium', 'low']);
export type AlertSeverity = z.infer<typeof AlertSeverity>;

const Int = z.number().int();
const Person = z.object({ id: Int, name: z.string() });

export const Alert = z.object({
  /** Stable: the rule and the journal entry that raised it ("refund_over:1234"). */
  id: z.string(),
  rule: AlertRule,
  /** When it happened (the entry that raised it). */
  at: z.string(),
  severity: AlertSeverity,
  /** Who did it, and the owner who approved it; null when the till did it by itself or nobody was recorded. */
  by: Person.nullable(),
  approvedBy: Person.nullable(),
  /** The money concerned (minor units of the shop currency), when there is one. */
  amountMinor: Int.nullable(),
  orderId: Int.nullable(),
  /** As people read it ("T1-0042"); null without an order or before it had a number. */
  orderNumber: z.string().nullable(),
  /** The shift it happened in ("T1-S0003"), when one was open. */
  shiftNumber: z.string().nullable(),
  /** The journal entries behind it, oldest first. */
  journalIds: z.array(Int),
  /** Rule-specific facts the text names. */
  details: z.object({
    /** How many (refunds in the shift, declined payments). */
    count: Int.optional(),
    /** The owner's threshold that was crossed (a refund amount, a per-transaction limit). */
    thresholdMinor: Int.optional(),
    /** declined_repeated: the window the payments fell in. */
    windowMinutes: Int.optional(),
    /** over_limit_attempt: the method ('qr', 'payment_code', 'bank_qr'). */
    method: z.string().optional(),
    /** line_removed_after_total: what the line held (quantity now; 0 when removed). */
    quantity: Int.optional(),
    was: Int.optional(),
    /** price_override: the price before. */
    wasMinor: Int.optional(),
    /** verify_failed: the first problem, in the checker's words. */
    why: z.string().optional(),
  }),
});
export type Alert = z.infer<typeof Alert>;

/** The lock screen's line: a count and when, nothing else (anyone can see a lock screen). */
export const AlertSummary = z.object({ count: Int.min(0), newestAt: z.string().nullable() });
export type AlertSummary = z.infer<typeof AlertSummary>;
