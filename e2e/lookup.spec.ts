// "I paid!" at the counter with the Demo gateway: from History, the cashier looks up the trade number of a
// paid payment and sees the wallet's answer in plain words. There is no "mark paid" anywhere.
import type { Order } from '../shared/domain';
import { callApi, DEMO, expect, payTest as test } from './fixtures';

test('History → look up a paid payment’s trade number → "Paid: the sale completed"', async ({
  cashier,
  page,
  display,
  phone,
  host,
}) => {
  await cashier.scanAndSee(DEMO.americano.barcode);
  await cashier.openQrPay();
  await cashier.startQr();
  const number = await display.orderNumber();
  expect(await phone.open(await display.scanQr())).toBe(200);
  await phone.pay();
  await expect(cashier.payDialog()).toHaveAttribute('data-status', 'paid');
  await page.getByTestId('new-sale').click();

  const [sold] = await callApi<Order[]>(host.url, 'orders.today', { limit: 1 });
  const trade = sold!.payments.find((p) => p.method === 'qr')!.tradeNumber!;

  await page.getByTestId('history-button').click();
  const lookup = page.getByTestId('history-dialog').getByTestId('lookup');
  await lookup.getByTestId('lookup-number').fill(trade);
  await lookup.getByTestId('lookup-submit').click();
  const result = lookup.getByTestId('lookup-result');
  await expect(result).toHaveAttribute('data-status', 'paid');
  await expect(result.getByTestId('lookup-advice')).toHaveText('Paid: the sale completed.');
  await expect(result.getByTestId('lookup-order')).toContainText(number);
  await expect(result.getByTestId('demo-badge')).toBeVisible();
  await expect(page.getByText(/mark.*paid/i)).toHaveCount(0);

  // A number nobody knows, and a payment code typed by mistake: plain answers, nothing sent for the code.
  await lookup.getByTestId('lookup-number').fill('285170012345678901');
  await lookup.getByTestId('lookup-submit').click();
  await expect(lookup.getByTestId('lookup-error')).toContainText('payment code');
});
