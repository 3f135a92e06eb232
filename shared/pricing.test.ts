import { describe, expect, it } from 'vitest';
import { priceOrder, spreadByWeight, taxIncluded } from './pricing';

describe('pricing', () => {
  it('spreads an order discount so line totals sum to the order total', () => {
    const lines = [
      { unitPriceMinor: 333, quantity: 1, lineDiscountMinor: 0, taxRateBp: 1300 },
      { unitPriceMinor: 333, quantity: 1, lineDiscountMinor: 0, taxRateBp: 1300 },
      { unitPriceMinor: 334, quantity: 1, lineDiscountMinor: 0, taxRateBp: 600 },
    ];
    const p = priceOrder(lines, 100);
    expect(p.lines.map((l) => l.orderDiscountShareMinor)).toEqual([33, 33, 34]);
    expect(p.totalMinor).toBe(900);
    expect(p.lines.reduce((a, l) => a + l.totalMinor, 0)).toBe(p.totalMinor);
    expect(p.discountMinor).toBe(100);
  });

  it('gives a tied remainder to the earlier line', () => {
    expect(spreadByWeight(1, [100, 100])).toEqual([1, 0]);
    expect(spreadByWeight(5, [1, 1, 1])).toEqual([2, 2, 1]);
  });

  it('never discounts a line below zero', () => {
    const p = priceOrder([{ unitPriceMinor: 500, quantity: 2, lineDiscountMinor: 5000, taxRateBp: 0 }], 0);
    expect(p.lines[0].totalMinor).toBe(0);
    expect(p.discountMinor).toBe(1000);
  });

  it('rounds included tax half-up per line', () => {
    // 13 % of a 113-fen price included: 113 × 1300 / 11300 = 13 exactly; 100 fen → 11.50 → 12.
    expect(taxIncluded(113, 1300)).toBe(13);
    expect(taxIncluded(100, 1500)).toBe(13); // 13.04 → 13
    expect(taxIncluded(23, 1500)).toBe(3); // 3.0 → 3
    expect(taxIncluded(115, 1500)).toBe(15);
    expect(taxIncluded(0, 1300)).toBe(0);
  });

  it('is exact for very large orders', () => {
    const p = priceOrder([{ unitPriceMinor: 9_999_999_99, quantity: 9, lineDiscountMinor: 0, taxRateBp: 1300 }], 7);
    expect(p.totalMinor).toBe(9_999_999_99 * 9 - 7);
  });
});
