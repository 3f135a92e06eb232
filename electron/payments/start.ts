// Starting a payment: a provider QR, a customer's payment code, or the shop's bank QR. Limits are checked
// before any trade row exists; the trade number is stored before the provider is called.
import { type PayView, TillError } from '../../shared/api';
import type { Payment, WalletMethod } from '../../shared/domain';
import { dueOf, isOpen, maskPaymentCode, maskPaymentCodesIn, routePaymentCode } from '../../shared/payment';
import { crashPoint } from '../core/crash';
import { isoNow } from '../till/context';
import { bankQrPayload, bankQrUnavailable, bankReference } from './bank-qr';
import { type CreateQrRequest, type PaymentProvider, ProviderError } from './provider';
import type { Engine } from './engine';
import { ensureLoop } from './query-loop';
import { move, settlePaid } from './settle';
import { newTradeNumber } from './trade-numbers';

/** What every trade-creating provider call carries. */
type CreateCommon = Pick<
  CreateQrRequest,
  'tradeNumber' | 'amountMinor' | 'currency' | 'subject' | 'orderNumber' | 'notifyUrl'
>;

const CODE_REFUSALS = new Set(['INVALID_CODE', 'DECLINED', 'INSUFFICIENT_FUNDS']);

/** pay.start: a provider QR or the shop's bank QR for `amountMinor` (default: all that is due). */
export async function start(
  engine: Engine,
  method: 'qr' | 'bank_qr',
  amountMinor: number | undefined,
): Promise<PayView> {
  if (method === 'bank_qr') return startBank(engine, amountMinor);
  const provider = engine.requireProvider();
  const payment = begin(engine, 'qr', amountMinor, {
    provider: provider.id,
    isDemo: provider.isDemo,
    expiresInSeconds: engine.ctx.settings.get().payExpirySeconds,
  });
  return create(
    engine,
    provider,
    payment,
    (order) => provider.createQr({ ...order, expiresAt: new Date(payment.expiresAt!) }),
    (res) =>
      move(engine, payment.id, 'created', 'pending', {
        qrContent: res.qrContent,
        providerRef: res.providerRef,
        expiresAt: res.expiresAt.toISOString(),
      }),
  );
}

/** pay.withCode: charges the customer's payment code (the full code only ever goes to the provider). */
export async function withCode(engine: Engine, code: string, amountMinor: number | undefined): Promise<PayView> {
  if (!routePaymentCode(code)) {
    throw new TillError('PAYMENT_CODE_INVALID', 'That is not a payment code a provider accepts', {
      code: maskPaymentCode(code),
    });
  }
  const provider = engine.requireProvider();
  const payment = begin(engine, 'payment_code', amountMinor, {
    provider: provider.id,
    isDemo: provider.isDemo,
    maskedCode: maskPaymentCode(code),
    expiresInSeconds: engine.ctx.settings.get().paymentCodeWaitSeconds,
  });
  return create(
    engine,
    provider,
    payment,
    (order) => provider.payWithCode({ ...order, authCode: code }),
    (res) => {
      if (res.status === 'paid') settlePaid(engine, payment.id, { providerRef: res.providerRef });
      else move(engine, payment.id, 'created', 'pending', { providerRef: res.providerRef, reason: 'user_paying' });
    },
  );
}

/**
 * The provider call that creates a stored attempt's trade (a QR or a code charge), with what every such
 * call carries; `answered` records its answer. Whatever happens, the attempt gets its query loop.
 */
export async function create<T>(
  engine: Engine,
  provider: PaymentProvider,
  payment: Payment,
  call: (common: CreateCommon) => Promise<T>,
  answered: (res: T) => void,
): Promise<PayView> {
  const order = engine.orders.byId(payment.orderId)!;
  crashPoint('pay.beforeProviderCreate');
  const pending = call({
    tradeNumber: payment.tradeNumber!,
    amountMinor: payment.amountMinor,
    currency: order.currency,
    subject: `${engine.ctx.settings.get().shopName} #${order.number}`,
    orderNumber: order.number,
    notifyUrl: engine.notifyUrl(provider),
  });
  engine.creating.set(
    payment.id,
    pending.catch(() => undefined),
  );
  try {
    const res = await pending;
    crashPoint('pay.afterProviderCreate');
    engine.alive();
    engine.noteReach(true);
    answered(res);
  } catch (err) {
    createFailed(engine, payment, err);
  } finally {
    engine.creating.delete(payment.id);
  }
  ensureLoop(engine, payment.id);
  return engine.view(payment.id);
}

export function startBank(engine: Engine, amountMinor: number | undefined): PayView {
  const settings = engine.ctx.settings.get();
  const currency = engine.open.get().currency;
  const unavailable = bankQrUnavailable(settings.bankQr, currency);
  if (unavailable) {
    throw new TillError('PAYMENT_UNAVAILABLE', 'The bank QR is not set up for this shop', { reason: unavailable });
  }
  const payment = begin(engine, 'bank_qr', amountMinor, {
    provider: 'bank',
    isDemo: false,
    expiresInSeconds: null,
    bank: (tradeNumber, amount) => {
      const reference = bankReference(tradeNumber);
      try {
        const qrContent = bankQrPayload({
          settings: settings.bankQr,
          currency,
          amountMinor: amount,
          reference,
          shopName: settings.shopName,
        });
        return { qrContent, providerRef: reference };
      } catch (err) {
        throw new TillError('PAYMENT_UNAVAILABLE', `The bank QR cannot be made: ${(err as Error).message}`, {
          reason: 'not_configured',
        });
      }
    },
  });
  engine.changed(payment);
  return engine.view(payment.id);
}

/**
 * One transaction: the checks (limits first: no trade row exists unless they pass), the order number
 * reserved, a fresh trade number, the attempt row and its journal row. Then everyone hears of it.
 */
export function begin(
  engine: Engine,
  method: WalletMethod,
  amountInput: number | undefined,
  a: {
    provider: string;
    isDemo: boolean;
    maskedCode?: string;
    expiresInSeconds: number | null;
    bank?: (tradeNumber: string, amountMinor: number) => { qrContent: string; providerRef: string };
  },
): Payment {
  const payment = engine.open.write(() => {
    const rows = engine.open.fresh();
    const { draft, lines, payments } = rows;
    if (lines.length === 0) throw new TillError('CART_EMPTY', 'The cart is empty');
    const open = payments.find((p) => isOpen(p.status));
    if (open) {
      throw new TillError('PAYMENT_OPEN', 'Another payment for this order is still open', {
        paymentId: open.id,
        status: open.status,
      });
    }
    const dueMinor = dueOf(draft.total_minor, payments);
    if (dueMinor === 0) throw new TillError('NOTHING_DUE', 'Nothing is left to pay');
    const amountMinor = amountInput ?? dueMinor;
    checkAmount(engine, method, amountMinor, dueMinor);

    const when = engine.ctx.clock();
    const now = when.toISOString();
    engine.open.reserveNumber(rows, when);
    const tradeNumber = newTradeNumber(engine, when);
    const bank = a.bank?.(tradeNumber, amountMinor);
    const p = engine.payments.insertAttempt({
      orderId: draft.id,
      method,
      status: bank ? 'pending' : 'created',
      amountMinor,
      provider: a.provider,
      tradeNumber,
      expiresAt:
        a.expiresInSeconds === null ? null : new Date(when.getTime() + a.expiresInSeconds * 1000).toISOString(),
      maskedCode: a.maskedCode ?? null,
      qrContent: bank?.qrContent ?? null,
      providerRef: bank?.providerRef ?? null,
      isDemo: a.isDemo,
      createdAt: now,
    });
    engine.orders.touch(draft.id, now);
    return p;
  });
  engine.recent = payment.id;
  engine.changed(payment);
  return payment;
}

/**
 * A wallet or bank payment is for exactly what is due: "Paid" must mean the order is paid. Split tender
 * takes the cash part first (checkout.cashPart), then this for the rest.
 */
export function checkAmount(engine: Engine, method: WalletMethod, amountMinor: number, dueMinor: number): void {
  if (amountMinor < 1) throw new TillError('AMOUNT_TOO_SMALL', 'The amount must be at least 0.01', { minMinor: 1 });
  if (amountMinor < dueMinor) {
    throw new TillError('AMOUNT_TOO_SMALL', 'The amount must be all that is due; take a cash part first', {
      minMinor: dueMinor,
      dueMinor,
    });
  }
  if (amountMinor > dueMinor) {
    throw new TillError('AMOUNT_TOO_LARGE', 'The amount is more than what is due', {
      maxMinor: dueMinor,
      dueMinor,
    });
  }
  const maxMinor = engine.ctx.settings.get().payLimits[method];
  if (amountMinor > maxMinor) {
    throw new TillError('AMOUNT_OVER_LIMIT', `The amount is over the limit for ${method}`, {
      maxMinor,
      amountMinor,
      method,
    });
  }
}

/** The provider's answer to a create / pay-with-code call was an error. */
export function createFailed(engine: Engine, payment: Payment, err: unknown): void {
  if (engine.closed) throw err;
  const e =
    err instanceof ProviderError
      ? err
      : new ProviderError('server_error', err instanceof Error ? err.message : String(err));
  if (!(err instanceof ProviderError)) console.error('[pay] provider call failed', maskPaymentCodesIn(e.message));
  engine.noteReach(e.kind !== 'unreachable');
  if (e.outcomeUnknown) {
    // The provider may have the trade: settle it by query/close, never call it failed.
    move(engine, payment.id, 'created', 'unknown', { reason: e.kind });
    return;
  }
  const reason = e.kind === 'unreachable' ? 'unreachable' : (e.code ?? 'OTHER');
  move(engine, payment.id, 'created', 'failed', { reason, settledAt: isoNow(engine.ctx) });
  if (e.kind === 'unreachable') {
    throw new TillError('PAYMENT_UNAVAILABLE', 'The payment provider cannot be reached', { reason });
  }
  if (payment.method === 'payment_code' && e.code === 'INVALID_CODE') {
    throw new TillError('PAYMENT_CODE_INVALID', 'The provider does not accept this payment code', { reason });
  }
  if (payment.method === 'payment_code' && CODE_REFUSALS.has(reason)) {
    throw new TillError('PAYMENT_DECLINED', 'The payment was declined', { reason });
  }
  throw new TillError('PROVIDER_ERROR', `The provider refused the payment (${reason})`, { reason });
}
