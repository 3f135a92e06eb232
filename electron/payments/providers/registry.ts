// The real wallets the shop has set up, as providers: one adapter per configured section of the pay config.
// An adapter that refuses its credentials (or is not built yet) does not stop the others: it is reported as
// a problem the settings page shows, and the till goes on without that wallet.
import type { PayConfigFile, PayWallet } from '../../../shared/pay-config';
import type { ConnectionTest, PaymentProvider } from '../provider';
import { ProviderError } from '../provider';
import { type AlipayProviderOptions, createAlipayProvider } from './alipay/index';
import { createWechatPayProvider, type WechatPayProviderOptions } from './wechat/index';

export interface WalletFactories {
  alipay: (opts: AlipayProviderOptions) => PaymentProvider;
  wechatpay: (opts: WechatPayProviderOptions) => PaymentProvider;
}

export interface WalletProviderOptions {
  /** Per request (default: the adapters' own). */
  timeoutMs?: number;
  /** Tests: stand-ins for the adapters. */
  factories?: Partial<WalletFactories>;
}

export interface WalletProblem {
  wallet: PayWallet;
  message: string;
}

const DEFAULT_FACTORIES: WalletFactories = {
  alipay: createAlipayProvider,
  wechatpay: createWechatPayProvider,
};

/** One wallet's provider; throws what its adapter throws. */
export function walletProvider(
  config: PayConfigFile,
  wallet: PayWallet,
  opts: WalletProviderOptions = {},
): PaymentProvider | null {
  const make = { ...DEFAULT_FACTORIES, ...opts.factories };
  const timeout = opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs };
  if (wallet === 'alipay') return config.alipay ? make.alipay({ config: config.alipay, ...timeout }) : null;
  return config.wechatpay ? make.wechatpay({ config: config.wechatpay, ...timeout }) : null;
}

/** Every configured wallet's provider (Alipay first), and why the others could not be had. */
export function walletProviders(
  config: PayConfigFile,
  opts: WalletProviderOptions = {},
): { providers: PaymentProvider[]; problems: WalletProblem[] } {
  const providers: PaymentProvider[] = [];
  const problems: WalletProblem[] = [];
  for (const wallet of ['alipay', 'wechatpay'] as const) {
    try {
      const p = walletProvider(config, wallet, opts);
      if (p) providers.push(p);
    } catch (err) {
      problems.push({ wallet, message: err instanceof Error ? err.message : String(err) });
    }
  }
  return { providers, problems };
}

/**
 * "Test connection" for one wallet: the adapter's own harmless signed call. An adapter that cannot be made,
 * or that cannot test, answers { ok: false, problem: 'other' } with why; never throws.
 */
export async function testWallet(
  config: PayConfigFile,
  wallet: PayWallet,
  opts: WalletProviderOptions = {},
): Promise<ConnectionTest> {
  let provider: PaymentProvider | null;
  try {
    provider = walletProvider(config, wallet, opts);
  } catch (err) {
    return { ok: false, problem: 'other', detail: (err as Error).message, clockSkewSeconds: null };
  }
  if (!provider) return { ok: false, problem: 'other', detail: 'not set up', clockSkewSeconds: null };
  if (!provider.testConnection) {
    return { ok: false, problem: 'other', detail: 'this adapter cannot test yet', clockSkewSeconds: null };
  }
  try {
    return await provider.testConnection();
  } catch (err) {
    const unreachable = err instanceof ProviderError && (err.kind === 'unreachable' || err.kind === 'timeout');
    return {
      ok: false,
      problem: unreachable ? 'unreachable' : 'other',
      detail: err instanceof Error ? err.message : String(err),
      clockSkewSeconds: null,
    };
  }
}
