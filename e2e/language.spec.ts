import { CustomerPage, DEMO, expect, test } from './fixtures';

test.use({ locale: 'zh-CN' });

test('a Chinese system gets the Chinese cashier and display; English is one click away', async ({
  cashier,
  page,
  context,
  host,
}, testInfo) => {
  await expect(page.getByTestId('cash-button')).toContainText('现金');
  await cashier.scanAndSee(DEMO.americano.barcode);
  await expect(cashier.line(DEMO.americano.barcode).getByTestId('line-name')).toHaveText('美式咖啡');
  const display = new CustomerPage(await context.newPage());
  await display.goto(host.url);
  await expect(display.lines()).toHaveCount(1);
  await expect(display.page.getByTestId('display-line')).toContainText('美式咖啡');
  await page.screenshot({ path: testInfo.outputPath('cashier-zh.png') });
  await display.page.screenshot({ path: testInfo.outputPath('display-zh.png') });

  await page.getByTestId('lang-toggle').click();
  await expect(page.getByTestId('cash-button')).toContainText('Cash');
  await expect(cashier.line(DEMO.americano.barcode).getByTestId('line-name')).toHaveText('Americano');
});
