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
  engine.pinging ??= new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), engine.o.pingTimeoutMs);
    timer.unref();
    provider.ping().then(
      () => resolve(true),
      () => resolve(false),
    );
  }).then((ok) => {
    engine.pinging = undefined;
    if (engine.provider === provider) engine.ping = { at: Date.now(), ok };
    return ok;
  });
  return engine.pinging;
}
