// Delivers "trade paid" notifications: a signed JSON POST to the trade's notifyUrl, retried with backoff
// until the merchant answers 2xx with the ack body. Runs beside the API, never inside a request.
import http from 'node:http';
import https from 'node:https';
import {
  HEADER,
  NOTIFICATION_ACK,
  type NotificationBody,
  newNonce,
  rsaSign,
  signingMessage,
  unixSeconds,
} from './protocol';
import type { NotificationRecord, Store, TradeRecord } from './store';

/** Waits between attempts; the last one repeats. */
const DEFAULT_NOTIFY_BACKOFF_MS = [250, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000];
/** Like Alipay (~25 h), a notification nobody acknowledges is eventually given up. */
const GIVE_UP_AFTER_MS = 24 * 60 * 60 * 1000;
const ATTEMPT_TIMEOUT_MS = 5000;

export interface Notifier {
  /** Queues delivery of a notification record (already stored on the trade). */
  send(trade: TradeRecord, n: NotificationRecord): void;
  close(): void;
}

export function startNotifier(
  store: Store,
  now: () => Date,
  backoffMs: readonly number[] = DEFAULT_NOTIFY_BACKOFF_MS,
): Notifier {
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<http.ClientRequest>();
  let closed = false;

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!closed) fn();
    }, ms);
    timers.add(t);
  };

  function post(url: URL, body: string, headers: Record<string, string>): Promise<void> {
    return new Promise((resolve, reject) => {
      const lib = url.protocol === 'https:' ? https : http;
      const req = lib.request(url, { method: 'POST', headers, agent: false, timeout: ATTEMPT_TIMEOUT_MS }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let ackCode: unknown;
          try {
            ackCode = (JSON.parse(text) as { code?: unknown }).code;
          } catch {}
          const ok = (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300 && ackCode === 'SUCCESS';
          ok ? resolve() : reject(new Error(`answered ${res.statusCode} ${text.slice(0, 80)}`));
        });
        res.on('error', reject);
      });
      inFlight.add(req);
      req.on('close', () => inFlight.delete(req));
      req.on('timeout', () => req.destroy(new Error('no answer')));
      req.on('error', reject);
      req.end(body);
    });
  }

  async function attempt(trade: TradeRecord, n: NotificationRecord): Promise<void> {
    if (closed || n.ackedAt || !trade.notifyUrl) return;
    const notification: NotificationBody = {
      id: n.id,
      eventType: 'TRADE.SUCCESS',
      tradeNumber: trade.tradeNumber,
      amountMinor: trade.amountMinor,
      currency: trade.currency,
      merchantId: trade.merchantId,
      providerRef: trade.providerRef,
      paidAt: trade.paidAt ?? n.createdAt,
      createdAt: n.createdAt,
    };
    const body = JSON.stringify(notification);
    const timestamp = unixSeconds();
    const nonce = newNonce();
    const signature = rsaSign(store.state.gatewayKey.privateKey, signingMessage(['NOTIFY', timestamp, nonce, body]));
    n.attempts += 1;
    n.lastAttemptAt = now().toISOString();
    try {
      await post(new URL(trade.notifyUrl), body, {
        'content-type': NOTIFICATION_ACK.contentType,
        [HEADER.timestamp]: timestamp,
        [HEADER.nonce]: nonce,
        [HEADER.signature]: signature,
      });
      n.ackedAt = now().toISOString();
      n.lastError = null;
    } catch (err) {
      n.lastError = err instanceof Error ? err.message : String(err);
    }
    if (closed) return;
    store.save();
    if (n.ackedAt) return;
    if (now().getTime() - Date.parse(n.createdAt) > GIVE_UP_AFTER_MS) {
      n.lastError = `gave up: ${n.lastError}`;
      store.save();
      return;
    }
    later(backoffMs[Math.min(n.attempts - 1, backoffMs.length - 1)], () => void attempt(trade, n));
  }

  const notifier: Notifier = {
    send(trade, n) {
      later(0, () => void attempt(trade, n));
    },
    close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const req of inFlight) req.destroy();
    },
  };

  // After a restart: whatever was paid but not acknowledged goes out again.
  for (const byNumber of Object.values(store.state.trades)) {
    for (const trade of Object.values(byNumber)) {
      for (const n of trade.notifications) {
        if (!n.ackedAt && !n.suppressed && !n.lastError?.startsWith('gave up')) notifier.send(trade, n);
      }
    }
  }
  return notifier;
}
