// A shop with both real wallets (the Alipay and WeChat Pay mocks): one press shows two QRs side by side, one
// trade per wallet for exactly the amount due. Whichever the customer pays completes the sale once; the other
// is closed at its wallet, or refunded when the customer paid both; a payment code scanned meanwhile takes over.
import type { Order } from '../shared/domain';
import { callApi, DEMO, expect, payShot } from './fixtures';
import { walletControl, walletTest as test } from './wallets';

test.use({ wallets: ['alipay', 'wechat'] });

test('two QRs side by side, labelled; the customer pays with WeChat Pay, the Alipay trade is closed at Alipay', async ({
  cashier,
  page,
  display,
  shop,
}, testInfo) => {
  const alipay = walletControl(shop, 'alipay');
  const wechat = walletControl(shop, 'wechat');
  await cashier.scanAndSee(DEMO.americano.barcode);
  await cashier.scanAndSee(DEMO.latte.barcode);
  await cashier.scanAndSee(DEMO.croissant.barcode);
  await cashier.openQrPay();
  await expect(cashier.payDialog()).toHaveAttribute('data-status', 'pending');

  // The display: both wallets, each named in both languages, each with its own QR; the amount once.
  const wallets = display.page.getByTestId('display-wallet');
  await expect(wallets).toHaveCount(2);
  await expect(display.page.getByTestId('display-wallet-name')).toHaveText(['Alipay 支付宝', 'WeChat Pay 微信支付']);
  await expect(display.page.getByTestId('pay-amount')).toHaveText('¥52.00');
  const number = await display.orderNumber();
  const ali = alipay.tradeForQr(await display.scanWalletQr('alipay'));
  const wx = wechat.tradeForQr(await display.scanWalletQr('wechat'));
  expect(ali).toMatchObject({ kind: 'qr', state: 'waiting', askedFen: 5200 });
  expect(wx).toMatchObject({ kind: 'qr', state: 'waiting', askedFen: 5200 });
  expect(ali.tradeNumber).not.toBe(wx.tradeNumber);

  // The cashier: one round, each wallet with its own state.
  const round = page.getByTestId('pay-round-wallet');
  await expect(round).toHaveCount(2);
  await expect(round.nth(0)).toHaveAttribute('data-provider', 'alipay');
  await expect(round.nth(1)).toHaveAttribute('data-provider', 'wechat');
  await expect(cashier.payDialog().getByTestId('pay-amount')).toHaveText('¥52.00');
  // Everything the customer reads fits the screen, below its header (the amount row once ran off the bottom).
  const screen = display.page.viewportSize()!;
  const head = (await display.page.locator('header').boundingBox())!;
  for (const part of [wallets.nth(0), wallets.nth(1), display.page.getByTestId('pay-countdown')]) {
    const box = (await part.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(head.y + head.height);
    expect(box.y + box.height).toBeLessThanOrEqual(screen.height);
  }
  await payShot(display.page, 'both-wallets-display', testInfo);
  await payShot(page, 'both-wallets-cashier', testInfo);

  wechat.customerPays(wx.tradeNumber);
  await expect(page.getByTestId('pay-paid')).toBeVisible();
  await expect(page.getByTestId('pay-paid-amount')).toHaveText('¥52.00');
  await expect(page.getByTestId('pay-order-number')).toHaveAttribute('data-number', number);
  await expect(display.page.getByTestId('customer-display')).toHaveAttribute('data-phase', 'thanks');

  // The Alipay QR can no longer be paid: closed at Alipay, nothing refunded anywhere.
  await expect.poll(() => alipay.trade(ali.tradeNumber).state).toBe('closed');
  expect(alipay.trade(ali.tradeNumber)).toMatchObject({ askedFen: 5200, refunds: [] });
  expect(wechat.trade(wx.tradeNumber)).toMatchObject({ state: 'paid', askedFen: 5200, refunds: [] });

  await page.getByTestId('new-sale').click();
  const order = await cashier.openHistoryOrder(number);
  await expect(order.getByTestId('history-payment')).toHaveCount(2);
  await expect(order.locator('[data-testid="history-payment"][data-status="paid"]')).toHaveCount(1);
  await expect(order.locator('[data-testid="history-payment"][data-status="cancelled"]')).toHaveCount(1);
  await expect(page.getByTestId('attention-button')).toHaveAttribute('data-count', '0');
});

test('the customer pays both QRs: one completes the sale, the other is refunded once and listed as paid twice', async ({
  cashier,
  page,
  display,
  shop,
  host,
}) => {
  const alipay = walletControl(shop, 'alipay');
  const wechat = walletControl(shop, 'wechat');
  await cashier.scanAndSee(DEMO.latte.barcode);
  await cashier.openQrPay();
  const number = await display.orderNumber();
  const ali = alipay.tradeForQr(await display.scanWalletQr('alipay'));
  const wx = wechat.tradeForQr(await display.scanWalletQr('wechat'));

  // Both paid before the till asks again.
  alipay.customerPays(ali.tradeNumber);
  wechat.customerPays(wx.tradeNumber);
  await expect(page.getByTestId('pay-paid')).toBeVisible();
  await expect(page.getByTestId('pay-paid-amount')).toHaveText('¥22.00');

  // The second payment is given back by itself and shows on the attention list as paid twice.
  await page.getByTestId('new-sale').click();
  await page.getByTestId('attention-button').click();
  const item = page.getByTestId('attention-item');
  await expect(item).toHaveCount(1);
  await expect(item).toHaveAttribute('data-reason', 'paid_twice');
  await expect(item).toHaveAttribute('data-status', 'refunded');
  await expect(item.getByTestId('attention-reason')).toHaveText(
    'Paid twice: another wallet had already paid this order, so this payment is refunded',
  );
  await expect(item.getByTestId('attention-amount')).toHaveText('¥22.00');

  // At the wallets: both asked for 2200 fen and paid; exactly one refund, once, under our refund number.
  const trades = [alipay.trade(ali.tradeNumber), wechat.trade(wx.tradeNumber)];
  for (const t of trades) expect(t.askedFen).toBe(2200);
  const refunded = trades.filter((t) => t.refunds.length > 0);
  expect(refunded).toHaveLength(1);
  expect(refunded[0]).toMatchObject({
    state: 'refunded',
    refunds: [{ number: `${refunded[0]!.tradeNumber}-R1`, fen: 2200 }],
  });
  expect(trades.find((t) => t !== refunded[0])).toMatchObject({ state: 'paid', refunds: [] });
  await expect(item).toContainText(refunded[0]!.tradeNumber);

  // One completion: one sold order with this number, paid once.
  const sold = (await callApi<Order[]>(host.url, 'orders.today', { limit: 10 })).filter((o) => o.number === number);
  expect(sold).toHaveLength(1);
  expect(sold[0]!.status).toBe('completed');
  const byStatus = sold[0]!.payments.map((p) => [p.provider, p.status]).sort();
  expect(byStatus).toEqual(
    [
      [refunded[0]!.wallet, 'refunded'],
      [trades.find((t) => t !== refunded[0])!.wallet, 'paid'],
    ].sort(),
  );

  // Done with: dismissed, the list is empty.
  await item.getByTestId('attention-dismiss').click();
  await expect(page.getByTestId('attention-empty')).toBeVisible();
});

test('a payment code scanned while both QRs show is charged; both QR trades are closed at their wallets', async ({
  cashier,
  page,
  display,
  shop,
}) => {
  const alipay = walletControl(shop, 'alipay');
  const wechat = walletControl(shop, 'wechat');
  await cashier.scanAndSee(DEMO.americano.barcode);
  await cashier.openQrPay();
  const number = await display.orderNumber();
  const ali = alipay.tradeForQr(await display.scanWalletQr('alipay'));
  const wx = wechat.tradeForQr(await display.scanWalletQr('wechat'));

  // The customer shows a WeChat Pay code instead; the scanner's prefix routes it to WeChat Pay.
  await cashier.scan('134512345678902222');
  await expect(page.getByTestId('pay-paid')).toBeVisible();
  await expect(cashier.payDialog()).toHaveAttribute('data-method', 'payment_code');
  await expect(page.getByTestId('pay-paid-amount')).toHaveText('¥18.00');
  await expect(page.getByTestId('pay-paid')).toContainText('1345**********2222');
  await expect(display.page.getByTestId('display-methods')).toHaveAttribute('data-methods', 'payment_code');

  const charged = wechat.trades().filter((t) => t.kind === 'code');
  expect(charged).toHaveLength(1);
  expect(charged[0]).toMatchObject({ state: 'paid', askedFen: 1800, refunds: [] });
  expect(alipay.trades().filter((t) => t.kind === 'code')).toEqual([]);
  await expect.poll(() => alipay.trade(ali.tradeNumber).state).toBe('closed');
  await expect.poll(() => wechat.trade(wx.tradeNumber).state).toBe('closed');
  expect(alipay.trade(ali.tradeNumber)).toMatchObject({ askedFen: 1800, refunds: [] });
  expect(wechat.trade(wx.tradeNumber)).toMatchObject({ askedFen: 1800, refunds: [] });

  await page.getByTestId('new-sale').click();
  const order = await cashier.openHistoryOrder(number);
  await expect(order.locator('[data-testid="history-payment"][data-method="qr"]')).toHaveCount(2);
  await expect(order.locator('[data-testid="history-payment"][data-method="qr"][data-status="paid"]')).toHaveCount(0);
  await expect(order.locator('[data-testid="history-payment"][data-method="payment_code"]')).toHaveAttribute(
    'data-status',
    'paid',
  );
  await expect(page.getByTestId('attention-button')).toHaveAttribute('data-count', '0');
});
