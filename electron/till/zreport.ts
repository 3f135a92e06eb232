// The Z report (日结): closes a business day. A Z covers every instant since the previous Z of this till
// ([previous to_at, to_at)), so nothing is counted twice and nothing falls between two Zs; money that moves
// after a Z (a late payment, a refund) counts on the Z of the day it moved, marked with its order's day.
// A Z is numbered by a sequence (never repeats or skips), frozen once made (triggers refuse UPDATE/DELETE),
// printed with the journal chain head, and journaled with the owner's decisions on what was still open.
import { taxIncluded } from '../../shared/pricing';
import { TillError } from '../../shared/api';
import { addBusinessDays } from '../../shared/business-day';
import type { Currency, PaymentMethod } from '../../shared/domain';
import type { PaymentState } from '../../shared/payment';
import type { ShiftPaymentInput, ShiftRefundInput } from '../../shared/shift';
import { type ZOrderInput, nextZNumber, zFigures } from '../../shared/zreport';
import type {
  ZChecklist,
  ZDecision,
  ZOtherDayItem,
  ZReport,
  ZReportFigures,
  ZSummary,
} from '../../shared/zreport-view';
import { newRecordId } from '../core/ids';
import { escapeHtml } from '../printing/receipt-html';
import { linesToEscPos } from '../printing/escpos';
import { tillBusinessDay, tillBusinessDayRange } from './business-day';
import type { TillContext } from './context';
import type { Printing } from './printing';

/** Journal kinds that mean a price was overridden at the till (none is journaled yet; counted once one is). */
export const PRICE_OVERRIDE_KINDS = ['cart.priceOverridden'] as const;
const OPEN_STATES = "('created', 'pending', 'unknown', 'closing')";
const MOVED_STATES = "('paid', 'partially_refunded', 'refunded')";
// When the money moved: a wallet's settled_at; a cash payment is taken when it is recorded.
const MOVED_AT = 'IFNULL(p.settled_at, p.created_at)';
const PAID_TWICE = 'paid_twice';

type LastZ = Pick<ZRow, 'id' | 'number' | 'business_day' | 'made_at' | 'to_at' | 'grand_total_minor'>;

interface ZRow {
  id: string;
  till_id: string;
  number: number;
  business_day: string;
  made_at: string;
  made_by_id: number | null;
  made_by_name: string | null;
  approved_by_id: number | null;
  approved_by_name: string | null;
  from_at: string;
  to_at: string;
  figures: string;
  chain_head: string | null;
  grand_total_minor: number;
}

function toReport(r: ZRow): ZReport {
  return {
    id: r.id,
    tillId: r.till_id,
    number: r.number,
    businessDay: r.business_day,
    madeAt: r.made_at,
    madeBy: r.made_by_id === null ? null : { id: r.made_by_id, name: r.made_by_name ?? '' },
    approvedBy: r.approved_by_id === null ? null : { id: r.approved_by_id, name: r.approved_by_name ?? '' },
    fromAt: r.from_at,
    toAt: r.to_at,
    chainHead: r.chain_head,
    grandTotalMinor: r.grand_total_minor,
    figures: JSON.parse(r.figures) as ZReportFigures,
  };
}

/** A calendar day that exists ('2026-02-30' does not). */
/** A real calendar day as yyyy-mm-dd. */
export function isDay(day: string): boolean {
  try {
    return addBusinessDays(day, 0) === day;
  } catch {
    return false;
  }
}

/** The Z's method key: wallets by provider, so a QR and a payment code of the same wallet add up. */
export function methodKey(method: string, provider: string | null): string {
  if (method === 'cash') return 'cash';
  if (method === 'bank_qr') return 'bank_qr';
  return provider ?? method;
}

export class ZReports {
  private readonly s;

  constructor(
    private readonly ctx: TillContext,
    private readonly printing: Printing,
  ) {
    const db = ctx.db;
    this.s = {
      // Without the figures: a first Z over a long history can be large, and only these are needed.
      last: db.prepare<[string], LastZ>(
        'SELECT id, number, business_day, made_at, to_at, grand_total_minor FROM z_reports WHERE till_id = ?' +
          ' ORDER BY number DESC LIMIT 1',
      ),
      byDay: db.prepare<[string, string], ZRow>('SELECT * FROM z_reports WHERE till_id = ? AND business_day = ?'),
      byId: db.prepare<[string], ZRow>('SELECT * FROM z_reports WHERE id = ?'),
      list: db.prepare<[string, number], ZRow>(
        'SELECT * FROM z_reports WHERE till_id = ? ORDER BY number DESC LIMIT ?',
      ),
      insert: db.prepare(
        'INSERT INTO z_reports (id, till_id, number, business_day, made_at, made_by_id, made_by_name, approved_by_id,' +
          ' approved_by_name, from_at, to_at, figures, chain_head, grand_total_minor) VALUES (@id, @tillId, @number,' +
          ' @businessDay, @madeAt, @madeById, @madeByName, @approvedById, @approvedByName, @fromAt, @toAt, @figures,' +
          ' @chainHead, @grandTotalMinor)',
      ),
      sequence: db.prepare<[string], { value: number }>(
        'INSERT INTO sequences (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1' +
          ' RETURNING value',
      ),
      firstOrderAt: db.prepare<[string], { at: string | null }>(
        'SELECT min(created_at) AS at FROM orders WHERE till_id = ?',
      ),
      // The first moment anything happened at or after an instant: a sale completed, money moved or went back.
      firstActivity: db.prepare<{ tillId: string; from: string }, { at: string | null }>(
        'SELECT min(at) AS at FROM (' +
          " SELECT min(completed_at) AS at FROM orders WHERE completed_at >= @from AND till_id = @tillId AND status = 'completed'" +
          ` UNION ALL SELECT min(${MOVED_AT}) FROM payments p JOIN orders o ON o.id = p.order_id WHERE ${MOVED_AT} >= @from AND p.status IN ${MOVED_STATES} AND o.till_id = @tillId` +
          " UNION ALL SELECT min(r.updated_at) FROM refunds r JOIN payments p ON p.id = r.payment_id JOIN orders o ON o.id = p.order_id WHERE r.status = 'refunded' AND r.updated_at >= @from AND o.till_id = @tillId)",
      ),
      orders: db.prepare<Range, { id: number; number: string; business_day: string | null }>(
        'SELECT id, number, business_day FROM orders WHERE completed_at >= @from AND completed_at < @to' +
          " AND till_id = @tillId AND status = 'completed' ORDER BY business_day, CAST(number AS INTEGER), id",
      ),
      // Summed per tax rate by the database; `bad` counts lines whose parts do not add up (a Z never lies).
      lineSums: db.prepare<Range, LineAgg & { bad: number }>(
        'SELECT l.tax_rate_bp AS taxRateBp, sum(l.gross_minor) AS grossMinor, sum(l.line_discount_minor) AS' +
          ' lineDiscountMinor, sum(l.order_discount_share_minor) AS orderDiscountShareMinor, sum(l.total_minor) AS' +
          ' totalMinor, sum(l.tax_minor) AS taxMinor, sum(l.gross_minor - l.line_discount_minor -' +
          ' l.order_discount_share_minor <> l.total_minor) AS bad FROM orders o JOIN order_lines l ON l.order_id = o.id' +
          " WHERE o.completed_at >= @from AND o.completed_at < @to AND o.till_id = @tillId AND o.status = 'completed'" +
          ' GROUP BY l.tax_rate_bp',
      ),
      // Lines given back by the refund tickets made in the range (goods back: their tax comes off the day's).
      refundLines: db.prepare<Range, { taxRateBp: number; amountMinor: number }>(
        'SELECT ol.tax_rate_bp AS taxRateBp, rl.amount_minor AS amountMinor FROM refund_tickets t' +
          ' JOIN refund_lines rl ON rl.ticket_id = t.id JOIN order_lines ol ON ol.id = rl.order_line_id' +
          ' JOIN orders o ON o.id = t.order_id' +
          ' WHERE t.created_at >= @from AND t.created_at < @to AND o.till_id = @tillId',
      ),
      voids: db.prepare<Range, { n: number }>(
        'SELECT count(*) AS n FROM orders WHERE voided_at >= @from AND voided_at < @to AND till_id = @tillId' +
          " AND status = 'voided' AND item_count > 0",
      ),
      payments: db.prepare<Range, PaymentAgg>(
        'SELECT p.id, p.order_id AS orderId, o.number AS orderNumber, o.business_day AS businessDay, p.method,' +
          ' p.provider, p.status, p.amount_minor AS amountMinor, p.tendered_minor AS tenderedMinor,' +
          ' p.change_minor AS changeMinor, p.confirmed_by_hand AS confirmedByHand, p.attention, p.reason,' +
          " CASE WHEN p.confirmed_by_hand = 1 THEN coalesce((SELECT json_extract(j.data, '$.by.name') FROM journal j" +
          " WHERE j.order_id = p.order_id AND j.payment_id = p.id AND j.kind = 'payment.paid' LIMIT 1), o.staff_name)" +
          ' END AS confirmedBy' +
          ' FROM payments p JOIN orders o ON o.id = p.order_id' +
          ` WHERE ${MOVED_AT} >= @from AND ${MOVED_AT} < @to AND p.status IN ${MOVED_STATES} AND o.till_id = @tillId`,
      ),
      refunds: db.prepare<Range, RefundAgg>(
        'SELECT r.id, r.amount_minor AS amountMinor, p.method, p.provider, o.number AS orderNumber,' +
          ' o.business_day AS businessDay FROM refunds r JOIN payments p ON p.id = r.payment_id' +
          " JOIN orders o ON o.id = p.order_id WHERE r.status = 'refunded' AND r.updated_at >= @from" +
          ' AND r.updated_at < @to AND o.till_id = @tillId',
      ),
      journalCount: db.prepare<[string, string, string], { n: number }>(
        'SELECT count(*) AS n FROM journal WHERE kind = ? AND at >= ? AND at < ?',
      ),
      noSale: db.prepare<[string, string], { n: number }>(
        "SELECT count(*) AS n FROM journal WHERE kind = 'drawer.opened' AND at >= ? AND at < ?" +
          " AND json_extract(data, '$.reason') = 'no_sale'",
      ),
      held: db.prepare<[string], ZChecklist['held'][number]>(
        'SELECT id AS orderId, held_label AS label, held_at AS heldAt, total_minor AS totalMinor,' +
          " item_count AS itemCount FROM orders WHERE status = 'held' AND till_id = ? ORDER BY held_at, id",
      ),
      // Two statements, each on its partial index (one OR/IN-subquery form scanned every payment).
      openPayments: db.prepare<[string], ZChecklist['payments'][number]>(
        'SELECT p.id AS paymentId, p.order_id AS orderId, o.number AS orderNumber, p.method, p.provider, p.status,' +
          ' p.amount_minor AS amountMinor, p.attention FROM payments p JOIN orders o ON o.id = p.order_id' +
          ` WHERE p.status IN ${OPEN_STATES} AND o.till_id = ?`,
      ),
      attentionPayments: db.prepare<[string], ZChecklist['payments'][number]>(
        'SELECT p.id AS paymentId, p.order_id AS orderId, o.number AS orderNumber, p.method, p.provider, p.status,' +
          ' p.amount_minor AS amountMinor, p.attention FROM payments p JOIN orders o ON o.id = p.order_id' +
          ' WHERE p.attention IS NOT NULL AND o.till_id = ?',
      ),
      voidHeld: db.prepare<[string, string, number]>(
        "UPDATE orders SET status = 'voided', voided_at = ?, updated_at = ? WHERE id = ? AND status = 'held'",
      ),
    };
  }

  private tillId(): string {
    return this.ctx.tillId;
  }

  private currency(): Currency {
    return this.ctx.settings.get().currency;
  }

  /** The day a Z made now is for, the last Z, and a missed day whose Z must come first. */
  private plan(now: Date, requested?: string) {
    const tillId = this.tillId();
    const current = tillBusinessDay(this.ctx, now);
    const last = this.s.last.get(tillId) ?? null;
    let missedDay: string | null = null;
    if (last) {
      // Activity after the last Z's own day ended: the earliest such day without a Z is missed.
      const lastDayEnd = tillBusinessDayRange(this.ctx, last.business_day).toIso;
      const from = [last.to_at, lastDayEnd].sort()[1];
      const at = this.s.firstActivity.get({ tillId, from })?.at ?? null;
      if (at) {
        const day = tillBusinessDay(this.ctx, new Date(at));
        if (day < current) missedDay = day;
      }
    }
    const day = requested ?? current;
    return { tillId, current, last, missedDay, day };
  }

  checklist(): ZChecklist {
    const now = this.ctx.clock();
    return this.ctx.tx(() => {
      const { last, missedDay, current } = this.plan(now);
      return {
        businessDay: missedDay ?? current,
        missedDay,
        lastZ: last ? { id: last.id, number: last.number, businessDay: last.business_day, madeAt: last.made_at } : null,
        ...this.open(),
      };
    });
  }

  private open(): Pick<ZChecklist, 'held' | 'payments'> {
    const tillId = this.tillId();
    const byId = new Map<number, ZChecklist['payments'][number]>();
    for (const p of [...this.s.openPayments.all(tillId), ...this.s.attentionPayments.all(tillId)])
      byId.set(p.paymentId, p);
    return { held: this.s.held.all(tillId), payments: [...byId.values()].sort((a, b) => a.paymentId - b.paymentId) };
  }

  /** The figures of [from, to) for the till; read-only (the benchmark times this alone). */
  compute(day: string, number: number, from: string, to: string, previous: LastZ | null): ZReportFigures {
    const previousGrandTotalMinor = previous?.grand_total_minor ?? 0;
    // Marked: money for an order of a day an earlier Z closed (a late payment, a refund of an earlier sale).
    const closedDay = (orderDay: string | null) =>
      previous !== null && orderDay !== null && orderDay <= previous.business_day;
    const tillId = this.tillId();
    const range: Range = { tillId, from, to };
    const orderRows = this.s.orders.all(range);
    const lineSums = this.s.lineSums.all(range);
    const bad = lineSums.reduce((n, l) => n + l.bad, 0);
    if (bad > 0) throw new Error(`${bad} order lines in ${from}..${to} do not add up (gross − discounts ≠ total)`);
    const orders: ZOrderInput[] = orderRows.map((o) => ({ number: o.number, status: 'completed', lines: [] }));
    const voids = this.s.voids.get(range)!.n;
    for (let i = 0; i < voids; i++) orders.push({ number: '', status: 'voided', lines: [] });

    const payRows = this.s.payments.all(range);
    const refundRows = this.s.refunds.all(range);
    const payments: ShiftPaymentInput[] = payRows.map((p) => ({
      id: p.id,
      orderId: p.orderId,
      orderNumber: p.orderNumber,
      method: p.method,
      provider: p.method === 'bank_qr' ? (p.provider ?? 'bank') : p.provider,
      status: p.status,
      amountMinor: p.amountMinor,
      tenderedMinor: p.tenderedMinor,
      changeMinor: p.changeMinor,
      confirmedByHand: p.confirmedByHand === 1,
      confirmedBy: p.confirmedBy,
      attention: null,
    }));
    const refunds: ShiftRefundInput[] = refundRows.map((r) => ({
      id: r.id,
      method: r.method,
      provider: r.provider,
      amountMinor: r.amountMinor,
    }));
    let priceOverrides = 0;
    for (const kind of PRICE_OVERRIDE_KINDS) priceOverrides += this.s.journalCount.get(kind, from, to)!.n;
    const base = zFigures({
      currency: this.currency(),
      previousGrandTotalMinor,
      orders,
      lineSums,
      // Tax per rate net of the lines refunded: the tax a refunded part included, by the same rule as a sale's.
      refundLines: this.s.refundLines
        .all(range)
        .map((l) => ({ ...l, taxMinor: taxIncluded(l.amountMinor, l.taxRateBp) })),
      shifts: [{ payments, refunds }],
      noSaleOpenings: this.s.noSale.get(from, to)!.n,
      priceOverrides,
    });
    // First and last numbers of this day's own orders (late completions of earlier days are listed apart).
    const own = orderRows.filter((o) => o.business_day === day);
    // Money that moved today for orders of a day already closed: listed with their order's day.
    const lateItem = (kind: ZOtherDayItem['kind'], r: (typeof payRows)[number] | (typeof refundRows)[number]) => ({
      kind,
      id: r.id,
      orderNumber: r.orderNumber,
      orderBusinessDay: r.businessDay,
      key: methodKey(r.method, r.provider),
      amountMinor: r.amountMinor,
    });
    const otherDays: ZOtherDayItem[] = [
      ...payRows.filter((p) => closedDay(p.businessDay)).map((p) => lateItem('payment', p)),
      ...refundRows.filter((r) => closedDay(r.businessDay)).map((r) => lateItem('refund', r)),
    ];
    return {
      ...base,
      firstOrderNumber: own[0]?.number ?? null,
      lastOrderNumber: own.at(-1)?.number ?? null,
      number,
      businessDay: day,
      fromAt: from,
      toAt: to,
      otherDays,
      latePayments: payRows
        .filter((p) => p.attention === 'late_payment' || closedDay(p.businessDay))
        .map((p) => ({
          paymentId: p.id,
          orderNumber: p.orderNumber,
          amountMinor: p.amountMinor,
          attention: p.attention,
        })),
      paidTwice: payRows
        .filter((p) => p.reason === PAID_TWICE)
        .map((p) => ({ paymentId: p.id, orderNumber: p.orderNumber, amountMinor: p.amountMinor })),
      carryOvers: { held: [], payments: [] },
      decisions: [],
    };
  }

  /**
   * Makes the Z of the current business day (or of `businessDay`, a missed day): refused with Z_MISSED_DAY when an
   * earlier day after the last Z had activity and no Z, Z_ALREADY_MADE for a day that has one, Z_CHECKLIST_OPEN when
   * an open item has no decision. Owner, or a cashier with an approval for 'reports'.
   */
  make(input: { businessDay?: string; decisions?: ZDecision[]; approvalId?: string; print?: boolean }): ZReport {
    const now = this.ctx.clock();
    const nowIso = now.toISOString();
    this.ctx.staff.requireSignedIn();
    const report = this.ctx.tx(() => {
      const { tillId, current, last, missedDay, day } = this.plan(now, input.businessDay);
      const made = this.s.byDay.get(tillId, day);
      if (made) {
        throw new TillError('Z_ALREADY_MADE', `The Z of ${day} is made already (Z ${made.number})`, {
          day,
          number: made.number,
          madeAt: made.made_at,
        });
      }
      if (day > current || (last && day < last.business_day) || !isDay(day)) {
        throw new TillError('Z_DAY_INVALID', `No Z can be made for ${day} now`, {
          day,
          current,
          lastDay: last?.business_day ?? '',
        });
      }
      if (missedDay && missedDay < day) {
        throw new TillError('Z_MISSED_DAY', `The Z of ${missedDay} comes first`, { day: missedDay });
      }
      // Every open item needs the owner's decision, so a close never quietly ignores a pending payment.
      const open = this.open();
      const decisions = input.decisions ?? [];
      const decided = (kind: ZDecision['kind'], id: number) => decisions.find((d) => d.kind === kind && d.id === id);
      const undecided =
        open.held.filter((h) => !decided('held', h.orderId)).length +
        open.payments.filter((p) => !decided('payment', p.paymentId)).length;
      if (undecided > 0) {
        throw new TillError('Z_CHECKLIST_OPEN', 'Decide on every open item first (z.checklist)', {
          held: open.held.length,
          payments: open.payments.length,
          undecided,
        });
      }
      for (const d of decisions) {
        const known =
          d.kind === 'held'
            ? open.held.some((h) => h.orderId === d.id)
            : open.payments.some((p) => p.paymentId === d.id);
        if (!known) throw new TillError('Z_DECISION_REFUSED', `No open ${d.kind} ${d.id}`, { kind: d.kind, id: d.id });
        if (d.kind === 'payment' && d.action === 'void') {
          // Money at a provider is settled on the attention list (refund, check, dismiss), never by a Z.
          throw new TillError('Z_DECISION_REFUSED', 'Settle this payment on the attention list first', {
            kind: d.kind,
            id: d.id,
          });
        }
      }
      const who = this.ctx.staff.authorize('reports', input.approvalId);

      const range = tillBusinessDayRange(this.ctx, day);
      const to = day === current ? nowIso : range.toIso;
      const from = last ? last.to_at : (this.s.firstOrderAt.get(tillId)?.at ?? to);
      const number = this.s.sequence.get(`z:${tillId}`)!.value;
      if (number !== nextZNumber(last?.number ?? null)) {
        throw new Error(`Z sequence ${number} does not follow the last Z ${last?.number ?? 'none'}`);
      }
      const figures = this.compute(day, number, [from, to].sort()[0], to, last);

      const by = { id: who.by.id, name: who.by.name };
      const voided: number[] = [];
      for (const d of decisions) {
        if (d.kind === 'held' && d.action === 'void') {
          this.s.voidHeld.run(nowIso, nowIso, d.id);
          this.ctx.repos.journal.append(nowIso, 'cart.voided', { orderId: d.id }, { reason: 'z', by });
          voided.push(d.id);
        }
      }
      figures.carryOvers = {
        held: open.held.filter((h) => !voided.includes(h.orderId)),
        payments: open.payments,
      };
      figures.decisions = decisions.map((d) => ({
        ...d,
        label:
          d.kind === 'held'
            ? (open.held.find((h) => h.orderId === d.id)?.label ?? '')
            : (open.payments.find((p) => p.paymentId === d.id)?.orderNumber ?? ''),
      }));
      // The head of the chain as it stands with everything this Z covers: printed, so a rewrite shows.
      const chainHead = this.ctx.repos.journal.head()?.mac || null;
      const id = newRecordId();
      this.s.insert.run({
        id,
        tillId,
        number,
        businessDay: day,
        madeAt: nowIso,
        madeById: who.by.id,
        madeByName: who.by.name,
        approvedById: who.approvedBy?.id ?? null,
        approvedByName: who.approvedBy?.name ?? null,
        fromAt: figures.fromAt,
        toAt: to,
        figures: JSON.stringify(figures),
        chainHead,
        grandTotalMinor: figures.grandTotalMinor,
      });
      this.ctx.repos.journal.append(
        nowIso,
        'z.made',
        {},
        {
          zId: id,
          number,
          businessDay: day,
          fromAt: figures.fromAt,
          toAt: to,
          netMinor: figures.netMinor,
          grandTotalMinor: figures.grandTotalMinor,
          chainHead: chainHead?.slice(0, 16) ?? null,
          decisions,
          by,
          ...(who.approvedBy
            ? { approvedBy: { id: who.approvedBy.id, name: who.approvedBy.name }, approvalId: who.approvalId }
            : {}),
        },
      );
      const report = toReport(this.s.byId.get(id)!);
      if (input.print !== false) this.queuePrint(report);
      return report;
    });
    return report;
  }

  /** Queued with the receipts when a printer is set up; a Z is made (and kept) without one. */
  private queuePrint(report: ZReport): boolean {
    try {
      const { columns } = this.printing.pageLayout();
      const lines = zReportLines(report, columns);
      this.printing.printDocument({
        kind: 'report',
        bytes: linesToEscPos(lines, columns),
        html: `<pre class="z-report">${escapeHtml(lines.join('\n'))}</pre>`,
      });
      return true;
    } catch (err) {
      if (err instanceof TillError && err.code === 'NO_PRINTER') return false;
      throw err;
    }
  }

  /** Prints a Z again (journaled); NO_PRINTER when none is set up. */
  reprint(id: string): { printed: true } {
    this.ctx.staff.requireSignedIn();
    this.ctx.tx(() => {
      const row = this.s.byId.get(id);
      if (!row) throw new TillError('Z_NOT_FOUND', `No Z ${id}`, { id });
      const who = this.ctx.staff.authorize('reports');
      const report = toReport(row);
      const { columns } = this.printing.pageLayout();
      const lines = zReportLines(report, columns);
      this.printing.printDocument({
        kind: 'report',
        bytes: linesToEscPos(lines, columns),
        html: `<pre class="z-report">${escapeHtml(lines.join('\n'))}</pre>`,
      });
      this.ctx.repos.journal.append(
        this.ctx.clock().toISOString(),
        'z.reprinted',
        {},
        {
          zId: id,
          number: report.number,
          by: { id: who.by.id, name: who.by.name },
        },
      );
    });
    return { printed: true };
  }

  list(limit = 100): ZSummary[] {
    this.ctx.staff.authorize('reports');
    return this.s.list.all(this.tillId(), limit).map((r) => {
      const { figures, fromAt: _f, toAt: _t, ...rest } = toReport(r);
      return { ...rest, netMinor: figures.netMinor };
    });
  }

  get(id: string): ZReport {
    this.ctx.staff.authorize('reports');
    const row = this.s.byId.get(id);
    if (!row) throw new TillError('Z_NOT_FOUND', `No Z ${id}`, { id });
    return toReport(row);
  }

  /** The range and number the next Z of `day` would have, for the benchmark's compute-only runs. */
  preview(day: string): ZReportFigures {
    const last = this.s.last.get(this.tillId()) ?? null;
    const range = tillBusinessDayRange(this.ctx, day);
    const from = last ? last.to_at : range.fromIso;
    return this.compute(day, nextZNumber(last?.number ?? null), from, range.toIso, last);
  }
}

interface Range {
  tillId: string;
  from: string;
  to: string;
}

interface LineAgg {
  grossMinor: number;
  lineDiscountMinor: number;
  orderDiscountShareMinor: number;
  totalMinor: number;
  taxMinor: number;
  taxRateBp: number;
}

interface PaymentAgg {
  id: number;
  orderId: number;
  orderNumber: string;
  businessDay: string | null;
  method: PaymentMethod;
  provider: string | null;
  status: PaymentState;
  amountMinor: number;
  tenderedMinor: number | null;
  changeMinor: number | null;
  confirmedByHand: number;
  confirmedBy: string | null;
  attention: string | null;
  reason: string | null;
}

interface RefundAgg {
  id: number;
  amountMinor: number;
  method: PaymentMethod;
  provider: string | null;
  orderNumber: string;
  businessDay: string | null;
}

const METHOD_NAMES: Record<string, string> = {
  cash: 'Cash 现金',
  alipay: 'Alipay 支付宝',
  wechat: 'WeChat 微信',
  demo: 'Demo',
  bank_qr: 'Bank QR 银行码',
};

function money(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** The printed page: plain lines, label left and amount right, within the printer's columns. */
export function zReportLines(z: ZReport, columns: number): string[] {
  const f = z.figures;
  const width = (s: string) => [...s].reduce((n, ch) => n + (ch.charCodeAt(0) > 0x2e7f ? 2 : 1), 0);
  const row = (label: string, value: string) =>
    `${label}${' '.repeat(Math.max(1, columns - width(label) - width(value)))}${value}`;
  const rule = '-'.repeat(columns);
  const out = [
    `Z ${String(z.number).padStart(4, '0')}  日结 Day close`,
    row('Business day 营业日', z.businessDay),
    row('Made 时间', z.madeAt.slice(0, 16).replace('T', ' ')),
    row('By 操作员', z.madeBy?.name ?? ''),
    ...(z.approvedBy ? [row('Approved 批准', z.approvedBy.name)] : []),
    row('Orders 单号', `${f.firstOrderNumber ?? '-'} .. ${f.lastOrderNumber ?? '-'} (${f.orderCount})`),
    rule,
    row('Gross 总额', money(f.grossMinor)),
    row('Discounts 折扣', money(-f.discountsMinor)),
    row('Sales 销售', money(f.salesMinor)),
    row('Refunds 退款', money(-f.refundsMinor)),
    row('Net 净额', money(f.netMinor)),
    rule,
    ...f.taxByRate.map((t) => row(`Tax ${t.taxRateBp / 100}% 税`, money(t.netTaxMinor))),
    rule,
    ...f.methods.flatMap((m) => [
      METHOD_NAMES[m.key] ?? m.key,
      row('  received 收', money(m.receivedMinor)),
      row('  refunded 退', money(-m.refundedMinor)),
      row('  net 净', money(m.netMinor)),
    ]),
    rule,
    row('Voids 作废', String(f.voids)),
    row('No-sale drawer 开钱箱', String(f.noSaleOpenings)),
    row('Price overrides 改价', String(f.priceOverrides)),
    ...f.bankQrConfirmedByHand.map((b) => row(`Bank QR by ${b.confirmedBy ?? '?'}`, money(b.amountMinor))),
    ...f.otherDays.map((o) => row(`${o.kind} #${o.orderNumber} ${o.orderBusinessDay ?? ''}`, money(o.amountMinor))),
    row('Held carried 挂单', String(f.carryOvers.held.length)),
    row('Open payments 待处理', String(f.carryOvers.payments.length)),
    rule,
    row('Grand total 累计', money(f.grandTotalMinor)),
    row('Journal 日志', z.chainHead ? z.chainHead.slice(0, 16) : '-'),
  ];
  return out;
}
