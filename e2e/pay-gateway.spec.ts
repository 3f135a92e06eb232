// Scan to pay against the Demo gateway as its own process: the tests read the gateway's own record and
// set its faults (late payments, a customer still confirming a payment code), or stop it altogether.
import {
  CashierPage,
  callApi,
  callApiError,
  DEMO,
  expect,
  gatewayArgs,
  gatewayTest,
  startTestHost,
  test,
} from './fixtures';
import { startGatewayProcess } from './host';

/** A WeChat-like payment code whose "customer" confirms in the wallet first, then pays (codes.ts). */
const CODE = '130000000000001111';
const MASKED = '1300**********1111';

gatewayTest(
  'a payment after the QR expired lands on the attention list; a refund gives it all back',
  async ({ cashier, page, display, phone, host, gateway, sim }) => {
    // 10 s of QR life, then the late payment and the refund.
    gatewayTest.setTimeout(45_000);
    await sim.faults({ payAfterClose: true });
    await callApi(host.url, 'settings.update', { payExpirySeconds: 10 });
    await cashier.scanAndSee(DEMO.latte.barcode);
    await cashier.openQrPay();
    await cashier.startQr();
    const url = await display.scanQr();
    expect(url.startsWith(`${gateway.payUrl}/pay/`)).toBe(true);

    await expect(cashier.payDialog()).toHaveAttribute('data-status', 'expired', { timeout: 20_000 });
    const [trade] = await sim.trades();
    expect(trade).toMatchObject({ status: 'closed', paidCount: 0, amountMinor: 2200 });
    await expect(page.getByTestId('attention-button')).toHaveAttribute('data-count', '0');

    // The customer's phone still had the page open: the money arrives after the attempt ended, while the
    // cashier still looks at "expired".
    expect(await phone.open(url)).toBe(200);
    await phone.pay();
    await expect(page.getByTestId('attention-count')).toHaveText('1');
    // Not applied silently: the order is still open and owes the full amount, and checkout must not say
    // "Paid" (a cashier would hand the goods over).
    await expect(cashier.lines()).toHaveCount(1);
    await expect(page.getByTestId('pay-late')).toBeVisible();
    await expect(page.getByTestId('pay-late')).toContainText('The sale is NOT complete');
    await expect(page.getByTestId('pay-paid')).toHaveCount(0);
    await page.getByTestId('modal-close').click();
    await expect(page.getByTestId('cash-button')).toBeEnabled();

    await page.getByTestId('attention-button').click();
    const item = page.getByTestId('attention-item');
    await expect(item).toHaveCount(1);
    await expect(item).toHaveAttribute('data-reason', 'late_payment');
    await expect(item).toHaveAttribute('data-status', 'paid');
    await expect(item.getByTestId('attention-reason')).toHaveText('Paid after the QR was cancelled or expired');
    await expect(item.getByTestId('attention-amount')).toHaveText('¥22.00');
    await item.getByTestId('attention-refund').click();
    await item.getByTestId('attention-refund-confirm').click();
    await expect(page.getByTestId('attention-empty')).toBeVisible();
    await expect(page.getByTestId('attention-button')).toHaveAttribute('data-count', '0');

    const after = await sim.trade(trade.tradeNumber);
    expect(after.paidCount).toBe(1);
    expect(after.refundedMinor).toBe(2200);
    expect(after.status).toBe('refunded');
  },
);

gatewayTest(
  'a QR paid after the cashier cancelled it: not a finished sale until applied to its order',
  async ({ cashier, page, display, phone, sim }) => {
    await sim.faults({ payAfterClose: true });
    await cashier.scanAndSee(DEMO.americano.barcode);
    await cashier.openQrPay();
    await cashier.startQr();
    const number = await display.orderNumber();
    const url = await display.scanQr();
    await page.getByTestId('pay-cancel').click();
    await expect(cashier.payDialog()).toHaveAttribute('data-status', 'cancelled');
    await page.getByTestId('modal-close').click();

    await phone.open(url);
    await phone.pay();
    await expect(page.getByTestId('attention-count')).toHaveText('1');
    await expect(cashier.lines()).toHaveCount(1);
    // The cashier is told it did not complete the sale, never that it did.
    await expect(page.getByTestId('toast').filter({ hasText: 'did not complete the sale' })).toBeVisible();
    await expect(page.getByTestId('toast').filter({ hasText: 'sale is complete' })).toHaveCount(0);

    // The cashier decides: the money is for this very order, which still owes exactly that.
    await page.getByTestId('attention-button').click();
    const item = page.getByTestId('attention-item');
    await expect(item).toHaveAttribute('data-reason', 'late_payment');
    await item.getByTestId('attention-apply').click();
    await expect(page.getByTestId('attention-empty')).toBeVisible();
    await page.getByTestId('modal-close').click();
    await expect(page.getByTestId('cart-empty')).toBeVisible();
    await expect(display.page.getByTestId('display-methods')).toHaveAttribute('data-methods', 'qr');

    const order = await cashier.openHistoryOrder(number);
    const payment = order.getByTestId('history-payment');
    await expect(payment).toHaveCount(1);
    await expect(payment).toHaveAttribute('data-status', 'paid');
    expect((await sim.trades())[0]).toMatchObject({ paidCount: 1, refundedMinor: 0 });
  },
);

gatewayTest(
  'a payment code: "confirming in the wallet" with the code masked, then paid; never shown in full',
  async ({ cashier, page, display, sim }) => {
    // The till asks every 3 s while the customer confirms: two queries, then paid.
    gatewayTest.setTimeout(45_000);
    await sim.faults({ userPayingQueries: 1 });
    await cashier.scanAndSee(DEMO.americano.barcode);
    await cashier.scanAndSee(DEMO.croissant.barcode);
    await cashier.openQrPay();
    // The wallet QR showed at once; the cashier asks for the customer's code instead (one button).
    await cashier.otherWay('payment_code');
    await expect(page.getByTestId('pay-scan-prompt')).toBeVisible();
    // The customer display asks the customer to show their code.
    await expect(display.page.getByTestId('display-prompt')).toHaveText(
      'Please show the payment code in your wallet app to the cashier',
    );

    // The customer shows the code in their wallet; the scanner types it as a fast burst ending in Enter.
    await cashier.scan(CODE);
    await expect(cashier.payDialog()).toHaveAttribute('data-method', 'payment_code');
    await expect(page.getByTestId('pay-status-text')).toHaveText('Customer is confirming in their wallet…');
    await expect(page.getByTestId('pay-masked-code')).toContainText(MASKED);
    await expect(display.payment()).toHaveAttribute('data-method', 'payment_code');
    await expect(display.page.getByTestId('display-pay-note')).toHaveText('Please confirm the payment in your wallet');

    await expect(page.getByTestId('pay-paid')).toBeVisible({ timeout: 15_000 });
    await expect(page.getByTestId('pay-paid-amount')).toHaveText('¥30.00');
    await expect(page.getByTestId('pay-paid')).toContainText(MASKED);
    const number = await page.getByTestId('pay-order-number').getAttribute('data-number');
    expect(number).toMatch(/^\d+$/);
    await expect(display.page.getByTestId('display-methods')).toHaveAttribute('data-methods', 'payment_code');
    expect(await page.content()).not.toContain(CODE);
    expect(await display.page.content()).not.toContain(CODE);

    await page.getByTestId('new-sale').click();
    await expect(page.getByTestId('cart-empty')).toBeVisible();
    const order = await cashier.openHistoryOrder(number!);
    // The wallet QR that showed first (cancelled when the cashier asked for the code), then the code, paid.
    await expect(order.getByTestId('history-payment')).toHaveCount(2);
    await expect(order.locator('[data-testid="history-payment"][data-method="qr"]')).toHaveAttribute(
      'data-status',
      'cancelled',
    );
    const payment = order.locator('[data-testid="history-payment"][data-method="payment_code"]');
    await expect(payment).toHaveAttribute('data-status', 'paid');
    await expect(payment.getByTestId('history-masked-code')).toHaveText(MASKED);
    expect(await page.content()).not.toContain(CODE);

    // At the gateway: the QR closed unpaid, the code paid once.
    const trades = await sim.trades();
    expect(trades.map((t) => [t.kind, t.status, t.paidCount])).toEqual([
      ['qr', 'closed', 0],
      ['code', 'paid', 1],
    ]);
    expect(trades[1]).toMatchObject({ amountMinor: 3000 });
  },
);

gatewayTest(
  'an amount over the QR limit is refused before any trade exists at the gateway',
  async ({ cashier, page, host, sim }) => {
    const settings = await callApi<{ payLimits: Record<string, number> }>(host.url, 'settings.get');
    await callApi(host.url, 'settings.update', { payLimits: { ...settings.payLimits, qr: 1000 } });
    await cashier.scanAndSee(DEMO.americano.barcode);
    await cashier.openQrPay();

    const qr = page.getByTestId('pay-method-qr');
    await expect(qr).toBeDisabled();
    await expect(qr).toHaveAttribute('data-reason', 'over_limit');
    await expect(page.getByTestId('pay-max-qr')).toHaveText('up to ¥10.00');
    await expect(page.getByTestId('pay-reason-qr')).toHaveText('Over the ¥10.00 limit for this method');
    // Other methods keep their own limits.
    await expect(page.getByTestId('pay-method-payment_code')).toBeEnabled();

    const refusal = await callApiError(host.url, 'pay.start', { method: 'qr' });
    expect(refusal.code).toBe('AMOUNT_OVER_LIMIT');
    expect(await sim.trades()).toEqual([]);
    const view = await callApi<{ payment: unknown; cart: { locked: boolean } }>(host.url, 'pay.current');
    expect(view.payment).toBeNull();
    expect(view.cart.locked).toBe(false);

    await page.getByTestId('pay-take-cash').click();
    await page.getByTestId('tendered-input').fill('20');
    await page.getByTestId('cash-confirm').click();
    await expect(page.getByTestId('sale-done').getByTestId('change-due')).toHaveText('¥2.00');
  },
);

test('the gateway is down: QR pay says why it is unavailable, and cash still sells', async ({ page }) => {
  // A gateway that was there and is gone: its port now refuses connections.
  const gone = await startGatewayProcess();
  await gone.stop();
  const host = await startTestHost({ args: gatewayArgs(gone) });
  try {
    const cashier = new CashierPage(page, host.url);
    await cashier.goto();
    await cashier.scanAndSee(DEMO.americano.barcode);
    await cashier.openQrPay();

    const qr = page.getByTestId('pay-method-qr');
    await expect(qr).toBeDisabled();
    await expect(qr).toHaveAttribute('data-reason', 'unreachable');
    await expect(page.getByTestId('pay-reason-qr')).toHaveText('The payment provider cannot be reached');
    await expect(page.getByTestId('pay-method-payment_code')).toBeDisabled();
    expect((await callApiError(host.url, 'pay.start', { method: 'qr' })).code).toBe('PAYMENT_UNAVAILABLE');

    await page.getByTestId('pay-take-cash').click();
    await expect(page.getByTestId('cash-total')).toHaveText('¥18.00');
    await page.getByTestId('tendered-input').fill('20');
    await page.getByTestId('cash-confirm').click();
    await expect(page.getByTestId('sale-done').getByTestId('change-due')).toHaveText('¥2.00');
  } finally {
    await host.stop();
  }
});

test('the gateway comes back: QR pay is offered again by itself, without Check again', async ({ page }) => {
  const gateway = await startGatewayProcess();
  const port = Number(new URL(gateway.apiUrl).port);
  const host = await startTestHost({ args: gatewayArgs(gateway) });
  let back: Awaited<ReturnType<typeof startGatewayProcess>> | undefined;
  try {
    await gateway.stop();
    const cashier = new CashierPage(page, host.url);
    await cashier.goto();
    await cashier.scanAndSee(DEMO.americano.barcode);
    await cashier.openQrPay();
    await expect(page.getByTestId('pay-method-qr')).toHaveAttribute('data-reason', 'unreachable');

    // The same gateway (its state, so the till's pinned key) starts again on its port.
    back = await startGatewayProcess({ stateDir: gateway.stateDir, port });
    await expect(page.getByTestId('pay-method-qr')).toBeEnabled();
    await cashier.startQr();
    await expect(cashier.payDialog()).toHaveAttribute('data-status', 'pending');
  } finally {
    await host.stop();
    await back?.stop();
  }
});

gatewayTest(
  'a cancel the provider does not confirm: the QR leaves the display, the cashier may give up and take cash, and the close goes through later',
  async ({ cashier, page, display, sim }) => {
    gatewayTest.setTimeout(45_000);
    await cashier.scanAndSee(DEMO.latte.barcode);
    await cashier.openQrPay();
    await cashier.startQr();
    await display.scanQr();
    const [trade] = await sim.trades();

    // The provider takes the close and never answers it (the till gives up on that call after 5 s).
    await sim.faults({ dropNext: 1 });
    await page.getByTestId('pay-cancel').click();
    // Whatever the provider says meanwhile, the customer is no longer offered the QR.
    await expect(display.payment()).toHaveAttribute('data-status', 'closing');
    await expect(display.page.getByTestId('pay-qr')).toHaveCount(0);
    await expect(page.getByTestId('pay-cancel')).toBeHidden();

    // The cashier may stop waiting: the attempt goes to the attention list and the cart takes cash.
    await page.getByTestId('pay-abandon').click({ timeout: 15_000 });
    await page.getByTestId('pay-abandon-confirm').click();
    await expect(page.getByTestId('cash-total')).toHaveText('¥22.00');
    await page.getByTestId('tendered-input').fill('22');
    await page.getByTestId('cash-confirm').click();
    await expect(page.getByTestId('sale-done')).toBeVisible();
    await page.getByTestId('new-sale').click();

    // The till keeps closing the trade in the background; once the provider confirms, nothing needs attention.
    await expect.poll(async () => (await sim.trade(trade.tradeNumber)).status, { timeout: 20_000 }).toBe('closed');
    await expect(page.getByTestId('attention-button')).toHaveAttribute('data-count', '0');
    expect(await sim.trade(trade.tradeNumber)).toMatchObject({ paidCount: 0 });
  },
);
