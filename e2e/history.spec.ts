// History (F8) on a busy day: pages of 50, newest first, and "Earlier orders" brings the next page.
import { callApi, DEMO, expect, test } from './fixtures';

test('a busy day: History shows the newest 50 orders and brings the earlier ones on request', async ({
  page,
  cashier,
  host,
}) => {
  // 51 sales through the API (as another screen would make them), one Americano each.
  for (let k = 0; k < 51; k++) {
    await callApi(host.url, 'cart.scan', { barcode: DEMO.americano.barcode });
    await callApi(host.url, 'checkout.cash', { tenderedMinor: 1800 });
  }
  await cashier.goto();
  await page.getByTestId('history-button').click();
  const items = page.getByTestId('history-item');
  await expect(items).toHaveCount(50);
  await expect(items.first()).toHaveAttribute('data-number', '0051');
  await expect(items.last()).toHaveAttribute('data-number', '0002');
  await page.getByTestId('history-more').click();
  await expect(items).toHaveCount(51);
  await expect(items.last()).toHaveAttribute('data-number', '0001');
  // Nothing earlier: the button is gone.
  await expect(page.getByTestId('history-more')).toHaveCount(0);
});
