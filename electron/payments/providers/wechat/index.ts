// The WeChat Pay provider (API v3: Native QR and code pay) through wechatpay-axios-plugin.
// Placeholder until the adapter lands: the till offers WeChat Pay only once this builds a provider.
import type { WechatPayConfig } from '../../../../shared/pay-config';
import type { PaymentProvider } from '../../provider';

export interface WechatPayProviderOptions {
  config: WechatPayConfig;
  /** Per request; longer is a 'timeout' ProviderError. */
  timeoutMs?: number;
}

export function createWechatPayProvider(_opts: WechatPayProviderOptions): PaymentProvider {
  throw new Error('The WeChat Pay adapter is not built yet');
}
