// Moving a payment: one move with its journal row, ending an unpaid attempt, settling a paid one (which
// completes its order in the same transaction when that pays it in full), and an amount the provider holds
// that differs from ours (never settled: attention list).
import type { Order, Payment } from '../../shared/domain';
import { canTransition, dueOf, isLatePayment, isOpen, type PaymentState } from '../../shared/payment';
import { crashPoint } from '../core/crash';
import type { PaymentFields } from '../db/index';
import { isoNow } from '../till/context';
import { refundPaidTwice } from './attention';
import { type Engine, MISMATCH, PAID_TWICE } from './engine';
import { step } from './query-loop';

/** One move with its journal row; tells everyone when it happened. Returns the payment, or null if it had moved. */
export function move(
  engine: Engine,
  id: number,
  from: PaymentState,
  to: PaymentState,
  fields: PaymentFields = {},
): Payment | null {
  const now = isoNow(engine.ctx);
  const moved = engine.ctx.tx(() => {
    const p = engine.payments.transition(id, from, to, fields, { at: now });
    if (p) engine.orders.touch(p.orderId, now);
    return p;
  });
  if (moved) engine.changed(moved);
  return moved;
}

/**
 * Ends an unpaid attempt: from where it is, through 'closing' when the state machine asks for it, to
 * `final`; an abandoned or unsettled attempt leaves the attention list (nothing more to do). One transaction.
 */
export function endUnpaid(
  engine: Engine,
  id: number,
  final: 'expired' | 'cancelled' | 'failed',
  reason?: string,
): Payment | null {
  const now = isoNow(engine.ctx);
  const moved = engine.ctx.tx(() => {
    let p: Payment | null | undefined = engine.payments.byId(id);
    if (!p || !isOpen(p.status)) return null;
    const fields: PaymentFields = { settledAt: now };
    if (reason !== undefined) fields.reason = reason;
    if (p.attention === 'abandoned' || p.attention === 'unsettled') fields.attention = null;
    // Already closing (the cashier cancelled, or it expired): it ends the way its close was meant.
    if (p.status === 'closing' && !canTransition('closing', final)) {
      final = p.reason === 'expired' ? 'expired' : 'cancelled';
    }
    if (!canTransition(p.status, final)) {
      p = engine.payments.transition(id, p.status, 'closing', {}, { at: now });
      if (!p) return null;
    }
    const done = engine.payments.transition(id, p.status, final, fields, { at: now });
    if (done) engine.orders.touch(done.orderId, now);
    return done;
  });
  if (moved) {
    engine.closesSent.delete(id);
    engine.changed(moved, true);
  }
  return moved;
}

/**
 * Marks a payment paid, in one transaction with its journal row and, when that pays the order in full,
 * the order's completion. A payment that arrives after its attempt ended, that was abandoned, or that the
 * order no longer needs, is a late payment: stored as paid, on the attention list, not applied.
 * Returns false when it was already paid (nothing happens a second time).
 */
export function settlePaid(
  engine: Engine,
  id: number,
  info: { providerRef?: string | null; confirmedByHand?: boolean } = {},
): boolean {
  const when = engine.ctx.clock();
  const now = when.toISOString();
  const result: {
    payment: Payment;
    late: boolean;
    paidTwice: boolean;
    sold: Order | null;
    cart: Order | null;
    closing: Payment[];
  } | null = engine.open.writeOutside(() => {
    const p = engine.payments.byId(id);
    if (!p || !canTransition(p.status, 'paid')) return null;
    const order = engine.orders.byId(p.orderId)!;
    const others = engine.payments.forOrder(order.id).filter((x) => x.id !== id);
    const dueBefore = dueOf(order.total_minor, others);
    const orderOpen = order.status === 'draft' || order.status === 'held';
    const late =
      isLatePayment(p.status, 'paid') || p.attention === 'abandoned' || !orderOpen || p.amountMinor > dueBefore;
    // Another trade of its checkout round paid the order first (two wallets scanned, or a close that came
    // too late): this one is given back at once (refundPaidTwice), and shows on the attention list.
    const siblings = p.groupId === null ? [] : others.filter((x) => x.groupId === p.groupId);
    const paidTwice = late && siblings.some((x) => isPaid(x.status) && x.attention === null);
    const fields: PaymentFields = {
      settledAt: now,
      reason: paidTwice ? PAID_TWICE : null,
      attention: late ? 'late_payment' : null,
    };
    if (info.providerRef) fields.providerRef = info.providerRef;
    if (info.confirmedByHand) fields.confirmedByHand = true;
    const paid = engine.payments.transition(id, p.status, 'paid', fields, {
      at: now,
      data: { amountMinor: p.amountMinor, late, ...(paidTwice ? { paidTwice } : {}) },
    });
    if (!paid) return null;
    crashPoint('pay.afterPaymentPaid');
    engine.orders.touch(order.id, now);
    let sold: Order | null = null;
    let cart: Order | null = null;
    const closing: Payment[] = [];
    if (!late && p.amountMinor === dueBefore) {
      ({ sold, cart } = engine.open.completePaid(order.id, when));
      // The order is paid: the round's other QRs (or its code charge) are closed now, in this transaction.
      for (const x of siblings) {
        if (!isOpen(x.status) || x.status === 'closing') continue;
        const moved = engine.payments.transition(
          x.id,
          x.status,
          'closing',
          { reason: 'cancelled' },
          {
            at: now,
            data: { why: 'paid_by_other', paidBy: p.id },
          },
        );
        if (moved) closing.push(moved);
      }
    }
    crashPoint('pay.beforeCommit');
    return { payment: paid, late, paidTwice, sold, cart, closing };
  });
  if (!result) return false;
  engine.stopLoop(id);
  engine.announce(result.payment, result.sold, result.cart, result.late);
  for (const x of result.closing) {
    engine.changed(x);
    void step(engine, x.id);
  }
  if (result.paidTwice) void refundPaidTwice(engine, id);
  return true;
}

function isPaid(status: PaymentState): boolean {
  return status === 'paid' || status === 'partially_refunded' || status === 'refunded';
}

/**
 * The provider says paid, for another amount than ours: on the attention list once (journaled once), its
 * order held (while the attempt is open) so that selling goes on; never settled for its order, never
 * closed by the loop, never dismissed.
 */
export function amountMismatch(engine: Engine, p: Payment, heldMinor: number): void {
  engine.stopLoop(p.id);
  if (p.reason === MISMATCH && p.attention === 'unsettled') return;
  const now = isoNow(engine.ctx);
  const result: { payment: Payment; cart: Order | null } | null = engine.open.writeOutside(() => {
    const payment = engine.payments.amend(
      p.id,
      p.status,
      { attention: 'unsettled', reason: MISMATCH },
      { at: now, kind: 'payment.attention', data: { amountMinor: heldMinor, expectedMinor: p.amountMinor } },
    );
    return payment && { payment, cart: isOpen(p.status) ? engine.open.holdUnsettled(p.orderId, now) : null };
  });
  if (!result) return;
  engine.ctx.bus.emit('payment.changed', result.payment);
  if (result.cart) {
    engine.ctx.bus.emit('orders.changed', { orderId: p.orderId, status: 'held' });
    engine.open.pushCurrent();
  }
  engine.attentionChanged();
}
