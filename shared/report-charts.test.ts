import { describe, expect, it } from 'vitest';
import type { ReportProduct } from './report';
import { emptyReport } from './report-fixture';
import { hourChart, methodChart, productChart, type ReportChartLabels, trendChart } from './report-charts';

function product(i: number, salesMinor: number): ReportProduct {
  return {
    productId: i,
    barcode: `69${i}`,
    name: `商品${i}`,
    nameEn: `Product ${i}`,
    category: '',
    quantity: 1,
    weightG: 0,
    salesMinor,
    orderCount: 1,
  };
}

const report = emptyReport;

const labels: ReportChartLabels = {
  sales: 'Sales',
  net: 'Net',
  orders: 'Orders',
  hour: (h) => `${String(h).padStart(2, '0')}:00`,
  day: (d) => d.slice(5),
  method: (k) => ({ cash: 'Cash', 'demo:alipay': 'Alipay' })[k] ?? k,
  product: (p) => p.nameEn,
};
const money = (minor: number) => `¥${(minor / 100).toFixed(2)}`;

// The options are plain objects; read them loosely, as ECharts does.
// biome-ignore lint/suspicious/noExplicitAny: an ECharts option is a loose bag of fields
type Loose = any;

describe('report charts', () => {
  it('sales by hour: 24 bars in major units, axis and tooltip as money, no animation', () => {
    const hours = report().hours.map((h) => (h.hour === 9 ? { ...h, orderCount: 2, salesMinor: 1250 } : h));
    const o: Loose = hourChart(report({ hours }), labels, money);
    expect(o.animation).toBe(false);
    expect(o.xAxis.data).toHaveLength(24);
    expect(o.xAxis.data[9]).toBe('09:00');
    expect(o.series[0].type).toBe('bar');
    expect(o.series[0].data[9]).toBe(12.5);
    expect(o.series[0].data[8]).toBe(0);
    expect(o.yAxis.axisLabel.formatter(12.5)).toBe('¥12.50');
    expect(o.tooltip.valueFormatter(0.3)).toBe('¥0.30');
  });

  it('trend: two lines (sales, net) over the days, oldest first', () => {
    const trend = [
      { day: '2026-12-03', orderCount: 3, salesMinor: 3000, netMinor: 2500 },
      { day: '2026-12-04', orderCount: 1, salesMinor: 999, netMinor: 999 },
    ];
    const o: Loose = trendChart(report({ trend }), labels, money);
    expect(o.animation).toBe(false);
    expect(o.xAxis.data).toEqual(['12-03', '12-04']);
    expect(o.series.map((s: Loose) => [s.type, s.name, s.data])).toEqual([
      ['line', 'Sales', [30, 9.99]],
      ['line', 'Net', [25, 9.99]],
    ]);
  });

  it('methods: a donut by net received, methods netting to nothing left out', () => {
    const methods = [
      { key: 'cash', receivedMinor: 5000, refundedMinor: 1000, netMinor: 4000, count: 3 },
      { key: 'demo:alipay', receivedMinor: 2000, refundedMinor: 0, netMinor: 2000, count: 1 },
      { key: 'bank_qr', receivedMinor: 500, refundedMinor: 500, netMinor: 0, count: 1 },
    ];
    const o: Loose = methodChart(report({ methods }), labels, money);
    expect(o.animation).toBe(false);
    expect(o.series[0].type).toBe('pie');
    expect(o.series[0].data).toEqual([
      { name: 'Cash', value: 40 },
      { name: 'Alipay', value: 20 },
    ]);
    expect(o.tooltip.valueFormatter(40)).toBe('¥40.00');
  });

  it('products: the 10 best by sales, best at the top, named in the reader language', () => {
    const products = Array.from({ length: 12 }, (_, i) => product(i, (i + 1) * 100));
    const o: Loose = productChart(report({ products }), labels, money);
    expect(o.animation).toBe(false);
    expect(o.yAxis.inverse).toBe(true);
    expect(o.yAxis.data).toHaveLength(10);
    expect(o.yAxis.data[0]).toBe('Product 11');
    expect(o.series[0].data[0]).toBe(12);
    expect(o.series[0].data[9]).toBe(3);
    expect(o.xAxis.axisLabel.formatter(12)).toBe('¥12.00');
  });

  it('an empty report still gives complete options', () => {
    for (const chart of [hourChart, trendChart, methodChart, productChart]) {
      const o: Loose = chart(report(), labels, money);
      expect(o.animation).toBe(false);
      expect(Array.isArray(o.series)).toBe(true);
    }
  });

  it('a currency without minor digits is not divided', () => {
    const hours = report().hours.map((h) => (h.hour === 0 ? { ...h, salesMinor: 500 } : h));
    const o: Loose = hourChart(report({ hours, currency: 'JPY' }), labels, String);
    expect(o.series[0].data[0]).toBe(500);
  });
});
