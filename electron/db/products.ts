// Catalog SQL. Rows become `Product` here and nowhere else.
import type { Database, Statement } from 'better-sqlite3';
import { SCAN_CACHE_FLAGS, type ScanCache } from '../../shared/api';
import type { Product } from '../../shared/domain';

/** What is written for a product; `searchText` and `sortKey` are derived by the caller (pinyin). */
export interface ProductRecord {
  barcode: string;
  name: string;
  nameEn: string;
  category: string;
  priceMinor: number;
  taxRateBp: number;
  active: boolean;
  isDemo: boolean;
  /** Priced per kilogram and sold from scale labels (see shared/scale.ts). */
  soldByWeight: boolean;
  searchText: string;
  sortKey: string;
}

/** A product row with every column, as the import's undo log keeps it to put it back exactly. */
export interface StoredProduct extends ProductRecord {
  id: number;
  createdAt: string;
  updatedAt: string;
}

interface ProductRow {
  id: number;
  barcode: string;
  name: string;
  name_en: string;
  category: string;
  price_minor: number;
  tax_rate_bp: number;
  active: number;
  is_demo: number;
  sold_by_weight: number;
}

/** What the search index reads of the products with ids in a range, in id order: a few big strings,
 * because creating 100,000 small strings row by row is what makes a naive rebuild slow. */
export interface IndexLatin {
  /** One '1' or '0' per product: also how many products the range holds. */
  active: string;
  /** lower(barcode) U+001F search_text U+001E per product (ASCII when the till wrote it). */
  latin: string;
}

const COLUMNS = 'id, barcode, name, name_en, category, price_minor, tax_rate_bp, active, is_demo, sold_by_weight';
const LISTING = 'ORDER BY category, sort_key, id';

export class ProductsRepo {
  private readonly byIdStmt: Statement<[number], ProductRow>;
  private readonly byBarcodeStmt: Statement<[string], ProductRow>;
  private readonly byIdsStmt: Statement<[string], ProductRow>;
  private readonly insertStmt: Statement<[...Values, string, string]>;
  private readonly updateStmt: Statement<[...Values, string, number]>;
  private readonly allStmt: Statement<[], ProductRow>;
  private readonly scanRowsStmt: Statement<[], unknown[]>;
  private readonly latinStmt: Statement<[number, number], { active: string | null; latin: string | null }>;
  private readonly namesStmt: Statement<[number, number], string | null>;
  private readonly categoriesStmt: Statement<[], { name: string; count: number }>;
  private readonly demoActiveStmt: Statement<[], number>;
  private readonly deleteDemoStmt: Statement<[]>;
  private readonly countStmt: Statement<[], number>;

  private readonly versionStmt: Statement<[], number>;
  private readonly storedStmt: Statement<[number], StoredRow>;
  private readonly restoreStmt: Statement<[...Values, string, string, number]>;
  private readonly removeStmt: Statement<[number]>;
  private readonly listingFirstStmt: Statement<[number], number>;
  private readonly listingAfterStmt: Statement<[number, number], number>;
  private readonly listingCategoriesStmt: Statement<[], { name: string; count: number }>;

  constructor(db: Database) {
    // A per-connection counter of product row changes, kept by TEMP triggers (never stored in the
    // file): the search index compares it to know whether it is stale, whoever wrote the rows.
    db.exec(`
      CREATE TEMP TABLE IF NOT EXISTS catalog_version (n INTEGER NOT NULL);
      INSERT INTO catalog_version (n) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM catalog_version);
      CREATE TEMP TRIGGER IF NOT EXISTS catalog_version_insert AFTER INSERT ON main.products
        BEGIN UPDATE catalog_version SET n = n + 1; END;
      CREATE TEMP TRIGGER IF NOT EXISTS catalog_version_update AFTER UPDATE ON main.products
        BEGIN UPDATE catalog_version SET n = n + 1; END;
      CREATE TEMP TRIGGER IF NOT EXISTS catalog_version_delete AFTER DELETE ON main.products
        BEGIN UPDATE catalog_version SET n = n + 1; END;
    `);
    this.versionStmt = db.prepare<[], number>('SELECT n FROM temp.catalog_version').pluck();
    this.byIdStmt = db.prepare(`SELECT ${COLUMNS} FROM products WHERE id = ?`);
    this.byBarcodeStmt = db.prepare(`SELECT ${COLUMNS} FROM products WHERE barcode = ?`);
    this.byIdsStmt = db.prepare(`SELECT ${COLUMNS} FROM products WHERE id IN (SELECT value FROM json_each(?))`);
    // Positional binding: about twice as fast as named for a 100,000-row import or seed.
    this.insertStmt = db.prepare(
      'INSERT INTO products (barcode, name, name_en, category, price_minor, tax_rate_bp, active, is_demo,' +
        ' sold_by_weight, search_text, sort_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.updateStmt = db.prepare(
      'UPDATE products SET barcode = ?, name = ?, name_en = ?, category = ?, price_minor = ?, tax_rate_bp = ?,' +
        ' active = ?, is_demo = ?, sold_by_weight = ?, search_text = ?, sort_key = ?, updated_at = ? WHERE id = ?',
    );
    this.allStmt = db.prepare(`SELECT ${COLUMNS} FROM products ${LISTING}`);
    this.scanRowsStmt = db
      .prepare<[], unknown[]>(
        'SELECT id, barcode, name, name_en, price_minor, tax_rate_bp, active, sold_by_weight, is_demo FROM products',
      )
      .raw();
    // group_concat over a range of ids in id order is a sequential scan; reading through the listing index
    // is several times slower. Each entry ends with U+001E: a string built whole by SQLite is flat.
    this.latinStmt = db.prepare(
      "SELECT group_concat(active, '' ORDER BY id) AS active," +
        " group_concat(lower(barcode) || char(31) || search_text || char(30), '' ORDER BY id) AS latin" +
        ' FROM products WHERE id BETWEEN ? AND ?',
    );
    // The English name only where it has characters outside printable ASCII: an ASCII query is matched
    // against search_text, which holds the rest.
    this.namesStmt = db
      .prepare<[number, number], string | null>(
        "SELECT group_concat(lower(name) || CASE WHEN name_en GLOB '*[^ -~]*' THEN char(31) || lower(name_en)" +
          " ELSE '' END || char(30), '' ORDER BY id) FROM products WHERE id BETWEEN ? AND ?",
      )
      .pluck();
    // The listing (category, then how the name is said) a page at a time, each page starting after a
    // product: keyset paging on products_listing, a few ms a page where reading it whole took ~40 ms at 100k.
    this.listingFirstStmt = db.prepare<[number], number>(`SELECT id FROM products ${LISTING} LIMIT ?`).pluck();
    this.listingAfterStmt = db
      .prepare<[number, number], number>(
        'SELECT id FROM products WHERE (category, sort_key, id) >' +
          ` (SELECT category, sort_key, id FROM products WHERE id = ?) ${LISTING} LIMIT ?`,
      )
      .pluck();
    this.listingCategoriesStmt = db.prepare(
      'SELECT category AS name, count(*) AS count FROM products GROUP BY category ORDER BY category',
    );
    this.storedStmt = db.prepare(
      `SELECT ${COLUMNS}, search_text, sort_key, created_at, updated_at FROM products WHERE id = ?`,
    );
    this.restoreStmt = db.prepare(
      'UPDATE products SET barcode = ?, name = ?, name_en = ?, category = ?, price_minor = ?, tax_rate_bp = ?,' +
        ' active = ?, is_demo = ?, sold_by_weight = ?, search_text = ?, sort_key = ?, created_at = ?, updated_at = ?' +
        ' WHERE id = ?',
    );
    this.removeStmt = db.prepare('DELETE FROM products WHERE id = ?');
    this.categoriesStmt = db.prepare(
      "SELECT category AS name, count(*) AS count FROM products WHERE active = 1 AND category <> ''" +
        ' GROUP BY category ORDER BY category',
    );
    this.demoActiveStmt = db
      .prepare<[], number>('SELECT EXISTS (SELECT 1 FROM products WHERE is_demo = 1 AND active = 1)')
      .pluck();
    this.deleteDemoStmt = db.prepare('DELETE FROM products WHERE is_demo = 1');
    this.countStmt = db.prepare<[], number>('SELECT count(*) FROM products').pluck();
  }

  byId(id: number): Product | undefined {
    const row = this.byIdStmt.get(id);
    return row && toProduct(row);
  }

  byBarcode(barcode: string): Product | undefined {
    const row = this.byBarcodeStmt.get(barcode);
    return row && toProduct(row);
  }

  /** In the order of `ids`; unknown ids are left out. */
  byIds(ids: readonly number[]): Product[] {
    if (ids.length === 0) return [];
    const found = new Map(this.byIdsStmt.all(JSON.stringify(ids)).map((r) => [r.id, toProduct(r)]));
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  insert(p: ProductRecord, now: string): number {
    return Number(this.insertStmt.run(...values(p), now, now).lastInsertRowid);
  }

  update(id: number, p: ProductRecord, now: string): void {
    this.updateStmt.run(...values(p), now, id);
  }

  /** Every product in listing order (category, then how the name is said). */
  all(): Product[] {
    return this.allStmt.all().map(toProduct);
  }

  /** Every product as the columns a scan needs (catalog.scanCache): rows as arrays, no objects per product. */
  scanColumns(): Omit<Extract<ScanCache, { unchanged: false }>, 'version' | 'unchanged'> {
    const c = { ids: [], barcodes: [], names: [], namesEn: [], prices: [], taxRates: [], flags: [] } as {
      ids: number[];
      barcodes: string[];
      names: string[];
      namesEn: string[];
      prices: number[];
      taxRates: number[];
      flags: number[];
    };
    for (const r of this.scanRowsStmt.iterate()) {
      const [id, barcode, name, nameEn, price, tax, active, byWeight, demo] = r as [
        number,
        string,
        string,
        string,
        number,
        number,
        number,
        number,
        number,
      ];
      c.ids.push(id);
      c.barcodes.push(barcode);
      c.names.push(name);
      c.namesEn.push(nameEn);
      c.prices.push(price);
      c.taxRates.push(tax);
      c.flags.push(
        (active ? SCAN_CACHE_FLAGS.active : 0) |
          (byWeight ? SCAN_CACHE_FLAGS.soldByWeight : 0) |
          (demo ? SCAN_CACHE_FLAGS.isDemo : 0),
      );
    }
    return c;
  }

  /** Grows with every product row written through this connection (see the constructor). */
  version(): number {
    return this.versionStmt.get() ?? 0;
  }

  /** Up to `limit` product ids in listing order, after product `afterId` (0: from the start). */
  indexListingPage(afterId: number, limit: number): number[] {
    return afterId === 0 ? this.listingFirstStmt.all(limit) : this.listingAfterStmt.all(afterId, limit);
  }

  /** The categories in listing order, with how many products each has. */
  indexCategories(): { name: string; count: number }[] {
    return this.listingCategoriesStmt.all();
  }

  /** Every column of a product, for the import's undo log. */
  stored(id: number): StoredProduct | undefined {
    const r = this.storedStmt.get(id);
    return (
      r && {
        ...toProduct(r),
        searchText: r.search_text,
        sortKey: r.sort_key,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      }
    );
  }

  /** Writes every column of a product back as it was, its timestamps too. */
  restore(p: StoredProduct): void {
    this.restoreStmt.run(...values(p), p.createdAt, p.updatedAt, p.id);
  }

  /** Deletes one product; lines of orders keep their copy of it (product_id becomes NULL). */
  remove(id: number): void {
    this.removeStmt.run(id);
  }

  /** Products with from <= id <= to, for the search index. */
  indexLatin(from: number, to: number): IndexLatin {
    const r = this.latinStmt.get(from, to);
    return { active: r?.active ?? '', latin: r?.latin ?? '' };
  }

  /** Per product with from <= id <= to: name (U+001F English name, when not plain ASCII) U+001E, with
   * ASCII letters in lower case (SQLite's lower() knows no others). */
  indexNames(from: number, to: number): string {
    return this.namesStmt.get(from, to) ?? '';
  }

  categories(): { name: string; count: number }[] {
    return this.categoriesStmt.all();
  }

  anyDemoActive(): boolean {
    return this.demoActiveStmt.get() === 1;
  }

  deleteDemo(): number {
    return this.deleteDemoStmt.run().changes;
  }

  count(): number {
    return this.countStmt.get() ?? 0;
  }
}

interface StoredRow extends ProductRow {
  search_text: string;
  sort_key: string;
  created_at: string;
  updated_at: string;
}

type Values = [string, string, string, string, number, number, number, number, number, string, string];

function values(p: ProductRecord): Values {
  return [
    p.barcode,
    p.name,
    p.nameEn,
    p.category,
    p.priceMinor,
    p.taxRateBp,
    p.active ? 1 : 0,
    p.isDemo ? 1 : 0,
    p.soldByWeight ? 1 : 0,
    p.searchText,
    p.sortKey,
  ];
}

function toProduct(r: ProductRow): Product {
  return {
    id: r.id,
    barcode: r.barcode,
    name: r.name,
    nameEn: r.name_en,
    category: r.category,
    priceMinor: r.price_minor,
    taxRateBp: r.tax_rate_bp,
    active: r.active === 1,
    isDemo: r.is_demo === 1,
    soldByWeight: r.sold_by_weight === 1,
  };
}
