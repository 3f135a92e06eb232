// The printable owners' report: one whole HTML page (A4 portrait) with the report's figures as tables and its four
// charts drawn here, on the server, as inline SVG (ECharts' SSR renderer: the same options as /reports draws in
// the browser, shared/report-charts.ts). Self-contained: no scripts, no external resources, a CSP that forbids
// them; every text is escaped (a product named <script> prints as text). Words come from the renderer's i18n
// resources (section reportPrint) in the reader's language.
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import langZH from 'echarts/i18n/langZH-obj.js';
import { SVGRenderer } from 'echarts/renderers';
import i18next, { type TFunction } from 'i18next';
import { en } from '../../renderer/src/i18n/en';
import { zhCN } from '../../renderer/src/i18n/zh-CN';
import { formatMoney } from '../../shared/money';
import type { PrintableReport, Report, ReportProduct } from '../../shared/report';
import {
  type ChartMoney,
  hourChart,
  methodChart,
  productChart,
  type ReportChartLabels,
  trendChart,
} from '../../shared/report-charts';
import { escapeHtml } from '../printing/receipt-html';

/** The best sellers a printed page lists; a year of a big catalog would be a book (the CSV has every line). */
export const PRINTED_PRODUCTS = 100;

export type PrintLanguage = 'zh-CN' | 'en';

echarts.use([SVGRenderer, BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent]);
echarts.registerLocale('ZH', langZH);

/** Wide enough for A4 portrait at 96 dpi inside 12 mm margins (186 mm ≈ 703 px). */
const CHART_WIDTH = 680;

let translators: Record<PrintLanguage, TFunction> | undefined;

/** One i18next instance for the main process, on the renderer's own resources. */
function translator(language: PrintLanguage): TFunction {
  if (!translators) {
    const i18n = i18next.createInstance();
    i18n.init({
      initAsync: false,
      lng: 'zh-CN',
      fallbackLng: 'en',
      resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
      interpolation: { escapeValue: false },
    });
    translators = { en: i18n.getFixedT('en'), 'zh-CN': i18n.getFixedT('zh-CN') };
  }
  return translators[language];
}

const METHOD_NAMES = ['cash', 'alipay', 'wechat', 'bank_qr', 'demo'] as const;

function methodName(t: TFunction, key: string): string {
  return (METHOD_NAMES as readonly string[]).includes(key)
    ? t(`reportPrint.methodNames.${key as (typeof METHOD_NAMES)[number]}`)
    : key;
}

function productName(language: PrintLanguage, p: ReportProduct): string {
  return language === 'en' && p.nameEn ? p.nameEn : p.name;
}

/** One chart as an SVG string, drawn without a DOM; the instance is disposed at once. */
function svgChart(option: echarts.EChartsCoreOption, language: PrintLanguage, height: number): string {
  const chart = echarts.init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: CHART_WIDTH,
    height,
    locale: language === 'zh-CN' ? 'ZH' : 'EN',
  });
  try {
    chart.setOption(option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

function grams(g: number): string {
  return g >= 1000 ? `${(g / 1000).toFixed(3)} kg` : `${g} g`;
}

function rate(bp: number): string {
  return `${(bp / 100).toFixed(bp % 100 === 0 ? 0 : 2)}%`;
}

/** Local time of an instant, as the till shows it ("2026-12-04 21:00"). */
function localTime(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

const STYLE = `
@page { size: A4 portrait; margin: 12mm; }
* { box-sizing: border-box; }
body { font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Helvetica Neue", Arial, sans-serif;
  font-size: 10pt; color: #111; margin: 0 auto; max-width: 186mm; }
h1 { font-size: 16pt; margin: 0 0 2mm; }
h2 { font-size: 12pt; margin: 6mm 0 2mm; border-bottom: 1px solid #999; padding-bottom: 1mm; }
p.meta { margin: 0 0 1mm; color: #444; }
p.warn { color: #8a4b00; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: 1mm 2mm; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.totals td:first-child { width: 60%; }
tr.strong td { font-weight: bold; }
section.chart { break-inside: avoid; page-break-inside: avoid; }
section.chart svg { display: block; max-width: 100%; height: auto; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
`;

/** The page; `now` is when it was printed (the till's clock). */
export function printableReport(report: Report, language: PrintLanguage, shopName: string, now: Date): PrintableReport {
  const t = translator(language);
  const locale = language === 'zh-CN' ? 'zh-CN' : 'en';
  const money: ChartMoney = (minor) => formatMoney(minor, report.currency, locale);
  const e = escapeHtml;
  const m = (minor: number) => e(money(minor));
  const labels: ReportChartLabels = {
    sales: t('reportPrint.sales'),
    net: t('reportPrint.net'),
    orders: t('reportPrint.orders'),
    hour: (h) => `${String(h).padStart(2, '0')}:00`,
    day: (d) => d.slice(5),
    method: (key) => methodName(t, key),
    product: (p) => productName(language, p),
  };
  const table = (head: string[], numeric: boolean[], rows: string[][], cls = '') =>
    `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head
      .map((h, i) => `<th${numeric[i] ? ' class="n"' : ''}>${e(h)}</th>`)
      .join('')}</tr></thead><tbody>${rows
      .map((r) => `<tr>${r.map((c, i) => `<td${numeric[i] ? ' class="n"' : ''}>${c}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`;
  const chart = (title: string, option: echarts.EChartsCoreOption, height: number) =>
    `<section class="chart"><h2>${e(title)}</h2>${svgChart(option, language, height)}</section>`;

  const tt = report.totals;
  const period =
    report.fromDay === report.toDay
      ? t('reportPrint.oneDay', { day: report.fromDay })
      : t('reportPrint.period', { from: report.fromDay, to: report.toDay });
  const parts: string[] = [];
  parts.push(`<h1>${e(shopName)} · ${e(t('reportPrint.title'))}</h1>`);
  parts.push(`<p class="meta">${e(period)}</p>`);
  parts.push(
    `<p class="meta">${e(t('reportPrint.covered', { from: localTime(report.fromAt), to: localTime(report.toAt) }))}</p>`,
  );
  parts.push(`<p class="meta">${e(t('reportPrint.made', { at: localTime(now.toISOString()) }))}</p>`);
  if (report.zReports.length > 0) {
    const list = report.zReports.map((z) => `Z ${String(z.number).padStart(4, '0')} (${z.businessDay})`).join(', ');
    parts.push(`<p class="meta">${e(t('reportPrint.zReports', { list }))}</p>`);
  }
  if (report.openDays.length > 0) {
    const days =
      report.openDays.length > 6
        ? `${report.openDays.slice(0, 3).join(', ')} … ${report.openDays.at(-1)} (${report.openDays.length})`
        : report.openDays.join(', ');
    parts.push(`<p class="meta warn">${e(t('reportPrint.openDays', { days }))}</p>`);
  }

  parts.push(`<h2>${e(t('reportPrint.totals'))}</h2>`);
  const row = (label: string, value: string, strong = false) =>
    `<tr${strong ? ' class="strong"' : ''}><td>${e(label)}</td><td class="n">${value}</td></tr>`;
  parts.push(
    `<table class="totals"><tbody>${[
      row(t('reportPrint.orders'), String(tt.orderCount)),
      row(t('reportPrint.gross'), m(tt.grossMinor)),
      row(t('reportPrint.discounts'), m(-tt.discountsMinor)),
      row(t('reportPrint.sales'), m(tt.salesMinor), true),
      row(t('reportPrint.refunds'), m(-tt.refundsMinor)),
      row(t('reportPrint.net'), m(tt.netMinor), true),
      row(t('reportPrint.averageTicket'), m(tt.averageTicketMinor)),
      row(t('reportPrint.received'), m(tt.receivedMinor)),
      row(t('reportPrint.voids'), String(tt.voids)),
      row(t('reportPrint.noSale'), String(tt.noSaleOpenings)),
      row(t('reportPrint.priceOverrides'), String(tt.priceOverrides)),
    ].join('')}</tbody></table>`,
  );
  if (tt.orderCount === 0) parts.push(`<p class="meta">${e(t('reportPrint.nothing'))}</p>`);

  parts.push(`<h2>${e(t('reportPrint.methods'))}</h2>`);
  parts.push(
    table(
      [
        t('reportPrint.method'),
        t('reportPrint.received'),
        t('reportPrint.refunds'),
        t('reportPrint.net'),
        t('reportPrint.count'),
      ],
      [false, true, true, true, true],
      report.methods.map((x) => [
        e(methodName(t, x.key)),
        m(x.receivedMinor),
        m(-x.refundedMinor),
        m(x.netMinor),
        String(x.count),
      ]),
    ),
  );

  parts.push(`<h2>${e(t('reportPrint.tax'))}</h2>`);
  parts.push(
    table(
      [
        t('reportPrint.rate'),
        t('reportPrint.sales'),
        t('reportPrint.taxIncluded'),
        t('reportPrint.refunds'),
        t('reportPrint.refundedTax'),
        t('reportPrint.netTax'),
      ],
      [false, true, true, true, true, true],
      report.taxByRate.map((x) => [
        e(rate(x.taxRateBp)),
        m(x.salesMinor),
        m(x.taxMinor),
        m(-x.refundedMinor),
        m(-x.refundedTaxMinor),
        m(x.netTaxMinor),
      ]),
    ),
  );

  parts.push(chart(t('reportPrint.salesByHour'), hourChart(report, labels, money), 240));
  parts.push(chart(t('reportPrint.trend'), trendChart(report, labels, money), 240));
  parts.push(chart(t('reportPrint.methodSplit'), methodChart(report, labels, money), 260));
  parts.push(chart(t('reportPrint.topProducts'), productChart(report, labels, money), 300));

  parts.push(`<h2>${e(t('reportPrint.products'))}</h2>`);
  parts.push(
    table(
      [
        t('reportPrint.product'),
        t('reportPrint.barcode'),
        t('reportPrint.quantity'),
        t('reportPrint.weight'),
        t('reportPrint.sales'),
        t('reportPrint.orders'),
      ],
      [false, false, true, true, true, true],
      report.products
        .slice(0, PRINTED_PRODUCTS)
        .map((p) => [
          e(productName(language, p)),
          e(p.barcode),
          String(p.quantity),
          p.weightG > 0 ? e(grams(p.weightG)) : '',
          m(p.salesMinor),
          String(p.orderCount),
        ]),
    ),
  );
  const rest = report.products.slice(PRINTED_PRODUCTS);
  if (rest.length > 0) {
    const amount = money(rest.reduce((n, p) => n + p.salesMinor, 0));
    parts.push(`<p class="meta">${e(t('reportPrint.productsMore', { count: rest.length, amount }))}</p>`);
  }

  parts.push(`<h2>${e(t('reportPrint.categories'))}</h2>`);
  parts.push(
    table(
      [t('reportPrint.category'), t('reportPrint.quantity'), t('reportPrint.sales')],
      [false, true, true],
      report.categories.map((c) => [
        e(c.category || t('reportPrint.uncategorised')),
        String(c.quantity),
        m(c.salesMinor),
      ]),
    ),
  );

  parts.push(`<h2>${e(t('reportPrint.cashiers'))}</h2>`);
  parts.push(
    table(
      [t('reportPrint.cashier'), t('reportPrint.orders'), t('reportPrint.sales'), t('reportPrint.voids')],
      [false, true, true, true],
      report.cashiers.map((c) => [
        e(c.name || t('reportPrint.noCashier')),
        String(c.orderCount),
        m(c.salesMinor),
        String(c.voids),
      ]),
    ),
  );

  parts.push(`<h2>${e(t('reportPrint.hours'))}</h2>`);
  parts.push(
    table(
      [t('reportPrint.hour'), t('reportPrint.orders'), t('reportPrint.sales')],
      [false, true, true],
      report.hours
        .filter((h) => h.orderCount > 0)
        .map((h) => [e(labels.hour(h.hour)), String(h.orderCount), m(h.salesMinor)]),
    ),
  );

  const title = `${shopName} ${t('reportPrint.title')} ${report.fromDay}${report.toDay === report.fromDay ? '' : ` – ${report.toDay}`}`;
  const html =
    `<!DOCTYPE html>\n<html lang="${language}"><head><meta charset="utf-8">` +
    // Nothing but this page's own styles and inline images may load: no script, no network.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${e(title)}</title><style>${STYLE}</style></head><body>\n${parts.join('\n')}\n</body></html>\n`;
  const days = report.fromDay === report.toDay ? report.fromDay : `${report.fromDay}_${report.toDay}`;
  return { html, filename: `tillpoint-report-${days}.html` };
}
