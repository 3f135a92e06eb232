// The Demo gateway's daily bills, like Alipay's and WeChat Pay's: one per Beijing (UTC+8) calendar date, ready
// the next morning (readyHour, default 09:00 Beijing), holding the merchant's payments made and refunds done on
// that date, each payment charged a 0.6% fee (rounded half up to the fen, as the wallets charge small shops) and
// each refund returning its share of it. A date with nothing is 'none'. The /sim/bills controls can make a
// bill ready at once and drop or add rows (a trade "missing at the provider" or "missing at the till").
import type { BillAnswerWire, BillRowWire } from './protocol';
import type { TradeRecord } from './store';

export const DEFAULT_BILL_READY_HOUR = 9;
/** 0.6% in per-mille tenths: fee = amount × 6 / 1000, half up. */
export function demoFee(amountMinor: number): number {
  return Math.floor((amountMinor * 6 + 500) / 1000);
}

/** Test edits of one date's bill (for every merchant). */
export interface BillEdit {
  /** Ready now, whatever the hour. */
  ready: boolean;
  /** Trade numbers (their payment row) or refund numbers (that refund row) left out. */
  drop: string[];
  add: BillRowWire[];
}

const BEIJING_MS = 8 * 3600_000;

export function beijingDateOf(iso: string): string {
  return new Date(Date.parse(iso) + BEIJING_MS).toISOString().slice(0, 10);
}

/** "2026-12-03T10:11:12+08:00" */
export function beijingTime(iso: string): string {
  return `${new Date(Date.parse(iso) + BEIJING_MS).toISOString().slice(0, 19)}+08:00`;
}

/** When the bill of `date` is published: the next Beijing day at readyHour. */
export function billReadyAt(date: string, readyHour: number): number {
  return Date.parse(`${date}T00:00:00Z`) - BEIJING_MS + 24 * 3600_000 + readyHour * 3600_000;
}

export function buildBill(
  date: string,
  trades: readonly TradeRecord[],
  now: Date,
  readyHour: number,
  edit: BillEdit | undefined,
): BillAnswerWire {
  if (!edit?.ready && now.getTime() < billReadyAt(date, readyHour)) return { date, status: 'not_ready' };
  const rows: BillRowWire[] = [];
  for (const t of trades) {
    if (t.paidAt && beijingDateOf(t.paidAt) === date) {
      const fee = demoFee(t.amountMinor);
      rows.push({
        kind: 'payment',
        tradeNumber: t.tradeNumber,
        providerRef: t.providerRef,
        time: beijingTime(t.paidAt),
        amountMinor: t.amountMinor,
        feeMinor: fee,
        refundNumber: null,
      });
    }
    for (const r of t.refunds) {
      // A reverse of a paid code payment is the wallets' 撤销: not a refund of ours, left out like they do.
      if (r.refundNumber === 'REVERSE' || beijingDateOf(r.at) !== date) continue;
      rows.push({
        kind: 'refund',
        tradeNumber: t.tradeNumber,
        providerRef: t.providerRef,
        time: beijingTime(r.at),
        amountMinor: r.amountMinor,
        feeMinor: Math.floor((demoFee(t.amountMinor) * r.amountMinor * 2 + t.amountMinor) / (2 * t.amountMinor)),
        refundNumber: r.refundNumber,
      });
    }
  }
  const kept = rows.filter((r) => !edit?.drop.includes(r.kind === 'refund' ? (r.refundNumber ?? '') : r.tradeNumber));
  kept.push(...(edit?.add ?? []));
  kept.sort((a, b) => a.time.localeCompare(b.time));
  return kept.length ? { date, status: 'ready', rows: kept } : { date, status: 'none' };
}
