// What a scan sells: exact codes first, other spellings of EAN/UPC codes, scale labels, and why a code is
// refused. A real till on a real SQLite file.
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api } from '../../shared/api';
import { routePaymentCode } from '../../shared/payment';
import { SCALE_PRESETS } from '../../shared/scale';
import { withCheckDigit } from './barcode';
import { openTestTill, refusal, type TestTill } from './testing';

let till: TestTill;

beforeEach(async () => {
  till = openTestTill();
  await till.call('catalog.clearDemo', {});
});

afterEach(() => till.close());

const scan = (barcode: string) => till.call('cart.scan', { barcode });
const lastLine = async () => (await till.call('cart.get', {})).lines.at(-1)!;

/** Turns the scale labels on with the given templates. */
function scales(...templates: string[]) {
  return till.call('settings.update', {
    scaleBarcodes: { enabled: true, prefixes: [21, 22, 25, 28], templates },
  });
}

describe('barcode sense', () => {
  it('says a code with a wrong check digit is a misread, only when nothing has that code', async () => {
    await till.call('products.save', { barcode: '6901234567892', name: '矿泉水', priceMinor: 200 });
    for (const [code, kind, expected] of [
      ['6901234567893', 'EAN-13', 2],
      ['036000291453', 'UPC-A', 2],
      ['96385075', 'EAN-8', 4],
      ['04252615', 'UPC-E', 4],
    ] as const) {
      const err = await refusal(scan(code));
      expect(err.code, code).toBe('BAD_CHECK_DIGIT');
      expect(err.params, code).toMatchObject({ barcode: code, kind, expected });
    }
    // Right check digits, or not an EAN/UPC shape at all: just unknown.
    for (const code of ['6901234567885', '036000291452', '96385074', 'CAKE-9', '12345']) {
      expect((await refusal(scan(code))).code, code).toBe('UNKNOWN_BARCODE');
    }
    expect((await till.call('cart.get', {})).lines).toEqual([]);
  });

  it('sells a product stored under a code with a wrong check digit: the exact match wins', async () => {
    // Shops make their own codes; an older version or a hand edit may have stored one like this.
    const db = new Database(path.join(till.dataDir, 'tillpoint.db'));
    db.prepare(
      "INSERT INTO products (barcode, name, name_en, category, price_minor, tax_rate_bp, active, is_demo, search_text, sort_key, created_at, updated_at) VALUES ('12345670', '自制蛋糕', '', '', 1500, 0, 1, 0, '', '', '2026-01-01', '2026-01-01')",
    ).run();
    db.close();
    expect((await scan('12345670')).lines[0]).toMatchObject({ name: '自制蛋糕', unitPriceMinor: 1500 });
  });

  it('finds a UPC-A product by its EAN-13 spelling and the other way round, and by its UPC-E', async () => {
    await till.call('products.save', { barcode: '036000291452', name: 'UPC-A 商品', priceMinor: 100 });
    await till.call('products.save', { barcode: '0012345678905', name: 'EAN-13 商品', priceMinor: 200 });
    await till.call('products.save', { barcode: '042100005264', name: 'UPC-E 商品', priceMinor: 300 });
    expect((await till.call('products.lookup', { barcode: '0036000291452' }))?.name).toBe('UPC-A 商品');
    expect((await till.call('products.lookup', { barcode: '012345678905' }))?.name).toBe('EAN-13 商品');
    expect((await till.call('products.lookup', { barcode: '04252614' }))?.name).toBe('UPC-E 商品');
    await scan('0036000291452');
    await scan('012345678905');
    await scan('04252614');
    expect((await till.call('cart.get', {})).lines.map((l) => l.name)).toEqual([
      'UPC-A 商品',
      'EAN-13 商品',
      'UPC-E 商品',
    ]);
  });

  it('accepts an 8-digit code that is a valid UPC-E as a product barcode', async () => {
    // 04252614: a wrong EAN-8 check digit, a right UPC-E one.
    await till.call('products.save', { barcode: '04252614', name: '口香糖', priceMinor: 150 });
    const err = await refusal(till.call('products.save', { barcode: '04252615', name: 'x', priceMinor: 1 }));
    expect(err.params).toMatchObject({ expectedCheckDigit: 4 });
  });
});

describe('scale labels', () => {
  async function weighedProducts() {
    // 苹果 12.80 a kg, 散装糖果 1.50 a kg (for rounding), 面包 by the piece.
    await till.call('products.save', { barcode: '00123', name: '苹果', priceMinor: 1280, soldByWeight: true });
    await till.call('products.save', { barcode: '456', name: '散装糖果', priceMinor: 150, soldByWeight: true });
    await till.call('products.save', { barcode: '00777', name: '面包', priceMinor: 800 });
  }

  it('never sells a weighed product by a tap or its own code (that would be exactly 1 kg)', async () => {
    await weighedProducts();
    const apple = (await till.call('products.search', { query: '苹果' })).items[0]!;
    expect((await refusal(till.call('cart.addProduct', { productId: apple.id }))).code).toBe('WEIGH_FIRST');
    expect((await refusal(scan('00123'))).code).toBe('WEIGH_FIRST');
    expect((await till.call('cart.get', {})).lines).toEqual([]);
  });

  it('are plain unknown codes until the shop turns them on', async () => {
    await weighedProducts();
    expect((await refusal(scan(withCheckDigit('210012300426')))).code).toBe('UNKNOWN_BARCODE');
  });

  it('reads the amount a 13-digit price label carries', async () => {
    await weighedProducts();
    await scales(SCALE_PRESETS.ean13Price);
    // 21 | 00123 | 00426 | check: 苹果 for ¥4.26.
    const order = await scan(withCheckDigit('210012300426'));
    expect(order.lines[0]).toMatchObject({ name: '苹果', quantity: 1, unitPriceMinor: 426, weightGrams: null });
    expect(order.totalMinor).toBe(426);
  });

  it('prices a 13-digit weight label from the price a kilogram, rounded half up to the fen', async () => {
    await weighedProducts();
    await scales(SCALE_PRESETS.ean13Weight);
    // 333 g of 苹果 at 12.80 = 4.2624 -> 4.26; 333 g of 糖果 at 1.50 = 0.4995 -> 0.50; leading zeros of the item
    // (00456) need not be in the product's barcode (456).
    await scan(withCheckDigit('220012300333'));
    expect(await lastLine()).toMatchObject({ name: '苹果', unitPriceMinor: 426, weightGrams: 333 });
    await scan(withCheckDigit('220045600333'));
    expect(await lastLine()).toMatchObject({ name: '散装糖果', unitPriceMinor: 50, weightGrams: 333 });
    // Two labels of the same product are two lines, and a weighed line's quantity does not change.
    const order = await scan(withCheckDigit('220012301000'));
    expect(order.lines.map((l) => [l.name, l.unitPriceMinor, l.weightGrams])).toEqual([
      ['苹果', 426, 333],
      ['散装糖果', 50, 333],
      ['苹果', 1280, 1000],
    ]);
    expect((await refusal(till.call('cart.setQuantity', { lineId: order.lines[0].id, quantity: 2 }))).code).toBe(
      'WEIGHED_LINE',
    );
    // A weight label for a product sold by the piece has no price a kilogram to use.
    expect((await refusal(scan(withCheckDigit('220077700500')))).code).toBe('NOT_SOLD_BY_WEIGHT');
  });

  it('reads an 18-digit label starting with 25 (also an Alipay code shape) as weight and amount', async () => {
    await weighedProducts();
    await scales(SCALE_PRESETS.ean13Price, SCALE_PRESETS.cn18);
    // 25 | 00123 | 00512 g | 00655 fen | check.
    const label = withCheckDigit('25001230051200655');
    expect(label).toHaveLength(18);
    expect(routePaymentCode(label)).toEqual({ provider: 'alipay' });
    const order = await scan(label);
    expect(order.lines[0]).toMatchObject({ name: '苹果', unitPriceMinor: 655, weightGrams: 512, quantity: 1 });
    // The journal keeps the line, never the label (it has a payment code's shape).
    const db = new Database(path.join(till.dataDir, 'tillpoint.db'), { readonly: true });
    const journal = db.prepare('SELECT group_concat(data) FROM journal').pluck().get() as string;
    db.close();
    expect(journal).not.toContain(label);
    expect(journal).toContain('"weightGrams":512');
  });

  it('sells nothing from a label with a wrong check digit, and says so without the whole code', async () => {
    await weighedProducts();
    await scales(SCALE_PRESETS.cn18);
    const good = withCheckDigit('25001230051200655');
    const bad = good.slice(0, -1) + String((Number(good.at(-1)) + 1) % 10);
    const err = await refusal(scan(bad));
    expect(err.code).toBe('BAD_CHECK_DIGIT');
    expect(err.params).toMatchObject({ kind: 'scale', expected: Number(good.at(-1)) });
    expect(String(err.params?.barcode)).toMatch(/^2500\*+\d{4}$/);
    expect(err.message).not.toContain(bad);
    expect((await till.call('cart.get', {})).lines).toEqual([]);
  });

  it('refuses a label whose item no product has', async () => {
    await weighedProducts();
    await scales(SCALE_PRESETS.ean13Price);
    const err = await refusal(scan(withCheckDigit('219999900426')));
    expect(err.code).toBe('SCALE_ITEM_UNKNOWN');
    expect(err.params).toMatchObject({ item: '99999' });
  });

  it('lets a product whose own barcode is the label win over the template', async () => {
    await weighedProducts();
    await scales(SCALE_PRESETS.ean13Price);
    const code = withCheckDigit('210012300426');
    await till.call('products.save', { barcode: code, name: '预包装苹果', priceMinor: 999 });
    expect((await scan(code)).lines[0]).toMatchObject({ name: '预包装苹果', unitPriceMinor: 999, weightGrams: null });
  });

  it('keeps only templates and prefixes that can be read', async () => {
    const valid = (v: unknown) => api['settings.update'].input.safeParse({ scaleBarcodes: v }).success;
    const ok = { enabled: true, prefixes: [21], templates: [SCALE_PRESETS.ean13Price] };
    expect(valid(ok)).toBe(true);
    // No check digit; no weight or amount; a weight run too short; two templates of one length.
    for (const templates of [['FFIIIIIPPPPP'], ['FFIIIIIC'], ['FFIIIIIWWPPPPPC'], ['FFIIIIIPPPPPC', 'FFIIIIIWWWWWC']]) {
      expect(valid({ ...ok, templates }), templates.join()).toBe(false);
    }
    for (const prefixes of [[19], [30], [21, 21], []]) expect(valid({ ...ok, prefixes }), prefixes.join()).toBe(false);
    // A template with an ignored digit (a price check digit some scales print) is kept and read.
    const saved = await scales('FFIIIIIXWWWWWPPPPPC');
    expect(saved.scaleBarcodes.templates).toEqual(['FFIIIIIXWWWWWPPPPPC']);
    await till.call('products.save', { barcode: '00123', name: '苹果', priceMinor: 1280, soldByWeight: true });
    expect((await scan(withCheckDigit('2800123' + '7' + '00512' + '00655'))).lines[0]).toMatchObject({
      unitPriceMinor: 655,
      weightGrams: 512,
    });
  });
});

describe('sold by weight in the catalog CSV', () => {
  it('is exported as a column and read back on import; a file without the column keeps the flag', async () => {
    await till.call('products.save', { barcode: '00123', name: '苹果', priceMinor: 1280, soldByWeight: true });
    await till.call('products.save', { barcode: '00777', name: '面包', priceMinor: 800 });
    const { csv } = await till.call('products.exportCsv', {});
    const lines = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('barcode,name,name_en,category,price,tax_rate,active,sold_by_weight');
    expect(lines).toContain('00123,苹果,,,12.80,0,1,1');
    expect(lines).toContain('00777,面包,,,8.00,0,1,0');

    await till.call('products.import', { csv: 'barcode,name,price,称重\n00777,面包,8.00,是\n00888,香蕉,6.50,1\n' });
    await till.call('products.import', { csv: 'barcode,name,price\n00123,苹果,13.80\n' });
    const flags = async (barcode: string) => (await till.call('products.lookup', { barcode }))?.soldByWeight;
    expect([await flags('00123'), await flags('00777'), await flags('00888')]).toEqual([true, true, true]);
    const preview = await till.call('products.importPreview', { csv: 'barcode,name,price,sold_by_weight\n1,x,1,kg\n' });
    expect(preview.rows[0].errors.map((e) => e.field)).toEqual(['sold_by_weight']);
  });
});
