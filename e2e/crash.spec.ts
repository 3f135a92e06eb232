// The till survives its process being killed: the open cart is on disk after every change, and a sale
// is committed in one transaction, so it is either wholly there or wholly absent after a restart.
import { CashierPage, callApi, DEMO, E2E_SCAN_GAP_MS, expect, test } from './fixtures';
import { newDataDir, startHost } from './host';

test('SIGKILL mid-cart with no wait: after a restart on the same data the cart is still there', async ({ page }) => {
  const dataDir = newDataDir();
  const first = await startHost({ dataDir });
  await callApi(first.url, 'settings.update', { scanMaxGapMs: E2E_SCAN_GAP_MS });
  const cashier = new CashierPage(page, first.url);
  await cashier.goto();
  await cashier.scanAndSee(DEMO.americano.barcode);
  await cashier.scanAndSee(DEMO.latte.barcode);
  await cashier.line(DEMO.latte.barcode).getByTestId('qty-plus').click();
  await expect(cashier.line(DEMO.latte.barcode).getByTestId('line-qty')).toHaveText('2');
  await first.kill9();

  const second = await startHost({ dataDir });
  try {
    const again = new CashierPage(page, second.url);
    await again.goto();
    await expect(again.lines()).toHaveCount(2);
    await expect(again.line(DEMO.latte.barcode).getByTestId('line-qty')).toHaveText('2');
    await expect(again.total()).toHaveText('¥62.00');
  } finally {
    await second.stop();
  }
});

type Order = { id: number; status: string; totalMinor: number; lines: unknown[]; payments: unknown[] };

for (const point of ['sale.afterOrderUpdate', 'sale.afterPaymentInsert', 'sale.beforeCommit', 'sale.afterCommit']) {
  test(`killed at ${point}: the sale is wholly there or wholly absent`, async () => {
    const dataDir = newDataDir();
    const first = await startHost({ dataDir, env: { TILLPOINT_CRASH_AT: point } });
    await callApi(first.url, 'cart.scan', { barcode: DEMO.americano.barcode });
    await callApi(first.url, 'cart.scan', { barcode: DEMO.croissant.barcode, quantity: 2 });
    // The host dies inside (or right after) the commit; the call never answers.
    await expect(callApi(first.url, 'checkout.cash', { tenderedMinor: 5000 })).rejects.toThrow();
    expect((await first.exited).signal).toBe('SIGKILL');

    const second = await startHost({ dataDir });
    try {
      const today = await callApi<Order[]>(second.url, 'orders.today', {});
      const cart = await callApi<Order>(second.url, 'cart.get', {});
      if (point === 'sale.afterCommit') {
        expect(today).toHaveLength(1);
        expect(today[0]).toMatchObject({ status: 'completed', totalMinor: 4200 });
        expect(today[0].lines).toHaveLength(2);
        expect(today[0].payments).toHaveLength(1);
      } else {
        expect(today).toHaveLength(0);
        expect(cart.lines).toHaveLength(2);
        expect(cart.totalMinor).toBe(4200);
        // Selling goes on: the same cart can now be paid, once.
        await callApi(second.url, 'checkout.cash', { tenderedMinor: 5000 });
        expect(await callApi<Order[]>(second.url, 'orders.today', {})).toHaveLength(1);
      }
    } finally {
      await second.stop();
    }
  });
}
