// The WeChat Pay provider: API v3 (Native QR, code pay, query, close, reverse, refund, trade bill) through
// wechatpay-axios-plugin, which signs every request with the merchant key and verifies 2xx answers against
// the WeChat Pay public key / platform keys we hold. The plugin does NOT verify answers of other statuses
// (decorator.js: "no need verification anymore while the HTTP status is not 20X"), yet a 404 "no such order"
// or a 403 "already paid" moves money decisions; so every answer but a bill download is also checked here
// (four Wechatpay-* headers, ±300 s, a serial we hold, the signature), and an unsigned refusal is an unknown
// outcome, never a refusal. Money is integer fen on both sides.
import { createDecipheriv, createHash, createPublicKey, createVerify, type KeyObject, randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AxiosInstance, AxiosResponseTransformer } from 'axios';
import { Wechatpay } from 'wechatpay-axios-plugin';
import type { z } from 'zod';
import type { WechatPayConfig } from '../../../../shared/pay-config';
import { isValidTradeNumber, maskPaymentCodesIn, routePaymentCode } from '../../../../shared/payment';
import {
  type BillAnswer,
  type CloseResult,
  type ConnectionTest,
  type CreateQrResult,
  type IncomingNotification,
  type LookupResult,
  type PaymentProvider,
  type PayWithCodeResult,
  ProviderError,
  type QueryResult,
  type RefundResult,
  type ReverseResult,
  type VerifiedNotification,
} from '../../provider';
import { toChinaIso } from '../money';
import { NOT_REACHED } from '../net';
import {
  answerFor,
  ErrorBody,
  NativeAnswer,
  NotificationEnvelope,
  PLUGIN_BAD_ANSWER,
  PLUGIN_BAD_SIGNATURE,
  RefundAnswer,
  REVERSE_RETRY,
  TradeBillAnswer,
  Transaction,
} from './answers';
import { parseWechatTradeBill } from './bill';

const DEFAULT_TIMEOUT_MS = 10_000;
/** WeChat refuses requests, and the plugin answers, more than 5 minutes off. */
const MAX_SKEW_SECONDS = 300;
/** testConnection warns well before that. */
const WARN_SKEW_SECONDS = 60;
const DESCRIPTION_MAX_BYTES = 127;

export interface WechatPayProviderOptions {
  config: WechatPayConfig;
  /** Per request; longer is a 'timeout' ProviderError. */
  timeoutMs?: number;
}

/** Any HTTP answer, before we decide what it means. */
interface Answer {
  status: number;
  headers: Record<string, string>;
  raw: string | Buffer;
  data: unknown;
  /** Our own check of the Wechatpay-* headers (null for a bill download, which is not signed). */
  signed: SignCheck | null;
  /** The plugin refused the answer with this code (EV3_RES_…). */
  pluginRefused: string | null;
}

type SignCheck =
  | { ok: true; skew: number }
  | { ok: false; why: 'unsigned' | 'clock' | 'serial' | 'signature'; skew: number | null };

type Exchange = { kind: 'answer'; answer: Answer } | { kind: 'none'; error: ProviderError };

/** WeChat's RFC 3339 time in China time, whole seconds: 2026-11-25T09:32:00+08:00. */
export function chinaTime(at: Date): string {
  return toChinaIso(at);
}

/** Cuts text to WeChat's description limit without splitting a character. */
function clipBytes(text: string, max: number): string {
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > max) break;
    out += ch;
    bytes += n;
  }
  return out;
}

function headerOf(headers: Record<string, string | undefined>, name: string): string | undefined {
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === want) return v;
  return undefined;
}

/** The platform keys we trust, by serial / public key id; never the merchant's own serial. */
export function trustedKeys(config: WechatPayConfig): Record<string, string> {
  const certs: Record<string, string> = {};
  if (config.platformPublicKeyId && config.platformPublicKey)
    certs[config.platformPublicKeyId] = config.platformPublicKey;
  for (const [serial, pem] of Object.entries(config.platformKeys ?? {})) certs[serial] = pem;
  if (Object.keys(certs).length === 0) {
    throw new Error('WeChat Pay needs the WeChat Pay public key (platformPublicKey) or the platform certificates');
  }
  const own = config.merchantSerialNo.toUpperCase();
  if (Object.keys(certs).some((s) => s.toUpperCase() === own)) {
    throw new Error(
      'The platform keys hold the merchant’s own certificate serial: that is our certificate, not WeChat Pay’s; use the WeChat Pay public key or platform certificate',
    );
  }
  return certs;
}

export function createWechatPayProvider(opts: WechatPayProviderOptions): PaymentProvider {
  const config = opts.config;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const certs = trustedKeys(config);
  const keys = new Map<string, KeyObject>(Object.entries(certs).map(([id, pem]) => [id, createPublicKey(pem)]));
  const base = new URL(config.baseUrl);

  const wx = new Wechatpay({
    mchid: config.mchId,
    serial: config.merchantSerialNo,
    privateKey: config.privateKey,
    certs,
    baseURL: base.href,
    timeout: timeoutMs,
    proxy: false, // never through an HTTP(S)_PROXY from the environment: the signature goes only to WeChat
    maxRedirects: 0,
    // A fresh connection per call, so "refused" reliably means nothing was sent.
    httpAgent: new http.Agent({ keepAlive: false }),
    httpsAgent: new https.Agent({ keepAlive: false }),
  });
  const v3 = wx.client.v3 as AxiosInstance;
  // Keep the exact body text: our own check of non-2xx answers needs it, and axios parses it away.
  const keepRaw: AxiosResponseTransformer = function (this: object, data: unknown) {
    Reflect.set(this, 'tillpointRaw', data);
    return data;
  };
  const transforms = v3.defaults.transformResponse;
  v3.defaults.transformResponse = [
    keepRaw,
    ...(Array.isArray(transforms) ? transforms : transforms ? [transforms] : []),
  ];

  function checkSignature(headers: Record<string, string>, raw: string): SignCheck {
    const ts = headerOf(headers, 'wechatpay-timestamp');
    const nonce = headerOf(headers, 'wechatpay-nonce');
    const serial = headerOf(headers, 'wechatpay-serial');
    const signature = headerOf(headers, 'wechatpay-signature');
    const skew = ts && /^\d{1,12}$/.test(ts) ? Math.round(Date.now() / 1000) - Number(ts) : null;
    if (!ts || !nonce || !serial || !signature || skew === null) return { ok: false, why: 'unsigned', skew };
    if (Math.abs(skew) > MAX_SKEW_SECONDS) return { ok: false, why: 'clock', skew };
    const key = keys.get(serial);
    if (!key) return { ok: false, why: 'serial', skew };
    let good = false;
    try {
      good = createVerify('RSA-SHA256').update(`${ts}\n${nonce}\n${raw}\n`, 'utf8').verify(key, signature, 'base64');
    } catch {
      good = false;
    }
    return good ? { ok: true, skew } : { ok: false, why: 'signature', skew };
  }

  /** One signed call; any HTTP answer comes back, a missing one is a ProviderError. */
  async function exchange(
    method: 'GET' | 'POST',
    url: string,
    o: { params?: Record<string, string>; data?: unknown; download?: boolean } = {},
  ): Promise<Exchange> {
    const toAnswer = (status: number, rawHeaders: unknown, config: unknown, data: unknown, plugin: string | null) => {
      const headers: Record<string, string> = {};
      const h = rawHeaders as { toJSON?: () => Record<string, unknown> } | Record<string, unknown> | undefined;
      const plain =
        h && typeof (h as { toJSON?: unknown }).toJSON === 'function'
          ? (h as { toJSON(): Record<string, unknown> }).toJSON()
          : (h ?? {});
      for (const [k, v] of Object.entries(plain)) if (v !== undefined) headers[k.toLowerCase()] = String(v);
      const kept = config ? Reflect.get(config as object, 'tillpointRaw') : undefined;
      const raw = Buffer.isBuffer(kept) ? kept : typeof kept === 'string' ? kept : '';
      const signed = o.download ? null : checkSignature(headers, typeof raw === 'string' ? raw : raw.toString('utf8'));
      return { kind: 'answer' as const, answer: { status, headers, raw, data, signed, pluginRefused: plugin } };
    };
    try {
      const res = await v3.request({
        method,
        url,
        params: o.params,
        data: o.data,
        responseType: o.download ? 'arraybuffer' : 'json',
      });
      return toAnswer(res.status, res.headers, res.config, res.data, null);
    } catch (err) {
      const e = err as {
        code?: string;
        message?: string;
        response?: { status: number; headers: unknown; config: unknown; data: unknown };
      };
      if (e.response) {
        const plugin = e.code && PLUGIN_BAD_ANSWER.has(e.code) ? e.code : null;
        return toAnswer(e.response.status, e.response.headers, e.response.config, e.response.data, plugin);
      }
      const code = e.code ?? '';
      if (NOT_REACHED.has(code)) {
        return {
          kind: 'none',
          error: new ProviderError('unreachable', `WeChat Pay at ${base.origin} is not reachable (${code})`),
        };
      }
      if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
        return {
          kind: 'none',
          error: new ProviderError('timeout', `WeChat Pay did not answer within ${timeoutMs} ms`),
        };
      }
      // Sent (or maybe sent), then the connection broke: the outcome is unknown.
      return {
        kind: 'none',
        error: new ProviderError('timeout', `WeChat Pay connection failed: ${maskPaymentCodesIn(e.message ?? code)}`),
      };
    }
  }

  /** What a non-2xx answer's code means, as a ProviderError (a refusal only for a listed code). */
  function failureOf(a: Answer): ProviderError {
    const body = ErrorBody.safeParse(a.data);
    const code = body.success ? body.data.code : `HTTP_${a.status}`;
    const message = maskPaymentCodesIn(body.success ? (body.data.message ?? '') : '');
    const row = answerFor(code);
    if (a.status >= 500 || !row || row.meaning !== 'refusal') {
      return new ProviderError('server_error', `WeChat Pay answered ${a.status} ${code} ${message}`.trim());
    }
    return new ProviderError('rejected', `WeChat Pay: ${code}: ${message || row.note}`, row.refusal ?? 'OTHER');
  }

  /**
   * A trusted answer: 2xx verified by the plugin and by us, or a signed non-2xx. Returns it; throws a
   * ProviderError for no answer, a 5xx, or one we cannot trust.
   */
  async function call(
    method: 'GET' | 'POST',
    url: string,
    o: { params?: Record<string, string>; data?: unknown; download?: boolean } = {},
  ): Promise<Answer> {
    const x = await exchange(method, url, o);
    if (x.kind === 'none') throw x.error;
    const a = x.answer;
    if (a.status >= 500) throw failureOf(a);
    trusted(a);
    if (a.status < 200 || (a.status >= 300 && a.status < 400)) throw failureOf(a);
    return a;
  }

  /** Throws bad_response unless the plugin and our own check both accepted the answer. */
  function trusted(a: Answer): void {
    if (a.pluginRefused)
      throw new ProviderError('bad_response', `The WeChat Pay answer failed the check (${a.pluginRefused})`);
    if (a.signed && !a.signed.ok) {
      throw new ProviderError('bad_response', `The WeChat Pay answer (${a.status}) failed our check: ${a.signed.why}`);
    }
  }

  function isOk(a: Answer): boolean {
    return a.status >= 200 && a.status < 300;
  }

  function codeOf(a: Answer): string | null {
    const b = ErrorBody.safeParse(a.data);
    return b.success ? b.data.code : null;
  }

  function shape<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
    const r = schema.safeParse(data);
    if (!r.success) throw new ProviderError('bad_response', `The WeChat Pay ${what} answer has an unexpected shape`);
    return r.data;
  }

  function tradeNo(tradeNumber: string): string {
    if (!isValidTradeNumber(tradeNumber)) {
      throw new ProviderError('rejected', `Invalid trade number "${tradeNumber}"`, 'INVALID_REQUEST');
    }
    return tradeNumber;
  }

  function requireCny(currency: string, amountMinor: number): void {
    if (currency !== 'CNY')
      throw new ProviderError('rejected', `WeChat Pay takes CNY, not ${currency}`, 'INVALID_REQUEST');
    if (!Number.isSafeInteger(amountMinor) || amountMinor < 1) {
      throw new ProviderError('rejected', `Invalid amount ${amountMinor} fen`, 'AMOUNT_INVALID');
    }
  }

  function roundExpiry(at: Date): Date {
    return new Date(Math.floor(at.getTime() / 1000) * 1000);
  }

  function transactionOf(a: Answer, tradeNumber: string | null): Transaction {
    const t = shape(Transaction, a.data, 'order');
    if (t.mchid !== config.mchId) throw new ProviderError('bad_response', 'WeChat Pay answered for another merchant');
    if (tradeNumber !== null && t.out_trade_no !== tradeNumber) {
      throw new ProviderError('bad_response', 'WeChat Pay answered about another trade');
    }
    if (t.amount?.currency !== undefined && t.amount.currency !== 'CNY') {
      throw new ProviderError('bad_response', `WeChat Pay holds the trade in ${t.amount.currency}`);
    }
    return t;
  }

  function queryResultOf(t: Transaction): QueryResult {
    const base = {
      amountMinor: t.amount?.total,
      providerRef: t.transaction_id ?? null,
      paidAt: t.success_time ?? null,
    };
    switch (t.trade_state) {
      case 'SUCCESS':
        // The engine checks the amount before it settles: a paid answer without one cannot be trusted.
        if (t.amount === undefined) throw new ProviderError('bad_response', 'WeChat Pay said paid without an amount');
        return { status: 'paid', ...base };
      case 'NOTPAY':
        return { status: 'waiting', ...base };
      case 'USERPAYING':
        return { status: 'user_paying', ...base };
      case 'CLOSED':
      case 'REVOKED':
        return { status: 'closed', ...base, reason: t.trade_state };
      case 'PAYERROR':
        return { status: 'failed', ...base, reason: 'PAYERROR' };
      case 'REFUND':
        // 转入退款: part or all of it went back. Never completes a sale; the bill tells how much.
        return { status: 'refunded', ...base, reason: 'REFUND' };
    }
  }

  async function queryTrade(tradeNumber: string): Promise<QueryResult> {
    const a = await call('GET', `v3/pay/transactions/out-trade-no/${tradeNo(tradeNumber)}`, {
      params: { mchid: config.mchId },
    });
    if (!isOk(a)) {
      const e = failureOf(a);
      if (e.kind === 'rejected' && e.code === 'TRADE_NOT_FOUND') return { status: 'not_found' };
      throw e;
    }
    return queryResultOf(transactionOf(a, tradeNumber));
  }

  function refundResultOf(a: Answer, refundNumber: string, amountMinor: number | null): RefundResult {
    const r = shape(RefundAnswer, a.data, 'refund');
    if (r.out_refund_no !== refundNumber)
      throw new ProviderError('bad_response', 'WeChat Pay answered about another refund');
    if (amountMinor !== null && r.amount.refund !== amountMinor) {
      throw new ProviderError(
        'bad_response',
        `WeChat Pay holds this refund for ${r.amount.refund} fen, not ${amountMinor}`,
      );
    }
    switch (r.status) {
      case 'SUCCESS':
        return { status: 'refunded' };
      case 'PROCESSING':
        return { status: 'processing' };
      case 'ABNORMAL':
      case 'CLOSED':
        // The code only: the screens translate the step to take in 商户平台 (REFUND_HELP has it in the docs' words).
        return { status: 'failed', reason: r.status };
    }
  }

  const provider: PaymentProvider = {
    id: 'wechat',
    isDemo: false,
    merchantId: config.mchId,
    wallets: ['wechat'],
    // v3 支付通知: "接收成功: HTTP 200 或 204, 无需返回应答报文".
    notificationAck: { status: 204, body: '', contentType: 'text/plain' },
    currencies: ['CNY'],
    // The guide: ask every 3–5 s for about 45 s, then reverse.
    codePolling: { everyMs: 4000, forMs: 45_000 },
    ownsPaymentCode: (code) => routePaymentCode(code)?.provider === 'wechat',
    roundExpiry,

    async createQr(req): Promise<CreateQrResult> {
      requireCny(req.currency, req.amountMinor);
      const expiresAt = roundExpiry(req.expiresAt);
      const a = await call('POST', 'v3/pay/transactions/native', {
        data: {
          appid: config.appId,
          mchid: config.mchId,
          description: clipBytes(req.subject, DESCRIPTION_MAX_BYTES),
          out_trade_no: tradeNo(req.tradeNumber),
          time_expire: chinaTime(expiresAt),
          // Always the shop's HTTPS address: WeChat requires one, and the engine's is a loopback URL.
          notify_url: config.notifyUrl,
          amount: { total: req.amountMinor, currency: 'CNY' },
        },
      });
      if (!isOk(a)) throw failureOf(a);
      const r = shape(NativeAnswer, a.data, 'Native order');
      return { qrContent: r.code_url, expiresAt, providerRef: null };
    },

    query: queryTrade,

    async close(tradeNumber): Promise<CloseResult> {
      const a = await call('POST', `v3/pay/transactions/out-trade-no/${tradeNo(tradeNumber)}/close`, {
        data: { mchid: config.mchId },
      });
      if (isOk(a)) return { status: 'closed' };
      const e = failureOf(a);
      if (e.kind === 'rejected' && e.code === 'TRADE_PAID') return { status: 'already_paid' };
      if (e.kind === 'rejected' && e.code === 'TRADE_NOT_FOUND') return { status: 'not_found' };
      if (e.kind === 'rejected' && e.code === 'TRADE_CLOSED') return { status: 'closed' };
      throw e;
    },

    async payWithCode(req): Promise<PayWithCodeResult> {
      requireCny(req.currency, req.amountMinor);
      const a = await call('POST', 'v3/pay/transactions/codepay', {
        data: {
          appid: config.appId,
          mchid: config.mchId,
          description: clipBytes(req.subject, DESCRIPTION_MAX_BYTES),
          out_trade_no: tradeNo(req.tradeNumber),
          notify_url: config.notifyUrl,
          payer: { auth_code: req.authCode },
          amount: { total: req.amountMinor, currency: 'CNY' },
        },
      });
      if (!isOk(a)) throw failureOf(a);
      // A signed 202 {code: USERPAYING}: the customer is confirming in the wallet.
      if (codeOf(a) === 'USERPAYING') return { status: 'user_paying', providerRef: null };
      const t = transactionOf(a, req.tradeNumber);
      if (t.amount !== undefined && t.amount.total !== req.amountMinor) {
        throw new ProviderError('bad_response', `WeChat Pay charged ${t.amount.total} fen, not ${req.amountMinor}`);
      }
      if (t.trade_state === 'SUCCESS') return { status: 'paid', providerRef: t.transaction_id ?? null };
      if (t.trade_state === 'USERPAYING') return { status: 'user_paying', providerRef: t.transaction_id ?? null };
      if (t.trade_state === 'PAYERROR') throw new ProviderError('rejected', 'WeChat Pay: PAYERROR', 'DECLINED');
      throw new ProviderError('server_error', `WeChat Pay answered the code pay with ${t.trade_state}`);
    },

    async reverse(tradeNumber): Promise<ReverseResult> {
      // Whether money comes back: a reverse of a paid trade refunds it.
      let wasPaid = false;
      try {
        wasPaid = (await queryTrade(tradeNumber)).status === 'paid';
      } catch {
        wasPaid = false;
      }
      const x = await exchange('POST', `v3/pay/transactions/out-trade-no/${tradeNo(tradeNumber)}/reverse`, {
        data: { appid: config.appId, mchid: config.mchId },
      });
      if (x.kind === 'none') throw x.error;
      const a = x.answer;
      // 撤销: a system error (any 5xx) or "still paying" means send the reverse again.
      if (a.status >= 500 || REVERSE_RETRY.has(codeOf(a) ?? '')) return { status: 'closed', retry: true };
      trusted(a);
      if (isOk(a)) return { status: wasPaid ? 'refunded' : 'closed', retry: false };
      const e = failureOf(a);
      // Nothing by that number at WeChat Pay: nothing was taken.
      if (e.kind === 'rejected' && e.code === 'TRADE_NOT_FOUND') return { status: 'closed', retry: false };
      throw e;
    },

    async refund(req): Promise<RefundResult> {
      tradeNo(req.tradeNumber);
      tradeNo(req.refundNumber);
      if (!Number.isSafeInteger(req.amountMinor) || req.amountMinor < 1 || req.amountMinor > req.totalMinor) {
        throw new ProviderError('rejected', `Invalid refund amount ${req.amountMinor} fen`, 'AMOUNT_INVALID');
      }
      const a = await call('POST', 'v3/refund/domestic/refunds', {
        data: {
          out_trade_no: req.tradeNumber,
          out_refund_no: req.refundNumber,
          ...(req.reason ? { reason: clipBytes(req.reason, 80) } : {}),
          amount: { refund: req.amountMinor, total: req.totalMinor, currency: 'CNY' },
        },
      });
      if (!isOk(a)) throw failureOf(a);
      return refundResultOf(a, req.refundNumber, req.amountMinor);
    },

    async refundStatus(req): Promise<RefundResult> {
      const a = await call('GET', `v3/refund/domestic/refunds/${tradeNo(req.refundNumber)}`);
      if (!isOk(a)) throw failureOf(a);
      return refundResultOf(a, req.refundNumber, null);
    },

    async lookup(ref): Promise<LookupResult> {
      if ('tradeNumber' in ref) {
        const q = await queryTrade(ref.tradeNumber);
        return { ...q, tradeNumber: q.status === 'not_found' ? null : ref.tradeNumber };
      }
      if (!/^[0-9A-Za-z]{1,32}$/.test(ref.providerRef)) {
        throw new ProviderError('rejected', 'Not a WeChat Pay transaction number', 'INVALID_REQUEST');
      }
      const a = await call('GET', `v3/pay/transactions/id/${ref.providerRef}`, { params: { mchid: config.mchId } });
      if (!isOk(a)) {
        const e = failureOf(a);
        if (e.kind === 'rejected' && e.code === 'TRADE_NOT_FOUND') return { status: 'not_found', tradeNumber: null };
        throw e;
      }
      const t = transactionOf(a, null);
      if (t.transaction_id !== undefined && t.transaction_id !== ref.providerRef) {
        throw new ProviderError('bad_response', 'WeChat Pay answered about another transaction');
      }
      return { ...queryResultOf(t), tradeNumber: t.out_trade_no };
    },

    verifyNotification(n: IncomingNotification): VerifiedNotification {
      const headers = n.headers;
      const flat: Record<string, string> = {};
      for (const [k, v] of Object.entries(headers)) if (v !== undefined) flat[k.toLowerCase()] = v;
      const check = checkSignature(flat, n.body);
      if (!check.ok) throw new ProviderError('bad_response', `Notification failed the signature check: ${check.why}`);
      let envelope: z.infer<typeof NotificationEnvelope>;
      try {
        envelope = shape(NotificationEnvelope, JSON.parse(n.body), 'notification');
      } catch {
        throw new ProviderError('bad_response', 'Notification body cannot be read');
      }
      if (envelope.event_type !== 'TRANSACTION.SUCCESS') {
        throw new ProviderError('bad_response', `Not a payment notification (${envelope.event_type})`);
      }
      const r = envelope.resource;
      let plain: string;
      try {
        const bytes = Buffer.from(r.ciphertext, 'base64');
        if (bytes.length <= 16) throw new Error('short');
        const decipher = createDecipheriv(
          'aes-256-gcm',
          Buffer.from(config.apiV3Key, 'utf8'),
          Buffer.from(r.nonce, 'utf8'),
        );
        decipher.setAAD(Buffer.from(r.associated_data ?? '', 'utf8'));
        decipher.setAuthTag(bytes.subarray(bytes.length - 16));
        plain = Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString(
          'utf8',
        );
      } catch {
        throw new ProviderError('bad_response', 'Notification resource cannot be decrypted with the APIv3 key');
      }
      let t: Transaction;
      try {
        t = shape(Transaction, JSON.parse(plain), 'notification resource');
      } catch {
        throw new ProviderError('bad_response', 'Notification resource cannot be read');
      }
      if (t.appid !== config.appId) throw new ProviderError('bad_response', 'Notification is for another appid');
      if (t.trade_state !== 'SUCCESS')
        throw new ProviderError('bad_response', `Notification trade state is ${t.trade_state}`);
      if (!t.amount || !t.success_time)
        throw new ProviderError('bad_response', 'Notification lacks the amount or the time');
      return {
        notificationId: envelope.id,
        tradeNumber: t.out_trade_no,
        status: 'paid',
        amountMinor: t.amount.total,
        currency: t.amount.currency ?? 'CNY',
        merchantId: t.mchid,
        providerRef: t.transaction_id ?? null,
        paidAt: t.success_time,
      };
    },

    async ping(): Promise<void> {
      // A trade number that cannot exist: ORDER_NOT_EXIST, signed, proves our keys and theirs.
      await queryTrade(`TPPING${randomBytes(6).toString('hex')}`);
    },

    async testConnection(): Promise<ConnectionTest> {
      const x = await exchange('GET', `v3/pay/transactions/out-trade-no/TPPING${randomBytes(6).toString('hex')}`, {
        params: { mchid: config.mchId },
      });
      if (x.kind === 'none') {
        return { ok: false, problem: 'unreachable', detail: x.error.message, clockSkewSeconds: null };
      }
      const a = x.answer;
      const sig = a.signed;
      const skew = sig ? sig.skew : null;
      const fail = (problem: Exclude<ConnectionTest, { ok: true }>['problem'], detail: string): ConnectionTest => ({
        ok: false,
        problem,
        detail,
        clockSkewSeconds: skew,
      });
      if (skew !== null && Math.abs(skew) > WARN_SKEW_SECONDS) {
        return fail('clock_off', `This PC's clock is ${skew} s off WeChat Pay's (WeChat refuses past 300 s)`);
      }
      const code = codeOf(a) ?? '';
      if (a.status === 401 || code === 'SIGN_ERROR') {
        return fail(
          'bad_signature',
          'WeChat Pay refused our signature: the private key does not match the certificate serial',
        );
      }
      if (code === 'APPID_MCHID_NOT_MATCH' || code === 'MCH_NOT_EXISTS') {
        return fail('wrong_id', `WeChat Pay does not know this 商户号 / appid pair (${code})`);
      }
      if (code === 'NO_AUTH' || code === 'NOAUTH')
        return fail('not_enabled', 'The product is not enabled on this 商户号 (NO_AUTH)');
      if (a.pluginRefused === 'EV3_RES_HEADER_TIMESTAMP_OFFSET' || (sig && !sig.ok && sig.why === 'clock')) {
        return fail('clock_off', `This PC's clock is ${skew ?? '?'} s off WeChat Pay's`);
      }
      if ((a.pluginRefused && PLUGIN_BAD_SIGNATURE.has(a.pluginRefused)) || (sig && !sig.ok && a.status < 500)) {
        return fail(
          'bad_answer_signature',
          'The WeChat Pay answer does not verify with the WeChat Pay public key / platform certificate we hold',
        );
      }
      if (a.status === 404 && code === 'ORDER_NOT_EXIST') return { ok: true, clockSkewSeconds: skew };
      if (isOk(a)) return { ok: true, clockSkewSeconds: skew };
      return fail('other', `WeChat Pay answered ${a.status} ${code}`.trim());
    },

    async fetchBill(date): Promise<BillAnswer> {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date))
        throw new ProviderError('rejected', `Invalid bill date "${date}"`, 'INVALID_REQUEST');
      const a = await call('GET', 'v3/bill/tradebill', { params: { bill_date: date, bill_type: 'ALL' } });
      if (!isOk(a)) {
        const row = answerFor(codeOf(a) ?? '');
        if (row?.meaning === 'bill_none') return { status: 'none' };
        if (row?.meaning === 'bill_not_ready') return { status: 'not_ready' };
        throw failureOf(a);
      }
      const b = shape(TradeBillAnswer, a.data, 'trade bill');
      let url: URL;
      try {
        url = new URL(b.download_url);
      } catch {
        throw new ProviderError('bad_response', 'The bill download address cannot be read');
      }
      // The signed download goes only where our other requests go.
      if (url.origin !== base.origin)
        throw new ProviderError('bad_response', `The bill download points elsewhere (${url.origin})`);
      // The query goes in params: the plugin knows the download path (and skips its check) only without it.
      const d = await call('GET', url.pathname.replace(/^\//, ''), {
        params: Object.fromEntries(url.searchParams),
        download: true,
      });
      if (!isOk(d)) throw failureOf(d);
      const bytes = Buffer.isBuffer(d.data) ? d.data : Buffer.from(d.data as ArrayBuffer);
      // The download is not signed: its SHA1 from the signed answer is what vouches for it.
      const sha1 = createHash('sha1').update(bytes).digest('hex');
      if (sha1 !== b.hash_value.toLowerCase())
        throw new ProviderError('bad_response', 'The downloaded bill does not match its SHA1');
      try {
        return { status: 'ready', rows: parseWechatTradeBill(bytes.toString('utf8')) };
      } catch (err) {
        // A bill we cannot read is an answer we cannot trust, never a partial list of rows.
        throw new ProviderError('bad_response', err instanceof Error ? err.message : String(err));
      }
    },
  };
  return provider;
}
