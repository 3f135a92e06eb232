import { describe, expect, it } from 'vitest';
import { priceOrder } from './pricing';
import type { ShiftPaymentInput } from './shift';
import { nextZNumber, type ZInput, type ZOrderInput, zFigures } from './zreport';

/** An order priced by the real pricing rules, so the lines add up as the till's do. */
function order(number: string, lines: [unit: number, qty: number, rateBp: number][], orderDiscount = 0): ZOrderInput {
  const priced = priceOrder(
    lines.map(([unitPriceMinor, quantity, taxRateBp]) => ({
      unitPriceMinor,
      quantity,
      lineDiscountMinor: 0,
      taxRateBp,
    })),
    orderDiscount,
  );
  return {
    number,
    status: 'completed',
    lines: priced.lines.map((l, i) => ({ ...l, taxRateBp: lines[i][2] })),
  };
}
function day(over: Partial<ZInput>): ZInput {
  return {
    currency: 'CNY',
    previousGrandTotalMinor: 0,
    orders: [],
    shifts: [],
    noSaleOpenings: 0,
    priceOverrides: 0,
    ...over,
  };
}
const pay = (id: number, over: Partial<ShiftPaymentInput>): ShiftPaymentInput => ({
  id,
  method: 'cash',
  provider: null,
  status: 'paid',
  amountMinor: 0,
  ...over,
});

describe('Z numbers', () => {
  it('starts at 1 and increments without skipping', () => {
    expect(nextZNumber(null)).toBe(1);
    expect(nextZNumber(1)).toBe(2);
    expect(nextZNumber(41)).toBe(42);
  });

  it('refuses a previous number that cannot be one', () => {
    expect(() => nextZNumber(0)).toThrow(/≥ 1/);
    expect(() => nextZNumber(2.5)).toThrow(/≥ 1/);
  });
});

describe('Z figures', () => {
  it('sums gross, discounts, refunds and net, with tax per rate', () => {
    const a = order('#0001', [
      [1130, 2, 1300],
      [1060, 1, 600],
    ]); // 3320, no discount
    const b = order('#0002', [[2000, 1, 1300]], 200); // 1800 after a 200 order discount
    const z = zFigures(
      day({
        orders: [a, b, { number: '#0003', status: 'voided', lines: [] }],
        shifts: [
          {
            payments: [pay(1, { amountMinor: 3320, tenderedMinor: 5000, changeMinor: 1680 })],
            refunds: [],
          },
          {
            payments: [pay(2, { method: 'qr', provider: 'alipay', amountMinor: 1800 })],
            refunds: [{ method: 'qr', provider: 'alipay', amountMinor: 1130 }],
          },
        ],
        refundLines: [{ taxRateBp: 1300, amountMinor: 1130, taxMinor: 130 }],
        noSaleOpenings: 2,
        priceOverrides: 1,
      }),
    );
    expect(z).toMatchObject({
      firstOrderNumber: '#0001',
      lastOrderNumber: '#0003',
      orderCount: 2,
      grossMinor: 3320 + 2000,
      discountsMinor: 200,
      salesMinor: 5120,
      refundsMinor: 1130,
      netMinor: 3990,
      receivedMinor: 5120,
      voids: 1,
      noSaleOpenings: 2,
      priceOverrides: 1,
    });
    // 13 %: 2260 (tax 260) + 1800 (tax 207); 6 %: 1060 (tax 60).
    expect(z.taxByRate).toEqual([
      { taxRateBp: 600, salesMinor: 1060, taxMinor: 60, refundedMinor: 0, refundedTaxMinor: 0, netTaxMinor: 60 },
      {
        taxRateBp: 1300,
        salesMinor: 4060,
        taxMinor: 467,
        refundedMinor: 1130,
        refundedTaxMinor: 130,
        netTaxMinor: 337,
      },
    ]);
    expect(z.methods).toEqual([
      { key: 'cash', receivedMinor: 3320, refundedMinor: 0, netMinor: 3320, count: 1 },
      { key: 'alipay', receivedMinor: 1800, refundedMinor: 1130, netMinor: 670, count: 1 },
    ]);
  });

  it('counts cash received net of change', () => {
    const z = zFigures(
      day({
        shifts: [{ payments: [pay(1, { amountMinor: 3700, tenderedMinor: 10000, changeMinor: 6300 })], refunds: [] }],
      }),
    );
    expect(z.methods).toEqual([{ key: 'cash', receivedMinor: 3700, refundedMinor: 0, netMinor: 3700, count: 1 }]);
  });

  it('refuses a payment counted in two shifts (a second close re-adding the first)', () => {
    const p = pay(7, { amountMinor: 500 });
    expect(() =>
      zFigures(
        day({
          shifts: [
            { payments: [p], refunds: [] },
            { payments: [p], refunds: [] },
          ],
        }),
      ),
    ).toThrow(/listed twice/);
  });

  it('keeps a pending payment out of the money and on the list', () => {
    const z = zFigures(
      day({
        shifts: [
          {
            payments: [pay(9, { method: 'qr', provider: 'wechat', status: 'pending', amountMinor: 800 })],
            refunds: [],
          },
        ],
      }),
    );
    expect(z.receivedMinor).toBe(0);
    expect(z.stillOpen.map((p) => p.paymentId)).toEqual([9]);
  });

  it('carries a grand total that never resets, across days and a new year', () => {
    let grand = 0;
    const days = [
      { orders: [order('#0001', [[10000, 1, 0]])], refunds: 0 },
      { orders: [], refunds: 0 }, // a closed day
      { orders: [order('#0001', [[2500, 2, 0]])], refunds: 1000 }, // 31 Dec
      { orders: [order('#0001', [[300, 1, 0]])], refunds: 0 }, // 1 Jan: numbering restarts, the total does not
    ];
    const totals: number[] = [];
    for (const d of days) {
      const z = zFigures(
        day({
          previousGrandTotalMinor: grand,
          orders: d.orders,
          shifts: [
            { payments: [], refunds: d.refunds ? [{ method: 'cash', provider: null, amountMinor: d.refunds }] : [] },
          ],
        }),
      );
      expect(z.previousGrandTotalMinor).toBe(grand);
      grand = z.grandTotalMinor;
      totals.push(grand);
    }
    expect(totals).toEqual([10000, 10000, 14000, 14300]);
  });

  it('refuses lines that do not add up and bad counts', () => {
    const bad: ZOrderInput = {
      number: '#0009',
      status: 'completed',
      lines: [
        {
          grossMinor: 1000,
          lineDiscountMinor: 100,
          orderDiscountShareMinor: 0,
          totalMinor: 1000,
          taxMinor: 0,
          taxRateBp: 0,
        },
      ],
    };
    expect(() => zFigures(day({ orders: [bad] }))).toThrow(/not its total 1000/);
    expect(() => zFigures(day({ noSaleOpenings: -1 }))).toThrow(/no-sale openings/);
    expect(() => zFigures(day({ previousGrandTotalMinor: 0.5 }))).toThrow(/grand total/);
  });
});

describe('Z figures from line sums', () => {
  it('equal the figures from each line when the database sums them', () => {
    const a = order('#0001', [
      [1130, 2, 1300],
      [1060, 1, 600],
    ]);
    const b = order('#0002', [[2000, 1, 1300]], 200);
    const perLine = zFigures(day({ orders: [a, b] }));
    const sums = new Map<number, ZOrderInput['lines'][number]>();
    for (const l of [...a.lines, ...b.lines]) {
      const s = sums.get(l.taxRateBp) ?? {
        ...l,
        grossMinor: 0,
        lineDiscountMinor: 0,
        orderDiscountShareMinor: 0,
        totalMinor: 0,
        taxMinor: 0,
      };
      s.grossMinor += l.grossMinor;
      s.lineDiscountMinor += l.lineDiscountMinor;
      s.orderDiscountShareMinor += l.orderDiscountShareMinor;
      s.totalMinor += l.totalMinor;
      s.taxMinor += l.taxMinor;
      sums.set(l.taxRateBp, s);
    }
    const summed = zFigures(day({ orders: [a, b].map((o) => ({ ...o, lines: [] })), lineSums: [...sums.values()] }));
    expect(summed).toEqual(perLine);
  });

  it('refuses a sum that does not add up', () => {
    const bad = {
      grossMinor: 100,
      lineDiscountMinor: 0,
      orderDiscountShareMinor: 0,
      totalMinor: 90,
      taxMinor: 0,
      taxRateBp: 0,
    };
    expect(() => zFigures(day({ lineSums: [bad] }))).toThrow(/line sum 1/);
  });
});
