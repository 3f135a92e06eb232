import { expect, test } from './fixtures';

const CSV = [
  'barcode,name,name_en,category,price,tax_rate,active',
  '6920000000012,桂花乌龙,Osmanthus Oolong,茶饮,16.50,6,1',
  '6920000000029,,No Name,茶饮,10.00,6,1',
  '6920000000036,太多小数,Too Many Decimals,茶饮,9.999,6,1',
].join('\n');

test('import a small CSV with a preview and per-row errors, then sell one of its products', async ({
  cashier,
  page,
}) => {
  await page.getByTestId('catalog-button').click();
  await page.getByTestId('catalog-tab-import').click();
  await page.getByTestId('import-text').fill(CSV);
  await page.getByTestId('import-preview-button').click();
  const rows = page.getByTestId('import-row');
  await expect(rows).toHaveCount(3);
  // Two rows are refused with a reason; nothing is written before confirming.
  await expect(page.locator('[data-testid="import-row-errors"] [data-code]')).toHaveCount(2);
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('import-summary')).toContainText('1');
  await page.getByTestId('modal-close').click();

  await cashier.scanAndSee('6920000000012');
  await expect(cashier.line('6920000000012').getByTestId('line-name')).toHaveText('Osmanthus Oolong');
  await expect(cashier.total()).toHaveText('¥16.50');
  await cashier.payCash('20');
  await expect(page.getByTestId('sale-done').getByTestId('change-due')).toHaveText('¥3.50');

  // The refused rows did not become products.
  await cashier.newSale();
  await cashier.scan('6920000000029');
  await expect(page.getByTestId('toast')).toContainText('6920000000029');
  await expect(cashier.lines()).toHaveCount(0);
});

test('search finds a product by pinyin initials and adds it with a tap', async ({ cashier, page }) => {
  await page.getByTestId('search-input').fill('kkkl');
  const tiles = page.getByTestId('product-tile');
  await expect(tiles).toHaveCount(2); // 可口可乐 330ml and 可口可乐零度 500ml
  await tiles.filter({ hasText: 'Coca-Cola 330ml' }).click();
  await expect(cashier.line('6905783086279')).toHaveCount(1);
  await expect(cashier.total()).toHaveText('¥3.50');
});

test('add a product by hand, sell it, change its price; bad input is refused with a reason', async ({
  cashier,
  page,
}) => {
  await page.getByTestId('catalog-button').click();
  await page.getByTestId('catalog-add').click();
  await page.getByTestId('product-barcode').fill('6920000000043');
  await page.getByTestId('product-name').fill('手工曲奇');
  await page.getByTestId('product-name-en').fill('Handmade Cookie');
  await page.getByTestId('product-category').fill('烘焙');
  // Three decimals cannot be a CNY price: refused, not rounded.
  await page.getByTestId('product-price').fill('6.505');
  await page.getByTestId('product-save').click();
  await expect(page.getByTestId('product-price-error')).toBeVisible();
  await page.getByTestId('product-price').fill('6.50');
  await page.getByTestId('product-save').click();
  await expect(page.getByTestId('product-save')).toBeHidden();
  await expect(page.locator('[data-testid="catalog-row"][data-barcode="6920000000043"]')).toContainText('¥6.50');
  await page.getByTestId('modal-close').click();

  await cashier.scanAndSee('6920000000043');
  await expect(cashier.total()).toHaveText('¥6.50');
  await cashier.payCash('10');
  await cashier.newSale();

  await page.getByTestId('catalog-button').click();
  await page.locator('[data-testid="catalog-row"][data-barcode="6920000000043"]').getByTestId('catalog-edit').click();
  await page.getByTestId('product-price').fill('7');
  await page.getByTestId('product-save').click();
  await expect(page.locator('[data-testid="catalog-row"][data-barcode="6920000000043"]')).toContainText('¥7.00');
  await page.getByTestId('modal-close').click();
  await cashier.scanAndSee('6920000000043');
  await expect(cashier.total()).toHaveText('¥7.00');
});

test('clearing the demo data leaves an empty catalog and no demo badge', async ({ cashier, page }) => {
  await expect(cashier.lines()).toHaveCount(0);
  await expect(page.getByTestId('demo-banner')).toBeVisible();
  await page.getByTestId('settings-button').click();
  await page.getByTestId('settings-clear-demo').click();
  await page.getByTestId('clear-demo-confirm').click();
  await expect(page.getByTestId('demo-banner')).toBeHidden();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('product-tile')).toHaveCount(0);
});
