// The Alipay Face-to-Face (当面付) provider: OpenAPI v3 through the official alipay-sdk's `curl`, in public-key
// or certificate mode. Every answer below 400 has its signature checked by the SDK (it always verifies JSON
// answers of `curl`, with the Alipay public key or the key of the Alipay public certificate); an error answer
// that carries a signature is checked here too, so a forged refusal can never mark a payment failed. The raw
// answers are seen through an undici interceptor on our own agent (the SDK hides error bodies and headers).
import { createPrivateKey, createPublicKey, createVerify, randomUUID, X509Certificate } from 'node:crypto';
import { AlipayRequestError, AlipaySdk } from 'alipay-sdk';
import { Agent, DecoratorHandler, type Dispatcher } from 'undici';
import { z } from 'zod';
import type { AlipayConfig } from '../../../../shared/pay-config';
import { routePaymentCode } from '../../../../shared/payment';
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
  type ProviderErrorKind,
  type QueryResult,
  type RefundResult,
  type ReverseResult,
  type VerifiedNotification,
} from '../../provider';
import { chinaTimeToIso, fenToYuan, toChinaTime, yuanToFen } from '../money';
import { NOT_REACHED } from '../net';
import { type AnswerRow, answerFor, TRADE_STATUSES } from './answers';
import { parseAlipayBillZip } from './bill';

const DEFAULT_TIMEOUT_MS = 10_000;
/** Test connection calls the clock "off" beyond this (Alipay refuses requests whose timestamp is far off). */
export const MAX_CLOCK_SKEW_SECONDS = 60;
/** A trade number that cannot exist (ours all start with the till id "T"): ping and test connection ask for it. */
const PING_TRADE_NUMBER = 'PING_TILLPOINT_NO_SUCH_TRADE';

export interface AlipayProviderOptions {
  config: AlipayConfig;
  /** Per request; longer is a 'timeout' ProviderError. */
  timeoutMs?: number;
}

/** A ProviderError that remembers which Alipay answer it came from. */
class AlipayError extends ProviderError {
  constructor(
    kind: ProviderErrorKind,
    message: string,
    readonly row?: AnswerRow,
    readonly why?: 'answer_signature',
  ) {
    super(
      kind,
      message,
      row?.means.kind === 'refusal' ? row.means.refusal : kind === 'rejected' ? 'INVALID_REQUEST' : undefined,
    );
  }
}

const meansOf = (err: unknown) => (err instanceof AlipayError ? err.row?.means : undefined);

interface Captured {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  chunks: Buffer[];
}

type NewHandler = Required<
  Pick<
    Dispatcher.DispatchHandler,
    'onRequestStart' | 'onRequestUpgrade' | 'onResponseStart' | 'onResponseData' | 'onResponseEnd' | 'onResponseError'
  >
>;

/** Sees the raw answer of a request (status, headers, body) on its way to the SDK. */
function tap(handler: Dispatcher.DispatchHandler, put: (c: Captured) => void): Dispatcher.DispatchHandler {
  // DecoratorHandler turns the SDK's (legacy-style) handler into the controller-style one we forward to.
  const inner = new DecoratorHandler(handler) as unknown as NewHandler;
  let cap: Captured | undefined;
  return {
    onRequestStart: (controller, context) => inner.onRequestStart(controller, context),
    onRequestUpgrade: (controller, status, headers, socket) =>
      inner.onRequestUpgrade(controller, status, headers, socket),
    onResponseStart(controller, statusCode, headers, statusMessage) {
      cap = { status: statusCode, headers, chunks: [] };
      put(cap);
      inner.onResponseStart(controller, statusCode, headers, statusMessage);
    },
    onResponseData(controller, chunk) {
      cap?.chunks.push(chunk);
      inner.onResponseData(controller, chunk);
    },
    onResponseEnd: (controller, trailers) => inner.onResponseEnd(controller, trailers),
    onResponseError: (controller, error) => inner.onResponseError(controller, error),
  };
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2)
      if (String(headers[i]).toLowerCase() === name) return String(headers[i + 1]);
    return undefined;
  }
  for (const [k, v] of Object.entries(headers as Record<string, unknown>))
    if (k.toLowerCase() === name) return Array.isArray(v) ? String(v[0]) : v === undefined ? undefined : String(v);
  return undefined;
}

/** The app private key as PKCS#8 PEM, from PKCS#1 or PKCS#8, PEM or the key tool's one-line base64. */
export function normalisePrivateKey(text: string): string {
  const trimmed = text.trim();
  if (trimmed.includes('-----BEGIN')) {
    return createPrivateKey(trimmed).export({ type: 'pkcs8', format: 'pem' }).toString();
  }
  const der = Buffer.from(trimmed.replace(/\s+/g, ''), 'base64');
  for (const type of ['pkcs8', 'pkcs1'] as const) {
    try {
      return createPrivateKey({ key: der, format: 'der', type }).export({ type: 'pkcs8', format: 'pem' }).toString();
    } catch {
      // try the other layout
    }
  }
  throw new Error('The Alipay app private key is neither PKCS#1 nor PKCS#8');
}

function normalisePublicKey(text: string): string {
  const trimmed = text.trim();
  const pem = trimmed.includes('-----BEGIN')
    ? trimmed
    : `-----BEGIN PUBLIC KEY-----\n${trimmed.replace(/\s+/g, '')}\n-----END PUBLIC KEY-----`;
  return createPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString();
}

function verifyRsa2(publicKey: string, text: string, signature: string): boolean {
  try {
    return createVerify('RSA-SHA256').update(text, 'utf8').verify(publicKey, signature, 'base64');
  } catch {
    return false;
  }
}

// ---- answer shapes (only the fields we use; Alipay adds more) ----
const Yuan = z.string().refine((s) => yuanToFen(s) !== null, 'not a yuan amount');
const PrecreateAnswer = z.object({ out_trade_no: z.string(), qr_code: z.string().min(1) });
const PayAnswer = z.object({
  code: z.string().optional(),
  out_trade_no: z.string().optional(),
  trade_no: z.string().optional(),
  total_amount: Yuan.optional(),
  gmt_payment: z.string().optional(),
});
const TradeAnswer = z.object({
  out_trade_no: z.string(),
  trade_no: z.string(),
  trade_status: z.enum(TRADE_STATUSES),
  total_amount: Yuan,
  send_pay_date: z.string().optional(),
});
const CancelAnswer = z.object({
  retry_flag: z.enum(['Y', 'N']).optional(),
  action: z.string().optional(),
});
const RefundAnswer = z.object({ fund_change: z.enum(['Y', 'N']).optional(), refund_fee: Yuan.optional() });
const RefundQueryAnswer = z.object({ refund_status: z.string().optional(), refund_amount: Yuan.optional() });
const BillUrlAnswer = z.object({ bill_download_url: z.string().url() });
const NotificationFields = z.object({
  notify_id: z.string().min(1),
  app_id: z.string(),
  out_trade_no: z.string().min(1),
  trade_no: z.string().optional(),
  trade_status: z.string(),
  total_amount: Yuan,
  gmt_payment: z.string().optional(),
  notify_time: z.string().optional(),
});

export function createAlipayProvider(opts: AlipayProviderOptions): PaymentProvider {
  const { config } = opts;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const certMode = Boolean(config.appCert && config.alipayPublicCert && config.alipayRootCert);
  if (!certMode && !config.alipayPublicKey) {
    throw new Error('Alipay needs the Alipay public key or the three certificates');
  }
  const privateKey = normalisePrivateKey(config.privateKey);
  // The key that signs Alipay's answers and notifications: from the Alipay public certificate in cert mode.
  const alipayKey = certMode
    ? new X509Certificate(config.alipayPublicCert!).publicKey.export({ type: 'spki', format: 'pem' }).toString()
    : normalisePublicKey(config.alipayPublicKey!);
  const sdk = new AlipaySdk({
    appId: config.appId,
    privateKey,
    keyType: 'PKCS8',
    endpoint: config.endpoint.replace(/\/+$/, ''),
    timeout: timeoutMs,
    ...(certMode
      ? {
          appCertContent: config.appCert!,
          alipayPublicCertContent: config.alipayPublicCert!,
          alipayRootCertContent: config.alipayRootCert!,
        }
      : { alipayPublicKey: alipayKey }),
  });

  const captured = new Map<string, Captured>();
  const agent = new Agent({ connect: { timeout: timeoutMs } }).compose((dispatch) => (o, handler) => {
    const id = headerOf(o.headers, 'alipay-request-id');
    return dispatch(o, id ? tap(handler, (c) => captured.set(id, c)) : handler);
  });
  /** The last answer's alipay-timestamp minus our clock (seconds), for Test connection. */
  let lastSkewSeconds: number | null = null;

  function noteClock(c: Captured | undefined): void {
    const ts = headerOf(c?.headers, 'alipay-timestamp');
    if (!ts || !/^\d{10,13}$/.test(ts)) return;
    const ms = ts.length === 13 ? Number(ts) : Number(ts) * 1000;
    lastSkewSeconds = Math.round((Date.now() - ms) / 1000);
  }

  /** An error answer (≥ 400): checked when signed, then read through the answer table. */
  function errorAnswer(status: number, code: string | undefined, message: string, c: Captured | undefined): never {
    const signature = headerOf(c?.headers, 'alipay-signature');
    const encoded = headerOf(c?.headers, 'content-encoding');
    if (c && signature && !encoded) {
      const text = `${headerOf(c.headers, 'alipay-timestamp')}\n${headerOf(c.headers, 'alipay-nonce')}\n${Buffer.concat(c.chunks).toString('utf8')}\n`;
      if (!verifyRsa2(alipayKey, text, signature)) {
        throw new AlipayError(
          'bad_response',
          `Alipay error answer ${status} has a bad signature`,
          undefined,
          'answer_signature',
        );
      }
    }
    const row = answerFor(code);
    const what = `Alipay answered ${status} ${code ?? '(no code)'}: ${message}`;
    if (status >= 500 || status === 429 || !row) throw new AlipayError('server_error', what, row);
    switch (row.means.kind) {
      case 'unknown':
        throw new AlipayError('server_error', what, row);
      case 'in_progress':
        throw new AlipayError('server_error', what, row); // callers that expect it catch it
      default:
        throw new AlipayError('rejected', what, row);
    }
  }

  /** One signed v3 call; the verified JSON of a success, or a ProviderError. */
  async function call(
    method: 'GET' | 'POST',
    path: string,
    payload: { body?: Record<string, unknown>; query?: Record<string, string> },
  ): Promise<unknown> {
    const requestId = randomUUID().replaceAll('-', '');
    try {
      const r = await sdk.curl(method, path, {
        ...payload,
        requestId,
        requestTimeout: timeoutMs,
        agent: agent as never,
      });
      const c = captured.get(requestId);
      noteClock(c);
      // The SDK verified the signature; make sure there was one at all (it would throw without).
      if (c && !headerOf(c.headers, 'alipay-signature'))
        throw new AlipayError('bad_response', 'Alipay answer is not signed');
      return r.data;
    } catch (err) {
      if (err instanceof ProviderError) throw err;
      const c = captured.get(requestId);
      noteClock(c);
      if (err instanceof AlipayRequestError) {
        if (err.code === 'response-signature-verify-error' || err.code === 'response-alipay-sn-verify-error') {
          throw new AlipayError('bad_response', 'Alipay answer has a bad signature', undefined, 'answer_signature');
        }
        if (err.responseHttpStatus) {
          errorAnswer(err.responseHttpStatus, err.code, err.message.replace(/ \(traceId: \w+\)$/, ''), c);
        }
        const cause = err.cause as (Error & { code?: string }) | undefined;
        if (!c && cause && NOT_REACHED.has(cause.code ?? '')) {
          throw new AlipayError('unreachable', `Alipay at ${config.endpoint} is not reachable (${cause.code})`);
        }
        if (cause?.name === 'HttpClientRequestTimeoutError' || cause?.name === 'ConnectTimeoutError') {
          throw new AlipayError('timeout', `Alipay did not answer within ${timeoutMs} ms`);
        }
        throw new AlipayError('timeout', `Alipay connection failed: ${cause?.message ?? err.message}`);
      }
      // Thrown by the SDK while reading an answer: no signature header (TypeError), a body that is not JSON.
      if (c && c.status < 400) throw new AlipayError('bad_response', `Alipay answer cannot be trusted: ${String(err)}`);
      if (c) throw new AlipayError('server_error', `Alipay answered ${c.status} with an unreadable body`);
      throw new AlipayError('unreachable', `The Alipay request could not be made: ${String(err)}`);
    } finally {
      captured.delete(requestId);
    }
  }

  function shape<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
    const r = schema.safeParse(body);
    if (!r.success) throw new AlipayError('bad_response', `Alipay ${what} answer has an unexpected shape`);
    return r.data;
  }

  function fen(yuan: string | undefined, what: string): number {
    const n = yuanToFen(yuan);
    if (n === null) throw new AlipayError('bad_response', `Alipay ${what} amount "${yuan}" does not parse`);
    return n;
  }

  async function queryTrade(by: { out_trade_no: string } | { trade_no: string }): Promise<LookupResult> {
    let body: unknown;
    try {
      body = await call('POST', '/v3/alipay/trade/query', { body: by });
    } catch (err) {
      if (meansOf(err)?.kind === 'not_found') return { status: 'not_found', tradeNumber: null };
      throw err;
    }
    const t = shape(TradeAnswer, body, 'query');
    if ('out_trade_no' in by && t.out_trade_no !== by.out_trade_no)
      throw new AlipayError('bad_response', 'Alipay answered about another trade');
    const paidAt = chinaTimeToIso(t.send_pay_date);
    const result = {
      tradeNumber: t.out_trade_no,
      amountMinor: fen(t.total_amount, 'query'),
      providerRef: t.trade_no,
      paidAt,
    };
    switch (t.trade_status) {
      case 'WAIT_BUYER_PAY':
        return { status: 'waiting', ...result, paidAt: null };
      case 'TRADE_SUCCESS':
      case 'TRADE_FINISHED':
        return { status: 'paid', ...result };
      case 'TRADE_CLOSED':
        // 交易关闭: unpaid and timed out or closed, or paid and then refunded in full; only the latter has a
        // payment time.
        return paidAt ? { status: 'refunded', ...result } : { status: 'closed', ...result };
    }
  }

  function tradeOnly(r: LookupResult): QueryResult {
    const { tradeNumber: _t, ...rest } = r;
    return rest;
  }

  const provider: PaymentProvider = {
    id: 'alipay',
    isDemo: false,
    merchantId: config.appId,
    wallets: ['alipay'],
    currencies: ['CNY'],
    notificationAck: { status: 200, body: 'success', contentType: 'text/plain' },
    // The official demo: query 5 times every 5 s, then cancel (the engine sends the cancel).
    codePolling: { everyMs: 5000, forMs: 30_000 },

    ownsPaymentCode(code) {
      return routePaymentCode(code)?.provider === 'alipay';
    },

    // We send precreate's `time_expire` (absolute, "yyyy-MM-dd HH:mm:ss" China time): whole seconds.
    roundExpiry(at) {
      return new Date(Math.floor(at.getTime() / 1000) * 1000);
    },

    async createQr(req): Promise<CreateQrResult> {
      if (req.currency !== 'CNY')
        throw new AlipayError('rejected', `Alipay takes CNY, not ${req.currency}`, answerFor('ACQ.INVALID_PARAMETER'));
      const expiresAt = provider.roundExpiry!(req.expiresAt);
      const body = await call('POST', '/v3/alipay/trade/precreate', {
        body: {
          out_trade_no: req.tradeNumber,
          total_amount: fenToYuan(req.amountMinor),
          subject: req.subject,
          time_expire: toChinaTime(expiresAt),
          ...(req.notifyUrl ? { notify_url: req.notifyUrl } : {}),
        },
      });
      const r = shape(PrecreateAnswer, body, 'precreate');
      if (r.out_trade_no !== req.tradeNumber) throw new AlipayError('bad_response', 'Alipay precreated another trade');
      // Alipay gives its trade_no only once the buyer scans.
      return { qrContent: r.qr_code, expiresAt, providerRef: null };
    },

    async query(tradeNumber) {
      return tradeOnly(await queryTrade({ out_trade_no: tradeNumber }));
    },

    async lookup(ref) {
      return queryTrade('tradeNumber' in ref ? { out_trade_no: ref.tradeNumber } : { trade_no: ref.providerRef });
    },

    async close(tradeNumber): Promise<CloseResult> {
      try {
        await call('POST', '/v3/alipay/trade/close', { body: { out_trade_no: tradeNumber } });
        return { status: 'closed' };
      } catch (err) {
        const means = meansOf(err);
        if (means?.kind === 'not_found') return { status: 'not_found' };
        if (means?.kind === 'refusal' && means.refusal === 'TRADE_PAID') return { status: 'already_paid' };
        if (means?.kind === 'refusal' && (means.refusal === 'OTHER' || means.refusal === 'TRADE_CLOSED')) {
          // ACQ.TRADE_STATUS_ERROR: the trade is paid or already closed; the query says which.
          const q = await queryTrade({ out_trade_no: tradeNumber });
          if (q.status === 'paid' || q.status === 'refunded') return { status: 'already_paid' };
          if (q.status === 'closed') return { status: 'closed' };
          throw new AlipayError('server_error', `Alipay refused the close but the trade is ${q.status}`);
        }
        throw err;
      }
    },

    async payWithCode(req): Promise<PayWithCodeResult> {
      if (req.currency !== 'CNY')
        throw new AlipayError('rejected', `Alipay takes CNY, not ${req.currency}`, answerFor('ACQ.INVALID_PARAMETER'));
      let body: unknown;
      try {
        body = await call('POST', '/v3/alipay/trade/pay', {
          body: {
            out_trade_no: req.tradeNumber,
            total_amount: fenToYuan(req.amountMinor),
            subject: req.subject,
            scene: 'bar_code',
            auth_code: req.authCode,
            product_code: 'FACE_TO_FACE_PAYMENT',
            ...(req.notifyUrl ? { notify_url: req.notifyUrl } : {}),
          },
        });
      } catch (err) {
        if (meansOf(err)?.kind === 'in_progress') return { status: 'user_paying', providerRef: null };
        throw err;
      }
      const r = shape(PayAnswer, body, 'pay');
      if (r.out_trade_no !== undefined && r.out_trade_no !== req.tradeNumber)
        throw new AlipayError('bad_response', 'Alipay charged another trade');
      if (r.total_amount !== undefined && fen(r.total_amount, 'pay') !== req.amountMinor)
        throw new AlipayError('bad_response', 'Alipay charged another amount');
      // 10003: the customer confirms in the app (large amounts, password); only a payment time says paid.
      if (answerFor(r.code)?.means.kind === 'in_progress' || !r.gmt_payment)
        return { status: 'user_paying', providerRef: r.trade_no ?? null };
      return { status: 'paid', providerRef: r.trade_no ?? null };
    },

    async reverse(tradeNumber): Promise<ReverseResult> {
      try {
        const r = shape(
          CancelAnswer,
          await call('POST', '/v3/alipay/trade/cancel', { body: { out_trade_no: tradeNumber } }),
          'cancel',
        );
        return { status: r.action === 'refund' ? 'refunded' : 'closed', retry: r.retry_flag === 'Y' };
      } catch (err) {
        // Nothing by that number at Alipay: nothing was taken.
        if (meansOf(err)?.kind === 'not_found') return { status: 'closed', retry: false };
        throw err;
      }
    },

    async refund(req): Promise<RefundResult> {
      const r = shape(
        RefundAnswer,
        await call('POST', '/v3/alipay/trade/refund', {
          body: {
            out_trade_no: req.tradeNumber,
            refund_amount: fenToYuan(req.amountMinor),
            out_request_no: req.refundNumber,
            refund_reason: req.reason,
          },
        }),
        'refund',
      );
      // Only fund_change=Y proves the money moved with this call. A repeat of a refund that went through
      // answers N, so ask the refund query at once (REFUND_SUCCESS); otherwise it is processing.
      if (r.fund_change === 'Y') return { status: 'refunded' };
      return provider.refundStatus!(req).catch(() => ({ status: 'processing' }) as RefundResult);
    },

    async refundStatus(req): Promise<RefundResult> {
      const r = shape(
        RefundQueryAnswer,
        await call('POST', '/v3/alipay/trade/fastpay/refund/query', {
          body: { out_trade_no: req.tradeNumber, out_request_no: req.refundNumber },
        }),
        'refund query',
      );
      // No refund_status: the refund was not received or did not go through (yet).
      return { status: r.refund_status === 'REFUND_SUCCESS' ? 'refunded' : 'processing' };
    },

    verifyNotification(n: IncomingNotification): VerifiedNotification {
      const params: Record<string, string> = {};
      for (const [k, v] of new URLSearchParams(n.body)) params[k] = v;
      const sign = params.sign;
      if (!sign) throw new ProviderError('bad_response', 'Alipay notification is not signed');
      const text = Object.keys(params)
        .filter((k) => k !== 'sign' && k !== 'sign_type' && params[k] !== '')
        .sort()
        .map((k) => `${k}=${params[k]}`)
        .join('&');
      if (!verifyRsa2(alipayKey, text, sign))
        throw new ProviderError('bad_response', 'Alipay notification has a bad signature');
      const f = NotificationFields.safeParse(params);
      if (!f.success) throw new ProviderError('bad_response', 'Alipay notification lacks fields we need');
      if (f.data.app_id !== config.appId)
        throw new ProviderError('bad_response', 'Alipay notification is for another app');
      if (f.data.trade_status !== 'TRADE_SUCCESS' && f.data.trade_status !== 'TRADE_FINISHED') {
        throw new ProviderError('bad_response', `Alipay notification says ${f.data.trade_status}, not paid`);
      }
      return {
        notificationId: f.data.notify_id,
        tradeNumber: f.data.out_trade_no,
        status: 'paid',
        amountMinor: fen(f.data.total_amount, 'notification'),
        currency: 'CNY',
        merchantId: f.data.app_id,
        providerRef: f.data.trade_no ?? null,
        paidAt: chinaTimeToIso(f.data.gmt_payment) ?? chinaTimeToIso(f.data.notify_time) ?? new Date().toISOString(),
      };
    },

    async ping() {
      // "No such trade" is a signed answer to a signed request: the keys work.
      await queryTrade({ out_trade_no: PING_TRADE_NUMBER });
    },

    async testConnection(): Promise<ConnectionTest> {
      lastSkewSeconds = null;
      const fail = (problem: Exclude<ConnectionTest, { ok: true }>['problem'], detail: string): ConnectionTest => ({
        ok: false,
        problem,
        detail,
        clockSkewSeconds: lastSkewSeconds,
      });
      try {
        await queryTrade({ out_trade_no: PING_TRADE_NUMBER });
      } catch (err) {
        const e = err instanceof ProviderError ? err : new ProviderError('server_error', String(err));
        const means = meansOf(e);
        if (e.kind === 'unreachable' || e.kind === 'timeout') return fail('unreachable', e.message);
        if (err instanceof AlipayError && err.why === 'answer_signature')
          return fail('bad_answer_signature', e.message);
        if (means?.kind === 'setup') return fail(means.problem, e.message);
        if (lastSkewSeconds !== null && Math.abs(lastSkewSeconds) > MAX_CLOCK_SKEW_SECONDS)
          return fail('clock_off', e.message);
        return fail('other', e.message);
      }
      if (lastSkewSeconds !== null && Math.abs(lastSkewSeconds) > MAX_CLOCK_SKEW_SECONDS) {
        return fail('clock_off', `This PC's clock is ${lastSkewSeconds} s off Alipay's`);
      }
      return { ok: true, clockSkewSeconds: lastSkewSeconds };
    },

    async fetchBill(date): Promise<BillAnswer> {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`Not a date: ${date}`);
      let body: unknown;
      try {
        body = await call('GET', '/v3/alipay/data/dataservice/bill/downloadurl/query', {
          query: { bill_type: 'trade', bill_date: date },
        });
      } catch (err) {
        const means = meansOf(err);
        if (means?.kind === 'bill_not_ready') return { status: 'not_ready' };
        if (means?.kind === 'bill_none') return { status: 'none' };
        throw err;
      }
      const { bill_download_url: url } = shape(BillUrlAnswer, body, 'bill');
      let res: Response;
      try {
        res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      } catch (err) {
        throw new AlipayError('timeout', `The bill download failed: ${String(err)}`);
      }
      if (!res.ok) throw new AlipayError('server_error', `The bill download answered ${res.status}`);
      const zip = new Uint8Array(await res.arrayBuffer());
      try {
        return { status: 'ready', rows: parseAlipayBillZip(zip) };
      } catch (err) {
        throw new AlipayError(
          'bad_response',
          `The bill cannot be read: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    },
  };
  return provider;
}
