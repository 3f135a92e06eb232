// Checkout through the cashier UI in a shop with one real wallet (Alipay or WeChat Pay, each its own shop),
// against its mock: the spec files wallet-alipay.spec.ts and wallet-wechat.spec.ts run these for their wallet.
// The customer "scans" the QR read off the display's pixels: the mock trade whose QR it is gets paid there.
// The shop PC gets no notification from a real wallet: every payment here is found by polling.
import { callApi, DEMO, expect } from './fixtures';
import { type Wallet, walletControl, walletTest as test } from './wallets';

/** A payment code each wallet's scanner prefix routes to it (Alipay 25–30, WeChat Pay 10–15; 18 digits). */
const CODES: Record<Wallet, { code: string; masked: string }> = {
  alipay: { code: '286012345678904321', masked: '2860**********4321' },
  wechat: { code: '134512345678901111', masked: '1345**********1111' },
};

export function walletScenarios(wallet: Wallet): void {
  test.use({ wallets: [wallet] });
  const { code, masked } = CODES[wallet];

  test(`${wallet}: a QR sale is paid by polling alone; the wallet was asked for exactly the amount due`, async ({
    cashier,
    page,
    display,
    shop,
  }) => {
    const w = walletControl(shop, wallet);
    await cashier.scanAndSee(DEMO.americano.barcode);
    await cashier.scanAndSee(DEMO.latte.barcode);
    await cashier.scanAndSee(DEMO.croissant.barcode);
    await expect(cashier.total()).toHaveText('¥52.00');

    await cashier.openQrPay();
    await cashier.startQr();
    await expect(cashier.payDialog().getByTestId('pay-amount')).toHaveText('¥52.00');
    // Real money: no demo warning anywhere.
    await expect(page.getByTestId('demo-badge')).toHaveCount(0);
    await expect(display.page.getByTestId('demo-badge')).toHaveCount(0);
    await expect(display.page.getByTestId('pay-amount')).toHaveText('¥52.00');
    const number = await display.orderNumber();

    const trade = w.tradeForQr(await display.scanQr());
    expect(trade).toMatchObject({ kind: 'qr', state: 'waiting', askedFen: 5200 });
    // Nobody will call the shop PC back: no loopback address was handed to the wallet.
    expect(trade.notifyUrl ?? '').not.toMatch(/127\.0\.0\.1|localhost/);

    w.customerPays(trade.tradeNumber);
    await expect(page.getByTestId('pay-paid')).toBeVisible();
    await expect(page.getByTestId('pay-paid-amount')).toHaveText('¥52.00');
    await expect(page.getByTestId('pay-order-number')).toHaveAttribute('data-number', number);
    await expect(display.page.getByTestId('customer-display')).toHaveAttribute('data-phase', 'thanks');
    await expect(display.page.getByTestId('display-methods')).toHaveAttribute('data-methods', 'qr');

    // Found by asking: the till queried the trade and never closed or refunded it.
    const after = w.trade(trade.tradeNumber);
    expect(after).toMatchObject({ state: 'paid', askedFen: 5200, refunds: [] });
    expect(after.calls).toContain('query');
    expect(after.calls).not.toContain('close');
    expect(w.trades()).toHaveLength(1);

    await page.getByTestId('new-sale').click();
    const order = await cashier.openHistoryOrder(number);
    await expect(order.getByTestId('history-total')).toHaveText('¥52.00');
    const payment = order.getByTestId('history-payment');
    await expect(payment).toHaveCount(1);
    await expect(payment).toHaveAttribute('data-status', 'paid');
    await expect(payment.getByTestId('history-payment-amount')).toHaveText('¥52.00');
    await expect(page.getByTestId('attention-button')).toHaveAttribute('data-count', '0');
  });

  test(`${wallet}: a payment code — "confirming in the wallet", then paid; the QR shown first is closed`, async ({
    cashier,
    page,
    display,
    shop,
  }) => {
    // The customer confirms after two of the till's queries (Alipay every 5 s, WeChat Pay every 4 s).
    test.setTimeout(90_000);
    const w = walletControl(shop, wallet);
    w.nextCodeUserPaying(2);
    await cashier.scanAndSee(DEMO.americano.barcode);
    await cashier.scanAndSee(DEMO.croissant.barcode);
    await cashier.openQrPay();
    await cashier.startQr();
    const qr = w.tradeForQr(await display.scanQr());
    await cashier.otherWay('payment_code');
    await expect(page.getByTestId('pay-scan-prompt')).toBeVisible();

    await cashier.scan(code);
    await expect(cashier.payDialog()).toHaveAttribute('data-method', 'payment_code');
    await expect(page.getByTestId('pay-status-text')).toHaveText('Customer is confirming in their wallet…');
    await expect(page.getByTestId('pay-masked-code')).toContainText(masked);
    await expect(display.page.getByTestId('display-pay-note')).toHaveText('Please confirm the payment in your wallet');

    await expect(page.getByTestId('pay-paid')).toBeVisible({ timeout: 40_000 });
    await expect(page.getByTestId('pay-paid-amount')).toHaveText('¥30.00');
    await expect(page.getByTestId('pay-paid')).toContainText(masked);
    expect(await page.content()).not.toContain(code);
    expect(await display.page.content()).not.toContain(code);

    const charged = w.trades().find((t) => t.kind === 'code')!;
    expect(charged).toMatchObject({ state: 'paid', askedFen: 3000, refunds: [] });
    expect(charged.calls.filter((c) => c === 'query').length).toBeGreaterThanOrEqual(2);
    expect(charged.calls).not.toContain('reverse');
    expect(w.trade(qr.tradeNumber)).toMatchObject({ state: 'closed', askedFen: 3000 });
  });

  test(`${wallet}: a payment code the customer never confirms is reversed when the wait runs out; nothing is paid`, async ({
    cashier,
    page,
    display,
    shop,
    host,
  }) => {
    test.setTimeout(90_000);
    const w = walletControl(shop, wallet);
    await callApi(host.url, 'settings.update', { paymentCodeWaitSeconds: 10 });
    w.nextCodeUserPaying(null);
    await cashier.scanAndSee(DEMO.latte.barcode);
    await cashier.openQrPay();
    await cashier.startQr();
    await expect(display.page.getByTestId('pay-qr')).toBeVisible();
    await cashier.otherWay('payment_code');
    await expect(page.getByTestId('pay-scan-prompt')).toBeVisible();
    await cashier.scan(code);
    await expect(page.getByTestId('pay-status-text')).toHaveText('Customer is confirming in their wallet…');
    const number = await page.getByTestId('pay-attempt-order').textContent();

    // 10 s of waiting, a last query, then the reverse (Alipay's cancel, WeChat Pay's reverse).
    await expect(cashier.payDialog()).toHaveAttribute('data-status', /^(expired|cancelled)$/, { timeout: 45_000 });
    await expect(page.getByTestId('pay-paid')).toHaveCount(0);
    await expect(page.getByTestId('cart-locked')).toBeHidden();
    const charged = w.trades().find((t) => t.kind === 'code')!;
    expect(charged).toMatchObject({ state: 'reversed', askedFen: 2200, refunds: [] });
    expect(charged.calls).toContain('reverse');

    // The cart still owes it all: the cashier takes cash, and only the cash is recorded as paid.
    await page.getByTestId('pay-take-cash').click();
    await expect(page.getByTestId('cash-total')).toHaveText('¥22.00');
    await page.getByTestId('tendered-input').fill('22');
    await page.getByTestId('cash-confirm').click();
    await expect(page.getByTestId('sale-done')).toBeVisible();
    await page.getByTestId('new-sale').click();
    const order = await cashier.openHistoryOrder(/\d+/.exec(number ?? '')![0]);
    const codePayment = order.locator('[data-testid="history-payment"][data-method="payment_code"]');
    await expect(codePayment).not.toHaveAttribute('data-status', 'paid');
    await expect(codePayment.getByTestId('history-masked-code')).toHaveText(masked);
    await expect(order.locator('[data-testid="history-payment"][data-status="paid"]')).toHaveCount(1);
    await expect(order.locator('[data-testid="history-payment"][data-method="cash"]')).toHaveAttribute(
      'data-status',
      'paid',
    );
    await expect(page.getByTestId('attention-button')).toHaveAttribute('data-count', '0');
  });

  test(`${wallet}: a QR paid after the cashier gave up on its close is a late payment, refunded from the attention list`, async ({
    cashier,
    page,
    display,
    shop,
  }) => {
    test.setTimeout(90_000);
    const w = walletControl(shop, wallet);
    await cashier.scanAndSee(DEMO.latte.barcode);
    await cashier.openQrPay();
    await cashier.startQr();
    const trade = w.tradeForQr(await display.scanQr());
    expect(trade.askedFen).toBe(2200);

    // The cashier cancels; the wallet fails every close, so the QR stays payable at the wallet.
    w.closeFails();
    await page.getByTestId('pay-cancel').click();
    await expect(display.page.getByTestId('pay-qr')).toHaveCount(0);
    await page.getByTestId('pay-abandon').click({ timeout: 30_000 });
    await page.getByTestId('pay-abandon-confirm').click();
    await expect(page.getByTestId('cash-total')).toHaveText('¥22.00');
    await page.getByTestId('tendered-input').fill('22');
    await page.getByTestId('cash-confirm').click();
    await expect(page.getByTestId('sale-done')).toBeVisible();
    await page.getByTestId('new-sale').click();
    expect(w.trade(trade.tradeNumber).state).toBe('waiting');

    // The customer's phone had the QR open and pays now: the till finds it by polling, as money to give back.
    w.customerPays(trade.tradeNumber);
    await page.getByTestId('attention-button').click();
    const item = page.getByTestId('attention-item');
    await expect(item).toHaveCount(1);
    await expect(item).toHaveAttribute('data-reason', 'late_payment', { timeout: 30_000 });
    await expect(item).toHaveAttribute('data-status', 'paid');
    await expect(item.getByTestId('attention-reason')).toHaveText('Paid after the QR was cancelled or expired');
    await expect(item.getByTestId('attention-amount')).toHaveText('¥22.00');
    await expect(item).toContainText(trade.tradeNumber);
    await item.getByTestId('attention-refund').click();
    await item.getByTestId('attention-refund-confirm').click();
    await expect(page.getByTestId('attention-empty')).toBeVisible();
    await expect(page.getByTestId('attention-button')).toHaveAttribute('data-count', '0');

    // The wallet holds one refund, under our refund number, for exactly what was paid.
    expect(w.trade(trade.tradeNumber)).toMatchObject({
      state: 'refunded',
      askedFen: 2200,
      refunds: [{ number: `${trade.tradeNumber}-R1`, fen: 2200 }],
    });
  });

  test(`${wallet}: answers with a bad signature are never taken as paid; the attempt ends on the attention list`, async ({
    cashier,
    page,
    display,
    shop,
  }) => {
    test.setTimeout(90_000);
    const w = walletControl(shop, wallet);
    await cashier.scanAndSee(DEMO.americano.barcode);
    await cashier.openQrPay();
    await cashier.startQr();
    const number = await display.orderNumber();
    const trade = w.tradeForQr(await display.scanQr());
    expect(trade.askedFen).toBe(1800);

    // The wallet holds the money and says so, but nothing it signs verifies any more.
    w.badSignatures();
    w.customerPays(trade.tradeNumber);
    await expect(cashier.payDialog()).toHaveAttribute('data-status', 'unknown');
    await expect(page.getByTestId('pay-status-text')).toHaveText('Checking with the provider…');
    await expect(page.getByTestId('pay-paid')).toHaveCount(0);

    // The cashier stops waiting and takes cash; the attempt goes to the attention list, not paid.
    await page.getByTestId('pay-cancel').click();
    await page.getByTestId('pay-abandon').click({ timeout: 30_000 });
    await page.getByTestId('pay-abandon-confirm').click();
    await page.getByTestId('tendered-input').fill('20');
    await page.getByTestId('cash-confirm').click();
    await expect(page.getByTestId('sale-done').getByTestId('change-due')).toHaveText('¥2.00');
    await page.getByTestId('new-sale').click();

    await page.getByTestId('attention-button').click();
    const item = page.getByTestId('attention-item');
    await expect(item).toHaveCount(1);
    await expect(item).toHaveAttribute('data-reason', 'abandoned');
    await expect(item).not.toHaveAttribute('data-status', 'paid');
    await expect(item.getByTestId('attention-amount')).toHaveText('¥18.00');
    await expect(page.getByTestId('attention-refund')).toHaveCount(0);
    await page.getByTestId('modal-close').click();
    const order = await cashier.openHistoryOrder(number);
    await expect(order.locator('[data-testid="history-payment"][data-method="qr"]')).not.toHaveAttribute(
      'data-status',
      'paid',
    );
    await expect(order.locator('[data-testid="history-payment"][data-status="paid"]')).toHaveCount(1);
    await page.getByTestId('modal-close').click();
    expect(w.trade(trade.tradeNumber)).toMatchObject({ state: 'paid', refunds: [] });

    // Alipay's faults can be taken back: once its answers verify again, the money is found as a late payment
    // and given back. (The WeChat Pay mock's queued faults cannot be withdrawn; its test ends above.)
    if (w.clearFaults) {
      w.clearFaults();
      await page.getByTestId('attention-button').click();
      await expect(item).toHaveAttribute('data-reason', 'late_payment', { timeout: 30_000 });
      await item.getByTestId('attention-refund').click();
      await item.getByTestId('attention-refund-confirm').click();
      await expect(page.getByTestId('attention-empty')).toBeVisible();
      expect(w.trade(trade.tradeNumber)).toMatchObject({
        state: 'refunded',
        refunds: [{ number: `${trade.tradeNumber}-R1`, fen: 1800 }],
      });
    }
  });
}
