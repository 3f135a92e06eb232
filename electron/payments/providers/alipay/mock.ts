// A local Alipay OpenAPI v3 (当面付) for tests: a real HTTP server on 127.0.0.1 that verifies our requests'
// authorization with the app's public key, enforces the documented field rules, keeps trades, signs every
// answer (errors too) with its own "Alipay" key, serves bills and POSTs signed notifications. Signatures are
// node:crypto code from Alipay's documents (mock-crypto.ts), never the SDK's. Test code only.
//
// Certificate mode makes real X.509 certificates with the `openssl` command (a root, an app certificate and an
// Alipay public certificate signed by it); without openssl, startAlipayMock({mode:'cert'}) throws.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { AlipayConfig } from '../../../../shared/pay-config';
import type { BillRow } from '../../provider';
import { fenToYuan, toChinaTime, yuanToFen } from '../money';
import { type AlipayTradeStatus, answerFor } from './answers';
import { buildAlipayBillZip } from './bill';
import { certSerial, signAnswer, signNotification, verifyRequest } from './mock-crypto';

export interface MockTrade {
  tradeNumber: string;
  tradeNo: string;
  kind: 'qr' | 'code';
  status: AlipayTradeStatus;
  amountMinor: number;
  subject: string;
  /** Precreated but not scanned yet (only matters with `notFoundUntilScanned`). */
  scanned: boolean;
  paidAt: Date | null;
  notifyUrl: string | null;
  refundedMinor: number;
  refunds: { outRequestNo: string; amountMinor: number }[];
  /** Queries left before it is paid (paidAfterQueries / userPayingThenPaid). */
  payAfterQueries: number | null;
}

export interface MockRequest {
  method: string;
  path: string;
  body: string;
  at: Date;
}

type Fault =
  | { kind: 'error'; code: string; status: number; message: string }
  | { kind: 'bad_signature' }
  | { kind: 'unsigned' }
  | { kind: 'slow' }
  | { kind: 'rewrite'; fn: (body: Record<string, unknown>) => Record<string, unknown> };

interface FaultRule {
  /** Path prefix it applies to ('' = any). */
  path: string;
  fault: Fault;
  /** Remaining uses; Infinity for "every call". */
  left: number;
}

export interface AlipayMock {
  url: string;
  mode: 'key' | 'cert';
  appId: string;
  /** Keys it made (app key pair, the Alipay key pair), PEM. */
  keys: { appPrivateKey: string; appPublicKey: string; alipayPrivateKey: string; alipayPublicKey: string };
  /** Ready to pass to createAlipayProvider. */
  config(): AlipayConfig;
  readonly trades: Map<string, MockTrade>;
  readonly requests: MockRequest[];
  /** A QR scanned and paid (or a code trade confirmed). */
  customerPays(tradeNumber: string): MockTrade;
  /** The QR is scanned (not paid): the trade becomes known with notFoundUntilScanned. */
  customerScans(tradeNumber: string): MockTrade;
  /** The trade (or every new trade with '*') is paid on the Nth query. */
  paidAfterQueries(tradeNumber: string | '*', n: number): void;
  /** Precreated trades answer ACQ.TRADE_NOT_EXIST until scanned (what Alipay does). */
  notFoundUntilScanned(on?: boolean): void;
  /** The next call to `path` (every call with `every`) answers this error code. */
  failNext(path: string, code: string, opts?: { status?: number; every?: boolean; message?: string }): void;
  /** ACQ.SYSTEM_ERROR (HTTP 500) for the next call, or every call. */
  systemError(opts?: { path?: string; every?: boolean }): void;
  /** The next pay answers 10003 and the trade is paid after `queries` queries. */
  userPayingThenPaid(queries: number): void;
  /** The next pay answers 10003 and the customer never confirms. */
  userPayingForever(): void;
  /** The customer pays just before our close of this trade arrives. */
  paidBeforeClose(tradeNumber: string | '*'): void;
  /** The next answer on `path` carries a signature that does not verify (or none). */
  badSignatureNext(path?: string, opts?: { unsigned?: boolean }): void;
  /** The next call on `path` is processed but never answered (until stop): slower than any timeout. */
  slowNext(path?: string): void;
  /** The next answer on `path` has its body changed (before it is signed). */
  rewriteNext(path: string, fn: (body: Record<string, unknown>) => Record<string, unknown>): void;
  /** Clears every fault. */
  clearFaults(): void;
  /** Shifts the alipay-timestamp of answers (clock tests). */
  clockOffsetMs: number;
  /** A signed notification as Alipay would POST it (forged: signed with a key that is not Alipay's). */
  notification(
    tradeNumber: string,
    opts?: { forge?: boolean; appId?: string },
  ): { headers: Record<string, string>; body: string };
  sendNotification(
    tradeNumber: string,
    url: string,
    opts?: { forge?: boolean; duplicate?: boolean; appId?: string },
  ): Promise<{ status: number; body: string }[]>;
  /** Rows are served as buildAlipayBillZip makes them; `{ zip }` serves those bytes as they are (a broken download). */
  setBill(date: string, bill: AlipayBillSetting): void;
  stop(): Promise<void>;
}

export type AlipayBillSetting = readonly BillRow[] | 'not_ready' | 'none' | { zip: Uint8Array };

/** Alipay: the bill_download_url stops working 30 s after it was given out. */
export const BILL_URL_LIFE_MS = 30_000;

const APP_ID = '2021000000000001';
const MAX_YUAN_FEN = 10_000_000_000; // 100000000.00 yuan

function keyPair() {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

interface Certs {
  appCert: string;
  alipayPublicCert: string;
  alipayRootCert: string;
  appCertSn: string;
  alipayCertSn: string;
  rootCertSn: string;
}

/** A root CA and two certificates it signs, made with the openssl command. */
function makeCerts(appKey: { publicKey: string }, alipayKey: { publicKey: string }): Certs {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alipay-mock-certs-'));
  const f = (name: string) => path.join(dir, name);
  const run = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  try {
    const root = keyPair();
    fs.writeFileSync(f('root.key'), root.privateKey);
    run(
      'req',
      '-x509',
      '-new',
      '-key',
      f('root.key'),
      '-days',
      '3650',
      '-subj',
      '/C=CN/O=Mock Alipay/CN=Mock Alipay Root',
      '-out',
      f('root.pem'),
      '-sha256',
    );
    // A CSR needs a private key; the certificate then carries the public key we give it (-force_pubkey).
    const issue = (name: string, pub: string, subj: string) => {
      const tmp = keyPair();
      fs.writeFileSync(f(`${name}.tmp.key`), tmp.privateKey);
      fs.writeFileSync(f(`${name}.pub`), pub);
      run('req', '-new', '-key', f(`${name}.tmp.key`), '-subj', subj, '-out', f(`${name}.csr`));
      run(
        'x509',
        '-req',
        '-in',
        f(`${name}.csr`),
        '-CA',
        f('root.pem'),
        '-CAkey',
        f('root.key'),
        '-set_serial',
        `0x${randomBytes(8).toString('hex')}`,
        '-days',
        '365',
        '-sha256',
        '-force_pubkey',
        f(`${name}.pub`),
        '-out',
        f(`${name}.pem`),
      );
      return fs.readFileSync(f(`${name}.pem`), 'utf8');
    };
    const appCert = issue('app', appKey.publicKey, `/C=CN/O=Tillpoint Test Shop/CN=${APP_ID}`);
    const alipayPublicCert = issue('alipay', alipayKey.publicKey, '/C=CN/O=Mock Alipay/CN=Mock Alipay Public Key');
    const alipayRootCert = fs.readFileSync(f('root.pem'), 'utf8');
    return {
      appCert,
      alipayPublicCert,
      alipayRootCert,
      appCertSn: certSerial(new X509Certificate(appCert)),
      alipayCertSn: certSerial(new X509Certificate(alipayPublicCert)),
      rootCertSn: certSerial(new X509Certificate(alipayRootCert)),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

class HttpAnswer {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}
const ok = (body: unknown) => new HttpAnswer(200, body);
function refuse(code: string, message?: string, status?: number): HttpAnswer {
  const st = status ?? (code === 'ACQ.SYSTEM_ERROR' ? 500 : code === 'ACQ.TRADE_NOT_EXIST' ? 404 : 400);
  return new HttpAnswer(st, { code, message: message ?? answerFor(code)?.note ?? code });
}

const OUT_TRADE_NO = /^[A-Za-z0-9_-]{1,64}$/;
const AUTH_CODE = /^(2[5-9]|30)\d{14,22}$/;

function amountOf(v: unknown): number | null {
  const fen = yuanToFen(v);
  return fen !== null && fen >= 1 && fen <= MAX_YUAN_FEN ? fen : null;
}

export async function startAlipayMock(opts: { mode?: 'key' | 'cert' } = {}): Promise<AlipayMock> {
  const mode = opts.mode ?? 'key';
  const app = keyPair();
  const alipay = keyPair();
  const certs = mode === 'cert' ? makeCerts(app, alipay) : null;
  const trades = new Map<string, MockTrade>();
  const requests: MockRequest[] = [];
  let faults: FaultRule[] = [];
  let notFoundUntilScanned = false;
  let paidAfterAny: number | null = null;
  const paidBeforeClose = new Set<string>();
  let nextPay: { kind: 'paying'; queries: number | null } | null = null;
  const bills = new Map<string, AlipayBillSetting>();
  const downloads = new Map<string, { date: string; until: number }>(); // by token; `until` on the mock's clock
  const held = new Set<http.ServerResponse>();
  let tradeSeq = 0;
  let notifySeq = 0;

  /** The faults set for this path: the first of each kind (an error answer can also be badly signed). */
  function takeFaults(p: string): Fault[] {
    const taken: Fault[] = [];
    for (const rule of faults) {
      if (!p.startsWith(rule.path) || rule.left <= 0 || taken.some((f) => f.kind === rule.fault.kind)) continue;
      rule.left--;
      taken.push(rule.fault);
    }
    faults = faults.filter((r) => r.left > 0);
    return taken;
  }

  function newTrade(
    tradeNumber: string,
    kind: 'qr' | 'code',
    amountMinor: number,
    subject: string,
    notifyUrl: string | null,
  ): MockTrade {
    const t: MockTrade = {
      tradeNumber,
      tradeNo: `2026${String(++tradeSeq).padStart(24, '0')}`,
      kind,
      status: 'WAIT_BUYER_PAY',
      amountMinor,
      subject,
      scanned: kind === 'code',
      paidAt: null,
      notifyUrl,
      refundedMinor: 0,
      refunds: [],
      payAfterQueries: paidAfterAny,
    };
    trades.set(tradeNumber, t);
    return t;
  }

  function pay(t: MockTrade): void {
    if (t.status !== 'WAIT_BUYER_PAY') return;
    t.status = 'TRADE_SUCCESS';
    t.scanned = true;
    t.paidAt = new Date();
    t.payAfterQueries = null;
  }

  function tradeView(t: MockTrade) {
    return {
      trade_no: t.tradeNo,
      out_trade_no: t.tradeNumber,
      buyer_logon_id: 'tes***@example.com',
      trade_status: t.status,
      total_amount: fenToYuan(t.amountMinor),
      ...(t.paidAt ? { send_pay_date: toChinaTime(t.paidAt) } : {}),
    };
  }

  /** A trade as our calls may see it: unknown until scanned when Alipay would say so. */
  function visible(no: unknown): MockTrade | undefined {
    const t = typeof no === 'string' ? trades.get(no) : undefined;
    if (t && notFoundUntilScanned && !t.scanned) return undefined;
    return t;
  }

  function byTradeNo(no: unknown): MockTrade | undefined {
    for (const t of trades.values()) if (t.tradeNo === no) return visible(t.tradeNumber);
    return undefined;
  }

  const routes: Record<string, (b: Record<string, unknown>, q: URLSearchParams) => HttpAnswer> = {
    'POST /v3/alipay/trade/precreate'(b) {
      const no = b.out_trade_no;
      if (typeof no !== 'string' || !OUT_TRADE_NO.test(no)) return refuse('ACQ.INVALID_PARAMETER', 'out_trade_no');
      const amount = amountOf(b.total_amount);
      if (amount === null) return refuse('ACQ.INVALID_PARAMETER', 'total_amount');
      if (typeof b.subject !== 'string' || b.subject === '' || b.subject.length > 256)
        return refuse('ACQ.INVALID_PARAMETER', 'subject');
      if (b.time_expire !== undefined && !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(String(b.time_expire)))
        return refuse('ACQ.INVALID_PARAMETER', 'time_expire');
      const old = trades.get(no);
      if (old) {
        if (old.status === 'TRADE_SUCCESS' || old.status === 'TRADE_FINISHED') return refuse('ACQ.TRADE_HAS_SUCCESS');
        if (old.status === 'TRADE_CLOSED') return refuse('ACQ.TRADE_HAS_CLOSE');
        if (old.amountMinor !== amount || old.kind !== 'qr') return refuse('ACQ.CONTEXT_INCONSISTENT');
      } else newTrade(no, 'qr', amount, b.subject, typeof b.notify_url === 'string' ? b.notify_url : null);
      return ok({ out_trade_no: no, qr_code: `https://qr.alipay.com/mock${no.replace(/[^A-Za-z0-9]/g, '')}` });
    },

    'POST /v3/alipay/trade/pay'(b) {
      const no = b.out_trade_no;
      if (typeof no !== 'string' || !OUT_TRADE_NO.test(no)) return refuse('ACQ.INVALID_PARAMETER', 'out_trade_no');
      const amount = amountOf(b.total_amount);
      if (amount === null) return refuse('ACQ.INVALID_PARAMETER', 'total_amount');
      if (typeof b.subject !== 'string' || b.subject === '') return refuse('ACQ.INVALID_PARAMETER', 'subject');
      if (b.scene !== 'bar_code' || b.product_code !== 'FACE_TO_FACE_PAYMENT')
        return refuse('ACQ.INVALID_PARAMETER', 'scene/product_code');
      if (typeof b.auth_code !== 'string' || !AUTH_CODE.test(b.auth_code))
        return refuse('ACQ.PAYMENT_AUTH_CODE_INVALID');
      const old = trades.get(no);
      if (old) {
        if (old.status === 'TRADE_SUCCESS' || old.status === 'TRADE_FINISHED') return refuse('ACQ.TRADE_HAS_SUCCESS');
        return refuse('ACQ.CONTEXT_INCONSISTENT');
      }
      const t = newTrade(no, 'code', amount, b.subject, typeof b.notify_url === 'string' ? b.notify_url : null);
      const scenario = nextPay;
      nextPay = null;
      if (scenario) {
        t.payAfterQueries = scenario.queries;
        return ok({
          code: '10003',
          msg: '等待用户付款',
          out_trade_no: no,
          trade_no: t.tradeNo,
          total_amount: fenToYuan(amount),
        });
      }
      pay(t);
      return ok({
        out_trade_no: no,
        trade_no: t.tradeNo,
        total_amount: fenToYuan(amount),
        receipt_amount: fenToYuan(amount),
        gmt_payment: toChinaTime(t.paidAt!),
      });
    },

    'POST /v3/alipay/trade/query'(b) {
      const t = b.trade_no !== undefined ? byTradeNo(b.trade_no) : visible(b.out_trade_no);
      if (!t) return refuse('ACQ.TRADE_NOT_EXIST');
      if (t.payAfterQueries !== null && t.status === 'WAIT_BUYER_PAY') {
        t.payAfterQueries--;
        if (t.payAfterQueries <= 0) pay(t);
      }
      return ok(tradeView(t));
    },

    'POST /v3/alipay/trade/close'(b) {
      const t = visible(b.out_trade_no);
      if (!t) return refuse('ACQ.TRADE_NOT_EXIST');
      if (paidBeforeClose.has(t.tradeNumber) || paidBeforeClose.has('*')) pay(t);
      // A paid or already closed trade cannot be closed (交易状态不合法).
      if (t.status !== 'WAIT_BUYER_PAY') return refuse('ACQ.TRADE_STATUS_ERROR');
      t.status = 'TRADE_CLOSED';
      return ok({ trade_no: t.tradeNo, out_trade_no: t.tradeNumber });
    },

    'POST /v3/alipay/trade/cancel'(b) {
      const t = visible(b.out_trade_no);
      if (!t) return refuse('ACQ.TRADE_NOT_EXIST');
      let action = 'close';
      if (t.status === 'TRADE_SUCCESS') {
        t.refundedMinor = t.amountMinor;
        action = 'refund';
      } else if (t.status === 'TRADE_FINISHED') return refuse('ACQ.TRADE_STATUS_ERROR');
      t.status = 'TRADE_CLOSED';
      t.payAfterQueries = null;
      return ok({ trade_no: t.tradeNo, out_trade_no: t.tradeNumber, retry_flag: 'N', action });
    },

    'POST /v3/alipay/trade/refund'(b) {
      const t = visible(b.out_trade_no);
      if (!t) return refuse('ACQ.TRADE_NOT_EXIST');
      const amount = amountOf(b.refund_amount);
      if (amount === null) return refuse('ACQ.INVALID_PARAMETER', 'refund_amount');
      const reqNo =
        typeof b.out_request_no === 'string' && OUT_TRADE_NO.test(b.out_request_no) ? b.out_request_no : null;
      if (!reqNo) return refuse('ACQ.INVALID_PARAMETER', 'out_request_no');
      const same = t.refunds.find((r) => r.outRequestNo === reqNo);
      const answer = (fundChange: 'Y' | 'N') =>
        ok({
          trade_no: t.tradeNo,
          out_trade_no: t.tradeNumber,
          refund_fee: fenToYuan(t.refundedMinor),
          fund_change: fundChange,
        });
      if (same) return same.amountMinor === amount ? answer('N') : refuse('ACQ.DISCORDANT_REPEAT_REQUEST');
      if (t.status === 'WAIT_BUYER_PAY') return refuse('ACQ.TRADE_STATUS_ERROR');
      if (t.status === 'TRADE_CLOSED') return refuse('ACQ.TRADE_HAS_CLOSE');
      if (t.refundedMinor + amount > t.amountMinor) return refuse('ACQ.REFUND_AMT_NOT_EQUAL_TOTAL');
      t.refunds.push({ outRequestNo: reqNo, amountMinor: amount });
      t.refundedMinor += amount;
      if (t.refundedMinor === t.amountMinor) t.status = 'TRADE_CLOSED';
      return answer('Y');
    },

    'POST /v3/alipay/trade/fastpay/refund/query'(b) {
      const t = visible(b.out_trade_no);
      if (!t) return refuse('ACQ.TRADE_NOT_EXIST');
      const r = t.refunds.find((x) => x.outRequestNo === b.out_request_no);
      if (!r) return ok({ out_trade_no: t.tradeNumber, trade_no: t.tradeNo });
      return ok({
        out_trade_no: t.tradeNumber,
        trade_no: t.tradeNo,
        out_request_no: r.outRequestNo,
        total_amount: fenToYuan(t.amountMinor),
        refund_amount: fenToYuan(r.amountMinor),
        refund_status: 'REFUND_SUCCESS',
      });
    },

    'GET /v3/alipay/data/dataservice/bill/downloadurl/query'(_b, q) {
      const date = q.get('bill_date') ?? '';
      if (q.get('bill_type') !== 'trade' || !/^\d{4}-\d{2}(-\d{2})?$/.test(date))
        return refuse('ACQ.INVALID_PARAMETER', 'bill_type/bill_date');
      const bill = bills.get(date) ?? 'not_ready';
      if (bill === 'not_ready') return refuse('BILL_NOT_EXIST');
      if (bill === 'none') return refuse('NO_BILL_DATA');
      const token = randomUUID();
      downloads.set(token, { date, until: Date.now() + mock.clockOffsetMs + BILL_URL_LIFE_MS });
      return ok({ bill_download_url: `${mock.url}/bills/${token}.csv.zip` });
    },
  };

  function send(res: http.ServerResponse, answer: HttpAnswer, taken: Fault[], req: http.IncomingMessage): void {
    const fault = taken.find((f) => f.kind === 'bad_signature' || f.kind === 'unsigned');
    const rewrite = taken.find((f) => f.kind === 'rewrite');
    const body = JSON.stringify(rewrite ? rewrite.fn(answer.body as Record<string, unknown>) : answer.body);
    let headers: Record<string, string> = signAnswer(alipay.privateKey, body, {
      timestamp: String(Date.now() + mock.clockOffsetMs),
      sn: certs?.alipayCertSn,
    });
    if (fault?.kind === 'bad_signature') headers = signAnswer(app.privateKey, body, { sn: certs?.alipayCertSn });
    if (fault?.kind === 'unsigned') headers = {};
    res.writeHead(answer.status, {
      'content-type': 'application/json; charset=utf-8',
      'alipay-trace-id': String(req.headers['alipay-request-id'] ?? randomUUID()),
      ...headers,
    });
    res.end(body);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ method: req.method ?? '', path: url.pathname, body: raw, at: new Date() });

    if (req.method === 'GET' && url.pathname.startsWith('/bills/')) {
      const link = downloads.get(url.pathname.slice('/bills/'.length).replace(/\.csv\.zip$/, ''));
      const live = link && Date.now() + mock.clockOffsetMs <= link.until;
      const bill = live ? bills.get(link.date) : undefined;
      if (!live || !bill || typeof bill === 'string') {
        res.writeHead(404).end();
        return;
      }
      const zip = 'zip' in bill ? bill.zip : buildAlipayBillZip(bill, link.date);
      res.writeHead(200, { 'content-type': 'application/zip' }).end(Buffer.from(zip));
      return;
    }

    const route = routes[`${req.method} ${url.pathname}`];
    const fault = takeFaults(url.pathname);
    if (!route) return send(res, refuse('not-found', 'no such API', 404), fault, req);
    const check = verifyRequest(
      req.headers.authorization,
      {
        method: req.method ?? '',
        url: `${url.pathname}${url.search}`,
        body: raw,
        appAuthToken: req.headers['alipay-app-auth-token'] as string | undefined,
      },
      { appId: APP_ID, publicKey: app.publicKey },
    );
    if (!check.ok) return send(res, refuse(check.code, check.code, 401), fault, req);
    if (Math.abs(check.timestamp - Date.now()) > 5 * 60_000)
      return send(res, refuse('invalid-timestamp', 'clock', 401), fault, req);
    if (certs) {
      if (check.appCertSn !== certs.appCertSn)
        return send(res, refuse('invalid-signature', 'app_cert_sn', 401), fault, req);
      if (req.headers['alipay-root-cert-sn'] !== certs.rootCertSn)
        return send(res, refuse('invalid-signature', 'alipay-root-cert-sn', 401), fault, req);
    }
    const error = fault.find((f) => f.kind === 'error');
    if (error) return send(res, new HttpAnswer(error.status, { code: error.code, message: error.message }), fault, req);
    let body: Record<string, unknown> = {};
    if (raw) {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return send(res, refuse('ACQ.INVALID_PARAMETER', 'body is not JSON'), fault, req);
      }
    }
    const answer = route(body, url.searchParams);
    // Processed, then never answered: our side times out without knowing what happened.
    if (fault.some((f) => f.kind === 'slow')) {
      held.add(res);
      return;
    }
    send(res, answer, fault, req);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  function mustTrade(tradeNumber: string): MockTrade {
    const t = trades.get(tradeNumber);
    if (!t) throw new Error(`The Alipay mock has no trade ${tradeNumber}`);
    return t;
  }

  const mock: AlipayMock = {
    url: `http://127.0.0.1:${port}`,
    mode,
    appId: APP_ID,
    keys: {
      appPrivateKey: app.privateKey,
      appPublicKey: app.publicKey,
      alipayPrivateKey: alipay.privateKey,
      alipayPublicKey: alipay.publicKey,
    },
    trades,
    requests,
    clockOffsetMs: 0,
    config(): AlipayConfig {
      const base = { appId: APP_ID, privateKey: app.privateKey, endpoint: mock.url };
      return certs
        ? {
            ...base,
            appCert: certs.appCert,
            alipayPublicCert: certs.alipayPublicCert,
            alipayRootCert: certs.alipayRootCert,
          }
        : { ...base, alipayPublicKey: alipay.publicKey };
    },
    customerPays(tradeNumber) {
      const t = mustTrade(tradeNumber);
      pay(t);
      return t;
    },
    customerScans(tradeNumber) {
      const t = mustTrade(tradeNumber);
      t.scanned = true;
      return t;
    },
    paidAfterQueries(tradeNumber, n) {
      if (tradeNumber === '*') paidAfterAny = n;
      else mustTrade(tradeNumber).payAfterQueries = n;
    },
    notFoundUntilScanned(on = true) {
      notFoundUntilScanned = on;
    },
    failNext(p, code, o = {}) {
      const status = o.status ?? (code === 'ACQ.SYSTEM_ERROR' ? 500 : 400);
      faults.push({
        path: p,
        fault: { kind: 'error', code, status, message: o.message ?? answerFor(code)?.note ?? code },
        left: o.every ? Number.POSITIVE_INFINITY : 1,
      });
    },
    systemError(o = {}) {
      mock.failNext(o.path ?? '', 'ACQ.SYSTEM_ERROR', { status: 500, every: o.every });
    },
    userPayingThenPaid(queries) {
      nextPay = { kind: 'paying', queries };
    },
    userPayingForever() {
      nextPay = { kind: 'paying', queries: null };
    },
    paidBeforeClose(tradeNumber) {
      paidBeforeClose.add(tradeNumber);
    },
    badSignatureNext(p = '', o = {}) {
      faults.push({ path: p, fault: { kind: o.unsigned ? 'unsigned' : 'bad_signature' }, left: 1 });
    },
    slowNext(p = '') {
      faults.push({ path: p, fault: { kind: 'slow' }, left: 1 });
    },
    rewriteNext(p, fn) {
      faults.push({ path: p, fault: { kind: 'rewrite', fn }, left: 1 });
    },
    clearFaults() {
      faults = [];
      nextPay = null;
      paidAfterAny = null;
      paidBeforeClose.clear();
    },
    notification(tradeNumber, o = {}) {
      const t = mustTrade(tradeNumber);
      const now = new Date();
      const params: Record<string, string> = {
        notify_time: toChinaTime(now),
        notify_type: 'trade_status_sync',
        notify_id: `ac05099524730693a8b330c5ecf72da${++notifySeq}`,
        app_id: o.appId ?? APP_ID,
        charset: 'utf-8',
        version: '1.0',
        trade_no: t.tradeNo,
        out_trade_no: t.tradeNumber,
        trade_status: t.status,
        total_amount: fenToYuan(t.amountMinor),
        receipt_amount: fenToYuan(t.amountMinor),
        subject: t.subject,
        gmt_create: toChinaTime(now),
        ...(t.paidAt ? { gmt_payment: toChinaTime(t.paidAt) } : {}),
      };
      const body = signNotification(o.forge ? app.privateKey : alipay.privateKey, params);
      return { headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body };
    },
    async sendNotification(tradeNumber, url, o = {}) {
      const { headers, body } = mock.notification(tradeNumber, o);
      const answers: { status: number; body: string }[] = [];
      for (let i = 0; i < (o.duplicate ? 2 : 1); i++) {
        const res = await fetch(url, { method: 'POST', headers, body });
        answers.push({ status: res.status, body: await res.text() });
      }
      return answers;
    },
    setBill(date, bill) {
      bills.set(date, bill);
    },
    async stop() {
      for (const res of held) res.destroy();
      held.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return mock;
}
