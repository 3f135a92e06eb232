// The till's process is killed (SIGKILL) while a QR payment is open, with the Demo gateway as its own process
// so the money side lives on. After a restart on the same data the order ends paid exactly once (checked
// against the gateway's own record), or, when nobody paid, the attempt is on the attention list and
// selling goes on.
import type { Order, Payment } from '../shared/domain';
import {
  CashierPage,
  CustomerPage,
  callApi,
  DEMO,
  expect,
  gatewayArgs,
  gatewayTest,
  PhonePage,
  payShot,
  startTestHost,
} from './fixtures';
import { newDataDir, type RunningHost } from './host';

type PayView = { cart: Order; payment: Payment | null };

/** `startTill(dataDir)`: a host on that data paying through the test's gateway; all stopped at the end. */
const test = gatewayTest.extend<{ startTill: (dataDir: string) => Promise<RunningHost> }>({
  startTill: async ({ gateway }, use) => {
    const hosts: RunningHost[] = [];
    await use(async (dataDir) => {
      const host = await startTestHost({ dataDir, args: gatewayArgs(gateway) });
      hosts.push(host);
      return host;
    });
    for (const h of hosts) await h.stop();
  },
});

test('killed while the QR is pending, paid on the phone while the till is down: paid exactly once after a restart', async ({
  page,
  context,
  browser,
  sim,
  startTill,
}, testInfo) => {
  const dataDir = newDataDir();
  const first = await startTill(dataDir);
  const cashier = new CashierPage(page, first.url);
  await cashier.goto();
  await cashier.scanAndSee(DEMO.americano.barcode);
  await cashier.scanAndSee(DEMO.latte.barcode);
  await cashier.openQrPay();
  await cashier.startQr();
  const display = new CustomerPage(await context.newPage());
  await display.goto(first.url);
  const number = await display.orderNumber();
  const url = await display.scanQr();
  const { payment } = await callApi<PayView>(first.url, 'pay.current');
  const tradeNumber = payment!.tradeNumber!;

  await first.kill9();
  await display.page.close();

  const phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
  const phone = new PhonePage(await phoneContext.newPage());
  expect(await phone.open(url)).toBe(200);
  await expect(phone.page.locator('main')).toContainText('¥40.00');
  await phone.pay();
  await phoneContext.close();
  expect((await sim.trade(tradeNumber)).paidCount).toBe(1);

  // Same data, same gateway: the startup check asks about the open trade and settles it.
  const second = await startTill(dataDir);
  const again = new CashierPage(page, second.url);
  await again.goto();
  // The cashier is told what the startup check found: this order was paid while the till was down.
  const found = page.getByTestId('startup-item');
  await expect(found).toHaveCount(1);
  await expect(found).toHaveAttribute('data-outcome', 'completed');
  await expect(found).toContainText(number);
  await expect(found).toContainText('¥40.00');
  await payShot(page, 'crash-startup-report', testInfo);
  await page.getByTestId('startup-ok').click();
  await expect(page.getByTestId('cart-empty')).toBeVisible();
  await expect(page.getByTestId('cart-locked')).toBeHidden();
  await expect(page.getByTestId('attention-button')).toHaveAttribute('data-count', '0');

  const order = await again.openHistoryOrder(number);
  await expect(order.getByTestId('history-total')).toHaveText('¥40.00');
  const payments = order.getByTestId('history-payment');
  await expect(payments).toHaveCount(1);
  await expect(payments).toHaveAttribute('data-method', 'qr');
  await expect(payments).toHaveAttribute('data-status', 'paid');
  await payShot(page, 'crash-history-after-restart', testInfo);

  const today = await callApi<Order[]>(second.url, 'orders.today', {});
  const mine = today.filter((o) => o.number === number);
  expect(mine).toHaveLength(1);
  expect(mine[0].status).toBe('completed');
  expect(mine[0].payments.filter((p) => p.status === 'paid')).toHaveLength(1);
  expect(await callApi<unknown[]>(second.url, 'attention.list')).toEqual([]);
  const trade = await sim.trade(tradeNumber);
  expect(trade).toMatchObject({ status: 'paid', paidCount: 1, amountMinor: 4000, refundedMinor: 0 });
});

test('killed while the QR is pending and nobody pays: after a restart it needs attention and selling goes on', async ({
  page,
  sim,
  startTill,
}) => {
  const dataDir = newDataDir();
  const first = await startTill(dataDir);
  const cashier = new CashierPage(page, first.url);
  await cashier.goto();
  await cashier.scanAndSee(DEMO.croissant.barcode);
  await cashier.openQrPay();
  await cashier.startQr();
  const { payment } = await callApi<PayView>(first.url, 'pay.current');
  const tradeNumber = payment!.tradeNumber!;
  await first.kill9();

  const second = await startTill(dataDir);
  const again = new CashierPage(page, second.url);
  await again.goto();
  // The attempt could not be settled at startup (the customer may still pay): it is on the attention list,
  // its order is put aside, and the till has a new, empty cart.
  await expect(page.getByTestId('startup-unsettled')).toContainText('1 payment could not be settled yet');
  await page.getByTestId('startup-ok').click();
  await expect(page.getByTestId('attention-button')).toHaveAttribute('data-count', '1');
  await expect(page.getByTestId('cart-empty')).toBeVisible();
  await expect(page.getByTestId('cart-locked')).toBeHidden();
  await page.getByTestId('attention-button').click();
  const item = page.getByTestId('attention-item');
  await expect(item).toHaveCount(1);
  await expect(item).toHaveAttribute('data-payment-id', String(payment!.id));
  await expect(item).toHaveAttribute('data-reason', 'unsettled');
  await page.getByTestId('modal-close').click();

  await again.scanAndSee(DEMO.latte.barcode);
  await again.payCash('22');
  const today = await callApi<Order[]>(second.url, 'orders.today', {});
  expect(today.filter((o) => o.status === 'completed')).toHaveLength(1);
  expect((await sim.trade(tradeNumber)).paidCount).toBe(0);
});
