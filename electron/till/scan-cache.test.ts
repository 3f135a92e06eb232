// catalog.scanCache: the columns the page draws a scan from, and "unchanged" only while nothing was written.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCAN_CACHE_FLAGS } from '../../shared/api';
import { asInput, openTestTill, type TestTill } from './testing';

let till: TestTill;

beforeEach(async () => {
  till = openTestTill();
  await till.call('catalog.clearDemo', {});
});
afterEach(() => till.close());

describe('catalog.scanCache', () => {
  it('lists every product as columns, with its flags', async () => {
    const cola = await till.call('products.save', {
      barcode: '6901234567892',
      name: '可乐',
      nameEn: 'Cola',
      priceMinor: 350,
      taxRateBp: 1300,
    });
    const apples = await till.call('products.save', {
      barcode: '2001',
      name: '苹果',
      priceMinor: 1200,
      soldByWeight: true,
      active: false,
    });
    const c = await till.call('catalog.scanCache', {});
    if (c.unchanged) throw new Error('expected rows');
    const row = (id: number) => c.ids.indexOf(id);
    expect(c.barcodes[row(cola.id)]).toBe('6901234567892');
    expect([c.names[row(cola.id)], c.namesEn[row(cola.id)], c.prices[row(cola.id)], c.taxRates[row(cola.id)]]).toEqual([
      '可乐',
      'Cola',
      350,
      1300,
    ]);
    expect(c.flags[row(cola.id)]).toBe(SCAN_CACHE_FLAGS.active);
    expect(c.flags[row(apples.id)]).toBe(SCAN_CACHE_FLAGS.soldByWeight);
    expect(
      new Set([c.ids, c.barcodes, c.names, c.namesEn, c.prices, c.taxRates, c.flags].map((a) => a.length)),
    ).toEqual(new Set([2]));
  });

  it('answers unchanged for the current version, and rows again once a product is written', async () => {
    const p = await till.call('products.save', { barcode: '1001', name: 'Tea', priceMinor: 500 });
    const first = await till.call('catalog.scanCache', {});
    expect(await till.call('catalog.scanCache', { version: first.version })).toEqual({
      version: first.version,
      unchanged: true,
    });
    await till.call('products.save', { ...asInput(p), priceMinor: 550 });
    const after = await till.call('catalog.scanCache', { version: first.version });
    expect(after.unchanged).toBe(false);
    if (!after.unchanged) expect(after.prices).toEqual([550]);
    // A version from another run of the till is never taken for this one's.
    expect((await till.call('catalog.scanCache', { version: `other.${after.version.split('.')[1]}` })).unchanged).toBe(
      false,
    );
  });
});
