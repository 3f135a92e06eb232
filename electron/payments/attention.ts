// The attention list: late payments (refund with a stored refund number, or apply to their order),
// attempts abandoned or left unsettled, and amounts that differ from ours.
import { askRefund } from './refund-part';
import { TillError } from '../../shared/api';
import type { AttentionItem } from '../../shared/api';
import type { Order, Payment } from '../../shared/domain';
import { dueOf, isOpen, openPaymentOf } from '../../shared/payment';
import type { RefundRow } from '../db/index';
import { isoNow } from '../till/context';
import { ProviderError, type RefundResult } from './provider';
import { type Engine, MISMATCH, PAID_TWICE } from './engine';
import { step } from './query-loop';
import { refundNumberFor } from './trade-numbers';

export function attentionList(engine: Engine): AttentionItem[] {
  return engine.payments.needingAttention().map((p) => {
    const order = engine.orders.byId(p.orderId)!;
    const orderOpen = order.status === 'draft' || order.status === 'held';
    const actions: AttentionItem['actions'] = [];
    if (p.attention === 'late_payment' && p.status === 'paid') {
      actions.push('refund');
      const others = engine.payments.forOrder(order.id).filter((x) => x.id !== p.id);
      if (
        !refundUnderway(engine, p.id) &&
        orderOpen &&
        !openPaymentOf(others) &&
        p.amountMinor <= dueOf(order.total_minor, others)
      ) {
        actions.push('apply');
      }
    }
    const paidTwiceDone = p.reason === PAID_TWICE && p.status === 'refunded';
    if (p.provider !== 'bank' && !paidTwiceDone) actions.push('check');
    if ((p.attention !== 'late_payment' || paidTwiceDone) && !isOpen(p.status) && p.reason !== MISMATCH) {
      actions.push('dismiss');
    }
    const last = engine.payments.refundsFor(p.id).at(-1);
    return {
      payment: p,
      refund: last ? { refundNumber: last.refund_number, status: last.status, failure: last.failure } : null,
      reason: p.reason === PAID_TWICE ? PAID_TWICE : p.attention!,
      orderId: order.id,
      orderNumber: order.number,
      orderStatus: order.status,
      orderTotalMinor: order.total_minor,
      actions,
    };
  });
}

export async function resolve(
  engine: Engine,
  id: number,
  action: 'refund' | 'apply' | 'check' | 'dismiss',
): Promise<AttentionItem[]> {
  const p = engine.find(id);
  switch (action) {
    case 'check':
      // A refund whose answer we never had: sending it again (same refund number) tells us how it went.
      if (p.attention === 'late_payment' && refundUnderway(engine, p.id)) await refund(engine, p);
      else await step(engine, id, true);
      break;
    case 'refund':
      await refund(engine, p);
      break;
    case 'apply':
      apply(engine, p);
      break;
    case 'dismiss':
      dismiss(engine, p);
      break;
  }
  return attentionList(engine);
}

/** A refund asked for whose outcome is not known to have failed: the money may be on its way back. */
export function refundUnderway(engine: Engine, paymentId: number): RefundRow | undefined {
  return engine.payments.refundsFor(paymentId).find((r) => r.status !== 'failed');
}

/**
 * A trade paid after another of its checkout round had paid the order: given back at once, under a stored
 * refund number (asking again is the same refund). A refund that does not go through stays on the attention
 * list with its Refund button; the startup check asks again.
 */
export async function refundPaidTwice(engine: Engine, id: number): Promise<void> {
  const p = engine.payments.byId(id);
  if (!p || p.reason !== PAID_TWICE || p.status !== 'paid' || engine.closed) return;
  try {
    await refund(engine, p);
  } catch (err) {
    if (engine.closed) return;
    console.warn(`[pay] paid twice: the refund of payment ${id} did not finish:`, (err as Error).message);
  }
}

/** Gives a late payment's money back; the refund number is stored first, so asking again is the same refund. */
export async function refund(engine: Engine, p: Payment): Promise<void> {
  if (p.attention !== 'late_payment' || (p.status !== 'paid' && p.status !== 'partially_refunded')) {
    throw new TillError('PAYMENT_STATE', 'Only a late payment is refunded from here', { status: p.status });
  }
  const provider = engine.providerFor(p.provider);
  if (!provider) {
    throw new TillError('PAYMENT_UNAVAILABLE', `The provider ${p.provider} is not connected`, {
      reason: 'unreachable',
    });
  }
  const amountMinor = p.amountMinor - p.refundedMinor;
  const now = isoNow(engine.ctx);
  const refund = engine.ctx.tx(() => {
    const all = engine.payments.refundsFor(p.id);
    const open = all.find((r) => r.status === 'requested' || r.status === 'processing');
    if (open) return open;
    const r = engine.payments.insertRefund({
      refundNumber: refundNumberFor(p.tradeNumber!, all.length + 1),
      paymentId: p.id,
      amountMinor,
      reason: 'late_payment',
      at: now,
    });
    engine.payments.journal(
      now,
      'refund.requested',
      { id: p.id, order_id: p.orderId },
      {
        refundNumber: r.refund_number,
        amountMinor,
      },
    );
    return r;
  });
  let answer: RefundResult;
  try {
    answer = await askRefund(provider, p, refund, 'late_payment');
  } catch (err) {
    engine.alive();
    const e = err instanceof ProviderError ? err : new ProviderError('server_error', String(err));
    if (e.outcomeUnknown) {
      // The provider may have refunded: the payment must not be applied meanwhile (see apply()).
      throw new TillError(
        'PROVIDER_ERROR',
        'The refund may have gone through; press Refund again to confirm (it is the same refund)',
        { reason: 'refund_unknown' },
      );
    }
    if (e.kind === 'rejected') {
      engine.ctx.tx(() => {
        engine.payments.setRefundStatus(refund.id, 'failed', isoNow(engine.ctx));
        engine.payments.journal(
          isoNow(engine.ctx),
          'refund.updated',
          { id: p.id, order_id: p.orderId },
          {
            refundNumber: refund.refund_number,
            status: 'failed',
            reason: e.code,
          },
        );
      });
    }
    throw new TillError('PROVIDER_ERROR', `The refund did not go through (${e.code ?? e.kind}); try again`, {
      reason: e.code ?? e.kind,
    });
  }
  engine.alive();
  const { status } = answer;
  const failure = status === 'failed' ? (answer.reason ?? 'failed') : null;
  const at = isoNow(engine.ctx);
  const moved = engine.ctx.tx(() => {
    engine.payments.setRefundStatus(refund.id, status, at, failure);
    if (status !== 'refunded') {
      engine.payments.journal(
        at,
        'refund.updated',
        { id: p.id, order_id: p.orderId },
        {
          refundNumber: refund.refund_number,
          status,
          ...(failure ? { failure } : {}),
        },
      );
      return null;
    }
    const done = engine.payments.transition(
      p.id,
      p.status,
      'refunded',
      // Paid twice stays on the list as "paid twice, refunded" until the cashier has told the customer.
      { refundedMinor: p.amountMinor, attention: p.reason === PAID_TWICE ? p.attention : null },
      { at, data: { refundNumber: refund.refund_number, amountMinor: refund.amount_minor } },
    );
    if (done) engine.orders.touch(done.orderId, at);
    return done;
  });
  if (moved) engine.changed(moved, true);
  else {
    // Processing: asked again later by itself; failed: a person acts (the attention list says how).
    engine.attentionChanged();
    if (status === 'processing') scheduleRefundCheck(engine, p.id);
  }
}

/** A refund the provider is still paying out is asked about again after a while (Alipay: not before 10 s). */
export function scheduleRefundCheck(engine: Engine, paymentId: number, attempt = 0): void {
  if (engine.closed || !engine.o.loops) return;
  const ms = Math.min(engine.o.refundCheckMs * 2 ** attempt, 10 * 60_000);
  const timer = setTimeout(async () => {
    const p = engine.payments.byId(paymentId);
    const underway = p && engine.payments.refundsFor(paymentId).some((r) => r.status === 'processing');
    if (!p || !underway || engine.closed) return;
    try {
      await refund(engine, p);
    } catch (err) {
      console.warn(`[pay] refund check of payment ${paymentId}:`, (err as Error).message);
    }
    if (engine.payments.refundsFor(paymentId).some((r) => r.status === 'processing')) {
      scheduleRefundCheck(engine, paymentId, attempt + 1);
    }
  }, ms);
  timer.unref();
}

/** Counts a late payment towards its order, which must still be open and need at least that much. */
export function apply(engine: Engine, p: Payment): void {
  if (p.attention !== 'late_payment' || p.status !== 'paid') {
    throw new TillError('PAYMENT_STATE', 'Only a late payment is applied from here', { status: p.status });
  }
  if (refundUnderway(engine, p.id)) {
    throw new TillError('PAYMENT_STATE', 'A refund of this payment was asked for; press Refund to finish it', {
      status: p.status,
      reason: 'refund_underway',
    });
  }
  const when = engine.ctx.clock();
  const now = when.toISOString();
  const result: { payment: Payment; sold: Order | null; cart: Order | null } = engine.open.writeOutside(() => {
    const order = engine.orders.byId(p.orderId)!;
    if (order.status !== 'draft' && order.status !== 'held') {
      throw new TillError('PAYMENT_STATE', `Order ${order.number || order.id} has ended; refund the payment`, {
        orderStatus: order.status,
      });
    }
    const others = engine.payments.forOrder(order.id).filter((x) => x.id !== p.id);
    const open = openPaymentOf(others);
    if (open) throw new TillError('PAYMENT_OPEN', 'Another payment for this order is open', { paymentId: open.id });
    const dueMinor = dueOf(order.total_minor, others);
    if (p.amountMinor > dueMinor) {
      throw new TillError('AMOUNT_TOO_LARGE', 'The payment is more than the order still needs; refund it', {
        maxMinor: dueMinor,
      });
    }
    const payment = engine.payments.amend(p.id, 'paid', { attention: null }, { at: now, kind: 'payment.applied' });
    if (!payment) throw new TillError('PAYMENT_STATE', 'The payment moved meanwhile; look again');
    engine.orders.touch(order.id, now);
    const done =
      p.amountMinor === dueMinor ? engine.open.completePaid(order.id, when, 'late') : { sold: null, cart: null };
    return { payment, ...done };
  });
  engine.announce(result.payment, result.sold, result.cart, true);
}

export function dismiss(engine: Engine, p: Payment): void {
  if (p.attention === null) return;
  const paidTwiceDone = p.reason === PAID_TWICE && p.status === 'refunded';
  if ((p.attention === 'late_payment' && !paidTwiceDone) || isOpen(p.status) || p.reason === MISMATCH) {
    throw new TillError('PAYMENT_STATE', 'This payment still needs a decision', { status: p.status });
  }
  const moved = engine.ctx.tx(() =>
    engine.payments.amend(p.id, p.status, { attention: null }, { at: isoNow(engine.ctx), kind: 'payment.dismissed' }),
  );
  if (moved) engine.changed(moved, true);
}
