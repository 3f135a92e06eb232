// The till: storage, cart, sale, catalog and customer display behind one handler per API method.
// Plain Node: the Electron shell and the headless host both serve these handlers.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { TillError } from '../../shared/api';
import type { Settings } from '../../shared/domain';
import { EventBus } from '../core/bus';
import type { Handlers } from '../core/types';
import { createRepos, DB_FILENAME, openDatabase } from '../db/index';
import { Cart } from './cart';
import { Catalog, findAssetsDir } from './catalog';
import type { TillContext } from './context';
import { Display } from './display';
import { ShopSettings } from './settings';

export { findAssetsDir } from './catalog';
export { seedProducts } from './seed';

export interface TillOptions {
  dataDir: string;
  mode: 'electron' | 'host';
  version: string;
  /** The till's time; tests move it. Defaults to the system clock. */
  clock?: () => Date;
  /** Overrides the till id stored in settings (first open stores "T1"). */
  tillId?: string;
  /** Where demo-catalog.csv is; defaults to assets/ in the package root (see findAssetsDir). */
  assetsDir?: string;
  /** better-sqlite3 addon built for Electron's ABI, when running inside Electron. */
  nativeBinding?: string;
}

export interface Till {
  handlers: Handlers;
  bus: EventBus;
  db: Database;
  close(): void;
}

const TILL_ID_KEY = 'till.id';
const INSTALL_ID_KEY = 'till.installId';

export function createTill(opts: TillOptions): Till {
  const db = openDatabase(path.join(opts.dataDir, DB_FILENAME), { nativeBinding: opts.nativeBinding });
  try {
    return assemble(db, opts);
  } catch (err) {
    db.close();
    throw err;
  }
}

function assemble(db: Database, opts: TillOptions): Till {
  const repos = createRepos(db);
  const bus = new EventBus();
  // A short name for receipts and order numbers, and a random id for this install (for trade numbers
  // that must be unique across tills once payments go online).
  db.transaction(() => {
    if (repos.settings.get(TILL_ID_KEY) === undefined) repos.settings.set(TILL_ID_KEY, 'T1');
    if (repos.settings.get(INSTALL_ID_KEY) === undefined) {
      repos.settings.set(INSTALL_ID_KEY, randomBytes(8).toString('hex'));
    }
  })();
  const tillId = opts.tillId ?? repos.settings.get<string>(TILL_ID_KEY) ?? 'T1';
  const shop = new ShopSettings(repos.settings);
  const ctx: TillContext = { db, repos, settings: shop, bus, clock: opts.clock ?? (() => new Date()), tillId };

  const settings = () => shop.get();
  // The cart tells the display, and the display reads the cart: wired through a getter.
  let display!: Display;
  const cart = new Cart(ctx, () => display);
  const catalog = new Catalog(ctx, () => {
    // Clearing the demo empties product_id on the lines that sold demo products, the open cart's too.
    cart.forget();
    display.refresh();
  });
  display = new Display({ bus, cart: () => cart.get(), settings, isDemo: () => catalog.isDemoData() });

  catalog.loadDemoIfNew(() => findAssetsDir(opts.assetsDir));
  // In the background, so the first search finds it ready and nothing waits for it now.
  void catalog.index.warm();

  const handlers: Handlers = {
    'app.info': () => ({
      name: 'Tillpoint',
      version: opts.version,
      mode: opts.mode,
      isDemoData: catalog.isDemoData(),
      dataDir: opts.dataDir,
      tillId,
    }),

    'settings.get': () => settings(),
    'settings.update': (patch) => {
      let changed: (keyof Settings)[];
      try {
        changed = db.transaction(() => {
          const changed = shop.write(patch);
          if (changed.length) {
            repos.journal.append(ctx.clock().toISOString(), 'settings.changed', {}, { changed, values: patch });
          }
          return changed;
        })();
      } finally {
        // Read again from what was committed, whether or not this write was.
        shop.forget();
      }
      const now = settings();
      if (changed.includes('currency')) cart.currencyChanged(now.currency);
      if (changed.length) {
        bus.emit('settings.changed', now);
        display.refresh();
      }
      return now;
    },

    'catalog.clearDemo': () => catalog.clearDemo(),
    'catalog.categories': () => catalog.categories(),

    'products.lookup': ({ barcode }) => catalog.lookup(barcode) ?? null,
    'products.search': (q) => catalog.search(q),
    'products.save': (input) => catalog.save(input),
    'products.importPreview': ({ csv }) => catalog.importPreview(csv),
    'products.import': ({ csv }) => catalog.import(csv),
    'products.exportCsv': () => catalog.exportCsv(),

    'cart.get': () => cart.get(),
    'cart.scan': ({ barcode, quantity }) => {
      const product = catalog.lookup(barcode);
      if (!product) throw unknownBarcode(barcode);
      return cart.addProduct(product, quantity);
    },
    'cart.addProduct': ({ productId, quantity }) => cart.addProduct(catalog.byId(productId), quantity),
    'cart.setQuantity': ({ lineId, quantity }) => cart.setQuantity(lineId, quantity),
    'cart.removeLine': ({ lineId }) => cart.removeLine(lineId),
    'cart.setLineDiscount': ({ lineId, discountMinor }) => cart.setLineDiscount(lineId, discountMinor),
    'cart.setOrderDiscount': ({ discountMinor }) => cart.setOrderDiscount(discountMinor),
    'cart.void': () => cart.void(),
    'cart.hold': ({ label }) => cart.hold(label),
    'cart.recall': ({ orderId }) => cart.recall(orderId),
    'orders.held': () => cart.held(),

    'checkout.cash': ({ tenderedMinor }) => cart.checkoutCash(tenderedMinor),
    'orders.today': ({ limit }) => cart.today(limit),

    'display.get': () => display.get(),
  };

  let closed = false;
  return {
    handlers,
    bus,
    db,
    close() {
      if (closed) return;
      closed = true;
      catalog.index.stop();
      display.close();
      db.close();
    },
  };
}

function unknownBarcode(barcode: string) {
  return new TillError('UNKNOWN_BARCODE', `No product has barcode ${barcode}`, { barcode });
}
