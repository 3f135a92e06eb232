// ECharts options of the owners' report (/reports in the browser, the printable page on the server): pure
// functions of a Report, so both draw the same charts. No echarts import beyond types; labels and the money
// formatter come from the caller's i18n. Animations are off so a printed or tested chart is complete at once.
import type { BarSeriesOption, LineSeriesOption, PieSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import type { ComposeOption, EChartsCoreOption } from 'echarts/core';
import { currencyDigits } from './money';
import type { Report, ReportProduct } from './report';

type Option = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | PieSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
>;

/** The words the charts show, in the caller's language. */
export interface ReportChartLabels {
  /** Series name of sales after discounts. */
  sales: string;
  /** Series name of sales − refunds. */
  net: string;
  orders: string;
  /** An hour's axis label: 9 → "09:00". */
  hour: (hour: number) => string;
  /** A trend day's axis label: "2026-12-04" → "12-04". */
  day: (day: string) => string;
  /** A payment method key of the Z ('cash', 'demo:alipay', ...) as people read it. */
  method: (key: string) => string;
  /** The name of a product in the reader's language (a deleted product's line snapshot included). */
  product: (p: ReportProduct) => string;
}

/** Money as people read it, from minor units: 1250 → "¥12.50". */
export type ChartMoney = (minor: number) => string;

export const TOP_PRODUCTS = 10;

/** Minor → major units for the axes (a chart's value, never summed again). */
function majorOf(currency: string): (minor: number) => number {
  const unit = 10 ** currencyDigits(currency);
  return (minor) => minor / unit;
}
function minorOf(currency: string): (major: number) => number {
  const unit = 10 ** currencyDigits(currency);
  return (major) => Math.round(major * unit);
}

function moneyAxis(report: Report, money: ChartMoney) {
  const toMinor = minorOf(report.currency);
  return { type: 'value' as const, axisLabel: { formatter: (v: number) => money(toMinor(v)) } };
}

/** The tooltip of an axis chart: each series' value as money. */
function axisTooltip(report: Report, money: ChartMoney): TooltipComponentOption {
  const toMinor = minorOf(report.currency);
  return {
    trigger: 'axis',
    valueFormatter: (v) => (typeof v === 'number' ? money(toMinor(v)) : String(v ?? '')),
  };
}

/** Sales by local hour of completion (bar), the 24 hours of the report. */
export function hourChart(report: Report, labels: ReportChartLabels, money: ChartMoney): EChartsCoreOption {
  const major = majorOf(report.currency);
  const option: Option = {
    animation: false,
    tooltip: axisTooltip(report, money),
    grid: { left: 8, right: 8, top: 16, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    xAxis: { type: 'category', data: report.hours.map((h) => labels.hour(h.hour)) },
    yAxis: moneyAxis(report, money),
    series: [{ type: 'bar', name: labels.sales, barMaxWidth: 24, data: report.hours.map((h) => major(h.salesMinor)) }],
  };
  return option;
}

/** Sales and net of the 30 business days ending with the report's last day (lines). */
export function trendChart(report: Report, labels: ReportChartLabels, money: ChartMoney): EChartsCoreOption {
  const major = majorOf(report.currency);
  const option: Option = {
    animation: false,
    tooltip: axisTooltip(report, money),
    legend: { top: 0, data: [labels.sales, labels.net] },
    grid: { left: 8, right: 16, top: 32, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    xAxis: { type: 'category', boundaryGap: false, data: report.trend.map((d) => labels.day(d.day)) },
    yAxis: moneyAxis(report, money),
    series: [
      { type: 'line', name: labels.sales, showSymbol: false, data: report.trend.map((d) => major(d.salesMinor)) },
      { type: 'line', name: labels.net, showSymbol: false, data: report.trend.map((d) => major(d.netMinor)) },
    ],
  };
  return option;
}

/** How the money came in (donut), by each method's net received; methods that net to nothing are left out. */
export function methodChart(report: Report, labels: ReportChartLabels, money: ChartMoney): EChartsCoreOption {
  const major = majorOf(report.currency);
  const toMinor = minorOf(report.currency);
  const slices = report.methods
    .filter((m) => m.netMinor > 0)
    .map((m) => ({ name: labels.method(m.key), value: major(m.netMinor) }));
  const option: Option = {
    animation: false,
    tooltip: {
      trigger: 'item',
      valueFormatter: (v) => (typeof v === 'number' ? money(toMinor(v)) : String(v ?? '')),
    },
    legend: { bottom: 0 },
    series: [
      {
        type: 'pie',
        name: labels.net,
        radius: ['40%', '68%'],
        center: ['50%', '45%'],
        label: { formatter: '{b}\n{d}%' },
        data: slices,
      },
    ],
  };
  return option;
}

/** The best-selling products by sales after discounts (horizontal bars, the best at the top). */
export function productChart(report: Report, labels: ReportChartLabels, money: ChartMoney): EChartsCoreOption {
  const major = majorOf(report.currency);
  const top = [...report.products].sort((a, b) => b.salesMinor - a.salesMinor).slice(0, TOP_PRODUCTS);
  const option: Option = {
    animation: false,
    tooltip: { ...axisTooltip(report, money), axisPointer: { type: 'shadow' } },
    grid: { left: 24, right: 16, top: 8, bottom: 8, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
    xAxis: moneyAxis(report, money),
    yAxis: {
      type: 'category',
      inverse: true,
      data: top.map((p) => labels.product(p)),
      axisLabel: { width: 110, overflow: 'truncate', ellipsis: '…' },
    },
    series: [{ type: 'bar', name: labels.sales, barMaxWidth: 24, data: top.map((p) => major(p.salesMinor)) }],
  };
  return option;
}
