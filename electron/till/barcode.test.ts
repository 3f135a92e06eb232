import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Barcode } from '../../shared/domain';
import { parseMoney } from '../../shared/money';
import { checkBarcode, expandUpcE, gs1CheckDigit, sameProductCodes, withCheckDigit } from './barcode';
import { DEMO_CATALOG_FILE, findAssetsDir } from './catalog';
import { parseProductsCsv, parseTaxRate } from './csv';

describe('GS1 check digits', () => {
  it('match known codes', () => {
    expect(gs1CheckDigit('400638133393')).toBe(1); // EAN-13 4006381333931
    expect(gs1CheckDigit('03600029145')).toBe(2); // UPC-A 036000291452
    expect(gs1CheckDigit('9638507')).toBe(4); // EAN-8 96385074
    expect(withCheckDigit('690123456789')).toBe('6901234567892');
  });

  it('are required for 8, 12 and 13 digit codes only', () => {
    expect(checkBarcode('4006381333931')).toEqual({ ok: true });
    expect(checkBarcode('4006381333932')).toEqual({ ok: false, expected: 1, kind: 'EAN-13' });
    expect(checkBarcode('036000291453')).toEqual({ ok: false, expected: 2, kind: 'UPC-A' });
    expect(checkBarcode('96385075')).toEqual({ ok: false, expected: 4, kind: 'EAN-8' });
    // Starting with 0 or 1, an 8-digit code may be a UPC-E: its check digit is its UPC-A's.
    expect(checkBarcode('04252614')).toEqual({ ok: true });
    expect(checkBarcode('04252615')).toEqual({ ok: false, expected: 4, kind: 'UPC-E' });
    expect(checkBarcode('12345')).toEqual({ ok: true });
    expect(checkBarcode('CAKE-1')).toEqual({ ok: true });
  });
});

describe('other spellings of one code', () => {
  it('expand UPC-E to UPC-A by its last digit', () => {
    expect(expandUpcE('04252614')).toBe('042100005264'); // d6 = 1
    expect(expandUpcE('01234531')).toBe('012300000451'); // d6 = 3
    expect(expandUpcE('01234549')).toBe('012340000059'); // d6 = 4
    expect(expandUpcE('01234565')).toBe('012345000065'); // d6 = 6
    expect(expandUpcE('21234565')).toBeUndefined(); // number system 2 is no UPC-E
  });

  it('pair UPC-A with its 0-prefixed EAN-13 both ways, and a valid UPC-E with its UPC-A forms', () => {
    expect(sameProductCodes('036000291452')).toEqual(['0036000291452']);
    expect(sameProductCodes('0036000291452')).toEqual(['036000291452']);
    expect(sameProductCodes('04252614')).toEqual(['042100005264', '0042100005264']);
    expect(sameProductCodes('04252615')).toEqual([]);
    expect(sameProductCodes('6901234567892')).toEqual([]);
  });
});

describe('the demo catalog', () => {
  const csv = fs.readFileSync(path.join(findAssetsDir(), DEMO_CATALOG_FILE), 'utf8');
  const { columns, rows } = parseProductsCsv(csv);
  const col = (cells: string[], name: Parameters<typeof columns.get>[0]) => cells[columns.get(name)!];

  it('is a small café and shop with the import columns', () => {
    expect([...columns.keys()]).toEqual(['barcode', 'name', 'name_en', 'category', 'price', 'tax_rate', 'active']);
    expect(rows.length).toBeGreaterThanOrEqual(35);
    expect(rows.length).toBeLessThanOrEqual(50);
  });

  it('has valid, unique EAN-13 codes: in-store 20-29 for café items, 690-695 for packaged goods', () => {
    const codes = rows.map((r) => col(r.cells, 'barcode'));
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) {
      expect(code, code).toMatch(/^(2\d|69[0-5])\d+$/);
      expect(code, code).toHaveLength(13);
      expect(checkBarcode(code), code).toEqual({ ok: true });
    }
  });

  it('has Chinese and English names, a category, a CNY price and a tax rate on every row', () => {
    for (const { cells } of rows) {
      const name = col(cells, 'name');
      expect(name, name).toMatch(/\p{Script=Han}/u);
      expect(col(cells, 'name_en'), name).toMatch(/^[\x20-\x7e\u00c0-\u00ff]+$/);
      expect(col(cells, 'category'), name).not.toBe('');
      const price = parseMoney(col(cells, 'price'), 'CNY');
      expect(price.ok && price.minor > 0 && price.minor < 100_00, name).toBe(true);
      expect(parseTaxRate(col(cells, 'tax_rate')), name).toMatchObject({ ok: true });
      expect(['0', '1'], name).toContain(col(cells, 'active'));
      expect(Barcode.safeParse(col(cells, 'barcode')).success).toBe(true);
    }
  });
});
