// Risk alerts (风险控制 at shop scale): computed on demand from the journal, which records what happened and who did
// it (`by`, `approvedBy`), with the owner's thresholds and switches (Settings.riskRules). Nothing is stored per
// alert: an alert's id is its rule and the journal entry that raised it, so the same day gives the same alerts.
// Every rule reads its entries by kind and time through the journal_kind_at index; "after the total was shown"
// looks at the one order's entries through journal_order. The lock screen's count (summary) is 'open' and carries
// no detail; the owner's last look is an internal settings key.
import { TillError } from '../../shared/api';
import { ALERT_RULES, type Alert, type AlertRule, type AlertSeverity, type AlertSummary } from '../../shared/alerts';
import { MAX_REPORT_DAYS } from '../../shared/report';
import type { Statement } from 'better-sqlite3';
import { journalPerson } from '../db/journal';
import type { VerifyReport } from '../db/journal-verify';
import { tillBusinessDayRange } from './business-day';
import { daysBetween } from './reports';
import { isoNow, type TillContext } from './context';

const SEVERITY: Record<AlertRule, AlertSeverity> = {
  void_after_total: 'medium',
  line_removed_after_total: 'high',
  refund_over: 'high',
  refunds_many_in_shift: 'medium',
  declined_repeated: 'medium',
  no_sale_drawer: 'medium',
  price_override: 'low',
  over_limit_attempt: 'low',
  verify_failed: 'high',
};

/** The internal settings key of the moment the owner last looked at the alerts (never reaches settings.get). */
export const SEEN_KEY = 'alerts.seenAt';
/** Never looked: the lock screen counts this far back. */
const FIRST_LOOK_DAYS = 30;
const END_OF_TIME = '9999-12-31T23:59:59.999Z';

/** The entries that mean "the customer display showed the total": a payment was started on the order. */
const TOTAL_SHOWN = "('order.numberReserved', 'payment.created', 'payment.recorded')";

interface Entry {
  id: number;
  at: string;
  kind: string;
  order_id: number | null;
  payment_id: number | null;
  data: string;
}

type Data = Record<string, unknown>;

function int(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined;
}

interface ShiftRow {
  number: string;
  opened_at: string;
  closed_at: string | null;
}

export class Alerts {
  private readonly s: {
    byKind: Statement<[string, string, string], Entry>;
    afterTotal: Statement<[string, string, string], Entry>;
    lowered: Statement<[string, string], Entry>;
    order: Statement<[number], { number: string; till_id: string; total_minor: number }>;
    orderEntries: Statement<[number, number], Entry>;
    created: Statement<[number, number], Entry>;
    shifts: Statement<[string, string, string], ShiftRow>;
  };

  constructor(private readonly ctx: TillContext) {
    const db = ctx.db;
    const cols = 'j.id, j.at, j.kind, j.order_id, j.payment_id, j.data';
    const shown = `EXISTS (SELECT 1 FROM journal r WHERE r.order_id = j.order_id AND r.id < j.id AND r.kind IN ${TOTAL_SHOWN})`;
    this.s = {
      byKind: db.prepare(`SELECT ${cols} FROM journal j WHERE j.kind = ? AND j.at >= ? AND j.at < ? ORDER BY j.id`),
      afterTotal: db.prepare(
        `SELECT ${cols} FROM journal j WHERE j.kind = ? AND j.at >= ? AND j.at < ? AND j.order_id IS NOT NULL AND ${shown} ORDER BY j.id`,
      ),
      // A line's quantity lowered (part of it taken off) once the total was shown.
      lowered: db.prepare(
        `SELECT ${cols} FROM journal j WHERE j.kind = 'cart.lineChanged' AND j.at >= ? AND j.at < ?` +
          " AND j.order_id IS NOT NULL AND json_extract(j.data, '$.quantity') < json_extract(j.data, '$.was')" +
          ` AND ${shown} ORDER BY j.id`,
      ),
      order: db.prepare('SELECT number, till_id, total_minor FROM orders WHERE id = ?'),
      orderEntries: db.prepare(
        "SELECT id, at, kind, order_id, payment_id, data FROM journal WHERE order_id = ? AND id < ? AND kind IN ('cart.lineAdded', 'cart.priceOverridden') ORDER BY id",
      ),
      created: db.prepare(
        "SELECT id, at, kind, order_id, payment_id, data FROM journal WHERE order_id = ? AND payment_id = ? AND kind = 'payment.created' LIMIT 1",
      ),
      // This till's shifts that overlap [from, to) (index shifts_till_opened).
      shifts: db.prepare(
        'SELECT number, opened_at, closed_at FROM shifts WHERE till_id = ? AND opened_at < ?' +
          ' AND (closed_at IS NULL OR closed_at > ?) ORDER BY opened_at',
      ),
    };
  }

  /** The alerts of the business days fromDay..toDay, newest first. */
  list(fromDay: string, toDay: string): Alert[] {
    const days = daysBetween(fromDay, toDay);
    if (!(days >= 1) || days > MAX_REPORT_DAYS) {
      throw new TillError('INVALID_INPUT', `1 to ${MAX_REPORT_DAYS} days at a time`, { fields: 'toDay' });
    }
    const from = tillBusinessDayRange(this.ctx, fromDay).fromIso;
    const to = tillBusinessDayRange(this.ctx, toDay).toIso;
    return this.ctx.tx(() => this.compute(from, to));
  }

  /** How many alerts since the owner last looked, and the newest one's time: no details (the lock screen's). */
  summary(): AlertSummary {
    const seen = this.ctx.repos.settings.get<string>(SEEN_KEY) ?? null;
    const floor = new Date(this.ctx.clock().getTime() - FIRST_LOOK_DAYS * 86_400_000).toISOString();
    const since = seen ?? floor;
    const alerts = this.ctx.tx(() => this.compute(since, END_OF_TIME)).filter((a) => a.at > since);
    return { count: alerts.length, newestAt: alerts[0]?.at ?? null };
  }

  /** The owner looked: the lock screen's count starts again from now. */
  seen(): AlertSummary {
    this.ctx.tx(() => this.ctx.repos.settings.set(SEEN_KEY, isoNow(this.ctx)));
    return { count: 0, newestAt: null };
  }

  /**
   * Runs a payment start; a refusal for being over the method's per-transaction limit is journaled for the risk
   * alerts. The refused call still changes nothing of the sale (its transaction rolled back: no order, payment,
   * number or trade sequence moved); only this attempt entry is written, in a transaction of its own.
   */
  async recordingOverLimit<T>(start: () => Promise<T>): Promise<T> {
    try {
      return await start();
    } catch (err) {
      if (err instanceof TillError && err.code === 'AMOUNT_OVER_LIMIT') {
        const p = err.params ?? {};
        const orderId = this.ctx.repos.orders.draftFor(this.ctx.tillId)?.id ?? null;
        this.ctx.tx(() =>
          this.ctx.repos.journal.append(
            isoNow(this.ctx),
            'risk.overLimitAttempt',
            { orderId },
            { method: p.method, amountMinor: p.amountMinor, limitMinor: p.maxMinor },
          ),
        );
      }
      throw err;
    }
  }

  /** "Verify journal" found a problem: journaled, so the owner sees it among the alerts. */
  verified<R extends Pick<VerifyReport, 'ok' | 'firstBad' | 'orders' | 'entries' | 'segments'>>(report: R): R {
    if (!report.ok) {
      const why =
        report.firstBad?.why ??
        report.orders.firstBad?.why ??
        report.segments.find((s) => !s.verified)?.why ??
        'not verified';
      this.ctx.tx(() =>
        this.ctx.repos.journal.append(
          isoNow(this.ctx),
          'journal.verifyFailed',
          {},
          {
            why,
            entries: report.entries,
            firstBadEntry: report.firstBad?.entryId ?? null,
            firstBadOrder: report.orders.firstBad?.orderId ?? null,
            differingOrders: report.orders.differing,
          },
        ),
      );
    }
    return report;
  }

  /** Every alert raised in [from, to), newest first. */
  compute(from: string, to: string): Alert[] {
    const rules = this.ctx.settings.get().riskRules;
    const off = new Set(rules.off);
    const on = Object.fromEntries(ALERT_RULES.map((r) => [r, !off.has(r)])) as Record<AlertRule, boolean>;
    const out: Alert[] = [];
    const shifts = new ShiftFinder(this.s.shifts.all(this.ctx.tillId, to, from));
    const orders = new Map<number, { number: string; till_id: string; total_minor: number } | undefined>();
    const orderOf = (id: number | null) => {
      if (id === null) return undefined;
      if (!orders.has(id)) orders.set(id, this.s.order.get(id));
      return orders.get(id);
    };
    const add = (rule: AlertRule, e: Entry, d: Data, more: Partial<Alert> = {}) => {
      const order = orderOf(e.order_id);
      out.push({
        id: `${rule}:${e.id}`,
        rule,
        at: e.at,
        severity: SEVERITY[rule],
        by: journalPerson(d.by),
        approvedBy: journalPerson(d.approvedBy),
        amountMinor: null,
        orderId: e.order_id,
        orderNumber: order?.number ? `${order.till_id}-${order.number}` : null,
        shiftNumber: shifts.at(e.at),
        journalIds: [e.id],
        details: {},
        ...more,
      });
    };
    const each = (kind: string, f: (e: Entry, d: Data) => void, stmt = this.s.byKind) => {
      for (const e of stmt.all(kind, from, to)) f(e, JSON.parse(e.data) as Data);
    };

    if (on.void_after_total) {
      each(
        'cart.voided',
        (e, d) =>
          add('void_after_total', e, d, { amountMinor: int(d.totalMinor) ?? orderOf(e.order_id)?.total_minor ?? null }),
        this.s.afterTotal,
      );
    }
    if (on.line_removed_after_total) {
      const removed = (e: Entry, d: Data, quantity: number, was: number) => {
        const unit = this.unitPrice(e, d.lineId);
        add('line_removed_after_total', e, d, {
          amountMinor: unit === null ? null : unit * (was - quantity),
          details: { quantity, was },
        });
      };
      each('cart.lineRemoved', (e, d) => removed(e, d, 0, int(d.quantity) ?? 0), this.s.afterTotal);
      for (const e of this.s.lowered.all(from, to)) {
        const d = JSON.parse(e.data) as Data;
        removed(e, d, int(d.quantity) ?? 0, int(d.was) ?? 0);
      }
    }
    if (on.refund_over) {
      each('refund.made', (e, d) => {
        const total = int(d.totalMinor) ?? 0;
        if (total > rules.refundOverMinor) {
          add('refund_over', e, d, { amountMinor: total, details: { thresholdMinor: rules.refundOverMinor } });
        }
      });
    }
    if (on.refunds_many_in_shift) this.manyRefunds(shifts, from, to, rules.refundsPerShift, add);
    if (on.declined_repeated) {
      this.declined(from, to, rules.declinedPayments, rules.declinedWindowMinutes, add);
    }
    if (on.no_sale_drawer) {
      each('drawer.opened', (e, d) => {
        if (d.reason === 'no_sale') add('no_sale_drawer', e, d);
      });
    }
    if (on.price_override) {
      each('cart.priceOverridden', (e, d) =>
        add('price_override', e, d, { amountMinor: int(d.unitPriceMinor) ?? null, details: { wasMinor: int(d.was) } }),
      );
    }
    if (on.over_limit_attempt) {
      each('risk.overLimitAttempt', (e, d) =>
        add('over_limit_attempt', e, d, {
          amountMinor: int(d.amountMinor) ?? null,
          details: { thresholdMinor: int(d.limitMinor), method: typeof d.method === 'string' ? d.method : undefined },
        }),
      );
    }
    if (on.verify_failed) {
      each('journal.verifyFailed', (e, d) =>
        add('verify_failed', e, d, { details: { why: typeof d.why === 'string' ? d.why : undefined } }),
      );
    }
    return out.sort((a, b) => (a.at === b.at ? b.journalIds[0]! - a.journalIds[0]! : a.at < b.at ? 1 : -1));
  }

  /** The unit price a line had when `e` changed it: its last add or price override before. */
  private unitPrice(e: Entry, lineId: unknown): number | null {
    let unit: number | null = null;
    for (const x of this.s.orderEntries.all(e.order_id!, e.id)) {
      const d = JSON.parse(x.data) as Data;
      if (d.lineId === lineId) unit = int(d.unitPriceMinor) ?? unit;
    }
    return unit;
  }

  /**
   * A shift that reaches `limit` refund tickets: one alert, raised by the refund that reached it (kept in the range
   * it happened in), naming every refund of the shift. A shift that began before the range is read whole.
   */
  private manyRefunds(
    shifts: ShiftFinder,
    from: string,
    to: string,
    limit: number,
    add: (rule: AlertRule, e: Entry, d: Data, more?: Partial<Alert>) => void,
  ): void {
    for (const shift of shifts.rows) {
      const refunds = this.s.byKind.all('refund.made', shift.opened_at, shift.closed_at ?? END_OF_TIME);
      if (refunds.length < limit) continue;
      const raised = refunds[limit - 1]!;
      if (raised.at < from || raised.at >= to) continue;
      const data = refunds.map((r) => JSON.parse(r.data) as Data);
      const people = new Set(data.map((d) => journalPerson(d.by)?.id));
      add('refunds_many_in_shift', raised, people.size === 1 ? data[0]! : {}, {
        amountMinor: data.reduce((a, d) => a + (int(d.totalMinor) ?? 0), 0),
        orderId: null,
        orderNumber: null,
        shiftNumber: shift.number,
        journalIds: refunds.map((r) => r.id),
        details: { count: refunds.length },
      });
    }
  }

  /**
   * `count` declined or failed wallet payments within `minutes`: one alert, raised by the one that made the count,
   * naming every failure of the run (a failure within `minutes` of the previous one belongs to the same run).
   */
  private declined(
    from: string,
    to: string,
    count: number,
    minutes: number,
    add: (rule: AlertRule, e: Entry, d: Data, more?: Partial<Alert>) => void,
  ): void {
    const windowMs = minutes * 60_000;
    const since = new Date(Date.parse(from) - windowMs).toISOString();
    const failed = this.s.byKind.all('payment.failed', since, to);
    const raise = (r: { e: Entry; ids: number[] } | null) => {
      if (!r || r.e.at < from) return;
      add('declined_repeated', r.e, this.whoStarted(r.e), {
        journalIds: r.ids,
        details: { count: r.ids.length, windowMinutes: minutes },
      });
    };
    let run: Entry[] = [];
    let raised: { e: Entry; ids: number[] } | null = null;
    let last: Entry | null = null;
    for (const e of failed) {
      const t = Date.parse(e.at);
      if (last && t - Date.parse(last.at) > windowMs) {
        raise(raised);
        raised = null;
      }
      run = run.filter((x) => t - Date.parse(x.at) <= windowMs);
      run.push(e);
      if (raised) raised.ids.push(e.id);
      else if (run.length >= count) raised = { e, ids: run.map((x) => x.id) };
      last = e;
    }
    raise(raised);
  }

  /** Who a failed payment was taken by: its own entry's `by`, else the entry that started it. */
  private whoStarted(e: Entry): Data {
    const d = JSON.parse(e.data) as Data;
    if (d.by || e.order_id === null || e.payment_id === null) return d;
    const created = this.s.created.get(e.order_id, e.payment_id);
    return created ? { ...d, ...pickWho(JSON.parse(created.data) as Data) } : d;
  }
}

function pickWho(d: Data): Data {
  return { by: d.by, approvedBy: d.approvedBy };
}

/** The shift open at an instant, from the shifts that overlap the range. */
class ShiftFinder {
  constructor(readonly rows: ShiftRow[]) {}

  at(at: string): string | null {
    for (let i = this.rows.length - 1; i >= 0; i--) {
      const s = this.rows[i]!;
      if (s.opened_at <= at && (s.closed_at === null || at < s.closed_at)) return s.number;
    }
    return null;
  }
}
