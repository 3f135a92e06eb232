// pay.options: which ways to pay the till can offer now, and whether the provider answers (a cached ping).
import type { MethodOutput, PayOption } from '../../shared/api';
import type { WalletMethod } from '../../shared/domain';
import { bankQrUnavailable } from './bank-qr';
import type { Engine } from './engine';

export async function options(engine: Engine): Promise<MethodOutput<'pay.options'>> {
  const cart = engine.open.get();
  const due = cart.dueMinor;
  const settings = engine.ctx.settings.get();
  const reachable = await providerReachable(engine);
  const provider = engine.provider;
  const option = (method: WalletMethod, unavailable: string | null): PayOption => {
    const maxMinor = settings.payLimits[method];
    const reason = unavailable ?? (due > maxMinor ? 'over_limit' : null);
    const bank = method === 'bank_qr';
    return {
      method,
      available: reason === null,
      reason,
      provider: bank ? 'bank' : (provider?.id ?? null),
      minMinor: 1,
      maxMinor,
      isDemo: !bank && (provider?.isDemo ?? false),
    };
  };
  const wallet = reachable ? null : 'unreachable';
  return {
    dueMinor: due,
    options: [
      option('qr', wallet),
      option('payment_code', wallet),
      option('bank_qr', bankQrUnavailable(settings.bankQr, engine.open.get().currency)),
    ],
  };
}

/** The provider answered a ping lately (cached for a few seconds; never waits long). */
export function providerReachable(engine: Engine): Promise<boolean> {
  const provider = engine.provider;
  if (!provider) return Promise.resolve(false);
  if (engine.ping && Date.now() - engine.ping.at < engine.o.pingCacheMs) return Promise.resolve(engine.ping.ok);
  if (engine.pinging) return engine.pinging;
  const answered = provider.ping().then(
    () => true,
    () => false,
  );
  // An answer that comes after the wait below still counts: a slow provider (or a busy PC) is not an
  // unreachable one, and the next pay.options shows it available without waiting out the cache.
  void answered.then((ok) => {
    if (engine.provider === provider) engine.ping = { at: Date.now(), ok };
  });
  const waited = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), engine.o.pingTimeoutMs);
    timer.unref();
    void answered.then((ok) => {
      clearTimeout(timer);
      resolve(ok);
    });
  }).then((ok) => {
    engine.pinging = undefined;
    // A timeout counts as down only until the answer arrives.
    if (!ok && engine.provider === provider && !engine.ping?.ok) engine.ping = { at: Date.now(), ok };
    return ok;
  });
  engine.pinging = waited;
  return waited;
}
