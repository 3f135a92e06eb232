// A shop with real wallets for e2e and benchmarks: the Alipay and/or WeChat Pay mock (electron/payments/providers/
// */mock.ts, real HTTP on 127.0.0.1, real RSA keys made now) running in this process, and the built host started
// as a new user would, with `--pay-config FILE` pointing at them. The Demo gateway is then not offered.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type AlipayMock, startAlipayMock } from '../electron/payments/providers/alipay/mock';
import { startWechatPayMock, type WechatPayMock } from '../electron/payments/providers/wechat/mock';
import type { PayConfigFile } from '../shared/pay-config';
import { callApi, E2E_SCAN_GAP_MS, payTest } from './fixtures';
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

// ---- What the wallets saw, read from the mocks: the same words for Alipay and WeChat Pay --------------------

/** A trade as the wallet holds it. */
export type WalletTradeState = 'waiting' | 'user_paying' | 'paid' | 'closed' | 'reversed' | 'refunded' | 'failed';

/** The calls our till sent about one trade, in the wallets' shared words. */
export type WalletCall = 'create' | 'query' | 'close' | 'reverse' | 'refund' | 'refund_query';

export interface WalletTrade {
  wallet: Wallet;
  tradeNumber: string;
  kind: 'qr' | 'code';
  state: WalletTradeState;
  /**
   * The amount our create call asked for, in fen, read from the request as sent: Alipay's total_amount
   * ("52.00" → 5200, parsed here without floating point), WeChat Pay's amount.total.
   */
  askedFen: number;
  /** The notify_url our create call gave the wallet (null: none). */
  notifyUrl: string | null;
  /** The refunds the wallet holds for it: our refund number and the amount asked for, in fen. */
  refunds: { number: string; fen: number }[];
  calls: WalletCall[];
}

/** One wallet's mock in the tests' words: what it holds, and what its customer and its faults do next. */
export interface WalletControl {
  wallet: Wallet;
  trades(): WalletTrade[];
  trade(tradeNumber: string): WalletTrade;
  /**
   * The trade a customer's wallet app finds when it scans `qrContent` (read off the customer display): the one
   * whose qr_code (Alipay) / code_url (WeChat Pay) it is. Never found through our own database.
   */
  tradeForQr(qrContent: string): WalletTrade;
  /** The customer pays the trade (a QR scanned and paid, or a code charge confirmed). */
  customerPays(tradeNumber: string): void;
  /** The next payment code charge answers "user paying"; paid on the `queries`-th query, or never (null). */
  nextCodeUserPaying(queries: number | null): void;
  /** From now on every answer's signature fails to verify (the body says what the wallet holds). */
  badSignatures(): void;
  /** From now on every close answers a system error and closes nothing. */
  closeFails(): void;
  /** Takes every fault back (Alipay only: the WeChat Pay mock's queued faults cannot be withdrawn). */
  clearFaults: (() => void) | null;
}

/** Enough for any test: each fault is queued per answer. */
const MANY = 1000;

/** "52.00" → 5200, exactly (no floating point); anything else is not an amount Alipay takes. */
export function yuanToFen(yuan: unknown): number {
  const m = typeof yuan === 'string' ? /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(yuan) : null;
  if (!m) throw new Error(`Not a yuan amount: ${JSON.stringify(yuan)}`);
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

function json(text: string): Record<string, unknown> {
  try {
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const ALIPAY_CALLS: Record<string, WalletCall> = {
  '/v3/alipay/trade/precreate': 'create',
  '/v3/alipay/trade/pay': 'create',
  '/v3/alipay/trade/query': 'query',
  '/v3/alipay/trade/close': 'close',
  '/v3/alipay/trade/cancel': 'reverse',
  '/v3/alipay/trade/refund': 'refund',
  '/v3/alipay/trade/fastpay/refund/query': 'refund_query',
};

function alipayControl(mock: AlipayMock): WalletControl {
  const view = (tradeNumber: string): WalletTrade => {
    const t = mock.trades.get(tradeNumber);
    if (!t) throw new Error(`The Alipay mock has no trade ${tradeNumber}`);
    const mine = mock.requests
      .map((r) => ({ call: ALIPAY_CALLS[r.path], body: json(r.body) }))
      .filter((r) => r.call && r.body.out_trade_no === tradeNumber);
    const created = mine.find((r) => r.call === 'create');
    if (!created) throw new Error(`No create call for ${tradeNumber}`);
    const state: WalletTradeState =
      t.status === 'TRADE_SUCCESS' || t.status === 'TRADE_FINISHED'
        ? 'paid'
        : t.status === 'TRADE_CLOSED'
          ? t.refundedMinor > 0
            ? 'refunded'
            : mine.some((r) => r.call === 'reverse')
              ? 'reversed'
              : 'closed'
          : t.kind === 'code' && t.payAfterQueries !== null
            ? 'user_paying'
            : 'waiting';
    return {
      wallet: 'alipay',
      tradeNumber,
      kind: t.kind,
      state,
      askedFen: yuanToFen(created.body.total_amount),
      notifyUrl: typeof created.body.notify_url === 'string' ? created.body.notify_url : null,
      // The amount as our refund call asked for it, for each refund the mock took.
      refunds: t.refunds.map((r) => {
        const asked = mine.find((x) => x.call === 'refund' && x.body.out_request_no === r.outRequestNo);
        return { number: r.outRequestNo, fen: yuanToFen(asked?.body.refund_amount) };
      }),
      calls: mine.map((r) => r.call),
    };
  };
  return {
    wallet: 'alipay',
    trades: () => [...mock.trades.keys()].map(view),
    trade: view,
    tradeForQr(qrContent) {
      // The mock's precreate answers qr_code = https://qr.alipay.com/mock<out_trade_no, letters and digits>.
      const found = [...mock.trades.values()].filter(
        (t) =>
          t.kind === 'qr' && `https://qr.alipay.com/mock${t.tradeNumber.replace(/[^A-Za-z0-9]/g, '')}` === qrContent,
      );
      if (found.length !== 1) throw new Error(`Alipay knows ${found.length} trades for the QR ${qrContent}`);
      return view(found[0]!.tradeNumber);
    },
    customerPays: (tradeNumber) => void mock.customerPays(tradeNumber),
    nextCodeUserPaying: (queries) => (queries === null ? mock.userPayingForever() : mock.userPayingThenPaid(queries)),
    badSignatures() {
      for (let i = 0; i < MANY; i++) mock.badSignatureNext('');
    },
    closeFails: () => mock.failNext('/v3/alipay/trade/close', 'ACQ.SYSTEM_ERROR', { every: true }),
    clearFaults: () => mock.clearFaults(),
  };
}

function wechatCall(method: string, path: string): { call: WalletCall; tradeNumber: string | null } | null {
  const byNo = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)(\/close|\/reverse)?$/.exec(path);
  if (byNo) {
    const tradeNumber = decodeURIComponent(byNo[1]!);
    if (byNo[2] === '/close') return { call: 'close', tradeNumber };
    if (byNo[2] === '/reverse') return { call: 'reverse', tradeNumber };
    return method === 'GET' ? { call: 'query', tradeNumber } : null;
  }
  if (path === '/v3/pay/transactions/native' || path === '/v3/pay/transactions/codepay') {
    return { call: 'create', tradeNumber: null };
  }
  if (path === '/v3/refund/domestic/refunds') return { call: 'refund', tradeNumber: null };
  if (path.startsWith('/v3/refund/domestic/refunds/')) return { call: 'refund_query', tradeNumber: null };
  return null;
}

function wechatControl(mock: WechatPayMock): WalletControl {
  const view = (tradeNumber: string): WalletTrade => {
    const t = mock.trades.get(tradeNumber);
    if (!t) throw new Error(`The WeChat Pay mock has no trade ${tradeNumber}`);
    const refundNumbers = new Set(
      [...mock.refunds.values()].filter((r) => r.outTradeNo === tradeNumber).map((r) => r.outRefundNo),
    );
    const mine = mock.requests
      .map((r) => ({ ...wechatCall(r.method, r.path), body: json(r.body), path: r.path }))
      .filter(
        (r): r is { call: WalletCall; tradeNumber: string | null; body: Record<string, unknown>; path: string } =>
          !!r.call &&
          (r.tradeNumber === tradeNumber ||
            r.body.out_trade_no === tradeNumber ||
            (r.call === 'refund_query' && refundNumbers.has(decodeURIComponent(r.path.split('/').pop()!)))),
      );
    const created = mine.find((r) => r.call === 'create');
    if (!created) throw new Error(`No create call for ${tradeNumber}`);
    const amount = created.body.amount as { total?: unknown } | undefined;
    if (typeof amount?.total !== 'number') throw new Error(`No amount.total in the create call for ${tradeNumber}`);
    const states: Record<string, WalletTradeState> = {
      NOTPAY: 'waiting',
      USERPAYING: 'user_paying',
      SUCCESS: 'paid',
      REFUND: 'refunded',
      CLOSED: 'closed',
      REVOKED: 'reversed',
      PAYERROR: 'failed',
    };
    return {
      wallet: 'wechat',
      tradeNumber,
      kind: t.kind === 'native' ? 'qr' : 'code',
      state: states[t.state]!,
      askedFen: amount.total,
      notifyUrl: typeof created.body.notify_url === 'string' ? created.body.notify_url : null,
      refunds: [...mock.refunds.values()]
        .filter((r) => r.outTradeNo === tradeNumber)
        .map((r) => ({ number: r.outRefundNo, fen: r.refund })),
      calls: mine.map((r) => r.call),
    };
  };
  return {
    wallet: 'wechat',
    trades: () => [...mock.trades.keys()].map(view),
    trade: view,
    tradeForQr(qrContent) {
      const found = [...mock.trades.values()].filter((t) => t.codeUrl === qrContent);
      if (found.length !== 1) throw new Error(`WeChat Pay knows ${found.length} trades for the QR ${qrContent}`);
      return view(found[0]!.outTradeNo);
    },
    customerPays: (tradeNumber) => mock.customerPays(tradeNumber),
    nextCodeUserPaying: (queries) =>
      mock.nextCodePay(queries === null ? 'user_paying' : { userPayingThenPaidAfter: queries }),
    badSignatures() {
      for (const op of ['query', 'queryById', 'close', 'reverse', 'refund', 'refundQuery'] as const) {
        mock.failNext(op, 'bad_signature', MANY);
      }
    },
    closeFails: () => mock.failNext('close', { status: 500, code: 'SYSTEM_ERROR', message: '系统错误' }, MANY),
    clearFaults: null,
  };
}

/** The control of a wallet the shop was started with. */
export function walletControl(shop: WalletShop, wallet: Wallet): WalletControl {
  if (wallet === 'alipay' && shop.alipay) return alipayControl(shop.alipay);
  if (wallet === 'wechat' && shop.wechat) return wechatControl(shop.wechat);
  throw new Error(`This shop has no ${wallet} wallet`);
}

/**
 * Checkout tests in a shop whose wallets are the mocks (`test.use({ wallets: [...] })`): the host is the wallet
 * shop's, with the e2e scanner gap; the customer display as in payTest.
 */
export const walletTest = payTest.extend<{ wallets: Wallet[]; shop: WalletShop }>({
  wallets: [['alipay', 'wechat'], { option: true }],
  shop: async ({ wallets }, use) => {
    const shop = await startWalletShop(wallets);
    try {
      await callApi(shop.host.url, 'settings.update', { scanMaxGapMs: E2E_SCAN_GAP_MS });
      await use(shop);
    } finally {
      await shop.stop();
    }
  },
  host: async ({ shop }, use) => {
    await use(shop.host);
  },
});
