// Reconciliation of a business day's wallet payments and refunds against the providers' daily bills. Pure: the
// caller (electron/till/reconcile.ts) reads the till's side and the stored bills; this matches them.
//
// Provider bills cover Beijing (UTC+8) calendar days while the shop's business day is local time from its start
// hour, so the caller passes the bills of every Beijing date overlapping the day AND the dates either side, and
// the till's wallet payments of the day ± one day: matching is by trade number (payments) and refund number
// (refunds), wherever the row sits. A payment paid at 23:59:59 Beijing and settled in the next day's bill is
// matched, not missing; a row of a neighbouring bill that matches the till's payment of another day belongs to
// that day and is left out; an unmatched row counts for this day only when its time falls inside the day.
import type { BillRow } from './provider';
import type { BillState, ReconcileItem, ReconcileProvider, ReconcileState } from '../../shared/reconcile';
import { RECONCILE_STATES } from '../../shared/reconcile';

/** A wallet payment as the till holds it. `inDay`: its money moved (or, still open, it started) in the day. */
export interface TillPayment {
  paymentId: number;
  orderId: number;
  orderNumber: string | null;
  provider: string;
  tradeNumber: string;
  amountMinor: number;
  /** payments.status */
  status: string;
  /** When the money moved (settled_at, else created_at). */
  at: string;
  inDay: boolean;
}

export interface TillRefund {
  paymentId: number;
  orderId: number;
  orderNumber: string | null;
  provider: string;
  tradeNumber: string;
  refundNumber: string;
  amountMinor: number;
  /** refunds.status: requested | processing | refunded | failed */
  status: string;
  at: string;
  inDay: boolean;
}

export interface ProviderBill {
  date: string;
  state: BillState;
  message: string | null;
  fetchedAt: string | null;
  rows: readonly BillRow[];
}

export interface ReconcileInput {
  /** [fromIso, toIso) of the business day. */
  fromIso: string;
  toIso: string;
  /** settings 'till.installId': our trade numbers carry its first characters. */
  installId: string;
  payments: readonly TillPayment[];
  refunds: readonly TillRefund[];
  /** Per provider: its bills of the Beijing dates around the day ('unsupported' when it has no bills). */
  bills: ReadonlyMap<string, readonly ProviderBill[]>;
}

/** Payment statuses for which money moved. */
const MONEY_MOVED = new Set(['paid', 'partially_refunded', 'refunded']);
/** Still waiting on the provider. */
const OPEN = new Set(['created', 'pending', 'unknown', 'closing']);

const TRADE_NUMBER = /^[0-9A-Za-z]{1,8}_\d{8}_\d{6,}_([0-9A-Za-z]+)$/;

/**
 * Is this trade number one this install makes (terminal_yyyymmdd_sequence_<install><random>, see
 * trade-numbers.ts)? The last part starts with the install id's first (up to 4) characters, then up to 6 random.
 */
export function isOurTradeNumber(tradeNumber: string, installId: string): boolean {
  const m = TRADE_NUMBER.exec(tradeNumber);
  const install = installId.replace(/[^0-9A-Za-z]/g, '');
  if (!m || !install) return false;
  const tail = m[1];
  // A long till id leaves less room: the install part may be shorter than 4 (at least 1), random up to 6.
  const prefix = Math.min(4, install.length, Math.max(1, tail.length - 6));
  return tail.startsWith(install.slice(0, prefix));
}

/** The Beijing calendar date (yyyy-mm-dd) of an instant. */
export function beijingDate(atMs: number): string {
  return new Date(atMs + 8 * 3600_000).toISOString().slice(0, 10);
}

/** Beijing dates to read for [fromIso, toIso): those it overlaps and one either side. */
export function billDatesFor(fromIso: string, toIso: string): string[] {
  const day = 24 * 3600_000;
  const first = beijingDate(Date.parse(fromIso) - day);
  const last = beijingDate(Date.parse(toIso) - 1 + day);
  const out: string[] = [];
  for (let d = Date.parse(`${first}T00:00:00Z`); ; d += day) {
    const date = new Date(d).toISOString().slice(0, 10);
    out.push(date);
    if (date >= last) return out;
  }
}

/** How close to a Beijing midnight a till's time may be for the bill on the other side to hold it. */
const BOUNDARY_MS = 15 * 60_000;

interface Located {
  row: BillRow;
  date: string;
}

/** Reconciles each provider's bills with the till; one entry per provider, in the order of `bills`. */
export function reconcile(input: ReconcileInput): ReconcileProvider[] {
  const from = Date.parse(input.fromIso);
  const to = Date.parse(input.toIso);
  const inRange = (iso: string) => {
    const t = Date.parse(iso);
    return t >= from && t < to;
  };
  const out: ReconcileProvider[] = [];
  for (const [provider, bills] of input.bills) {
    const items: ReconcileItem[] = [];
    const counted: { state: ReconcileState; amount: number }[] = [];
    let fees = 0;
    let net = 0;
    const stateOf = new Map(bills.map((b) => [b.date, b.state] as const));
    /**
     * Could a bill that is not final still hold a row of this instant? Its Beijing date's, and within
     * BOUNDARY_MS of midnight the other side's too (the wallet's time and the till's differ a little: a trade
     * paid at 23:59:59 may be settled at the till just after midnight, or land in the next day's bill).
     */
    const awaiting = (iso: string) => {
      const t = Date.parse(iso);
      const dates = new Set([t - BOUNDARY_MS, t, t + BOUNDARY_MS].map(beijingDate));
      return [...dates].some((d) => {
        const s = stateOf.get(d);
        return s === undefined || s === 'not_ready' || s === 'error' || s === 'unsupported';
      });
    };
    const paidRows = new Map<string, Located>();
    const refundRows = new Map<string, Located>();
    for (const bill of bills) {
      if (bill.state !== 'ready') continue;
      for (const row of bill.rows) {
        if (row.status === 'paid' && !paidRows.has(row.tradeNumber))
          paidRows.set(row.tradeNumber, { row, date: bill.date });
        else if (row.status === 'refunded' && row.refundNumber && !refundRows.has(row.refundNumber))
          refundRows.set(row.refundNumber, { row, date: bill.date });
      }
    }
    const usedPaid = new Set<string>();
    const usedRefund = new Set<string>();
    const push = (item: ReconcileItem, amount: number) => {
      counted.push({ state: item.state, amount });
      if (item.state !== 'matched') items.push(item);
    };
    /** Money of a bill row that belongs to this day: fees and net settled. */
    const settle = (row: BillRow) => {
      if (row.status === 'paid') {
        fees += row.feeMinor;
        net += row.amountMinor - row.feeMinor;
      } else if (row.status === 'refunded') {
        fees -= row.feeMinor;
        net -= row.refundMinor - row.feeMinor;
      }
    };

    for (const p of input.payments) {
      if (p.provider !== provider) continue;
      const found = paidRows.get(p.tradeNumber);
      if (found) usedPaid.add(p.tradeNumber);
      if (!p.inDay) continue; // another day's: it only keeps its row out of this day
      const moved = MONEY_MOVED.has(p.status);
      if (!moved && !OPEN.has(p.status) && !found) continue; // failed, expired, cancelled: nothing to check
      if (found) settle(found.row);
      const billAmount = found ? found.row.amountMinor : null;
      let state: ReconcileState;
      if (OPEN.has(p.status)) state = 'pending';
      else if (!moved)
        state = 'missing_at_till'; // the till says failed; the bill says paid
      else if (!found) state = awaiting(p.at) ? 'awaiting_bill' : 'missing_at_provider';
      else state = billAmount === p.amountMinor ? 'matched' : 'amount_differs';
      push(
        {
          kind: 'payment',
          state,
          tradeNumber: p.tradeNumber,
          refundNumber: null,
          tillAmountMinor: moved ? p.amountMinor : null,
          billAmountMinor: billAmount,
          feeMinor: found?.row.feeMinor ?? 0,
          at: found?.row.time ?? p.at,
          billDate: found?.date ?? null,
          providerRef: found?.row.providerRef ?? null,
          orderId: p.orderId,
          orderNumber: p.orderNumber,
          paymentId: p.paymentId,
          journalIds: [],
        },
        state === 'missing_at_till' ? (billAmount ?? 0) : p.amountMinor,
      );
    }

    for (const r of input.refunds) {
      if (r.provider !== provider) continue;
      const found = refundRows.get(r.refundNumber);
      if (found) usedRefund.add(r.refundNumber);
      if (!r.inDay) continue;
      const done = r.status === 'refunded';
      if (!done && r.status === 'failed' && !found) continue;
      if (found) settle(found.row);
      const billAmount = found ? found.row.refundMinor : null;
      let state: ReconcileState;
      if (r.status === 'requested' || r.status === 'processing') state = 'pending';
      else if (!done) state = 'missing_at_till';
      else if (!found) state = awaiting(r.at) ? 'awaiting_bill' : 'missing_at_provider';
      else state = billAmount === r.amountMinor ? 'matched' : 'amount_differs';
      push(
        {
          kind: 'refund',
          state,
          tradeNumber: r.tradeNumber,
          refundNumber: r.refundNumber,
          tillAmountMinor: done ? r.amountMinor : null,
          billAmountMinor: billAmount,
          feeMinor: found?.row.feeMinor ?? 0,
          at: found?.row.time ?? r.at,
          billDate: found?.date ?? null,
          providerRef: found?.row.providerRef ?? null,
          orderId: r.orderId,
          orderNumber: r.orderNumber,
          paymentId: r.paymentId,
          journalIds: [],
        },
        state === 'missing_at_till' ? (billAmount ?? 0) : r.amountMinor,
      );
    }

    // Bill rows the till has nothing for: this day's when their time falls in it.
    const unmatched: Located[] = [
      ...[...paidRows].filter(([no]) => !usedPaid.has(no)).map(([, l]) => l),
      ...[...refundRows].filter(([no]) => !usedRefund.has(no)).map(([, l]) => l),
    ];
    for (const { row, date } of unmatched) {
      if (!inRange(row.time)) continue;
      settle(row);
      const refund = row.status === 'refunded';
      const state: ReconcileState = isOurTradeNumber(row.tradeNumber, input.installId)
        ? 'missing_at_till'
        : 'other_source';
      const amount = refund ? row.refundMinor : row.amountMinor;
      push(
        {
          kind: refund ? 'refund' : 'payment',
          state,
          tradeNumber: row.tradeNumber,
          refundNumber: row.refundNumber,
          tillAmountMinor: null,
          billAmountMinor: amount,
          feeMinor: row.feeMinor,
          at: row.time,
          billDate: date,
          providerRef: row.providerRef,
          orderId: null,
          orderNumber: null,
          paymentId: null,
          journalIds: [],
        },
        amount,
      );
    }

    const counts = Object.fromEntries(RECONCILE_STATES.map((s) => [s, { count: 0, amountMinor: 0 }])) as Record<
      ReconcileState,
      { count: number; amountMinor: number }
    >;
    for (const c of counted) {
      counts[c.state].count += 1;
      counts[c.state].amountMinor += c.amount;
    }
    items.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.tradeNumber.localeCompare(b.tradeNumber));
    out.push({
      provider,
      bills: bills.map((b) => ({
        date: b.date,
        state: b.state,
        message: b.message,
        fetchedAt: b.fetchedAt,
        rows: b.rows.length,
      })),
      counts,
      feesMinor: fees,
      netSettledMinor: net,
      items,
    });
  }
  return out;
}
