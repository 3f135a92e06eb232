// Bulk-inserts generated products for benchmarks and tests: `seedProducts(db, 100_000)` takes ~1 s.
// Names are built from a small vocabulary whose pinyin is computed once, so no per-row pinyin cost.
// seedCsv writes such products as an import file instead.
import type { Database } from 'better-sqlite3';
import { ProductsRepo } from '../db/products';
import { withCheckDigit } from './barcode';
import { namePinyin, searchText, sortKey } from './search';

const BRANDS = [
  ['康师傅', 'Master Kong'],
  ['统一', 'Uni-President'],
  ['农夫山泉', 'Nongfu Spring'],
  ['可口可乐', 'Coca-Cola'],
  ['百事', 'Pepsi'],
  ['伊利', 'Yili'],
  ['蒙牛', 'Mengniu'],
  ['旺旺', 'Want Want'],
  ['达利园', 'Daliyuan'],
  ['三只松鼠', 'Three Squirrels'],
  ['良品铺子', 'Bestore'],
  ['白象', 'Baixiang'],
  ['今麦郎', 'Jinmailang'],
  ['怡宝', "C'estbon"],
  ['元气森林', 'Genki Forest'],
  ['维达', 'Vinda'],
  ['清风', 'Breeze'],
  ['南孚', 'Nanfu'],
  ['雀巢', 'Nestle'],
  ['光明', 'Bright Dairy'],
] as const;

const ITEMS = [
  ['红烧牛肉面', 'Braised Beef Noodles', '方便食品'],
  ['老坛酸菜面', 'Pickled Cabbage Noodles', '方便食品'],
  ['纯牛奶', 'Pure Milk', '乳制品'],
  ['酸奶', 'Yogurt', '乳制品'],
  ['矿泉水', 'Mineral Water', '饮料'],
  ['冰红茶', 'Iced Black Tea', '饮料'],
  ['绿茶', 'Green Tea', '饮料'],
  ['气泡水', 'Sparkling Water', '饮料'],
  ['可乐', 'Cola', '饮料'],
  ['薯片', 'Potato Chips', '零食'],
  ['饼干', 'Biscuits', '零食'],
  ['坚果', 'Mixed Nuts', '零食'],
  ['面包', 'Bread', '烘焙'],
  ['蛋糕', 'Cake', '烘焙'],
  ['抽纸', 'Facial Tissue', '日用品'],
  ['湿巾', 'Wet Wipes', '日用品'],
  ['五号电池', 'AA Battery', '日用品'],
  ['咖啡', 'Coffee', '饮料'],
  ['巧克力', 'Chocolate', '零食'],
  ['火腿肠', 'Ham Sausage', '零食'],
] as const;

const SIZES = ['250ml', '330ml', '500ml', '550ml', '1L', '100g', '200g', '5包', '6连包', '12瓶'];

/** Inserts `n` active products with unique valid EAN-13 codes (prefix 29, not used by the demo catalog). */
/** Numbers in [0, 1) from a small xorshift: every run of a test or benchmark gets the same ones. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x1_0000_0000;
  };
}

export function seedProducts(db: Database, n: number, opts: { startAt?: number } = {}): void {
  const py = new Map<string, { initials: string; full: string }>();
  const pinyinOf = (word: string) => {
    let p = py.get(word);
    if (!p) {
      p = namePinyin(word);
      py.set(word, p);
    }
    return p;
  };
  const products = new ProductsRepo(db);
  const now = new Date().toISOString();
  const start = opts.startAt ?? 0;
  db.transaction(() => {
    for (let k = start; k < start + n; k++) {
      const [brand, brandEn] = BRANDS[k % BRANDS.length];
      const [item, itemEn, category] = ITEMS[Math.floor(k / BRANDS.length) % ITEMS.length];
      const size = SIZES[Math.floor(k / (BRANDS.length * ITEMS.length)) % SIZES.length];
      const serial = String(k).padStart(6, '0');
      const name = `${brand}${item} ${size} ${serial}`;
      const nameEn = `${brandEn} ${itemEn} ${size} ${serial}`;
      const [b, i, s] = [pinyinOf(brand), pinyinOf(item), pinyinOf(size)];
      // What products.save would store for the name, from the words' pinyin.
      const py = {
        initials: `${b.initials}${i.initials}${s.initials}${serial}`,
        full: `${b.full}${i.full}${s.full}${serial}`,
      };
      products.insert(
        {
          barcode: withCheckDigit(`29${String(k).padStart(10, '0')}`),
          name,
          nameEn,
          category,
          priceMinor: 100 + ((k * 37) % 9900),
          taxRateBp: 1300,
          active: true,
          isDemo: false,
          soldByWeight: false,
          searchText: searchText(name, nameEn, py),
          sortKey: sortKey(name, py),
        },
        now,
      );
    }
  })();
}

/**
 * A product CSV in the import format with `n` generated rows (new barcodes, prefix 28, beside the seeded 29s):
 * 71,000 rows are about 4.9 MB, the size of the file in issue #7. `priceStep` moves every price, so a second
 * import of the same rows updates them all.
 */
export function seedCsv(n: number, opts: { priceStep?: number } = {}): string {
  const lines = ['barcode,name,name_en,category,price,tax_rate,active'];
  for (let k = 0; k < n; k++) lines.push(seedCsvRow(k, opts.priceStep ?? 0));
  return `${lines.join('\n')}\n`;
}

/** Row k of seedCsv (without the header). */
export function seedCsvRow(k: number, priceStep = 0): string {
  const [brand, brandEn] = BRANDS[k % BRANDS.length];
  const [item, itemEn, category] = ITEMS[Math.floor(k / BRANDS.length) % ITEMS.length];
  const serial = String(k).padStart(6, '0');
  const price = 100 + ((k * 37 + priceStep) % 9900);
  // An English name on every other row, as in a shop's own spreadsheet.
  const nameEn = k % 2 === 0 ? `${brandEn} ${itemEn}` : '';
  return (
    `${seedCsvBarcode(k)},${brand}${item} ${serial},${nameEn},${category},` +
    `${Math.floor(price / 100)}.${String(price % 100).padStart(2, '0')},13,1`
  );
}

/** The barcode of row k of seedCsv. */
export function seedCsvBarcode(k: number): string {
  return withCheckDigit(`28${String(k).padStart(10, '0')}`);
}
