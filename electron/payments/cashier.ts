// The cashier's actions on a payment: check now, cancel, abandon, confirm a bank QR by hand, and the cash
// part of a split tender.
import { type PayView, TillError } from '../../shared/api';
import type { Payment } from '../../shared/domain';
import { isOpen } from '../../shared/payment';
import type { PaymentFields } from '../db/index';
import { isoNow } from '../till/context';
import { type Engine, MISMATCH, notOpen, refuseMismatch } from './engine';
import { ensureLoop, step } from './query-loop';
import { endUnpaid, move, settlePaid } from './settle';

/** pay.check: ask the provider(s) now about the payment and the open trades of its round (joins queries out). */
export async function check(engine: Engine, id: number): Promise<PayView> {
  await Promise.all(withRound(engine, id).map((x) => step(engine, x, true)));
  return engine.view(id);
}

/**
 * The open payment the cashier wants to stop. A bank QR has no provider to ask: it simply ends cancelled,
 * and the answer is null.
 */
function walletToStop(engine: Engine, id: number): Payment | null {
  const p = engine.find(id);
  if (!isOpen(p.status)) throw notOpen(p);
  refuseMismatch(p);
  if (p.method !== 'bank_qr') return p;
  endUnpaid(engine, id, 'cancelled', 'cancelled');
  return null;
}

/** The payment and the other open trades of its checkout round (the QRs shown beside it). */
function withRound(engine: Engine, id: number): number[] {
  const p = engine.find(id);
  if (p.groupId === null) return [id];
  const others = engine.payments
    .inGroup(p.groupId)
    .filter((x) => x.id !== id && isOpen(x.status) && x.attention === null && x.reason !== MISMATCH);
  return [id, ...others.map((x) => x.id)];
}

/** pay.cancel: close the trade and the others of its round; the cart unlocks once the provider confirms. */
export async function cancel(engine: Engine, id: number): Promise<PayView> {
  const [first, ...others] = withRound(engine, id);
  await Promise.all([cancelOne(engine, first!), ...others.map((x) => cancelOne(engine, x).catch(() => undefined))]);
  return engine.view(id);
}

async function cancelOne(engine: Engine, id: number): Promise<void> {
  const p = walletToStop(engine, id);
  if (!p) return;
  const sent = engine.closesSent.get(id) ?? 0;
  if (p.status !== 'closing') move(engine, id, p.status, 'closing', { reason: 'cancelled' });
  // A step already out sees 'closing' after its query and sends the close; one that had already decided
  // (it was only finishing) did not: then a step of our own sends it.
  await step(engine, id, true);
  if (engine.payments.byId(id)?.status === 'closing' && (engine.closesSent.get(id) ?? 0) === sent) {
    await step(engine, id, true);
  }
  ensureLoop(engine, id);
}

/** pay.abandon: stop waiting for the provider (the whole round); the attempts go to the attention list. */
export function abandon(engine: Engine, id: number): PayView {
  const [first, ...others] = withRound(engine, id);
  abandonOne(engine, first!);
  for (const x of others) {
    try {
      abandonOne(engine, x);
    } catch {
      // Settled meanwhile: nothing to give up.
    }
  }
  return engine.view(id);
}

function abandonOne(engine: Engine, id: number): void {
  const p = walletToStop(engine, id);
  if (!p) return;
  const now = isoNow(engine.ctx);
  const moved = engine.ctx.tx(() => {
    const fields: PaymentFields = { attention: 'abandoned' };
    const done =
      p.status === 'closing'
        ? engine.payments.amend(id, 'closing', fields, { at: now, kind: 'payment.abandoned' })
        : engine.payments.transition(
            id,
            p.status,
            'closing',
            { ...fields, reason: 'cancelled' },
            {
              at: now,
              kind: 'payment.abandoned',
            },
          );
    if (done) engine.orders.touch(done.orderId, now);
    return done;
  });
  if (!moved) throw new TillError('PAYMENT_STATE', 'The payment moved meanwhile; look again', { status: p.status });
  engine.changed(moved, true);
  ensureLoop(engine, id);
}

/** pay.confirmByHand: a bank QR the cashier saw arrive in the shop's bank app. Never for wallets. */
export function confirmByHand(engine: Engine, id: number): PayView {
  const p = engine.find(id);
  if (p.method !== 'bank_qr') {
    throw new TillError('PAYMENT_STATE', 'Only a bank QR is confirmed by hand; wallets confirm themselves', {
      method: p.method,
    });
  }
  if (p.status !== 'pending') throw notOpen(p);
  settlePaid(engine, id, { confirmedByHand: true });
  return engine.view(id);
}

/** checkout.cashPart: part of the total in cash (no change); the rest is paid another way. */
export function cashPart(engine: Engine, amountMinor: number): PayView {
  const now = isoNow(engine.ctx);
  const payment = engine.open.write(() => {
    const open = engine.open.fresh();
    const p = engine.open.takeCash(open, now, (dueMinor) => {
      if (amountMinor < 1) {
        throw new TillError('AMOUNT_TOO_SMALL', 'The amount must be at least 0.01', { minMinor: 1 });
      }
      if (amountMinor >= dueMinor) {
        throw new TillError('AMOUNT_TOO_LARGE', 'A part payment must leave something to pay; take cash instead', {
          maxMinor: Math.max(0, dueMinor - 1),
        });
      }
      return { amountMinor, tenderedMinor: amountMinor, changeMinor: 0, part: true };
    });
    engine.orders.touch(open.draft.id, now);
    return p;
  });
  engine.changed(payment);
  return engine.view(payment.id);
}
