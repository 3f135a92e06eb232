// Refunds by line: find the order (receipt QR, order number, history), see what each line and payment may still
// give back, and refund lines (or all) to the payments that paid them. A ticket ("T1-R0001") records who did it
// and which lines; its money moves as `refunds` rows, one per payment: wallet parts through their provider under
// a refund number stored first (payments/refund-part.ts), drawer parts paid out at once with the drawer kick on
// the refund receipt. The order stays 'completed': a refund is its own record, counted on the day money moved.
import { TillError } from '../../shared/api';
import type { Order } from '../../shared/domain';
import { paidTheSale, parseOrderQrPayload } from '../../shared/receipt';
import {
  lineRefundMinor,
  type RefundLineRequest,
  type RefundMakeInput,
  type RefundPart,
  type RefundPreview,
  type RefundPreviewLine,
  type RefundPreviewPayment,
  type RefundResult,
  type RefundTicket,
  splitRefund,
} from '../../shared/refund';
import { newRecordId } from '../core/ids';
import type { RefundTicketRow, TicketRefundRow } from '../db/index';
import { addRefunded, type Checkout, refundNumberFor } from '../payments/index';
import { isoNow, localDay, type TillContext } from './context';
import type { OpenOrder } from './open-order';
import type { Printing } from './printing';
import { isDrawerPart, queueRefundReceipt, type ReceiptDeps } from './refund-receipt';
import type { Authorized } from './staff';

export interface RefundOptions {
  /** false: no background checks of refunds still on their way (tests call refund.check). */
  loops?: boolean;
  /** First wait before asking again about a wallet part still on its way (doubles up to 10 minutes). */
  checkMs?: number;
}

const INSTALL_ID_KEY = 'till.installId';
/** The reason of a drawer part paid instead of a part its provider refused. */
const CASH_INSTEAD = 'cash_instead';

export class Refunds {
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly ctx: TillContext,
    private readonly open: OpenOrder,
    private readonly checkout: Checkout,
    private readonly printing: Printing,
    private readonly o: RefundOptions = {},
  ) {}

  private get deps(): ReceiptDeps {
    return { ctx: this.ctx, open: this.open, printing: this.printing };
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  // ---- finding and reading ------------------------------------------------------------------------------

  /**
   * refund.find: a scanned receipt QR ("TPO-…"), an order number typed ("0042": today's on this till, else the
   * latest with that number; "T1-0042": that till's), or an order id from history ("#123" is not a number here).
   */
  find(text: string): RefundPreview {
    const t = text.trim();
    const qr = parseOrderQrPayload(t);
    if (qr) {
      const install = (this.ctx.repos.settings.get<string>(INSTALL_ID_KEY) ?? '').replace(/[^0-9A-Za-z]/g, '');
      // A receipt of another shop (another install) names an order id that is not theirs here.
      if (qr.installId && install && qr.installId !== install) {
        throw new TillError('ORDER_NOT_FOUND', 'This receipt is from another till installation', { text: t });
      }
      return this.preview(qr.orderId);
    }
    const m = /^(?:([0-9A-Za-z]{1,8})-)?#?(\d{1,6})$/.exec(t);
    if (!m) throw new TillError('ORDER_NOT_FOUND', `No order ${t}`, { text: t });
    const number = m[2].padStart(4, '0');
    const till = m[1] ?? null;
    const refunds = this.ctx.repos.refunds;
    const today = localDay(this.ctx.clock());
    const ids = refunds
      .ordersNumbered(number, till ?? this.ctx.tillId, today)
      .concat(refunds.ordersNumbered(number, till, null));
    if (!ids.length) throw new TillError('ORDER_NOT_FOUND', `No order ${t}`, { text: t });
    return this.preview(ids[0]);
  }

  /** refund.preview: each line's sold, refunded and refundable quantity and amount; each payment's too. */
  preview(orderId: number): RefundPreview {
    return this.ctx.tx(() => this.state(this.completedOrder(orderId)));
  }

  private completedOrder(orderId: number): Order {
    const row = this.ctx.repos.orders.byId(orderId);
    if (row?.status !== 'completed') {
      throw new TillError('ORDER_NOT_FOUND', `No completed order ${orderId}`, { orderId });
    }
    return this.open.orderById(orderId);
  }

  private state(order: Order): RefundPreview {
    const repo = this.ctx.repos.refunds;
    const done = new Map<number, { q: number; minor: number }>();
    for (const l of repo.linesForOrder(order.id)) {
      const d = done.get(l.order_line_id) ?? { q: 0, minor: 0 };
      done.set(l.order_line_id, { q: d.q + l.quantity, minor: d.minor + l.amount_minor });
    }
    const lines: RefundPreviewLine[] = order.lines.map((l) => {
      const d = done.get(l.id) ?? { q: 0, minor: 0 };
      return {
        lineId: l.id,
        name: l.name,
        nameEn: l.nameEn,
        quantity: l.quantity,
        unitPriceMinor: l.unitPriceMinor,
        totalMinor: l.totalMinor,
        refundedQuantity: d.q,
        refundedMinor: d.minor,
        refundableQuantity: l.quantity - d.q,
        refundableMinor: l.totalMinor - d.minor,
      };
    });
    const payments: RefundPreviewPayment[] = order.payments.filter(paidTheSale).map((p) => {
      const underwayMinor = repo.underwayFor(p.id);
      return {
        paymentId: p.id,
        method: p.method,
        provider: p.provider,
        amountMinor: p.amountMinor,
        refundedMinor: p.refundedMinor,
        underwayMinor,
        refundableMinor: Math.max(0, p.amountMinor - p.refundedMinor - underwayMinor),
        isDemo: p.isDemo,
      };
    });
    const tickets = repo.ticketsFor(order.id).map((t) => this.ticketView(t, order));
    return {
      orderId: order.id,
      orderNumber: order.number,
      completedAt: order.completedAt,
      currency: order.currency,
      totalMinor: order.totalMinor,
      lines,
      payments,
      tickets,
    };
  }

  private ticketView(t: RefundTicketRow, order: Pick<Order, 'number' | 'payments'>): RefundTicket {
    const repo = this.ctx.repos.refunds;
    const parts = repo.partsOf(t.id).map((r) => partView(r, order));
    return {
      id: t.id,
      number: t.number,
      orderId: t.order_id,
      orderNumber: order.number,
      status: t.status,
      totalMinor: t.total_minor,
      by: { id: t.by_id, name: t.by_name },
      approvedBy: t.approved_by_id === null ? null : { id: t.approved_by_id, name: t.approved_by_name ?? '' },
      createdAt: t.created_at,
      lines: repo
        .linesOf(t.id)
        .map((l) => ({ lineId: l.order_line_id, quantity: l.quantity, amountMinor: l.amount_minor })),
      parts,
      needsCashMinor: needsCash(repo.partsOf(t.id)),
    };
  }

  // ---- refunding ----------------------------------------------------------------------------------------

  /** refund.make */
  async make(input: RefundMakeInput): Promise<RefundResult> {
    const hasLines = input.lines !== undefined || input.full === true;
    if (input.cashInstead && !hasLines) return this.payRefusedInCash(input.orderId, input.approvalId);
    if (!hasLines || (input.lines && input.full)) {
      throw new TillError('INVALID_INPUT', 'Give the lines to refund, or full', { fields: 'lines, full' });
    }
    const ticketId = this.ctx.tx(() => this.createTicket(input));
    return this.askAndFinish(ticketId, true);
  }

  /** In one transaction: checks, the approval (used last, so a refusal writes nothing), the ticket and its parts. */
  private createTicket(input: RefundMakeInput): string {
    const order = this.completedOrder(input.orderId);
    const state = this.state(order);
    const wanted: RefundLineRequest[] = input.full
      ? state.lines
          .filter((l) => l.refundableQuantity > 0)
          .map((l) => ({ lineId: l.lineId, quantity: l.refundableQuantity }))
      : input.lines!;
    if (!wanted.length) throw new TillError('REFUND_NOTHING_LEFT', 'Everything of this order was refunded');
    const seen = new Set<number>();
    const lines = wanted.map((w) => {
      const line = state.lines.find((l) => l.lineId === w.lineId);
      if (!line)
        throw new TillError('LINE_NOT_FOUND', `Order ${order.number} has no line ${w.lineId}`, { lineId: w.lineId });
      if (seen.has(w.lineId)) throw new TillError('INVALID_INPUT', 'A line is named twice', { fields: 'lines' });
      seen.add(w.lineId);
      if (w.quantity > line.refundableQuantity) {
        throw new TillError('REFUND_TOO_MUCH', `Line ${w.lineId} has ${line.refundableQuantity} left to refund`, {
          lineId: w.lineId,
          maxQuantity: line.refundableQuantity,
        });
      }
      const amountMinor = lineRefundMinor(
        {
          quantity: line.quantity,
          totalMinor: line.totalMinor,
          refundedQuantity: line.refundedQuantity,
          refundedMinor: line.refundedMinor,
        },
        w.quantity,
      );
      return { line, quantity: w.quantity, amountMinor };
    });
    const totalMinor = lines.reduce((a, l) => a + l.amountMinor, 0);
    const shares = splitRefund(
      totalMinor,
      state.payments.map((p) => ({ ...p })),
    );
    if (!shares) {
      const maxMinor = state.payments.reduce((a, p) => a + p.refundableMinor, 0);
      throw new TillError('REFUND_TOO_MUCH', 'The payments have less left to give back', { maxMinor });
    }
    const auth = this.ctx.staff.authorize('refund', input.approvalId);
    if (input.cashInstead) requireOwner(auth);

    const at = isoNow(this.ctx);
    const repo = this.ctx.repos.refunds;
    const seq = this.ctx.repos.payments.nextSequence(`refund:${this.ctx.tillId}`);
    const number = `${this.ctx.tillId}-R${String(seq).padStart(4, '0')}`;
    const ticket = repo.insertTicket({
      id: newRecordId(),
      number,
      order_id: order.id,
      by_id: auth.by.id,
      by_name: auth.by.name,
      approved_by_id: auth.approvedBy?.id ?? null,
      approved_by_name: auth.approvedBy?.name ?? null,
      approval_id: auth.approvalId,
      reason: input.reason ?? null,
      total_minor: totalMinor,
      status: 'processing',
      created_at: at,
    });
    for (const l of lines) {
      repo.insertLine({
        ticket_id: ticket.id,
        order_line_id: l.line.lineId,
        quantity: l.quantity,
        amount_minor: l.amountMinor,
      });
    }
    const parts: Record<string, unknown>[] = [];
    let drawer = 0;
    for (const s of shares) {
      const p = order.payments.find((x) => x.id === s.paymentId)!;
      const fromDrawer = s.fromDrawer || input.cashInstead === true;
      const refundNumber = fromDrawer
        ? `${number}-${++drawer}`
        : refundNumberFor(p.tradeNumber!, this.ctx.repos.payments.refundsFor(p.id).length + 1);
      repo.insertPart({
        ticketId: ticket.id,
        refundNumber,
        paymentId: p.id,
        amountMinor: s.amountMinor,
        status: fromDrawer ? 'refunded' : 'requested',
        cashInstead: fromDrawer && p.method !== 'cash',
        reason: 'refund',
        at,
      });
      if (fromDrawer) this.paidFromDrawer(p.id, s.amountMinor, at, refundNumber, number);
      parts.push({ refundNumber, paymentId: p.id, amountMinor: s.amountMinor, fromDrawer });
    }
    this.ctx.repos.journal.append(
      at,
      'refund.made',
      { orderId: order.id },
      {
        ticketId: ticket.id,
        number,
        totalMinor,
        lines: lines.map((l) => ({ lineId: l.line.lineId, quantity: l.quantity, amountMinor: l.amountMinor })),
        parts,
        ...(input.cashInstead ? { cashInstead: true } : {}),
        ...(input.reason ? { reason: input.reason } : {}),
        ...who(auth),
      },
    );
    return ticket.id;
  }

  /** Inside a transaction: money handed back from the drawer for one payment (cash, or instead of a wallet). */
  private paidFromDrawer(paymentId: number, amountMinor: number, at: string, refundNumber: string, ticket: string) {
    const moved = addRefunded({ payments: this.ctx.repos.payments }, paymentId, amountMinor, at, {
      refundNumber,
      ticket,
      fromDrawer: true,
    });
    // Told after the commit, like every payment move.
    setImmediate(() => this.ctx.bus.emit('payment.changed', moved));
  }

  /**
   * Asks the provider for each wallet part still 'requested' or 'processing' (one after the other, each under
   * its stored number), then writes the ticket's status; the first time, queues the refund receipt (with the
   * drawer kick when the drawer paid part of it, `kick`).
   */
  private async askAndFinish(ticketId: string, kick: boolean): Promise<RefundResult> {
    const repo = this.ctx.repos.refunds;
    let refusal: string | null = null;
    let unknown = false;
    for (const part of repo.partsOf(ticketId)) {
      if (part.status !== 'requested' && part.status !== 'processing') continue;
      if (part.cash_instead || this.ctx.repos.payments.byId(part.payment_id)?.method === 'cash') continue;
      const out = await this.checkout.refundPart(part.id);
      if (this.closed) throw new TillError('INTERNAL', 'The till is closing');
      if (out.status === 'failed') refusal ??= out.failure ?? 'failed';
      if (out.pending || out.status === 'processing') unknown = true;
    }
    const { ticket, jobId } = this.ctx.tx(() => {
      const t = repo.ticket(ticketId)!;
      const parts = repo.partsOf(ticketId);
      const status = ticketStatus(parts);
      const at = isoNow(this.ctx);
      if (status !== t.status) repo.setTicketStatus(ticketId, status, at);
      let jobId: number | null = null;
      if (t.answered_at === null) {
        repo.setAnswered(ticketId, at);
        jobId = queueRefundReceipt(this.deps, repo.ticket(ticketId)!, parts, { kick });
      }
      return { ticket: repo.ticket(ticketId)!, jobId };
    });
    if (unknown || ticket.status === 'processing') this.scheduleCheck(ticketId);
    const preview = this.preview(ticket.order_id);
    const view = preview.tickets.find((t) => t.id === ticketId)!;
    this.ctx.bus.emit('orders.changed', { orderId: ticket.order_id, status: 'completed' });
    return {
      ticket: view,
      preview,
      offerCash:
        view.needsCashMinor > 0 ? { amountMinor: view.needsCashMinor, reason: refusal ?? failureOf(view) } : null,
      jobId,
    };
  }

  /**
   * refund.make {cashInstead, no lines}: what providers refused on this order's tickets, paid from the drawer
   * (the owner signed in, or their approval), journaled, with its own refund receipt and the drawer kick.
   */
  private payRefusedInCash(orderId: number, approvalId: string | undefined): RefundResult {
    const done = this.ctx.tx(() => {
      this.completedOrder(orderId);
      const repo = this.ctx.repos.refunds;
      const ticket = repo.ticketsFor(orderId).find((t) => needsCash(repo.partsOf(t.id)) > 0);
      if (!ticket) throw new TillError('REFUND_NOTHING_LEFT', 'No refund of this order waits for cash');
      const auth = this.ctx.staff.authorize('refund', approvalId);
      requireOwner(auth);
      const at = isoNow(this.ctx);
      const parts = repo.partsOf(ticket.id);
      let n = parts.filter((p) => isDrawerPart(p, this.ctx.repos.payments)).length;
      const paid: Record<string, unknown>[] = [];
      for (const [paymentId, amountMinor] of needsCashByPayment(parts)) {
        const refundNumber = `${ticket.number}-${++n}`;
        repo.insertPart({
          ticketId: ticket.id,
          refundNumber,
          paymentId,
          amountMinor,
          status: 'refunded',
          cashInstead: true,
          reason: CASH_INSTEAD,
          at,
        });
        this.paidFromDrawer(paymentId, amountMinor, at, refundNumber, ticket.number);
        paid.push({ refundNumber, paymentId, amountMinor });
      }
      this.ctx.repos.journal.append(
        at,
        'refund.cashInstead',
        { orderId },
        { ticketId: ticket.id, number: ticket.number, parts: paid, ...who(auth) },
      );
      const all = repo.partsOf(ticket.id);
      repo.setTicketStatus(ticket.id, ticketStatus(all), at);
      return {
        ticketId: ticket.id,
        jobId: queueRefundReceipt(this.deps, repo.ticket(ticket.id)!, all, { kick: true, only: paid, auth }),
      };
    });
    const preview = this.preview(orderId);
    const view = preview.tickets.find((t) => t.id === done.ticketId)!;
    this.ctx.bus.emit('orders.changed', { orderId, status: 'completed' });
    return { ticket: view, preview, offerCash: null, jobId: done.jobId };
  }

  /** refund.check: asks again about a ticket's parts still on their way (the same refund numbers). */
  check(ticketId: string): Promise<RefundResult> {
    const t = this.ctx.repos.refunds.ticket(ticketId);
    if (!t) throw new TillError('REFUND_NOT_FOUND', `No refund ${ticketId}`, { ticketId });
    // A ticket the till stopped before answering gets its receipt now, without opening the drawer.
    return this.askAndFinish(ticketId, false);
  }

  /** At start: tickets a stopped till left on their way are asked about again (in the background). */
  async resume(): Promise<void> {
    for (const t of this.ctx.repos.refunds.openTickets()) {
      if (this.closed) return;
      if (t.status === 'needs_cash' && t.answered_at !== null) continue;
      try {
        await this.askAndFinish(t.id, false);
      } catch (err) {
        console.warn(`[refund] ${t.number}: could not ask again:`, (err as Error).message);
      }
    }
  }

  private scheduleCheck(ticketId: string, attempt = 0): void {
    if (this.closed || this.o.loops === false) return;
    const ms = Math.min((this.o.checkMs ?? 15_000) * 2 ** attempt, 10 * 60_000);
    const timer = setTimeout(async () => {
      this.timers.delete(timer);
      if (this.closed) return;
      const t = this.ctx.repos.refunds.ticket(ticketId);
      if (t?.status !== 'processing') return;
      try {
        await this.askAndFinish(ticketId, false);
      } catch (err) {
        console.warn(`[refund] ${t.number}: check failed:`, (err as Error).message);
      }
      if (this.ctx.repos.refunds.ticket(ticketId)?.status === 'processing') this.scheduleCheck(ticketId, attempt + 1);
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }
}

function requireOwner(auth: Authorized): void {
  if (auth.by.role !== 'owner' && auth.approvedBy?.role !== 'owner') {
    throw new TillError('NOT_ALLOWED', 'Only the owner can pay a refund from the drawer instead', { action: 'refund' });
  }
}

function who(auth: Authorized): Record<string, unknown> {
  return {
    by: { id: auth.by.id, name: auth.by.name },
    ...(auth.approvedBy
      ? { approvedBy: { id: auth.approvedBy.id, name: auth.approvedBy.name }, approvalId: auth.approvalId }
      : {}),
  };
}

/** Per payment: what its provider refused in this ticket and the drawer has not paid instead yet. */
function needsCashByPayment(parts: readonly TicketRefundRow[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const p of parts) {
    const delta =
      p.status === 'failed' ? p.amount_minor : p.cash_instead === 1 && p.reason === CASH_INSTEAD ? -p.amount_minor : 0;
    if (delta) out.set(p.payment_id, (out.get(p.payment_id) ?? 0) + delta);
  }
  for (const [k, v] of out) if (v <= 0) out.delete(k);
  return out;
}

function needsCash(parts: readonly TicketRefundRow[]): number {
  let sum = 0;
  for (const v of needsCashByPayment(parts).values()) sum += v;
  return sum;
}

function ticketStatus(parts: readonly TicketRefundRow[]): RefundTicketRow['status'] {
  if (needsCash(parts) > 0) return 'needs_cash';
  return parts.some((p) => p.status === 'requested' || p.status === 'processing') ? 'processing' : 'done';
}

function failureOf(t: RefundTicket): string {
  return t.parts.find((p) => p.status === 'failed')?.failure ?? 'failed';
}

function partView(r: TicketRefundRow, order: Pick<Order, 'payments'>): RefundPart {
  const pay = order.payments.find((p) => p.id === r.payment_id);
  return {
    refundNumber: r.refund_number,
    paymentId: r.payment_id,
    method: pay?.method ?? 'cash',
    provider: pay?.provider ?? null,
    amountMinor: r.amount_minor,
    status: r.status,
    cashInstead: r.cash_instead === 1,
    failure: r.failure,
  };
}
