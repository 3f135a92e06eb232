// Each test gets its own headless host (own data dir, own port) and page models bound to it.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test as base, type CDPSession, expect, type Locator, type Page, type TestInfo } from '@playwright/test';
import { LOOPBACK_PAY_ARGS, type RunningGateway, type RunningHost, startGatewayProcess, startHost } from './host';
import { scanQrOnScreen } from './qr';

/**
 * The scanner gap e2e hosts use: a person typing slower than this is not a scanner. Test scans stamp their
 * own keys (CashierPage.scan), so however busy the machine, a scan's gaps stay ~5 ms; only the tests that
 * type as a person (5 × this apart) depend on the value.
 */
export const E2E_SCAN_GAP_MS = 120;

export const DEMO = {
  americano: { barcode: '2000001000007', name: 'Americano', price: '¥18.00' },
  latte: { barcode: '2000002000006', name: 'Caffè Latte', price: '¥22.00' },
  croissant: { barcode: '2000011000004', name: 'Croissant', price: '¥12.00' },
};

/** A scanner's keys come ~5 ms apart, well inside every scan gap the tests set. */
const SCANNER_KEY_MS = 5;

/** What CDP needs to type one character of a barcode (digits, letters, *, -) or Enter. */
function keyFor(ch: string): { key: string; code: string; text: string; windowsVirtualKeyCode: number } {
  if (ch === 'Enter') return { key: 'Enter', code: 'Enter', text: '\r', windowsVirtualKeyCode: 13 };
  if (/^\d$/.test(ch)) return { key: ch, code: `Digit${ch}`, text: ch, windowsVirtualKeyCode: ch.charCodeAt(0) };
  if (/^[a-z]$/i.test(ch)) {
    return { key: ch, code: `Key${ch.toUpperCase()}`, text: ch, windowsVirtualKeyCode: ch.toUpperCase().charCodeAt(0) };
  }
  if (ch === '*') return { key: '*', code: 'NumpadMultiply', text: '*', windowsVirtualKeyCode: 106 };
  if (ch === '-') return { key: '-', code: 'Minus', text: '-', windowsVirtualKeyCode: 189 };
  throw new Error(`the test scanner cannot type ${JSON.stringify(ch)}`);
}

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

  /**
   * Types a barcode the way a keyboard-wedge scanner does: a burst ending in Enter, its keys stamped
   * SCANNER_KEY_MS apart. The stamps come with the keys (CDP's timestamp), so a busy machine that delivers
   * them late does not stretch the gaps the till measures, as it would with keyboard.type.
   */
  async scan(code: string) {
    this.cdp ??= await this.page.context().newCDPSession(this.page);
    let at = Date.now() / 1000;
    const step = SCANNER_KEY_MS / 2 / 1000;
    for (const ch of [...code, 'Enter']) {
      const { text, ...key } = keyFor(ch);
      await this.cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', ...key, text, timestamp: at });
      await this.cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', ...key, timestamp: at + step });
      at += 2 * step;
    }
  }
  private cdp: CDPSession | undefined;

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

  /** The checkout (scan to pay) dialog; its data-status is 'choose', 'loading' or the payment's status. */
  payDialog() {
    return this.page.getByTestId('pay-dialog');
  }

  /**
   * Presses "QR pay": the wallet QR is made at once (no method list first). Waits until it waits for the
   * customer's scan, or until the methods show because no wallet could take the order.
   */
  async openQrPay() {
    await this.page.getByTestId('qr-pay-button').click();
    await expect(this.payDialog()).toHaveAttribute('data-status', /^(pending|choose)$/);
  }

  /**
   * The wallet QR waiting for the customer's scan: the one QR pay made, or (when the methods show, e.g. after
   * the provider came back) the one the cashier starts from the list.
   */
  async startQr() {
    if ((await this.payDialog().getAttribute('data-status')) === 'choose') {
      await this.page.getByTestId('pay-method-qr').click();
    }
    await expect(this.payDialog()).toHaveAttribute('data-status', 'pending');
    await expect(this.payDialog()).toHaveAttribute('data-method', 'qr');
  }

  /** From the wallet QR on screen, another way to pay (the QR is cancelled first). */
  async otherWay(way: 'bank_qr' | 'payment_code') {
    await this.page.getByTestId(`pay-other-${way}`).click();
  }

  /** Opens today's orders and the one numbered `number`, showing its lines and payments. */
  async openHistoryOrder(number: string) {
    await this.page.getByTestId('history-button').click();
    const order = this.page.locator(`[data-testid="history-item"][data-number="${number}"]`);
    await expect(order).toHaveCount(1);
    await order.getByRole('button').first().click();
    return order;
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

  payment() {
    return this.page.getByTestId('display-payment');
  }

  /** Waits for the payment QR, then reads it from the pixels on screen as a customer's camera does. */
  async scanQr(): Promise<string> {
    await expect(this.page.getByTestId('pay-qr')).toBeVisible();
    return scanQrOnScreen(this.page);
  }

  /** One wallet's QR while the wallets show side by side. */
  walletQr(wallet: 'alipay' | 'wechat') {
    return this.page.locator(`[data-testid="pay-qr"][data-wallet="${wallet}"]`);
  }

  /** Waits for one wallet's QR (both wallets side by side), then reads it from its pixels alone. */
  async scanWalletQr(wallet: 'alipay' | 'wechat'): Promise<string> {
    const qr = this.walletQr(wallet);
    await expect(qr).toBeVisible();
    return scanQrOnScreen(qr);
  }

  /** The order number the display shows next to the QR. */
  async orderNumber(): Promise<string> {
    const text = await this.page.getByTestId('pay-order-number').textContent();
    const m = /\d+/.exec(text ?? '');
    if (!m) throw new Error(`No order number in "${text}"`);
    return m[0];
  }
}

/** The customer's phone: the Demo gateway's pay page, opened from the QR in a browser context of its own. */
export class PhonePage {
  constructor(readonly page: Page) {}

  /** Opens the link from the QR; answers the HTTP status (a refused link is a 4xx page). */
  async open(url: string): Promise<number> {
    const res = await this.page.goto(url);
    if (!res) throw new Error(`No answer for ${url}`);
    return res.status();
  }

  banner() {
    return this.page.getByRole('alert');
  }

  heading() {
    return this.page.getByRole('heading', { level: 1 });
  }

  async pay() {
    await this.page.getByRole('button', { name: 'Pay', exact: true }).click();
    await expect(this.heading()).toHaveText('Paid');
  }

  async decline() {
    await this.page.getByRole('button', { name: 'Decline', exact: true }).click();
    await expect(this.heading()).toHaveText('Declined');
  }
}

/**
 * The Demo gateway's own record and fault controls (/sim, on its provider API port; unsigned, loopback; the
 * gateway must be started with --sim-controls). Node's fetch sends this machine's Host and no Origin; POSTs
 * carry JSON, as the controls require.
 */
export class GatewaySim {
  constructor(readonly apiUrl: string) {}

  private async call<T>(method: 'GET' | 'POST', pathname: string, body?: unknown): Promise<T> {
    const res = await fetch(new URL(pathname, this.apiUrl), {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${pathname}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  faults(patch: Record<string, number | boolean>) {
    return this.call<Record<string, number | boolean>>('POST', '/sim/faults', patch);
  }

  trades() {
    return this.call<SimTrade[]>('GET', '/sim/trades');
  }

  trade(tradeNumber: string) {
    return this.call<SimTrade>('GET', `/sim/trades/${encodeURIComponent(tradeNumber)}`);
  }
}

/** The parts of the gateway's trade record the tests read. */
export interface SimTrade {
  tradeNumber: string;
  kind: 'qr' | 'code';
  status: string;
  amountMinor: number;
  paidCount: number;
  refundedMinor: number;
  orderNumber: string;
}

/** A picture for the lead to look at: test-results/pay-shots/<name>.png, also attached to the report. */
export async function payShot(target: Page | Locator, name: string, testInfo: TestInfo): Promise<void> {
  const dir = path.join(testInfo.project.outputDir, 'pay-shots');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await target.screenshot({ path: file });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

/** A host as e2e tests use it: its own data dir, phone pages on loopback, the e2e scanner gap. */
export async function startTestHost(
  opts: Parameters<typeof startHost>[0] & { scanGapMs?: number } = {},
): Promise<RunningHost> {
  const host = await startHost(opts);
  // Playwright's key events on a loaded 2-core CI machine arrive tens of ms apart, slower than a real
  // scanner's 2-15 ms. Widen the scanner gap the way a shop would for a slow scanner (Settings), so e2e
  // tests the behaviour, not the machine's load; the detector's timing itself is unit-tested.
  await callApi(host.url, 'settings.update', { scanMaxGapMs: opts.scanGapMs ?? E2E_SCAN_GAP_MS });
  return host;
}

/** Host args that pay through an outside Demo gateway (`npm run gateway`) instead of the built-in one. */
export function gatewayArgs(gateway: RunningGateway): string[] {
  return ['--gateway', gateway.apiUrl, ...LOOPBACK_PAY_ARGS];
}

export const test = base.extend<{ host: RunningHost; cashier: CashierPage }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture dependencies from this pattern
  host: async ({}, use) => {
    const host = await startTestHost();
    await use(host);
    await host.stop();
  },
  cashier: async ({ page, host }, use) => {
    const cashier = new CashierPage(page, host.url);
    await cashier.goto();
    await use(cashier);
  },
});

/** Scan-to-pay tests: the customer display in a second tab and the customer's phone in a context of its own. */
export const payTest = test.extend<{ display: CustomerPage; phone: PhonePage }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture dependencies from this pattern
  host: async ({}, use) => {
    const host = await startTestHost();
    await use(host);
    await host.stop();
  },
  display: async ({ context, host }, use) => {
    const display = new CustomerPage(await context.newPage());
    await display.goto(host.url);
    await use(display);
  },
  phone: async ({ browser }, use) => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
    await use(new PhonePage(await context.newPage()));
    await context.close();
  },
});

/**
 * Scan-to-pay tests whose host pays through the Demo gateway as its own process, so the test can read the
 * gateway's record and set its faults (`sim`). The gateway outlives the host (started first, stopped last).
 */
export const gatewayTest = payTest.extend<{ gateway: RunningGateway; sim: GatewaySim }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture dependencies from this pattern
  gateway: async ({}, use) => {
    const gateway = await startGatewayProcess();
    await use(gateway);
    await gateway.stop();
  },
  sim: async ({ gateway }, use) => {
    await use(new GatewaySim(gateway.apiUrl));
  },
  host: async ({ gateway }, use) => {
    const host = await startTestHost({ args: gatewayArgs(gateway) });
    await use(host);
    await host.stop();
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

/** Calls the host's API expecting a refusal; answers its error (code, message, params). */
export async function callApiError(
  baseUrl: string,
  method: string,
  input: unknown = {},
): Promise<{ code: string; message: string; params?: Record<string, string | number> }> {
  const res = await fetch(new URL(`/api/${method}`, baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { ok: boolean; error?: { code: string; message: string } };
  if (body.ok || !body.error) throw new Error(`${method} was expected to be refused but succeeded`);
  return body.error;
}
