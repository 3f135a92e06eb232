// One single-flight query loop per open payment (the next query only after the previous answered), with
// backoff on errors; each step queries, applies the answer, and closes at the expiry.
import type { Payment } from '../../shared/domain';
import { canTransition, isOpen } from '../../shared/payment';
import { crashPoint } from '../core/crash';
import { isoNow } from '../till/context';
import { type PaymentProvider, ProviderError, type QueryResult } from './provider';
import { type Engine, type Loop, MISMATCH } from './engine';
import { amountMismatch, endUnpaid, move, settlePaid } from './settle';

type Why = 'cancelled' | 'expired';

/**
 * A close answered "not found" (Alipay precreate says so until the buyer scans) is taken as closed only
 * this long after the trade's expiry, which the provider shares: by then nobody can pay it.
 */
const CLOSE_GRACE_MS = 30_000;

/** One single-flight step for a payment (query, expiry, close); joins one already running. */
export function step(engine: Engine, id: number, asked = false): Promise<boolean> {
  let running = engine.steps.get(id);
  if (!running) {
    running = runStep(engine, id, asked).finally(() => engine.steps.delete(id));
    engine.steps.set(id, running);
  }
  return running;
}

/** Resolves true when the provider answered (or nothing needed asking), false after an error. */
export async function runStep(engine: Engine, id: number, asked: boolean): Promise<boolean> {
  await engine.creating.get(id);
  if (engine.closed) return true;
  const p = engine.payments.byId(id);
  if (!p || p.method === 'cash' || p.method === 'bank_qr') return true;
  const provider = engine.providerFor(p.provider);
  if (!provider) return false;
  const trade = p.tradeNumber!;
  try {
    if (p.status === 'closing') return await sendClose(engine, provider, p);
    if (!isOpen(p.status)) {
      // Ended here; only when someone asks: did the money arrive after all?
      if (asked && canTransition(p.status, 'paid')) applyQuery(engine, p, await provider.query(trade));
      return true;
    }
    const expired = p.expiresAt !== null && engine.ctx.clock().getTime() >= Date.parse(p.expiresAt);
    const q = await provider.query(trade);
    engine.alive();
    engine.noteReach(provider, true);
    const after = applyQuery(engine, p, q);
    // Never closed on our own: the provider says it is paid (for another amount).
    if (!after || !isOpen(after.status) || after.reason === MISMATCH) return true;
    // Cancelled (or abandoned) while the query was out: the close is due now.
    if (after.status === 'closing') return await sendClose(engine, provider, after);
    // Expired, given up by the cashier, or a create that never arrived: close it at the provider.
    const giveUp =
      expired ||
      after.attention === 'abandoned' ||
      after.reason === 'cancelled' ||
      (after.status === 'created' && q.status === 'not_found');
    if (!giveUp) return true;
    const why: Why = after.reason === 'cancelled' || after.attention === 'abandoned' ? 'cancelled' : 'expired';
    const closing = move(engine, id, after.status, 'closing', { reason: why });
    return closing ? await sendClose(engine, provider, closing) : true;
  } catch (err) {
    if (engine.closed) return true;
    if (err instanceof ProviderError) return providerTrouble(engine, provider, id, err);
    // Our own bug, not the provider's answer: the payment stays where it is; the loop tries again.
    console.error('[pay] step failed', err);
    return false;
  }
}

/** A query's answer, applied from the state the payment is in now. Returns the payment as it is after. */
export function applyQuery(engine: Engine, p: Payment, q: QueryResult): Payment | null {
  const current = engine.payments.byId(p.id);
  if (!current) return null;
  switch (q.status) {
    case 'paid':
      if (q.amountMinor !== undefined && q.amountMinor !== current.amountMinor) {
        // The provider holds another amount than we asked for: never settle on that; a person must look.
        if (canTransition(current.status, 'paid')) amountMismatch(engine, current, q.amountMinor);
        return engine.payments.byId(p.id) ?? null;
      }
      settlePaid(engine, p.id, { providerRef: q.providerRef ?? null });
      break;
    case 'waiting':
    case 'user_paying': {
      const reason = q.status === 'user_paying' ? 'user_paying' : current.status === 'unknown' ? null : current.reason;
      if (current.status === 'unknown' || current.status === 'created') {
        move(engine, p.id, current.status, 'pending', {
          reason: current.reason === 'cancelled' ? 'cancelled' : reason,
        });
      } else if (current.status === 'pending' && current.reason !== reason && reason !== null) {
        const at = isoNow(engine.ctx);
        const moved = engine.payments.amend(p.id, 'pending', { reason }, { at, kind: 'payment.pending' });
        if (moved) engine.changed(moved);
      }
      break;
    }
    case 'closed':
    case 'refunded':
      if (isOpen(current.status)) {
        endUnpaid(
          engine,
          p.id,
          current.reason === 'cancelled' ? 'cancelled' : 'expired',
          q.reason ?? current.reason ?? undefined,
        );
      }
      break;
    case 'failed':
      if (isOpen(current.status)) endUnpaid(engine, p.id, 'failed', q.reason ?? 'failed');
      break;
    case 'not_found':
      // Not a failure: the customer may not have scanned yet, or the create never arrived.
      break;
  }
  return engine.payments.byId(p.id) ?? null;
}

/** Sends the close (QR) or the reverse (payment code) and applies the answer. */
export async function sendClose(engine: Engine, provider: PaymentProvider, p: Payment): Promise<boolean> {
  const final = p.reason === 'expired' ? 'expired' : 'cancelled';
  engine.closesSent.set(p.id, (engine.closesSent.get(p.id) ?? 0) + 1);
  if (p.method === 'payment_code') {
    const res = await provider.reverse(p.tradeNumber!);
    engine.alive();
    engine.noteReach(provider, true);
    if (res.retry) return false;
    endUnpaid(engine, p.id, final, res.status === 'refunded' ? 'reversed' : undefined);
    return true;
  }
  const res = await provider.close(p.tradeNumber!);
  crashPoint('pay.afterProviderClose');
  engine.alive();
  engine.noteReach(provider, true);
  if (res.status === 'closed') {
    endUnpaid(engine, p.id, final);
    return true;
  }
  if (res.status === 'already_paid') {
    const current = engine.payments.byId(p.id);
    if (current?.status !== 'closing') return true; // settled meanwhile (a notification)
    // Paid, but for how much? The query's answer goes through the same checks, the amount's included.
    const after = applyQuery(engine, current, await provider.query(p.tradeNumber!));
    return !after || !isOpen(after.status) || after.reason === MISMATCH;
  }
  // Not found: before the buyer scans, some providers know no trade, yet the QR can still be paid until
  // it expires. Closed only once that has passed; until then the loop sends the close again.
  if (p.expiresAt !== null && engine.ctx.clock().getTime() >= Date.parse(p.expiresAt) + CLOSE_GRACE_MS) {
    endUnpaid(engine, p.id, final);
    return true;
  }
  return false;
}

/** An error from the provider during a step: an unknown outcome puts the payment in 'unknown'. */
export function providerTrouble(engine: Engine, provider: PaymentProvider, id: number, e: ProviderError): boolean {
  engine.noteReach(provider, e.kind !== 'unreachable');
  const p = engine.payments.byId(id);
  if (p && e.outcomeUnknown && canTransition(p.status, 'unknown') && p.status !== 'created') {
    move(engine, id, p.status, 'unknown', {
      reason: p.reason === 'cancelled' || p.reason === 'expired' ? p.reason : e.kind,
    });
  }
  return false;
}

/** Starts the background loop for an open payment (one per payment). */
export function ensureLoop(engine: Engine, id: number): void {
  if (!engine.o.loops || engine.closed || engine.loops.has(id)) return;
  const p = engine.payments.byId(id);
  if (!p || !isOpen(p.status) || p.reason === MISMATCH || p.method === 'bank_qr' || p.method === 'cash') return;
  const loop: Loop = { timer: undefined, failures: 0 };
  engine.loops.set(id, loop);
  schedule(engine, id, loop, interval(engine, p));
}

export function interval(engine: Engine, p: Payment): number {
  return p.method === 'payment_code' ? engine.codePollMs(engine.providerFor(p.provider)) : engine.o.pollMs;
}

export function schedule(engine: Engine, id: number, loop: Loop, ms: number): void {
  loop.timer = setTimeout(async () => {
    const startedAt = Date.now();
    const ok = await step(engine, id);
    if (engine.closed || engine.loops.get(id) !== loop) return;
    const p = engine.payments.byId(id);
    if (!p || !isOpen(p.status) || p.reason === MISMATCH) {
      engine.loops.delete(id);
      return;
    }
    loop.failures = ok ? 0 : loop.failures + 1;
    const base = interval(engine, p);
    // Queries start a base interval apart (never overlapping): a slow answer does not push every later query
    // back, so a payment is seen within about one interval even on a busy PC. Errors back off.
    const next = ok
      ? Math.max(0, base - (Date.now() - startedAt))
      : Math.min(engine.o.maxBackoffMs, base * 2 ** loop.failures);
    schedule(engine, id, loop, next);
  }, ms);
  // A waiting query must not keep a stopping process alive.
  loop.timer.unref();
}
