// Shifts (交班): one drawer session per till. Opened with a counted float, cash in/out with a reason (the drawer
// opens), closed with a BLIND count: the expected cash reaches a cashier only in the report that shift.close
// returns, after the count is stored. The report is computed by shared/shift.ts and frozen at close.
//
// Which money is a shift's: payments of this till whose money moved (paid, partially_refunded, refunded; at
// settled_at, or created_at for cash) and refunds that went through (at updated_at), after `counts_after` (the
// previous shift's close) and up to the close. A wallet payment settling between two shifts lands in the next.
import { TillError } from '../../shared/api';
import { can } from '../../shared/staff';
import {
  type CashCount,
  countedCashMinor,
  type ShiftPaymentInput,
  type ShiftReport,
  shiftFigures,
} from '../../shared/shift';
import {
  type CarryItem,
  type CashCountInput,
  type CashMovement,
  type ShiftCurrent,
  type ShiftListItem,
  type ShiftReportView,
  type ShiftSummary,
  toCashCount,
} from '../../shared/shift-api';
import { newRecordId } from '../core/ids';
import type { CashMovementRow, ShiftRow } from '../db/shifts';
import { shiftReportHtml, shiftReportLines } from '../printing/shift-report';
import { linesToEscPos } from '../printing/escpos';
import type { TillContext } from './context';
import type { Printing } from './printing';

type ShiftPrinting = Pick<Printing, 'printDocument' | 'queueDrawerKick' | 'pageLayout'>;

/** What the frozen report column holds. */
interface StoredReport {
  figures: ShiftReport;
  carriedOver: CarryItem[];
  print: ShiftReportView['print'];
}

export interface CloseInput {
  count: CashCountInput;
  held: { orderId: number; action: 'keep' | 'void' }[];
  payments: { paymentId: number; action: 'keep' }[];
  approvalId?: string;
}

export class Shifts {
  constructor(
    private readonly ctx: TillContext,
    private readonly printing: ShiftPrinting,
  ) {}

  private get repo() {
    return this.ctx.repos.shifts;
  }

  /** Selling needs an open shift at this till (cart, cash and wallet checkout call this first). */
  requireOpen(): ShiftRow {
    const open = this.repo.openFor(this.ctx.tillId);
    if (!open) throw new TillError('SHIFT_NOT_OPEN', 'Open a shift first: selling needs an open shift at this till');
    return open;
  }

  current(): ShiftCurrent {
    const open = this.repo.openFor(this.ctx.tillId);
    const me = this.ctx.staff.current();
    // The blind close: expected cash and sales totals only for a role that may see reports.
    const figures = open && me && can(me.role, 'reports') ? this.figures(open, null, null) : null;
    return { shift: open ? this.summary(open) : null, carriedOver: this.carried(open), figures };
  }

  open(count: CashCountInput): ShiftCurrent {
    const me = this.ctx.staff.requireSignedIn();
    const { cashCount, minor } = this.countOf(count);
    this.ctx.tx(() => {
      const already = this.repo.openFor(this.ctx.tillId);
      if (already) {
        throw new TillError('SHIFT_OPEN', `Shift ${already.number} is open at this till`, { number: already.number });
      }
      const now = this.ctx.clock();
      const at = now.toISOString();
      const last = this.repo.lastClosedFor(this.ctx.tillId);
      const seq = this.ctx.repos.payments.nextSequence(`shift:${this.ctx.tillId}`);
      const number = `${this.ctx.tillId}-S${String(seq).padStart(4, '0')}`;
      const carriedIn = last ? kept(parse<CarryItem[]>(last.carried_over, [])) : [];
      const id = newRecordId();
      this.repo.insert({
        id,
        tillId: this.ctx.tillId,
        number,
        openedById: me.id,
        openedByName: me.name,
        openedAt: at,
        // The first shift counts from its own opening (timestamps are whole milliseconds).
        countsAfter: last?.closed_at ?? new Date(now.getTime() - 1).toISOString(),
        floatMinor: minor,
        floatCount: JSON.stringify(cashCount),
        carriedIn: JSON.stringify(carriedIn),
      });
      this.ctx.repos.journal.append(
        at,
        'shift.opened',
        {},
        { shiftId: id, number, floatMinor: minor, count: cashCount, by: who(me), carriedIn: carriedIn.length },
      );
    });
    const current = this.current();
    this.ctx.bus.emit('shift.changed', { open: true, number: current.shift!.number });
    return current;
  }

  cashMove(kind: 'in' | 'out', amountMinor: number, reason: string): ShiftCurrent {
    const me = this.ctx.staff.requireSignedIn();
    const text = reason.trim();
    if (!text) throw new TillError('INVALID_INPUT', 'A cash movement needs a reason');
    this.ctx.tx(() => {
      const shift = this.requireOpen();
      const at = this.ctx.clock().toISOString();
      const m = this.repo.insertMovement({
        id: newRecordId(),
        shift_id: shift.id,
        kind,
        amount_minor: amountMinor,
        reason: text,
        by_id: me.id,
        by_name: me.name,
        at,
      });
      // The drawer opens for the cash to go in or out: stored with the movement, sent after the commit.
      const drawer = this.printing.queueDrawerKick();
      this.ctx.repos.journal.append(
        at,
        'shift.cashMoved',
        {},
        {
          shiftId: shift.id,
          number: shift.number,
          movementId: m.id,
          kind,
          amountMinor,
          reason: text,
          by: who(me),
          drawerJobId: drawer?.jobId ?? null,
        },
      );
    });
    return this.current();
  }

  /** What is still open at this till: held orders, then payments pending or on the attention list. */
  checklist(): CarryItem[] {
    this.ctx.staff.requireSignedIn();
    return this.openItems();
  }

  close(input: CloseInput): ShiftReportView {
    const me = this.ctx.staff.requireSignedIn();
    const { cashCount } = this.countOf(input.count);
    const view = this.ctx.tx(() => {
      const shift = this.requireOpen();
      const items = this.openItems();
      const heldDecisions = new Map(input.held.map((d) => [d.orderId, d.action]));
      const payDecisions = new Map(input.payments.map((d) => [d.paymentId, d.action]));
      const decided = items.map((item) => ({
        ...item,
        decision: (item.kind === 'held' ? heldDecisions.get(item.orderId!) : payDecisions.get(item.paymentId!)) ?? null,
      }));
      const missing = decided.filter((i) => i.decision === null).length;
      if (missing) {
        throw new TillError('SHIFT_CHECKLIST', `${missing} open item(s) need a decision before the close`, { missing });
      }
      const voids = decided.filter((i) => i.kind === 'held' && i.decision === 'void');
      for (const v of voids) {
        // Money taken or still coming for it must not vanish with a void.
        const moved = this.ctx.repos.payments
          .forOrder(v.orderId!)
          .some((p) => !['failed', 'expired', 'cancelled'].includes(p.status));
        if (moved) {
          throw new TillError('PAYMENT_STATE', `Held order ${v.orderId} has a payment: keep it`, {
            orderId: v.orderId!,
          });
        }
      }
      // Keeping is always allowed; voiding is a cashier's only with an owner's approval (consumed here).
      const auth = voids.length ? this.ctx.staff.authorize('voidAfterTotalShown', input.approvalId) : null;

      const closedAt = this.ctx.clock().toISOString();
      const figures = this.figures(shift, closedAt, cashCount);
      for (const v of voids) {
        this.ctx.repos.orders.void(v.orderId!, closedAt);
        this.ctx.repos.journal.append(
          closedAt,
          'cart.voided',
          { orderId: v.orderId },
          { reason: 'shiftClose', shiftId: shift.id, totalMinor: v.amountMinor, by: who(me), ...approval(auth) },
        );
      }
      const closed = { ...shift, closed_by_id: me.id, closed_by_name: me.name, closed_at: closedAt };
      const partial: ShiftReportView = {
        shift: this.summary(closed),
        figures,
        count: input.count,
        carriedOver: decided,
        print: null,
      };
      const print = this.queuePrint(partial);
      const stored: StoredReport = { figures, carriedOver: decided, print };
      const ok = this.repo.close(shift.id, {
        closedById: me.id,
        closedByName: me.name,
        closedAt,
        countedMinor: figures.cash.countedMinor!,
        count: JSON.stringify(cashCount),
        expectedMinor: figures.cash.expectedMinor,
        differenceMinor: figures.cash.differenceMinor!,
        report: JSON.stringify(stored),
        carriedOver: JSON.stringify(decided),
      });
      if (!ok) throw new TillError('SHIFT_NOT_OPEN', 'This shift was closed already');
      this.ctx.repos.journal.append(
        closedAt,
        'shift.closed',
        {},
        {
          shiftId: shift.id,
          number: shift.number,
          by: who(me),
          ...approval(auth),
          countedMinor: figures.cash.countedMinor,
          expectedMinor: figures.cash.expectedMinor,
          differenceMinor: figures.cash.differenceMinor,
          decisions: decided.map((d) => ({
            kind: d.kind,
            orderId: d.orderId,
            paymentId: d.paymentId,
            decision: d.decision,
          })),
          printJobId: print.jobId,
        },
      );
      return { ...partial, print };
    });
    this.ctx.bus.emit('shift.changed', { open: false, number: view.shift.number });
    for (const v of view.carriedOver) {
      if (v.decision === 'void') this.ctx.bus.emit('orders.changed', { orderId: v.orderId!, status: 'voided' });
    }
    return view;
  }

  /** A closed shift's frozen report: for whoever closed it, or a role that may see reports. */
  report(shiftId: string): ShiftReportView {
    const row = this.readable(shiftId);
    const stored = parse<StoredReport>(row.report, null as never);
    return {
      shift: this.summary(row),
      figures: stored.figures,
      count: fromStoredCount(parse<CashCount>(row.count, { totalMinor: 0 })),
      carriedOver: stored.carriedOver,
      print: stored.print,
    };
  }

  /** Prints a closed shift's report again. */
  print(shiftId: string): NonNullable<ShiftReportView['print']> {
    const view = this.report(shiftId);
    const me = this.ctx.staff.requireSignedIn();
    return this.ctx.tx(() => {
      const print = this.queuePrint(view);
      this.ctx.repos.journal.append(
        this.ctx.clock().toISOString(),
        'shift.printed',
        {},
        {
          shiftId,
          number: view.shift.number,
          by: who(me),
          printJobId: print.jobId,
          problem: print.problem,
        },
      );
      return print;
    });
  }

  /** Past and current shifts, newest first; a cashier sees the ones they closed. */
  list(limit: number): ShiftListItem[] {
    const me = this.ctx.staff.requireSignedIn();
    const rows = this.repo.list(this.ctx.tillId, limit, can(me.role, 'reports') ? null : me.id);
    return rows.map((r) => ({
      ...this.summary(r),
      expectedMinor: r.expected_minor,
      countedMinor: r.counted_minor,
      differenceMinor: r.difference_minor,
    }));
  }

  // ---- internals ---------------------------------------------------------------------------------------

  private readable(shiftId: string): ShiftRow {
    const me = this.ctx.staff.requireSignedIn();
    const row = this.repo.byId(shiftId);
    if (!row || row.till_id !== this.ctx.tillId) {
      throw new TillError('SHIFT_NOT_FOUND', `No shift ${shiftId} at this till`);
    }
    // Blind: an open shift has no report until it is closed.
    if (!row.closed_at) throw new TillError('SHIFT_OPEN', `Shift ${row.number} is still open`, { number: row.number });
    if (row.closed_by_id !== me.id) this.ctx.staff.authorize('reports');
    return row;
  }

  private countOf(count: CashCountInput): { cashCount: CashCount; minor: number } {
    const cashCount = toCashCount(count);
    if (!cashCount) {
      throw new TillError('INVALID_INPUT', 'Count the cash as one total or by denomination (one of the two)');
    }
    try {
      return { cashCount, minor: countedCashMinor(cashCount, this.ctx.settings.get().currency) };
    } catch (err) {
      throw new TillError('INVALID_INPUT', (err as Error).message);
    }
  }

  private figures(shift: ShiftRow, upTo: string | null, counted: CashCount | null): ShiftReport {
    const tillId = this.ctx.tillId;
    const rows = new Map<number, ShiftPaymentInput>();
    const add = (p: ReturnType<typeof this.repo.paymentsOpen>[number]) =>
      rows.set(p.id, {
        id: p.id,
        orderId: p.order_id,
        orderNumber: p.order_number || undefined,
        method: p.method,
        provider: p.method === 'bank_qr' ? null : p.provider,
        status: p.status,
        amountMinor: p.amount_minor,
        tenderedMinor: p.tendered_minor,
        changeMinor: p.change_minor,
        confirmedByHand: p.confirmed_by_hand === 1,
        confirmedBy: p.confirmed_by_hand === 1 ? this.confirmedBy(p.order_id, p.id) : null,
        attention: p.attention,
      });
    for (const p of this.repo.paymentsMoved(tillId, shift.counts_after, upTo)) add(p);
    for (const p of this.repo.paymentsOpen(tillId)) if (!rows.has(p.id)) add(p);
    const movements = this.repo.movements(shift.id);
    return shiftFigures({
      currency: this.ctx.settings.get().currency,
      openingFloatMinor: shift.float_minor,
      payments: [...rows.values()],
      refunds: this.repo.refundsDone(tillId, shift.counts_after, upTo).map((r) => ({
        id: r.id,
        method: r.method,
        provider: r.method === 'bank_qr' ? null : r.provider,
        amountMinor: r.amount_minor,
      })),
      movements: movements.map((m) => ({ amountMinor: m.amount_minor, direction: m.kind, reason: m.reason })),
      counted,
    });
  }

  /** Who confirmed a bank QR by hand, from its journal row (null when the row does not say). */
  private confirmedBy(orderId: number, paymentId: number): string | null {
    const name = this.ctx.db
      .prepare(
        "SELECT json_extract(data, '$.by.name') FROM journal WHERE order_id = ? AND payment_id = ?" +
          " AND json_extract(data, '$.confirmedByHand') = 1 ORDER BY id DESC LIMIT 1",
      )
      .pluck()
      .get(orderId, paymentId);
    return typeof name === 'string' ? name : null;
  }

  private openItems(): CarryItem[] {
    const held: CarryItem[] = this.ctx.repos.orders.held(this.ctx.tillId).map((h) => ({
      kind: 'held',
      orderId: h.id,
      paymentId: null,
      label: h.heldLabel ?? h.firstLineName,
      amountMinor: h.totalMinor,
      method: null,
      provider: null,
      status: 'held',
      attention: null,
      at: h.heldAt,
      decision: null,
    }));
    const payments: CarryItem[] = this.repo.paymentsOpen(this.ctx.tillId).map((p) => ({
      kind: 'payment',
      orderId: p.order_id,
      paymentId: p.id,
      label: p.order_number || null,
      amountMinor: p.amount_minor,
      method: p.method,
      provider: p.provider,
      status: p.status,
      attention: p.attention,
      at: p.at,
      decision: null,
    }));
    return [...held, ...payments];
  }

  /** The carry-overs to show: the open shift's (from the shift before it), else the last closed shift's. */
  private carried(open: ShiftRow | undefined): CarryItem[] {
    if (open) return parse<CarryItem[]>(open.carried_in, []);
    const last = this.repo.lastClosedFor(this.ctx.tillId);
    return last ? kept(parse<CarryItem[]>(last.carried_over, [])) : [];
  }

  private queuePrint(view: ShiftReportView): NonNullable<ShiftReportView['print']> {
    let layout: ReturnType<ShiftPrinting['pageLayout']>;
    try {
      layout = this.printing.pageLayout();
      const { jobId } = this.printing.printDocument({
        kind: 'report',
        bytes: linesToEscPos(shiftReportLines(view, layout.columns), layout.columns),
        html: shiftReportHtml(view, layout.columns),
      });
      return { jobId, problem: null };
    } catch (err) {
      // No printer: the report is kept and viewable; the answer says it was not printed.
      if (err instanceof TillError && (err.code === 'NO_PRINTER' || err.code === 'PRINTER_NOT_BUILT')) {
        return { jobId: null, problem: err.code };
      }
      throw err;
    }
  }

  private summary(r: ShiftRow): ShiftSummary {
    return {
      id: r.id,
      number: r.number,
      tillId: r.till_id,
      openedBy: { id: r.opened_by_id, name: r.opened_by_name },
      openedAt: r.opened_at,
      floatMinor: r.float_minor,
      closedBy: r.closed_by_id === null ? null : { id: r.closed_by_id, name: r.closed_by_name ?? '' },
      closedAt: r.closed_at,
      movements: this.repo.movements(r.id).map(toMovement),
    };
  }
}

function toMovement(m: CashMovementRow): CashMovement {
  return {
    id: m.id,
    kind: m.kind,
    amountMinor: m.amount_minor,
    reason: m.reason,
    by: { id: m.by_id, name: m.by_name },
    at: m.at,
  };
}

function who(p: { id: number; name: string }) {
  return { id: p.id, name: p.name };
}

function approval(auth: { approvedBy: { id: number; name: string } | null; approvalId: string | null } | null) {
  return auth?.approvedBy ? { approvedBy: who(auth.approvedBy), approvalId: auth.approvalId } : {};
}

/** Items carried to the next shift: the ones kept (voided held orders are gone). */
function kept(items: CarryItem[]): CarryItem[] {
  return items.filter((i) => i.decision !== 'void');
}

function parse<T>(json: string | null, fallback: T): T {
  return json === null ? fallback : (JSON.parse(json) as T);
}

function fromStoredCount(c: CashCount): CashCountInput {
  if ('totalMinor' in c) return { totalMinor: c.totalMinor };
  return {
    byDenomination: Object.entries(c.byDenomination).map(([d, n]) => ({ denominationMinor: Number(d), count: n })),
  };
}
