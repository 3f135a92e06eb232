// The printable report: a whole page with the figures, four SVG charts drawn on the server, every text escaped
// (a hostile product name prints as text), in both languages; reports.printable on a real till.
import { afterEach, describe, expect, it } from 'vitest';
import type { Report } from '../../shared/report';
import { PRINTED_PRODUCTS, printableReport } from './report-print';
import { openTestTill, type TestTill, testClock } from './testing';

const HOSTILE = '<script>alert(1)</script>&"\'';

function report(): Report {
  return {
    fromDay: '2026-12-01',
    toDay: '2026-12-04',
    fromAt: '2026-11-30T21:00:00.000Z',
    toAt: '2026-12-04T21:00:00.000Z',
    currency: 'CNY',
    totals: {
      orderCount: 3,
      grossMinor: 6000,
      discountsMinor: 250,
      salesMinor: 5750,
      refundsMinor: 1250,
      netMinor: 4500,
      averageTicketMinor: 1917,
      receivedMinor: 5750,
      voids: 1,
      noSaleOpenings: 2,
      priceOverrides: 1,
    },
    taxByRate: [
      {
        taxRateBp: 1300,
        salesMinor: 5000,
        taxMinor: 575,
        refundedMinor: 1250,
        refundedTaxMinor: 144,
        netTaxMinor: 431,
      },
    ],
    methods: [
      { key: 'cash', receivedMinor: 3000, refundedMinor: 1250, netMinor: 1750, count: 2 },
      { key: 'demo', receivedMinor: 2750, refundedMinor: 0, netMinor: 2750, count: 1 },
    ],
    products: [
      {
        productId: 1,
        barcode: 'COFFEE',
        name: '咖啡',
        nameEn: 'Coffee',
        category: '饮料',
        quantity: 4,
        weightG: 0,
        salesMinor: 5000,
        orderCount: 3,
      },
      {
        productId: null,
        barcode: 'X1',
        name: HOSTILE,
        nameEn: HOSTILE,
        category: '',
        quantity: 1,
        weightG: 333,
        salesMinor: 750,
        orderCount: 1,
      },
    ],
    categories: [
      { category: '饮料', quantity: 4, salesMinor: 5000 },
      { category: '', quantity: 1, salesMinor: 750 },
    ],
    cashiers: [{ staffId: 2, name: `小李${HOSTILE}`, orderCount: 3, salesMinor: 5750, voids: 1 }],
    hours: Array.from({ length: 24 }, (_, hour) => ({
      hour,
      orderCount: hour === 9 ? 3 : 0,
      salesMinor: hour === 9 ? 5750 : 0,
    })),
    trend: Array.from({ length: 30 }, (_, i) => ({
      day: `2026-11-${String(i + 1).padStart(2, '0')}`,
      orderCount: i,
      salesMinor: i * 100,
      netMinor: i * 90,
    })),
    zReports: [{ id: 'z1', number: 7, businessDay: '2026-12-01' }],
    openDays: ['2026-12-02', '2026-12-03', '2026-12-04'],
  };
}

describe('printableReport', () => {
  it('is a whole page with the figures, four inline SVG charts, no script, and hostile names as text', () => {
    const { html, filename } = printableReport(report(), 'en', 'Corner <Shop>', new Date('2026-12-05T02:00:00Z'));
    expect(filename).toBe('tillpoint-report-2026-12-01_2026-12-04.html');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('@page { size: A4 portrait');
    expect(html).toContain("default-src 'none'");
    expect(html.match(/<svg[\s>]/g)).toHaveLength(4);
    expect(html.match(/<\/svg>/g)).toHaveLength(4);
    // Figures: totals, methods, tax, products.
    for (const text of ['¥57.50', '¥45.00', '-¥12.50', '¥19.17', 'Cash', 'Demo wallet', '13%', '¥4.31', 'Coffee']) {
      expect(html, text).toContain(text);
    }
    expect(html).toContain('Z 0007 (2026-12-01)');
    expect(html).toContain('Corner &lt;Shop&gt;');
    expect(html).toContain('333 g');
    expect(html).toContain('Uncategorised');
    // Nothing runs, nothing loads: the hostile name is text in the tables and in the chart.
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<(link|img|iframe|object)\b/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('lists the best sellers and sums the rest in one line (the CSV has every product)', () => {
    const r = report();
    const many = Array.from({ length: PRINTED_PRODUCTS + 20 }, (_, i) => ({
      ...r.products[0],
      productId: 1000 + i,
      barcode: `P${1000 + i}`,
      name: `Item ${1000 + i}`,
      nameEn: `Item ${1000 + i}`,
      salesMinor: 10_000 - i,
    }));
    const { html } = printableReport({ ...r, products: many }, 'en', 'Shop', new Date('2026-12-05T02:00:00Z'));
    expect(html).toContain(`Item ${1000 + PRINTED_PRODUCTS - 1}`);
    expect(html).not.toContain(`Item ${1000 + PRINTED_PRODUCTS}<`);
    // The 20 left out: 9900 − 100 … 9900 − 119 fen.
    const rest = many.slice(PRINTED_PRODUCTS).reduce((n, p) => n + p.salesMinor, 0);
    expect(html).toContain(
      `And 20 more products, ¥${(rest / 100).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} together`,
    );
  });

  it('speaks Chinese with Chinese product names and chart words', () => {
    const { html } = printableReport(report(), 'zh-CN', '街角小店', new Date('2026-12-05T02:00:00Z'));
    for (const text of [
      '销售报表',
      '营业日 2026-12-01 至 2026-12-04',
      '现金',
      '演示钱包',
      '咖啡',
      '各时段销售额',
      '未分类',
    ]) {
      expect(html, text).toContain(text);
    }
    expect(html).toContain('<html lang="zh-CN">');
    expect(html.match(/<svg[\s>]/g)).toHaveLength(4);
    expect(html).not.toContain('Coffee');
    expect(html).not.toMatch(/<script/i);
  });

  it('an empty report still has its four charts and says nothing was sold', () => {
    const empty: Report = {
      ...report(),
      totals: { ...report().totals, orderCount: 0, salesMinor: 0 },
      methods: [],
      products: [],
      categories: [],
      cashiers: [],
      hours: report().hours.map((h) => ({ ...h, orderCount: 0, salesMinor: 0 })),
    };
    const { html } = printableReport(empty, 'en', 'Shop', new Date());
    expect(html.match(/<svg[\s>]/g)).toHaveLength(4);
    expect(html).toContain('Nothing sold in this period.');
  });
});

describe('reports.printable', () => {
  let t: TestTill | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it("prints a day's sales in the till's language, or the one asked for", async () => {
    const clock = testClock(new Date(2026, 11, 1, 10));
    t = openTestTill({ clock: clock.clock });
    await t.call('catalog.clearDemo', {});
    await t.call('products.save', { barcode: 'EVIL', name: '<img src=x onerror=alert(1)>', priceMinor: 1234 });
    await t.call('cart.scan', { barcode: 'EVIL' });
    await t.call('checkout.cash', { tenderedMinor: 2000 });
    const zh = await t.call('reports.printable', { fromDay: '2026-12-01', toDay: '2026-12-01' });
    expect(zh.filename).toBe('tillpoint-report-2026-12-01.html');
    expect(zh.html).toContain('销售报表');
    expect(zh.html).toContain('¥12.34');
    expect(zh.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(zh.html).not.toMatch(/<img/i);
    const en = await t.call('reports.printable', { fromDay: '2026-12-01', toDay: '2026-12-01', language: 'en' });
    expect(en.html).toContain('Sales report');
    expect(en.html.match(/<svg[\s>]/g)).toHaveLength(4);
  });

  it('saves the page as an A4 PDF where the desktop app can, and says plainly where it cannot', async () => {
    const pages: string[] = [];
    const clock = testClock(new Date(2026, 11, 1, 10));
    t = openTestTill({
      clock: clock.clock,
      reports: {
        pdfMaker: {
          pdf: async (html) => {
            pages.push(html);
            return Buffer.from('%PDF-1.7 report');
          },
        },
      },
    });
    const file = await t.call('reports.pdf', { fromDay: '2026-12-01', toDay: '2026-12-01', language: 'en' });
    expect(file.filename).toBe('tillpoint-report-2026-12-01.pdf');
    expect(Buffer.from(file.pdfBase64, 'base64').toString()).toBe('%PDF-1.7 report');
    expect(pages).toHaveLength(1);
    expect(pages[0]).toContain('Sales report');
    await t.close();

    t = openTestTill({ clock: clock.clock });
    await expect(t.call('reports.pdf', { fromDay: '2026-12-01', toDay: '2026-12-01' })).rejects.toMatchObject({
      code: 'PDF_NOT_BUILT',
    });
  });
});
