// The figures of a shift report (交班): per method sales, refunds and net, and the cash drawer's expected
// amount against the blind count. Pure arithmetic in integer minor units; the caller loads the rows.
//
// The mistakes owners complain about are the rules here: the opening float is part of expected cash once
// and never a sale; cash sales count amountMinor (what the sale took), never tenderedMinor (what the
// customer handed over); only money that moved counts, and payments still open are listed for the close
// checklist instead of being silently left out.
import type { Currency, PaymentAttention, PaymentMethod } from './domain';
import { isMinor } from './money';
import { isOpen, type PaymentState } from './payment';

/** Notes and coins a drawer holds, in minor units; a blind count by denomination uses only these. */
export const DENOMINATIONS_MINOR: Partial<Record<Currency, readonly number[]>> = {
  CNY: [10000, 5000, 2000, 1000, 500, 100, 50, 10],
};

export interface ShiftPaymentInput {
  id: number;
  orderId?: number;
  /** The order's number as people read it ("#0042"), for the checklist. */
  orderNumber?: string;
  method: PaymentMethod;
  /** 'alipay' / 'wechat' / 'demo' for a wallet; 'bank' or null for a bank QR; null for cash. */
  provider: string | null;
  status: PaymentState;
  amountMinor: number;
  tenderedMinor?: number | null;
  changeMinor?: number | null;
  confirmedByHand?: boolean;
  /** Who confirmed a bank QR by hand (null until staff accounts exist). */
  confirmedBy?: string | null;
  attention?: PaymentAttention | null;
}

export interface ShiftRefundInput {
  id?: number;
  /** How the money went back: 'cash' from the drawer (also a wallet refund paid out in cash), else the method. */
  method: PaymentMethod;
  provider: string | null;
  amountMinor: number;
}

export interface CashMovementInput {
  amountMinor: number;
  direction: 'in' | 'out';
  reason: string;
}

/** The blind count: one total, or notes and coins by denomination (minor units -> how many). */
export type CashCount = { totalMinor: number } | { byDenomination: Record<number, number> };

export interface ShiftInput {
  currency: Currency;
  /** The float counted into the drawer when the shift opened. */
  openingFloatMinor: number;
  payments: readonly ShiftPaymentInput[];
  refunds: readonly ShiftRefundInput[];
  movements: readonly CashMovementInput[];
  /** Null while the cashier has not counted yet (the report then has no difference). */
  counted: CashCount | null;
  /** Overrides the currency's denominations (a currency without a built-in list). */
  denominations?: readonly number[];
}

/** One report row: 'cash', a wallet provider ('alipay', 'wechat', 'demo', ...), or 'bank_qr'. */
export interface MethodFigures {
  key: string;
  salesMinor: number;
  refundsMinor: number;
  netMinor: number;
  salesCount: number;
  refundsCount: number;
}

export interface CashFigures {
  floatMinor: number;
  salesMinor: number;
  refundsMinor: number;
  inMinor: number;
  outMinor: number;
  expectedMinor: number;
  countedMinor: number | null;
  /** counted − expected: negative when cash is missing. */
  differenceMinor: number | null;
}

export interface OpenPaymentItem {
  paymentId: number;
  orderId: number | null;
  orderNumber: string | null;
  method: PaymentMethod;
  provider: string | null;
  status: PaymentState;
  amountMinor: number;
  attention: PaymentAttention | null;
}

export interface ShiftReport {
  currency: Currency;
  /** cash first, then wallets by name, bank QR last; a row appears once it has a sale or a refund (cash always). */
  methods: MethodFigures[];
  totals: Omit<MethodFigures, 'key'>;
  cash: CashFigures;
  bankQrConfirmedByHand: { paymentId: number; amountMinor: number; confirmedBy: string | null }[];
  /** Payments the close checklist must show: still open at the provider, or on the attention list. */
  stillOpen: OpenPaymentItem[];
  /** Attempts that ended without money (failed, expired, cancelled): listed, not counted. */
  unpaid: OpenPaymentItem[];
}

// The money moved: refunded payments still were sales (their refunds are counted as refunds).
const MONEY_MOVED: readonly PaymentState[] = ['paid', 'partially_refunded', 'refunded'];

function minor(what: string, n: unknown): number {
  if (!isMinor(n)) throw new Error(`${what} must be a whole, non-negative amount in minor units, got ${String(n)}`);
  return n;
}

/** The row a payment or refund belongs to: wallets by provider, so Alipay QR and Alipay code add up. */
function rowKey(method: PaymentMethod, provider: string | null, what: string): string {
  if (method === 'cash') return 'cash';
  if (method === 'bank_qr') return 'bank_qr';
  if (!provider) throw new Error(`${what}: a ${method} payment needs its provider`);
  if (provider === 'cash' || provider === 'bank_qr') throw new Error(`${what}: provider ${provider} is not a wallet`);
  return provider;
}

/** The order reports list methods in: cash first, wallets by key, bank QR last. */
export function methodKeyOrder(a: string, b: string): number {
  const rank = (k: string) => (k === 'cash' ? 0 : k === 'bank_qr' ? 2 : 1);
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Sums a blind count exactly; refuses a note or coin the currency does not have. */
export function countedCashMinor(count: CashCount, currency: Currency, denominations?: readonly number[]): number {
  if ('totalMinor' in count) return minor('counted cash', count.totalMinor);
  const allowed = denominations ?? DENOMINATIONS_MINOR[currency];
  if (!allowed) throw new Error(`no denominations known for ${currency}: count one total instead`);
  let total = 0;
  for (const [key, n] of Object.entries(count.byDenomination)) {
    const denom = Number(key);
    if (!allowed.includes(denom)) {
      throw new Error(`${key} is not a ${currency} denomination (allowed: ${allowed.join(', ')} minor units)`);
    }
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`count of ${key} must be a whole number ≥ 0, got ${n}`);
    total += denom * n;
    if (!isMinor(total)) throw new Error('counted cash is too large');
  }
  return total;
}

/** Everything the shift report prints; throws on input that would make the figures lie. */
export function shiftFigures(input: ShiftInput): ShiftReport {
  const floatMinor = minor('opening float', input.openingFloatMinor);
  const rows = new Map<string, MethodFigures>();
  const row = (key: string): MethodFigures => {
    let r = rows.get(key);
    if (!r) {
      r = { key, salesMinor: 0, refundsMinor: 0, netMinor: 0, salesCount: 0, refundsCount: 0 };
      rows.set(key, r);
    }
    return r;
  };
  row('cash');

  const seen = new Set<number>();
  const stillOpen: OpenPaymentItem[] = [];
  const unpaid: OpenPaymentItem[] = [];
  const byHand: ShiftReport['bankQrConfirmedByHand'] = [];

  for (const p of input.payments) {
    const what = `payment ${p.id}`;
    if (seen.has(p.id)) throw new Error(`${what} is listed twice`);
    seen.add(p.id);
    const amount = minor(`${what} amount`, p.amountMinor);
    const key = rowKey(p.method, p.provider, what);
    const item: OpenPaymentItem = {
      paymentId: p.id,
      orderId: p.orderId ?? null,
      orderNumber: p.orderNumber ?? null,
      method: p.method,
      provider: p.provider,
      status: p.status,
      amountMinor: amount,
      attention: p.attention ?? null,
    };
    // A late payment is paid but not yet applied by the cashier: on the checklist whatever its status.
    if (isOpen(p.status) || p.attention) stillOpen.push(item);
    if (!MONEY_MOVED.includes(p.status)) {
      if (!isOpen(p.status)) unpaid.push(item);
      continue;
    }
    if (p.method === 'cash' && p.tenderedMinor != null) {
      // What the customer handed over minus the change is what stays in the drawer: it must be the amount.
      const tendered = minor(`${what} tendered`, p.tenderedMinor);
      const change = minor(`${what} change`, p.changeMinor ?? 0);
      if (tendered - change !== amount) {
        throw new Error(`${what}: tendered ${tendered} − change ${change} is not the amount ${amount}`);
      }
    }
    const r = row(key);
    r.salesMinor += amount;
    r.salesCount++;
    if (p.method === 'bank_qr' && p.confirmedByHand) {
      byHand.push({ paymentId: p.id, amountMinor: amount, confirmedBy: p.confirmedBy ?? null });
    }
  }

  for (const [i, f] of input.refunds.entries()) {
    const what = `refund ${f.id ?? `#${i + 1}`}`;
    const r = row(rowKey(f.method, f.provider, what));
    r.refundsMinor += minor(`${what} amount`, f.amountMinor);
    r.refundsCount++;
  }

  let inMinor = 0;
  let outMinor = 0;
  for (const [i, m] of input.movements.entries()) {
    const what = `cash ${String(m.direction)} #${i + 1}`;
    const amount = minor(`${what} amount`, m.amountMinor);
    if (amount === 0) throw new Error(`${what}: amount must be more than 0`);
    if (!m.reason?.trim()) throw new Error(`${what} needs a reason`);
    if (m.direction === 'in') inMinor += amount;
    else if (m.direction === 'out') outMinor += amount;
    else throw new Error(`${what}: direction must be 'in' or 'out'`);
  }

  for (const r of rows.values()) r.netMinor = r.salesMinor - r.refundsMinor;
  const cashRow = row('cash');
  const expectedMinor = floatMinor + cashRow.salesMinor - cashRow.refundsMinor + inMinor - outMinor;
  const countedMinor = input.counted ? countedCashMinor(input.counted, input.currency, input.denominations) : null;

  const methods = [...rows.values()].sort((a, b) => methodKeyOrder(a.key, b.key));
  const totals = { salesMinor: 0, refundsMinor: 0, netMinor: 0, salesCount: 0, refundsCount: 0 };
  for (const r of methods) {
    totals.salesMinor += r.salesMinor;
    totals.refundsMinor += r.refundsMinor;
    totals.netMinor += r.netMinor;
    totals.salesCount += r.salesCount;
    totals.refundsCount += r.refundsCount;
  }

  return {
    currency: input.currency,
    methods,
    totals,
    cash: {
      floatMinor,
      salesMinor: cashRow.salesMinor,
      refundsMinor: cashRow.refundsMinor,
      inMinor,
      outMinor,
      expectedMinor,
      countedMinor,
      differenceMinor: countedMinor === null ? null : countedMinor - expectedMinor,
    },
    bankQrConfirmedByHand: byHand,
    stillOpen,
    unpaid,
  };
}
