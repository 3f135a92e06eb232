// The owners' reports (/reports): a business day or a range of them, summed by the database. The money facts are
// the Z's (zreport.ts): completed orders' lines by completion time, payments when the money moved (cash net of
// change), refunds when they went through, voids, no-sale drawer openings and price overrides from the journal;
// and a day covers the same instants its Z covers, so a report equals the Zs of its days. Read-only.
import { TillError } from '../../shared/api';
import { addBusinessDays } from '../../shared/business-day';
import { taxIncluded } from '../../shared/pricing';
import { methodKeyOrder } from '../../shared/shift';
import {
  MAX_REPORT_DAYS,
  type PrintableReport,
  type Report,
  type ReportProduct,
  type ReportRange,
  type ReportTotals,
} from '../../shared/report';
import { tillBusinessDay, tillBusinessDayRange } from './business-day';
import type { TillContext } from './context';
import { type PrintLanguage, printableReport } from './report-print';
import { isDay, methodKey, PRICE_OVERRIDE_KINDS } from './zreport';

const MOVED_STATES = "('paid', 'partially_refunded', 'refunded')";
const MOVED_AT = 'IFNULL(p.settled_at, p.created_at)';
const COMPLETED_IN =
  "o.completed_at >= @from AND o.completed_at < @to AND o.till_id = @tillId AND o.status = 'completed'";
export const TREND_DAYS = 30;

/**
 * ONE pass over the range's lines, grouped by product and tax rate: the Z's gross, discounts and tax per rate, and
 * the products, together. Grouped on the plain columns (no expressions) so the sort key stays narrow; a product's
 * lines with other snapshots (renamed since) are merged by id afterwards, and lines of deleted products (no id)
 * stay apart by barcode and name. The product's current name and category are looked up afterwards (a kept piece
 * of a long range stays right after a rename). Exported for the benchmark, which times this pass alone.
 */
export const REPORT_LINES_SQL =
  'SELECT l.product_id AS productId, l.barcode, l.name, l.tax_rate_bp AS taxRateBp,' +
  ' sum(l.gross_minor) AS grossMinor, sum(l.line_discount_minor + l.order_discount_share_minor) AS discountsMinor,' +
  ' sum(l.total_minor) AS totalMinor, sum(l.tax_minor) AS taxMinor, sum(l.quantity) AS quantity,' +
  ' sum(IFNULL(l.weight_g, 0)) AS weightG, count(DISTINCT l.order_id) AS orderCount, max(l.name_en) AS nameEn' +
  ' FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.completed_at >= @from AND o.completed_at < @to' +
  " AND o.till_id = @tillId AND o.status = 'completed'" +
  ' GROUP BY l.product_id, l.barcode, l.name, l.tax_rate_bp';

/** A range longer than this is summed from pieces (months, the last month so far, the last day) that are kept. */
export const PIECES_OVER_DAYS = 31;
/** A piece that ended this long ago can no longer change: everything the till writes is stamped when written. */
const SETTLED_MS = 5 * 60_000;
/** How long after a Z the till keeps the year's ended pieces (the Z's own end has settled by then). */
export const KEEP_AFTER_Z_MS = SETTLED_MS + 60_000;

export interface DaySpan {
  fromIso: string;
  toIso: string;
}

/** The instants a run of business days covers, [fromAt, toAt), as a Z covers them (see dayWindow). */
export function reportWindow(
  fromDay: string,
  toDay: string,
  zOf: (day: string) => { fromAt: string; toAt: string } | undefined,
  dayRange: (day: string) => DaySpan,
): { fromAt: string; toAt: string } {
  // A day with a Z covers exactly its Z; one without starts where the previous day's Z ended (money that moved
  // after that Z belongs to this day, as it does to the next Z), else at its own start, and ends at its own end.
  const fromZ = zOf(fromDay);
  const previousZ = zOf(addBusinessDays(fromDay, -1));
  const fromAt = fromZ?.fromAt ?? previousZ?.toAt ?? dayRange(fromDay).fromIso;
  const toAt = zOf(toDay)?.toAt ?? dayRange(toDay).toIso;
  // Never a negative span (a Z made late cannot end before the previous one).
  return { fromAt, toAt: [fromAt, toAt].sort()[1] };
}

/** Days from `fromDay` to `toDay`, both included. */
export function daysBetween(fromDay: string, toDay: string): number {
  return (Date.parse(`${toDay}T00:00:00Z`) - Date.parse(`${fromDay}T00:00:00Z`)) / 86_400_000 + 1;
}

/** Sales ÷ orders rounded half up, in integers. */
export function averageTicket(salesMinor: number, orders: number): number {
  if (orders <= 0) return 0;
  return Math.floor((2 * salesMinor + orders) / (2 * orders));
}

interface Range {
  tillId: string;
  from: string;
  to: string;
}

interface LineGroup {
  productId: number | null;
  taxRateBp: number;
  grossMinor: number;
  discountsMinor: number;
  totalMinor: number;
  taxMinor: number;
  quantity: number;
  weightG: number;
  orderCount: number;
  barcode: string;
  name: string;
  nameEn: string;
}

interface OrderGroup {
  staffId: number | null;
  staffName: string | null;
  hourKey: string;
  n: number;
  totalMinor: number;
}

/** Lays an HTML page out as an A4 PDF: the desktop app's (electron/shell/pdf-maker.ts); the host has none. */
export interface PdfMaker {
  pdf(html: string): Promise<Buffer>;
}

export class Reports {
  private readonly s;

  constructor(
    private readonly ctx: TillContext,
    private readonly pdfMaker?: PdfMaker,
  ) {
    const db = ctx.db;
    this.s = {
      zs: db.prepare<
        [string, string, string],
        { business_day: string; id: string; number: number; from_at: string; to_at: string }
      >(
        'SELECT business_day, id, number, from_at, to_at FROM z_reports WHERE till_id = ? AND business_day >= ?' +
          ' AND business_day <= ? ORDER BY business_day',
      ),
      lines: db.prepare<Range, LineGroup>(REPORT_LINES_SQL),
      // Orders by cashier and UTC hour (or minute, in a zone off the whole hour): hours are mapped to local in JS.
      orders: db.prepare<Range & { keyLength: number }, OrderGroup>(
        'SELECT o.staff_id AS staffId, o.staff_name AS staffName, substr(o.completed_at, 1, @keyLength) AS hourKey,' +
          ` count(*) AS n, sum(o.total_minor) AS totalMinor FROM orders o WHERE ${COMPLETED_IN}` +
          ' GROUP BY o.staff_id, o.staff_name, hourKey',
      ),
      voids: db.prepare<Range, { staffId: number | null; staffName: string | null; n: number }>(
        'SELECT staff_id AS staffId, staff_name AS staffName, count(*) AS n FROM orders WHERE voided_at >= @from' +
          " AND voided_at < @to AND till_id = @tillId AND status = 'voided' AND item_count > 0" +
          ' GROUP BY staff_id, staff_name',
      ),
      payments: db.prepare<Range, { method: string; provider: string | null; amountMinor: number; n: number }>(
        'SELECT p.method, p.provider, sum(p.amount_minor) AS amountMinor, count(*) AS n FROM payments p' +
          ` JOIN orders o ON o.id = p.order_id WHERE ${MOVED_AT} >= @from AND ${MOVED_AT} < @to` +
          ` AND p.status IN ${MOVED_STATES} AND o.till_id = @tillId GROUP BY p.method, p.provider`,
      ),
      refunds: db.prepare<Range, { method: string; provider: string | null; amountMinor: number; n: number }>(
        'SELECT p.method, p.provider, sum(r.amount_minor) AS amountMinor, count(*) AS n FROM refunds r' +
          " JOIN payments p ON p.id = r.payment_id JOIN orders o ON o.id = p.order_id WHERE r.status = 'refunded'" +
          ' AND r.updated_at >= @from AND r.updated_at < @to AND o.till_id = @tillId GROUP BY p.method, p.provider',
      ),
      refundLines: db.prepare<Range, { taxRateBp: number; amountMinor: number }>(
        'SELECT ol.tax_rate_bp AS taxRateBp, rl.amount_minor AS amountMinor FROM refund_tickets t' +
          ' JOIN refund_lines rl ON rl.ticket_id = t.id JOIN order_lines ol ON ol.id = rl.order_line_id' +
          ' JOIN orders o ON o.id = t.order_id WHERE t.created_at >= @from AND t.created_at < @to AND o.till_id = @tillId',
      ),
      journalCount: db.prepare<[string, string, string], { n: number }>(
        'SELECT count(*) AS n FROM journal WHERE kind = ? AND at >= ? AND at < ?',
      ),
      noSale: db.prepare<[string, string], { n: number }>(
        "SELECT count(*) AS n FROM journal WHERE kind = 'drawer.opened' AND at >= ? AND at < ?" +
          " AND json_extract(data, '$.reason') = 'no_sale'",
      ),
      pieceGet: db.prepare<Range, { data: string }>(
        'SELECT data FROM report_pieces WHERE till_id = @tillId AND from_at = @from AND to_at = @to',
      ),
      piecePut: db.prepare<Range & { data: string; madeAt: string }>(
        'INSERT OR REPLACE INTO report_pieces (till_id, from_at, to_at, data, made_at)' +
          ' VALUES (@tillId, @from, @to, @data, @madeAt)',
      ),
      pieceSuperseded: db.prepare<Range>(
        'DELETE FROM report_pieces WHERE till_id = @tillId AND from_at = @from AND to_at < @to',
      ),
      product: db.prepare<[number], ProductNow>(
        'SELECT id, barcode, name, name_en AS nameEn, category FROM products WHERE id = ?',
      ),
      allProducts: db.prepare<[], ProductNow>('SELECT id, barcode, name, name_en AS nameEn, category FROM products'),
      // A trend day: what its orders came to and what went back.
      daySales: db.prepare<Range, { n: number; totalMinor: number | null }>(
        `SELECT count(*) AS n, sum(o.total_minor) AS totalMinor FROM orders o WHERE ${COMPLETED_IN}`,
      ),
      dayRefunds: db.prepare<Range, { amountMinor: number | null }>(
        'SELECT sum(r.amount_minor) AS amountMinor FROM refunds r JOIN payments p ON p.id = r.payment_id' +
          " JOIN orders o ON o.id = p.order_id WHERE r.status = 'refunded' AND r.updated_at >= @from" +
          ' AND r.updated_at < @to AND o.till_id = @tillId',
      ),
    };
  }

  /** Checks a range; refuses a reversed, impossible or too long one (nothing is read). */
  private check(fromDay: string, toDay: string): void {
    if (!isDay(fromDay) || !isDay(toDay)) {
      throw new TillError('INVALID_INPUT', 'Not a calendar day', { fields: 'fromDay, toDay' });
    }
    if (toDay < fromDay) {
      throw new TillError('INVALID_INPUT', 'The range ends before it starts', { fields: 'fromDay, toDay' });
    }
    const days = daysBetween(fromDay, toDay);
    if (days > MAX_REPORT_DAYS) {
      throw new TillError('REPORT_RANGE', `At most ${MAX_REPORT_DAYS} days in one report (asked: ${days})`, {
        days,
        maxDays: MAX_REPORT_DAYS,
      });
    }
  }

  /** The report of the business days fromDay..toDay (inclusive). */
  get({ fromDay, toDay }: ReportRange): Report {
    this.check(fromDay, toDay);
    const tillId = this.ctx.tillId;
    // One transaction: every figure from the same state of the database (it writes only kept pieces).
    return this.ctx.db.transaction(() => {
      const trendFrom = addBusinessDays(toDay, -(TREND_DAYS - 1));
      const { zRows, zOf, dayRange, range, startOf } = this.plan([fromDay, trendFrom].sort()[0], fromDay, toDay);
      const { from: fromAt, to: toAt } = range;
      const figures =
        daysBetween(fromDay, toDay) > PIECES_OVER_DAYS
          ? this.combine(this.pieces(range, fromDay, toDay, startOf).map((p) => this.piece(p)))
          : this.figures(range);

      const trend: Report['trend'] = [];
      for (let i = 0; i < TREND_DAYS; i++) {
        const day = addBusinessDays(trendFrom, i);
        const w = reportWindow(day, day, zOf, dayRange);
        const r = { tillId, from: w.fromAt, to: w.toAt };
        const sales = this.s.daySales.get(r)!;
        const refunds = this.s.dayRefunds.get(r)!.amountMinor ?? 0;
        const salesMinor = sales.totalMinor ?? 0;
        trend.push({ day, orderCount: sales.n, salesMinor, netMinor: salesMinor - refunds });
      }

      const inRange = zRows.filter((z) => z.business_day >= fromDay);
      const closed = new Set(inRange.map((z) => z.business_day));
      const openDays: string[] = [];
      const days = daysBetween(fromDay, toDay);
      for (let i = 0; i < days; i++) {
        const day = addBusinessDays(fromDay, i);
        if (!closed.has(day)) openDays.push(day);
      }
      return {
        fromDay,
        toDay,
        fromAt,
        toAt,
        currency: this.ctx.settings.get().currency,
        ...figures,
        trend,
        zReports: inRange.map((z) => ({ id: z.id, number: z.number, businessDay: z.business_day })),
        openDays,
      };
    })();
  }

  /** The printable page of a range, in `language` (else the till's: 'auto' reads Chinese). */
  printable({ fromDay, toDay, language }: ReportRange & { language?: PrintLanguage }): PrintableReport {
    const report = this.get({ fromDay, toDay });
    const settings = this.ctx.settings.get();
    const lang: PrintLanguage = language ?? (settings.language === 'en' ? 'en' : 'zh-CN');
    return printableReport(report, lang, settings.shopName, this.ctx.clock());
  }

  /** The printable page as an A4 PDF, where the desktop app can make one. */
  async pdf(input: ReportRange & { language?: PrintLanguage }): Promise<{ filename: string; pdfBase64: string }> {
    if (!this.pdfMaker) {
      throw new TillError('PDF_NOT_BUILT', 'Save as PDF needs the desktop app: print the page and save it as PDF');
    }
    const page = this.printable(input);
    const bytes = await this.pdfMaker.pdf(page.html);
    return { filename: page.filename.replace(/\.html$/, '.pdf'), pdfBase64: bytes.toString('base64') };
  }

  /** Everything but the trend, the Zs and the open days, over [from, to). */
  figures(range: Range): Figures {
    return this.combine([this.readPiece(range)]);
  }

  /** The Zs from the day before `firstDay` to `toDay`, and the instants of fromDay..toDay (see reportWindow). */
  private plan(firstDay: string, fromDay: string, toDay: string) {
    const zRows = this.s.zs.all(this.ctx.tillId, addBusinessDays(firstDay, -1), toDay);
    const zByDay = new Map(zRows.map((z) => [z.business_day, { fromAt: z.from_at, toAt: z.to_at }]));
    const zOf = (day: string) => zByDay.get(day);
    const dayRange = (day: string) => tillBusinessDayRange(this.ctx, day);
    const { fromAt, toAt } = reportWindow(fromDay, toDay, zOf, dayRange);
    const range: Range = { tillId: this.ctx.tillId, from: fromAt, to: toAt };
    const startOf = (day: string) => reportWindow(day, day, zOf, dayRange).fromAt;
    return { zRows, zOf, dayRange, range, startOf };
  }

  /**
   * A long range in pieces: its whole months, the month so far up to the last day, and the last day. A piece that
   * has ended (SETTLED_MS ago) is kept in report_pieces and read back next time: nothing the till writes is stamped
   * in the past (orders when completed, payments when the money moved, refunds when made, the journal when
   * written), so a past stretch never changes. The pieces meet exactly, so their sum is the range's. Kept pieces
   * hold sums per product, not per line: a year is twelve small pieces.
   */
  private pieces(range: Range, fromDay: string, toDay: string, startOf: (day: string) => string): Range[] {
    const cuts = new Set<string>([startOf(toDay)]);
    for (let day = addBusinessDays(fromDay, 1); day <= toDay; day = addBusinessDays(day, 1)) {
      if (day.endsWith('-01')) cuts.add(startOf(day));
    }
    const edges = [range.from, ...[...cuts].filter((c) => c > range.from && c < range.to).sort(), range.to];
    return edges.slice(1).map((to, i) => ({ tillId: range.tillId, from: edges[i], to }));
  }

  /** Has this stretch ended long enough ago to be kept? */
  private settled(piece: Range): boolean {
    return piece.to <= new Date(this.ctx.clock().getTime() - SETTLED_MS).toISOString();
  }

  /** A piece's sums: kept, else read (and kept once it has ended). */
  private piece(piece: Range): Piece {
    if (!this.settled(piece)) return this.readPiece(piece);
    const kept = this.s.pieceGet.get(piece);
    if (kept) return JSON.parse(kept.data) as Piece;
    return this.keep(piece);
  }

  private keep(piece: Range): Piece {
    const read = this.readPiece(piece);
    // A month so far replaces the shorter one kept yesterday (same start).
    this.s.pieceSuperseded.run(piece);
    this.s.piecePut.run({ ...piece, data: JSON.stringify(read), madeAt: this.ctx.clock().toISOString() });
    return read;
  }

  /**
   * Keeps, ahead of time, the pieces of the year up to tomorrow that have ended: run a while after a Z, so the
   * owner's next long report reads twelve kept months instead of a year of lines. One piece per turn of the
   * event loop (a busy month takes ~130 ms), each in its own transaction. Resolves with how many it kept.
   */
  async keepPieces(): Promise<number> {
    const toDay = addBusinessDays(tillBusinessDay(this.ctx, this.ctx.clock()), 1);
    const fromDay = addBusinessDays(toDay, -(MAX_REPORT_DAYS - 1));
    const pieces = this.ctx.db.transaction(() => {
      const { range, startOf } = this.plan(fromDay, fromDay, toDay);
      return this.pieces(range, fromDay, toDay, startOf);
    })();
    let kept = 0;
    for (const piece of pieces) {
      const done = this.ctx.db.transaction(() => {
        if (!this.settled(piece) || this.s.pieceGet.get(piece)) return false;
        this.keep(piece);
        return true;
      })();
      if (done) {
        kept++;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    return kept;
  }

  /** What the database sums over [from, to), per product: the part of the figures a kept piece holds. */
  private readPiece(range: Range): Piece {
    const { from, to } = range;
    const wholeHours = [from, to].every((iso) => new Date(iso).getTimezoneOffset() % 60 === 0);
    const keyLength = wholeHours ? 13 : 16; // "2026-12-04T09" or "2026-12-04T09:30"
    const products: PieceProducts = {
      productId: [],
      barcode: [],
      name: [],
      nameEn: [],
      quantity: [],
      weightG: [],
      salesMinor: [],
      orderCount: [],
    };
    const row = new Map<string, number>();
    const taxes = new Map<number, [number, number]>();
    let grossMinor = 0;
    let discountsMinor = 0;
    let salesMinor = 0;
    let bad = 0;
    for (const g of this.s.lines.all(range)) {
      if (g.grossMinor - g.discountsMinor !== g.totalMinor) bad++;
      grossMinor += g.grossMinor;
      discountsMinor += g.discountsMinor;
      salesMinor += g.totalMinor;
      const t = taxes.get(g.taxRateBp) ?? [0, 0];
      t[0] += g.totalMinor;
      t[1] += g.taxMinor;
      taxes.set(g.taxRateBp, t);
      const key = productKey(g.productId, g.barcode, g.name);
      const i = row.get(key);
      if (i !== undefined) {
        // The same product at two tax rates or under two names (changed in the range): one row. Its orders are
        // counted per group, so an order holding both (a change mid-sale) counts twice: rare, and only here.
        products.quantity[i] += g.quantity;
        products.weightG[i] += g.weightG;
        products.salesMinor[i] += g.totalMinor;
        products.orderCount[i] += g.orderCount;
      } else {
        row.set(key, products.productId.length);
        products.productId.push(g.productId);
        products.barcode.push(g.barcode);
        products.name.push(g.name);
        products.nameEn.push(g.nameEn);
        products.quantity.push(g.quantity);
        products.weightG.push(g.weightG);
        products.salesMinor.push(g.totalMinor);
        products.orderCount.push(g.orderCount);
      }
    }
    const refundTax = new Map<number, [number, number]>();
    for (const l of this.s.refundLines.all(range)) {
      const t = refundTax.get(l.taxRateBp) ?? [0, 0];
      t[0] += l.amountMinor;
      t[1] += taxIncluded(l.amountMinor, l.taxRateBp);
      refundTax.set(l.taxRateBp, t);
    }
    let priceOverrides = 0;
    for (const kind of PRICE_OVERRIDE_KINDS) priceOverrides += this.s.journalCount.get(kind, from, to)!.n;
    return {
      grossMinor,
      discountsMinor,
      salesMinor,
      bad,
      taxes: [...taxes].map(([taxRateBp, [sales, tax]]) => ({ taxRateBp, salesMinor: sales, taxMinor: tax })),
      products,
      refundTax: [...refundTax].map(([taxRateBp, [amountMinor, taxMinor]]) => ({ taxRateBp, amountMinor, taxMinor })),
      payments: this.s.payments.all(range),
      refunds: this.s.refunds.all(range),
      keyLength,
      orders: this.s.orders.all({ ...range, keyLength }),
      voids: this.s.voids.all(range),
      priceOverrides,
      noSale: this.s.noSale.get(from, to)!.n,
    };
  }

  /** The products' current barcode, names and category (lines keep the snapshot of their sale). */
  private currentProducts(ids: Set<number>): Map<number, ProductNow> {
    const out = new Map<number, ProductNow>();
    if (ids.size === 0) return out;
    if (ids.size > 500) {
      for (const p of this.s.allProducts.all()) if (ids.has(p.id)) out.set(p.id, p);
    } else {
      for (const id of ids) {
        const p = this.s.product.get(id);
        if (p) out.set(id, p);
      }
    }
    return out;
  }

  /** The figures of pieces that meet end to end. */
  private combine(pieces: readonly Piece[]): Figures {
    // As the Z: figures whose parts do not add up are refused (checked per group, not per line: on a year every
    // aggregate in the pass costs a million steps).
    const bad = pieces.reduce((n, p) => n + p.bad, 0);
    if (bad > 0) throw new Error(`${bad} product groups in a report do not add up (gross − discounts ≠ total)`);

    // Tax per rate, as the Z: sales and tax by rate, then the tax of the lines refunded in the range.
    type Tax = Report['taxByRate'][number];
    const taxes = new Map<number, Tax>();
    const tax = (bp: number): Tax => {
      let t = taxes.get(bp);
      if (!t) {
        t = { taxRateBp: bp, salesMinor: 0, taxMinor: 0, refundedMinor: 0, refundedTaxMinor: 0, netTaxMinor: 0 };
        taxes.set(bp, t);
      }
      return t;
    };
    let grossMinor = 0;
    let discountsMinor = 0;
    let salesMinor = 0;
    const ids = new Set<number>();
    for (const piece of pieces) for (const id of piece.products.productId) if (id !== null) ids.add(id);
    const now = this.currentProducts(ids);
    const products = new Map<string, ReportProduct>();
    for (const piece of pieces) {
      grossMinor += piece.grossMinor;
      discountsMinor += piece.discountsMinor;
      salesMinor += piece.salesMinor;
      for (const t of piece.taxes) {
        const to = tax(t.taxRateBp);
        to.salesMinor += t.salesMinor;
        to.taxMinor += t.taxMinor;
      }
      const g = piece.products;
      for (let i = 0; i < g.productId.length; i++) {
        const id = g.productId[i];
        const key = productKey(id, g.barcode[i], g.name[i]);
        const p = products.get(key);
        if (p) {
          p.quantity += g.quantity[i];
          p.weightG += g.weightG[i];
          p.salesMinor += g.salesMinor[i];
          p.orderCount += g.orderCount[i];
        } else {
          const current = id === null ? undefined : now.get(id);
          products.set(key, {
            productId: id,
            barcode: current?.barcode ?? g.barcode[i],
            name: current?.name ?? g.name[i],
            nameEn: current?.nameEn ?? g.nameEn[i],
            category: current?.category ?? '',
            quantity: g.quantity[i],
            weightG: g.weightG[i],
            salesMinor: g.salesMinor[i],
            orderCount: g.orderCount[i],
          });
        }
      }
      for (const r of piece.refundTax) {
        const t = tax(r.taxRateBp);
        t.refundedMinor += r.amountMinor;
        t.refundedTaxMinor += r.taxMinor;
      }
    }
    for (const t of taxes.values()) t.netTaxMinor = t.taxMinor - t.refundedTaxMinor;

    const methods = new Map<string, Report['methods'][number]>();
    const method = (key: string) => {
      let m = methods.get(key);
      if (!m) {
        m = { key, receivedMinor: 0, refundedMinor: 0, netMinor: 0, count: 0 };
        methods.set(key, m);
      }
      return m;
    };
    let receivedMinor = 0;
    let refundsMinor = 0;
    // Orders per cashier and local hour.
    const hours = Array.from({ length: 24 }, (_, hour) => ({ hour, orderCount: 0, salesMinor: 0 }));
    const cashiers = new Map<string, Report['cashiers'][number]>();
    const cashier = (staffId: number | null, name: string | null) => {
      const key = `${staffId ?? ''}\u001f${name ?? ''}`;
      let c = cashiers.get(key);
      if (!c) {
        c = { staffId, name: name ?? '', orderCount: 0, salesMinor: 0, voids: 0 };
        cashiers.set(key, c);
      }
      return c;
    };
    let orderCount = 0;
    let voids = 0;
    let priceOverrides = 0;
    let noSaleOpenings = 0;
    const hourOf = new Map<string, number>();
    for (const piece of pieces) {
      for (const p of piece.payments) {
        const m = method(methodKey(p.method, p.provider));
        m.receivedMinor += p.amountMinor;
        m.count += p.n;
        receivedMinor += p.amountMinor;
      }
      for (const r of piece.refunds) {
        method(methodKey(r.method, r.provider)).refundedMinor += r.amountMinor;
        refundsMinor += r.amountMinor;
      }
      const whole = piece.keyLength === 13;
      for (const o of piece.orders) {
        orderCount += o.n;
        const c = cashier(o.staffId, o.staffName);
        c.orderCount += o.n;
        c.salesMinor += o.totalMinor;
        let hour = hourOf.get(o.hourKey);
        if (hour === undefined) {
          hour = new Date(whole ? `${o.hourKey}:00:00.000Z` : `${o.hourKey}:00.000Z`).getHours();
          hourOf.set(o.hourKey, hour);
        }
        hours[hour].orderCount += o.n;
        hours[hour].salesMinor += o.totalMinor;
      }
      for (const v of piece.voids) {
        cashier(v.staffId, v.staffName).voids += v.n;
        voids += v.n;
      }
      priceOverrides += piece.priceOverrides;
      noSaleOpenings += piece.noSale;
    }
    for (const m of methods.values()) m.netMinor = m.receivedMinor - m.refundedMinor;

    const categories = new Map<string, Report['categories'][number]>();
    for (const p of products.values()) {
      const c = categories.get(p.category) ?? { category: p.category, quantity: 0, salesMinor: 0 };
      c.quantity += p.quantity;
      c.salesMinor += p.salesMinor;
      categories.set(p.category, c);
    }

    const totals: ReportTotals = {
      orderCount,
      grossMinor,
      discountsMinor,
      salesMinor,
      refundsMinor,
      netMinor: salesMinor - refundsMinor,
      averageTicketMinor: averageTicket(salesMinor, orderCount),
      receivedMinor,
      voids,
      noSaleOpenings,
      priceOverrides,
    };
    const bySales = <T extends { salesMinor: number }>(a: T, b: T) => b.salesMinor - a.salesMinor;
    return {
      totals,
      taxByRate: [...taxes.values()].sort((a, b) => a.taxRateBp - b.taxRateBp),
      methods: [...methods.values()].sort((a, b) => methodKeyOrder(a.key, b.key)),
      products: [...products.values()].sort((a, b) => bySales(a, b) || a.barcode.localeCompare(b.barcode)),
      categories: [...categories.values()].sort((a, b) => bySales(a, b) || a.category.localeCompare(b.category)),
      cashiers: [...cashiers.values()].sort((a, b) => bySales(a, b) || a.name.localeCompare(b.name)),
      hours,
    };
  }
}

type Figures = Pick<Report, 'totals' | 'taxByRate' | 'methods' | 'products' | 'categories' | 'cashiers' | 'hours'>;

interface ProductNow {
  id: number;
  barcode: string;
  name: string;
  nameEn: string;
  category: string;
}

type MethodSum = { method: string; provider: string | null; amountMinor: number; n: number };

/** A stretch's products, one per column (JSON in report_pieces: arrays parse much faster than objects). */
interface PieceProducts {
  productId: (number | null)[];
  barcode: string[];
  name: string[];
  nameEn: string[];
  quantity: number[];
  weightG: number[];
  salesMinor: number[];
  orderCount: number[];
}

/** A stretch's sums (JSON in report_pieces when the stretch has ended). */
interface Piece {
  grossMinor: number;
  discountsMinor: number;
  salesMinor: number;
  /** Groups of lines whose parts do not add up. */
  bad: number;
  taxes: { taxRateBp: number; salesMinor: number; taxMinor: number }[];
  products: PieceProducts;
  /** Per tax rate: what refunded lines gave back and the tax included in it. */
  refundTax: { taxRateBp: number; amountMinor: number; taxMinor: number }[];
  payments: MethodSum[];
  refunds: MethodSum[];
  /** 13: orders keyed by UTC hour; 16: by minute (a zone off the whole hour). */
  keyLength: number;
  orders: OrderGroup[];
  voids: { staffId: number | null; staffName: string | null; n: number }[];
  priceOverrides: number;
  noSale: number;
}

/** One row per product: by id, or for a deleted product's lines by barcode and name. */
function productKey(productId: number | null, barcode: string, name: string): string {
  return productId === null ? `-${barcode}\u001f${name}` : String(productId);
}
