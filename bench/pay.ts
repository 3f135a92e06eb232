// Scan to pay in Chromium against the built host, paying through the Demo gateway run as its own process
// (`npm run gateway`, the host started with --gateway URL: the real deployment's shape):
//   1. the cashier presses "QR pay" (one press) -> the QR painted on the customer display (/customer, in a second
//      window) and the attempt pending on the cashier's dialog;
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
  hostEnv,
  log,
  median,
  ms,
  percentile,
  removeDir,
  report,
  ROOT,
  readyToSell,
  runMain,
  spawnReady,
  tempDir,
} from './common';
import { awaitArmed, nodeWall, offsetSampler, type Recorder, recorder, WAIT_MS } from './page';

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

// The page functions run in Chromium; the Node-side tsconfig has no DOM lib, so the few browser globals
// they use are declared here, for this file only.
interface PageElement {
  getAttribute(name: string): string | null;
  outerHTML: string;
}
declare const window: { __pay: Recorder };
declare const document: {
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement & { textContent: string | null }>;
};
interface ResourceTiming {
  name: string;
  toJSON(): Omit<ResourceTiming, 'toJSON'>;
  startTime: number;
  requestStart: number;
  responseStart: number;
  responseEnd: number;
}

const DISPLAY_QR = '[data-testid="customer-display"][data-phase="payment"] [data-testid="pay-qr"]';
/** The cashier's dialog with the wallet QR's attempt waiting for the customer. */
const CASHIER_PENDING = '[data-testid="pay-dialog"][data-status="pending"]';
const CASHIER_PAID = '[data-testid="pay-paid"]';

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
  /** Click on "QR pay" (one press: checkout opens and asks the till for the wallet QR) -> QR painted on the display. */
  qrMs: number;
  /** The same click -> the cashier's dialog painted with the attempt pending (the cashier's own view). */
  pendingMs: number;
  /** The click -> the pay.start request starts, -> its answer read, answer -> display painted. */
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

const awaitPaint = (page: Page, what: string) => awaitArmed(page, what, pageState);

async function checkoutRound(s: Setup, payDelayMs: number): Promise<Round> {
  const { cashier, display, offsets } = s;
  await api(s.hostUrl, 'cart.scan', { barcode: DEMO_BARCODE });
  await cashier.locator('[data-testid="cart-line"]').first().waitFor({ timeout: WAIT_MS });

  // One press of "QR pay": checkout opens and asks the till for the wallet QR at once (no method list first).
  await cashier.evaluate((sel) => {
    window.__pay.presses = [];
    performance.clearResourceTimings();
    window.__pay.arm(sel);
  }, CASHIER_PENDING);
  await display.evaluate((sel) => {
    performance.clearResourceTimings();
    window.__pay.arm(sel);
  }, DISPLAY_QR);
  await cashier.getByTestId('qr-pay-button').click();
  const qr = await awaitPaint(display, 'the QR on the customer display');
  const pending = await awaitPaint(cashier, 'the pending attempt on the cashier');
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
  const { presses, origin } = await cashier.evaluate(() => ({
    presses: window.__pay.presses,
    origin: performance.timeOrigin,
  }));
  const start = calls.find((c) => c.method === 'pay.start') ?? null;
  const press = presses.find((c) => c.kind === 'click' && c.what === 'qr-pay-button');
  if (!press) throw new Error(`the cashier page saw presses ${JSON.stringify(presses)}`);
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
    qrMs: qrShown - cashierWall(press.at),
    pendingMs: pending.paint - press.at,
    toCallMs: start ? start.startTime - press.at : null,
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
  const pending = pick(rs, (r) => r.pendingMs);
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
      `From the click on "QR pay" (qr-pay-button; one press, as F10: checkout opens and asks the till for the ` +
      `wallet QR at once) in the cashier window to the /customer page (a second window, pushed over the ` +
      `WebSocket) having painted the QR (data-phase="payment", pay-qr). Steps, p50 (p95): click -> pay.start ` +
      `request starts ${mid((r) => r.toCallMs)} (the dialog opens first); ` +
      `pay.start (till: checks, trade row, the gateway's createQr over signed HTTP, display push) ` +
      `${mid((r) => r.callMs)}, of which queued in the browser ${mid((r) => r.queuedMs)} and sent -> first byte ` +
      `${mid((r) => r.waitMs)} (API calls the pages made meanwhile: ${alongside(rs)}); its answer read -> display painted ${mid((r) => r.answerToDisplayMs)} (negative: ` +
      `the display painted before the cashier had the answer). The same click -> the cashier's dialog painted ` +
      `with the attempt pending (data-status="pending"): ${figures(pending)}. ${SHAPE} Chromium ` +
      `${chromiumVersion}; Node's and the pages' clocks agreed within ${skewMs.toFixed(1)} ms by Date.now() (corrected). ${loadNote}`,
    data: {
      p50Ms: median(qr),
      p95Ms: p95,
      maxMs: Math.max(...qr),
      pendingP50Ms: median(pending),
      pendingP95Ms: percentile(pending, 95),
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
        hostEnv(dataDir),
      );
      try {
        const hostUrl = host.match[1];
        const payments = /payments: [^\n]*/.exec(host.output())![0];
        if (!payments.includes('gateway at')) throw new Error(`the host did not take the gateway: ${payments}`);
        // Signed in with a shift open before the pages open, so the cashier's shows the cart (issue #10).
        await readyToSell(hostUrl);

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
