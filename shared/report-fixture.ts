// Test figures to build on: one empty business day (2026-12-04, from 05:00 in China), every list empty, 24 quiet
// hours. Tests set only what they look at. Not used by the app.
import type { Report, ReportTotals } from './report';

export const NO_TOTALS: ReportTotals = {
  orderCount: 0,
  grossMinor: 0,
  discountsMinor: 0,
  salesMinor: 0,
  refundsMinor: 0,
  netMinor: 0,
  averageTicketMinor: 0,
  receivedMinor: 0,
  voids: 0,
  noSaleOpenings: 0,
  priceOverrides: 0,
};

export function emptyReport(over: Partial<Report> = {}): Report {
  return {
    fromDay: '2026-12-04',
    toDay: '2026-12-04',
    fromAt: '2026-12-03T21:00:00.000Z',
    toAt: '2026-12-04T21:00:00.000Z',
    currency: 'CNY',
    totals: { ...NO_TOTALS },
    taxByRate: [],
    methods: [],
    products: [],
    categories: [],
    cashiers: [],
    hours: Array.from({ length: 24 }, (_, hour) => ({ hour, orderCount: 0, salesMinor: 0 })),
    trend: [],
    zReports: [],
    openDays: ['2026-12-04'],
    ...over,
  };
}
