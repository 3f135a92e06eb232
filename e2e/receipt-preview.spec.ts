// The receipt on screen, as the printer lays it out: from History for a sale, in Chinese and in English
// (screenshots kept with the test output).
import { DEMO, expect, test } from './fixtures';

test.use({ locale: 'zh-CN' });

test('History shows a sale’s receipt as printed, in Chinese and in English, with no printer set up', async ({
  cashier,
  page,
}, testInfo) => {
  await cashier.scanAndSee(DEMO.americano.barcode);
  await cashier.payCash('20');
  await cashier.newSale();

  const showReceipt = async () => {
    await page.getByTestId('history-button').click();
    await page.getByTestId('history-item').first().getByRole('button').first().click();
    await page.getByTestId('history-receipt').click();
    await expect(page.getByTestId('receipt-preview')).toBeVisible();
    return page.frameLocator('[data-testid="receipt-preview-frame"]');
  };

  let receipt = await showReceipt();
  await expect(receipt.locator('.paper')).toContainText('美式咖啡');
  await expect(receipt.locator('.l', { hasText: '合计' })).toContainText('￥18.00');
  await expect(receipt.locator('.l', { hasText: '找零' })).toContainText('￥2.00');
  await expect(receipt.locator('.qr svg')).toBeVisible();
  await page.getByTestId('receipt-preview').screenshot({ path: testInfo.outputPath('receipt-zh.png') });
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('history-dialog')).toBeHidden();

  await page.getByTestId('lang-toggle').click();
  await expect(page.getByTestId('cash-button')).toContainText('Cash');
  receipt = await showReceipt();
  await expect(receipt.locator('.l', { hasText: /^TOTAL/ })).toContainText('￥18.00');
  await page.getByTestId('receipt-preview').screenshot({ path: testInfo.outputPath('receipt-en.png') });
});

test('Settings previews a sample receipt with the header being typed, flagging what the printer cannot print', async ({
  cashier,
}, testInfo) => {
  const { page } = cashier;
  await page.getByTestId('settings-button').click();
  await page.getByTestId('printer-header').fill('欢迎光临 😀');
  await page.getByTestId('printer-preview').click();
  const receipt = page.frameLocator('[data-testid="receipt-preview-frame"]');
  await expect(receipt.locator('.paper')).toContainText('欢迎光临');
  await expect(receipt.locator('.np')).toHaveCount(1);
  await expect(receipt.locator('.warn')).toContainText('😀');
  await page.getByTestId('receipt-preview').screenshot({ path: testInfo.outputPath('sample-zh.png') });
});
