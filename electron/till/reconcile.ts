// Reconciliation with the providers' daily bills (reconcile.day / reconcile.refresh): reads the till's wallet
// payments and refunds of a business day (and of the days either side, see payments/reconcile.ts), fetches the
// bills of the Beijing dates around it that are not final yet, stores them (provider_bills, migration 16) and
// matches. A 'ready' bill is never fetched again; 'not_ready' and 'error' are fetched again when the
// reconciliation is opened and by a timer (startBillTimer) while a closed day's bill is not ready.
import { newRecordId } from '../core/ids';
import type { BillAnswer, BillRow, PaymentProvider } from '../payments/provider';
import {
  beijingDate,
  billDatesFor,
  type ProviderBill,
  reconcile,
  type TillPayment,
  type TillRefund,
} from '../payments/reconcile';
import type { BillState, ReconcileDay } from '../../shared/reconcile';
import { tillBusinessDayRange } from './business-day';
import type { TillContext } from './context';

const DAY_MS = 24 * 3600_000;
/** The timer looks back this far for bills still not ready. */
const TIMER_LOOKBACK_DAYS = 7;
export const BILL_TIMER_MS = 30 * 60_000;

interface StoredBill {
  id: string;
  provider: string;
  bill_date: string;
  state: Exclude<BillState, 'unsupported'>;
  message: string | null;
  rows: string;
  fetched_at: string;
}

interface PaymentRow {
  id: number;
  order_id: number;
  number: string;
  till_id: string;
  provider: string;
  trade_number: string;
  amount_minor: number;
  status: string;
  at: string;
}

interface RefundRow {
  payment_id: number;
  order_id: number;
  number: string;
  till_id: string;
  provider: string;
  trade_number: string;
  refund_number: string;
  amount_minor: number;
  status: string;
  updated_at: string;
}

const WALLET = "p.provider IS NOT NULL AND p.method IN ('qr', 'payment_code')";
const MOVED_AT = 'IFNULL(p.settled_at, p.created_at)';

export class Reconciliation {
  /** One fetch per provider and date at a time: a second caller waits for the first. */
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly s;

  constructor(
    private readonly ctx: TillContext,
    /** The providers connected now (the checkout's). */
    private readonly providers: () => readonly PaymentProvider[],
  ) {
    const db = ctx.db;
    this.s = {
      waiting: db.prepare<[string, string], { provider: string; bill_date: string }>(
        "SELECT provider, bill_date FROM provider_bills WHERE state IN ('not_ready', 'error') AND bill_date < ?" +
          ' AND bill_date >= ?',
      ),
      usedProviders: db
        .prepare<[string, string], string>(
          `SELECT DISTINCT p.provider FROM payments p WHERE ${WALLET} AND ${MOVED_AT} >= ? AND ${MOVED_AT} < ?`,
        )
        .pluck(),
      stored: db.prepare<[string, string], StoredBill>(
        'SELECT * FROM provider_bills WHERE provider = ? AND bill_date = ?',
      ),
      save: db.prepare(
        'INSERT INTO provider_bills (id, provider, bill_date, state, message, rows, fetched_at)' +
          ' VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (provider, bill_date) DO UPDATE SET state = excluded.state,' +
          ' message = excluded.message, rows = excluded.rows, fetched_at = excluded.fetched_at',
      ),
      payments: db.prepare<[string, string], PaymentRow>(
        'SELECT p.id, p.order_id, o.number, o.till_id, p.provider, p.trade_number, p.amount_minor, p.status,' +
          ` ${MOVED_AT} AS at FROM payments p JOIN orders o ON o.id = p.order_id` +
          ` WHERE ${WALLET} AND p.trade_number IS NOT NULL AND ${MOVED_AT} >= ? AND ${MOVED_AT} < ?`,
      ),
      refunds: db.prepare<[string, string], RefundRow>(
        'SELECT r.payment_id, p.order_id, o.number, o.till_id, p.provider, p.trade_number, r.refund_number,' +
          ' r.amount_minor, r.status, r.updated_at FROM refunds r JOIN payments p ON p.id = r.payment_id' +
          ` JOIN orders o ON o.id = p.order_id WHERE ${WALLET} AND r.cash_instead = 0` +
          ' AND r.updated_at >= ? AND r.updated_at < ?',
      ),
      // Through the order's entries (journal_order): the journal has no index by payment.
      byPayment: db
        .prepare<[number, number], number>('SELECT id FROM journal WHERE order_id = ? AND payment_id = ? ORDER BY id')
        .pluck(),
      byRefund: db
        .prepare<[number, number, string], number>(
          'SELECT id FROM journal WHERE order_id = ? AND payment_id = ?' +
            " AND json_extract(data, '$.refundNumber') = ? ORDER BY id",
        )
        .pluck(),
    };
  }

  /** The reconciliation of a business day; fetches the bills around it that are not final. */
  async day(day: string, refetchNone = false): Promise<ReconcileDay> {
    const { fromIso, toIso } = tillBusinessDayRange(this.ctx, day);
    const dates = billDatesFor(fromIso, toIso);
    const providerIds = this.providerIds(fromIso, toIso);
    await Promise.all(
      providerIds.flatMap((id) => dates.map((date) => this.ensure(id, date, refetchNone ? ['none'] : []))),
    );
    return this.compute(day, fromIso, toIso, dates, providerIds);
  }

  /** reconcile.refresh: fetches again everything not ready (a 'none' too). */
  refresh(day: string): Promise<ReconcileDay> {
    return this.day(day, true);
  }

  /** Fetches again the not-ready bills of closed Beijing days of the last week; for the timer. */
  async refetchWaiting(): Promise<number> {
    const today = beijingDate(this.ctx.clock().getTime());
    const since = beijingDate(this.ctx.clock().getTime() - TIMER_LOOKBACK_DAYS * DAY_MS);
    const open = this.s.waiting.all(today, since);
    await Promise.all(open.map((b) => this.ensure(b.provider, b.bill_date, [])));
    return open.length;
  }

  /** Runs refetchWaiting every `everyMs`; the timer never keeps the process alive. Returns its stop. */
  startBillTimer(everyMs = BILL_TIMER_MS): () => void {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      this.refetchWaiting()
        .catch((err: unknown) => console.warn(`[reconcile] ${err instanceof Error ? err.message : String(err)}`))
        .finally(() => {
          running = false;
        });
    }, everyMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** The connected providers and any other provider the day's wallet payments went through. */
  private providerIds(fromIso: string, toIso: string): string[] {
    const ids = this.providers().map((p) => p.id);
    const used = this.s.usedProviders.all(fromIso, toIso);
    for (const id of used) if (!ids.includes(id)) ids.push(id);
    return ids;
  }

  private stored(provider: string, date: string): StoredBill | undefined {
    return this.s.stored.get(provider, date);
  }

  /** Fetches one bill unless it is final (ready, or 'none' unless asked again); dates not begun are skipped. */
  private ensure(provider: string, date: string, alsoRefetch: readonly string[]): Promise<void> {
    const p = this.providers().find((x) => x.id === provider);
    if (!p?.fetchBill) return Promise.resolve();
    if (date > beijingDate(this.ctx.clock().getTime())) return Promise.resolve();
    const have = this.stored(provider, date);
    if (have && (have.state === 'ready' || (have.state === 'none' && !alsoRefetch.includes('none')))) {
      return Promise.resolve();
    }
    const key = `${provider} ${date}`;
    const running = this.inFlight.get(key);
    if (running) return running;
    const fetchBill = p.fetchBill.bind(p);
    const job = (async () => {
      let answer: BillAnswer | { status: 'error'; message: string };
      try {
        answer = await fetchBill(date);
      } catch (err) {
        answer = { status: 'error', message: err instanceof Error ? err.message : String(err) };
      }
      this.save(provider, date, answer);
    })().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, job);
    return job;
  }

  private save(provider: string, date: string, answer: BillAnswer | { status: 'error'; message: string }): void {
    const rows = answer.status === 'ready' ? JSON.stringify(answer.rows) : '[]';
    // A download link's query (a short-lived signed token) is not kept: only where it pointed.
    const message = answer.status === 'error' ? answer.message.replace(/\?[^\s"')]*/g, '?…').slice(0, 500) : null;
    const at = this.ctx.clock().toISOString();
    if (!this.ctx.db.open) return; // the till closed while the provider answered
    this.ctx.tx(() => {
      const have = this.stored(provider, date);
      if (have?.state === 'ready') return; // a ready bill is final, whoever stored it first
      this.s.save.run(newRecordId(), provider, date, answer.status, message, rows, at);
    });
  }

  private compute(day: string, fromIso: string, toIso: string, dates: string[], providerIds: string[]): ReconcileDay {
    // The till's side: the day ± one day (rows of neighbouring bills belong to their own day's payments).
    const wideFrom = new Date(Date.parse(fromIso) - DAY_MS).toISOString();
    const wideTo = new Date(Date.parse(toIso) + DAY_MS).toISOString();
    const payRows = this.s.payments.all(wideFrom, wideTo);
    const inDay = (at: string) => at >= fromIso && at < toIso;
    const payments: TillPayment[] = payRows.map((r) => ({
      paymentId: r.id,
      orderId: r.order_id,
      // The number people read carries the till ("T1-0042"), as on the receipt and in the alerts.
      orderNumber: r.number ? `${r.till_id}-${r.number}` : null,
      provider: r.provider,
      tradeNumber: r.trade_number,
      amountMinor: r.amount_minor,
      status: r.status,
      at: r.at,
      inDay: inDay(r.at),
    }));
    const refundRows = this.s.refunds.all(wideFrom, wideTo);
    const refunds: TillRefund[] = refundRows.map((r) => ({
      paymentId: r.payment_id,
      orderId: r.order_id,
      // The number people read carries the till ("T1-0042"), as on the receipt and in the alerts.
      orderNumber: r.number ? `${r.till_id}-${r.number}` : null,
      provider: r.provider,
      tradeNumber: r.trade_number,
      refundNumber: r.refund_number,
      amountMinor: r.amount_minor,
      status: r.status,
      at: r.updated_at,
      inDay: inDay(r.updated_at),
    }));

    const bills = new Map<string, ProviderBill[]>();
    for (const id of providerIds) {
      const supported = Boolean(this.providers().find((p) => p.id === id)?.fetchBill);
      bills.set(
        id,
        dates.map((date): ProviderBill => {
          if (!supported) return { date, state: 'unsupported', message: null, fetchedAt: null, rows: [] };
          const b = this.stored(id, date);
          if (!b) return { date, state: 'not_ready', message: null, fetchedAt: null, rows: [] };
          return {
            date,
            state: b.state,
            message: b.message,
            fetchedAt: b.fetched_at,
            rows: JSON.parse(b.rows) as BillRow[],
          };
        }),
      );
    }
    const installId = this.ctx.repos.settings.get<string>('till.installId') ?? '';
    const providers = reconcile({ fromIso, toIso, installId, payments, refunds, bills });

    // Journal entries behind each listed item: its payment's, a refund's by its refund number.
    for (const p of providers) {
      for (const item of p.items) {
        if (item.paymentId === null || item.orderId === null) continue;
        const { orderId, paymentId } = item;
        const ids = item.refundNumber ? this.s.byRefund.all(orderId, paymentId, item.refundNumber) : [];
        item.journalIds = ids.length ? ids : this.s.byPayment.all(orderId, paymentId);
      }
    }
    // Waiting: an item awaits its bill, or a bill of a date the day overlaps (not a neighbour read in case)
    // is not final, so rows missing at the till could still turn up.
    const overlapped = dates.slice(1, -1);
    const waiting = providers.some(
      (p) =>
        p.counts.awaiting_bill.count > 0 ||
        p.bills.some((b) => overlapped.includes(b.date) && (b.state === 'not_ready' || b.state === 'error')),
    );
    return { day, fromIso, toIso, billDates: dates, providers, waiting };
  }
}
