// What a scan needs of the catalog, kept in the page so a scan can be drawn before the till answers
// (see stores/pending.ts): fetched once at start (catalog.scanCache, columns), asked again on
// catalog.changed and on reconnect with the version held, so an unchanged catalog costs one tiny answer.
// A scan never waits for it: until it is here, or while it is refreshed, scans go the till's way only.
import { SCAN_CACHE_FLAGS, type ScanCache } from '../../../shared/api';
import { client } from '../api/client';

export interface CachedProduct {
  id: number;
  barcode: string;
  name: string;
  nameEn: string;
  priceMinor: number;
  taxRateBp: number;
  active: boolean;
  soldByWeight: boolean;
  isDemo: boolean;
}

type Columns = Extract<ScanCache, { unchanged: false }>;

let columns: Columns | null = null;
let byBarcode = new Map<string, number>();

/** The product with exactly this barcode as the page last heard of it; undefined if none (or not loaded). */
export function cachedProduct(barcode: string): CachedProduct | undefined {
  const i = byBarcode.get(barcode);
  if (i === undefined || !columns) return undefined;
  const flags = columns.flags[i];
  return {
    id: columns.ids[i],
    barcode,
    name: columns.names[i],
    nameEn: columns.namesEn[i],
    priceMinor: columns.prices[i],
    taxRateBp: columns.taxRates[i],
    active: (flags & SCAN_CACHE_FLAGS.active) !== 0,
    soldByWeight: (flags & SCAN_CACHE_FLAGS.soldByWeight) !== 0,
    isDemo: (flags & SCAN_CACHE_FLAGS.isDemo) !== 0,
  };
}

/** Takes a fresh snapshot; exported for tests. */
export function setScanCache(next: Columns | null): void {
  columns = next;
  const map = new Map<string, number>();
  if (next) for (let i = 0; i < next.barcodes.length; i++) map.set(next.barcodes[i], i);
  byBarcode = map;
  // For tests and the benchmark: scans can be drawn from the cache from now on.
  if (typeof document !== 'undefined') document.documentElement.dataset.scanCache = next ? next.version : '';
}

let loading = false;
let again = false;

async function refresh(): Promise<void> {
  if (loading) {
    again = true;
    return;
  }
  loading = true;
  try {
    do {
      again = false;
      const r = await client.call('catalog.scanCache', columns ? { version: columns.version } : {});
      if (r.ok && !r.value.unchanged) setScanCache(r.value);
    } while (again);
  } finally {
    loading = false;
  }
}

export function syncScanCache(): () => void {
  void refresh();
  const offs = [client.on('catalog.changed', () => void refresh()), client.onConnect(() => void refresh())];
  return () => {
    for (const off of offs) off();
  };
}
