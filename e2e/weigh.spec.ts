// A sold-by-weight product tapped with no scale label: the cashier types its weight, the line shows the
// weight and the price a weight-only label would give; a bad weight is refused with a clear message.
import { CustomerPage, callApi, expect, test } from './fixtures';

test('tapping a sold-by-weight product asks its weight and adds the weighed line', async ({ cashier, host, page }) => {
  await callApi(host.url, 'products.save', {
    barcode: '00123',
    name: '苹果',
    nameEn: 'Apples',
    priceMinor: 1280,
    soldByWeight: true,
  });
  await cashier.goto();
  await page.getByTestId('search-input').fill('Apples');
  await page.locator('[data-testid="product-tile"][data-barcode="00123"]').click();

  const dialog = page.getByTestId('weigh-dialog');
  await expect(dialog).toBeVisible();
  await page.getByTestId('weigh-input').fill('0.3335');
  await expect(page.getByTestId('weigh-error')).toHaveText('At most 3 decimals in kg (grams)');
  await page.getByTestId('weigh-confirm').click();
  await expect(cashier.lines()).toHaveCount(0);

  // 333 g × ¥12.80/kg = ¥4.2624, charged ¥4.26 (half up), as a scale label would be.
  await page.getByTestId('weigh-input').fill('0.333');
  await expect(page.getByTestId('weigh-preview')).toHaveText('0.333 kg = ¥4.26');
  await page.getByTestId('weigh-input').press('Enter');
  await expect(dialog).toBeHidden();
  await expect(cashier.lines()).toHaveCount(1);
  await expect(cashier.lines().nth(0).getByTestId('line-weight')).toHaveText('0.333 kg (weighed)');
  await expect(cashier.lines().nth(0).getByTestId('line-total')).toHaveText('¥4.26');

  // In grams, from the search box's Enter.
  await page.getByTestId('search-input').fill('00123');
  await page.getByTestId('search-input').press('Enter');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('search-input')).toHaveValue('');
  await page.getByTestId('weigh-unit').selectOption('g');
  await page.getByTestId('weigh-input').fill('512');
  await page.getByTestId('weigh-confirm').click();
  await expect(cashier.lines()).toHaveCount(2);
  await expect(cashier.lines().nth(1).getByTestId('line-weight')).toHaveText('0.512 kg (weighed)');
  await expect(cashier.lines().nth(1).getByTestId('line-total')).toHaveText('¥6.55');
  await expect(cashier.total()).toHaveText('¥10.81');

  // Its own code scanned (no scale label on it) asks the weight too; Esc adds nothing.
  await cashier.scan('00123');
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(cashier.lines()).toHaveCount(2);

  // The customer sees each weighed line's weight, not "×1".
  const display = new CustomerPage(await page.context().newPage());
  await display.goto(host.url);
  await expect(display.lines()).toHaveCount(2);
  await expect(display.page.getByTestId('display-line-weight')).toHaveText(['0.333 kg', '0.512 kg']);
});
