// A local WeChat Pay API v3 for tests (127.0.0.1 only): a real HTTP server that checks our Authorization
// header, enforces the documented field rules, keeps trades and refunds, signs every answer with a WeChat Pay
// platform key (public-key mode: PUB_KEY_ID_…; certificate mode: a 40-hex serial), sends encrypted
// notifications and serves trade bills. Its crypto is in mock-crypto.ts, written from WeChat's documents, so
// a plugin that signs or verifies wrongly fails here. Scenario controls let tests script what WeChat does.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import http from 'node:http';
import type { WechatPayConfig } from '../../../../shared/pay-config';
import { maskPaymentCodesIn } from '../../../../shared/payment';
import type { BillRow } from '../../provider';
import { toChinaIso } from '../money';
import { buildWechatTradeBill } from './bill';
import {
  answerMessage,
  encryptResource,
  type KeyPair,
  makeKeyPair,
  makeNonce,
  makePublicKeyId,
  makeResourceNonce,
  makeSerial,
  parseAuthorization,
  requestMessage,
  sign,
  verify,
} from './mock-crypto';

export type MockOp =
  | 'native'
  | 'codepay'
  | 'query'
  | 'queryById'
  | 'close'
  | 'reverse'
  | 'refund'
  | 'refundQuery'
  | 'tradebill'
  | 'download';

/**
 * What the next answer to an operation does instead of the honest one. An error answers that code (signed);
 * 'slow' does the work, then answers only after the client gave up (longer than its timeout); 'drop' does
 * the work and cuts the connection; the others answer honestly but with a broken signature layer.
 */
export type MockFault =
  | { status: number; code: string; message?: string }
  | 'slow'
  | 'drop'
  | 'bad_signature'
  | 'unsigned'
  | 'stale'
  | 'unknown_serial';

export type TradeState = 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR';

export interface MockTrade {
  outTradeNo: string;
  kind: 'native' | 'codepay';
  appid: string;
  mchid: string;
  description: string;
  /** Fen, exactly as our request said. */
  total: number;
  currency: string;
  notifyUrl: string;
  timeExpire: string | null;
  state: TradeState;
  transactionId: string;
  successTime: string | null;
  codeUrl: string | null;
  /** Queries answered so far. */
  queries: number;
  /** Paid on this query (1-based), if set. */
  paidOnQuery: number | null;
  /** Answers ORDER_NOT_EXIST until scanned (scan / customerPays). */
  hidden: boolean;
  refunded: number;
}

export interface MockRefund {
  outRefundNo: string;
  outTradeNo: string;
  refundId: string;
  refund: number;
  total: number;
  status: 'SUCCESS' | 'PROCESSING' | 'ABNORMAL' | 'CLOSED';
  createTime: string;
}

export interface MockRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The body as sent, any payment code masked. */
  body: string;
  status: number;
  code: string | null;
}

export type CodePayBehaviour =
  | 'paid'
  | 'user_paying'
  /** USERPAYING at first, paid on the n-th query. */
  | { userPayingThenPaidAfter: number }
  | { status: number; code: string; message?: string };

export type BillSetting = readonly BillRow[] | 'not_ready' | 'none' | { csv: string; tamper?: boolean };

/** WeChat Pay: a bill's download_url works for 30 s after the tradebill answer gave it out. */
export const BILL_URL_LIFE_SECONDS = 30;

export interface WechatPayMock {
  url: string;
  mode: 'pubkey' | 'certs';
  /** Ready for createWechatPayProvider. `keys`: which platform keys we hold; `wrong*`: a broken setup. */
  config(o?: {
    keys?: 'primary' | 'secondary' | 'both';
    wrongPrivateKey?: boolean;
    mchId?: string;
    appId?: string;
    baseUrl?: string;
  }): WechatPayConfig;
  readonly ids: { primary: string; secondary: string; merchantSerial: string };
  requests: MockRequest[];
  trades: Map<string, MockTrade>;
  refunds: Map<string, MockRefund>;
  /** Seconds added to the mock's clock (its answers' timestamps, and how it judges ours). */
  clockOffsetSeconds: number;
  /** The customer scans and pays. */
  customerPays(tradeNumber: string): void;
  payAfterQueries(tradeNumber: string, n: number): void;
  notFoundUntilScanned(tradeNumber: string): void;
  scan(tradeNumber: string): void;
  failNext(op: MockOp, fault: MockFault, times?: number): void;
  nextCodePay(b: CodePayBehaviour): void;
  nextRefund(status: MockRefund['status']): void;
  settleRefund(outRefundNo: string, status: MockRefund['status']): void;
  /** Which platform key signs from now on (a switchover). */
  signWith(which: 'primary' | 'secondary'): void;
  /** POSTs a signed, encrypted TRANSACTION.SUCCESS to `url` (loopback only). Answers each delivery. */
  sendNotification(
    tradeNumber: string,
    url: string,
    o?: { forge?: boolean; duplicate?: boolean; tamper?: boolean; mchid?: string; appid?: string },
  ): Promise<{ status: number; body: string }[]>;
  /** The answer the next sendNotification would POST, without sending it. */
  notification(
    tradeNumber: string,
    o?: { forge?: boolean; tamper?: boolean; mchid?: string; appid?: string; id?: string },
  ): { headers: Record<string, string>; body: string };
  setBill(date: string, bill: BillSetting): void;
  /** Resolves once a held ('slow') answer is waiting for the client to give up. */
  held(): Promise<void>;
  stop(): Promise<void>;
}

const TRADE_NO = /^[0-9A-Za-z_\-|*]{6,32}$/;
const AUTH_CODE = /^1[0-5]\d{16}$/;
const HTTPS_NO_QUERY = /^https:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?(?:\/[^\s?#]*)?$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

class Refusal {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message: string,
  ) {}
}

interface Platform {
  id: string;
  keys: KeyPair;
}

export async function startWechatPayMock(opts: { mode?: 'pubkey' | 'certs' } = {}): Promise<WechatPayMock> {
  const mode = opts.mode ?? 'pubkey';
  const newId = () => (mode === 'pubkey' ? makePublicKeyId() : makeSerial());
  const platforms: Record<'primary' | 'secondary' | 'stranger', Platform> = {
    primary: { id: newId(), keys: makeKeyPair() },
    secondary: { id: newId(), keys: makeKeyPair() },
    // Signs what nobody should trust (forged notifications, unknown serials).
    stranger: { id: newId(), keys: makeKeyPair() },
  };
  let signing: Platform = platforms.primary;
  const merchant = { keys: makeKeyPair(), serial: makeSerial(), wrong: makeKeyPair() };
  const mchid = `19${String(randomInt(10 ** 7, 10 ** 8))}`;
  const appid = `wx${randomBytes(8).toString('hex')}`;
  const apiV3Key = randomBytes(24).toString('base64').replace(/[+/=]/g, 'x').slice(0, 32);

  const trades = new Map<string, MockTrade>();
  const refunds = new Map<string, MockRefund>();
  const requests: MockRequest[] = [];
  const faults = new Map<MockOp, MockFault[]>();
  const codePays: CodePayBehaviour[] = [];
  const refundStates: MockRefund['status'][] = [];
  const bills = new Map<string, BillSetting>();
  const downloads = new Map<string, { bytes: Buffer; until: number }>(); // by token; `until` on the mock's clock
  const seenNonces = new Map<string, number>();
  const heldSockets = new Set<http.ServerResponse>();
  let heldWaiters: (() => void)[] = [];
  let txSeq = 0;

  const mock: WechatPayMock = {
    url: '',
    mode,
    ids: { primary: platforms.primary.id, secondary: platforms.secondary.id, merchantSerial: merchant.serial },
    requests,
    trades,
    refunds,
    clockOffsetSeconds: 0,
    config(o = {}) {
      const which = o.keys ?? 'primary';
      const chosen = which === 'both' ? [platforms.primary, platforms.secondary] : [platforms[which]];
      const keys: Partial<WechatPayConfig> =
        mode === 'pubkey'
          ? {
              platformPublicKeyId: chosen[0].id,
              platformPublicKey: chosen[0].keys.publicKey,
              ...(chosen[1] ? { platformKeys: { [chosen[1].id]: chosen[1].keys.publicKey } } : {}),
            }
          : { platformKeys: Object.fromEntries(chosen.map((p) => [p.id, p.keys.publicKey])) };
      return {
        mchId: o.mchId ?? mchid,
        appId: o.appId ?? appid,
        merchantSerialNo: merchant.serial,
        privateKey: o.wrongPrivateKey ? merchant.wrong.privateKey : merchant.keys.privateKey,
        apiV3Key,
        ...keys,
        baseUrl: o.baseUrl ?? `${mock.url}/`,
        // A made-up shop address: WeChat requires one; nobody ever fetches it here.
        notifyUrl: 'https://pay.tillpoint-shop.example.cn/wechatpay/notify',
      };
    },
    customerPays(tradeNumber) {
      const t = need(tradeNumber);
      t.hidden = false;
      if (t.state === 'NOTPAY' || t.state === 'USERPAYING') markPaid(t);
    },
    payAfterQueries(tradeNumber, n) {
      need(tradeNumber).paidOnQuery = need(tradeNumber).queries + n;
    },
    notFoundUntilScanned(tradeNumber) {
      need(tradeNumber).hidden = true;
    },
    scan(tradeNumber) {
      need(tradeNumber).hidden = false;
    },
    failNext(op, fault, times = 1) {
      const list = faults.get(op) ?? [];
      for (let i = 0; i < times; i++) list.push(fault);
      faults.set(op, list);
    },
    nextCodePay(b) {
      codePays.push(b);
    },
    nextRefund(status) {
      refundStates.push(status);
    },
    settleRefund(outRefundNo, status) {
      const r = refunds.get(outRefundNo);
      if (!r) throw new Error(`No refund ${outRefundNo}`);
      r.status = status;
    },
    signWith(which) {
      signing = platforms[which];
    },
    notification(tradeNumber, o = {}) {
      const t = need(tradeNumber);
      const tx = {
        ...transactionJson(t),
        ...(o.mchid ? { mchid: o.mchid } : {}),
        ...(o.appid ? { appid: o.appid } : {}),
      };
      const nonce = makeResourceNonce();
      let ciphertext = encryptResource(apiV3Key, nonce, 'transaction', JSON.stringify(tx));
      if (o.tamper) {
        const bytes = Buffer.from(ciphertext, 'base64');
        bytes[3] ^= 0x01;
        ciphertext = bytes.toString('base64');
      }
      const body = JSON.stringify({
        id: o.id ?? `EV-${t.transactionId}`,
        create_time: chinaTime(now()),
        resource_type: 'encrypt-resource',
        event_type: 'TRANSACTION.SUCCESS',
        summary: '支付成功',
        resource: {
          original_type: 'transaction',
          algorithm: 'AEAD_AES_256_GCM',
          ciphertext,
          associated_data: 'transaction',
          nonce,
        },
      });
      // A forgery: the serial WeChat uses, the signature of a key that is not WeChat's.
      const headers = signedHeaders(body, o.forge ? { ...signing, keys: platforms.stranger.keys } : signing);
      return { headers: { 'content-type': 'application/json', ...headers }, body };
    },
    async sendNotification(tradeNumber, url, o = {}) {
      const target = new URL(url);
      if (target.hostname !== '127.0.0.1') throw new Error('The mock only notifies 127.0.0.1');
      const answers: { status: number; body: string }[] = [];
      const id = `EV-${need(tradeNumber).transactionId}`;
      for (let i = 0; i < (o.duplicate ? 2 : 1); i++) {
        // A retry is the same notification (same id) signed afresh.
        const n = mock.notification(tradeNumber, { ...o, id });
        answers.push(await post(target, n.headers, n.body));
      }
      return answers;
    },
    setBill(date, bill) {
      bills.set(date, bill);
    },
    held() {
      return new Promise((resolve) => {
        if (heldSockets.size > 0) resolve();
        else heldWaiters.push(resolve);
      });
    },
    async stop() {
      for (const res of heldSockets) res.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };

  function now(): number {
    return Math.floor(Date.now() / 1000) + mock.clockOffsetSeconds;
  }

  function chinaTime(seconds: number): string {
    return toChinaIso(new Date(seconds * 1000));
  }

  function need(tradeNumber: string): MockTrade {
    const t = trades.get(tradeNumber);
    if (!t) throw new Error(`The mock has no trade ${tradeNumber}`);
    return t;
  }

  function markPaid(t: MockTrade): void {
    t.state = 'SUCCESS';
    t.successTime = chinaTime(now());
  }

  function signedHeaders(body: string, by: Platform, o: { stale?: boolean } = {}): Record<string, string> {
    const ts = String(now() - (o.stale ? 400 : 0));
    const nonce = makeNonce();
    return {
      'Wechatpay-Timestamp': ts,
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Serial': by.id,
      'Wechatpay-Signature': sign(by.keys.privateKey, answerMessage(ts, nonce, body)),
    };
  }

  function transactionJson(t: MockTrade) {
    const paid = t.state === 'SUCCESS' || t.state === 'REFUND';
    return {
      appid: t.appid,
      mchid: t.mchid,
      out_trade_no: t.outTradeNo,
      ...(paid || t.kind === 'codepay' ? { transaction_id: t.transactionId } : {}),
      trade_type: t.kind === 'native' ? 'NATIVE' : 'MICROPAY',
      trade_state: t.state,
      trade_state_desc: t.state,
      ...(paid ? { bank_type: 'OTHERS', success_time: t.successTime, payer: { openid: 'o-mock-payer' } } : {}),
      amount: {
        total: t.total,
        currency: t.currency,
        ...(paid ? { payer_total: t.total, payer_currency: 'CNY' } : {}),
      },
    };
  }

  function refundJson(r: MockRefund) {
    return {
      refund_id: r.refundId,
      out_refund_no: r.outRefundNo,
      transaction_id: trades.get(r.outTradeNo)?.transactionId,
      out_trade_no: r.outTradeNo,
      channel: 'ORIGINAL',
      user_received_account: '支付用户零钱',
      status: r.status,
      create_time: r.createTime,
      ...(r.status === 'SUCCESS' ? { success_time: r.createTime } : {}),
      amount: { total: r.total, refund: r.refund, payer_total: r.total, payer_refund: r.refund, currency: 'CNY' },
    };
  }

  function post(target: URL, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        target,
        { method: 'POST', agent: false, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  // ---- request checks ------------------------------------------------------------------------------------

  function authenticate(method: string, pathAndQuery: string, body: string, header: string | undefined): void {
    const auth = parseAuthorization(header);
    if (!auth) throw new Refusal(401, 'SIGN_ERROR', 'Authorization 头缺失或格式错误');
    if (auth.mchid !== mchid) throw new Refusal(400, 'MCH_NOT_EXISTS', '商户号不存在');
    if (auth.serial_no.toUpperCase() !== merchant.serial) throw new Refusal(401, 'SIGN_ERROR', '商户证书序列号有误');
    if (!/^\d{1,12}$/.test(auth.timestamp) || Math.abs(now() - Number(auth.timestamp)) > 300) {
      throw new Refusal(401, 'SIGN_ERROR', '请求时间戳与当前时间相差过大');
    }
    for (const [n, at] of seenNonces) if (now() - at > 600) seenNonces.delete(n);
    if (seenNonces.has(auth.nonce_str)) throw new Refusal(401, 'SIGN_ERROR', '重放的请求');
    const message = requestMessage(method, pathAndQuery, auth.timestamp, auth.nonce_str, body);
    if (!verify(merchant.keys.publicKey, message, auth.signature)) throw new Refusal(401, 'SIGN_ERROR', '签名错误');
    seenNonces.set(auth.nonce_str, now());
  }

  function json(body: string): Record<string, unknown> {
    try {
      const v = JSON.parse(body) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      // refused below
    }
    throw new Refusal(400, 'PARAM_ERROR', '请求体不是合法的 JSON 对象');
  }

  function checkMerchant(b: Record<string, unknown>, withAppid: boolean): void {
    if (b.mchid !== mchid) throw new Refusal(400, 'PARAM_ERROR', 'mchid 与请求头中的商户号不一致');
    if (withAppid && b.appid !== appid) throw new Refusal(400, 'APPID_MCHID_NOT_MATCH', 'appid 和 mchid 不匹配');
  }

  function checkOrder(b: Record<string, unknown>): { total: number; description: string; notifyUrl: string } {
    checkMerchant(b, true);
    const no = b.out_trade_no;
    if (typeof no !== 'string' || !TRADE_NO.test(no)) throw new Refusal(400, 'PARAM_ERROR', 'out_trade_no 格式错误');
    const d = b.description;
    if (typeof d !== 'string' || d.length === 0 || Buffer.byteLength(d) > 127) {
      throw new Refusal(400, 'PARAM_ERROR', 'description 长度不符合要求');
    }
    const n = b.notify_url;
    if (typeof n !== 'string' || !HTTPS_NO_QUERY.test(n))
      throw new Refusal(400, 'PARAM_ERROR', 'notify_url 必须为 https 且不能携带参数');
    const amount = b.amount as { total?: unknown; currency?: unknown } | undefined;
    if (!amount || typeof amount.total !== 'number' || !Number.isInteger(amount.total) || amount.total < 1) {
      throw new Refusal(400, 'PARAM_ERROR', 'amount.total 必须为大于 0 的整数（分）');
    }
    if (amount.currency !== undefined && amount.currency !== 'CNY')
      throw new Refusal(400, 'PARAM_ERROR', '境内商户仅支持人民币');
    if (b.time_expire !== undefined && (typeof b.time_expire !== 'string' || !RFC3339.test(b.time_expire))) {
      throw new Refusal(400, 'PARAM_ERROR', 'time_expire 需为 rfc3339 格式');
    }
    return { total: amount.total, description: d, notifyUrl: n };
  }

  function existingOrder(no: string, total: number): MockTrade | undefined {
    const t = trades.get(no);
    if (!t) return undefined;
    if (t.state === 'SUCCESS' || t.state === 'REFUND') throw new Refusal(400, 'ORDERPAID', '该订单已支付');
    if (t.state === 'CLOSED' || t.state === 'REVOKED') throw new Refusal(400, 'ORDER_CLOSED', '订单已关闭');
    if (t.total !== total) throw new Refusal(403, 'OUT_TRADE_NO_USED', '商户订单号重复');
    return t;
  }

  function newTrade(kind: MockTrade['kind'], b: Record<string, unknown>, o: ReturnType<typeof checkOrder>): MockTrade {
    const no = b.out_trade_no as string;
    txSeq += 1;
    const t: MockTrade = {
      outTradeNo: no,
      kind,
      appid,
      mchid,
      description: o.description,
      total: o.total,
      currency: 'CNY',
      notifyUrl: o.notifyUrl,
      timeExpire: (b.time_expire as string | undefined) ?? null,
      state: 'NOTPAY',
      transactionId: `42000${String(now())}${String(txSeq).padStart(13, '0')}`,
      successTime: null,
      codeUrl: kind === 'native' ? `weixin://wxpay/bizpayurl?pr=${randomBytes(6).toString('hex')}` : null,
      queries: 0,
      paidOnQuery: null,
      hidden: false,
      refunded: 0,
    };
    trades.set(no, t);
    return t;
  }

  // ---- routes ------------------------------------------------------------------------------------------------

  type Reply = { status: number; body: unknown; raw?: Buffer };
  const TRADE = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)$/;
  const CLOSE = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)\/close$/;
  const REVERSE = /^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)\/reverse$/;
  const BY_ID = /^\/v3\/pay\/transactions\/id\/([^/]+)$/;
  const REFUND_ONE = /^\/v3\/refund\/domestic\/refunds\/([^/]+)$/;

  function opOf(method: string, path: string): MockOp | null {
    if (method === 'POST' && path === '/v3/pay/transactions/native') return 'native';
    if (method === 'POST' && path === '/v3/pay/transactions/codepay') return 'codepay';
    if (method === 'GET' && TRADE.test(path)) return 'query';
    if (method === 'GET' && BY_ID.test(path)) return 'queryById';
    if (method === 'POST' && CLOSE.test(path)) return 'close';
    if (method === 'POST' && REVERSE.test(path)) return 'reverse';
    if (method === 'POST' && path === '/v3/refund/domestic/refunds') return 'refund';
    if (method === 'GET' && REFUND_ONE.test(path)) return 'refundQuery';
    if (method === 'GET' && path === '/v3/bill/tradebill') return 'tradebill';
    if (method === 'GET' && path === '/v3/billdownload/file') return 'download';
    return null;
  }

  function handle(op: MockOp, path: string, query: URLSearchParams, text: string): Reply {
    switch (op) {
      case 'native': {
        const b = json(text);
        const o = checkOrder(b);
        const t = existingOrder(b.out_trade_no as string, o.total) ?? newTrade('native', b, o);
        return { status: 200, body: { code_url: t.codeUrl } };
      }
      case 'codepay': {
        const b = json(text);
        const o = checkOrder(b);
        const code = (b.payer as { auth_code?: unknown } | undefined)?.auth_code;
        if (typeof code !== 'string' || !AUTH_CODE.test(code)) {
          throw new Refusal(400, 'AUTH_CODE_INVALID', '请扫描微信支付授权码(以10/11/12/13/14/15为前缀的18位数字)');
        }
        if (trades.has(b.out_trade_no as string)) existingOrder(b.out_trade_no as string, o.total);
        const behaviour = codePays.shift() ?? 'paid';
        if (typeof behaviour === 'object' && 'code' in behaviour) {
          throw new Refusal(behaviour.status, behaviour.code, behaviour.message ?? behaviour.code);
        }
        const t = trades.get(b.out_trade_no as string) ?? newTrade('codepay', b, o);
        if (behaviour === 'paid') {
          markPaid(t);
          return { status: 200, body: transactionJson(t) };
        }
        t.state = 'USERPAYING';
        if (typeof behaviour === 'object') t.paidOnQuery = behaviour.userPayingThenPaidAfter;
        return { status: 202, body: { code: 'USERPAYING', message: '需要用户输入支付密码' } };
      }
      case 'query':
      case 'queryById': {
        if (query.get('mchid') !== mchid) throw new Refusal(400, 'PARAM_ERROR', 'mchid 不正确');
        const key = decodeURIComponent((op === 'query' ? TRADE : BY_ID).exec(path)![1]);
        const t =
          op === 'query'
            ? trades.get(key)
            : [...trades.values()].find((x) => x.transactionId === key && x.state !== 'NOTPAY');
        if (!t || t.hidden) throw new Refusal(404, 'ORDER_NOT_EXIST', '订单不存在');
        t.queries += 1;
        if (
          t.paidOnQuery !== null &&
          t.queries >= t.paidOnQuery &&
          (t.state === 'NOTPAY' || t.state === 'USERPAYING')
        ) {
          markPaid(t);
        }
        return { status: 200, body: transactionJson(t) };
      }
      case 'close': {
        checkMerchant(json(text), false);
        const t = trades.get(decodeURIComponent(CLOSE.exec(path)![1]));
        if (!t || t.hidden) throw new Refusal(404, 'ORDER_NOT_EXIST', '订单不存在');
        if (t.state === 'SUCCESS' || t.state === 'REFUND') throw new Refusal(400, 'ORDERPAID', '订单已支付');
        if (t.state === 'NOTPAY' || t.state === 'USERPAYING') t.state = 'CLOSED';
        return { status: 204, body: null };
      }
      case 'reverse': {
        checkMerchant(json(text), true);
        const t = trades.get(decodeURIComponent(REVERSE.exec(path)![1]));
        if (!t) throw new Refusal(404, 'ORDER_NOT_EXIST', '订单不存在');
        if (t.state !== 'CLOSED') t.state = 'REVOKED'; // a paid one: the money goes back
        return { status: 200, body: { out_trade_no: t.outTradeNo } };
      }
      case 'refund': {
        const b = json(text);
        const no = b.out_refund_no;
        if (typeof no !== 'string' || !TRADE_NO.test(no))
          throw new Refusal(400, 'PARAM_ERROR', 'out_refund_no 格式错误');
        const amount = b.amount as { refund?: unknown; total?: unknown; currency?: unknown } | undefined;
        const whole = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 1;
        if (!amount || !whole(amount.refund) || !whole(amount.total) || amount.currency !== 'CNY') {
          throw new Refusal(400, 'PARAM_ERROR', 'amount 不正确');
        }
        const before = refunds.get(no);
        if (before) return { status: 200, body: refundJson(before) };
        const t = trades.get(b.out_trade_no as string);
        if (!t) throw new Refusal(404, 'RESOURCE_NOT_EXISTS', '订单不存在');
        if (t.state !== 'SUCCESS' && t.state !== 'REFUND') throw new Refusal(400, 'INVALID_REQUEST', '订单未支付');
        if (amount.total !== t.total) throw new Refusal(400, 'PARAM_ERROR', '订单金额与原订单不一致');
        if (t.refunded + (amount.refund as number) > t.total)
          throw new Refusal(400, 'INVALID_REQUEST', '退款金额超过可退金额');
        const r: MockRefund = {
          outRefundNo: no,
          outTradeNo: t.outTradeNo,
          refundId: `50000${String(now())}${randomInt(10 ** 9)}`,
          refund: amount.refund as number,
          total: t.total,
          status: refundStates.shift() ?? 'SUCCESS',
          createTime: chinaTime(now()),
        };
        refunds.set(no, r);
        t.refunded += r.refund;
        t.state = 'REFUND';
        return { status: 200, body: refundJson(r) };
      }
      case 'refundQuery': {
        const r = refunds.get(decodeURIComponent(REFUND_ONE.exec(path)![1]));
        if (!r) throw new Refusal(404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
        return { status: 200, body: refundJson(r) };
      }
      case 'tradebill': {
        const date = query.get('bill_date') ?? '';
        if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Refusal(400, 'PARAM_ERROR', 'bill_date 格式错误');
        const bill = bills.get(date) ?? 'none';
        if (bill === 'none') throw new Refusal(400, 'NO_STATEMENT_EXIST', '要下载的账单不存在');
        if (bill === 'not_ready') throw new Refusal(400, 'STATEMENT_CREATING', '账单生成中，请稍后再试');
        const csv = 'csv' in bill ? bill.csv : buildWechatTradeBill(bill as readonly BillRow[]);
        const bytes = Buffer.from(csv, 'utf8');
        const token = randomBytes(12).toString('hex');
        const served = 'tamper' in bill && bill.tamper ? Buffer.from(`${csv}\n`, 'utf8') : bytes;
        downloads.set(token, { bytes: served, until: now() + BILL_URL_LIFE_SECONDS });
        return {
          status: 200,
          body: {
            hash_type: 'SHA1',
            hash_value: createHash('sha1').update(bytes).digest('hex'),
            download_url: `${mock.url}/v3/billdownload/file?token=${token}`,
          },
        };
      }
      case 'download': {
        const link = downloads.get(query.get('token') ?? '');
        if (!link || now() > link.until) throw new Refusal(404, 'RESOURCE_NOT_EXISTS', '下载链接已失效');
        return { status: 200, body: null, raw: link.bytes };
      }
    }
  }

  function send(res: http.ServerResponse, reply: Reply, fault: MockFault | undefined, op: MockOp): void {
    if (reply.raw) {
      // Bill downloads are not signed: the SHA1 in the signed tradebill answer vouches for them.
      res.writeHead(reply.status, { 'Content-Type': 'application/octet-stream' }).end(reply.raw);
      return;
    }
    const text = reply.body === null ? '' : JSON.stringify(reply.body);
    let headers: Record<string, string> = signedHeaders(text, signing, { stale: fault === 'stale' });
    if (fault === 'bad_signature')
      headers = { ...headers, ...pick(signedHeaders(`${text} `, signing), 'Wechatpay-Signature') };
    if (fault === 'unsigned') delete headers['Wechatpay-Signature'];
    if (fault === 'unknown_serial') headers = signedHeaders(text, platforms.stranger);
    res.writeHead(reply.status, {
      ...(text ? { 'Content-Type': 'application/json' } : {}),
      'Request-ID': `mock-${op}-${randomBytes(4).toString('hex')}`,
      ...headers,
    });
    res.end(text);
  }

  function pick(h: Record<string, string>, key: string): Record<string, string> {
    return { [key]: h[key] };
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= 64 * 1024) chunks.push(c);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const target = req.url ?? '/';
      const url = new URL(target, 'http://127.0.0.1');
      const method = req.method ?? 'GET';
      const op = opOf(method, url.pathname);
      const log: MockRequest = {
        method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body: maskPaymentCodesIn(text),
        status: 0,
        code: null,
      };
      requests.push(log);
      const fault = op ? faults.get(op)?.shift() : undefined;
      let reply: Reply;
      try {
        authenticate(method, target, text, req.headers.authorization);
        if (!op) throw new Refusal(404, 'NOT_FOUND', '接口不存在');
        if (fault && typeof fault === 'object')
          throw new Refusal(fault.status, fault.code, fault.message ?? fault.code);
        reply = handle(op, url.pathname, url.searchParams, text);
      } catch (err) {
        if (!(err instanceof Refusal)) {
          reply = { status: 500, body: { code: 'SYSTEM_ERROR', message: String(err) } };
        } else reply = { status: err.status, body: { code: err.code, message: err.message } };
      }
      log.status = reply.status;
      log.code = (reply.body as { code?: string } | null)?.code ?? null;
      if (fault === 'drop') {
        res.destroy();
        return;
      }
      if (fault === 'slow') {
        // Answered only once the client has given up on it: longer than any timeout, with no timer.
        heldSockets.add(res);
        res.on('close', () => heldSockets.delete(res));
        const waiters = heldWaiters;
        heldWaiters = [];
        for (const w of waiters) w();
        req.socket.once('close', () => {
          heldSockets.delete(res);
        });
        return;
      }
      send(res, reply, fault, op ?? 'native');
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('The mock did not bind');
  mock.url = `http://127.0.0.1:${address.port}`;
  return mock;
}
