// The catalog: products, their search, CSV import/export and the demo catalog.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type MethodArgs, type MethodOutput, TillError } from '../../shared/api';
import type { Product } from '../../shared/domain';
import { looksLikePaymentCode, maskPaymentCode } from '../../shared/payment';
import { readScaleCode, type ScaleLabel } from '../../shared/scale';
import { packageRoot } from '../core/paths';
import { checkBarcode, sameProductCodes } from './barcode';
import { isoNow, localDay, type TillContext } from './context';
import { CatalogImports } from './catalog-import';
import { applyRow, checkProductsCsv, productsToCsv, type RowWrite } from './csv';
import { type ProductFields, productRecord as record } from './product-record';
import { SearchIndex } from './search';

export const DEMO_CATALOG_FILE = 'demo-catalog.csv';
const DEMO_LOADED_KEY = 'catalog.demoLoadedAt';

/**
 * The folder holding demo-catalog.csv: `override` if given (TillOptions.assetsDir), else assets/ in the
 * package root, found by walking up from the code's own folder (TS sources in tests, out/host/host.mjs
 * or out/main/main.cjs when bundled) and then from the working directory.
 */
export function findAssetsDir(override?: string): string {
  return override ?? path.join(packageRoot(), 'assets');
}

export class Catalog {
  readonly index: SearchIndex;
  private readonly imports: CatalogImports;
  private demo: { version: number; active: boolean } | undefined;

  /** `onDemoChanged` runs when products were removed (demo cleared, an import undone) or demo ones changed. */
  constructor(
    private readonly ctx: TillContext,
    private readonly onDemoChanged: () => void,
  ) {
    this.index = new SearchIndex(ctx.repos.products);
    this.imports = new CatalogImports(ctx, this.index, onDemoChanged);
  }

  private get products() {
    return this.ctx.repos.products;
  }

  private currency(): string {
    return this.ctx.settings.get().currency;
  }

  /**
   * A barcode as scanned. The code exactly as stored wins (shops make their own codes); else the same code
   * spelled another way: a 12-digit UPC-A and the same code as EAN-13 with a leading 0 are one product, so
   * either finds it, and a UPC-E finds its UPC-A.
   */
  lookup(barcode: string): Product | undefined {
    const exact = this.products.byBarcode(barcode);
    if (exact) return exact;
    for (const code of sameProductCodes(barcode)) {
      const found = this.products.byBarcode(code);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * What a scan sells, in this order: a product with exactly this code (or its other spelling, see lookup);
   * else a scale label read by the shop's template (its item number is a product's barcode, with or without
   * its leading zeros). Refused as a wrong check digit only when nothing matched, else as an unknown code.
   */
  scan(barcode: string): { product: Product; label: ScaleLabel | null } {
    const product = this.lookup(barcode);
    if (product) return { product, label: null };
    // A code shaped like a wallet's payment code is never put whole into a message or a log.
    const shown = looksLikePaymentCode(barcode) ? maskPaymentCode(barcode) : barcode;
    const read = readScaleCode(barcode, this.ctx.settings.get().scaleBarcodes);
    if (read.kind === 'label') {
      const { item } = read.label;
      const found =
        this.products.byBarcode(item) ??
        (/^0+[1-9]/.test(item) ? this.products.byBarcode(item.replace(/^0+/, '')) : undefined);
      if (found) return { product: found, label: read.label };
      throw new TillError('SCALE_ITEM_UNKNOWN', `Scale label ${shown}: no product has the item number ${item}`, {
        barcode: shown,
        item,
      });
    }
    const check =
      read.kind === 'badCheck'
        ? ({ ok: false, expected: read.expected, kind: 'scale' } as const)
        : checkBarcode(barcode);
    if (!check.ok) {
      throw new TillError(
        'BAD_CHECK_DIGIT',
        `${shown} is not a valid ${check.kind} code: its check digit should be ${check.expected} (a misread?)`,
        { barcode: shown, kind: check.kind, expected: check.expected },
      );
    }
    throw new TillError('UNKNOWN_BARCODE', `No product has barcode ${shown}`, { barcode: shown });
  }

  /**
   * The page's scan cache (see ScanCache). The version counter restarts with the process, so it is
   * prefixed with this run's id: a page kept open across a restart never takes a new catalog for its old one.
   */
  scanCache(version: string | undefined): MethodOutput<'catalog.scanCache'> {
    const now = `${this.runId}.${this.products.version()}`;
    if (version === now) return { version: now, unchanged: true };
    return { version: now, unchanged: false, ...this.products.scanColumns() };
  }

  private readonly runId = randomUUID().slice(0, 8);

  byId(id: number): Product {
    const p = this.products.byId(id);
    if (!p) throw new TillError('PRODUCT_NOT_FOUND', `No product ${id}`, { productId: id });
    return p;
  }

  search(q: MethodArgs<'products.search'>): MethodOutput<'products.search'> {
    const { ids, total } = this.index.search(q);
    return { items: this.products.byIds(ids), total };
  }

  categories(): MethodOutput<'catalog.categories'> {
    return this.products.categories();
  }

  /** Read on every display push: kept per catalog version (which every product write moves). */
  isDemoData(): boolean {
    // Inside a transaction the version may yet roll back to a number that later means other rows.
    if (this.ctx.db.inTransaction) return this.products.anyDemoActive();
    const version = this.products.version();
    if (this.demo?.version !== version) this.demo = { version, active: this.products.anyDemoActive() };
    return this.demo.active;
  }

  save(input: MethodArgs<'products.save'>): Product {
    const check = checkBarcode(input.barcode);
    if (!check.ok) {
      throw new TillError(
        'INVALID_INPUT',
        `Barcode ${input.barcode} has a wrong check digit: an EAN/UPC code ending this way needs ${check.expected}`,
        { field: 'barcode', barcode: input.barcode, expectedCheckDigit: check.expected },
      );
    }
    const { before, product } = this.ctx.db.transaction(() => {
      const before = input.id === undefined ? undefined : this.byId(input.id);
      const other = this.products.byBarcode(input.barcode);
      if (other && other.id !== input.id) {
        throw new TillError('BARCODE_TAKEN', `Barcode ${input.barcode} already belongs to ${other.name}`, {
          barcode: input.barcode,
          productId: other.id,
          name: other.name,
        });
      }
      const now = isoNow(this.ctx);
      const fields: ProductFields = {
        barcode: input.barcode,
        name: input.name,
        nameEn: input.nameEn,
        category: input.category,
        priceMinor: input.priceMinor,
        taxRateBp: input.taxRateBp,
        active: input.active,
        soldByWeight: input.soldByWeight,
      };
      let id: number;
      if (before) {
        id = before.id;
        this.products.update(id, record(fields, before.isDemo), now);
      } else id = this.products.insert(record(fields, false), now);
      const product = this.products.byId(id)!;
      this.ctx.repos.journal.append(now, 'product.saved', {}, { productId: id, created: !before, product, before });
      return { before, product };
    })();
    this.index.productSaved(before, product);
    void this.index.warm();
    this.ctx.bus.emit('catalog.changed', { reason: 'saved' });
    if (before?.isDemo) this.onDemoChanged();
    return product;
  }

  /** Checks a CSV a slice at a time (see catalog-import.ts); writes nothing. */
  importPreview(csv: string): Promise<MethodOutput<'products.importPreview'>> {
    return this.imports.preview(csv);
  }

  /** Imports a CSV a slice at a time, all or nothing (see catalog-import.ts). */
  import(csv: string): Promise<MethodOutput<'products.import'>> {
    return this.imports.import(csv);
  }

  /** At start: undoes an import that a killed process left half-written. */
  recoverImports(): void {
    this.imports.recover();
  }

  /** Stops an import under way (the next start undoes it), before the database closes. */
  close(): void {
    this.imports.close();
    this.index.stop();
  }

  /** Writes checked rows in the caller's transaction (the demo catalog: a few dozen rows). */
  private write(rows: RowWrite[], isDemo: boolean) {
    const now = isoNow(this.ctx);
    let created = 0;
    let updated = 0;
    for (const write of rows) {
      if (write.productId === null) {
        this.products.insert(record(applyRow(undefined, write.fields), isDemo), now);
        created++;
      } else {
        const current = this.products.byId(write.productId)!;
        this.products.update(current.id, record(applyRow(current, write.fields), current.isDemo), now);
        updated++;
      }
    }
    return { created, updated };
  }

  exportCsv(): MethodOutput<'products.exportCsv'> {
    return {
      csv: productsToCsv(this.products.all(), this.currency()),
      filename: `tillpoint-products-${localDay(this.ctx.clock())}.csv`,
    };
  }

  /** Removes the demo products. Lines of past orders keep their copy of name and price. */
  clearDemo(): MethodOutput<'catalog.clearDemo'> {
    // The import's undo log would put back products removed from under it.
    this.imports.refuseWhileRunning('Clearing the demo data');
    const removedProducts = this.ctx.db.transaction(() => {
      const removed = this.products.deleteDemo();
      this.ctx.repos.journal.append(isoNow(this.ctx), 'catalog.demoCleared', {}, { removedProducts: removed });
      return removed;
    })();
    void this.index.warm();
    this.ctx.bus.emit('catalog.changed', { reason: 'demoCleared' });
    this.onDemoChanged();
    return { removedProducts };
  }

  /**
   * On the first open of an empty catalog, loads the demo catalog (marked is_demo) so a new till has
   * something to sell. Only once: after "clear demo data" it does not come back. `assetsDir` is asked
   * only then; a missing file is reported and skipped, since the demo is not worth refusing to start for.
   */
  loadDemoIfNew(assetsDir: () => string): void {
    const settings = this.ctx.repos.settings;
    if (settings.get(DEMO_LOADED_KEY) !== undefined || this.products.count() > 0) return;
    let file: string;
    let csv: string;
    try {
      file = path.join(assetsDir(), DEMO_CATALOG_FILE);
      csv = fs.readFileSync(file, 'utf8');
    } catch (err) {
      console.warn(`[till] no demo catalog loaded: ${err instanceof Error ? err.message : err}`);
      return;
    }
    this.ctx.db.transaction(() => {
      const checked = checkProductsCsv(csv, this.currency(), (b) => this.products.byBarcode(b));
      const bad = checked.preview.rows.find((r) => r.errors.length);
      if (bad) throw new Error(`${file} row ${bad.line}: ${bad.errors.map((e) => e.message).join('; ')}`);
      const { created } = this.write(checked.writes, true);
      const now = isoNow(this.ctx);
      settings.set(DEMO_LOADED_KEY, now);
      this.ctx.repos.journal.append(now, 'catalog.demoLoaded', {}, { products: created });
    })();
  }
}
