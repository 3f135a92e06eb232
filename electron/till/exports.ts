// CSV for the accountant: the orders, lines and payments of a range of business days, as Excel opens them.
// UTF-8 with a BOM (Excel reads the Chinese right); amounts as plain numbers in major units ("12.50", "-3.00"), so
// Excel sums them; every text cell that a spreadsheet would run as a formula (= + - @, a tab or a CR first) is
// neutralised with a leading ', so a product named =HYPERLINK(…) stays text. csv-stringify writes the quoting; its
// own formula escaping is off because it would turn -12.50 into text too.
import { stringify } from 'csv-stringify/sync';
import { TillError } from '../../shared/api';
import { minorToDecimal } from '../../shared/money';
import { tillBusinessDayRange } from './business-day';
import type { TillContext } from './context';

export type ExportKind = 'orders' | 'lines' | 'payments';

/** A text cell as a spreadsheet must show it: as typed, never run. */
export function textCell(value: string | null | undefined): string {
  const s = value ?? '';
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

type Cell = { text: string | null } | { minor: number | null } | { int: number | null };

/** The longest range one export covers: a year of business days. */
export const MAX_EXPORT_DAYS = 366;

export class Exports {
  private readonly s;

  constructor(private readonly ctx: TillContext) {
    const db = ctx.db;
    const range = "o.completed_at >= @from AND o.completed_at < @to AND o.till_id = @tillId AND o.status = 'completed'";
    this.s = {
      orders: db.prepare(
        'SELECT o.number, o.business_day, o.completed_at, o.staff_name, o.item_count, o.subtotal_minor,' +
          ' o.discount_minor, o.total_minor, o.tax_minor FROM orders o' +
          ` WHERE ${range} ORDER BY o.completed_at, o.id`,
      ),
      lines: db.prepare(
        'SELECT o.number, o.business_day, l.barcode, l.name, l.quantity, l.weight_g, l.unit_price_minor, l.gross_minor,' +
          ' l.line_discount_minor + l.order_discount_share_minor AS discount_minor, l.total_minor, l.tax_rate_bp,' +
          ` l.tax_minor FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE ${range}` +
          ' ORDER BY o.completed_at, o.id, l.position, l.id',
      ),
      payments: db.prepare(
        'SELECT o.number, o.business_day, p.method, p.provider, p.status, p.amount_minor, p.tendered_minor,' +
          ' p.change_minor, p.refunded_minor, p.trade_number, p.settled_at, p.confirmed_by_hand FROM orders o' +
          ` JOIN payments p ON p.order_id = o.id WHERE ${range} ORDER BY o.completed_at, o.id, p.id`,
      ),
    };
  }

  /** The CSV of `kind` for the business days fromDay..toDay (inclusive), and a file name that says what it is. */
  csv(kind: ExportKind, fromDay: string, toDay: string): { filename: string; csv: string; rows: number } {
    if (toDay < fromDay) {
      throw new TillError('INVALID_INPUT', 'The range ends before it starts', { fields: 'fromDay, toDay' });
    }
    const days = (Date.parse(`${toDay}T00:00:00Z`) - Date.parse(`${fromDay}T00:00:00Z`)) / 86_400_000 + 1;
    if (days > MAX_EXPORT_DAYS) {
      throw new TillError('INVALID_INPUT', `At most ${MAX_EXPORT_DAYS} days at a time`, { fields: 'toDay' });
    }
    const range = {
      from: tillBusinessDayRange(this.ctx, fromDay).fromIso,
      to: tillBusinessDayRange(this.ctx, toDay).toIso,
      tillId: this.ctx.tillId,
    };
    const currency = this.ctx.settings.get().currency;
    const money = (minor: number | null) => (minor === null ? '' : minorToDecimal(minor, currency));
    const till = this.ctx.tillId;
    const number = (n: string) => `${till}-${n}`;
    // biome-ignore lint/suspicious/noExplicitAny: rows come from the statements above, named as selected
    const rows = (this.s[kind].all(range) as any[]).map((r): Cell[] => {
      if (kind === 'orders') {
        return [
          { text: number(r.number) },
          { text: r.business_day },
          { text: r.completed_at },
          { text: r.staff_name },
          { int: r.item_count },
          { minor: r.subtotal_minor },
          { minor: r.discount_minor },
          { minor: r.total_minor },
          { minor: r.tax_minor },
        ];
      }
      if (kind === 'lines') {
        return [
          { text: number(r.number) },
          { text: r.business_day },
          { text: r.barcode },
          { text: r.name },
          { int: r.quantity },
          { int: r.weight_g },
          { minor: r.unit_price_minor },
          { minor: r.gross_minor },
          { minor: r.discount_minor },
          { minor: r.total_minor },
          { text: `${r.tax_rate_bp / 100}%` },
          { minor: r.tax_minor },
        ];
      }
      return [
        { text: number(r.number) },
        { text: r.business_day },
        { text: r.method },
        { text: r.provider },
        { text: r.status },
        { minor: r.amount_minor },
        { minor: r.tendered_minor },
        { minor: r.change_minor },
        { minor: r.refunded_minor },
        { text: r.trade_number },
        { text: r.settled_at },
        { text: r.confirmed_by_hand ? 'yes' : '' },
      ];
    });
    const cells = rows.map((row) =>
      row.map((c) =>
        'text' in c ? textCell(c.text) : 'minor' in c ? money(c.minor) : c.int === null ? '' : String(c.int),
      ),
    );
    const csv = stringify(cells, { bom: true, header: true, columns: HEADERS[kind], record_delimiter: 'windows' });
    const span = fromDay === toDay ? fromDay : `${fromDay}_${toDay}`;
    return { filename: `tillpoint-${till}-${kind}-${span}.csv`, csv, rows: cells.length };
  }
}

/** Column headers, bilingual so both the owner and the accountant read them. */
const HEADERS: Record<ExportKind, string[]> = {
  orders: [
    '订单号 order',
    '营业日 business_day',
    '完成时间 completed_at (UTC)',
    '收银员 cashier',
    '件数 items',
    '小计 subtotal',
    '折扣 discount',
    '合计 total',
    '含税 tax',
  ],
  lines: [
    '订单号 order',
    '营业日 business_day',
    '条码 barcode',
    '名称 name',
    '数量 quantity',
    '重量克 weight_g',
    '单价 unit_price',
    '原价 gross',
    '折扣 discount',
    '金额 total',
    '税率 tax_rate',
    '含税 tax',
  ],
  payments: [
    '订单号 order',
    '营业日 business_day',
    '方式 method',
    '渠道 provider',
    '状态 status',
    '金额 amount',
    '收取 tendered',
    '找零 change',
    '已退 refunded',
    '交易号 trade_number',
    '到账时间 settled_at (UTC)',
    '手动确认 confirmed_by_hand',
  ],
};
