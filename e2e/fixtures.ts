// Each test gets its own headless host (own data dir, own port) and page models bound to it.
import { test as base, expect, type Page } from '@playwright/test';
import { type RunningHost, startHost } from './host';

/** The scanner gap e2e hosts use; a person typing slower than this is not a scanner. */
export const E2E_SCAN_GAP_MS = 80;

export const DEMO = {
  americano: { barcode: '2000001000007', name: 'Americano', price: '¥18.00' },
  latte: { barcode: '2000002000006', name: 'Caffè Latte', price: '¥22.00' },
  croissant: { barcode: '2000011000004', name: 'Croissant', price: '¥12.00' },
};

export class CashierPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async goto() {
    await this.page.goto(this.baseUrl);
    await expect(this.page.getByTestId('cart-lines')).toBeVisible();
  }

  lines() {
    return this.page.getByTestId('cart-line');
  }

  line(barcode: string) {
    return this.page.locator(`[data-testid="cart-line"][data-barcode="${barcode}"]`);
  }

  total() {
    return this.page.getByTestId('cart-total');
  }

  /** Types a barcode the way a keyboard-wedge scanner does: a fast burst ending in Enter. */
  async scan(code: string) {
    await this.page.keyboard.type(code);
    await this.page.keyboard.press('Enter');
  }

  /** Scans and waits until the product's line shows the expected quantity. */
  async scanAndSee(code: string, quantity = 1) {
    await this.scan(code);
    await expect(this.line(code).getByTestId('line-qty')).toHaveText(String(quantity));
  }

  async payCash(tendered: string) {
    await this.page.getByTestId('cash-button').click();
    await this.page.getByTestId('tendered-input').fill(tendered);
    await this.page.getByTestId('cash-confirm').click();
    await expect(this.page.getByTestId('sale-done')).toBeVisible();
  }

  async newSale() {
    await this.page.getByTestId('new-sale').click();
    await expect(this.page.getByTestId('sale-done')).toBeHidden();
  }
}

export class CustomerPage {
  constructor(readonly page: Page) {}

  async goto(baseUrl: string) {
    await this.page.goto(new URL('/customer', baseUrl).href);
    await expect(this.page.getByTestId('customer-display')).toBeVisible();
  }

  lines() {
    return this.page.getByTestId('display-line');
  }

  total() {
    return this.page.getByTestId('display-total');
  }
}

export const test = base.extend<{ host: RunningHost; cashier: CashierPage }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture dependencies from this pattern
  host: async ({}, use) => {
    const host = await startHost();
    // Playwright's key events on a loaded 2-core CI machine arrive tens of ms apart, slower than a real
    // scanner's 2-15 ms. Widen the scanner gap the way a shop would for a slow scanner (Settings), so e2e
    // tests the behaviour, not the machine's load; the detector's timing itself is unit-tested.
    await callApi(host.url, 'settings.update', { scanMaxGapMs: E2E_SCAN_GAP_MS });
    await use(host);
    await host.stop();
  },
  cashier: async ({ page, host }, use) => {
    const cashier = new CashierPage(page, host.url);
    await cashier.goto();
    await use(cashier);
  },
});

export { expect };

/** Calls the host's API the way the renderer does (same origin, JSON). */
export async function callApi<T = unknown>(baseUrl: string, method: string, input: unknown = {}): Promise<T> {
  const res = await fetch(new URL(`/api/${method}`, baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { ok: boolean; value?: T; error?: { message: string } };
  if (!body.ok) throw new Error(`${method}: ${body.error?.message}`);
  return body.value as T;
}
