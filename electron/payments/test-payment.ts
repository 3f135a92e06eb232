// "Pay ¥0.01 yourself": after setting a wallet up, the owner pays one fen with their own phone to a QR of that
// wallet, and the till gives it back at once. It proves what Test connection cannot: the product is enabled and
// money really arrives. Kept out of sales (no order, no day total). Each test trade is stored before the provider
// is asked (settings 'pay.testTrades'), so one that a restart interrupted is closed or refunded at the next start.
import { TillError } from '../../shared/api';
import { isoNow } from '../till/context';
import type { Engine } from './engine';
import { type PaymentProvider, ProviderError } from './provider';
import { newTradeNumber, refundNumberFor } from './trade-numbers';

const KEY = 'pay.testTrades';
const AMOUNT_MINOR = 1;
/** Long enough to find the phone and open the wallet. */
const EXPIRES_MS = 5 * 60_000;

export type TestTradeState = 'waiting' | 'paid' | 'refunded' | 'refund_pending' | 'closed' | 'failed';

export interface TestTrade {
  provider: string;
  tradeNumber: string;
  qrContent: string | null;
  expiresAt: string;
  state: TestTradeState;
  /** A provider's words when something went wrong (shown as is, after the translated state). */
  detail: string | null;
}

type Stored = Record<string, TestTrade>;

export class TestPayments {
  constructor(private readonly engine: Engine) {}

  private all(): Stored {
    return this.engine.ctx.repos.settings.get<Stored>(KEY) ?? {};
  }

  private save(t: TestTrade, kind: string): TestTrade {
    const now = isoNow(this.engine.ctx);
    this.engine.ctx.tx(() => {
      const all = this.all();
      all[t.tradeNumber] = t;
      // Finished ones older than the newest few are dropped: the journal keeps their story.
      const done = Object.values(all).filter((x) => x.state === 'refunded' || x.state === 'closed');
      for (const x of done.slice(0, Math.max(0, done.length - 10))) delete all[x.tradeNumber];
      this.engine.ctx.repos.settings.set(KEY, all);
      this.engine.ctx.repos.journal.append(
        now,
        'payment.test',
        {},
        {
          step: kind,
          provider: t.provider,
          tradeNumber: t.tradeNumber,
          state: t.state,
          amountMinor: AMOUNT_MINOR,
        },
      );
    });
    return t;
  }

  private provider(id: string): PaymentProvider {
    const p = this.engine.providerFor(id);
    if (!p || p.isDemo) {
      throw new TillError('PAYMENT_UNAVAILABLE', `The ${id} wallet is not set up`, { reason: 'not_configured' });
    }
    return p;
  }

  private find(tradeNumber: string): TestTrade {
    const t = this.all()[tradeNumber];
    if (!t) throw new TillError('PAYMENT_NOT_FOUND', 'No such test payment', { tradeNumber });
    return t;
  }

  /** A one-fen QR of this wallet (stored first, then asked for). */
  async start(providerId: string): Promise<TestTrade> {
    const provider = this.provider(providerId);
    const when = this.engine.ctx.clock();
    const at = new Date(when.getTime() + EXPIRES_MS);
    const expiresAt = provider.roundExpiry ? provider.roundExpiry(at) : at;
    const tradeNumber = this.engine.ctx.tx(() => newTradeNumber(this.engine, when));
    const trade = this.save(
      {
        provider: provider.id,
        tradeNumber,
        qrContent: null,
        expiresAt: expiresAt.toISOString(),
        state: 'waiting',
        detail: null,
      },
      'created',
    );
    try {
      const res = await provider.createQr({
        tradeNumber,
        amountMinor: AMOUNT_MINOR,
        currency: 'CNY',
        subject: `${this.engine.ctx.settings.get().shopName} – Tillpoint test`,
        orderNumber: 'TEST',
        expiresAt,
        notifyUrl: null,
      });
      return this.save({ ...trade, qrContent: res.qrContent }, 'qr');
    } catch (err) {
      const e = err instanceof ProviderError ? err : new ProviderError('server_error', String(err));
      // An unknown outcome is settled like any trade: asked (check) and closed (cancel, or the next start).
      if (e.outcomeUnknown) return this.save({ ...trade, detail: e.message }, 'unknown');
      return this.save({ ...trade, state: 'failed', detail: e.code ?? e.message }, 'refused');
    }
  }

  /** Asks the provider; a paid fen is refunded at once under a stored refund number. */
  async check(tradeNumber: string): Promise<TestTrade> {
    const t = this.find(tradeNumber);
    if (t.state === 'refunded' || t.state === 'closed' || t.state === 'failed') return t;
    const provider = this.provider(t.provider);
    if (t.state === 'paid' || t.state === 'refund_pending') return this.giveBack(provider, t);
    const q = await provider.query(tradeNumber).catch((err: unknown) => err as Error);
    if (q instanceof Error) return { ...t, detail: q.message };
    if (q.status === 'paid') return this.giveBack(provider, this.save({ ...t, state: 'paid', detail: null }, 'paid'));
    if (q.status === 'closed' || q.status === 'failed') return this.save({ ...t, state: 'closed' }, 'closed');
    if (Date.now() >= Date.parse(t.expiresAt)) return this.cancel(tradeNumber);
    return t;
  }

  /** Closes an unpaid test QR; one paid meanwhile is refunded instead. */
  async cancel(tradeNumber: string): Promise<TestTrade> {
    const t = this.find(tradeNumber);
    if (t.state !== 'waiting') return this.check(tradeNumber);
    const provider = this.provider(t.provider);
    const res = await provider.close(tradeNumber).catch((err: unknown) => err as Error);
    if (res instanceof Error) return { ...t, detail: res.message };
    if (res.status === 'already_paid') return this.giveBack(provider, this.save({ ...t, state: 'paid' }, 'paid'));
    return this.save({ ...t, state: 'closed', detail: null }, 'closed');
  }

  private async giveBack(provider: PaymentProvider, t: TestTrade): Promise<TestTrade> {
    const refundNumber = refundNumberFor(t.tradeNumber, 1);
    try {
      const res =
        t.state === 'refund_pending' && provider.refundStatus
          ? await provider.refundStatus({ tradeNumber: t.tradeNumber, refundNumber })
          : await provider.refund({
              tradeNumber: t.tradeNumber,
              refundNumber,
              amountMinor: AMOUNT_MINOR,
              totalMinor: AMOUNT_MINOR,
              reason: 'Tillpoint test payment',
            });
      if (res.status === 'refunded') return this.save({ ...t, state: 'refunded', detail: null }, 'refunded');
      if (res.status === 'failed')
        return this.save({ ...t, state: 'refund_pending', detail: res.reason ?? 'failed' }, 'refund_failed');
      return this.save({ ...t, state: 'refund_pending', detail: null }, 'refund_processing');
    } catch (err) {
      // Asked again (same refund number) at the next check or start.
      return this.save({ ...t, state: 'refund_pending', detail: (err as Error).message }, 'refund_unknown');
    }
  }

  /** At start: every test trade a restart interrupted is finished (closed, or refunded when paid). */
  async resume(): Promise<void> {
    for (const t of Object.values(this.all())) {
      if (t.state !== 'waiting' && t.state !== 'paid' && t.state !== 'refund_pending') continue;
      if (!this.engine.providerFor(t.provider)) continue;
      try {
        if (t.state === 'waiting') await this.cancel(t.tradeNumber);
        else await this.check(t.tradeNumber);
      } catch (err) {
        console.warn(`[pay] test payment ${t.tradeNumber}:`, (err as Error).message);
      }
    }
  }
}
