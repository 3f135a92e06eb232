// The figures of a Z report (日结): the day's sales, discounts, refunds and net, tax per rate, money per
// method, and a grand total carried from Z to Z. Pure arithmetic in integer minor units; the caller loads
// the day's rows (every till, every shift) and freezes what this returns.
import type { Currency, OrderStatus } from './domain';
import { isMinor } from './money';
import { type MethodFigures, type ShiftPaymentInput, type ShiftRefundInput, shiftFigures } from './shift';

/** A Z's number: one more than the last, 1 for the first; never repeats or skips. */
export function nextZNumber(previous: number | null): number {
  if (previous === null) return 1;
  if (!Number.isSafeInteger(previous) || previous < 1) {
    throw new Error(`previous Z number must be a whole number ≥ 1, got ${previous}`);
  }
  return previous + 1;
}

export interface ZLineInput {
  grossMinor: number;
  lineDiscountMinor: number;
  orderDiscountShareMinor: number;
  totalMinor: number;
  taxMinor: number;
  taxRateBp: number;
}

export interface ZOrderInput {
  number: string;
  /** Completed orders are sales; voided ones are counted as voids only. */
  status: Extract<OrderStatus, 'completed' | 'voided'>;
  lines: readonly ZLineInput[];
}

/** A refunded line's share, for tax per rate: what went back and the tax included in it. */
export interface ZRefundLineInput {
  taxRateBp: number;
  amountMinor: number;
  taxMinor: number;
}

export interface ZInput {
  currency: Currency;
  /** The previous Z's grand total; 0 before the first Z. */
  previousGrandTotalMinor: number;
  /** The day's orders, in number order. */
  orders: readonly ZOrderInput[];
  /** Each shift's (or till's) payments and refunds; summed here, and a payment in two of them is refused. */
  shifts: readonly { payments: readonly ShiftPaymentInput[]; refunds: readonly ShiftRefundInput[] }[];
  /**
   * The completed orders' lines already summed (by the database, e.g. per tax rate), counted with the orders'
   * own lines: a Z over many orders need not load each line. Each sum must add up as a line does.
   */
  lineSums?: readonly ZLineInput[];
  /** Lines of the day's refunds, when known, so tax per rate is net of refunds. */
  refundLines?: readonly ZRefundLineInput[];
  noSaleOpenings: number;
  priceOverrides: number;
}

export interface ZTaxRate {
  taxRateBp: number;
  salesMinor: number;
  taxMinor: number;
  refundedMinor: number;
  refundedTaxMinor: number;
  netTaxMinor: number;
}

export interface ZFigures {
  currency: Currency;
  firstOrderNumber: string | null;
  lastOrderNumber: string | null;
  orderCount: number;
  /** Before any discount. */
  grossMinor: number;
  /** Line discounts and order-discount shares together. */
  discountsMinor: number;
  /** gross − discounts: what the completed orders came to. */
  salesMinor: number;
  refundsMinor: number;
  /** sales − refunds; negative on a day of more refunds than sales. */
  netMinor: number;
  taxByRate: ZTaxRate[];
  /** Per method received, refunded, net (cash net of change), as on the shift report. */
  methods: { key: string; receivedMinor: number; refundedMinor: number; netMinor: number; count: number }[];
  receivedMinor: number;
  voids: number;
  noSaleOpenings: number;
  priceOverrides: number;
  bankQrConfirmedByHand: { paymentId: number; amountMinor: number; confirmedBy: string | null }[];
  stillOpen: ReturnType<typeof shiftFigures>['stillOpen'];
  previousGrandTotalMinor: number;
  /** previous grand total + this day's net: it never resets (not at a new year, not at a new till). */
  grandTotalMinor: number;
}

function minor(what: string, n: unknown): number {
  if (!isMinor(n)) throw new Error(`${what} must be a whole, non-negative amount in minor units, got ${String(n)}`);
  return n;
}

function count(what: string, n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${what} must be a whole number ≥ 0, got ${n}`);
  return n;
}

function rate(what: string, bp: number): number {
  if (!Number.isInteger(bp) || bp < 0 || bp > 10_000) throw new Error(`${what} tax rate must be 0-10000 bp, got ${bp}`);
  return bp;
}

/** The day's figures for a Z; throws on lines whose parts do not add up, so a frozen Z never lies. */
export function zFigures(input: ZInput): ZFigures {
  if (!Number.isSafeInteger(input.previousGrandTotalMinor)) {
    throw new Error(`previous grand total must be a whole amount in minor units, got ${input.previousGrandTotalMinor}`);
  }
  let grossMinor = 0;
  let discountsMinor = 0;
  let salesMinor = 0;
  let voids = 0;
  let orderCount = 0;
  const taxes = new Map<number, ZTaxRate>();
  const tax = (bp: number): ZTaxRate => {
    let t = taxes.get(bp);
    if (!t) {
      t = { taxRateBp: bp, salesMinor: 0, taxMinor: 0, refundedMinor: 0, refundedTaxMinor: 0, netTaxMinor: 0 };
      taxes.set(bp, t);
    }
    return t;
  };

  const addLine = (what: string, l: ZLineInput) => {
    const gross = minor(`${what} gross`, l.grossMinor);
    const disc = minor(`${what} discount`, l.lineDiscountMinor) + minor(`${what} share`, l.orderDiscountShareMinor);
    const total = minor(`${what} total`, l.totalMinor);
    if (gross - disc !== total)
      throw new Error(`${what}: gross ${gross} − discounts ${disc} is not its total ${total}`);
    grossMinor += gross;
    discountsMinor += disc;
    salesMinor += total;
    const t = tax(rate(what, l.taxRateBp));
    t.salesMinor += total;
    t.taxMinor += minor(`${what} tax`, l.taxMinor);
  };

  for (const o of input.orders) {
    if (o.status === 'voided') {
      voids++;
      continue;
    }
    if (o.status !== 'completed') throw new Error(`order ${o.number}: only completed or voided orders belong in a Z`);
    orderCount++;
    for (const [i, l] of o.lines.entries()) addLine(`order ${o.number} line ${i + 1}`, l);
  }

  for (const [i, l] of (input.lineSums ?? []).entries()) addLine(`line sum ${i + 1}`, l);

  for (const [i, r] of (input.refundLines ?? []).entries()) {
    const t = tax(rate(`refund line ${i + 1}`, r.taxRateBp));
    t.refundedMinor += minor(`refund line ${i + 1} amount`, r.amountMinor);
    t.refundedTaxMinor += minor(`refund line ${i + 1} tax`, r.taxMinor);
  }
  for (const t of taxes.values()) t.netTaxMinor = t.taxMinor - t.refundedTaxMinor;

  // One pass over every shift's rows together: the same payment in two shifts (a second close re-adding
  // the first) is refused there instead of being counted twice.
  const money = shiftFigures({
    currency: input.currency,
    openingFloatMinor: 0,
    payments: input.shifts.flatMap((s) => s.payments),
    refunds: input.shifts.flatMap((s) => s.refunds),
    movements: [],
    counted: null,
  });
  const methods = money.methods
    .filter((m: MethodFigures) => m.salesCount > 0 || m.refundsCount > 0)
    .map((m) => ({
      key: m.key,
      receivedMinor: m.salesMinor,
      refundedMinor: m.refundsMinor,
      netMinor: m.netMinor,
      count: m.salesCount,
    }));
  const refundsMinor = money.totals.refundsMinor;
  const netMinor = salesMinor - refundsMinor;

  return {
    currency: input.currency,
    firstOrderNumber: input.orders[0]?.number ?? null,
    lastOrderNumber: input.orders.at(-1)?.number ?? null,
    orderCount,
    grossMinor,
    discountsMinor,
    salesMinor,
    refundsMinor,
    netMinor,
    taxByRate: [...taxes.values()].sort((a, b) => a.taxRateBp - b.taxRateBp),
    methods,
    receivedMinor: money.totals.salesMinor,
    voids,
    noSaleOpenings: count('no-sale openings', input.noSaleOpenings),
    priceOverrides: count('price overrides', input.priceOverrides),
    bankQrConfirmedByHand: money.bankQrConfirmedByHand,
    stillOpen: money.stillOpen,
    previousGrandTotalMinor: input.previousGrandTotalMinor,
    grandTotalMinor: input.previousGrandTotalMinor + netMinor,
  };
}
