// pay.options: which ways to pay the till can offer now, per wallet provider, and whether each answers (a
// cached ping per provider).
import type { MethodOutput, PayOption, WalletOption } from '../../shared/api';
import type { WalletMethod } from '../../shared/domain';
import { bankQrUnavailable } from './bank-qr';
import type { Engine } from './engine';
import type { PaymentProvider } from './provider';

export async function options(engine: Engine): Promise<MethodOutput<'pay.options'>> {
  const cart = engine.open.get();
  const due = cart.dueMinor;
  const settings = engine.ctx.settings.get();
  const providers = engine.providers;
  const reachable = await Promise.all(providers.map((p) => providerReachable(engine, p)));
  const wallets: WalletOption[] = providers.map((p, i) => {
    const reason =
      engine.currencyProblem(p, cart.currency) ??
      (reachable[i] ? null : 'unreachable') ??
      (due > settings.payLimits.qr ? 'over_limit' : null);
    return { provider: p.id, wallets: [...p.wallets], available: reason === null, reason, isDemo: p.isDemo };
  });
  const usable = wallets.filter((w) => w.available || w.reason === 'over_limit');
  // A method's reason: the first wallet's, unless one can take it ('currency' wins over 'unreachable': it
  // does not go away by itself).
  const walletReason =
    providers.length === 0
      ? 'not_configured'
      : usable.length > 0
        ? null
        : (wallets.find((w) => w.reason === 'currency')?.reason ?? wallets[0]!.reason);
  const first = usable[0] ?? wallets[0];
  const option = (method: WalletMethod, unavailable: string | null): PayOption => {
    const maxMinor = settings.payLimits[method];
    const reason = unavailable ?? (due > maxMinor ? 'over_limit' : null);
    const bank = method === 'bank_qr';
    return {
      method,
      available: reason === null,
      reason,
      provider: bank ? 'bank' : (first?.provider ?? null),
      minMinor: 1,
      maxMinor,
      isDemo: !bank && (first?.isDemo ?? false),
    };
  };
  return {
    dueMinor: due,
    options: [
      option('qr', walletReason),
      option('payment_code', walletReason),
      option('bank_qr', bankQrUnavailable(settings.bankQr, cart.currency)),
    ],
    wallets,
  };
}

/** The provider answered a ping lately (cached for a few seconds; never waits long). */
export function providerReachable(engine: Engine, provider: PaymentProvider): Promise<boolean> {
  const cached = engine.pings.get(provider.id);
  if (cached && Date.now() - cached.at < engine.o.pingCacheMs) return Promise.resolve(cached.ok);
  const running = engine.pinging.get(provider.id);
  if (running) return running;
  const current = () => engine.providerFor(provider.id) === provider;
  const answered = provider.ping().then(
    () => true,
    () => false,
  );
  // An answer that comes after the wait below still counts: a slow provider (or a busy PC) is not an
  // unreachable one, and the next pay.options shows it available without waiting out the cache.
  void answered.then((ok) => {
    if (current()) engine.pings.set(provider.id, { at: Date.now(), ok });
  });
  const waited = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), engine.o.pingTimeoutMs);
    timer.unref();
    void answered.then((ok) => {
      clearTimeout(timer);
      resolve(ok);
    });
  }).then((ok) => {
    engine.pinging.delete(provider.id);
    // A timeout counts as down only until the answer arrives.
    if (!ok && current() && !engine.pings.get(provider.id)?.ok) engine.pings.set(provider.id, { at: Date.now(), ok });
    return ok;
  });
  engine.pinging.set(provider.id, waited);
  return waited;
}
