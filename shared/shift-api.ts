// The shift (交班) API's shapes: opening with a counted float, cash in/out, the close checklist, the blind close
// and the frozen report. Pure: no Node, no DOM. The figures themselves are computed by shared/shift.ts.
import { z } from 'zod';
import { Currency, Id, Minor, PaymentAttention, PaymentMethod, PaymentStatus } from './domain';
import type { CashCount } from './shift';

/**
 * Cash counted into or out of the drawer: one total, or notes and coins by denomination (never both). A list of
 * {denominationMinor, count} rather than a map, so each entry is checked like any other field.
 */
export const CashCountInput = z
  .object({
    totalMinor: Minor.optional(),
    byDenomination: z
      .array(z.object({ denominationMinor: Id, count: z.number().int().min(0).max(100_000) }).strict())
      .max(30)
      .optional(),
  })
  .strict();
export type CashCountInput = z.infer<typeof CashCountInput>;

/** The count as shared/shift.ts takes it; null when it has neither or both forms. */
export function toCashCount(input: CashCountInput): CashCount | null {
  if ((input.totalMinor === undefined) === (input.byDenomination === undefined)) return null;
  if (input.totalMinor !== undefined) return { totalMinor: input.totalMinor };
  const byDenomination: Record<number, number> = {};
  for (const d of input.byDenomination ?? []) {
    byDenomination[d.denominationMinor] = (byDenomination[d.denominationMinor] ?? 0) + d.count;
  }
  return { byDenomination };
}

export const ShiftPerson = z.object({ id: Id, name: z.string() });
export type ShiftPerson = z.infer<typeof ShiftPerson>;

export const CashMovement = z.object({
  id: z.string(),
  kind: z.enum(['in', 'out']),
  amountMinor: Minor,
  reason: z.string(),
  by: ShiftPerson,
  at: z.string(),
});
export type CashMovement = z.infer<typeof CashMovement>;

/** What is still open at a close: held orders and payments pending or on the attention list. */
export const CarryItem = z.object({
  kind: z.enum(['held', 'payment']),
  orderId: Id.nullable(),
  paymentId: Id.nullable(),
  /** The held order's label, or the payment's order number. */
  label: z.string().nullable(),
  amountMinor: Minor,
  method: PaymentMethod.nullable(),
  provider: z.string().nullable(),
  status: z.string(),
  attention: PaymentAttention.nullable(),
  at: z.string(),
  /** What the closer decided (only on a closed shift's list). */
  decision: z.enum(['keep', 'void']).nullable(),
});
export type CarryItem = z.infer<typeof CarryItem>;

/** A shift as anyone at the till may see it: no expected cash, no sales totals. */
export const ShiftSummary = z.object({
  id: z.string(),
  number: z.string(),
  tillId: z.string(),
  openedBy: ShiftPerson,
  openedAt: z.string(),
  floatMinor: Minor,
  closedBy: ShiftPerson.nullable(),
  closedAt: z.string().nullable(),
  movements: z.array(CashMovement),
});
export type ShiftSummary = z.infer<typeof ShiftSummary>;

const MethodFigures = z.object({
  key: z.string(),
  salesMinor: z.number().int(),
  refundsMinor: z.number().int(),
  netMinor: z.number().int(),
  salesCount: z.number().int(),
  refundsCount: z.number().int(),
});

const OpenPaymentItem = z.object({
  paymentId: z.number().int(),
  orderId: z.number().int().nullable(),
  orderNumber: z.string().nullable(),
  method: PaymentMethod,
  provider: z.string().nullable(),
  status: PaymentStatus,
  amountMinor: z.number().int(),
  attention: PaymentAttention.nullable(),
});

/** shared/shift.ts ShiftReport. */
export const ShiftFigures = z.object({
  currency: Currency,
  methods: z.array(MethodFigures),
  totals: MethodFigures.omit({ key: true }),
  cash: z.object({
    floatMinor: z.number().int(),
    salesMinor: z.number().int(),
    refundsMinor: z.number().int(),
    inMinor: z.number().int(),
    outMinor: z.number().int(),
    expectedMinor: z.number().int(),
    countedMinor: z.number().int().nullable(),
    differenceMinor: z.number().int().nullable(),
  }),
  bankQrConfirmedByHand: z.array(
    z.object({ paymentId: z.number().int(), amountMinor: z.number().int(), confirmedBy: z.string().nullable() }),
  ),
  stillOpen: z.array(OpenPaymentItem),
  unpaid: z.array(OpenPaymentItem),
});

/** The current shift of this till; `figures` (expected cash, sales) only for a role that may see reports. */
export const ShiftCurrent = z.object({
  shift: ShiftSummary.nullable(),
  /** What the last closed shift of this till carried over, for the next opener. */
  carriedOver: z.array(CarryItem),
  figures: ShiftFigures.nullable(),
});
export type ShiftCurrent = z.infer<typeof ShiftCurrent>;

/** Whether the report's page was queued for the printer; a problem leaves the report kept and viewable. */
export const ShiftPrint = z.object({
  jobId: Id.nullable(),
  problem: z.enum(['NO_PRINTER', 'PRINTER_NOT_BUILT']).nullable(),
});

/** A closed shift's frozen report. */
export const ShiftReportView = z.object({
  shift: ShiftSummary,
  figures: ShiftFigures,
  count: CashCountInput,
  carriedOver: z.array(CarryItem),
  print: ShiftPrint.nullable(),
});
export type ShiftReportView = z.infer<typeof ShiftReportView>;

export const ShiftListItem = ShiftSummary.extend({
  expectedMinor: z.number().int().nullable(),
  countedMinor: z.number().int().nullable(),
  differenceMinor: z.number().int().nullable(),
});
export type ShiftListItem = z.infer<typeof ShiftListItem>;

const ShiftId = z.string().trim().min(1).max(64);

export const ShiftHeldDecision = z.object({ orderId: Id, action: z.enum(['keep', 'void']) }).strict();
export const ShiftPaymentDecision = z.object({ paymentId: Id, action: z.enum(['keep']) }).strict();

/** The shift API, spread into shared/api.ts. */
export const shiftMethods = {
  open: { input: z.object({ count: CashCountInput }).strict(), output: ShiftCurrent },
  current: { input: z.object({}).strict(), output: ShiftCurrent },
  cashMove: {
    input: z
      .object({
        kind: z.enum(['in', 'out']),
        amountMinor: Minor.min(1),
        reason: z.string().trim().min(1).max(80),
      })
      .strict(),
    output: ShiftCurrent,
  },
  checklist: { input: z.object({}).strict(), output: z.array(CarryItem) },
  close: {
    input: z
      .object({
        count: CashCountInput,
        held: z.array(ShiftHeldDecision).max(500).default([]),
        payments: z.array(ShiftPaymentDecision).max(500).default([]),
        approvalId: z.string().trim().min(1).max(64).optional(),
      })
      .strict(),
    output: ShiftReportView,
  },
  report: { input: z.object({ shiftId: ShiftId }).strict(), output: ShiftReportView },
  print: { input: z.object({ shiftId: ShiftId }).strict(), output: ShiftPrint },
  list: {
    input: z.object({ limit: z.number().int().min(1).max(200).default(30) }).strict(),
    output: z.array(ShiftListItem),
  },
} as const;

/** What the shift module journals ('shift.<event>'). */
export type ShiftJournalEvent = 'opened' | 'cashMoved' | 'closed' | 'printed';
