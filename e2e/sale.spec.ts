import { CustomerPage, DEMO, expect, test } from './fixtures';

test('scan three products, change a quantity, pay cash, see change, find the order after a reload', async ({
  cashier,
  page,
}) => {
  await cashier.scanAndSee(DEMO.americano.barcode);
  await cashier.scanAndSee(DEMO.latte.barcode);
  await cashier.scanAndSee(DEMO.croissant.barcode);
  await expect(cashier.lines()).toHaveCount(3);
  await expect(cashier.line(DEMO.latte.barcode).getByTestId('line-name')).toHaveText(DEMO.latte.name);

  // Two croissants: 18 + 22 + 2 × 12 = 64.
  await cashier.line(DEMO.croissant.barcode).getByTestId('qty-plus').click();
  await expect(cashier.line(DEMO.croissant.barcode).getByTestId('line-qty')).toHaveText('2');
  await expect(cashier.total()).toHaveText('¥64.00');

  await page.getByTestId('cash-button').click();
  await expect(page.getByTestId('cash-total')).toHaveText('¥64.00');
  // Too little cash cannot complete the sale.
  await page.getByTestId('tendered-input').fill('50');
  await expect(page.getByTestId('cash-confirm')).toBeDisabled();
  // Too many decimals is refused with a reason, not rounded.
  await page.getByTestId('tendered-input').fill('100.005');
  await expect(page.getByTestId('cash-confirm')).toBeDisabled();
  await expect(page.getByTestId('cash-reason')).not.toBeEmpty();
  await page.getByTestId('tendered-input').fill('100');
  await expect(page.getByTestId('change-due')).toHaveText('¥36.00');
  await page.getByTestId('cash-confirm').click();
  await expect(page.getByTestId('sale-done')).toBeVisible();
  await expect(page.getByTestId('sale-done').getByTestId('change-due')).toHaveText('¥36.00');
  const number = (await page.getByTestId('order-number').textContent())!.match(/\d+/)![0];
  await cashier.newSale();
  await expect(cashier.lines()).toHaveCount(0);

  await page.reload();
  await expect(page.getByTestId('cart-empty')).toBeVisible();
  await page.getByTestId('history-button').click();
  const order = page.getByTestId('history-item').filter({ hasText: number });
  await expect(order).toHaveCount(1);
  await expect(order.getByTestId('history-total')).toHaveText('¥64.00');
  await order.click();
  await expect(order.getByTestId('history-line')).toHaveCount(3);
});

test('the customer display mirrors the cart as it changes, then shows change and thanks', async ({
  cashier,
  page,
  context,
  host,
}) => {
  const display = new CustomerPage(await context.newPage());
  await display.goto(host.url);
  // A second display at the same time: any number may be open.
  const display2 = new CustomerPage(await context.newPage());
  await display2.goto(host.url);

  await cashier.scanAndSee(DEMO.americano.barcode);
  await expect(display.lines()).toHaveCount(1);
  await expect(display.total()).toHaveText('¥18.00');

  await cashier.scanAndSee(DEMO.latte.barcode);
  await cashier.line(DEMO.latte.barcode).getByTestId('qty-plus').click();
  await expect(display.lines()).toHaveCount(2);
  await expect(display.total()).toHaveText('¥62.00');
  await expect(display2.total()).toHaveText('¥62.00');

  // A reload of the display loses nothing.
  await display.page.reload();
  await expect(display.total()).toHaveText('¥62.00');

  await cashier.line(DEMO.americano.barcode).getByTestId('line-remove').click();
  await expect(display.lines()).toHaveCount(1);
  await expect(display.total()).toHaveText('¥44.00');

  await page.getByTestId('cash-button').click();
  await page.getByTestId('tendered-input').fill('50');
  await page.getByTestId('cash-confirm').click();
  await expect(display.page.getByTestId('display-tendered')).toHaveText('¥50.00');
  await expect(display.page.getByTestId('display-change')).toHaveText('¥6.00');
});

test('hold an order, sell another, recall the first', async ({ cashier, page }) => {
  await cashier.scanAndSee(DEMO.americano.barcode);
  await cashier.scanAndSee(DEMO.croissant.barcode);
  await page.getByTestId('hold-button').click();
  await page.getByTestId('hold-label').fill('Table 4');
  await page.getByTestId('hold-confirm').click();
  await expect(page.getByTestId('cart-empty')).toBeVisible();

  await cashier.scanAndSee(DEMO.latte.barcode);
  await cashier.payCash('22');
  await cashier.newSale();

  await page.getByTestId('recall-button').click();
  const held = page.getByTestId('recall-item');
  await expect(held).toHaveCount(1);
  await expect(held).toContainText('Table 4');
  await held.click();
  await expect(cashier.lines()).toHaveCount(2);
  await expect(cashier.total()).toHaveText('¥30.00');
  await cashier.payCash('30');
});

test('void the whole cart after confirming', async ({ cashier, page }) => {
  await cashier.scanAndSee(DEMO.americano.barcode);
  await page.getByTestId('void-button').click();
  await page.getByTestId('void-confirm').click();
  await expect(page.getByTestId('cart-empty')).toBeVisible();
});
