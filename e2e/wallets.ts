// A shop with real wallets for e2e and benchmarks: the Alipay and/or WeChat Pay mock (electron/payments/providers/
// */mock.ts, real HTTP on 127.0.0.1, real RSA keys made now) running in this process, and the built host started
// as a new user would, with `--pay-config FILE` pointing at them. The Demo gateway is then not offered.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type AlipayMock, startAlipayMock } from '../electron/payments/providers/alipay/mock';
import { startWechatPayMock, type WechatPayMock } from '../electron/payments/providers/wechat/mock';
import type { PayConfigFile } from '../shared/pay-config';
import { LOOPBACK_PAY_ARGS, type RunningHost, startHost } from './host';

export type Wallet = 'alipay' | 'wechat';

export interface WalletShop {
  host: RunningHost;
  alipay: AlipayMock | null;
  wechat: WechatPayMock | null;
  /** The --pay-config file the host was started with. */
  configFile: string;
  stop(): Promise<void>;
}

/** Starts the mocks of `wallets`, then the host with a --pay-config for exactly those. */
export async function startWalletShop(
  wallets: readonly Wallet[],
  opts: { args?: string[]; dataDir?: string } = {},
): Promise<WalletShop> {
  const alipay = wallets.includes('alipay') ? await startAlipayMock() : null;
  const wechat = wallets.includes('wechat') ? await startWechatPayMock() : null;
  const config: PayConfigFile = {
    ...(alipay ? { alipay: alipay.config() } : {}),
    ...(wechat ? { wechatpay: wechat.config() } : {}),
  };
  const configFile = path.join(mkdtempSync(path.join(tmpdir(), 'tillpoint-e2e-pay-')), 'pay.json');
  writeFileSync(configFile, JSON.stringify(config, null, 2), { mode: 0o600 });
  let host: RunningHost;
  try {
    host = await startHost({
      dataDir: opts.dataDir,
      args: [...LOOPBACK_PAY_ARGS, '--pay-config', configFile, ...(opts.args ?? [])],
    });
  } catch (err) {
    await alipay?.stop();
    await wechat?.stop();
    throw err;
  }
  return {
    host,
    alipay,
    wechat,
    configFile,
    async stop() {
      await host.stop();
      await alipay?.stop();
      await wechat?.stop();
    },
  };
}
