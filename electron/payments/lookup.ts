// "I paid!" at the counter: the cashier looks a payment up by our trade number or by the provider's own
// number that the customer's wallet shows (Alipay 支付宝交易号, WeChat Pay 微信支付订单号), and sees what
// the provider says. A look-up never marks anything paid by hand: when the provider says an open payment of
// ours is paid, the usual single-flight step queries it and settles it (the provider's signed answer decides,
// the amount is checked as always). Nothing else moves.
import { type PayLookup, TillError } from '../../shared/api';
import type { Payment } from '../../shared/domain';
import { isOpen, looksLikePaymentCode, maskPaymentCodesIn } from '../../shared/payment';
import type { Engine } from './engine';
import { type LookupResult, type PaymentProvider, ProviderError } from './provider';
import { step } from './query-loop';

/** pay.lookup: `number` is ours when a payment has it as its trade number, else the provider's. */
export async function lookup(engine: Engine, number: string): Promise<PayLookup> {
  // A customer's payment code is no payment number: it must not travel as one (nor be kept anywhere).
  if (looksLikePaymentCode(number)) {
    throw new TillError('INVALID_INPUT', 'That is a payment code, not a payment number', { reason: 'payment_code' });
  }
  const ours = engine.payments.byTradeNumber(number);
  return ours ? byTradeNumber(engine, ours) : byProviderNumber(engine, number);
}

async function byTradeNumber(engine: Engine, p: Payment): Promise<PayLookup> {
  if (p.method === 'bank_qr' || p.method === 'cash') {
    // The shop's bank app is where a bank transfer is seen; no provider can be asked.
    throw new TillError('PAYMENT_STATE', 'A bank QR payment is checked in the shop’s bank app', {
      paymentId: p.id,
      method: p.method,
      reason: 'bank_qr',
    });
  }
  const provider = engine.providerFor(p.provider);
  if (!provider) {
    throw new TillError('PAYMENT_UNAVAILABLE', 'The wallet of this payment is not set up now', {
      reason: 'not_configured',
      provider: p.provider ?? '',
    });
  }
  const trade = p.tradeNumber!;
  let answer: LookupResult;
  try {
    answer = provider.lookup
      ? await provider.lookup({ tradeNumber: trade })
      : await provider.query(trade).then((q) => ({ ...q, tradeNumber: q.status === 'not_found' ? null : trade }));
  } catch (err) {
    engine.alive();
    throw trouble(engine, provider, err);
  }
  engine.alive();
  engine.noteReach(provider, true);
  return answered(engine, provider, [provider.id], answer, p);
}

async function byProviderNumber(engine: Engine, number: string): Promise<PayLookup> {
  const askable = engine.providers.filter((p) => p.lookup);
  // All at once: the customer waits at the counter, and a number belongs to one wallet only.
  const answers = await Promise.all(
    askable.map((provider) =>
      provider.lookup!({ providerRef: number }).then(
        (r) => ({ provider, r, e: undefined }),
        (err: unknown) => ({ provider, r: undefined, e: asProviderError(err) }),
      ),
    ),
  );
  engine.alive();
  for (const a of answers) engine.noteReach(a.provider, a.e?.kind !== 'unreachable');
  const asked = askable.map((p) => p.id);
  const hit = answers.find((a) => a.r && a.r.status !== 'not_found');
  if (hit) {
    const trade = hit.r!.tradeNumber;
    const ours = trade ? engine.payments.byTradeNumber(trade) : undefined;
    return answered(engine, hit.provider, asked, hit.r!, ours?.provider === hit.provider.id ? ours : undefined);
  }
  // A refusal (not a number this wallet knows, e.g. the other wallet's format) is "not here"; anything else
  // means a wallet could not answer, so "not found" would not be true.
  const failed = answers.find((a) => a.e && a.e.kind !== 'rejected');
  if (failed) throw trouble(engine, failed.provider, failed.e);
  return {
    found: false,
    provider: null,
    isDemo: askable.length > 0 && askable.every((p) => p.isDemo),
    asked,
    tradeNumber: null,
    providerRef: null,
    status: 'not_found',
    amountMinor: null,
    paidAt: null,
    ours: null,
    orderNumber: null,
  };
}

/** The provider's answer, after settling our open payment when it says paid. */
async function answered(
  engine: Engine,
  provider: PaymentProvider,
  asked: string[],
  r: LookupResult,
  ours: Payment | undefined,
): Promise<PayLookup> {
  let payment = ours;
  if (payment && r.status === 'paid' && isOpen(payment.status)) {
    // The engine's own step: it queries, checks the amount and settles once, whoever else is asking.
    await step(engine, payment.id, true);
    engine.alive();
    payment = engine.payments.byId(payment.id) ?? payment;
  }
  const number = payment ? engine.orders.byId(payment.orderId)?.number : undefined;
  return {
    found: r.status !== 'not_found',
    provider: provider.id,
    isDemo: provider.isDemo,
    asked,
    tradeNumber: r.tradeNumber ?? null,
    providerRef: r.providerRef ?? null,
    status: r.status,
    amountMinor: r.amountMinor ?? null,
    paidAt: r.paidAt ?? null,
    ours: payment ?? null,
    orderNumber: number || null,
  };
}

function asProviderError(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  // Not the provider's answer but our own bug; its text may quote what was typed, so digits are masked.
  const text = maskPaymentCodesIn(err instanceof Error ? err.message : String(err));
  console.error('[pay] lookup failed', text);
  return new ProviderError('bad_response', text);
}

/** The provider could not answer: a clear refusal, never a crash (and never the number in the message). */
function trouble(engine: Engine, provider: PaymentProvider, err: unknown): TillError {
  const e = asProviderError(err);
  engine.noteReach(provider, e.kind !== 'unreachable');
  const reason = e.kind === 'rejected' ? (e.code ?? 'OTHER') : e.kind;
  return new TillError('PROVIDER_ERROR', `${provider.id} could not look the payment up (${reason})`, {
    reason,
    provider: provider.id,
  });
}
