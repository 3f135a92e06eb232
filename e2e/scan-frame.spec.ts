// A scan drawn within one frame: the line shows from the page's catalog cache before the till answers
// (marked pending), the till's answer replaces it, a refused code leaves nothing, F2 waits for the stored
// total, and a reload shows exactly what the till stored. The page's calls go over its WebSocket.
import { callApi, DEMO, expect, test } from './fixtures';

/** What the page's cart list looked like after each DOM change, and beeps heard; installed before the app. */
function watchCart() {
  const w = window as unknown as { __cart: { counts: number[]; pending: string[] }; __beeps: number };
  w.__cart = { counts: [], pending: [] };
  w.__beeps = 0;
  // The till's error beep is an oscillator: count them instead of playing them.
  (window as unknown as { AudioContext: unknown }).AudioContext = class {
    state = 'running';
    currentTime = 0;
    destination = {};
    resume() {}
    createOscillator() {
      w.__beeps++;
      return { frequency: {}, connect: (x: unknown) => x, start() {}, stop() {} };
    }
    createGain() {
      const node = { gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} }, connect: (x: unknown) => x };
      return node;
    }
  };
  new MutationObserver(() => {
    const rows = [...document.querySelectorAll('[data-testid="cart-line"]')];
    w.__cart.counts.push(rows.length);
    for (const r of rows) {
      if (r.getAttribute('data-pending') === 'true') w.__cart.pending.push(r.getAttribute('data-barcode') ?? '');
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-pending'] });
}

test.beforeEach(async ({ page, cashier }) => {
  await page.addInitScript(watchCart);
  await cashier.goto();
  // The scan cache is in the page (before it is, scans simply go the till's way).
  await expect(page.locator('html')).toHaveAttribute('data-scan-cache', /\S/);
});

const seen = (page: import('@playwright/test').Page) =>
  page.evaluate(() => (window as unknown as { __cart: { counts: number[]; pending: string[] } }).__cart);

test('a scan paints its line before the till answers, then the answer takes its place', async ({ page, cashier }) => {
  const httpScans: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/cart.scan')) httpScans.push(r.url());
  });
  await cashier.scan(DEMO.americano.barcode);
  await cashier.scan(DEMO.latte.barcode);
  await cashier.scan(DEMO.americano.barcode);
  await expect(cashier.line(DEMO.americano.barcode).getByTestId('line-qty')).toHaveText('2');
  await expect(cashier.line(DEMO.latte.barcode)).toHaveAttribute('data-pending', 'false');
  await expect(cashier.line(DEMO.americano.barcode)).toHaveAttribute('data-pending', 'false');
  await expect(cashier.total()).toHaveText('¥58.00');
  const { counts, pending } = await seen(page);
  // Drawn pending first (from the cache), for each product scanned ...
  expect(new Set(pending)).toEqual(new Set([DEMO.americano.barcode, DEMO.latte.barcode]));
  // ... and the answers replaced them in place: the line count never went down.
  expect(counts.every((n, i) => i === 0 || n >= counts[i - 1])).toBe(true);
  expect(counts.at(-1)).toBe(2);
  // The calls went over the page's WebSocket, not HTTP.
  expect(httpScans).toEqual([]);
});

test('an unknown barcode leaves no line, with the beep and the message', async ({ page, cashier }) => {
  await cashier.scan('6900000000000');
  await expect(page.getByTestId('toast')).toContainText('6900000000000');
  expect(await page.evaluate(() => (window as unknown as { __beeps: number }).__beeps)).toBe(1);
  expect((await seen(page)).counts.filter((n) => n > 0)).toEqual([]);
  await expect(cashier.lines()).toHaveCount(0);
});

test("F2 right after a scan opens cash with the scanned line's total", async ({ page, cashier }) => {
  await cashier.scan(DEMO.croissant.barcode);
  await page.keyboard.press('F2');
  await expect(page.getByTestId('cash-total')).toHaveText(DEMO.croissant.price);
  await expect(page.getByTestId('toast')).toHaveCount(0);
});

test("a reload shows the till's stored cart", async ({ page, cashier, host }) => {
  await cashier.scan(DEMO.latte.barcode);
  await cashier.scan(DEMO.latte.barcode);
  await cashier.scan(DEMO.croissant.barcode);
  await expect(cashier.line(DEMO.croissant.barcode)).toHaveAttribute('data-pending', 'false');
  await expect(cashier.line(DEMO.latte.barcode).getByTestId('line-qty')).toHaveText('2');
  await page.reload();
  const stored = await callApi<{ lines: { barcode: string; quantity: number }[] }>(host.url, 'cart.get');
  expect(stored.lines.map((l) => [l.barcode, l.quantity])).toEqual([
    [DEMO.latte.barcode, 2],
    [DEMO.croissant.barcode, 1],
  ]);
  await expect(cashier.lines()).toHaveCount(2);
  await expect(cashier.line(DEMO.latte.barcode).getByTestId('line-qty')).toHaveText('2');
  await expect(cashier.total()).toHaveText('¥56.00');
});
