// What the owners' reports API answers (/reports): a business day or a range of them, with the same figures a
// Z report has for the same days, plus the breakdowns an owner looks at on a phone (per product, category,
// cashier and hour, a 30-day trend). Money in integer minor units; days are business days ("2026-12-04").
import { z } from 'zod';
import { Currency, Order } from './domain';
import { ZMethod, ZTaxRate } from './zreport-view';

const Int = z.number().int();
export const ReportDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as yyyy-mm-dd');

/** The longest range one report covers (a leap year and a day to spare). */
export const MAX_REPORT_DAYS = 367;

const rangeFields = { fromDay: ReportDay, toDay: ReportDay };
const inOrder = (r: { fromDay: string; toDay: string }) => r.fromDay <= r.toDay;
const inOrderMessage = { message: 'fromDay must not be after toDay', path: ['toDay'] };

export const ReportRange = z.object(rangeFields).strict().refine(inOrder, inOrderMessage);
/** The printable report: a range, in the language the owner reads (default: the till's). */
export const PrintableReportInput = z
  .object({ ...rangeFields, language: z.enum(['zh-CN', 'en']).optional() })
  .strict()
  .refine(inOrder, inOrderMessage);
export type ReportRange = z.infer<typeof ReportRange>;

export const ReportTotals = z.object({
  /** Completed orders. */
  orderCount: Int,
  /** Before any discount. */
  grossMinor: Int,
  /** Line discounts and order-discount shares. */
  discountsMinor: Int,
  /** gross − discounts. */
  salesMinor: Int,
  refundsMinor: Int,
  /** sales − refunds. */
  netMinor: Int,
  /** sales ÷ orders, rounded half up; 0 without orders. */
  averageTicketMinor: Int,
  /** Money received over every method (cash net of change). */
  receivedMinor: Int,
  voids: Int,
  noSaleOpenings: Int,
  priceOverrides: Int,
});
export type ReportTotals = z.infer<typeof ReportTotals>;

/** Tax per rate and money per method: the Z's own shapes (a report equals the Zs of its days). */
export const ReportTaxRate = ZTaxRate;
export const ReportMethod = ZMethod;

export const ReportProduct = z.object({
  /** null: a line whose product was deleted since (its name is the line's snapshot). */
  productId: Int.nullable(),
  barcode: z.string(),
  name: z.string(),
  nameEn: z.string(),
  category: z.string(),
  /** Pieces sold; a sold-by-weight line counts 1 piece. */
  quantity: Int,
  /** Grams sold of a sold-by-weight product, else 0. */
  weightG: Int,
  /** After discounts (what the lines came to). */
  salesMinor: Int,
  orderCount: Int,
});
export type ReportProduct = z.infer<typeof ReportProduct>;

export const ReportCategory = z.object({ category: z.string(), quantity: Int, salesMinor: Int });

export const ReportCashier = z.object({
  /** null: orders rung up before staff existed. */
  staffId: Int.nullable(),
  name: z.string(),
  orderCount: Int,
  salesMinor: Int,
  voids: Int,
});

/** Local hour of the till (0-23) of the order's completion. */
export const ReportHour = z.object({ hour: Int, orderCount: Int, salesMinor: Int });

export const ReportTrendDay = z.object({ day: ReportDay, orderCount: Int, salesMinor: Int, netMinor: Int });

export const Report = z.object({
  fromDay: ReportDay,
  toDay: ReportDay,
  /** The instants covered, [fromAt, toAt): a day with a Z covers exactly its Z's span, so the figures equal it. */
  fromAt: z.string(),
  toAt: z.string(),
  currency: Currency,
  totals: ReportTotals,
  taxByRate: z.array(ReportTaxRate),
  methods: z.array(ReportMethod),
  /** Every product sold in the range, best-selling (by sales) first. */
  products: z.array(ReportProduct),
  categories: z.array(ReportCategory),
  cashiers: z.array(ReportCashier),
  /** 24 entries, hour 0 to 23. */
  hours: z.array(ReportHour),
  /** The 30 business days ending with toDay, oldest first. */
  trend: z.array(ReportTrendDay),
  /** The Zs made for days of the range (the report equals them). */
  zReports: z.array(z.object({ id: z.string(), number: Int, businessDay: ReportDay })),
  /** Days of the range still open (no Z yet): their figures can still change. */
  openDays: z.array(ReportDay),
});
export type Report = z.infer<typeof Report>;

/** The printable report: a whole HTML page (inline SVG charts drawn on the server), to print or save as PDF. */
export const PrintableReport = z.object({ html: z.string(), filename: z.string() });
export type PrintableReport = z.infer<typeof PrintableReport>;

/** One journal entry as the owner reads it: who, when, what (the kind), and its data without the names. */
export const TrailEntry = z.object({
  id: Int,
  at: z.string(),
  kind: z.string(),
  orderId: Int.nullable(),
  paymentId: Int.nullable(),
  by: z.string().nullable(),
  approvedBy: z.string().nullable(),
  /** The entry's data as compact JSON, names and approval ids left out (they are above). */
  detail: z.string(),
});
export type TrailEntry = z.infer<typeof TrailEntry>;

/** What a mismatch or an alert links to: its order (lines, payments) and the journal entries behind it. */
export const JournalTrail = z.object({ order: Order.nullable(), entries: z.array(TrailEntry) });
export type JournalTrail = z.infer<typeof JournalTrail>;
