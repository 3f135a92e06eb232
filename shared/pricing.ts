// How an order's totals are computed. Prices are tax-inclusive.
//
// Rules (tested in pricing.test.ts):
// 1. A line's gross is unit price × quantity, exact in minor units.
// 2. A line discount is an amount in minor units, at most the line's gross.
// 3. An order discount is spread over the lines in proportion to each line's amount after its own
//    discount, by the largest-remainder method (ties go to the earlier line), so the shares are whole
//    minor units and always sum to the order discount exactly.
// 4. line total = gross − line discount − order-discount share; order total = sum of line totals.
// 5. Tax included in a line = total × rate / (1 + rate), rounded half-up to the minor unit, per line;
//    the order's tax is the sum of its lines' tax.

import { divHalfUp } from './money';

export interface PricingLineInput {
  unitPriceMinor: number;
  quantity: number;
  lineDiscountMinor: number;
  /** Tax rate in basis points: 1300 = 13 %. */
  taxRateBp: number;
}

export interface PricedLine {
  grossMinor: number;
  lineDiscountMinor: number;
  orderDiscountShareMinor: number;
  totalMinor: number;
  taxMinor: number;
}

export interface PricedOrder {
  lines: PricedLine[];
  subtotalMinor: number;
  discountMinor: number;
  totalMinor: number;
  taxMinor: number;
  itemCount: number;
}

/** Splits `amount` over `weights` by largest remainder; the result sums to `amount` exactly. */
export function spreadByWeight(amount: number, weights: number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  if (amount === 0 || total === 0) return weights.map(() => 0);
  // BigInt: amount × weight can pass 2^53 for large orders.
  const A = BigInt(amount);
  const T = BigInt(total);
  const shares = weights.map((w) => (A * BigInt(w)) / T);
  const rems = weights.map((w, i) => ({ i, r: (A * BigInt(w)) % T }));
  let left = amount - shares.reduce((a, b) => a + Number(b), 0);
  rems.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  const out = shares.map(Number);
  for (const { i } of rems) {
    if (left <= 0) break;
    out[i]++;
    left--;
  }
  return out;
}

export function taxIncluded(totalMinor: number, taxRateBp: number): number {
  if (taxRateBp <= 0 || totalMinor <= 0) return 0;
  return divHalfUp(totalMinor * taxRateBp, 10_000 + taxRateBp);
}

export function priceOrder(lines: PricingLineInput[], orderDiscountMinor: number): PricedOrder {
  const gross = lines.map((l) => l.unitPriceMinor * l.quantity);
  const lineDisc = lines.map((l, i) => Math.min(l.lineDiscountMinor, gross[i]));
  const net = gross.map((g, i) => g - lineDisc[i]);
  const netSum = net.reduce((a, b) => a + b, 0);
  const orderDisc = Math.min(orderDiscountMinor, netSum);
  const shares = spreadByWeight(orderDisc, net);
  const priced = lines.map((l, i) => {
    const totalMinor = net[i] - shares[i];
    return {
      grossMinor: gross[i],
      lineDiscountMinor: lineDisc[i],
      orderDiscountShareMinor: shares[i],
      totalMinor,
      taxMinor: taxIncluded(totalMinor, l.taxRateBp),
    };
  });
  const subtotalMinor = gross.reduce((a, b) => a + b, 0);
  const totalMinor = priced.reduce((a, p) => a + p.totalMinor, 0);
  return {
    lines: priced,
    subtotalMinor,
    discountMinor: subtotalMinor - totalMinor,
    totalMinor,
    taxMinor: priced.reduce((a, p) => a + p.taxMinor, 0),
    itemCount: lines.reduce((a, l) => a + l.quantity, 0),
  };
}
