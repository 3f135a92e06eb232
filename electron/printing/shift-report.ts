// The shift report (交班报告) as a printed page: plain lines for ESC/POS and the same lines as HTML for system:
// printers. Pure builders: a closed shift's view in, text out.
import { minorToDecimal } from '../../shared/money';
import type { ShiftReportView } from '../../shared/shift-api';
import { escapeHtml } from './receipt-html';

const METHOD_NAMES: Record<string, string> = {
  cash: '现金 Cash',
  alipay: '支付宝 Alipay',
  wechat: '微信 WeChat',
  demo: '演示 Demo',
  bank_qr: '银行码 Bank QR',
};

/** Display width: CJK characters take two columns on a receipt printer. */
function width(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u1100-\uffff]/.test(ch) && !/[\uff61-\uff9f]/.test(ch) ? 2 : 1;
  return w;
}

function row(label: string, value: string, columns: number): string {
  const gap = Math.max(1, columns - width(label) - width(value));
  return `${label}${' '.repeat(gap)}${value}`;
}

const localTime = (iso: string) => {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

/** The report's lines for a paper `columns` wide. */
export function shiftReportLines(view: ShiftReportView, columns: number): string[] {
  const { shift, figures } = view;
  const money = (minor: number | null) => (minor === null ? '-' : minorToDecimal(minor, figures.currency));
  const rule = '-'.repeat(columns);
  const lines = [
    '交班报告 Shift report',
    row('班次 Shift', shift.number, columns),
    row('开班 Opened', localTime(shift.openedAt), columns),
    row('', shift.openedBy.name, columns),
    row('交班 Closed', shift.closedAt ? localTime(shift.closedAt) : '-', columns),
    row('', shift.closedBy?.name ?? '-', columns),
    rule,
  ];
  for (const m of figures.methods) {
    lines.push(METHOD_NAMES[m.key] ?? m.key);
    lines.push(row(`  销售 Sales ×${m.salesCount}`, money(m.salesMinor), columns));
    lines.push(row(`  退款 Refunds ×${m.refundsCount}`, money(-m.refundsMinor), columns));
    lines.push(row('  净额 Net', money(m.netMinor), columns));
  }
  lines.push(row('合计 Net total', money(figures.totals.netMinor), columns), rule);
  const c = figures.cash;
  lines.push(
    '现金柜 Cash drawer',
    row('备用金 Float', money(c.floatMinor), columns),
    row('+ 现金销售 Cash sales', money(c.salesMinor), columns),
    row('- 现金退款 Cash refunds', money(c.refundsMinor), columns),
    row('+ 存入 Cash in', money(c.inMinor), columns),
    row('- 取出 Cash out', money(c.outMinor), columns),
    row('应有 Expected', money(c.expectedMinor), columns),
    row('实点 Counted', money(c.countedMinor), columns),
    row('差额 Difference', money(c.differenceMinor), columns),
  );
  if (shift.movements.length) {
    lines.push(rule);
    for (const m of shift.movements) {
      lines.push(row(`${m.kind === 'in' ? '存入 In' : '取出 Out'} ${m.by.name}`, money(m.amountMinor), columns));
      lines.push(`  ${m.reason}`);
    }
  }
  if (figures.bankQrConfirmedByHand.length) {
    lines.push(rule, '手动确认 Confirmed by hand');
    for (const b of figures.bankQrConfirmedByHand) {
      lines.push(row(`  #${b.paymentId} ${b.confirmedBy ?? '?'}`, money(b.amountMinor), columns));
    }
  }
  if (view.carriedOver.length) {
    lines.push(rule, '未结事项 Carried over');
    for (const item of view.carriedOver) {
      const what =
        item.kind === 'held' ? `挂单 Held ${item.label ?? `#${item.orderId}`}` : `付款 Pay #${item.paymentId}`;
      const decision = item.decision === 'void' ? ' (作废 void)' : '';
      lines.push(row(`  ${what}${decision}`, money(item.amountMinor), columns));
    }
  }
  return lines;
}

/** The same page for a system: printer. */
export function shiftReportHtml(view: ShiftReportView, columns: number): string {
  const body = shiftReportLines(view, columns).map(escapeHtml).join('\n');
  return (
    '<!doctype html><html><head><meta charset="utf-8"><style>' +
    'body{margin:0}pre{font:12px/1.4 monospace;margin:0;white-space:pre-wrap}' +
    `</style></head><body><pre>${body}</pre></body></html>`
  );
}
