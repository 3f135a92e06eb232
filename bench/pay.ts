// Scan to pay in Chromium against the built host, paying through the Demo gateway run as its own process
// (`npm run gateway`, the host started with --gateway URL: the real deployment's shape):
//   1. the cashier chooses "QR pay" -> the QR painted on the customer display (/customer, in a second window);
//   2. the trade paid at the simulator -> "Paid" painted on the cashier page, notifications on;
//   3. the same with the gateway's notifications turned off: the till finds out by polling alone.
// Times are taken where they happen, on one wall clock: performance.timeOrigin + performance.now() in each
// page and in Node (the same machine clock; each side's offset to Date.now() is measured and removed).
// "Painted" is as in bench/browser.ts (bench/page.ts): the frame after the DOM change has run its style,
// layout and paint (a requestAnimationFrame callback posts a message; the message runs once that frame is done).
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium';
import { LOOPBACK_PAY_ARGS } from '../e2e/host';
import type { PayView } from '../shared/api';
import {
  api,
  HOST_ENTRY,
  log,
  median,
  ms,
  percentile,
  removeDir,
  report,
  ROOT,
  runMain,
  spawnReady,
  tempDir,
} from './common';
import { type Painted, WAIT_MS, waitForPaint } from './page';

const GATEWAY_ENTRY = path.join(ROOT, 'out', 'gateway', 'gateway.mjs');
/** A product of the demo catalog a fresh data folder starts with. */
const DEMO_BARCODE = '2000001000007';
const WARMUP = 5;
const ROUNDS = 30;
/**
 * A customer takes a moment to scan the QR and confirm. The wait before paying is random, so the payment
 * lands at any point of the till's ~1 s query loop and the renderer's ~1 s poll (a fixed wait would lock
 * onto one phase of them and measure that phase only).
 */
const PAY_DELAY_MS = { notify: [100, 400], poll: [0, 1000] } as const;

const QR_TARGET_MS = 150;
const NOTIFY_TARGET_MS = 300;
const POLL_TARGET_MS = 1200;

interface Click {
  testId: string;
  /** The event's timeStamp (performance.now() scale). */
  at: number;
}

/** What recorder() leaves in each page as window.__pay. */
interface Recorder {
  clicks: Click[];
  armed: Promise<Painted> | null;
  /** Waits for the selector to match after a DOM change (or, on the display, after its render event). */
  arm(selector: string): void;
}

// The page functions run in Chromium; the Node-side tsconfig has no DOM lib, so the few browser globals
// they use are declared here, for this file only.
interface PageElement {
  closest(selector: string): PageElement | null;
  getAttribute(name: string): string | null;
  outerHTML: string;
}
declare const window: {
  __pay: Recorder;
  addEventListener(
    type: string,
    listener: (e: { target: PageElement | null; timeStamp: number }) => void,
    c?: boolean,
  ): void;
  removeEventListener(type: string, listener: () => void): void;
};
declare const document: {
  body: unknown;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement & { textContent: string | null }>;
};
declare function requestAnimationFrame(callback: () => void): number;
declare class MessageChannel {
  port1: { onmessage: (() => void) | null };
  port2: { postMessage(message: unknown): void };
}
declare class MutationObserver {
  constructor(callback: () => void);
  observe(target: unknown, options: { childList: boolean; subtree: boolean; attributes: boolean }): void;
  disconnect(): void;
}
interface ResourceTiming {
  name: string;
  toJSON(): Omit<ResourceTiming, 'toJSON'>;
  startTime: number;
  requestStart: number;
  responseStart: number;
  responseEnd: number;
}

/** Installed in every page before the app's scripts: records clicks and waits for painted states. */
function recorder(displayRendered: string) {
  const state: Recorder = {
    clicks: [],
    armed: null,
    arm(selector) {
      if (document.querySelector(selector)) throw new Error(`${selector} is already on screen`);
      state.armed = new Promise((resolve) => {
        let done = false;
        const painted = () => {
          const commit = performance.now();
          requestAnimationFrame(() => {
            const raf = performance.now();
            const channel = new MessageChannel();
            channel.port1.onmessage = () => {
              const paint = performance.now();
              resolve({ commit, raf, paint, paintWall: performance.timeOrigin + paint });
            };
            channel.port2.postMessage(null);
          });
        };
        const check = () => {
          if (done || !document.querySelector(selector)) return;
          done = true;
          observer.disconnect();
          window.removeEventListener(displayRendered, check);
          painted();
        };
        // Mutation records arrive as a microtask after React's commit, before the browser may paint.
        const observer = new MutationObserver(check);
        observer.observe(document.body, { childList: true, subtree: true, attributes: true });
        window.addEventListener(displayRendered, check);
      });
    },
  };
  window.addEventListener(
    'click',
    (e) => {
      const el = e.target?.closest('[data-testid]');
      state.clicks.push({ testId: el?.getAttribute('data-testid') ?? '', at: e.timeStamp });
    },
    true,
  );
  window.__pay = state;
}

const DISPLAY_QR = '[data-testid="customer-display"][data-phase="payment"] [data-testid="pay-qr"]';
const CHOOSER_READY = '[data-testid="pay-method-qr"][data-available="true"]:not([disabled])';
const CASHIER_PAID = '[data-testid="pay-paid"]';

/** The Node side of the shared clock. */
const nodeWall = () => performance.timeOrigin + performance.now();

/**
 * Date.now() minus the wall clock (timeOrigin + now), sampled over ~20 ms so the millisecond steps of
 * Date.now() average out the same way on every side.
 */
function offsetSampler() {
  const end = performance.now() + 20;
  let sum = 0;
  let n = 0;
  while (performance.now() < end) {
    sum += Date.now() - (performance.timeOrigin + performance.now());
    n++;
  }
  return sum / n;
}
const pageOffset = (page: Page) => page.evaluate(offsetSampler);

function randomBetween([lo, hi]: readonly [number, number]): number {
  return lo + Math.random() * (hi - lo);
}

/** A customer's pace, never a wait for a result. */
const pause = (msToWait: number) => new Promise((resolve) => setTimeout(resolve, msToWait));

async function sim<T = unknown>(gatewayUrl: string, pathname: string, body?: unknown): Promise<T> {
  const res = await fetch(new URL(pathname, gatewayUrl), {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = (await res.json()) as T;
  if (!res.ok) throw new Error(`${pathname}: HTTP ${res.status} ${JSON.stringify(answer)}`);
  return answer;
}

interface SimTrade {
  status: string;
  notificationsSent: number;
  notificationsAcked: number;
}

/** One checkout, as a cashier and a customer go through it, with what was timed. */
interface Round {
  /** Click on the chooser's QR method -> QR painted on the display. */
  qrMs: number;
  /** Click on "QR pay" -> the methods painted (with the QR method enabled). */
  openMs: number;
  /** The QR method's click -> the pay.start request starts, -> its answer read, answer -> display painted. */
  toCallMs: number | null;
  callMs: number | null;
  /** Of callMs: the request queued (and connecting) before it was sent, and sent -> first byte of the answer. */
  queuedMs: number | null;
  waitMs: number | null;
  /** API methods either page called while pay.start was under way. */
  during: string[];
  answerToDisplayMs: number | null;
  /** /sim pay returned -> "Paid" painted on the cashier. */
  paidMs: number;
  /** The /sim pay call itself. */
  payCallMs: number;
  /** /sim pay returned -> the till's settledAt (ms resolution, the host's clock). */
  settleMs: number | null;
  notificationsSent: number;
  notificationsAcked: number;
}

interface Setup {
  hostUrl: string;
  gatewayUrl: string;
  cashier: Page;
  display: Page;
  /** Date.now() - wall, per side: added to each side's stamps so they compare exactly. */
  offsets: { node: number; cashier: number; display: number };
}

/** What the page looked like, for a wait that timed out. */
function pageState(page: Page) {
  return page.evaluate(() => ({
    dialog: document.querySelector('[data-testid="pay-dialog"]')?.outerHTML.slice(0, 200) ?? null,
    display: document.querySelector('[data-testid="customer-display"]')?.getAttribute('data-phase') ?? null,
    toasts: [...document.querySelectorAll('[data-testid="toast"]')].map((t) => t.textContent),
  }));
}

const awaitPaint = (page: Page, what: string) => waitForPaint(page, what, () => window.__pay.armed!, pageState);

async function checkoutRound(s: Setup, payDelayMs: number): Promise<Round> {
  const { cashier, display, offsets } = s;
  await api(s.hostUrl, 'cart.scan', { barcode: DEMO_BARCODE });
  await cashier.locator('[data-testid="cart-line"]').first().waitFor({ timeout: WAIT_MS });

  // "QR pay" opens checkout with the methods; choosing the QR one asks the till for a QR.
  await cashier.evaluate((sel) => {
    window.__pay.clicks = [];
    performance.clearResourceTimings();
    window.__pay.arm(sel);
  }, CHOOSER_READY);
  await display.evaluate((sel) => {
    performance.clearResourceTimings();
    window.__pay.arm(sel);
  }, DISPLAY_QR);
  await cashier.getByTestId('qr-pay-button').click();
  const chooser = await awaitPaint(cashier, 'the methods');
  await cashier.getByTestId('pay-method-qr').click();
  const qr = await awaitPaint(display, 'the QR on the customer display');
  const apiCalls = () =>
    (performance.getEntriesByType('resource') as unknown as ResourceTiming[])
      .filter((r) => r.name.includes('/api/'))
      .map((r) => ({
        ...r.toJSON(),
        method: r.name.slice(r.name.lastIndexOf('/') + 1),
        origin: performance.timeOrigin,
      }));
  const calls = await cashier.evaluate(apiCalls);
  const displayCalls = await display.evaluate(apiCalls);
  const { clicks, origin } = await cashier.evaluate(() => ({
    clicks: window.__pay.clicks,
    origin: performance.timeOrigin,
  }));
  const start = calls.find((c) => c.method === 'pay.start') ?? null;
  const open = clicks.find((c) => c.testId === 'qr-pay-button');
  const choose = clicks.find((c) => c.testId === 'pay-method-qr');
  if (!open || !choose) throw new Error(`the cashier page saw clicks ${JSON.stringify(clicks)}`);
  /** A cashier-page performance.now() on the shared clock. */
  const cashierWall = (t: number) => origin + t + offsets.cashier;
  const qrShown = qr.paintWall + offsets.display;
  // Other API calls of either page while the till was making the QR: they share its two cores.
  const during = start
    ? [
        ...calls.filter((c) => c !== start),
        ...displayCalls.map((c) => ({
          ...c,
          startTime: c.origin + c.startTime + offsets.display - origin - offsets.cashier,
          responseEnd: c.origin + c.responseEnd + offsets.display - origin - offsets.cashier,
        })),
      ]
        .filter((c) => c.startTime < start.responseEnd && c.responseEnd > start.startTime)
        .map((c) => c.method)
    : [];

  const view = await api<PayView>(s.hostUrl, 'pay.current');
  const payment = view.payment;
  if (!payment?.tradeNumber || payment.status !== 'pending') {
    throw new Error(`after the QR, pay.current answered ${JSON.stringify(payment)}`);
  }

  // The customer pays on the phone: the same call the phone page's Pay makes, at the simulator.
  await pause(payDelayMs);
  await cashier.evaluate((sel) => window.__pay.arm(sel), CASHIER_PAID);
  const sent = nodeWall();
  await sim(s.gatewayUrl, `/sim/trades/${payment.tradeNumber}/pay`, {});
  const paidAt = nodeWall();
  const paid = await awaitPaint(cashier, '"Paid" on the cashier');
  const paidPainted = paid.paintWall + offsets.cashier;
  const payReturned = paidAt + offsets.node;

  const after = await api<PayView>(s.hostUrl, 'pay.current');
  const settledAt = after.payment?.id === payment.id && after.payment.settledAt ? after.payment.settledAt : null;
  const trade = await sim<SimTrade>(s.gatewayUrl, `/sim/trades/${payment.tradeNumber}`);

  await cashier.getByTestId('new-sale').click();
  await cashier.getByTestId('pay-dialog').waitFor({ state: 'detached', timeout: WAIT_MS });

  return {
    qrMs: qrShown - cashierWall(choose.at),
    openMs: chooser.paint - open.at,
    toCallMs: start ? start.startTime - choose.at : null,
    callMs: start ? start.responseEnd - start.startTime : null,
    queuedMs: start?.requestStart ? start.requestStart - start.startTime : null,
    waitMs: start?.requestStart ? start.responseStart - start.requestStart : null,
    during,
    answerToDisplayMs: start ? qrShown - cashierWall(start.responseEnd) : null,
    paidMs: paidPainted - payReturned,
    payCallMs: paidAt - sent,
    settleMs: settledAt ? Date.parse(settledAt) - payReturned : null,
    notificationsSent: trade.notificationsSent,
    notificationsAcked: trade.notificationsAcked,
  };
}

async function rounds(s: Setup, what: string, warmup: number, n: number, delay: readonly [number, number]) {
  log(`${what}: ${warmup} warm-up + ${n} checkouts`);
  const out: Round[] = [];
  for (let i = 0; i < warmup + n; i++) {
    const r = await checkoutRound(s, randomBetween(delay));
    if (i >= warmup) out.push(r);
  }
  return out;
}

const pick = (rs: Round[], f: (r: Round) => number | null) =>
  rs.map(f).filter((x): x is number => x !== null && Number.isFinite(x));

function figures(xs: number[]) {
  return `p50 ${ms(median(xs))}, p95 ${ms(percentile(xs, 95))}, max ${ms(Math.max(...xs))} (n=${xs.length})`;
}

const SHAPE =
  'Built host (node out/host/host.mjs --gateway <gateway API URL>, phone pages on loopback) and the Demo gateway ' +
  'as its own process (out/gateway/gateway.mjs, with --sim-controls for the simulated customer), as a shop runs ' +
  'them; the cashier and the display in two browser ' +
  'windows; fresh data folder with the demo catalog; one product a sale (cart.scan over the API).';

/** How often each API method overlapped a round's pay.start, e.g. "pay.options x30". */
function alongside(rs: Round[]): string {
  const counts = new Map<string, number>();
  for (const m of rs.flatMap((r) => r.during)) counts.set(m, (counts.get(m) ?? 0) + 1);
  return counts.size ? [...counts].map(([m, n]) => `${m} x${n}`).join(', ') : 'none';
}

/** The machine's 1-minute load average over the run: other work on it shows in the tails. */
let loadNote = '';

function reportQr(rs: Round[], chromiumVersion: string, skewMs: number) {
  const qr = pick(rs, (r) => r.qrMs);
  const open = pick(rs, (r) => r.openMs);
  const p95 = percentile(qr, 95);
  const mid = (f: (r: Round) => number | null) => {
    const xs = pick(rs, f);
    return `${ms(median(xs))} (p95 ${ms(percentile(xs, 95))})`;
  };
  report({
    id: 'p1',
    name: '"QR pay" -> QR painted on the customer display',
    figures: figures(qr),
    target: `p95 <= ${QR_TARGET_MS} ms`,
    pass: p95 <= QR_TARGET_MS,
    note:
      `From the click on the checkout's QR method (pay-method-qr: the click that asks the till for a QR) in the ` +
      `cashier window to the /customer page (a second window, pushed over the WebSocket) having painted the QR ` +
      `(data-phase="payment", pay-qr). Steps, p50 (p95): click -> pay.start request starts ${mid((r) => r.toCallMs)}; ` +
      `pay.start (till: checks, trade row, the gateway's createQr over signed HTTP, display push) ` +
      `${mid((r) => r.callMs)}, of which queued in the browser ${mid((r) => r.queuedMs)} and sent -> first byte ` +
      `${mid((r) => r.waitMs)} (API calls the pages made meanwhile: ${alongside(rs)}); its answer read -> display painted ${mid((r) => r.answerToDisplayMs)} (negative: ` +
      `the display painted before the cashier had the answer). Opening checkout first ("QR pay" button -> the ` +
      `methods painted, pay.options with its gateway ping): ${figures(open)}. ${SHAPE} Chromium ` +
      `${chromiumVersion}; Node's and the pages' clocks agreed within ${skewMs.toFixed(1)} ms by Date.now() (corrected). ${loadNote}`,
    data: {
      p50Ms: median(qr),
      p95Ms: p95,
      maxMs: Math.max(...qr),
      openP50Ms: median(open),
      openP95Ms: percentile(open, 95),
      callP50Ms: median(pick(rs, (r) => r.callMs)),
      n: qr.length,
    },
  });
}

function reportPaid(id: string, rs: Round[], notifications: boolean) {
  const paid = pick(rs, (r) => r.paidMs);
  const settle = pick(rs, (r) => r.settleMs);
  const painted = pick(rs, (r) => (r.settleMs === null ? null : r.paidMs - r.settleMs));
  const target = notifications ? NOTIFY_TARGET_MS : POLL_TARGET_MS;
  const p95 = percentile(paid, 95);
  const sent = rs.reduce((a, r) => a + r.notificationsSent, 0);
  const acked = rs.reduce((a, r) => a + r.notificationsAcked, 0);
  report({
    id,
    name: notifications
      ? 'Paid at the simulator -> "Paid" painted on the cashier (notifications)'
      : 'Paid at the simulator -> "Paid" painted on the cashier (polling only)',
    figures: figures(paid),
    target: `p95 <= ${target >= 1000 ? `${target / 1000} s` : `${target} ms`}`,
    pass: p95 <= target,
    note:
      `From the moment POST /sim/trades/<no>/pay (what the phone page's Pay does) returned in Node to "Paid" ` +
      `(pay-paid) painted in the cashier page, on the shared wall clock. ` +
      (notifications
        ? `The gateway POSTs a signed notification to the till's loopback listener (sent ${sent}, acknowledged ` +
          `${acked} for ${rs.length} trades). `
        : `Gateway notifications off (POST /sim/faults {notifications:false}; sent ${sent}): the till learns of ` +
          `it from its ~1 s query loop, the page from the payment.changed push or its own ~1 s pay.current poll. `) +
      `The customer pays ${PAY_DELAY_MS[notifications ? 'notify' : 'poll'].join('-')} ms (random) after the QR ` +
      `shows. Split (medians, the till's settledAt has ms resolution): pay returned -> payment settled in the ` +
      `till ${ms(median(settle))} (p95 ${ms(percentile(settle, 95))}); settled -> painted ${ms(median(painted))} ` +
      `(p95 ${ms(percentile(painted, 95))}). The /sim pay call itself: p50 ${ms(median(pick(rs, (r) => r.payCallMs)))}.`,
    data: {
      p50Ms: median(paid),
      p95Ms: p95,
      maxMs: Math.max(...paid),
      settleP50Ms: median(settle),
      settleP95Ms: percentile(settle, 95),
      paintP50Ms: median(painted),
      notificationsSent: sent,
      notificationsAcked: acked,
      n: paid.length,
    },
  });
}

runMain(async () => {
  const dataDir = tempDir('pay');
  const stateDir = tempDir('pay-gateway');
  try {
    const gateway = await spawnReady(
      GATEWAY_ENTRY,
      ['--port', '0', '--state-dir', stateDir, '--sim-controls', ...LOOPBACK_PAY_ARGS],
      /Demo gateway ready at (http:\/\/127\.0\.0\.1:\d+) \(phone pages: (\S+)\)/,
    );
    try {
      const gatewayUrl = gateway.match[1];
      await sim(gatewayUrl, '/sim/faults/reset', {});
      // The ready line, the data line, then the payments line (electron/host/cli.ts).
      const host = await spawnReady(
        HOST_ENTRY,
        ['--data-dir', dataDir, '--port', '0', '--gateway', gatewayUrl, ...LOOPBACK_PAY_ARGS],
        /ready at (http:\/\/127\.0\.0\.1:\d+\/)[\s\S]*\npayments: [^\n]*\n/,
      );
      try {
        const hostUrl = host.match[1];
        const payments = /payments: [^\n]*/.exec(host.output())![0];
        if (!payments.includes('gateway at')) throw new Error(`the host did not take the gateway: ${payments}`);

        const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
        try {
          // Two windows, as the till's two screens. (Two tabs of one window will not do: headless Chromium
          // then drops the cashier tab to ~1 frame a second once checkout opens.)
          const openWindow = async () => {
            const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
            await context.addInitScript(recorder, 'tillpoint:display-rendered');
            return context.newPage();
          };
          const cashier = await openWindow();
          await cashier.goto(hostUrl);
          await cashier.getByTestId('qr-pay-button').waitFor({ timeout: WAIT_MS });
          const display = await openWindow();
          await display.goto(new URL('customer', hostUrl).href);
          await display.getByTestId('customer-display').waitFor({ timeout: WAIT_MS });

          const measureOffsets = async () => ({
            node: offsetSampler(),
            cashier: await pageOffset(cashier),
            display: await pageOffset(display),
          });
          const offsets = await measureOffsets();
          const setup: Setup = { hostUrl, gatewayUrl, cashier, display, offsets };

          const loadStart = os.loadavg()[0];
          const notified = await rounds(setup, 'notifications on', WARMUP, ROUNDS, PAY_DELAY_MS.notify);
          await sim(gatewayUrl, '/sim/faults', { notifications: false });
          const polled = await rounds(setup, 'notifications off', WARMUP, ROUNDS, PAY_DELAY_MS.poll);
          await sim(gatewayUrl, '/sim/faults/reset', {});

          const end = await measureOffsets();
          loadNote = `Load average (1 min) ${loadStart.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end, on ${os.cpus().length} cores.`;
          const spread = (o: typeof offsets) =>
            Math.max(o.node, o.cashier, o.display) - Math.min(o.node, o.cashier, o.display);
          const skew = Math.max(spread(offsets), spread(end));
          const drift = Math.max(
            ...(['node', 'cashier', 'display'] as const).map((k) => Math.abs(end[k] - offsets[k])),
          );
          log(`clock offsets to Date.now(): start ${JSON.stringify(offsets)}, end ${JSON.stringify(end)}`);
          if (drift > 2) log(`warning: a side's clock offset moved ${drift.toFixed(1)} ms during the run`);

          reportQr(notified, browser.version(), skew);
          reportPaid('p2', notified, true);
          reportPaid('p3', polled, false);
        } finally {
          await browser.close();
        }
      } catch (err) {
        log(`host output:\n${host.output()}`);
        throw err;
      } finally {
        await host.stop();
      }
    } catch (err) {
      log(`gateway output (last lines):\n${gateway.output().split('\n').slice(-20).join('\n')}`);
      throw err;
    } finally {
      await gateway.stop();
    }
  } finally {
    removeDir(dataDir);
    removeDir(stateDir);
  }
});
