// Scan to pay as a cashier and a customer see it: the QR on the customer display is read from the screen's
// pixels, opened on a "phone" (a browser context of its own) on the Demo gateway's pay page, and paid there.
import { parseMerchantQr } from '../shared/emv';
import { callApi, callApiError, DEMO, expect, payShot, payTest as test } from './fixtures';

test('scan items, QR pay, the customer pays on the phone: both screens say paid and history has it', async ({
  cashier,
  page,
  display,
  phone,
  host,
}, testInfo) => {
  await cashier.scanAndSee(DEMO.americano.barcode);
  await cashier.scanAndSee(DEMO.latte.barcode);
  await cashier.scanAndSee(DEMO.croissant.barcode);
  await expect(cashier.total()).toHaveText('¥52.00');

  // One press of the shortcut shown on the button: the wallet QR is made at once, no method list first.
  await expect(page.getByTestId('qr-pay-button')).toContainText('F10');
  await page.keyboard.press('F10');
  await cashier.startQr();
  await expect(cashier.payDialog().getByTestId('demo-badge')).toHaveText('DEMO – no money moved');
  // The other ways stay one button away: the customer's code; no bank QR in a shop that has none set up.
  await expect(page.getByTestId('pay-other-payment_code')).toBeVisible();
  await expect(page.getByTestId('pay-other-bank_qr')).toHaveCount(0);
  await expect(cashier.payDialog().getByTestId('pay-amount')).toHaveText('¥52.00');
  await expect(page.getByTestId('pay-countdown')).toBeVisible();
  await expect(page.getByTestId('cart-locked')).toBeVisible();
  await payShot(page, '1-cashier-waiting', testInfo);

  // The customer display: the QR for exactly this order, its number, and the demo warning.
  await expect(display.payment()).toHaveAttribute('data-status', 'pending');
  await expect(display.page.getByTestId('pay-amount')).toHaveText('¥52.00');
  await expect(display.page.getByTestId('demo-badge')).toHaveText('DEMO – no money moved');
  const number = await display.orderNumber();
  const url = await display.scanQr();
  await payShot(display.page, '2-customer-display-qr', testInfo);
  expect(host.payUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(url.startsWith(`${host.payUrl}/pay/`)).toBe(true);

  // The phone opens the link from the picture and sees what it is about to pay.
  expect(await phone.open(url)).toBe(200);
  await expect(phone.banner()).toHaveText('DEMO – no money moved');
  await expect(phone.page.locator('main')).toContainText('¥52.00');
  await expect(phone.page.locator('main')).toContainText(number);
  await payShot(phone.page, '3-phone-pay-page', testInfo);
  await phone.pay();
  await payShot(phone.page, '4-phone-paid', testInfo);

  // Nobody at the till pressed anything: the provider's word is enough.
  await expect(page.getByTestId('pay-paid')).toBeVisible();
  await expect(cashier.payDialog()).toHaveAttribute('data-status', 'paid');
  await expect(page.getByTestId('pay-order-number')).toHaveAttribute('data-number', number);
  await expect(page.getByTestId('pay-paid-amount')).toHaveText('¥52.00');
  await expect(display.page.getByTestId('customer-display')).toHaveAttribute('data-phase', 'thanks');
  await expect(display.page.getByTestId('display-methods')).toHaveAttribute('data-methods', 'qr');
  await expect(display.page.getByTestId('customer-display')).toContainText('Thank you');
  await payShot(page, '5-cashier-paid', testInfo);
  await payShot(display.page, '6-customer-display-thanks', testInfo);

  await page.getByTestId('new-sale').click();
  await expect(page.getByTestId('cart-empty')).toBeVisible();
  await expect(page.getByTestId('cart-locked')).toBeHidden();

  const order = await cashier.openHistoryOrder(number);
  await expect(order.getByTestId('history-method')).toHaveAttribute('data-methods', 'qr');
  await expect(order.getByTestId('history-total')).toHaveText('¥52.00');
  await expect(order.getByTestId('history-line')).toHaveCount(3);
  const payment = order.getByTestId('history-payment');
  await expect(payment).toHaveCount(1);
  await expect(payment).toHaveAttribute('data-method', 'qr');
  await expect(payment).toHaveAttribute('data-status', 'paid');
  await expect(payment.getByTestId('history-payment-status')).toHaveText('Paid');
  await expect(payment.getByTestId('history-payment-amount')).toHaveText('¥52.00');
  await payShot(page, '7-history', testInfo);

  // The paid link cannot be used again.
  expect(await phone.open(url)).toBeGreaterThanOrEqual(400);
});

test('the customer declines: the cashier sees it failed, retries with a new QR, then takes cash', async ({
  cashier,
  page,
  display,
  phone,
}) => {
  await cashier.scanAndSee(DEMO.latte.barcode);
  await cashier.openQrPay();
  await cashier.startQr();
  const first = await display.scanQr();
  expect(await phone.open(first)).toBe(200);
  await phone.decline();

  await expect(cashier.payDialog()).toHaveAttribute('data-status', 'failed');
  await expect(page.getByTestId('pay-status-text')).toContainText('Failed');
  await expect(page.getByTestId('pay-fail-reason')).toContainText(/declined/i);
  await expect(page.getByTestId('cart-locked')).toBeHidden();
  await expect(display.page.getByTestId('pay-qr')).toHaveCount(0);

  // One click retries with a new trade: a different QR on the display.
  await page.getByTestId('pay-retry').click();
  await expect(cashier.payDialog()).toHaveAttribute('data-status', 'pending');
  const second = await display.scanQr();
  expect(second).not.toBe(first);
  // The declined link stays refused.
  expect(await phone.open(first)).toBeGreaterThanOrEqual(400);

  await phone.open(second);
  await phone.decline();
  await expect(cashier.payDialog()).toHaveAttribute('data-status', 'failed');
  await page.getByTestId('pay-take-cash').click();
  await expect(page.getByTestId('cash-total')).toHaveText('¥22.00');
  await page.getByTestId('tendered-input').fill('50');
  await page.getByTestId('cash-confirm').click();
  await expect(page.getByTestId('sale-done').getByTestId('change-due')).toHaveText('¥28.00');
});

test('the QR expires (10 s): the dialog says so, the display drops the QR, the cart unlocks', async ({
  cashier,
  page,
  display,
  phone,
  host,
}) => {
  // 10 s of QR life on a loaded machine.
  test.setTimeout(45_000);
  await callApi(host.url, 'settings.update', { payExpirySeconds: 10 });
  await cashier.scanAndSee(DEMO.croissant.barcode);
  await cashier.openQrPay();
  await cashier.startQr();
  const url = await display.scanQr();
  await expect(page.getByTestId('pay-countdown')).toContainText(/0:(0\d|10)/);

  await expect(cashier.payDialog()).toHaveAttribute('data-status', 'expired', { timeout: 20_000 });
  await expect(page.getByTestId('pay-status-text')).toContainText('Expired');
  await expect(page.getByTestId('cart-locked')).toBeHidden();
  await expect(display.page.getByTestId('pay-qr')).toHaveCount(0);
  // The link in the old QR no longer pays.
  expect(await phone.open(url)).toBeGreaterThanOrEqual(400);
  await expect(phone.page.getByRole('button', { name: 'Pay', exact: true })).toHaveCount(0);

  // The unlocked cart can change and be sold another way.
  await page.getByTestId('modal-close').click();
  await cashier.scanAndSee(DEMO.croissant.barcode, 2);
  await cashier.payCash('24');
});

test('cancel from the cashier: cancelled, the cart unlocks, the old phone link refuses to pay', async ({
  cashier,
  page,
  display,
  phone,
}) => {
  await cashier.scanAndSee(DEMO.americano.barcode);
  await cashier.openQrPay();
  await cashier.startQr();
  const url = await display.scanQr();

  await page.getByTestId('pay-cancel').click();
  await expect(cashier.payDialog()).toHaveAttribute('data-status', 'cancelled');
  await expect(page.getByTestId('pay-status-text')).toHaveText('Cancelled');
  await expect(page.getByTestId('cart-locked')).toBeHidden();
  await expect(display.page.getByTestId('pay-qr')).toHaveCount(0);

  const status = await phone.open(url);
  expect(status).toBeGreaterThanOrEqual(400);
  expect(status).toBeLessThan(500);
  await expect(phone.heading()).toHaveText('Cannot pay');
  await expect(phone.page.getByRole('button', { name: 'Pay', exact: true })).toHaveCount(0);

  await page.getByTestId('modal-close').click();
  await cashier.scanAndSee(DEMO.latte.barcode);
  await expect(cashier.total()).toHaveText('¥40.00');
});

test('split tender: ¥10 cash, then a QR for exactly the rest; history has both payments', async ({
  cashier,
  page,
  display,
  phone,
}) => {
  await cashier.scanAndSee(DEMO.americano.barcode);
  await cashier.scanAndSee(DEMO.latte.barcode);
  await expect(cashier.total()).toHaveText('¥40.00');

  await page.getByTestId('cash-button').click();
  await page.getByTestId('tendered-input').fill('10');
  await page.getByTestId('cash-part').click();
  await expect(page.getByTestId('cash-paid')).toHaveText('¥10.00');
  await expect(page.getByTestId('cash-total')).toHaveText('¥30.00');
  await expect(page.getByTestId('cart-paid')).toHaveText('¥10.00');
  await expect(page.getByTestId('cart-due')).toHaveText('¥30.00');
  await expect(page.getByTestId('cart-locked')).toBeVisible();

  await page.getByTestId('cash-qr-rest').click();
  await cashier.startQr();
  await expect(cashier.payDialog().getByTestId('pay-amount')).toHaveText('¥30.00');
  await expect(display.page.getByTestId('pay-amount')).toHaveText('¥30.00');
  const number = await display.orderNumber();
  const url = await display.scanQr();
  await phone.open(url);
  await expect(phone.page.locator('main')).toContainText('¥30.00');
  await phone.pay();

  await expect(page.getByTestId('pay-paid')).toBeVisible();
  await expect(page.getByTestId('pay-paid-amount')).toHaveText('¥30.00');
  await expect(display.page.getByTestId('display-methods')).toHaveAttribute('data-methods', /cash/);
  await page.getByTestId('new-sale').click();
  await expect(page.getByTestId('cart-empty')).toBeVisible();

  const order = await cashier.openHistoryOrder(number);
  await expect(order.getByTestId('history-total')).toHaveText('¥40.00');
  await expect(order.getByTestId('history-method')).toHaveAttribute('data-methods', 'cash qr');
  const payments = order.getByTestId('history-payment');
  await expect(payments).toHaveCount(2);
  const cash = order.locator('[data-testid="history-payment"][data-method="cash"]');
  const qr = order.locator('[data-testid="history-payment"][data-method="qr"]');
  await expect(cash).toHaveAttribute('data-status', 'paid');
  await expect(cash.getByTestId('history-payment-amount')).toHaveText('¥10.00');
  await expect(qr).toHaveAttribute('data-status', 'paid');
  await expect(qr.getByTestId('history-payment-amount')).toHaveText('¥30.00');
});

test('adding a line while the QR shows is refused, on screen and through the API', async ({
  cashier,
  page,
  display,
  host,
}) => {
  await cashier.scanAndSee(DEMO.americano.barcode);
  await cashier.openQrPay();
  await cashier.startQr();
  await expect(display.page.getByTestId('pay-qr')).toBeVisible();

  await cashier.scan(DEMO.latte.barcode);
  await expect(page.getByTestId('toast')).toContainText('locked');
  await expect(cashier.lines()).toHaveCount(1);
  await expect(cashier.total()).toHaveText('¥18.00');
  await expect(cashier.payDialog()).toHaveAttribute('data-status', 'pending');

  // The till refuses too, whoever asks: the QR's amount cannot drift from the cart's.
  expect((await callApiError(host.url, 'cart.scan', { barcode: DEMO.latte.barcode })).code).toBe('CART_LOCKED');
  const cart = await callApi<{ lines: unknown[]; totalMinor: number }>(host.url, 'cart.get');
  expect(cart.lines).toHaveLength(1);
  expect(cart.totalMinor).toBe(1800);
  await expect(display.page.getByTestId('pay-amount')).toHaveText('¥18.00');
});

test('a bank QR (PromptPay) carries the amount and reference; the cashier confirms it by hand', async ({
  cashier,
  page,
  display,
  host,
}, testInfo) => {
  // The shop sets up its own bank QR in Settings; PromptPay pays in baht.
  await callApi(host.url, 'settings.update', { currency: 'THB' });
  await page.getByTestId('settings-button').click();
  await page.getByTestId('settings-bank-enabled').check();
  await page.getByTestId('settings-bank-scheme').selectOption('promptpay');
  await page.getByTestId('settings-bank-account').fill('0812345678');
  await page.getByTestId('settings-bank-merchantName').fill('Tillpoint Demo Cafe');
  await page.getByTestId('settings-bank-merchantCity').fill('Bangkok');
  await page.getByTestId('settings-pay-save').click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Settings saved' })).toBeVisible();
  await page.getByTestId('modal-close').click();

  await cashier.scanAndSee(DEMO.latte.barcode);
  await cashier.openQrPay();
  // The Demo wallet QR shows first; the bank QR is one button away.
  await cashier.otherWay('bank_qr');
  await expect(cashier.payDialog()).toHaveAttribute('data-method', 'bank_qr');
  // No provider confirms a bank QR: the cashier is told to look at the shop's own bank app.
  await expect(page.getByTestId('pay-bank-prompt')).toContainText('22.00');
  await payShot(page, 'bank-cashier-prompt', testInfo);

  // What a bank app reads off the customer display: PromptPay to this phone, this amount, this reference.
  const payload = await display.scanQr();
  await payShot(display.page, 'bank-customer-display', testInfo);
  const parsed = parseMerchantQr(payload);
  if (!parsed.ok) throw new Error(parsed.reason);
  const { payment } = await callApi<{ payment: { tradeNumber: string } }>(host.url, 'pay.current');
  expect(parsed.tags['01']).toBe('12'); // dynamic: for this payment only
  expect(parsed.tags['29']).toMatchObject({ '00': 'A000000677010111', '01': '0066812345678' });
  expect(parsed.tags['53']).toBe('764');
  expect(parsed.tags['54']).toBe('22.00');
  // The reference (62/05) the shop finds on its bank statement: the trade number's last 25 letters/digits.
  expect(parsed.tags['62']).toEqual({ '05': payment.tradeNumber.replace(/[^0-9A-Za-z]/g, '').slice(-25) });

  // Confirming takes two steps, so a stray click never records money that did not arrive.
  await page.getByTestId('pay-confirm-received').click();
  await page.getByTestId('pay-confirm-received-yes').click();
  await expect(page.getByTestId('pay-paid')).toBeVisible();
  await expect(page.getByTestId('pay-paid')).toContainText(/confirmed by hand/i);
  const number = await page.getByTestId('pay-order-number').getAttribute('data-number');
  await page.getByTestId('new-sale').click();
  const order = await cashier.openHistoryOrder(number!);
  // The Demo wallet QR that showed first was cancelled when the cashier chose the bank QR.
  await expect(order.locator('[data-testid="history-payment"][data-method="qr"]')).toHaveAttribute(
    'data-status',
    'cancelled',
  );
  await expect(order.locator('[data-testid="history-payment"][data-method="bank_qr"]')).toHaveAttribute(
    'data-status',
    'paid',
  );
  await expect(order.getByTestId('history-by-hand')).toBeVisible();
});
