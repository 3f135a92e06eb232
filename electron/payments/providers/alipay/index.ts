// The Alipay Face-to-Face (当面付) provider, OpenAPI v3 through the official alipay-sdk's `curl`.
// Placeholder until the adapter lands: the till offers Alipay only once this builds a provider.
import type { AlipayConfig } from '../../../../shared/pay-config';
import type { PaymentProvider } from '../../provider';

export interface AlipayProviderOptions {
  config: AlipayConfig;
  /** Per request; longer is a 'timeout' ProviderError. */
  timeoutMs?: number;
}

export function createAlipayProvider(_opts: AlipayProviderOptions): PaymentProvider {
  throw new Error('The Alipay adapter is not built yet');
}
