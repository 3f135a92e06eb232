import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asInput, openTestTill, refusal, type TestTill, tempDataDir } from './testing';

let till: TestTill;
beforeEach(() => {
  till = openTestTill();
});
afterEach(() => till.close());

const names = (r: { items: { name: string }[] }) => r.items.map((p) => p.name);

describe('the demo catalog', () => {
  it('is loaded on first open, and the app says the data is demo data', async () => {
    expect((await till.call('app.info', {})).isDemoData).toBe(true);
    const all = await till.call('products.search', { includeInactive: true, limit: 500 });
    expect(all.total).toBe(43);
    expect(all.items.every((p) => p.isDemo)).toBe(true);
    const categories = await till.call('catalog.categories', {});
    expect(categories).toContainEqual({ name: '咖啡', count: 6 }); // the seasonal latte is inactive
  });

  it('clears: demo products go, past orders keep their lines, and it does not come back after a restart', async () => {
    await till.call('cart.scan', { barcode: '2000001000007' });
    const { order } = await till.call('checkout.cash', { tenderedMinor: 1800 });
    await till.call('cart.scan', { barcode: '2000002000006' });
    const changed = till.next('catalog.changed');

    expect(await till.call('catalog.clearDemo', {})).toEqual({ removedProducts: 43 });
    expect(await changed).toEqual({ reason: 'demoCleared' });
    expect((await till.call('app.info', {})).isDemoData).toBe(false);
    expect((await till.call('products.search', { includeInactive: true })).total).toBe(0);
    expect(await till.call('catalog.categories', {})).toEqual([]);

    const [kept] = await till.call('orders.today', {});
    expect(kept).toMatchObject({ id: order.id, isDemo: true });
    expect(kept.lines[0]).toMatchObject({ productId: null, name: '美式咖啡', unitPriceMinor: 1800 });
    expect((await till.call('cart.get', {})).lines[0]).toMatchObject({ productId: null, name: '拿铁' });
    expect(till.db.prepare("SELECT count(*) FROM journal WHERE kind = 'catalog.demoCleared'").pluck().get()).toBe(1);

    const dataDir = till.dataDir;
    till.close();
    till = openTestTill({ dataDir });
    expect((await till.call('products.search', { includeInactive: true })).total).toBe(0);
  });
});

describe('product search', () => {
  it('finds by pinyin initials, full pinyin, Chinese, English and barcode', async () => {
    expect(names(await till.call('products.search', { query: 'kkkl' }))).toEqual([
      '可口可乐 330ml',
      '可口可乐零度 500ml',
    ]);
    expect(names(await till.call('products.search', { query: 'kl' }))).toEqual(
      expect.arrayContaining(['可口可乐 330ml', '可口可乐零度 500ml', '百事可乐 500ml']),
    );
    expect(names(await till.call('products.search', { query: 'kekoukele' }))).toHaveLength(2);
    expect(names(await till.call('products.search', { query: '可乐' }))).toHaveLength(3);
    expect(names(await till.call('products.search', { query: 'COLA' }))).toHaveLength(3);
    expect(names(await till.call('products.search', { query: 'latte' }))).toEqual(
      expect.arrayContaining(['拿铁', '燕麦拿铁', '抹茶拿铁']),
    );
    // Accents fold for Latin queries ("Caffè" -> "caffe") and match as typed otherwise.
    expect(names(await till.call('products.search', { query: 'caffe' }))).toEqual(['拿铁']);
    expect(names(await till.call('products.search', { query: 'Caffè' }))).toEqual(['拿铁']);
  });

  it('ranks an exact barcode first, then barcode prefixes, then names', async () => {
    const a = await till.call('products.save', { barcode: '12345', name: '甲', priceMinor: 100 });
    const b = await till.call('products.save', { barcode: '123456', name: '乙', priceMinor: 100 });
    const c = await till.call('products.save', { barcode: 'X1', name: '丙 12345', priceMinor: 100 });
    const found = await till.call('products.search', { query: '12345' });
    expect(found.items.map((p) => p.id)).toEqual([a.id, b.id, c.id]);
    expect((await till.call('products.search', { query: '123456' })).items.map((p) => p.id)).toEqual([b.id]);
  });

  it('ranks pinyin initials before letters that happen to be inside an English word', async () => {
    // "Pickled" and "Sparkling" hold "kl", but a cashier typing kl means 可乐 (or 巧克力).
    const kl = names(await till.call('products.search', { query: 'kl' }));
    expect(kl.slice(0, 5)).toEqual(
      expect.arrayContaining(['可口可乐 330ml', '可口可乐零度 500ml', '百事可乐 500ml', '德芙丝滑牛奶巧克力 43g']),
    );
    expect(kl.slice(5).sort()).toEqual(['元气森林气泡水 480ml', '统一老坛酸菜牛肉面']);
  });

  it('ranks words that start with the query before words that merely contain it', async () => {
    await till.call('catalog.clearDemo', {});
    // Listing order is 甲 (jia) before 乙 (yi); the ranking puts "Tea Egg" first for "tea".
    await till.call('products.save', { barcode: 'A', name: '甲', nameEn: 'Steak', priceMinor: 100 });
    await till.call('products.save', { barcode: 'B', name: '乙', nameEn: 'Tea Egg', priceMinor: 100 });
    expect(names(await till.call('products.search', { query: '' }))).toEqual(['甲', '乙']);
    expect(names(await till.call('products.search', { query: 'tea' }))).toEqual(['乙', '甲']);
    // The same for Chinese: 蛋糕 (dangao) starts with 蛋 and comes before 茶叶蛋 (chayedan).
    await till.call('products.save', { barcode: 'C', name: '茶叶蛋', priceMinor: 100 });
    await till.call('products.save', { barcode: 'D', name: '蛋糕', priceMinor: 100 });
    expect(names(await till.call('products.search', { query: '' })).slice(0, 2)).toEqual(['茶叶蛋', '蛋糕']);
    expect(names(await till.call('products.search', { query: '蛋' }))).toEqual(['蛋糕', '茶叶蛋']);
  });

  it('matches every word of a query, in any field', async () => {
    expect(names(await till.call('products.search', { query: '可乐 500' }))).toEqual(
      expect.arrayContaining(['可口可乐零度 500ml', '百事可乐 500ml']),
    );
    expect(names(await till.call('products.search', { query: 'coca zero' }))).toEqual(['可口可乐零度 500ml']);
  });

  it('filters by category, hides inactive products unless asked, and pages', async () => {
    const coffee = await till.call('products.search', { category: '咖啡' });
    expect(coffee.total).toBe(6);
    const withInactive = await till.call('products.search', { category: '咖啡', includeInactive: true });
    expect(withInactive.total).toBe(7);
    expect(names(withInactive)).toContain('南瓜拿铁（季节限定）');
    expect((await till.call('products.search', { query: 'ngnt' })).total).toBe(0);
    expect((await till.call('products.search', { query: 'ngnt', includeInactive: true })).total).toBe(1);
    expect((await till.call('products.search', { category: '没有' })).total).toBe(0);

    const all = await till.call('products.search', { limit: 500 });
    const page = await till.call('products.search', { limit: 5, offset: 10 });
    expect(page.total).toBe(all.total);
    expect(page.items).toEqual(all.items.slice(10, 15));
  });

  it('lists by category, then by how the name is said', async () => {
    const coffee = await till.call('products.search', { category: '咖啡' });
    // pinyin order: kabuqinuo, meishi..., mo ka, na tie, shou chong, yan mai
    expect(names(coffee)).toEqual(['卡布奇诺', '美式咖啡', '摩卡', '拿铁', '手冲咖啡', '燕麦拿铁']);
  });

  it('sees saved changes at once', async () => {
    const [cola] = (await till.call('products.search', { query: 'kkkl' })).items;
    await till.call('products.save', { ...asInput(cola), active: false });
    expect(names(await till.call('products.search', { query: 'kkkl' }))).toEqual(['可口可乐零度 500ml']);
    await till.call('products.save', { ...asInput(cola), name: '健怡可乐 330ml', active: true });
    expect(names(await till.call('products.search', { query: 'kkkl' }))).toEqual(['可口可乐零度 500ml']);
    expect(names(await till.call('products.search', { query: 'jykl' }))).toEqual(['健怡可乐 330ml']);
  });
});

describe('saving a product', () => {
  it('creates and updates, pushing catalog.changed', async () => {
    const changed = till.next('catalog.changed');
    const p = await till.call('products.save', {
      barcode: '6901234567892',
      name: ' 酸奶 ',
      priceMinor: 650,
      taxRateBp: 1300,
    });
    expect(p).toMatchObject({ name: '酸奶', nameEn: '', category: '', active: true, isDemo: false });
    expect(await changed).toEqual({ reason: 'saved' });
    const updated = await till.call('products.save', { ...asInput(p), priceMinor: 700, category: '乳品' });
    expect(updated).toMatchObject({ id: p.id, priceMinor: 700, category: '乳品' });
    expect(await till.call('products.lookup', { barcode: '6901234567892' })).toEqual(updated);
  });

  it('refuses a barcode another product has, a wrong check digit and an unknown id', async () => {
    const taken = await refusal(
      till.call('products.save', { barcode: '2000001000007', name: '别的', priceMinor: 100 }),
    );
    expect(taken.code).toBe('BARCODE_TAKEN');
    expect(taken.params).toMatchObject({ barcode: '2000001000007', name: '美式咖啡' });
    const check = await refusal(till.call('products.save', { barcode: '6901234567890', name: '错', priceMinor: 100 }));
    expect(check.code).toBe('INVALID_INPUT');
    expect(check.message).toContain('check digit');
    expect(check.params).toMatchObject({ field: 'barcode', expectedCheckDigit: 2 });
    const unknown = await refusal(
      till.call('products.save', { id: 999_999, barcode: 'NEW', name: '新', priceMinor: 100 }),
    );
    expect(unknown.code).toBe('PRODUCT_NOT_FOUND');
  });

  it('finds a UPC-A code stored as EAN-13 and the other way round', async () => {
    const upc = await till.call('products.save', { barcode: '036000291452', name: '美国货', priceMinor: 100 });
    expect((await till.call('products.lookup', { barcode: '0036000291452' }))?.id).toBe(upc.id);
    expect(await till.call('products.lookup', { barcode: '036000291453' })).toBeNull();
  });
});

describe('CSV import and export', () => {
  const header = 'barcode,name,name_en,category,price,tax_rate,active,sold_by_weight';

  it('previews every row with its action and per-field errors, writing nothing', async () => {
    const csv = [
      header,
      '6901234567892,酸奶,Yogurt,乳品,6.50,13,1', // create
      '2000001000007,美式咖啡,Americano,咖啡,19.00,6,1', // update (price)
      '2000002000006,拿铁,Caffè Latte,咖啡,22.00,6,1', // unchanged
      ',无码,,,1.00,,', // missing barcode
      '6901234567890,错码,,,1.00,,', // bad check digit
      '6902222222229,,,,1.00,,', // empty name
      '6903333333330,贵,,,abc,,', // price not a number
      '6904444444441,零头,,,1.234,,', // too many decimals
      '6905555555552,负数,,,-1,,', // negative
      '6906666666663,税,,,1.00,abc,', // bad tax rate
      '6901234567892,又是酸奶,,,6.50,13,1', // duplicate within the file
      '6907777777774,状态,,,1.00,13,maybe', // bad active
    ].join('\n');
    const before = await till.call('products.exportCsv', {});
    const preview = await till.call('products.importPreview', { csv });
    expect(preview).toMatchObject({ creates: 1, updates: 1, unchanged: 1, errors: 9 });
    const byLine = Object.fromEntries(preview.rows.map((r) => [r.line, r]));
    expect(byLine[2]).toMatchObject({
      action: 'create',
      barcode: '6901234567892',
      name: '酸奶',
      priceMinor: 650,
      errors: [],
    });
    expect(byLine[3]).toMatchObject({ action: 'update', priceMinor: 1900 });
    expect(byLine[4]).toMatchObject({ action: 'unchanged' });
    const codes = (line: number) => byLine[line].errors.map((e) => `${e.field}:${e.code}`);
    expect(codes(5)).toEqual(['barcode:required']);
    expect(codes(6)).toEqual(['barcode:checkDigit']);
    expect(codes(7)).toEqual(['name:required']);
    expect(codes(8)).toEqual(['price:format']);
    expect(codes(9)).toEqual(['price:decimals']);
    expect(codes(10)).toEqual(['price:negative']);
    expect(codes(11)).toEqual(['tax_rate:format']);
    expect(codes(12)).toEqual(['barcode:duplicate']);
    expect(codes(13)).toEqual(['active:format']);
    expect(byLine[6].errors[0].message).toContain('2');
    expect(byLine[12].errors[0].message).toContain('row 2');
    expect(preview.rows.every((r) => r.action !== 'error' || r.errors.length > 0)).toBe(true);
    expect(await till.call('products.exportCsv', {})).toEqual(before);

    const changed = till.next('catalog.changed');
    const result = await till.call('products.import', { csv });
    expect(result).toMatchObject({ created: 1, updated: 1, skipped: 9, preview: { creates: 1, updates: 1 } });
    expect(await changed).toEqual({ reason: 'imported' });
    expect(await till.call('products.lookup', { barcode: '6901234567892' })).toMatchObject({
      name: '酸奶',
      nameEn: 'Yogurt',
      category: '乳品',
      priceMinor: 650,
      taxRateBp: 1300,
      active: true,
      isDemo: false,
    });
    expect((await till.call('products.lookup', { barcode: '2000001000007' }))?.priceMinor).toBe(1900);
    expect(await till.call('products.lookup', { barcode: '6903333333330' })).toBeNull();
    expect(names(await till.call('products.search', { query: 'sn' }))).toContain('酸奶');
  });

  it('exports every product in the import format, and importing the export changes nothing', async () => {
    await till.call('products.save', {
      barcode: 'Q-1',
      name: '"引号", 逗号',
      nameEn: '=SUM(A1)',
      priceMinor: 5,
      taxRateBp: 650,
    });
    const { csv, filename } = await till.call('products.exportCsv', {});
    expect(filename).toMatch(/^tillpoint-products-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(csv.startsWith(`\uFEFF${header}\r\n`)).toBe(true);
    expect(csv).toContain('2000001000007,美式咖啡,Americano,咖啡,18.00,6,1,0');
    expect(csv).toContain('南瓜拿铁（季节限定）');
    const preview = await till.call('products.importPreview', { csv });
    expect(preview).toMatchObject({ creates: 0, updates: 0, errors: 0, unchanged: 44 });
    expect((await till.call('products.import', { csv })).updated).toBe(0);
    expect(await till.call('products.lookup', { barcode: 'Q-1' })).toMatchObject({
      name: '"引号", 逗号',
      nameEn: '=SUM(A1)',
      priceMinor: 5,
      taxRateBp: 650,
    });
  });

  it('reads Chinese headers, a BOM, other column orders and missing optional columns', async () => {
    const csv = '\uFEFF售价,条码,名称\r\n3.5,6901234567892,矿泉水\r\n19,2000001000007,美式咖啡\r\n';
    const result = await till.call('products.import', { csv });
    expect(result).toMatchObject({ created: 1, updated: 1, skipped: 0 });
    // Columns the file does not have keep their values.
    expect(await till.call('products.lookup', { barcode: '2000001000007' })).toMatchObject({
      priceMinor: 1900,
      nameEn: 'Americano',
      category: '咖啡',
      taxRateBp: 600,
    });
    expect(await till.call('products.lookup', { barcode: '6901234567892' })).toMatchObject({
      priceMinor: 350,
      taxRateBp: 0,
    });
  });

  it('refuses a file that is not a product table', async () => {
    for (const csv of ['', 'hello world', 'a,b,c\n1,2,3', 'barcode,name\n1,x']) {
      const err = await refusal(till.call('products.importPreview', { csv }));
      expect(err.code).toBe('CSV_INVALID');
    }
    expect((await refusal(till.call('products.import', { csv: 'nope' }))).code).toBe('CSV_INVALID');
  });
});

describe('a new data folder', () => {
  it('gets the demo catalog once', async () => {
    const dataDir = tempDataDir();
    const a = openTestTill({ dataDir });
    await a.call('products.save', { barcode: 'OWN', name: '自己的', priceMinor: 100 });
    a.close();
    const b = openTestTill({ dataDir });
    expect((await b.call('products.search', { includeInactive: true, limit: 500 })).total).toBe(44);
    b.close();
  });
});
