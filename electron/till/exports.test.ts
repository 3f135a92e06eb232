// The accountant's CSV as Excel opens it: Chinese readable (BOM), amounts that sum, formulas that stay text.
import Papa from 'papaparse';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestTill, refusal, type TestTill, testClock } from './testing';

const clock = testClock(new Date(2026, 10, 25, 9));
let till: TestTill;

beforeEach(async () => {
  clock.set(new Date(2026, 10, 25, 9));
  till = openTestTill({ clock: clock.clock });
  await till.call('catalog.clearDemo', {});
  await till.call('products.save', { barcode: 'COFFEE', name: '咖啡', priceMinor: 1250, taxRateBp: 600 });
  await till.call('products.save', {
    barcode: 'EVIL',
    name: '=HYPERLINK("http://x","y")',
    priceMinor: 300,
    taxRateBp: 1300,
  });
});
afterEach(() => till.close());

/** The CSV read back as a spreadsheet would: rows of cells, the BOM and the header apart. */
function read(csv: string): { bom: boolean; header: string[]; rows: string[][] } {
  const bom = csv.startsWith('\uFEFF');
  const parsed = Papa.parse<string[]>(csv.replace(/^\uFEFF/, ''), { skipEmptyLines: true });
  const [header, ...rows] = parsed.data;
  return { bom, header, rows };
}

async function sell(at: Date, scans: [string, number][], orderDiscountMinor = 0) {
  clock.set(at);
  for (const [barcode, quantity] of scans) await till.call('cart.scan', { barcode, quantity });
  if (orderDiscountMinor) await till.call('cart.setOrderDiscount', { discountMinor: orderDiscountMinor });
  const cart = await till.call('cart.get', {});
  return (await till.call('checkout.cash', { tenderedMinor: cart.totalMinor + 1000 })).order;
}

describe('CSV export', () => {
  it('orders, lines and payments of a day: BOM, bilingual headers, amounts that sum to the sales, formulas as text', async () => {
    const a = await sell(new Date(2026, 10, 25, 10), [['COFFEE', 2]], 100); // 2500 − 100
    const b = await sell(new Date(2026, 10, 25, 12), [
      ['EVIL', 1],
      ['COFFEE', 1],
    ]); // 1550
    // After midnight: still the 25th's business day (it starts at 05:00).
    const c = await sell(new Date(2026, 10, 26, 1), [['COFFEE', 1]]);
    // The next business day is not in it.
    await sell(new Date(2026, 10, 26, 9), [['COFFEE', 3]]);

    const orders = await till.call('reports.exportCsv', { kind: 'orders', fromDay: '2026-11-25', toDay: '2026-11-25' });
    expect(orders.filename).toBe('tillpoint-T1-orders-2026-11-25.csv');
    const o = read(orders.csv);
    expect(o.bom).toBe(true);
    expect(o.header[0]).toBe('订单号 order');
    expect(o.rows.map((r) => r[0])).toEqual([`T1-${a.number}`, `T1-${b.number}`, `T1-${c.number}`]);
    const total = o.header.indexOf('合计 total');
    // Plain numbers in major units: Excel sums them to the day's sales.
    expect(o.rows.map((r) => r[total])).toEqual(['24.00', '15.50', '12.50']);
    expect(orders.csv).toContain(',24.00,');
    const sum = o.rows.reduce((s, r) => s + Math.round(Number(r[total]) * 100), 0);
    expect(sum).toBe(a.totalMinor + b.totalMinor + c.totalMinor);

    const lines = read(
      (await till.call('reports.exportCsv', { kind: 'lines', fromDay: '2026-11-25', toDay: '2026-11-25' })).csv,
    );
    const name = lines.header.indexOf('名称 name');
    // A product named like a formula stays text: a leading ' the spreadsheet shows as nothing.
    expect(lines.rows.map((r) => r[name])).toContain('\'=HYPERLINK("http://x","y")');
    expect(lines.rows.map((r) => r[name])).toContain('咖啡');
    const lineTotal = lines.header.indexOf('金额 total');
    expect(lines.rows.reduce((s, r) => s + Math.round(Number(r[lineTotal]) * 100), 0)).toBe(sum);

    const payments = read(
      (await till.call('reports.exportCsv', { kind: 'payments', fromDay: '2026-11-25', toDay: '2026-11-25' })).csv,
    );
    const amount = payments.header.indexOf('金额 amount');
    const change = payments.header.indexOf('找零 change');
    expect(payments.rows.reduce((s, r) => s + Math.round(Number(r[amount]) * 100), 0)).toBe(sum);
    expect(payments.rows.every((r) => r[change] === '10.00')).toBe(true);
  });

  it('covers a range of days, and refuses one that ends before it starts or runs over a year', async () => {
    await sell(new Date(2026, 10, 25, 10), [['COFFEE', 1]]);
    await sell(new Date(2026, 10, 27, 10), [['COFFEE', 1]]);
    const both = await till.call('reports.exportCsv', { kind: 'orders', fromDay: '2026-11-25', toDay: '2026-11-27' });
    expect(both).toMatchObject({ rows: 2, filename: 'tillpoint-T1-orders-2026-11-25_2026-11-27.csv' });
    expect(
      (await refusal(till.call('reports.exportCsv', { kind: 'orders', fromDay: '2026-11-27', toDay: '2026-11-25' })))
        .code,
    ).toBe('INVALID_INPUT');
    expect(
      (await refusal(till.call('reports.exportCsv', { kind: 'orders', fromDay: '2025-01-01', toDay: '2026-11-25' })))
        .code,
    ).toBe('INVALID_INPUT');
  });

  it("is the owner's: a cashier needs the owner's approval", async () => {
    await till.call('staff.save', { name: '小李', pin: '1357' });
    await till.call('staff.lock', {});
    await till.call('staff.unlock', { pin: '1357' });
    expect(
      await refusal(till.call('reports.exportCsv', { kind: 'orders', fromDay: '2026-11-25', toDay: '2026-11-25' })),
    ).toMatchObject({ code: 'APPROVAL_NEEDED', params: { action: 'reports' } });
  });
});
