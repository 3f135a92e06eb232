// The product CSV: the import/export format, and row-by-row validation for the import preview.
// Columns: barcode,name,name_en,category,price,tax_rate,active. price is in major units ("12.50"),
// tax_rate a percent ("13"), active 1/0 (true/false, yes/no, 是/否 are read too).
import Papa from 'papaparse';
import { TillError } from '../../shared/api';
import { Barcode, type ImportPreview, type ImportRow, type Product } from '../../shared/domain';
import { currencyDigits, minorToDecimal, parseMoney } from '../../shared/money';
import { checkBarcode } from './barcode';

export const CSV_COLUMNS = ['barcode', 'name', 'name_en', 'category', 'price', 'tax_rate', 'active'] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** Header names people's spreadsheets use, lower case, spaces and dashes as "_". */
const HEADER_ALIASES: Record<string, CsvColumn> = {
  barcode: 'barcode',
  code: 'barcode',
  ean: 'barcode',
  条码: 'barcode',
  条形码: 'barcode',
  商品条码: 'barcode',
  name: 'name',
  名称: 'name',
  品名: 'name',
  商品名称: 'name',
  name_en: 'name_en',
  english_name: 'name_en',
  英文名: 'name_en',
  英文名称: 'name_en',
  category: 'category',
  分类: 'category',
  类别: 'category',
  price: 'price',
  售价: 'price',
  价格: 'price',
  单价: 'price',
  tax_rate: 'tax_rate',
  tax: 'tax_rate',
  税率: 'tax_rate',
  active: 'active',
  在售: 'active',
  启用: 'active',
};

const REQUIRED: CsvColumn[] = ['barcode', 'name', 'price'];
const MAX_NAME = 80;
const MAX_CATEGORY = 40;

/** What a valid row sets; `undefined` leaves an existing product's value (the column was absent). */
export interface RowFields {
  barcode: string;
  name: string;
  priceMinor: number;
  nameEn?: string;
  category?: string;
  taxRateBp?: number;
  active?: boolean;
}

export interface CheckedRow {
  preview: ImportRow;
  /** Set when the row is valid and changes something. */
  write?: { productId: number | null; fields: RowFields };
}

export interface CheckedCsv {
  preview: ImportPreview;
  rows: CheckedRow[];
}

type FieldError = ImportRow['errors'][number];

/** Control characters would corrupt the search index's separators and serve no one in a name. */
export function cleanText(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  return s.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
}

/** Undoes the export's guard against spreadsheet formulas (a leading ' before = + - @). */
function unguard(cell: string): string {
  return /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}

function headerKey(h: string): string {
  return h
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

interface ParsedCsv {
  columns: Map<CsvColumn, number>;
  /** Data rows with their 1-based row number in the file (the header is row 1). */
  rows: { line: number; cells: string[] }[];
}

export function parseProductsCsv(csv: string): ParsedCsv {
  const text = csv.replace(/^\uFEFF/, '');
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: false });
  const table = parsed.data.filter((r): r is string[] => Array.isArray(r));
  const header = table[0] ?? [];
  const columns = new Map<CsvColumn, number>();
  header.forEach((h, i) => {
    const col = HEADER_ALIASES[headerKey(h.replace(/^\uFEFF/, ''))];
    if (col && !columns.has(col)) columns.set(col, i);
  });
  const missing = REQUIRED.filter((c) => !columns.has(c));
  if (missing.length) {
    throw new TillError(
      'CSV_INVALID',
      `This is not a product table: the first row must name the columns ${REQUIRED.join(', ')} (missing: ${missing.join(', ')})`,
      { missing: missing.join(',') },
    );
  }
  const rows: ParsedCsv['rows'] = [];
  table.slice(1).forEach((cells, i) => {
    if (cells.every((c) => c.trim() === '')) return;
    rows.push({ line: i + 2, cells });
  });
  return { columns, rows };
}

/** "13" or "13%" or "6.5" -> basis points (1300, 650); at most two decimals, 0 to 100. */
export function parseTaxRate(text: string): { ok: true; bp: number } | { ok: false } {
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?\s*%?$/.exec(text.trim());
  if (!m) return { ok: false };
  const bp = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return bp <= 10_000 ? { ok: true, bp } : { ok: false };
}

export function formatTaxRate(bp: number): string {
  const whole = Math.trunc(bp / 100);
  const frac = String(bp % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}

const TRUE = new Set(['1', 'true', 'yes', 'y', '是', '在售', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'n', '否', '停售', 'off']);

/**
 * Validates every row and decides its action against the current catalog (`existing` looks a barcode
 * up). Writes nothing.
 */
export function checkProductsCsv(
  csv: string,
  currency: string,
  existing: (barcode: string) => Product | undefined,
): CheckedCsv {
  const { columns, rows } = parseProductsCsv(csv);
  const cell = (cells: string[], col: CsvColumn) => {
    const i = columns.get(col);
    return i === undefined ? undefined : unguard(cells[i] ?? '').trim();
  };
  const firstLine = new Map<string, number>();
  const checked = rows.map(({ line, cells }): CheckedRow => {
    const errors: FieldError[] = [];
    const err = (field: string, code: string, message: string) => errors.push({ field, code, message });

    const barcode = cell(cells, 'barcode') ?? '';
    if (!barcode) err('barcode', 'required', 'Barcode is missing');
    else if (!Barcode.safeParse(barcode).success) {
      err('barcode', 'invalid', 'A barcode is up to 32 letters, digits, dots, dashes or underscores');
    } else {
      const check = checkBarcode(barcode);
      if (!check.ok)
        err('barcode', 'checkDigit', `Wrong check digit: an EAN/UPC code ending this way needs ${check.expected}`);
      const seen = firstLine.get(barcode);
      if (seen !== undefined) err('barcode', 'duplicate', `The same barcode is already on row ${seen}`);
      else firstLine.set(barcode, line);
    }

    const name = cleanText(cell(cells, 'name') ?? '');
    if (!name) err('name', 'required', 'Name is missing');
    else if (name.length > MAX_NAME) err('name', 'tooLong', `A name is at most ${MAX_NAME} characters`);

    const nameEn = optionalText(cell(cells, 'name_en'));
    if (nameEn && nameEn.length > MAX_NAME)
      err('name_en', 'tooLong', `An English name is at most ${MAX_NAME} characters`);
    const category = optionalText(cell(cells, 'category'));
    if (category && category.length > MAX_CATEGORY) {
      err('category', 'tooLong', `A category is at most ${MAX_CATEGORY} characters`);
    }

    let priceMinor: number | null = null;
    const priceText = cell(cells, 'price') ?? '';
    if (!priceText) err('price', 'required', 'Price is missing');
    else if (/^-/.test(priceText)) err('price', 'negative', 'A price cannot be negative');
    else {
      const money = parseMoney(priceText, currency);
      if (money.ok) priceMinor = money.minor;
      else if (money.reason === 'decimals') {
        err('price', 'decimals', `${currency} prices have at most ${currencyDigits(currency)} decimals`);
      } else if (money.reason === 'range') err('price', 'range', 'The price is too large');
      else err('price', 'format', 'A price is a number like 12.50');
    }

    let taxRateBp: number | undefined;
    const taxText = cell(cells, 'tax_rate');
    if (taxText !== undefined) {
      const tax = taxText === '' ? ({ ok: true, bp: 0 } as const) : parseTaxRate(taxText);
      if (tax.ok) taxRateBp = tax.bp;
      else err('tax_rate', 'format', 'A tax rate is a percent from 0 to 100, like 13 or 6.5');
    }

    let active: boolean | undefined;
    const activeText = cell(cells, 'active')?.toLowerCase();
    if (activeText !== undefined) {
      if (activeText === '' || TRUE.has(activeText)) active = true;
      else if (FALSE.has(activeText)) active = false;
      else err('active', 'format', 'Active is 1 or 0');
    }

    const preview: ImportRow = { line, barcode, name, priceMinor, action: 'error', errors };
    if (errors.length || priceMinor === null) return { preview };
    const fields: RowFields = { barcode, name, priceMinor, nameEn, category, taxRateBp, active };
    const current = existing(barcode);
    if (!current) {
      preview.action = 'create';
      return { preview, write: { productId: null, fields } };
    }
    preview.action = changes(current, fields) ? 'update' : 'unchanged';
    return preview.action === 'update' ? { preview, write: { productId: current.id, fields } } : { preview };
  });

  const count = (a: ImportRow['action']) => checked.filter((r) => r.preview.action === a).length;
  return {
    rows: checked,
    preview: {
      rows: checked.map((r) => r.preview),
      creates: count('create'),
      updates: count('update'),
      unchanged: count('unchanged'),
      errors: count('error'),
    },
  };
}

function optionalText(s: string | undefined): string | undefined {
  return s === undefined ? undefined : cleanText(s);
}

/** The product a row describes, given what it is now (absent columns keep their value). */
export function applyRow(current: Product | undefined, f: RowFields) {
  return {
    barcode: f.barcode,
    name: f.name,
    nameEn: f.nameEn ?? current?.nameEn ?? '',
    category: f.category ?? current?.category ?? '',
    priceMinor: f.priceMinor,
    taxRateBp: f.taxRateBp ?? current?.taxRateBp ?? 0,
    active: f.active ?? current?.active ?? true,
  };
}

function changes(current: Product, f: RowFields): boolean {
  const next = applyRow(current, f);
  return (Object.keys(next) as (keyof typeof next)[]).some((k) => next[k] !== current[k]);
}

/** Every product in the import format. A BOM lets Excel read the Chinese as UTF-8; cells that a
 * spreadsheet would run as a formula get a leading ', which the import removes again. */
export function productsToCsv(products: Product[], currency: string): string {
  const rows = products.map((p) => [
    p.barcode,
    p.name,
    p.nameEn,
    p.category,
    minorToDecimal(p.priceMinor, currency),
    formatTaxRate(p.taxRateBp),
    p.active ? '1' : '0',
  ]);
  return `\uFEFF${Papa.unparse({ fields: [...CSV_COLUMNS], data: rows }, { escapeFormulae: true, newline: '\r\n' })}\r\n`;
}
