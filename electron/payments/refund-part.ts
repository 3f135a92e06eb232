// One wallet part of a refund ticket (till/refunds.ts) through its payment's provider. Its refund number was
// stored before (status 'requested'), so asking again is the same refund: after a timeout, a crash or a restart
// the same number is sent (or its status asked) and the provider never pays it twice. Like attention.ts refund(),
// but for part of a payment and without the attention list.
import type { Payment } from '../../shared/domain';
import { crashPoint } from '../core/crash';
import type { TicketRefundRow } from '../db/index';
import { isoNow } from '../till/context';
import type { Engine } from './engine';
import { type PaymentProvider, ProviderError, type RefundResult } from './provider';

/**
 * Asks the provider for one stored refund: its status when it was asked before and is still on its way (a repeat
 * would say "accepted" again, not "paid out"), else the refund itself under its stored number. Crash points around
 * the call; errors are the provider's, for the caller to read.
 */
export async function askRefund(
  provider: PaymentProvider,
  p: Pick<Payment, 'tradeNumber' | 'amountMinor'>,
  r: { status: string; refund_number: string; amount_minor: number },
  reason: string,
): Promise<RefundResult> {
  crashPoint('pay.beforeRefundCall');
  const answer =
    r.status === 'processing' && provider.refundStatus
      ? await provider.refundStatus({ tradeNumber: p.tradeNumber!, refundNumber: r.refund_number })
      : await provider.refund({
          tradeNumber: p.tradeNumber!,
          refundNumber: r.refund_number,
          amountMinor: r.amount_minor,
          totalMinor: p.amountMinor,
          reason,
        });
  crashPoint('pay.afterRefundCall');
  return answer;
}

/** How the ask went: the row's status now, and for a refusal the provider's code. */
export interface PartOutcome {
  status: TicketRefundRow['status'];
  /** Why it stays 'requested': nothing was sent ('unreachable', no provider) or the answer is unknown. */
  pending: 'unreachable' | 'unknown' | null;
  failure: string | null;
}

export async function refundPart(engine: Engine, refundId: number): Promise<PartOutcome> {
  const row = engine.ctx.repos.refunds.part(refundId);
  if (!row) throw new Error(`No refund ${refundId}`);
  if (row.status === 'refunded' || row.status === 'failed')
    return { status: row.status, pending: null, failure: row.failure };
  const p = engine.payments.byId(row.payment_id)!;
  const provider = engine.providerFor(p.provider);
  if (!provider || !p.tradeNumber) return { status: row.status, pending: 'unreachable', failure: null };
  let answer: RefundResult;
  try {
    answer = await askRefund(provider, p, row, 'refund');
  } catch (err) {
    engine.alive();
    const e = err instanceof ProviderError ? err : new ProviderError('server_error', String(err));
    engine.noteReach(provider, e.kind !== 'unreachable');
    if (e.kind !== 'rejected') {
      // Unknown or never sent: the row keeps its number and is asked again (the same refund).
      return { status: row.status, pending: e.kind === 'unreachable' ? 'unreachable' : 'unknown', failure: null };
    }
    const failure = e.code ?? 'OTHER';
    settle(engine, row, p, 'failed', failure);
    return { status: 'failed', pending: null, failure };
  }
  engine.alive();
  engine.noteReach(provider, true);
  const failure = answer.status === 'failed' ? (answer.reason ?? 'failed') : null;
  settle(engine, row, p, answer.status, failure);
  return { status: answer.status, pending: null, failure };
}

/** Writes the answer: the row's status, and for money that moved the payment's refunded amount, in one go. */
function settle(
  engine: Engine,
  row: TicketRefundRow,
  p: Payment,
  status: 'refunded' | 'processing' | 'failed',
  failure: string | null,
): void {
  const at = isoNow(engine.ctx);
  const moved = engine.ctx.tx(() => {
    const now = engine.ctx.repos.refunds.part(row.id)!;
    // Someone else wrote the answer first (a check running beside this one).
    if (now.status === 'refunded' || now.status === 'failed' || now.status === status) return null;
    engine.payments.setRefundStatus(row.id, status, at, failure);
    if (status !== 'refunded') {
      engine.payments.journal(
        at,
        'refund.updated',
        { id: p.id, order_id: p.orderId },
        { refundNumber: row.refund_number, status, ...(failure ? { failure } : {}) },
      );
      return null;
    }
    return addRefunded(engine, p.id, row.amount_minor, at, { refundNumber: row.refund_number });
  });
  if (moved) engine.changed(moved, false);
}

/**
 * Inside a transaction: `amountMinor` more of the payment went back (paid → partially_refunded → refunded), with
 * its journal row. Returns the payment after the move.
 */
export function addRefunded(
  engine: Pick<Engine, 'payments'>,
  paymentId: number,
  amountMinor: number,
  at: string,
  data: Record<string, unknown>,
): Payment {
  const p = engine.payments.byId(paymentId)!;
  const refundedMinor = p.refundedMinor + amountMinor;
  if (refundedMinor > p.amountMinor) throw new Error(`Payment ${p.id}: refunds over its amount`);
  const to = refundedMinor === p.amountMinor ? 'refunded' : 'partially_refunded';
  const moved = engine.payments.transition(
    p.id,
    p.status,
    to,
    { refundedMinor },
    { at, data: { ...data, amountMinor } },
  );
  if (!moved) throw new Error(`Payment ${p.id} moved meanwhile`);
  return moved;
}
