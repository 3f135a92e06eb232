// The Demo payment gateway: a small simulator with the shape of a real provider (WeChat Pay v3 style), so
// the till works out of the box and its tests talk to something real. Plain Node (node:http, node:crypto).
//
// Provider API (127.0.0.1 only). Requests are JSON, signed by the merchant (see protocol.ts); a bad signature,
// a timestamp more than 300 s off or a replayed nonce gets 401. Every answer is signed by the gateway's key.
// Errors answer 4xx/5xx with {code, message}; a path outside /v1 (unsigned or not) is 404 NOT_FOUND.
//   POST /v1/merchants                  {name, publicKey} → {merchantId, gatewayPublicKey}  (idempotent per key;
//                                       signed with the key being registered)
//   GET  /v1/ping                       → {ok: true, merchantId}
//   POST /v1/trades/qr                  CreateQrBody → {tradeNumber, qrContent, expiresAt, providerRef}
//   POST /v1/trades/code                CodePayBody → {status: 'paid'|'user_paying', providerRef}  (codes.ts)
//   GET  /v1/trades/<no>                → TradeAnswer  (404 TRADE_NOT_FOUND)
//   POST /v1/trades/<no>/close          → {status: 'closed'}  (409 TRADE_PAID when paid)
//   POST /v1/trades/<no>/reverse        → {status: 'closed'|'refunded', retry: false}
//   POST /v1/trades/<no>/refunds        {refundNumber, amountMinor, totalMinor, reason} → RefundAnswer
//                                       (idempotent by refundNumber; never more than was paid)
//   GET  /v1/bills?date=yyyy-mm-dd      the daily bill of a Beijing (UTC+8) date (bills.ts) →
//          {date, status: 'not_ready'}   before the next day's billReadyHour (default 09:00 Beijing)
//          {date, status: 'none'}        no payment or refund that date
//          {date, status: 'ready', rows: [{kind: 'payment'|'refund', tradeNumber, providerRef,
//            time ('2026-12-03T10:11:12+08:00'), amountMinor, feeMinor (payment: 0.6% half up; refund: its share
//            returned), refundNumber (refunds) | null}]}, in time order
// Rules: trade numbers match [0-9A-Za-z_-]{6,32} and are unique per merchant (a second create answers
// TRADE_EXISTS, or TRADE_PAID when that trade is paid); amounts are integer minor units ≥ 1; a trade closes
// itself at expiresAt; paying a closed trade is refused (unless the fault payAfterClose is on).
// When a trade becomes paid, a signed notification is POSTed to its notifyUrl until acknowledged (notifier.ts).
//
// Fault controls and the gateway's own record, for tests and benchmarks (same port, unsigned). They exist only
// when the gateway is started with simControls (`--sim-controls`; never in a packaged app): otherwise every
// /sim path answers 404 like any unknown path. With them, a request must carry one Host header naming this
// port (127.0.0.1, localhost or [::1]: no DNS rebinding), no Origin but this port's own (no cross-site
// page), and a POST must be application/json (no simple form): the host's checks (sameMachineGuard in
// core/http.ts); else 403 / 415 {code, message} and nothing changes. Two Host headers are a 400 on every
// path of this port.
//   GET  /sim/faults                    → Faults
//   POST /sim/faults                    Partial<Faults> → Faults, where Faults = {
//          latencyMs: number       delay every /v1 answer by this much
//          failNext: number        answer 500 SYSTEM_ERROR to the next n /v1 calls
//          dropNext: number        accept the next n /v1 calls and never answer (held until the gateway closes)
//          actOnFault: boolean     a failed/dropped call is still carried out (default false: nothing happens)
//          notifications: boolean  send notifications (default true); off = paid trades notify nobody
//          payAfterClose: boolean  the phone page (and /sim pay) can pay a closed or expired trade: a late payment
//          userPayingQueries: number  code pay …1111/…2222 answer user_paying for this many queries (default 2) }
//   POST /sim/faults/reset              → Faults (the defaults)
//   GET  /sim/trades                    → SimTrade[]
//   GET  /sim/trades/<no>[?merchant=id] → SimTrade: the trade record (status, amountMinor, paidCount, refunds,
//                                         notifications [{id, attempts, ackedAt, ...}], notificationsSent,
//                                         notificationsAcked), without its token
//   POST /sim/trades/<no>/pay           what the phone page's Pay does → {trade} or 409 {code, message}
//   POST /sim/trades/<no>/decline       what the phone page's Decline does
//   GET  /sim/bills/<date>              → BillEdit {ready, drop, add} of that date's bill (every merchant's)
//   POST /sim/bills/<date>              {ready?: boolean, drop?: string[], add?: BillRowWire[]} → BillEdit:
//          ready: serve the bill now, whatever the hour; drop: leave out these trade numbers' payment rows (or
//          these refund numbers' rows); add: extra rows. drop and add accumulate; kept in memory only.
//   POST /sim/bills/reset               forgets every bill edit
//
// Phone pages, on their own server (payPort, bound to payBind): GET /pay/<token>, POST /pay/<token>/pay,
// POST /pay/<token>/decline, /favicon.ico; everything else is a 404 page (pages.ts).
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import { z } from 'zod';
import { isMinor } from '../../shared/money';
import { isValidTradeNumber, maskPaymentCode } from '../../shared/payment';
import {
  closeServer,
  hostHeaderCount,
  isJsonContentType,
  listen,
  readBody,
  type SameMachineGuard,
  sameMachineGuard,
} from '../core/http';
import { type BillEdit, buildBill, DEFAULT_BILL_READY_HOUR } from './bills';
import { codeOutcome } from './codes';
import { type Notifier, startNotifier } from './notifier';
import {
  donePage,
  makeToken,
  type PageLang,
  type PageTrade,
  payPage,
  pickLang,
  type RefusalReason,
  type RenderedPage,
  readToken,
  refusalPage,
  sameToken,
} from './pages';
import {
  type ErrorBody,
  freshTimestamp,
  type GatewayErrorCode,
  HEADER,
  MAX_SKEW_SECONDS,
  merchantIdFor,
  newNonce,
  rsaSign,
  rsaVerify,
  signingMessage,
  type TradeAnswer,
  unixSeconds,
} from './protocol';
import { openStore, type Store, type TradeRecord } from './store';

export interface GatewayOptions {
  /** Where the gateway keeps its state file (trades, keys, merchants). */
  stateDir: string;
  /** Provider API and fault controls; always bound to 127.0.0.1. 0 = any free port. */
  port?: number;
  /**
   * Serve the unsigned test controls (/sim/*) on the API port, behind Host, Origin and JSON checks.
   * Default false: /sim answers 404. Tests and benchmarks only; never in a packaged app.
   */
  simControls?: boolean;
  /** The phone pages' own port (serves nothing else). 0 = any free port. */
  payPort: number;
  /** Bind address for the phone pages; default all interfaces ('0.0.0.0'). */
  payBind?: string;
  /**
   * Start of the URL inside the QR; default http://<this machine's LAN address>:<payPort>, or
   * http://<payBind>:<payPort> when the pages are bound to one address (tests: payBind '127.0.0.1').
   */
  payUrl?: string;
  /** Business time (expiry, paidAt); signature freshness always uses the real clock. */
  clock?: () => Date;
  /** Waits between notification attempts (the last repeats); tests may shorten them. */
  notifyBackoffMs?: readonly number[];
  /** The Beijing hour of the next day at which a date's bill is ready (default 9, like the wallets). */
  billReadyHour?: number;
  /** One line per notable event (payment codes masked); default silent. */
  log?: (line: string) => void;
}

export interface Gateway {
  /** Provider API base, e.g. http://127.0.0.1:4872 */
  apiUrl: string;
  /** Phone pages base as put into QR codes. */
  payUrl: string;
  payPort: number;
  /** The provider API's port. */
  port: number;
  close(): Promise<void>;
}

export interface Faults {
  latencyMs: number;
  failNext: number;
  dropNext: number;
  actOnFault: boolean;
  notifications: boolean;
  payAfterClose: boolean;
  userPayingQueries: number;
}

const DEFAULT_FAULTS: Readonly<Faults> = {
  latencyMs: 0,
  failNext: 0,
  dropNext: 0,
  actOnFault: false,
  notifications: true,
  payAfterClose: false,
  userPayingQueries: 2,
};

const FaultsPatch = z
  .object({
    latencyMs: z.number().int().min(0).max(600_000),
    failNext: z.number().int().min(0),
    dropNext: z.number().int().min(0),
    actOnFault: z.boolean(),
    notifications: z.boolean(),
    payAfterClose: z.boolean(),
    userPayingQueries: z.number().int().min(0).max(1000),
  })
  .partial()
  .strict();

const MAX_BODY_BYTES = 64 * 1024;
/** A trade may be asked to live at most this long (Alipay/WeChat QR codes: 2 h). */
const MAX_TRADE_LIFETIME_MS = 2 * 60 * 60 * 1000;
/** Code pay trades wait this long for a customer still confirming. */
const CODE_TRADE_LIFETIME_MS = 10 * 60 * 1000;

const Amount = z.number().refine((n) => isMinor(n) && n >= 1, 'must be an integer number of minor units ≥ 1');
const TradeNumber = z.string().refine(isValidTradeNumber, 'must be 6-32 of [0-9A-Za-z_-]');
const Currency = z.string().regex(/^[A-Z]{3}$/);
const NotifyUrl = z
  .string()
  .max(2048)
  .refine((s) => {
    try {
      return ['http:', 'https:'].includes(new URL(s).protocol);
    } catch {
      return false;
    }
  }, 'must be an http(s) URL')
  .nullable();

const RegisterBody = z.object({ name: z.string().trim().min(1).max(64), publicKey: z.string().max(4096) });
const CreateQrBody = z.object({
  tradeNumber: TradeNumber,
  amountMinor: Amount,
  currency: Currency,
  subject: z.string().max(128),
  orderNumber: z.string().max(32),
  expiresAt: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO date'),
  notifyUrl: NotifyUrl,
});
const CodePayBody = z.object({
  tradeNumber: TradeNumber,
  authCode: z.string().max(64),
  amountMinor: Amount,
  currency: Currency,
  subject: z.string().max(128),
  orderNumber: z.string().max(32),
  notifyUrl: NotifyUrl,
});
const BillDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((d) => {
    const t = Date.parse(`${d}T00:00:00Z`);
    return !Number.isNaN(t) && new Date(t).toISOString().startsWith(d); // 2026-02-30 is not a date
  });
const BillRowBody = z
  .object({
    kind: z.enum(['payment', 'refund']),
    tradeNumber: z.string().min(1).max(64),
    providerRef: z.string().min(1).max(64),
    time: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO date'),
    amountMinor: Amount,
    feeMinor: z.number().int().min(0),
    refundNumber: z.string().min(1).max(64).nullable(),
  })
  .strict();
const BillEditPatch = z
  .object({ ready: z.boolean(), drop: z.array(z.string().max(64)).max(1000), add: z.array(BillRowBody).max(1000) })
  .partial()
  .strict();

const RefundBody = z.object({
  refundNumber: TradeNumber,
  amountMinor: Amount,
  totalMinor: Amount,
  reason: z.string().max(256),
});

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: GatewayErrorCode,
    message: string,
  ) {
    super(message);
  }
}

interface Answer {
  status: number;
  body: unknown;
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const code =
    issue?.path[0] === 'amountMinor' || issue?.path[0] === 'totalMinor' ? 'AMOUNT_INVALID' : 'INVALID_REQUEST';
  throw new ApiError(400, code, `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
}

/** The body as text; a body over MAX_BODY_BYTES is a 413 (after being read and discarded). */
async function readText(req: http.IncomingMessage): Promise<string> {
  const body = await readBody(req, MAX_BODY_BYTES);
  if (body === undefined) throw new ApiError(413, 'INVALID_REQUEST', 'body too large');
  return body.toString('utf8');
}

/** This machine's first LAN IPv4 address, for the URL a phone on the shop's Wi-Fi can open. */
function lanAddress(): string {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) {
      if (a.family === 'IPv4' && !a.internal) return a.address;
    }
  }
  return '127.0.0.1';
}

export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const now = opts.clock ?? (() => new Date());
  const log = opts.log ?? (() => {});
  const store: Store = openStore(opts.stateDir);
  const { state } = store;
  const faults: Faults = { ...DEFAULT_FAULTS };
  const byRef = new Map<string, TradeRecord>();
  for (const byNumber of Object.values(state.trades)) {
    for (const t of Object.values(byNumber)) byRef.set(t.providerRef, t);
  }
  const notifier: Notifier = startNotifier(store, now, opts.notifyBackoffMs);
  const held = new Set<http.ServerResponse>();
  const sleeps = new Set<NodeJS.Timeout>();
  let payUrl = '';
  const billEdits = new Map<string, BillEdit>();
  const billReadyHour = opts.billReadyHour ?? DEFAULT_BILL_READY_HOUR;

  // --- Trade rules ---------------------------------------------------------------------------------------

  /** A trade past its expiry closes itself (checked whenever it is looked at). */
  function refresh(t: TradeRecord): void {
    if ((t.status === 'waiting' || t.status === 'user_paying') && now().getTime() >= Date.parse(t.expiresAt)) {
      t.status = 'closed';
      t.reason = 'EXPIRED';
      store.save();
    }
  }

  function markPaid(t: TradeRecord): void {
    t.status = 'paid';
    t.reason = null;
    t.paidAt = now().toISOString();
    t.paidCount += 1;
    if (t.notifyUrl) {
      const n = {
        id: `N${randomBytes(10).toString('hex').toUpperCase()}`,
        createdAt: now().toISOString(),
        attempts: 0,
        lastAttemptAt: null,
        lastError: null,
        ackedAt: null,
        suppressed: !faults.notifications,
      };
      t.notifications.push(n);
      if (!n.suppressed) notifier.send(t, n);
    }
    store.save();
    log(`trade ${t.tradeNumber} paid (${t.amountMinor} ${t.currency})`);
  }

  function refundedMinor(t: TradeRecord): number {
    return t.refunds.reduce((sum, r) => sum + r.amountMinor, 0);
  }

  function answer(t: TradeRecord): TradeAnswer {
    return {
      tradeNumber: t.tradeNumber,
      status: t.status,
      amountMinor: t.amountMinor,
      currency: t.currency,
      providerRef: t.providerRef,
      paidAt: t.paidAt,
      refundedMinor: refundedMinor(t),
      reason: t.reason,
    };
  }

  function findTrade(merchantId: string, tradeNumber: string): TradeRecord {
    const t = state.trades[merchantId]?.[tradeNumber];
    if (!t) throw new ApiError(404, 'TRADE_NOT_FOUND', `no trade ${tradeNumber}`);
    refresh(t);
    return t;
  }

  function refuseExisting(merchantId: string, tradeNumber: string): void {
    const t = state.trades[merchantId]?.[tradeNumber];
    if (!t) return;
    refresh(t);
    if (t.status === 'paid' || t.status === 'refunded') {
      throw new ApiError(409, 'TRADE_PAID', `trade ${tradeNumber} exists and is paid`);
    }
    throw new ApiError(409, 'TRADE_EXISTS', `trade ${tradeNumber} exists`);
  }

  /** What a create call decides; the rest of a new trade record starts the same for every trade. */
  type NewTradeFields = Pick<
    TradeRecord,
    | 'tradeNumber'
    | 'kind'
    | 'amountMinor'
    | 'currency'
    | 'subject'
    | 'orderNumber'
    | 'notifyUrl'
    | 'expiresAt'
    | 'status'
  >;

  function newTrade(merchantId: string, fields: NewTradeFields): TradeRecord {
    const t: TradeRecord = {
      merchantId,
      providerRef: `DP${randomBytes(8).toString('hex').toUpperCase()}`,
      createdAt: now().toISOString(),
      paidAt: null,
      paidCount: 0,
      token: null,
      tokenUsed: false,
      reason: null,
      userPayingLeft: 0,
      userPayingOutcome: null,
      refunds: [],
      notifications: [],
      ...fields,
    };
    state.trades[merchantId] ??= {};
    state.trades[merchantId][t.tradeNumber] = t;
    byRef.set(t.providerRef, t);
    return t;
  }

  type PayRefusal = { status: number; code: GatewayErrorCode; reason: RefusalReason };

  /** Whether the customer can pay (or decline) this trade now; null = yes. */
  function payRefusal(t: TradeRecord): PayRefusal | null {
    refresh(t);
    if (t.status === 'paid') return { status: 409, code: 'TRADE_PAID', reason: 'alreadyPaid' };
    if (t.status === 'refunded') return { status: 409, code: 'TRADE_PAID', reason: 'refunded' };
    if (t.status === 'failed') return { status: 409, code: 'TRADE_CLOSED', reason: 'failed' };
    if (t.status === 'closed' && !faults.payAfterClose) return { status: 409, code: 'TRADE_CLOSED', reason: 'closed' };
    return null;
  }

  function customerPays(t: TradeRecord): void {
    if (t.token) t.tokenUsed = true;
    markPaid(t);
  }

  function customerDeclines(t: TradeRecord): void {
    if (t.token) t.tokenUsed = true;
    t.status = 'failed';
    t.reason = 'DECLINED';
    store.save();
    log(`trade ${t.tradeNumber} declined`);
  }

  // --- Provider API --------------------------------------------------------------------------------------

  function route(method: string, path: string, merchantId: string, body: unknown, query: URLSearchParams): Answer {
    const ok = (b: unknown): Answer => ({ status: 200, body: b });
    if (method === 'GET' && path === '/v1/ping') return ok({ ok: true, merchantId });
    if (method === 'GET' && path === '/v1/bills') {
      const date = BillDate.safeParse(query.get('date') ?? '');
      if (!date.success) throw new ApiError(400, 'INVALID_REQUEST', 'date must be yyyy-mm-dd');
      const trades = Object.values(state.trades[merchantId] ?? {});
      return ok(buildBill(date.data, trades, now(), billReadyHour, billEdits.get(date.data)));
    }
    if (method === 'POST' && path === '/v1/merchants') {
      const reg = parse(RegisterBody, body);
      const existing = state.merchants[merchantId];
      state.merchants[merchantId] = {
        merchantId,
        name: reg.name,
        publicKey: reg.publicKey,
        registeredAt: existing?.registeredAt ?? now().toISOString(),
      };
      store.save();
      if (!existing) log(`merchant ${merchantId} registered (${reg.name})`);
      return ok({ merchantId, gatewayPublicKey: state.gatewayKey.publicKey });
    }
    if (method === 'POST' && path === '/v1/trades/qr') {
      const b = parse(CreateQrBody, body);
      refuseExisting(merchantId, b.tradeNumber);
      const expiresAt = new Date(b.expiresAt);
      const ttl = expiresAt.getTime() - now().getTime();
      if (ttl <= 0 || ttl > MAX_TRADE_LIFETIME_MS) {
        throw new ApiError(400, 'INVALID_REQUEST', 'expiresAt must be in the future, at most 2 hours away');
      }
      const t = newTrade(merchantId, {
        tradeNumber: b.tradeNumber,
        kind: 'qr',
        amountMinor: b.amountMinor,
        currency: b.currency,
        subject: b.subject,
        orderNumber: b.orderNumber,
        notifyUrl: b.notifyUrl,
        expiresAt: expiresAt.toISOString(),
        status: 'waiting',
      });
      t.token = makeToken(state.tokenKey, t.providerRef, expiresAt);
      store.save();
      return ok({
        tradeNumber: t.tradeNumber,
        qrContent: `${payUrl}/pay/${t.token}`,
        expiresAt: t.expiresAt,
        providerRef: t.providerRef,
      });
    }
    if (method === 'POST' && path === '/v1/trades/code') {
      const b = parse(CodePayBody, body);
      refuseExisting(merchantId, b.tradeNumber);
      const outcome = codeOutcome(b.authCode);
      const masked = maskPaymentCode(b.authCode);
      if (outcome.kind === 'invalid') throw new ApiError(402, 'INVALID_CODE', `payment code ${masked} is not valid`);
      const t = newTrade(merchantId, {
        tradeNumber: b.tradeNumber,
        kind: 'code',
        amountMinor: b.amountMinor,
        currency: b.currency,
        subject: b.subject,
        orderNumber: b.orderNumber,
        notifyUrl: b.notifyUrl,
        expiresAt: new Date(now().getTime() + CODE_TRADE_LIFETIME_MS).toISOString(),
        status: 'waiting',
      });
      log(`trade ${t.tradeNumber} code pay with ${masked}`);
      if (outcome.kind === 'refused') {
        t.status = 'failed';
        t.reason = outcome.code;
        store.save();
        throw new ApiError(
          402,
          outcome.code,
          outcome.code === 'DECLINED' ? 'the customer declined' : 'insufficient funds',
        );
      }
      if (outcome.kind === 'user_paying') {
        t.status = 'user_paying';
        t.userPayingLeft = faults.userPayingQueries;
        t.userPayingOutcome = outcome.outcome;
        store.save();
        return ok({ status: 'user_paying', providerRef: t.providerRef });
      }
      markPaid(t);
      return ok({ status: 'paid', providerRef: t.providerRef });
    }
    const m = /^\/v1\/trades\/([^/]+)(\/close|\/reverse|\/refunds)?$/.exec(path);
    if (!m) throw new ApiError(404, 'NOT_FOUND', `no such endpoint ${method} ${path}`);
    const tradeNumber = m[1];
    if (!isValidTradeNumber(tradeNumber)) throw new ApiError(400, 'INVALID_REQUEST', 'bad trade number');
    const action = m[2];
    if (method === 'GET' && !action) {
      const t = findTrade(merchantId, tradeNumber);
      if (t.status === 'user_paying') {
        if (t.userPayingLeft > 0) {
          t.userPayingLeft -= 1;
          store.save();
        } else if (t.userPayingOutcome === 'failed') {
          t.status = 'failed';
          t.reason = 'DECLINED';
          store.save();
        } else markPaid(t);
      }
      return ok(answer(t));
    }
    if (method !== 'POST' || !action) throw new ApiError(404, 'NOT_FOUND', `no such endpoint ${method} ${path}`);
    const t = findTrade(merchantId, tradeNumber);
    if (action === '/close') {
      if (t.status === 'paid' || t.status === 'refunded') throw new ApiError(409, 'TRADE_PAID', 'the trade is paid');
      if (t.status === 'waiting' || t.status === 'user_paying') {
        t.status = 'closed';
        t.reason = 'CLOSED_BY_MERCHANT';
        store.save();
      }
      return ok({ status: 'closed' });
    }
    if (action === '/reverse') {
      if (t.status === 'paid') {
        const rest = t.amountMinor - refundedMinor(t);
        if (rest > 0)
          t.refunds.push({ refundNumber: `REVERSE`, amountMinor: rest, reason: 'reverse', at: now().toISOString() });
        t.status = 'refunded';
        t.reason = 'REVERSED';
        store.save();
      } else if (t.status === 'waiting' || t.status === 'user_paying') {
        t.status = 'closed';
        t.reason = 'REVERSED';
        store.save();
      }
      return ok({ status: t.status === 'refunded' ? 'refunded' : 'closed', retry: false });
    }
    // Refunds
    const b = parse(RefundBody, body);
    const same = t.refunds.find((r) => r.refundNumber === b.refundNumber);
    if (same) {
      if (same.amountMinor !== b.amountMinor) {
        throw new ApiError(409, 'INVALID_REQUEST', `refund ${b.refundNumber} was for ${same.amountMinor}`);
      }
      return ok({
        status: 'refunded',
        refundNumber: same.refundNumber,
        amountMinor: same.amountMinor,
        refundedMinor: refundedMinor(t),
      });
    }
    if (t.status === 'waiting' || t.status === 'user_paying')
      throw new ApiError(409, 'INVALID_REQUEST', 'the trade is not paid');
    if (t.status === 'closed' || t.status === 'failed')
      throw new ApiError(409, 'TRADE_CLOSED', 'the trade was never paid');
    if (b.totalMinor !== t.amountMinor)
      throw new ApiError(400, 'AMOUNT_INVALID', `the trade's total is ${t.amountMinor}`);
    if (refundedMinor(t) + b.amountMinor > t.amountMinor) {
      throw new ApiError(422, 'REFUND_TOO_LARGE', `at most ${t.amountMinor - refundedMinor(t)} can still be refunded`);
    }
    t.refunds.push({
      refundNumber: b.refundNumber,
      amountMinor: b.amountMinor,
      reason: b.reason,
      at: now().toISOString(),
    });
    if (refundedMinor(t) === t.amountMinor) t.status = 'refunded';
    store.save();
    return ok({
      status: 'refunded',
      refundNumber: b.refundNumber,
      amountMinor: b.amountMinor,
      refundedMinor: refundedMinor(t),
    });
  }

  let lastNoncePrune = 0;
  function rememberNonce(nonce: string): boolean {
    const nowSec = Date.now() / 1000;
    if (nowSec - lastNoncePrune > 10) {
      lastNoncePrune = nowSec;
      for (const [n, at] of Object.entries(state.nonces))
        if (nowSec - at > 2 * MAX_SKEW_SECONDS) delete state.nonces[n];
    }
    if (state.nonces[nonce] !== undefined) return false;
    state.nonces[nonce] = Math.floor(nowSec);
    return true;
  }

  /** Checks the merchant's signature; answers the merchant id the request speaks for. */
  function authenticate(req: http.IncomingMessage, path: string, raw: string, body: unknown): string {
    const h = (name: string) => {
      const v = req.headers[name];
      return typeof v === 'string' ? v : undefined;
    };
    const merchantId = h(HEADER.merchant);
    const timestamp = h(HEADER.timestamp);
    const nonce = h(HEADER.nonce);
    const signature = h(HEADER.signature);
    if (!merchantId || !timestamp || !nonce || !signature || !/^[A-Za-z0-9_-]{8,64}$/.test(nonce)) {
      throw new ApiError(401, 'SIGN_ERROR', 'missing signature headers');
    }
    if (!freshTimestamp(timestamp)) throw new ApiError(401, 'SIGN_ERROR', 'timestamp too far from the gateway clock');
    let publicKey: string;
    if (req.method === 'POST' && path === '/v1/merchants') {
      // Registration proves possession of the key being registered.
      publicKey =
        typeof (body as { publicKey?: unknown })?.publicKey === 'string'
          ? (body as { publicKey: string }).publicKey
          : '';
      let expected = '';
      try {
        expected = merchantIdFor(publicKey);
      } catch {
        throw new ApiError(400, 'INVALID_REQUEST', 'publicKey is not an RSA public key');
      }
      if (expected !== merchantId) throw new ApiError(401, 'SIGN_ERROR', 'merchant id does not match the key');
    } else {
      const merchant = state.merchants[merchantId];
      if (!merchant) throw new ApiError(401, 'MERCHANT_UNKNOWN', `merchant ${merchantId} is not registered`);
      publicKey = merchant.publicKey;
    }
    const message = signingMessage([req.method ?? '', req.url ?? '', timestamp, nonce, raw]);
    if (!rsaVerify(publicKey, message, signature)) throw new ApiError(401, 'SIGN_ERROR', 'bad signature');
    if (!rememberNonce(nonce)) throw new ApiError(401, 'SIGN_ERROR', 'nonce already used');
    return merchantId;
  }

  function sendSigned(req: http.IncomingMessage, res: http.ServerResponse, a: Answer): void {
    const text = JSON.stringify(a.body);
    const timestamp = unixSeconds();
    const nonce = newNonce();
    const requestNonce = typeof req.headers[HEADER.nonce] === 'string' ? (req.headers[HEADER.nonce] as string) : '';
    const signature = rsaSign(
      state.gatewayKey.privateKey,
      signingMessage([String(a.status), requestNonce, timestamp, nonce, text]),
    );
    res.writeHead(a.status, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      [HEADER.timestamp]: timestamp,
      [HEADER.nonce]: nonce,
      [HEADER.signature]: signature,
    });
    res.end(text);
  }

  function errorAnswer(err: unknown): Answer {
    if (err instanceof ApiError)
      return { status: err.status, body: { code: err.code, message: err.message } satisfies ErrorBody };
    log(`internal error: ${err instanceof Error ? err.message : String(err)}`);
    return { status: 500, body: { code: 'SYSTEM_ERROR', message: 'internal error' } satisfies ErrorBody };
  }

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        sleeps.delete(t);
        resolve();
      }, ms);
      sleeps.add(t);
    });

  async function handleProvider(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = req.method ?? '';
    const url = new URL(req.url ?? '/', 'http://gateway');
    if (hostHeaderCount(req) > 1) {
      // Which one would a proxy or the next parser read? Refused before anything else, on every path.
      sendSigned(req, res, errorAnswer(new ApiError(400, 'INVALID_REQUEST', 'two Host headers')));
      return;
    }
    if (simGuard && url.pathname.startsWith('/sim/')) {
      const refused = simRefusal(simGuard, req);
      const a = refused ?? handleSim(method, url, await readText(req));
      res.writeHead(a.status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(JSON.stringify(a.body));
      return;
    }
    if (!url.pathname.startsWith('/v1/')) {
      // Nothing lives here (/sim without simControls included): the same 404 for every such path, before
      // signatures and faults, so it neither hints at what might exist nor uses up a fault.
      await readText(req);
      sendSigned(req, res, errorAnswer(new ApiError(404, 'NOT_FOUND', `no such endpoint ${method} ${url.pathname}`)));
      return;
    }
    const raw = await readText(req);
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    let fault: 'fail' | 'drop' | null = null;
    if (faults.dropNext > 0) {
      faults.dropNext -= 1;
      fault = 'drop';
    } else if (faults.failNext > 0) {
      faults.failNext -= 1;
      fault = 'fail';
    }
    let a: Answer = { status: 500, body: { code: 'SYSTEM_ERROR', message: 'simulated failure' } };
    if (!fault || faults.actOnFault) {
      try {
        let body: unknown = null;
        if (raw) {
          try {
            body = JSON.parse(raw);
          } catch {
            throw new ApiError(400, 'INVALID_REQUEST', 'body is not JSON');
          }
        }
        const merchantId = authenticate(req, url.pathname, raw, body);
        // route() saves what it changes; a query or ping writes nothing (the nonce it used is kept with
        // the next change, and the 300 s skew limit bounds a replay after a restart).
        a = route(req.method ?? '', url.pathname, merchantId, body, url.searchParams);
      } catch (err) {
        a = errorAnswer(err);
      }
    }
    if (fault === 'drop') {
      held.add(res);
      res.on('close', () => held.delete(res));
      return;
    }
    if (fault === 'fail') a = { status: 500, body: { code: 'SYSTEM_ERROR', message: 'simulated failure' } };
    sendSigned(req, res, a);
  }

  // --- Fault controls --------------------------------------------------------------------------------------

  /** Set once the API port is known, when simControls is on; undefined = there are no /sim controls. */
  let simGuard: SameMachineGuard | undefined;

  /** A page in a browser on this machine must not reach the controls: see the top of this file. */
  function simRefusal(guard: SameMachineGuard, req: http.IncomingMessage): Answer | null {
    const refusal = guard.check(req);
    if (refusal) {
      const code = refusal.status === 403 ? 'FORBIDDEN' : 'INVALID_REQUEST';
      return { status: refusal.status, body: { code, message: refusal.message } satisfies ErrorBody };
    }
    if (req.method !== 'GET' && req.method !== 'HEAD' && !isJsonContentType(req.headers['content-type'])) {
      return { status: 415, body: { code: 'INVALID_REQUEST', message: 'Content-Type must be application/json' } };
    }
    return null;
  }

  function simTrade(t: TradeRecord) {
    const { token: _token, ...rest } = t;
    return {
      ...rest,
      refundedMinor: refundedMinor(t),
      notificationsSent: t.notifications.reduce((s, n) => s + n.attempts, 0),
      notificationsAcked: t.notifications.filter((n) => n.ackedAt).length,
    };
  }

  function handleSim(method: string, url: URL, raw: string): Answer {
    const path = url.pathname;
    try {
      const body = raw ? (JSON.parse(raw) as unknown) : {};
      if (path === '/sim/faults' && method === 'GET') return { status: 200, body: faults };
      if (path === '/sim/faults' && method === 'POST') {
        Object.assign(faults, parse(FaultsPatch, body));
        return { status: 200, body: faults };
      }
      if (path === '/sim/faults/reset' && method === 'POST') {
        Object.assign(faults, DEFAULT_FAULTS);
        return { status: 200, body: faults };
      }
      if (path === '/sim/trades' && method === 'GET') {
        const all = Object.values(state.trades).flatMap((byNo) => Object.values(byNo));
        for (const t of all) refresh(t);
        return { status: 200, body: all.map(simTrade) };
      }
      if (path === '/sim/bills/reset' && method === 'POST') {
        billEdits.clear();
        return { status: 200, body: {} };
      }
      const bill = /^\/sim\/bills\/([^/]+)$/.exec(path);
      if (bill && (method === 'GET' || method === 'POST')) {
        const date = BillDate.safeParse(bill[1]);
        if (!date.success) throw new ApiError(400, 'INVALID_REQUEST', 'date must be yyyy-mm-dd');
        const edit = billEdits.get(date.data) ?? { ready: false, drop: [], add: [] };
        if (method === 'POST') {
          const patch = parse(BillEditPatch, body);
          if (patch.ready !== undefined) edit.ready = patch.ready;
          edit.drop.push(...(patch.drop ?? []));
          edit.add.push(...(patch.add ?? []));
          billEdits.set(date.data, edit);
        }
        return { status: 200, body: edit };
      }
      const m = /^\/sim\/trades\/([^/]+)(\/pay|\/decline)?$/.exec(path);
      if (m) {
        const merchant = url.searchParams.get('merchant');
        const t = Object.values(state.trades)
          .map((byNo) => byNo[m[1]])
          .find((x) => x && (!merchant || x.merchantId === merchant));
        if (!t) throw new ApiError(404, 'TRADE_NOT_FOUND', `no trade ${m[1]}`);
        refresh(t);
        if (method === 'GET' && !m[2]) return { status: 200, body: simTrade(t) };
        if (method === 'POST' && m[2]) {
          const refusal = payRefusal(t);
          if (refusal) throw new ApiError(refusal.status, refusal.code, refusal.reason);
          m[2] === '/pay' ? customerPays(t) : customerDeclines(t);
          return { status: 200, body: { trade: simTrade(t) } };
        }
      }
      throw new ApiError(404, 'NOT_FOUND', `no such endpoint ${method} ${path}`);
    } catch (err) {
      return err instanceof SyntaxError
        ? { status: 400, body: { code: 'INVALID_REQUEST', message: 'body is not JSON' } }
        : errorAnswer(err);
    }
  }

  // --- Phone pages -----------------------------------------------------------------------------------------

  function pageTrade(t: TradeRecord): PageTrade {
    return {
      merchantName: state.merchants[t.merchantId]?.name ?? t.merchantId,
      amountMinor: t.amountMinor,
      currency: t.currency,
      orderNumber: t.orderNumber,
    };
  }

  function sendPage(res: http.ServerResponse, status: number, page: RenderedPage): void {
    res.writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': page.csp,
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
    });
    res.end(page.html);
  }

  async function handlePay(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const lang: PageLang = pickLang(req.headers['accept-language']);
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'POST') await readText(req); // the form carries nothing we use
    if (path === '/favicon.ico') {
      res.writeHead(204, { 'cache-control': 'max-age=86400' });
      res.end();
      return;
    }
    const m = /^\/pay\/([^/]+)(\/pay|\/decline)?$/.exec(path);
    if (!m || (req.method !== 'GET' && req.method !== 'POST') || (req.method === 'GET') !== !m[2]) {
      sendPage(res, m ? 405 : 404, refusalPage(lang, m ? 'notAllowed' : 'notFound'));
      return;
    }
    const token = m[1];
    const parsed = readToken(state.tokenKey, token);
    const t = parsed ? byRef.get(parsed.providerRef) : undefined;
    if (!parsed || !t?.token || !sameToken(token, t.token)) {
      sendPage(res, 404, refusalPage(lang, 'badToken'));
      return;
    }
    const view = pageTrade(t);
    const refusal = payRefusal(t);
    if (refusal?.code === 'TRADE_PAID') return sendPage(res, 409, refusalPage(lang, refusal.reason, view));
    if (t.tokenUsed) return sendPage(res, 410, refusalPage(lang, 'used', view));
    if (now().getTime() >= parsed.expiresAtMs && !faults.payAfterClose) {
      return sendPage(res, 410, refusalPage(lang, 'expired', view));
    }
    if (refusal) return sendPage(res, refusal.status, refusalPage(lang, refusal.reason, view));
    if (!m[2]) return sendPage(res, 200, payPage(lang, token, view));
    if (m[2] === '/pay') {
      customerPays(t);
      return sendPage(res, 200, donePage(lang, 'paid', view));
    }
    customerDeclines(t);
    sendPage(res, 200, donePage(lang, 'declined', view));
  }

  // --- Servers ----------------------------------------------------------------------------------------------

  const onError = (res: http.ServerResponse) => (err: unknown) => {
    log(`request failed: ${err instanceof Error ? err.message : String(err)}`);
    if (!res.headersSent) {
      res.writeHead(err instanceof ApiError ? err.status : 500);
      res.end();
    }
  };
  const api = http.createServer((req, res) => void handleProvider(req, res).catch(onError(res)));
  const pay = http.createServer((req, res) => void handlePay(req, res).catch(onError(res)));
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    notifier.close();
    for (const t of sleeps) clearTimeout(t);
    for (const res of held) res.destroy();
    await Promise.all([closeServer(api), closeServer(pay)]);
    store.save();
  };

  try {
    const port = await listen(api, opts.port ?? 0, '127.0.0.1');
    if (opts.simControls) simGuard = sameMachineGuard({ bind: '127.0.0.1', port });
    const payPort = await listen(pay, opts.payPort, opts.payBind ?? '0.0.0.0');
    // Bound to one address (e.g. 127.0.0.1 in tests): the pages can only be opened there.
    const bind = opts.payBind ?? '0.0.0.0';
    const host = bind === '0.0.0.0' || bind === '::' ? lanAddress() : bind.includes(':') ? `[${bind}]` : bind;
    payUrl = (opts.payUrl ?? `http://${host}:${payPort}`).replace(/\/+$/, '');
    return { apiUrl: `http://127.0.0.1:${port}`, payUrl, payPort, port, close };
  } catch (err) {
    await close();
    throw err;
  }
}
