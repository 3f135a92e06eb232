// Scale labels at the till: a weighed product sold from its label, an 18-digit label that also has an Alipay
// code's shape sold as a label with the cart saying why, and a misread label adding nothing.
import { gs1CheckDigit, SCALE_PRESETS } from '../shared/scale';
import { callApi, expect, test } from './fixtures';

const label = (body: string) => body + gs1CheckDigit(body);

test('a scale label adds the weighed product at its price; a bad check digit adds nothing', async ({
  cashier,
  host,
  page,
}) => {
  await callApi(host.url, 'settings.update', {
    scaleBarcodes: { enabled: true, prefixes: [21, 25], templates: [SCALE_PRESETS.ean13Weight, SCALE_PRESETS.cn18] },
  });
  // 苹果 at ¥12.80 a kilogram; its scale item number is its barcode.
  await callApi(host.url, 'products.save', {
    barcode: '00123',
    name: '苹果',
    nameEn: 'Apples',
    priceMinor: 1280,
    soldByWeight: true,
  });
  await cashier.goto();

  // 13 digits, weight only: 333 g × ¥12.80/kg = ¥4.2624, charged ¥4.26.
  await cashier.scan(label('210012300333'));
  await expect(cashier.lines()).toHaveCount(1);
  await expect(cashier.lines().nth(0).getByTestId('line-weight')).toHaveText('0.333 kg (weighed)');
  await expect(cashier.lines().nth(0).getByTestId('line-total')).toHaveText('¥4.26');

  // 18 digits starting 25 (an Alipay code's shape): 512 g for ¥6.55, read as a label, and the cart says so.
  const long = label('25001230051200655');
  await cashier.scan(long);
  await expect(cashier.lines()).toHaveCount(2);
  await expect(cashier.lines().nth(1).getByTestId('line-weight')).toHaveText('0.512 kg (weighed)');
  await expect(cashier.lines().nth(1).getByTestId('line-total')).toHaveText('¥6.55');
  await expect(page.getByTestId('toast').filter({ hasText: 'not as a payment code' })).toBeVisible();
  await expect(cashier.total()).toHaveText('¥10.81');

  // A 13-digit label misread: nothing added, and the till says it was a misread.
  const short = label('210012300333');
  const misread = short.slice(0, -1) + String((Number(short.at(-1)) + 1) % 10);
  await cashier.scan(misread);
  await expect(page.getByTestId('toast').filter({ hasText: 'Misread scale label' })).toBeVisible();
  // The 18-digit one misread fails the label's check, so it is the payment code it looks like: never sold,
  // never shown whole.
  const misreadLong = long.slice(0, -1) + String((Number(long.at(-1)) + 1) % 10);
  await cashier.scan(misreadLong);
  await expect(page.getByTestId('toast').filter({ hasText: 'Customer payment code 2500' })).toBeVisible();
  await expect(page.getByTestId('toast').filter({ hasText: misreadLong })).toHaveCount(0);
  await expect(cashier.lines()).toHaveCount(2);
  await expect(cashier.total()).toHaveText('¥10.81');
});
