// What the Demo provider needs to run, checked when the till starts it.
import type { SecretBox } from '../../../core/secrets';

export interface DemoProviderOptions {
  /** The gateway's provider API, e.g. http://127.0.0.1:4872 */
  gatewayUrl: string;
  /** The till's data folder: the merchant key pair and the pinned gateway key are kept here, sealed. */
  dataDir: string;
  merchantName: string;
  secrets: SecretBox;
  /** Per request; a request that takes longer is a 'timeout' ProviderError. */
  timeoutMs?: number;
}
