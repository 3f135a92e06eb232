// At startup every payment the last run left open is asked about; what does not settle in time goes to the
// attention list with its order held, while selling goes on.
import type { Order, Payment } from '../../shared/domain';
import { isOpen } from '../../shared/payment';
import { isoNow } from '../till/context';
import { refundPaidTwice, scheduleRefundCheck } from './attention';
import { type Engine, PAID_TWICE } from './engine';
import { ensureLoop, step } from './query-loop';

/**
 * Every payment left open by the last run is asked about; those settled within sweepWaitMs are just
 * settled, the rest go on the attention list ('unsettled') with their orders held (locked) so that
 * selling goes on with a new cart. Bank QRs stay on their cart: only the cashier can confirm them.
 */
export function sweep(engine: Engine): Promise<void> {
  engine.sweeping ??= runSweep(engine);
  return engine.sweeping;
}

export async function runSweep(engine: Engine): Promise<void> {
  resumeRefunds(engine);
  const open = engine.payments.open().filter((p) => p.method !== 'bank_qr' && p.method !== 'cash');
  if (open.length === 0) return reportSweep(engine, [], 0);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, engine.o.sweepWaitMs);
    timer.unref();
  });
  await Promise.race([Promise.all(open.map((p) => step(engine, p.id))), deadline]);
  clearTimeout(timer);
  if (engine.closed) return;
  const now = isoNow(engine.ctx);
  const left: Payment[] = [];
  const held: number[] = [];
  let cart: Order | null = null;
  engine.open.writeOutside(() => {
    for (const p of open) {
      const current = engine.payments.byId(p.id);
      if (!current || !isOpen(current.status) || current.attention !== null) continue;
      const marked = engine.payments.amend(
        p.id,
        current.status,
        { attention: 'unsettled' },
        {
          at: now,
          kind: 'payment.attention',
          data: { attention: 'unsettled' },
        },
      );
      if (!marked) continue;
      left.push(marked);
      const next = engine.open.holdUnsettled(p.orderId, now);
      if (next) {
        held.push(p.orderId);
        cart = next;
      }
    }
  });
  for (const p of left) engine.ctx.bus.emit('payment.changed', p);
  for (const orderId of held) engine.ctx.bus.emit('orders.changed', { orderId, status: 'held' });
  if (cart) engine.open.pushCurrent();
  if (left.length) engine.attentionChanged();
  for (const p of open) ensureLoop(engine, p.id);
  const settled = open.map((p) => engine.payments.byId(p.id)!).filter((p) => !isOpen(p.status));
  reportSweep(engine, settled, left.length);
}

/**
 * Refunds the last run left unfinished: a paid-twice payment not yet given back is refunded now (the same
 * refund number), and a refund the provider was still paying out is asked about again.
 */
function resumeRefunds(engine: Engine): void {
  for (const p of engine.payments.needingAttention()) {
    if (p.reason === PAID_TWICE && p.status === 'paid') void refundPaidTwice(engine, p.id);
    else if (engine.payments.refundsFor(p.id).some((r) => r.status === 'processing')) scheduleRefundCheck(engine, p.id);
  }
}

/** Tells the cashier, once, what happened to the payments the last run left open. */
export function reportSweep(engine: Engine, settled: Payment[], unsettled: number): void {
  engine.report = {
    startedAt: engine.report.startedAt,
    done: true,
    settled: settled.map((payment) => {
      const order = engine.orders.byId(payment.orderId)!;
      return { payment, orderNumber: order.number, orderStatus: order.status };
    }),
    unsettled,
  };
  engine.ctx.bus.emit('pay.startupReport', engine.report);
}
