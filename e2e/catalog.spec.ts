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
  // The import showed how far it was; it ends with every row of the file gone through, and the result.
  await expect(page.getByTestId('import-progress')).toHaveAttribute('data-phase', 'done');
  await expect(page.getByTestId('import-progress')).toHaveText('Done: 3 rows gone through');
  await expect(page.getByTestId('import-summary')).toHaveText('Imported: 1 new, 0 updated, 2 skipped');
  await expect(page.getByTestId('import-confirm')).toBeDisabled();
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

test('a CSV file of 3,000 rows: the preview shows 500 of them, the import shows its progress and writes all', async ({
  cashier,
  page,
}) => {
  const rows = Array.from({ length: 3000 }, (_, i) => {
    const n = String(i + 1).padStart(5, '0');
    return `E2E-${n},测试商品 ${n},Test Item ${n},测试,${(1 + (i % 50)).toFixed(2)},6,1`;
  });
  const file = ['barcode,name,name_en,category,price,tax_rate,active', ...rows].join('\r\n');
  await page.getByTestId('catalog-button').click();
  await page.getByTestId('catalog-tab-import').click();
  await page.getByTestId('import-file').setInputFiles({
    name: 'big.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(file, 'utf8'),
  });
  await expect(page.getByTestId('import-file-name')).toHaveText('big.csv');
  await page.getByTestId('import-preview-button').click();
  await expect(page.getByTestId('import-summary')).toHaveText('3000 new, 0 updated, 0 unchanged, 0 with errors');
  await expect(page.getByTestId('import-rows-shown')).toHaveText(
    'Showing 500 of 3,000 rows (rows with problems take priority)',
  );
  await expect(page.getByTestId('import-row')).toHaveCount(500);
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('import-progress')).toHaveText('Done: 3,000 rows gone through');
  await expect(page.getByTestId('import-summary')).toHaveText('Imported: 3000 new, 0 updated, 0 skipped');
  await page.getByTestId('modal-close').click();

  await cashier.scanAndSee('E2E-03000');
  await expect(cashier.line('E2E-03000').getByTestId('line-name')).toHaveText('Test Item 03000');
});

test('a CSV file over 5 MB is refused at once with its name and what to do; the file before it stays', async ({
  cashier,
  page,
}) => {
  await expect(cashier.total()).toBeVisible();
  await page.getByTestId('catalog-button').click();
  await page.getByTestId('catalog-tab-import').click();
  await page
    .getByTestId('import-file')
    .setInputFiles({ name: 'small.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
  await expect(page.getByTestId('import-file-name')).toHaveText('small.csv');
  const rows = ['barcode,name,price'];
  for (let i = 0; rows.length < 200_000; i++) rows.push(`69${String(i).padStart(11, '0')},可口可乐 ${i},3.50`);
  const big = Buffer.from(rows.join('\n'));
  expect(big.length).toBeGreaterThan(5 * 1024 * 1024);
  await page.getByTestId('import-file').setInputFiles({ name: 'everything.csv', mimeType: 'text/csv', buffer: big });
  await expect(page.getByTestId('toast')).toHaveText(
    'everything.csv is larger than 5 MB: split it into smaller files and import them one by one',
  );
  await expect(page.getByTestId('import-file-name')).toHaveText('small.csv');
  await page.getByTestId('import-preview-button').click();
  await expect(page.getByTestId('import-row')).toHaveCount(3);
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
