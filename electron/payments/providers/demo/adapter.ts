// The Demo provider: the PaymentProvider adapter for the simulator gateway (electron/gateway). It talks to the
// gateway the way a real adapter talks to WeChat Pay v3: an RSA key pair per install (private key sealed with
// the till's SecretBox), requests signed with it, every answer and notification verified against the gateway
// key pinned at registration (pinned per gateway URL; a different key later is refused, not trusted).
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { z } from 'zod';
import { isValidTradeNumber } from '../../../../shared/payment';
import {
  type ErrorBody,
  freshTimestamp,
  HEADER,
  MAX_SKEW_SECONDS,
  merchantIdFor,
  NOTIFICATION_ACK,
  newNonce,
  rsaSign,
  rsaVerify,
  signingMessage,
  unixSeconds,
} from '../../../gateway/protocol';
import {
  type BillAnswer as ProviderBillAnswer,
  type CloseResult,
  type CreateQrResult,
  type IncomingNotification,
  type PaymentProvider,
  ProviderError,
  type ProviderRefusal,
  type QueryResult,
  type ReverseResult,
  type VerifiedNotification,
} from '../../provider';
import { NOT_REACHED } from '../net';
import {
  BillAnswer,
  CloseAnswer,
  CodePayAnswer,
  CreateQrAnswer,
  Notification,
  RefundAnswer,
  RegisterAnswer,
  ReverseAnswer,
  refusalFor,
  TradeAnswer,
} from './answers';
import type { DemoProviderOptions } from './settings';

export const DEMO_PROVIDER_FILE = 'demo-provider.json';
const DEFAULT_TIMEOUT_MS = 5000;

interface ProviderFile {
  version: 1;
  publicKey: string;
  /** The merchant private key, sealed with the SecretBox. */
  privateKey: string;
  /** gateway URL → the gateway public key it presented at first registration. */
  pins: Record<string, string>;
}

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  requestNonce: string;
}

export function createDemoProvider(opts: DemoProviderOptions): PaymentProvider {
  const base = new URL(opts.gatewayUrl);
  const gatewayKey = base.origin;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const file = path.join(opts.dataDir, DEMO_PROVIDER_FILE);
  let keys: { file: ProviderFile; privateKey: string; merchantId: string } | undefined;
  let registration: Promise<void> | undefined;
  /** Notification nonces already accepted, until they are too old to pass the timestamp check anyway. */
  const seenNotifications = new Map<string, number>();

  function writeFile(data: ProviderFile, exclusive: boolean): void {
    fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(data, null, 2), { mode: 0o600 });
    if (exclusive) {
      // link() fails when the file exists: two tills starting at once keep the first key pair.
      try {
        fs.linkSync(tmp, file);
      } finally {
        fs.rmSync(tmp, { force: true });
      }
    } else fs.renameSync(tmp, file);
  }

  /** The merchant key pair, generated and stored on first use. */
  function loadKeys() {
    if (keys) return keys;
    let data: ProviderFile | undefined;
    try {
      data = JSON.parse(fs.readFileSync(file, 'utf8')) as ProviderFile;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (!data) {
      const pair = generateKeyPairSync('rsa', {
        modulusLength: 2048,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      });
      data = { version: 1, publicKey: pair.publicKey, privateKey: opts.secrets.seal(pair.privateKey), pins: {} };
      try {
        writeFile(data, true);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        data = JSON.parse(fs.readFileSync(file, 'utf8')) as ProviderFile;
      }
    }
    keys = { file: data, privateKey: opts.secrets.open(data.privateKey), merchantId: merchantIdFor(data.publicKey) };
    return keys;
  }

  function pinnedKey(): string | undefined {
    return loadKeys().file.pins[gatewayKey];
  }

  function send(method: 'GET' | 'POST', pathname: string, text: string): Promise<RawAnswer> {
    const k = loadKeys();
    const timestamp = unixSeconds();
    const nonce = newNonce();
    const signature = rsaSign(k.privateKey, signingMessage([method, pathname, timestamp, nonce, text]));
    const lib = base.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      let connected = false;
      let settled = false;
      const fail = (e: ProviderError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        reject(e);
      };
      const req = lib.request(
        new URL(pathname, base.origin),
        {
          method,
          agent: false, // a fresh connection per call: "refused" then reliably means nothing was sent
          headers: {
            'content-type': 'application/json',
            ...(text ? { 'content-length': Buffer.byteLength(text) } : {}),
            [HEADER.merchant]: k.merchantId,
            [HEADER.timestamp]: timestamp,
            [HEADER.nonce]: nonce,
            [HEADER.signature]: signature,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(chunks).toString('utf8'),
              requestNonce: nonce,
            });
          });
          res.on('error', () => fail(new ProviderError('timeout', 'The Demo gateway connection broke mid-answer')));
        },
      );
      req.on('socket', (socket) => {
        socket.once('connect', () => {
          connected = true;
        });
      });
      const timer = setTimeout(
        () =>
          fail(
            connected
              ? new ProviderError('timeout', `The Demo gateway did not answer within ${timeoutMs} ms`)
              : new ProviderError('unreachable', `The Demo gateway at ${base.origin} could not be reached in time`),
          ),
        timeoutMs,
      );
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (!connected && NOT_REACHED.has(err.code ?? '')) {
          fail(new ProviderError('unreachable', `The Demo gateway at ${base.origin} is not reachable (${err.code})`));
        } else fail(new ProviderError('timeout', `The Demo gateway connection failed: ${err.message}`));
      });
      req.end(text);
    });
  }

  /** Checks the gateway's signature on an answer; `key` is the pinned one except during registration. */
  function verifyAnswer(a: RawAnswer, key: string): unknown {
    const ts = a.headers[HEADER.timestamp];
    const nonce = a.headers[HEADER.nonce];
    const signature = a.headers[HEADER.signature];
    if (typeof ts !== 'string' || typeof nonce !== 'string' || typeof signature !== 'string') {
      throw new ProviderError('bad_response', 'The Demo gateway answer is not signed');
    }
    if (!freshTimestamp(ts)) throw new ProviderError('bad_response', 'The Demo gateway answer is stale');
    const message = signingMessage([String(a.status), a.requestNonce, ts, nonce, a.text]);
    if (!rsaVerify(key, message, signature)) {
      throw new ProviderError('bad_response', 'The Demo gateway answer has a bad signature');
    }
    try {
      return JSON.parse(a.text) as unknown;
    } catch {
      throw new ProviderError('bad_response', 'The Demo gateway answer is not JSON');
    }
  }

  function shape<T>(schema: z.ZodType<T>, body: unknown): T {
    const r = schema.safeParse(body);
    if (!r.success) throw new ProviderError('bad_response', 'The Demo gateway answer has an unexpected shape');
    return r.data;
  }

  function refusal(status: number, body: unknown): ProviderError {
    const b = body as Partial<ErrorBody> | null;
    const code = typeof b?.code === 'string' ? b.code : 'OTHER';
    const message = typeof b?.message === 'string' ? b.message : `answered ${status}`;
    return new ProviderError('rejected', `Demo gateway: ${code}: ${message}`, refusalFor(code));
  }

  async function register(): Promise<void> {
    const k = loadKeys();
    const a = await send(
      'POST',
      '/v1/merchants',
      JSON.stringify({ name: opts.merchantName, publicKey: k.file.publicKey }),
    );
    if (a.status >= 500) throw new ProviderError('server_error', `The Demo gateway answered ${a.status}`);
    let body: unknown;
    try {
      body = JSON.parse(a.text);
    } catch {
      throw new ProviderError('bad_response', 'The Demo gateway answer is not JSON');
    }
    // Trust on first use: the answer must be signed by the key it presents, and match any key pinned before.
    const offered = (body as { gatewayPublicKey?: unknown } | null)?.gatewayPublicKey;
    const pinned = pinnedKey();
    const key = pinned ?? (typeof offered === 'string' ? offered : undefined);
    if (!key) throw new ProviderError('bad_response', 'The Demo gateway did not present its key');
    body = verifyAnswer(a, key);
    if (a.status !== 200) throw refusal(a.status, body);
    const reg = shape(RegisterAnswer, body);
    if (reg.merchantId !== k.merchantId)
      throw new ProviderError('bad_response', 'The Demo gateway gave another merchant id');
    if (pinned && pinned !== reg.gatewayPublicKey) {
      throw new ProviderError(
        'bad_response',
        `The Demo gateway at ${gatewayKey} presents a different key than before; delete ${file} to trust the new one`,
      );
    }
    if (!pinned) {
      k.file.pins[gatewayKey] = reg.gatewayPublicKey;
      writeFile(k.file, false);
    }
  }

  function ensureRegistered(): Promise<void> {
    registration ??= register().catch((err) => {
      registration = undefined; // the next call tries again
      throw err;
    });
    return registration;
  }

  /** One signed call; answers the verified body of a 2xx, throws ProviderError for anything else. */
  async function call(method: 'GET' | 'POST', pathname: string, payload?: unknown, retried = false): Promise<unknown> {
    await ensureRegistered();
    const a = await send(method, pathname, payload === undefined ? '' : JSON.stringify(payload));
    if (a.status >= 500) throw new ProviderError('server_error', `The Demo gateway answered ${a.status}`);
    const key = pinnedKey();
    if (!key) throw new ProviderError('bad_response', 'No pinned Demo gateway key');
    const body = verifyAnswer(a, key);
    if (a.status >= 200 && a.status < 300) return body;
    if (a.status === 401 && (body as Partial<ErrorBody>)?.code === 'MERCHANT_UNKNOWN' && !retried) {
      // The gateway forgot us (its state was reset): register again; a changed key is refused there.
      registration = undefined;
      return call(method, pathname, payload, true);
    }
    throw refusal(a.status, body);
  }

  function tradePath(tradeNumber: string, suffix = ''): string {
    if (!isValidTradeNumber(tradeNumber)) {
      throw new ProviderError('rejected', `Invalid trade number "${tradeNumber}"`, 'INVALID_REQUEST');
    }
    return `/v1/trades/${tradeNumber}${suffix}`;
  }

  function isRefusal(err: unknown, code: ProviderRefusal): boolean {
    return err instanceof ProviderError && err.kind === 'rejected' && err.code === code;
  }

  return {
    id: 'demo',
    isDemo: true,
    get merchantId() {
      return loadKeys().merchantId;
    },
    wallets: ['demo'],
    notificationAck: NOTIFICATION_ACK,

    async createQr(req): Promise<CreateQrResult> {
      tradePath(req.tradeNumber);
      const body = await call('POST', '/v1/trades/qr', {
        tradeNumber: req.tradeNumber,
        amountMinor: req.amountMinor,
        currency: req.currency,
        subject: req.subject,
        orderNumber: req.orderNumber,
        expiresAt: req.expiresAt.toISOString(),
        notifyUrl: req.notifyUrl,
      });
      const r = shape(CreateQrAnswer, body);
      return { qrContent: r.qrContent, expiresAt: new Date(r.expiresAt), providerRef: r.providerRef };
    },

    async query(tradeNumber): Promise<QueryResult> {
      try {
        const r = shape(TradeAnswer, await call('GET', tradePath(tradeNumber)));
        return {
          status: r.status,
          amountMinor: r.amountMinor,
          providerRef: r.providerRef,
          paidAt: r.paidAt,
          reason: r.reason,
        };
      } catch (err) {
        if (isRefusal(err, 'TRADE_NOT_FOUND')) return { status: 'not_found' };
        throw err;
      }
    },

    async close(tradeNumber): Promise<CloseResult> {
      try {
        shape(CloseAnswer, await call('POST', tradePath(tradeNumber, '/close')));
        return { status: 'closed' };
      } catch (err) {
        if (isRefusal(err, 'TRADE_PAID')) return { status: 'already_paid' };
        if (isRefusal(err, 'TRADE_NOT_FOUND')) return { status: 'not_found' };
        throw err;
      }
    },

    async payWithCode(req) {
      tradePath(req.tradeNumber);
      const body = await call('POST', '/v1/trades/code', {
        tradeNumber: req.tradeNumber,
        authCode: req.authCode,
        amountMinor: req.amountMinor,
        currency: req.currency,
        subject: req.subject,
        orderNumber: req.orderNumber,
        notifyUrl: req.notifyUrl,
      });
      return shape(CodePayAnswer, body);
    },

    async reverse(tradeNumber): Promise<ReverseResult> {
      try {
        return shape(ReverseAnswer, await call('POST', tradePath(tradeNumber, '/reverse')));
      } catch (err) {
        // Nothing by that number at the gateway: nothing was taken.
        if (isRefusal(err, 'TRADE_NOT_FOUND')) return { status: 'closed', retry: false };
        throw err;
      }
    },

    async refund(req) {
      const body = await call('POST', tradePath(req.tradeNumber, '/refunds'), {
        refundNumber: req.refundNumber,
        amountMinor: req.amountMinor,
        totalMinor: req.totalMinor,
        reason: req.reason,
      });
      shape(RefundAnswer, body);
      return { status: 'refunded' };
    },

    verifyNotification(n: IncomingNotification): VerifiedNotification {
      const header = (name: string) => {
        const found = Object.entries(n.headers).find(([k]) => k.toLowerCase() === name);
        return found?.[1];
      };
      const ts = header(HEADER.timestamp);
      const nonce = header(HEADER.nonce);
      const signature = header(HEADER.signature);
      if (!ts || !nonce || !signature) throw new ProviderError('bad_response', 'Notification is not signed');
      if (!freshTimestamp(ts)) throw new ProviderError('bad_response', 'Notification timestamp is stale');
      const key = pinnedKey();
      if (!key) throw new ProviderError('bad_response', 'No pinned Demo gateway key to check the notification');
      if (!rsaVerify(key, signingMessage(['NOTIFY', ts, nonce, n.body]), signature)) {
        throw new ProviderError('bad_response', 'Notification has a bad signature');
      }
      const nowSec = Date.now() / 1000;
      for (const [seen, at] of seenNotifications)
        if (nowSec - at > 2 * MAX_SKEW_SECONDS) seenNotifications.delete(seen);
      if (seenNotifications.has(nonce)) throw new ProviderError('bad_response', 'Notification was replayed');
      let parsed: z.infer<typeof Notification>;
      try {
        parsed = shape(Notification, JSON.parse(n.body));
      } catch {
        throw new ProviderError('bad_response', 'Notification body cannot be read');
      }
      seenNotifications.set(nonce, nowSec);
      return {
        notificationId: parsed.id,
        tradeNumber: parsed.tradeNumber,
        status: 'paid',
        amountMinor: parsed.amountMinor,
        currency: parsed.currency,
        merchantId: parsed.merchantId,
        providerRef: parsed.providerRef,
        paidAt: parsed.paidAt,
      };
    },

    /** The gateway's signed daily bill (GET /v1/bills), as BillRows: refunds carry their amount in refundMinor. */
    async fetchBill(date): Promise<ProviderBillAnswer> {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
        throw new ProviderError('rejected', `Invalid bill date "${date}"`, 'INVALID_REQUEST');
      }
      const r = shape(BillAnswer, await call('GET', `/v1/bills?date=${date}`));
      if (r.date !== date) throw new ProviderError('bad_response', `Asked for the bill of ${date}, got ${r.date}`);
      if (r.status !== 'ready') return { status: r.status };
      return {
        status: 'ready',
        rows: r.rows.map((row) =>
          row.kind === 'payment'
            ? {
                tradeNumber: row.tradeNumber,
                providerRef: row.providerRef,
                time: row.time,
                amountMinor: row.amountMinor,
                feeMinor: row.feeMinor,
                refundMinor: 0,
                refundNumber: null,
                status: 'paid' as const,
              }
            : {
                tradeNumber: row.tradeNumber,
                providerRef: row.providerRef,
                time: row.time,
                amountMinor: 0,
                feeMinor: row.feeMinor,
                refundMinor: row.amountMinor,
                refundNumber: row.refundNumber,
                status: 'refunded' as const,
              },
        ),
      };
    },

    async ping() {
      const r = shape(z.object({ ok: z.literal(true), merchantId: z.string() }), await call('GET', '/v1/ping'));
      if (r.merchantId !== loadKeys().merchantId)
        throw new ProviderError('bad_response', 'Ping answered for another merchant');
    },
  };
}
