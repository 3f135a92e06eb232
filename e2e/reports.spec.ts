// The owners' reports on a phone, as issue #11 names it: after a cash sale, a QR sale on the Demo gateway and a
// refund, the owner opens /reports at 390×844 and sees totals equal to the sales, the four charts drawn, CSV files
// whose amount columns sum to the report's figures, and a page no wider than the phone.
import { readFileSync } from 'node:fs';
import type { Download, Page, TestInfo } from '@playwright/test';
import Papa from 'papaparse';
import { callApi, DEMO, expect, PhonePage, payShot, test } from './fixtures';
import { E2E_OWNER_PIN } from './host';

const CASHIER = { name: '小李', pin: '1357' };

test.use({ viewport: { width: 390, height: 844 } });

interface Line {
  id: number;
  barcode: string;
}
interface PayView {
  payment: { id: number; status: string; qrContent: string | null } | null;
}

/** The downloaded CSV's column, in major units, summed in minor units (no float drift). */
function columnSumMinor(download: string, column: string): number {
  const text = readFileSync(download, 'utf8');
  expect(text.startsWith('\uFEFF')).toBe(true);
  const rows = Papa.parse<Record<string, string>>(text.slice(1), { header: true, skipEmptyLines: true }).data;
  expect(rows.length).toBeGreaterThan(0);
  return rows.reduce((sum, r) => {
    const m = /^(-?)(\d+)\.(\d{2})$/.exec(r[column] ?? '');
    if (!m) throw new Error(`${column}: not an amount: ${JSON.stringify(r[column])}`);
    return sum + (m[1] ? -1 : 1) * (Number(m[2]) * 100 + Number(m[3]));
  }, 0);
}

async function csv(page: Page, kind: 'orders' | 'payments'): Promise<string> {
  const [download]: [Download, unknown] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('report-csv').getByTestId(`csv-${kind}`).click(),
  ]);
  return (await download.path())!;
}

/** Pictures for the lead: the phone's first screen, and the whole page as one tall picture. */
async function phoneShots(page: Page, name: string, testInfo: TestInfo): Promise<void> {
  const scroller = page.getByTestId('reports-page');
  await scroller.evaluate((el) => el.scrollTo(0, 0));
  await payShot(page, `${name}-top`, testInfo);
  const height = await scroller.evaluate((el) => el.scrollHeight);
  await page.setViewportSize({ width: 390, height });
  await payShot(page, `${name}-all`, testInfo);
  await page.setViewportSize({ width: 390, height: 844 });
}

/** Sums "¥12.00"-style texts in minor units. */
function sumMoneyTexts(texts: string[]): number {
  return texts.reduce((sum, s) => sum + Math.round(Number(s.replace(/[^\d.-]/g, '')) * 100), 0);
}

test('the owner reads the day on a phone: totals, charts, CSV, no wider than the phone', async ({
  page,
  host,
  browser,
}, testInfo) => {
  test.setTimeout(90_000);
  // A cash sale: Americano ¥18 + Croissant ¥12 = ¥30, paid with ¥50.
  await callApi(host.url, 'cart.scan', { barcode: DEMO.americano.barcode });
  await callApi(host.url, 'cart.scan', { barcode: DEMO.croissant.barcode });
  const cash = await callApi<{ order: { id: number; lines: Line[] }; changeMinor: number }>(host.url, 'checkout.cash', {
    tenderedMinor: 5000,
  });
  expect(cash.changeMinor).toBe(2000);

  // A QR sale: Caffè Latte ¥22, paid on the customer's phone (the Demo gateway's pay page).
  await callApi(host.url, 'cart.scan', { barcode: DEMO.latte.barcode });
  await callApi(host.url, 'pay.start', { method: 'qr' });
  let qr: string | null = null;
  await expect
    .poll(async () => {
      qr = (await callApi<PayView>(host.url, 'pay.current')).payment?.qrContent ?? null;
      return qr;
    })
    .not.toBeNull();
  const phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
  const phone = new PhonePage(await phoneContext.newPage());
  expect(await phone.open(qr!)).toBe(200);
  await phone.pay();
  await phoneContext.close();
  await expect.poll(async () => (await callApi<PayView>(host.url, 'pay.current')).payment?.status).toBe('paid');

  // The owner watches refunds over ¥10 (risk alerts; the default is ¥200). A refund of the croissant, from the
  // drawer: ¥12, over it.
  const { riskRules } = await callApi<{ riskRules: Record<string, unknown> }>(host.url, 'settings.get');
  await callApi(host.url, 'settings.update', { riskRules: { ...riskRules, refundOverMinor: 1000 } });
  const croissant = cash.order.lines.find((l) => l.barcode === DEMO.croissant.barcode)!;
  await callApi(host.url, 'refund.make', { orderId: cash.order.id, lines: [{ lineId: croissant.id, quantity: 1 }] });

  // The lock screen says there is an alert, and nothing of what it is.
  await page.goto(host.url);
  await callApi(host.url, 'staff.lock');
  await expect(page.getByTestId('lock-alerts')).toHaveAttribute('data-count', '1');
  await expect(page.getByTestId('lock-alerts')).not.toContainText('12');
  await callApi(host.url, 'staff.unlock', { pin: E2E_OWNER_PIN });

  // The owner opens the reports from the till's header (the till is laid out for a wide screen) …
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(host.url);
  await page.getByTestId('reports-button').click();
  await expect(page).toHaveURL(/\/reports$/);
  // … and reads them on the phone.
  await page.setViewportSize({ width: 390, height: 844 });

  // Today's figures are the sales: sales 30 + 22 = 52, refunds 12, net 40, 2 orders, average ticket 26.
  await expect(page.getByTestId('fig-net')).toHaveText('¥40.00');
  await expect(page.getByTestId('fig-sales')).toHaveText('¥52.00');
  await expect(page.getByTestId('fig-gross')).toHaveText('¥52.00');
  await expect(page.getByTestId('fig-discounts')).toHaveText('¥0.00');
  await expect(page.getByTestId('fig-refunds')).toHaveText('¥12.00');
  await expect(page.getByTestId('fig-orders')).toHaveText('2');
  await expect(page.getByTestId('fig-average')).toHaveText('¥26.00');
  await expect(page.getByTestId('report-open-days')).toBeVisible();
  // Per method, cash net of change: 30 in, 12 out; the wallet 22.
  const cashRow = page.locator('[data-testid="method-row"][data-key="cash"]');
  await expect(cashRow.getByTestId('method-received')).toHaveText('¥30.00');
  await expect(cashRow.getByTestId('method-refunded')).toHaveText('¥12.00');
  await expect(cashRow.getByTestId('method-net')).toHaveText('¥18.00');
  const walletRow = page.locator('[data-testid="method-row"]:not([data-key="cash"])');
  await expect(walletRow).toHaveCount(1);
  await expect(walletRow.getByTestId('method-net')).toHaveText('¥22.00');
  // Per product and per hour, the same sales.
  const product = (barcode: string) =>
    page.locator(`[data-testid="product-row"][data-barcode="${barcode}"]`).getByTestId('product-sales');
  await expect(product(DEMO.americano.barcode)).toHaveText('¥18.00');
  await expect(product(DEMO.latte.barcode)).toHaveText('¥22.00');
  expect(sumMoneyTexts(await page.getByTestId('hour-sales').allTextContents())).toBe(5200);
  await expect(page.getByTestId('cashier-row')).toHaveCount(1);
  await expect(page.getByTestId('cashier-row')).toContainText('¥52.00');

  // The alert, in words, with the journal entries behind it.
  const alert = page.getByTestId('report-alerts').locator('[data-testid="alert"][data-rule="refund_over"]');
  await expect(alert).toHaveCount(1);
  await expect(alert.getByTestId('alert-text')).toContainText('¥12.00');
  // It opens its order with the journal, the refund entry behind the alert marked.
  await alert.getByTestId('alert-trail').click();
  const trail = page.getByTestId('trail-dialog');
  await expect(trail.getByTestId('trail-order')).toContainText('¥30.00');
  const marked = trail.locator('[data-testid="trail-entry"].is-marked');
  await expect(marked).toHaveCount(1);
  await expect(marked).toContainText('Refund made');
  await payShot(page, 'reports-trail', testInfo);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await trail.getByTestId('modal-close').click();
  await expect(trail).toHaveCount(0);

  // The four charts are drawn (SVG with shapes inside).
  for (const chart of ['chart-hours', 'chart-trend', 'chart-methods', 'chart-products']) {
    await expect(page.getByTestId(chart).locator('svg path').first()).toBeAttached();
  }

  // The page is no wider than the phone.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await phoneShots(page, 'reports-en', testInfo);

  // The accountant's CSV for the range: the orders' totals are the sales, the payments' amounts what came in,
  // their refunded column the refunds.
  expect(columnSumMinor(await csv(page, 'orders'), '合计 total')).toBe(5200);
  const payments = await csv(page, 'payments');
  expect(columnSumMinor(payments, '金额 amount')).toBe(5200);
  expect(columnSumMinor(payments, '已退 refunded')).toBe(1200);

  // In Chinese, the same figures and still no wider than the phone.
  await callApi(host.url, 'settings.update', { language: 'zh-CN' });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('报表');
  await expect(page.getByTestId('fig-net')).toHaveText('¥40.00');
  await expect(page.getByTestId('chart-methods').locator('svg path').first()).toBeAttached();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await phoneShots(page, 'reports-zh', testInfo);

  // Print: the till's printable page (its charts drawn on the server) goes to a hidden frame that prints.
  await page.getByTestId('report-print').click();
  await expect(page.locator('#report-print-frame')).toHaveAttribute('srcdoc', /<svg/);

  // Today's report follows the till: another sale there (¥18) shows here without asking.
  await callApi(host.url, 'cart.scan', { barcode: DEMO.americano.barcode });
  await callApi(host.url, 'checkout.cash', { tenderedMinor: 1800 });
  await expect(page.getByTestId('fig-net')).toHaveText('¥58.00');
  await expect(page.getByTestId('fig-orders')).toHaveText('3');

  // Back to the till.
  await page.getByTestId('reports-back').click();
  await expect(page.getByTestId('cart-lines')).toBeVisible();

  // A cashier who opens the reports (at the till's own screen) is asked for the owner's PIN first.
  await page.setViewportSize({ width: 1280, height: 800 });
  await callApi(host.url, 'staff.save', CASHIER);
  await callApi(host.url, 'staff.unlock', { pin: CASHIER.pin });
  await expect(page.getByTestId('signed-in-name')).toHaveText(CASHIER.name);
  await page.getByTestId('reports-button').click();
  const approval = page.getByTestId('approval-prompt');
  await expect(approval).toHaveAttribute('data-action', 'reports');
  await expect(page.getByTestId('fig-net')).toHaveCount(0);
  await approval.getByTestId('approval-pin').fill(E2E_OWNER_PIN);
  await approval.getByTestId('approval-submit').click();
  await expect(page.getByTestId('fig-net')).toHaveText('¥58.00');
});
