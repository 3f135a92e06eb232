// A cashier's shift and the owner's day close, as issue #10 names it: a cashier opens a shift, sells in cash and by
// QR, refunds one line with the owner's approval, closes with a blind count that is short; the shift report's
// figures are exactly the sales; the owner makes the Z, whose number follows yesterday's; a second Z is refused.
import { readFileSync } from 'node:fs';
import { callApi, DEMO, expect, payShot, payTest, startTestHost } from './fixtures';
import { E2E_OWNER_PIN } from './host';

const CASHIER = { name: '小李', pin: '1357' };

/**
 * A time zone where it is late morning now (10:xx), so that a business day starting at 13:00 is still yesterday's
 * and one starting at 05:00 is today's: yesterday's Z can be made first without moving any clock.
 */
function lateMorningZone(): string {
  let offset = 10 - new Date().getUTCHours();
  if (offset > 12) offset -= 24;
  if (offset < -11) offset += 24;
  // POSIX zones count the other way: Etc/GMT-8 is UTC+8.
  return offset === 0 ? 'UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

const test = payTest.extend({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture dependencies from this pattern
  host: async ({}, use) => {
    const host = await startTestHost({ shift: false, env: { TZ: lateMorningZone() } });
    // Yesterday was closed: its Z (number 1) was made before today's day started.
    await callApi(host.url, 'settings.update', { businessDayStartHour: 13 });
    await callApi(host.url, 'z.make', { decisions: [] });
    await callApi(host.url, 'settings.update', { businessDayStartHour: 5 });
    // The owner added a cashier and locked the till.
    await callApi(host.url, 'staff.save', CASHIER);
    await callApi(host.url, 'staff.lock');
    await use(host);
    await host.stop();
  },
});

test('a cashier sells, refunds a line with the owner, closes the shift blind; the owner makes the Z', async ({
  page,
  cashier,
  display,
  phone,
}, testInfo) => {
  test.setTimeout(120_000);
  // The lock screen takes a PIN typed on the keyboard and Enter.
  await expect(page.getByTestId('lock-screen')).toBeVisible();
  await payShot(page, 'day-1-lock-screen', testInfo);
  await page.keyboard.type(CASHIER.pin);
  await expect(page.getByTestId('unlock-pin-dots')).toHaveAttribute('data-length', '4');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('lock-screen')).toBeHidden();
  await expect(page.getByTestId('signed-in-name')).toHaveText(CASHIER.name);

  // Selling needs an open shift: the float is counted first (one total, ¥200).
  await expect(page.getByTestId('open-shift')).toBeVisible();
  await page.getByTestId('open-shift-count-by-total').click();
  await page.getByTestId('open-shift-count-total').fill('200');
  await page.getByTestId('open-shift-count-submit').click();
  await expect(page.getByTestId('open-shift')).toBeHidden();

  // A cash sale: ¥30.00, paid with ¥50.00, ¥20.00 change.
  await cashier.scanAndSee(DEMO.americano.barcode);
  await cashier.scanAndSee(DEMO.croissant.barcode);
  await expect(cashier.total()).toHaveText('¥30.00');
  await cashier.payCash('50');
  await expect(page.getByTestId('sale-done').getByTestId('change-due')).toHaveText('¥20.00');
  const cashSale = (await page.getByTestId('order-number').textContent())?.match(/(\d+)\s*$/)?.[1];
  await cashier.newSale();

  // A QR sale: ¥22.00, paid on the customer's phone.
  await cashier.scanAndSee(DEMO.latte.barcode);
  await cashier.openQrPay();
  await cashier.startQr();
  expect(await phone.open(await display.scanQr())).toBe(200);
  await phone.pay();
  await expect(page.getByTestId('pay-paid')).toBeVisible();
  await page.getByTestId('new-sale').click();

  // Refund the croissant of the cash sale: a cashier needs the owner's PIN, typed on the spot.
  expect(cashSale).toBeTruthy();
  const order = await cashier.openHistoryOrder(cashSale!);
  await order.getByTestId('refund-order').click();
  const refund = page.getByTestId('refund-dialog');
  const croissant = refund.locator('[data-testid="refund-line"]', { hasText: DEMO.croissant.name });
  await croissant.getByTestId('refund-qty-more').click();
  await expect(refund.getByTestId('refund-total')).toContainText('¥12.00');
  await refund.getByTestId('refund-confirm').click();
  const approval = page.getByTestId('approval-prompt');
  await expect(approval).toBeVisible();
  await approval.getByTestId('approval-pin').fill(E2E_OWNER_PIN);
  await approval.getByTestId('approval-submit').click();
  await expect(refund.getByTestId('refund-result')).toHaveAttribute('data-status', 'done');
  await payShot(page, 'day-2-refund-done', testInfo);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');

  // Close the shift with a blind count: ¥215 counted; nothing says what was expected until it is in.
  await page.getByTestId('shift-button').click();
  await page.getByTestId('shift-close-start').click();
  const dialog = page.getByTestId('shift-dialog');
  await expect(dialog).toHaveAttribute('data-step', /^(checklist|count)$/);
  if ((await dialog.getAttribute('data-step')) === 'checklist') await page.getByTestId('checklist-continue').click();
  await expect(dialog).toHaveAttribute('data-step', 'count');
  await expect(page.getByTestId('shift-expected')).toHaveCount(0);
  await expect(dialog).not.toContainText('218.00');
  await page.getByTestId('close-count-by-total').click();
  await page.getByTestId('close-count-total').fill('215');
  await page.getByTestId('close-count-submit').click();

  // The report is the sales, exactly: cash 30 − 12 refunded; the wallet 22; expected 200 + 30 − 12 = 218.
  const report = page.getByTestId('shift-report');
  await expect(report).toBeVisible();
  const cash = report.getByTestId('shift-row-cash');
  await expect(cash.getByTestId('sales')).toHaveText('¥30.00');
  await expect(cash.getByTestId('refunds')).toHaveText('¥12.00');
  await expect(cash.getByTestId('net')).toHaveText('¥18.00');
  const wallet = report.getByTestId('shift-row-demo');
  await expect(wallet.getByTestId('sales')).toHaveText('¥22.00');
  await expect(wallet.getByTestId('refunds')).toHaveText('¥0.00');
  await expect(wallet.getByTestId('net')).toHaveText('¥22.00');
  const total = report.getByTestId('shift-row-total');
  await expect(total.getByTestId('sales')).toHaveText('¥52.00');
  await expect(total.getByTestId('net')).toHaveText('¥40.00');
  await expect(report.getByTestId('shift-float')).toHaveText('¥200.00');
  await expect(report.getByTestId('shift-expected')).toHaveText('¥218.00');
  await expect(report.getByTestId('shift-counted')).toHaveText('¥215.00');
  await expect(report.getByTestId('shift-difference')).toHaveText('-¥3.00');
  await payShot(page, 'day-3-shift-report', testInfo);
  await page.keyboard.press('Escape');

  // The owner takes over the till and closes the day.
  await page.getByTestId('lock-button').click();
  await expect(page.getByTestId('lock-screen')).toBeVisible();
  for (const digit of E2E_OWNER_PIN) await page.getByTestId(`pin-key-${digit}`).click();
  await page.getByTestId('unlock-pin-enter').click();
  await expect(page.getByTestId('signed-in-name')).toHaveText('Owner');

  await page.getByTestId('z-button').click();
  await page.getByTestId('make-z').click();
  const z = page.getByTestId('z-report');
  await expect(z).toBeVisible();
  // Yesterday's Z was 1: today's is 2.
  await expect(z.getByTestId('z-number')).toContainText('2');
  await expect(z.getByTestId('z-row-cash').getByTestId('z-received')).toHaveText('¥30.00');
  await expect(z.getByTestId('z-row-cash').getByTestId('z-refunded')).toHaveText('¥12.00');
  await expect(z.getByTestId('z-net')).toHaveText('¥40.00');
  await payShot(page, 'day-4-z-report', testInfo);

  // A second Z for the same business day is refused, with the reason.
  await page.getByTestId('z-back').click();
  await page.getByTestId('make-z').click();
  const refusal = page.locator('[data-testid="toast"][data-code="Z_ALREADY_MADE"]');
  await expect(refusal).toContainText('has its Z already: Z 2');

  // The accountant's CSV of the day's orders: Excel-ready, and its totals sum to the day's sales (¥52.00).
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv-orders').click()]);
  expect(download.suggestedFilename()).toMatch(/^tillpoint-T1-orders-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync((await download.path())!, 'utf8');
  expect(csv.startsWith('\uFEFF')).toBe(true);
  const [header, ...rows] = csv
    .trim()
    .split('\r\n')
    .map((line) => line.split(','));
  const totalColumn = header.indexOf('合计 total');
  expect(rows.map((r) => r[totalColumn])).toEqual(['30.00', '22.00']);
});
