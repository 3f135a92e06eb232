// Starting a payment: a provider QR, a customer's payment code, or the shop's bank QR. Limits are checked
// before any trade row exists; the trade number is stored before the provider is called.
import { type PayView, TillError } from '../../shared/api';
import type { Payment, WalletMethod } from '../../shared/domain';
import { dueOf, isOpen, maskPaymentCode, maskPaymentCodesIn, routePaymentCode } from '../../shared/payment';
import { crashPoint } from '../core/crash';
import { isoNow } from '../till/context';
import { bankQrPayload, bankQrUnavailable, bankReference } from './bank-qr';
import { type CreateQrRequest, type PaymentProvider, ProviderError } from './provider';
import { type Engine, MISMATCH } from './engine';
import { ensureLoop, step } from './query-loop';
import { move, settlePaid } from './settle';
import { newTradeNumber } from './trade-numbers';

/** What every trade-creating provider call carries. */
type CreateCommon = Pick<
  CreateQrRequest,
  'tradeNumber' | 'amountMinor' | 'currency' | 'subject' | 'orderNumber' | 'notifyUrl'
>;

const CODE_REFUSALS = new Set(['INVALID_CODE', 'DECLINED', 'INSUFFICIENT_FUNDS']);

/**
 * pay.start: the wallet QRs (one trade per usable wallet, shown side by side, one checkout round) or the
 * shop's bank QR, for `amountMinor` (default: all that is due).
 */
export async function start(
  engine: Engine,
  method: 'qr' | 'bank_qr',
  amountMinor: number | undefined,
): Promise<PayView> {
  if (method === 'bank_qr') return startBank(engine, amountMinor);
  const providers = engine.usableProviders(engine.open.get().currency);
  const seconds = engine.ctx.settings.get().payExpirySeconds;
  const members = begin(
    engine,
    'qr',
    amountMinor,
    providers.map((provider) => ({
      provider: provider.id,
      isDemo: provider.isDemo,
      expires: (now: Date) => expiryFor(provider, now, seconds),
    })),
  );
  // All at once: the display shows each QR as its provider answers.
  const outcomes = await Promise.allSettled(
    members.map((payment, i) => {
      const provider = providers[i]!;
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
    }),
  );
  // One wallet refused or unreachable is no reason to hide the other's QR; all of them is.
  const shown = outcomes.some((o) => o.status === 'fulfilled');
  if (!shown) throw (outcomes[0] as PromiseRejectedResult).reason;
  return engine.view(members[0]!.id);
}

/** The expiry a provider can express (Alipay and WeChat Pay round it), never later than the shop's setting. */
function expiryFor(provider: PaymentProvider, now: Date, seconds: number): Date {
  const at = new Date(now.getTime() + seconds * 1000);
  return provider.roundExpiry ? provider.roundExpiry(at) : at;
}

/** The connected provider whose wallet made this payment code (by its prefix), or a clear refusal. */
function providerForCode(engine: Engine, code: string): PaymentProvider {
  const routed = routePaymentCode(code);
  if (!routed) {
    throw new TillError('PAYMENT_CODE_INVALID', 'That is not a payment code a provider accepts', {
      code: maskPaymentCode(code),
    });
  }
  // The Demo gateway takes every wallet's code; a real provider only its own.
  const owner = engine.providers.find((p) => (p.ownsPaymentCode ? p.ownsPaymentCode(code) : p.isDemo));
  if (!owner) {
    throw new TillError('PAYMENT_CODE_INVALID', `The ${routed.provider} wallet is not set up on this till`, {
      code: maskPaymentCode(code),
      reason: 'wallet_not_set_up',
      wallet: routed.provider,
    });
  }
  const currency = engine.open.get().currency;
  if (engine.currencyProblem(owner, currency)) {
    throw new TillError('PAYMENT_UNAVAILABLE', `The wallets take no ${currency}`, { reason: 'currency', currency });
  }
  if (engine.knownDown(owner)) {
    throw new TillError('PAYMENT_UNAVAILABLE', 'The payment provider cannot be reached', { reason: 'unreachable' });
  }
  return owner;
}

/**
 * pay.withCode: charges the customer's payment code (the full code only ever goes to its wallet's provider).
 * While wallet QRs show, the code joins their checkout round: the QRs are closed, and the charge is sent
 * without waiting for those closes (a QR found paid as well is refunded: see settle.ts).
 */
export async function withCode(engine: Engine, code: string, amountMinor: number | undefined): Promise<PayView> {
  const provider = providerForCode(engine, code);
  const polling = provider.codePolling;
  const [payment] = begin(engine, 'payment_code', amountMinor, [
    {
      provider: provider.id,
      isDemo: provider.isDemo,
      maskedCode: maskPaymentCode(code),
      // As the provider's guide asks (Alipay ~30 s, WeChat Pay ~45 s), then cancel / reverse; never longer than
      // the shop's own "wait for a payment code" setting.
      expires: (now) => {
        const shop = engine.ctx.settings.get().paymentCodeWaitSeconds * 1000;
        const guide = polling && !engine.codePollFixed ? polling.forMs : shop;
        return new Date(now.getTime() + Math.min(guide, shop));
      },
    },
  ]);
  return create(
    engine,
    provider,
    payment!,
    (order) => provider.payWithCode({ ...order, authCode: code }),
    (res) => {
      if (res.status === 'paid') settlePaid(engine, payment!.id, { providerRef: res.providerRef });
      else move(engine, payment!.id, 'created', 'pending', { providerRef: res.providerRef, reason: 'user_paying' });
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
    engine.noteReach(provider, true);
    answered(res);
  } catch (err) {
    createFailed(engine, provider, payment, err);
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
  const [payment] = begin(engine, 'bank_qr', amountMinor, [
    {
      provider: 'bank',
      isDemo: false,
      expires: null,
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
    },
  ]);
  engine.changed(payment!);
  return engine.view(payment!.id);
}

/** One trade to make in begin(). */
interface NewTrade {
  provider: string;
  isDemo: boolean;
  maskedCode?: string;
  /** Its local expiry from the moment it is made; null: none (a bank QR). */
  expires: ((now: Date) => Date) | null;
  bank?: (tradeNumber: string, amountMinor: number) => { qrContent: string; providerRef: string };
}

/**
 * One transaction: the checks (limits first: no trade row exists unless they pass), the order number
 * reserved, a fresh trade number per trade, the attempt rows and their journal rows. Wallet trades share a
 * new checkout round (group); a payment code joins the round of the QRs still showing, which are closed in the
 * same transaction (their close is sent right after). Then everyone hears of it.
 */
export function begin(
  engine: Engine,
  method: WalletMethod,
  amountInput: number | undefined,
  trades: NewTrade[],
): Payment[] {
  const { made, closing } = engine.open.write(() => {
    const rows = engine.open.fresh();
    const { draft, lines, payments } = rows;
    if (lines.length === 0) throw new TillError('CART_EMPTY', 'The cart is empty');
    const open = payments.filter((p) => isOpen(p.status));
    // QRs of one round, none given up or held for a person: a scanned payment code takes over from them.
    const takeOver =
      method === 'payment_code' &&
      open.length > 0 &&
      open.every(
        (p) => p.method === 'qr' && p.groupId !== null && p.groupId === open[0]!.groupId && p.attention === null,
      ) &&
      !open.some((p) => p.reason === MISMATCH);
    if (open.length > 0 && !takeOver) {
      throw new TillError('PAYMENT_OPEN', 'Another payment for this order is still open', {
        paymentId: open[0]!.id,
        status: open[0]!.status,
      });
    }
    const dueMinor = dueOf(draft.total_minor, payments);
    if (dueMinor === 0) throw new TillError('NOTHING_DUE', 'Nothing is left to pay');
    const amountMinor = amountInput ?? dueMinor;
    checkAmount(engine, method, amountMinor, dueMinor);

    const when = engine.ctx.clock();
    const now = when.toISOString();
    engine.open.reserveNumber(rows, when);
    const closing: Payment[] = [];
    for (const p of takeOver ? open : []) {
      if (p.status === 'closing') continue;
      const moved = engine.payments.transition(
        p.id,
        p.status,
        'closing',
        { reason: 'cancelled' },
        {
          at: now,
          data: { why: 'payment_code' },
        },
      );
      if (moved) closing.push(moved);
    }
    const groupId =
      method === 'bank_qr'
        ? null
        : takeOver
          ? open[0]!.groupId
          : engine.payments.nextSequence(`group:${engine.ctx.tillId}`);
    const made = trades.map((t) => {
      const tradeNumber = newTradeNumber(engine, when);
      const bank = t.bank?.(tradeNumber, amountMinor);
      return engine.payments.insertAttempt({
        orderId: draft.id,
        method,
        status: bank ? 'pending' : 'created',
        amountMinor,
        provider: t.provider,
        tradeNumber,
        expiresAt: t.expires ? t.expires(when).toISOString() : null,
        maskedCode: t.maskedCode ?? null,
        qrContent: bank?.qrContent ?? null,
        providerRef: bank?.providerRef ?? null,
        isDemo: t.isDemo,
        groupId,
        createdAt: now,
      });
    });
    engine.orders.touch(draft.id, now);
    return { made, closing };
  });
  engine.recent = made[0]!.id;
  for (const p of closing) {
    engine.changed(p);
    void step(engine, p.id);
  }
  for (const p of made) engine.changed(p);
  return made;
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
export function createFailed(engine: Engine, provider: PaymentProvider, payment: Payment, err: unknown): void {
  if (engine.closed) throw err;
  const e =
    err instanceof ProviderError
      ? err
      : new ProviderError('server_error', err instanceof Error ? err.message : String(err));
  if (!(err instanceof ProviderError)) console.error('[pay] provider call failed', maskPaymentCodesIn(e.message));
  engine.noteReach(provider, e.kind !== 'unreachable');
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
