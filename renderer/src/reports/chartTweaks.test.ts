import { describe, expect, it } from 'vitest';
import { emptyReport } from '../../../shared/report-fixture';
import { methodChart, productChart, type ReportChartLabels } from '../../../shared/report-charts';
import { fewerTicks, wrapPieLabels } from './chartTweaks';

const report = emptyReport({
  totals: {
    orderCount: 2,
    grossMinor: 5200,
    discountsMinor: 0,
    salesMinor: 5200,
    refundsMinor: 1200,
    netMinor: 4000,
    averageTicketMinor: 2600,
    receivedMinor: 5200,
    voids: 0,
    noSaleOpenings: 0,
    priceOverrides: 0,
  },
  methods: [
    { key: 'cash', receivedMinor: 3000, refundedMinor: 1200, netMinor: 1800, count: 1 },
    { key: 'demo', receivedMinor: 2200, refundedMinor: 0, netMinor: 2200, count: 1 },
  ],
  products: [
    {
      productId: 2,
      barcode: '2000002000006',
      name: '拿铁',
      nameEn: 'Caffè Latte',
      category: '咖啡',
      quantity: 1,
      weightG: 0,
      salesMinor: 2200,
      orderCount: 1,
    },
  ],
});
const labels: ReportChartLabels = {
  sales: 'Sales',
  net: 'Net',
  orders: 'Orders',
  hour: String,
  day: String,
  method: (key) => key,
  product: (p) => p.nameEn,
};
const money = (minor: number) => `¥${(minor / 100).toFixed(2)}`;

describe('phone tweaks of the shared chart options', () => {
  it('keeps the money axis and its formatter, with fewer ticks whose labels never overlap', () => {
    const option = productChart(report, labels, money);
    const tweaked = fewerTicks(option) as {
      xAxis: { type: string; splitNumber: number; axisLabel: object };
      series: unknown;
    };
    const axis = option.xAxis as { axisLabel: { formatter: unknown } };
    expect(tweaked.xAxis.type).toBe('value');
    expect(tweaked.xAxis.splitNumber).toBe(3);
    expect(tweaked.xAxis.axisLabel).toEqual({ formatter: axis.axisLabel.formatter, hideOverlap: true });
    expect(tweaked.series).toBe(option.series);
  });

  it('wraps the donut labels and keeps their text and data', () => {
    const option = methodChart(report, labels, money);
    const [slice] = (wrapPieLabels(option) as { series: { label: object; data: unknown }[] }).series;
    expect(slice.label).toEqual({ formatter: '{b}\n{d}%', overflow: 'break' });
    expect(slice.data).toEqual([
      { name: 'cash', value: 18 },
      { name: 'demo', value: 22 },
    ]);
  });
});
