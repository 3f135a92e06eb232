// A provider's signed notification: checked against our own record (merchant, trade number, amount,
// currency), then the payment is settled; acknowledged only once stored.
import { maskPaymentCodesIn } from '../../shared/payment';
import { isoNow } from '../till/context';
import type { IncomingNotification, PaymentProvider } from './provider';
import type { Engine } from './engine';
import { settlePaid } from './settle';

/**
 * A POST from a provider: signature (the provider checks it), merchant, trade number, amount and currency
 * (against OUR record) are checked, then the payment is settled; acknowledged only once stored.
 */
export function notify(
  engine: Engine,
  providerId: string,
  incoming: IncomingNotification,
): { status: number; body: string; contentType: string } {
  const refuse = (reason: string, data: Record<string, unknown> = {}, paymentId?: number) => {
    const at = isoNow(engine.ctx);
    console.warn(`[pay] notification refused (${reason})`, maskPaymentCodesIn(JSON.stringify(data)));
    const p = paymentId !== undefined ? engine.payments.byId(paymentId) : undefined;
    // Not about a payment of ours: which provider sent it.
    const [refs, row] = p
      ? [
          { orderId: p.orderId, paymentId: p.id },
          { reason, ...data },
        ]
      : [{}, { reason, provider: providerId, ...data }];
    engine.ctx.repos.journal.appendMasked(at, 'payment.notificationRejected', refs, row);
    return { status: 400, body: `refused: ${reason}`, contentType: 'text/plain' };
  };
  const provider = engine.providerFor(providerId);
  if (!provider || engine.closed) return refuse('unknown_provider');
  let n: ReturnType<PaymentProvider['verifyNotification']>;
  try {
    n = provider.verifyNotification(incoming);
  } catch (err) {
    return refuse('signature', { error: err instanceof Error ? err.message : String(err) });
  }
  const seen = {
    notificationId: n.notificationId,
    tradeNumber: n.tradeNumber,
    amountMinor: n.amountMinor,
    currency: n.currency,
    merchantId: n.merchantId,
  };
  if (n.merchantId !== provider.merchantId) return refuse('merchant', seen);
  const p = engine.payments.byTradeNumber(n.tradeNumber);
  if (!p || p.provider !== provider.id) return refuse('unknown_trade', seen);
  if (n.status !== 'paid') return refuse('status', seen, p.id);
  if (n.amountMinor !== p.amountMinor) return refuse('amount', { ...seen, expectedMinor: p.amountMinor }, p.id);
  const order = engine.orders.byId(p.orderId)!;
  if (n.currency !== order.currency) return refuse('currency', { ...seen, expected: order.currency }, p.id);
  engine.noteReach(provider, true);
  settlePaid(engine, p.id, { providerRef: n.providerRef });
  const now = engine.payments.byId(p.id)!;
  // Stored as paid (now or before, or refunded since): the provider may stop sending it.
  if (now.status === 'paid' || now.status === 'refunded' || now.status === 'partially_refunded') {
    return { ...provider.notificationAck };
  }
  return refuse('not_payable', { ...seen, status: now.status }, p.id);
}
