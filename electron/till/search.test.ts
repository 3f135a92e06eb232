import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepos, openDatabase } from '../db/index';
import type { ProductsRepo } from '../db/products';
import { FIELD_SEP, namePinyin, SearchIndex, searchText } from './search';
import { seedProducts } from './seed';
import { openTestTill, tempDataDir } from './testing';

describe('search text', () => {
  it('holds the English name, pinyin initials and full pinyin, ASCII only', () => {
    expect(namePinyin('可口可乐 330ml')).toEqual({ initials: 'kkkl330ml', full: 'kekoukele330ml' });
    // Polyphones follow the word: 银行 is yin hang, 重庆 chong qing.
    expect(namePinyin('重庆银行')).toEqual({ initials: 'cqyh', full: 'chongqingyinhang' });
    expect(searchText('拿铁', 'Caffè Latte')).toBe('caffe latte\u001fnt\u001fnatie');
    const text = searchText('南瓜拿铁（季节限定）', '');
    expect([...text].every((c) => c.charCodeAt(0) < 0x7f)).toBe(true);
  });
});

describe('the index', () => {
  it('is rebuilt only when the catalog changed in a way it cannot patch', () => {
    const db = openDatabase(path.join(tempDataDir(), 'tillpoint.db'));
    const repos = createRepos(db);
    seedProducts(db, 10);
    let builds = 0;
    const index = new SearchIndex({
      version: () => repos.products.version(),
      indexCategories: () => {
        builds++;
        return repos.products.indexCategories();
      },
      indexListingPage: (after, limit) => repos.products.indexListingPage(after, limit),
      indexLatin: (from, to) => repos.products.indexLatin(from, to),
      indexNames: (from, to) => repos.products.indexNames(from, to),
    });
    const q = { query: '', includeInactive: false, limit: 100, offset: 0 };
    expect(index.search(q).total).toBe(10);
    index.search(q);
    expect(builds).toBe(1);

    // Price and active: patched in place.
    const p = repos.products.byId(1)!;
    db.prepare('UPDATE products SET active = 0, price_minor = 1 WHERE id = 1').run();
    index.productSaved(p, { ...p, active: false });
    expect(index.search(q).total).toBe(9);
    expect(builds).toBe(1);

    // A new name: rebuilt on the next search.
    db.prepare("UPDATE products SET name = 'x' WHERE id = 1").run();
    index.productSaved(p, { ...p, name: 'x' });
    index.search(q);
    expect(builds).toBe(2);

    // Rows written behind the till's back (a bulk seed) are seen too.
    seedProducts(db, 5, { startAt: 10 });
    expect(index.search(q).total).toBe(14);
    expect(builds).toBe(3);
    db.close();
  });

  /** An index over a fresh catalog of `n` products, counting its builds. */
  function counted(n: number) {
    const db = openDatabase(path.join(tempDataDir(), 'tillpoint.db'));
    const repos = createRepos(db);
    seedProducts(db, n);
    const counter = { builds: 0 };
    const index = new SearchIndex({
      version: () => repos.products.version(),
      indexCategories: () => {
        counter.builds++;
        return repos.products.indexCategories();
      },
      indexListingPage: (after, limit) => repos.products.indexListingPage(after, limit),
      indexLatin: (from, to) => repos.products.indexLatin(from, to),
      indexNames: (from, to) => repos.products.indexNames(from, to),
    });
    return { db, index, counter };
  }
  const q = { query: 'kl', includeInactive: false, limit: 10, offset: 0 };

  it('is built in the background, so the first search finds it ready', async () => {
    const { db, index, counter } = counted(5000);
    await index.warm();
    expect(counter.builds).toBe(1);
    expect(index.search(q).total).toBeGreaterThan(0);
    expect(counter.builds).toBe(1);
    db.close();
  });

  it('is built again when the catalog changes while it is being built', async () => {
    const { db, index, counter } = counted(5000);
    const warmed = index.warm();
    // Two turns of the event loop: the listing and the first slice are read.
    for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve));
    seedProducts(db, 3, { startAt: 5000 });
    await warmed;
    expect(counter.builds).toBe(2);
    expect(index.search({ ...q, query: '' }).total).toBe(5003);
    expect(counter.builds).toBe(2);
    db.close();
  });

  it('while held, answers from the last build and builds nothing; the release builds again', async () => {
    const { db, index, counter } = counted(5000);
    await index.warm();
    const release = index.hold();
    seedProducts(db, 3, { startAt: 5000 });
    const warmed = index.warm();
    // Two turns of the event loop: a background build would have started.
    for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(index.search({ ...q, query: '' }).total).toBe(5000);
    expect(counter.builds).toBe(1);
    release();
    release(); // once only
    await warmed;
    expect(counter.builds).toBe(2);
    expect(index.search({ ...q, query: '' }).total).toBe(5003);
    db.close();
  });

  it('stops building when asked, before its database closes', async () => {
    const { db, index, counter } = counted(5000);
    const warmed = index.warm();
    await new Promise((resolve) => setImmediate(resolve));
    index.stop();
    db.close();
    await warmed;
    // Nothing ran after the stop (it would have thrown on the closed database).
    await new Promise((resolve) => setImmediate(resolve));
    expect(counter.builds).toBe(1);
  });
});

/** Compares the index with a plain scan of every product's text, for queries cut from that text. */
function expectExactResults(size: number, queries: number): void {
  const db = openDatabase(path.join(tempDataDir(), 'tillpoint.db'));
  const repos = createRepos(db);
  seedProducts(db, size);
  const index = new SearchIndex(repos.products);
  const products = repos.products.all();
  const searchTexts = new Map(
    (db.prepare('SELECT id, search_text FROM products').all() as { id: number; search_text: string }[]).map((r) => [
      r.id,
      r.search_text,
    ]),
  );
  const texts = new Map(
    products.map((p) => [
      p.id,
      {
        latin: `${p.barcode.toLowerCase()}\u001f${searchTexts.get(p.id)}`,
        names: `${p.name}\u001f${p.nameEn}`.toLowerCase(),
      },
    ]),
  );
  // Words cut from the products' own text, so most queries find something.
  let seed = 7;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const word = () => {
    const t = texts.get(products[random(products.length)].id)!;
    const source = random(2) ? t.latin : t.names;
    const at = random(source.length);
    return source
      .slice(at, at + 1 + random(5))
      .split(FIELD_SEP)[0]
      .replace(/\s/g, '');
  };
  for (let i = 0; i < queries; i++) {
    const terms = [word(), ...(random(3) === 0 ? [word()] : [])].filter(Boolean);
    const query = terms.join(' ');
    const latinQuery = terms.every((t) => /^[\x20-\x7e]+$/.test(t));
    const expected = products
      .filter((p) => {
        const t = texts.get(p.id)!;
        return terms.every((w) => (latinQuery ? t.latin : `${t.names}\u001f${t.latin}`).includes(w.toLowerCase()));
      })
      .map((p) => p.id)
      .sort((a, b) => a - b);
    const found = index.search({ query, includeInactive: true, limit: 500, offset: 0 });
    expect(found.total, query).toBe(expected.length);
    if (expected.length <= 500)
      expect(
        [...found.ids].sort((a, b) => a - b),
        query,
      ).toEqual(expected);
  }
  db.close();
}

describe('results', () => {
  it('are exactly the products whose fields contain every word of the query', () => {
    expectExactResults(3000, 400);
  });

  it('are exact across a catalog that the index holds in several parts', () => {
    // ~1.1 MB of text a part: 40,000 products make several of each kind.
    expectExactResults(40_000, 120);
  }, 30_000);
});

describe('names outside ASCII', () => {
  it('are found in any case, with or without their accents', async () => {
    const till = openTestTill();
    try {
      await till.call('products.save', { barcode: 'ECL', name: '奶油ÉCLAIR', nameEn: 'Crème BRÛLÉE', priceMinor: 900 });
      await till.call('products.save', { barcode: 'OMG', name: 'ΩMEGA 蛋糕', nameEn: 'Omega Cake', priceMinor: 900 });
      const names = async (query: string) =>
        (await till.call('products.search', { query })).items.map((p) => p.barcode).sort();
      expect(await names('éclair')).toEqual(['ECL']);
      expect(await names('ÉCLAIR 奶油')).toEqual(['ECL']);
      expect(await names('brûlée')).toEqual(['ECL']);
      expect(await names('brulee')).toEqual(['ECL']);
      expect(await names('ωmega')).toEqual(['OMG']);
      expect(await names('蛋糕 ωmega')).toEqual(['OMG']);
      expect(await names('omega cake')).toEqual(['OMG']);
    } finally {
      till.close();
    }
  });
});

describe('ranking', () => {
  it('puts a match at the start of a name above one in the middle', async () => {
    const till = openTestTill();
    try {
      await till.call('catalog.clearDemo', {});
      // Category A lists first, so listing order alone would put the middle matches first.
      const rows: [string, string, string, string][] = [
        ['A1', '巧克力', 'Chocolate', 'A'],
        ['A2', '黑巧克力 可乐味', 'Dark chocolate', 'A'],
        ['A3', '德芙 巧克力', 'Dove', 'A'],
        ['B1', '可乐', 'Cola', 'B'],
        ['B2', '可口可乐', 'Coca-Cola', 'B'],
        ['B3', '巧克力蛋糕', 'Chocolate cake', 'B'],
      ];
      for (const [barcode, name, nameEn, category] of rows) {
        await till.call('products.save', { barcode, name, nameEn, category, priceMinor: 100 });
      }
      const names = async (query: string) => (await till.call('products.search', { query })).items.map((p) => p.name);
      // Initials kl start 可乐 (kl) and sit inside 巧克力 (qkl), 可口可乐 (kkkl), 黑巧克力 可乐味 (hqklklw).
      expect((await names('kl'))[0]).toBe('可乐');
      expect((await names('kl')).indexOf('可乐')).toBeLessThan((await names('kl')).indexOf('巧克力'));
      // Full pinyin, three letters or more (the other code path).
      expect(await names('kele')).toEqual(['可乐', '黑巧克力 可乐味', '可口可乐']);
      // Chinese: the name's start, then a word inside it (after a space), then anywhere.
      expect(await names('巧克力')).toEqual(['巧克力', '巧克力蛋糕', '德芙 巧克力', '黑巧克力 可乐味']);
      // English: the name's start before a later word.
      expect(await names('choc')).toEqual(['巧克力', '巧克力蛋糕', '黑巧克力 可乐味']);
    } finally {
      till.close();
    }
  });
});

// Prints timings at catalog sizes shops have; the benchmark suite asserts the budgets.
describe('at 100,000 products', () => {
  let repos: { products: ProductsRepo };
  let index: SearchIndex;
  let close: () => void;
  const N = 100_000;

  beforeAll(() => {
    const dir = tempDataDir();
    const db = openDatabase(path.join(dir, 'tillpoint.db'));
    const t0 = performance.now();
    seedProducts(db, N);
    const seeded = performance.now() - t0;
    repos = createRepos(db);
    index = new SearchIndex(repos.products);
    const t1 = performance.now();
    expect(index.size).toBe(N);
    console.log(`seed ${N}: ${seeded.toFixed(0)} ms; index build: ${(performance.now() - t1).toFixed(0)} ms`);
    close = () => {
      db.close();
      // ~40 MB of data: not worth leaving in the temp folder.
      fs.rmSync(dir, { recursive: true, force: true });
    };
  }, 60_000);
  afterAll(() => close());

  const p = (xs: number[], q: number) => xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];

  it('searches names and pinyin quickly', () => {
    const queries = ['k', 'kl', 'kkkl', '可乐', 'cola', 'master kong', 'ksfhsnrm', '牛奶 250', 'nfsq', '29000', ''];
    const lines: string[] = [];
    for (const query of queries) {
      const times: number[] = [];
      let total = 0;
      for (let i = 0; i < 40; i++) {
        const t = performance.now();
        const r = index.search({ query, includeInactive: false, limit: 60, offset: 0 });
        repos.products.byIds(r.ids);
        times.push(performance.now() - t);
        total = r.total;
      }
      lines.push(
        `${JSON.stringify(query).padEnd(14)} ${String(total).padStart(6)} hits  p50 ${p(times, 0.5).toFixed(2)} ms  p95 ${p(times, 0.95).toFixed(2)} ms`,
      );
      expect(total).toBeGreaterThanOrEqual(0);
    }
    console.log(`products.search at ${N}:\n${lines.join('\n')}`);
  });

  it('looks barcodes up quickly', () => {
    const codes = repos.products
      .all()
      .slice(0, 5000)
      .map((x) => x.barcode);
    const times = codes.map((code) => {
      const t = performance.now();
      expect(repos.products.byBarcode(code)).toBeDefined();
      return performance.now() - t;
    });
    console.log(`products.lookup at ${N}: p50 ${p(times, 0.5).toFixed(4)} ms  p99 ${p(times, 0.99).toFixed(4)} ms`);
  });
});
