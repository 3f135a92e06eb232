// In Chromium against the built host, 100k products and a 200-line cart:
//   1. a scan (trusted keystrokes, as a keyboard-wedge scanner types them) to its line painted in the cart;
//   2. a cart change on the cashier to the customer display (/customer, a second page) painted.
// Times are taken inside the pages with performance.now(). "Painted" is the end of the rendering task
// that follows the renderer's commit event: a requestAnimationFrame callback posts a message, and the
// message runs once that frame's style, layout and paint are done.
import { chromium, type Page } from '@playwright/test';
import {
  api,
  CATALOG_SIZE,
  log,
  median,
  ms,
  percentile,
  removeDir,
  report,
  runMain,
  seedDataDir,
  seededBarcode,
  startBuiltHost,
  tempDir,
} from './common';
import { CHROMIUM_ARGS, CHROMIUM_PATH as CHROMIUM } from '../e2e/chromium';
import { type Painted, WAIT_MS, waitForPaint } from './page';

const CART_LINES = Number(process.env.BENCH_CART_LINES ?? 200);
const SCAN_WARMUP = 5;
const SCANS = 80;
const DISPLAY_WARMUP = 5;
const DISPLAY_CHANGES = 60;
/** A cashier's rhythm: the search box's debounced search (100 ms) after a scan settles before the next. */
const SCAN_PAUSE_MS = 300;
const CHANGE_PAUSE_MS = 150;

/** The renderer's events, as renderer/src/cashier/CartPanel.tsx and customer/CustomerDisplay.tsx send them. */
const CART_RENDERED = 'tillpoint:cart-rendered';
const DISPLAY_RENDERED = 'tillpoint:display-rendered';

interface KeyRecord {
  key: string;
  timeStamp: number;
}

/** What recorder() leaves in each page as window.__bench. */
interface Recorder {
  keys: KeyRecord[];
  cartRenders: number;
  displayRenders: number;
  /** The paint awaited by the last arm(). */
  armed: Promise<Painted> | null;
  /** Waits for the next cart render above `revision`, or the next display render. */
  arm(kind: 'cart' | 'display', revision?: number): void;
}

// The page functions run in Chromium; the Node-side tsconfig has no DOM lib, so the few browser globals
// they use are declared here, for this file only.
interface PageEvent {
  key: string;
  timeStamp: number;
  detail: { revision?: number; pending?: number };
}
declare const window: {
  __bench: Recorder;
  addEventListener(type: string, listener: (e: PageEvent) => void, capture?: boolean): void;
};
declare const document: {
  activeElement: { outerHTML: string } | null;
  visibilityState: string;
  querySelectorAll(selector: string): Iterable<{ textContent: string | null }>;
};
declare function requestAnimationFrame(callback: () => void): number;
declare class MessageChannel {
  port1: { onmessage: (() => void) | null };
  port2: { postMessage(message: unknown): void };
}
interface ResourceTiming {
  name: string;
  startTime: number;
  responseEnd: number;
}

/** Installed before the app's own scripts, so its keydown listener runs before the scanner's. */
function recorder(names: { cart: string; display: string }) {
  type Waiter = { test: (detail: { revision?: number; pending?: number }) => boolean; resolve: (p: Painted) => void };
  let waiters: Waiter[] = [];
  const state: Recorder = {
    keys: [],
    cartRenders: 0,
    displayRenders: 0,
    armed: null,
    arm(kind, revision = -1) {
      state.armed = new Promise((resolve) => {
        // A scan drawn ahead of the till's answer (pending > 0) is the cart's new state on screen too.
        const test =
          kind === 'cart'
            ? (d: { revision?: number; pending?: number }) =>
                d.revision !== undefined && (d.revision > revision || (d.pending ?? 0) > 0)
            : (d: { revision?: number }) => d.revision === undefined;
        waiters.push({ test, resolve });
      });
    },
  };
  const afterPaint = (detail: { revision?: number; pending?: number }) => {
    const commit = performance.now();
    requestAnimationFrame(() => {
      const raf = performance.now();
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        const paint = performance.now();
        const painted = { commit, raf, paint, paintWall: performance.timeOrigin + paint, pending: detail.pending ?? 0 };
        const ready = waiters.filter((w) => w.test(detail));
        waiters = waiters.filter((w) => !ready.includes(w));
        for (const w of ready) w.resolve(painted);
      };
      channel.port2.postMessage(null);
    });
  };
  window.addEventListener('keydown', (e) => state.keys.push({ key: e.key, timeStamp: e.timeStamp }), true);
  window.addEventListener(names.cart, (e) => {
    state.cartRenders++;
    afterPaint({ revision: e.detail.revision, pending: e.detail.pending });
  });
  window.addEventListener(names.display, () => {
    state.displayRenders++;
    afterPaint({});
  });
  window.__bench = state;
}

/** What the page looked like, for a wait that timed out. */
function pageState(page: Page) {
  return page.evaluate(() => ({
    keys: window.__bench.keys.map((k) => `${k.key}@${k.timeStamp.toFixed(1)}`).join(' '),
    cartRenders: window.__bench.cartRenders,
    displayRenders: window.__bench.displayRenders,
    focus: document.activeElement?.outerHTML.slice(0, 120),
    visibility: document.visibilityState,
    toasts: [...document.querySelectorAll('[data-testid="toast"]')].map((t) => t.textContent),
  }));
}

/** Pacing between scans, like a cashier's hand, never a wait for a result. */
function pause(msToWait: number) {
  return new Promise((resolve) => setTimeout(resolve, msToWait));
}

const awaitPaint = (page: Page, what: string) => waitForPaint(page, what, () => window.__bench.armed!, pageState);

interface ScanSetup {
  baseUrl: string;
  /** The till's scanner setting: a slower burst is typing. */
  maxGapMs: number;
  chromium: string;
  /** cart.scan over HTTP from Node on the same cart, no browser: the host's share. */
  hostScanMs: number;
}

/** cart.scan of products already in the cart, over HTTP from Node: p50 of the host's whole answer. */
async function timeHostScans(baseUrl: string): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 40; i++) {
    const t0 = performance.now();
    await api(baseUrl, 'cart.scan', { barcode: seededBarcode((i * 7) % CART_LINES) });
    if (i >= 5) samples.push(performance.now() - t0);
  }
  return median(samples);
}

/** Benchmark 1: each scan as trusted keystrokes into the cashier page, focus where the till leaves it
 * (the search box), timed from its first keydown and from its Enter to the painted cart. */
async function benchScan(
  page: Page,
  { baseUrl, maxGapMs, chromium: chromiumVersion, hostScanMs }: ScanSetup,
): Promise<void> {
  log(`scan -> painted line: ${SCANS} scans`);
  const fromFirstKey: number[] = [];
  const fromEnter: number[] = [];
  const bursts: number[] = [];
  // Enter -> request starts -> response read -> DOM committed -> next frame -> painted; Enter -> committed.
  const steps = {
    toCall: [] as number[],
    call: [] as number[],
    apply: [] as number[],
    frame: [] as number[],
    paint: [] as number[],
    commit: [] as number[],
  };
  let slowBursts = 0;
  let drawnAhead = 0;
  let nextNew = CART_LINES;
  for (let i = 0; i < SCAN_WARMUP + SCANS; i++) {
    // Alternately a product not in the cart yet (a new line) and one that is (its quantity goes up).
    const barcode = seededBarcode(i % 2 === 0 ? nextNew++ : (i * 37) % CART_LINES);
    const { revision } = await api<{ revision: number }>(baseUrl, 'cart.get');
    await page.evaluate((r) => {
      window.__bench.keys = [];
      performance.clearResourceTimings();
      window.__bench.arm('cart', r);
    }, revision);
    await page.keyboard.type(barcode);
    await page.keyboard.press('Enter');
    const keys = await page.evaluate(() => window.__bench.keys);
    let gap = 0;
    for (let k = 1; k < keys.length; k++) gap = Math.max(gap, keys[k].timeStamp - keys[k - 1].timeStamp);
    if (gap > maxGapMs) {
      // Playwright's keystrokes came slower than a scanner's (a busy machine): the till rightly took them
      // for typing. Not counted; whatever the search box made of them is cleared.
      slowBursts++;
      await awaitPaint(page, 'slow burst').catch(() => undefined);
      await page.getByTestId('search-input').fill('');
      await pause(SCAN_PAUSE_MS);
      continue;
    }
    const painted = await awaitPaint(page, `scan ${barcode}`);
    const row = page.locator(`[data-testid="cart-line"][data-barcode="${barcode}"]`);
    const shown = await row.count();
    if (shown !== 1) throw new Error(`scan ${barcode}: the cart shows ${shown} lines for it`);
    const ahead = (painted.pending ?? 0) > 0;
    // The till's answer lands before the next scan.
    await row.and(page.locator('[data-pending="false"]')).waitFor({ timeout: WAIT_MS });
    const enter = keys.at(-1)!;
    if (enter.key !== 'Enter' || keys.length !== barcode.length + 1) {
      throw new Error(`scan ${barcode}: saw keys ${JSON.stringify(keys)}`);
    }
    const call = await page.evaluate(
      () =>
        (performance.getEntriesByType('resource') as unknown as ResourceTiming[]).find((r) =>
          r.name.endsWith('/api/cart.scan'),
        ) ?? null,
    );
    await pause(SCAN_PAUSE_MS);
    if (i < SCAN_WARMUP) continue;
    if (ahead) drawnAhead++;
    fromFirstKey.push(painted.paint - keys[0].timeStamp);
    fromEnter.push(painted.paint - enter.timeStamp);
    bursts.push(enter.timeStamp - keys[0].timeStamp);
    steps.commit.push(painted.commit - enter.timeStamp);
    steps.frame.push(painted.raf - painted.commit);
    steps.paint.push(painted.paint - painted.raf);
    if (call) {
      steps.toCall.push(call.startTime - enter.timeStamp);
      steps.call.push(call.responseEnd - call.startTime);
      steps.apply.push(painted.commit - call.responseEnd);
    }
  }
  const p95 = percentile(fromEnter, 95);
  const lines = await page.locator('[data-testid="cart-line"]').count();
  const mid = (xs: number[]) => ms(median(xs));
  report({
    id: '1',
    name: `Scan -> line painted in the cart (${CART_LINES}+ lines)`,
    figures:
      `painted from Enter: p50 ${mid(fromEnter)}, p95 ${ms(p95)}; in the DOM from Enter: p50 ${mid(steps.commit)}, ` +
      `p95 ${ms(percentile(steps.commit, 95))}; painted from 1st key: p50 ${mid(fromFirstKey)}, ` +
      `p95 ${ms(percentile(fromFirstKey, 95))} (n=${fromEnter.length}; drawn ahead of the till: ${drawnAhead})`,
    target: 'p95 <= 16 ms',
    pass: p95 <= 16,
    note:
      `Target held against the time from the scan's completion (its Enter): no till can act before the code ` +
      `is complete. The burst itself (${seededBarcode(0).length} keys + Enter, typed by Playwright as trusted ` +
      `key events) took p50 ${mid(bursts)}, which "from 1st key" includes. Enter -> DOM committed ` +
      `(cart-rendered): p50 ${mid(steps.commit)}, p95 ${ms(percentile(steps.commit, 95))}. Step medians: ` +
      `Enter -> cart.scan request starts ${mid(steps.toCall)}; request -> response read (HTTP + host) ` +
      `${mid(steps.call)} (the same call from Node, no browser: ${ms(hostScanMs)}); response -> DOM committed (JSON, store, React) ${mid(steps.apply)}; committed -> ` +
      `next frame (rAF) ${mid(steps.frame)}; rAF -> painted (style, layout, paint) ${mid(steps.paint)}. ` +
      `A scan drawn from the page's catalog cache (marked pending until the till's answer replaces it) counts ` +
      `when drawn; ${drawnAhead} of ${fromEnter.length} were, so the request steps above then come after the paint. ` +
      `Half the scans add a line, half raise one; the cart grew to ${lines} lines. Focus in the search box ` +
      `(as the till starts). Bursts slower than the ${maxGapMs} ms scanner gap, not counted: ${slowBursts}. ` +
      `Chromium ${chromiumVersion}.`,
    data: {
      enterP50Ms: median(fromEnter),
      enterP95Ms: p95,
      firstKeyP50Ms: median(fromFirstKey),
      firstKeyP95Ms: percentile(fromFirstKey, 95),
      commitP50Ms: median(steps.commit),
      commitP95Ms: percentile(steps.commit, 95),
      requestStartP50Ms: median(steps.toCall),
      requestP50Ms: median(steps.call),
      hostScanP50Ms: hostScanMs,
      applyP50Ms: median(steps.apply),
      frameWaitP50Ms: median(steps.frame),
      paintP50Ms: median(steps.paint),
      burstP50Ms: median(bursts),
      n: fromEnter.length,
      slowBursts,
      drawnAhead,
    },
  });
}

/** How far apart the two pages' wall clocks (timeOrigin + now) are, by Date.now() in each. */
async function clockSkew(a: Page, b: Page): Promise<number> {
  const offset = (p: Page) =>
    p.evaluate(() => {
      let sum = 0;
      for (let i = 0; i < 50; i++) sum += Date.now() - (performance.timeOrigin + performance.now());
      return sum / 50;
    });
  return Math.abs((await offset(a)) - (await offset(b)));
}

/** Benchmark 2: a cart change called from the cashier page, to the customer display painted. */
async function benchDisplay(cashier: Page, display: Page): Promise<void> {
  log(`cashier -> customer display: ${DISPLAY_CHANGES} changes`);
  const samples: number[] = [];
  let nextNew = CART_LINES + 1000;
  for (let i = 0; i < DISPLAY_WARMUP + DISPLAY_CHANGES; i++) {
    const barcode = seededBarcode(i % 2 === 0 ? nextNew++ : (i * 53) % CART_LINES);
    await display.evaluate(() => window.__bench.arm('display'));
    // The call as the renderer's client makes it (POST /api/cart.scan), stamped on the shared clock first.
    const sent = await cashier.evaluate(async (code) => {
      const t0 = performance.timeOrigin + performance.now();
      const res = await fetch('/api/cart.scan', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ barcode: code, quantity: 1 }),
      });
      if (!res.ok) throw new Error(`cart.scan: HTTP ${res.status}`);
      await res.json();
      return t0;
    }, barcode);
    const painted = await awaitPaint(display, `display after ${barcode}`);
    if (i >= DISPLAY_WARMUP) samples.push(painted.paintWall - sent);
    await pause(CHANGE_PAUSE_MS);
  }
  const skew = await clockSkew(cashier, display);
  const lines = await display.locator('[data-testid="display-line"]').count();
  const p95 = percentile(samples, 95);
  report({
    id: '2',
    name: 'Cart change on the cashier -> customer display painted',
    figures: `p95 ${ms(p95)}, p50 ${ms(median(samples))} (n=${samples.length})`,
    target: 'p95 <= 100 ms',
    pass: p95 <= 100,
    note:
      'From just before the cashier page POSTs cart.scan to the /customer page (a second page, pushed over the ' +
      'WebSocket) having painted the new state; clocks are performance.timeOrigin + now() in each page ' +
      `(they agree within ~${skew.toFixed(1)} ms by Date.now()). Half new lines, half quantity changes; ` +
      `the display showed ${lines} lines at the end.`,
    data: { p95Ms: p95, p50Ms: median(samples), n: samples.length, clockSkewMs: skew },
  });
}

runMain(async () => {
  const dir = tempDir('browser');
  try {
    log(`seeding ${CATALOG_SIZE} products`);
    seedDataDir(dir);
    // Signed in with a shift open before the page opens, so it shows the cart, not the lock screen.
    const host = await startBuiltHost(dir, { sell: true });
    try {
      log(`filling the cart with ${CART_LINES} lines`);
      for (let k = 0; k < CART_LINES; k++) await api(host.url, 'cart.scan', { barcode: seededBarcode(k) });
      const hostScanMs = await timeHostScans(host.url);
      const settings = await api<{ scanMaxGapMs: number }>(host.url, 'settings.get');

      const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      try {
        const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
        await context.addInitScript(recorder, { cart: CART_RENDERED, display: DISPLAY_RENDERED });
        const cashier = await context.newPage();
        await cashier.goto(host.url);
        await cashier
          .locator('[data-testid="cart-line"]')
          .nth(CART_LINES - 1)
          .waitFor({ timeout: WAIT_MS });
        // Scans are drawn from the page's catalog cache once it is loaded (100k products).
        await cashier
          .locator('html:not([data-scan-cache=""])[data-scan-cache]')
          .waitFor({ state: 'attached', timeout: WAIT_MS });
        await benchScan(cashier, {
          baseUrl: host.url,
          maxGapMs: settings.scanMaxGapMs,
          chromium: browser.version(),
          hostScanMs,
        });

        const display = await context.newPage();
        await display.goto(new URL('customer', host.url).href);
        await display
          .locator('[data-testid="display-line"]')
          .nth(CART_LINES - 1)
          .waitFor({ timeout: WAIT_MS });
        await benchDisplay(cashier, display);
      } finally {
        await browser.close();
      }
    } finally {
      await host.stop();
    }
  } finally {
    removeDir(dir);
  }
});
