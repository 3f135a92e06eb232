// Helpers for tests that drive the Demo gateway: temp folders, a gateway on loopback ports, the /sim
// controls, and a notification listener that records what arrives. Loopback only, port 0 everywhere.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startNotifyListener as startTillNotifyListener } from '../payments/notify';
import { type Faults, type Gateway, type GatewayOptions, startGateway } from './index';

export function tempDir(prefix = 'tillpoint-gateway-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A gateway on 127.0.0.1 with OS-assigned ports, fast notification retries and the /sim controls on. */
export function startTestGateway(opts: Partial<GatewayOptions> = {}): Promise<Gateway> {
  return startGateway({
    stateDir: opts.stateDir ?? tempDir(),
    port: 0,
    payPort: 0,
    payBind: '127.0.0.1',
    notifyBackoffMs: [50, 100, 200],
    simControls: true,
    ...opts,
  });
}

export interface SimAnswer<T = unknown> {
  status: number;
  body: T;
}

export async function sim<T = Record<string, unknown>>(
  gateway: { apiUrl: string },
  route: string,
  body?: unknown,
): Promise<SimAnswer<T>> {
  // Same-machine Host (fetch sends 127.0.0.1:<port>), no Origin, JSON: what the controls accept.
  const res = await fetch(`${gateway.apiUrl}/sim/${route}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

export function setFaults(gateway: { apiUrl: string }, faults: Partial<Faults>): Promise<SimAnswer<Faults>> {
  return sim<Faults>(gateway, 'faults', faults);
}

export interface ReceivedNotification {
  headers: Record<string, string | undefined>;
  body: string;
}

export interface NotifyListener {
  url: string;
  received: ReceivedNotification[];
  /** Resolves when the n-th notification (1-based) has arrived. */
  nth(n: number): Promise<ReceivedNotification>;
  close(): Promise<void>;
}

/**
 * A merchant's notification endpoint on 127.0.0.1: the till's own listener with a recording handler.
 * `answer` decides the reply to each arrival (index from 0); by default it acknowledges.
 */
export async function startNotifyListener(
  answer: (i: number, n: ReceivedNotification) => { status: number; body: string } = () => ({
    status: 200,
    body: '{"code":"SUCCESS"}',
  }),
): Promise<NotifyListener> {
  const received: ReceivedNotification[] = [];
  const waiters: { n: number; resolve: (r: ReceivedNotification) => void }[] = [];
  const listener = await startTillNotifyListener((_providerId, n) => {
    const reply = answer(received.length, n);
    received.push(n);
    for (const w of waiters.filter((x) => x.n <= received.length)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(received[w.n - 1]);
    }
    return { ...reply, contentType: 'application/json' };
  });
  return {
    url: `${listener.baseUrl}/demo`,
    received,
    nth: (n) =>
      received.length >= n ? Promise.resolve(received[n - 1]) : new Promise((resolve) => waiters.push({ n, resolve })),
    close: () => listener.close(),
  };
}

/** Polls a condition that is settled by another process/timer (e.g. a notification ack being stored). */
export async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}
