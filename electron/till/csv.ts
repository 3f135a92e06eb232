// The product CSV: the import/export format, and row-by-row validation for the import preview.
// Columns: barcode,name,name_en,category,price,tax_rate,active,sold_by_weight. price is in major units
// ("12.50"; a kilogram's price when sold by weight), tax_rate a percent ("13"), active and sold_by_weight
// 1/0 (true/false, yes/no, 是/否 are read too). Files without sold_by_weight (older exports) still import.
import Papa from 'papaparse';
import { TillError } from '../../shared/api';
import { Barcode, type ImportPreview, type ImportRow, type Product } from '../../shared/domain';
import { currencyDigits, minorToDecimal, parseMoney } from '../../shared/money';
import { checkBarcode } from './barcode';
import { CsvRecords } from './csv-reader';

export const CSV_COLUMNS = [
  'barcode',
  'name',
  'name_en',
  'category',
  'price',
  'tax_rate',
  'active',
  'sold_by_weight',
] as const;
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
  sold_by_weight: 'sold_by_weight',
  by_weight: 'sold_by_weight',
  weighed: 'sold_by_weight',
  称重: 'sold_by_weight',
  计重: 'sold_by_weight',
  称重商品: 'sold_by_weight',
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
  soldByWeight?: boolean;
}

export interface CheckedRow {
  preview: ImportRow;
  /** Set when the row is valid and changes something. */
  write?: { productId: number | null; fields: RowFields };
}

/** A valid row that changes the catalog: a new product (productId null) or an update, as the check saw it. */
export interface RowWrite {
  line: number;
  productId: number | null;
  fields: RowFields;
}

export interface CheckedCsv {
  /** Counts over every row; PREVIEW_ROWS of the rows. */
  preview: ImportPreview;
  /** The rows to write, when asked for (checkProductsCsv). */
  writes: RowWrite[];
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

/** The columns a header row names, by position. */
export type Columns = Map<CsvColumn, number>;

/** The columns of a header row; refuses a table without the required ones. */
export function readColumns(header: string[] | undefined): Columns {
  const columns: Columns = new Map();
  (header ?? []).forEach((h, i) => {
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
  return columns;
}

/** A data row as read: its 1-based row number in the file (the header is row 1) and its cells. */
export interface CsvRow {
  line: number;
  cells: string[];
}

interface ParsedCsv {
  columns: Columns;
  rows: CsvRow[];
}

/** The whole file at once (the demo catalog, tests). Rows with nothing in them are left out. */
export function parseProductsCsv(csv: string): ParsedCsv {
  const records = new CsvRecords(withoutBom(csv));
  const table: string[][] = [];
  while (!records.done) for (const r of records.next()) table.push(r);
  const columns = readColumns(table[0]);
  const rows: CsvRow[] = [];
  table.slice(1).forEach((cells, i) => {
    if (!isBlank(cells)) rows.push({ line: i + 2, cells });
  });
  return { columns, rows };
}

function withoutBom(csv: string): string {
  return csv.charCodeAt(0) === 0xfeff ? csv.slice(1) : csv;
}

function isBlank(cells: string[]): boolean {
  return cells.every((c) => c.trim() === '');
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
 * Checks data rows one at a time and decides each one's action against the catalog as it is now (`existing`
 * looks a barcode up). Remembers the barcodes it saw, to find a row repeating an earlier one. Writes nothing.
 */
export class RowChecker {
  private readonly firstLine = new Map<string, number>();

  constructor(
    private readonly columns: Columns,
    private readonly currency: string,
    private readonly existing: (barcode: string) => Product | undefined,
  ) {}

  private cell(cells: string[], col: CsvColumn): string | undefined {
    const i = this.columns.get(col);
    return i === undefined ? undefined : unguard(cells[i] ?? '').trim();
  }

  check({ line, cells }: CsvRow): CheckedRow {
    const errors: FieldError[] = [];
    const err = (field: string, code: string, message: string) => errors.push({ field, code, message });

    const barcode = this.cell(cells, 'barcode') ?? '';
    if (!barcode) err('barcode', 'required', 'Barcode is missing');
    else if (!Barcode.safeParse(barcode).success) {
      err('barcode', 'invalid', 'A barcode is up to 32 letters, digits, dots, dashes or underscores');
    } else {
      const check = checkBarcode(barcode);
      if (!check.ok)
        err('barcode', 'checkDigit', `Wrong check digit: an EAN/UPC code ending this way needs ${check.expected}`);
      const seen = this.firstLine.get(barcode);
      if (seen !== undefined) err('barcode', 'duplicate', `The same barcode is already on row ${seen}`);
      else this.firstLine.set(barcode, line);
    }

    const name = cleanText(this.cell(cells, 'name') ?? '');
    if (!name) err('name', 'required', 'Name is missing');
    else if (name.length > MAX_NAME) err('name', 'tooLong', `A name is at most ${MAX_NAME} characters`);

    const nameEn = optionalText(this.cell(cells, 'name_en'));
    if (nameEn && nameEn.length > MAX_NAME)
      err('name_en', 'tooLong', `An English name is at most ${MAX_NAME} characters`);
    const category = optionalText(this.cell(cells, 'category'));
    if (category && category.length > MAX_CATEGORY) {
      err('category', 'tooLong', `A category is at most ${MAX_CATEGORY} characters`);
    }

    let priceMinor: number | null = null;
    const priceText = this.cell(cells, 'price') ?? '';
    if (!priceText) err('price', 'required', 'Price is missing');
    else if (/^-/.test(priceText)) err('price', 'negative', 'A price cannot be negative');
    else {
      const money = parseMoney(priceText, this.currency);
      if (money.ok) priceMinor = money.minor;
      else if (money.reason === 'decimals') {
        err('price', 'decimals', `${this.currency} prices have at most ${currencyDigits(this.currency)} decimals`);
      } else if (money.reason === 'range') err('price', 'range', 'The price is too large');
      else err('price', 'format', 'A price is a number like 12.50');
    }

    let taxRateBp: number | undefined;
    const taxText = this.cell(cells, 'tax_rate');
    if (taxText !== undefined) {
      const tax = taxText === '' ? ({ ok: true, bp: 0 } as const) : parseTaxRate(taxText);
      if (tax.ok) taxRateBp = tax.bp;
      else err('tax_rate', 'format', 'A tax rate is a percent from 0 to 100, like 13 or 6.5');
    }

    let active: boolean | undefined;
    const activeText = this.cell(cells, 'active')?.toLowerCase();
    if (activeText !== undefined) {
      if (activeText === '' || TRUE.has(activeText)) active = true;
      else if (FALSE.has(activeText)) active = false;
      else err('active', 'format', 'Active is 1 or 0');
    }

    let soldByWeight: boolean | undefined;
    const weightText = this.cell(cells, 'sold_by_weight')?.toLowerCase();
    if (weightText !== undefined) {
      if (weightText === '' || FALSE.has(weightText)) soldByWeight = false;
      else if (TRUE.has(weightText)) soldByWeight = true;
      else err('sold_by_weight', 'format', 'Sold by weight is 1 or 0');
    }

    const preview: ImportRow = { line, barcode, name, priceMinor, action: 'error', errors };
    if (errors.length || priceMinor === null) return { preview };
    const fields: RowFields = { barcode, name, priceMinor, nameEn, category, taxRateBp, active, soldByWeight };
    const current = this.existing(barcode);
    if (!current) {
      preview.action = 'create';
      return { preview, write: { productId: null, fields } };
    }
    preview.action = changes(current, fields) ? 'update' : 'unchanged';
    return preview.action === 'update' ? { preview, write: { productId: current.id, fields } } : { preview };
  }
}

/** Rows a preview shows at most: rows with a problem take priority, then the first of the others. */
export const PREVIEW_ROWS = 500;

/**
 * The preview of a file: counts over every row, and the rows to show (PREVIEW_ROWS at most, in file order),
 * so a 70,000-row file is not sent to the screen, nor serialised, row by row.
 */
export class PreviewCollector {
  private readonly counts = { create: 0, update: 0, unchanged: 0, error: 0 };
  private readonly problems: ImportRow[] = [];
  private readonly others: ImportRow[] = [];

  add(row: ImportRow): void {
    this.counts[row.action]++;
    const list = row.action === 'error' ? this.problems : this.others;
    if (list.length < PREVIEW_ROWS) list.push(row);
  }

  preview(): ImportPreview {
    const shown = [...this.problems, ...this.others.slice(0, PREVIEW_ROWS - this.problems.length)];
    return {
      rows: shown.sort((a, b) => a.line - b.line),
      creates: this.counts.create,
      updates: this.counts.update,
      unchanged: this.counts.unchanged,
      errors: this.counts.error,
    };
  }
}

/**
 * The rows of a product CSV, checked one at a time as they are asked for; the text is parsed a chunk at a time
 * as needed, so neither the records nor the checked rows of a big file are ever all in memory. Refuses a file
 * that is not a product table (CSV_INVALID) as soon as its header is read.
 */
export class CheckedRows {
  private readonly records: CsvRecords;
  private pending: string[][] = [];
  private at = 0;
  private line = 0;
  private checker: RowChecker | undefined;

  constructor(
    csv: string,
    private readonly currency: string,
    private readonly existing: (barcode: string) => Product | undefined,
  ) {
    this.records = new CsvRecords(withoutBom(csv));
  }

  /** The next row with something in it, checked against the catalog as it is now; null after the last. */
  next(): CheckedRow | null {
    for (;;) {
      if (this.at < this.pending.length) {
        const cells = this.pending[this.at++];
        // Row numbers count every record, blank ones too (the header is row 1).
        this.line++;
        if (!this.checker) this.checker = new RowChecker(readColumns(cells), this.currency, this.existing);
        else if (!isBlank(cells)) return this.checker.check({ line: this.line, cells });
        continue;
      }
      if (this.records.done) {
        if (!this.checker) readColumns(undefined);
        return null;
      }
      this.pending = this.records.next();
      this.at = 0;
    }
  }
}

/**
 * Checks a product CSV a step at a time (a step parses the next chunk of text, or checks one row) and collects
 * the preview. The rows are counted first, with a parse that keeps nothing, so progress can say "row n of
 * total"; then read again and checked. Writes nothing.
 */
export class CsvCheck {
  private readonly counting: CsvRecords;
  private header = true;
  private counted = 0;
  private total: number | null = null;
  private readonly rows: CheckedRows;
  private checked = 0;
  private finished = false;
  private readonly collector = new PreviewCollector();
  private readonly writes: RowWrite[] = [];

  /** `keepWrites`: collect the rows to write (a small file written at once, like the demo catalog). */
  constructor(
    csv: string,
    currency: string,
    existing: (barcode: string) => Product | undefined,
    private readonly keepWrites = false,
  ) {
    this.counting = new CsvRecords(withoutBom(csv));
    this.rows = new CheckedRows(csv, currency, existing);
  }

  get done(): boolean {
    return this.finished;
  }

  /** Rows checked of the rows in the file (blank ones left out); `total` is null while they are counted. */
  progress(): { done: number; total: number | null } {
    return { done: this.checked, total: this.total };
  }

  step(): void {
    if (this.total === null) {
      for (const cells of this.counting.next()) {
        if (this.header) {
          // A file that is not a product table is refused before anything else is read.
          readColumns(cells);
          this.header = false;
        } else if (!isBlank(cells)) this.counted++;
      }
      if (this.counting.done) this.total = this.counted;
      return;
    }
    const row = this.rows.next();
    if (!row) {
      this.finished = true;
      return;
    }
    this.checked++;
    this.collector.add(row.preview);
    if (row.write && this.keepWrites) this.writes.push({ line: row.preview.line, ...row.write });
  }

  /** Steps until done or `enough()`. */
  run(enough: () => boolean): void {
    do this.step();
    while (!this.finished && !enough());
  }

  result(): CheckedCsv {
    if (!this.finished) throw new Error('The CSV is not checked yet');
    return { preview: this.collector.preview(), writes: this.writes };
  }
}

/** Checks a whole file at once and keeps the rows to write (the demo catalog). */
export function checkProductsCsv(
  csv: string,
  currency: string,
  existing: (barcode: string) => Product | undefined,
): CheckedCsv {
  const check = new CsvCheck(csv, currency, existing, true);
  check.run(() => false);
  return check.result();
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
    soldByWeight: f.soldByWeight ?? current?.soldByWeight ?? false,
  };
}

/** Whether a row changes the product. */
export function changes(current: Product, f: RowFields): boolean {
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
    p.soldByWeight ? '1' : '0',
  ]);
  return `\uFEFF${Papa.unparse({ fields: [...CSV_COLUMNS], data: rows }, { escapeFormulae: true, newline: '\r\n' })}\r\n`;
}
