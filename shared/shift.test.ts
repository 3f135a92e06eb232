import { describe, expect, it } from 'vitest';
import { countedCashMinor, type ShiftInput, type ShiftPaymentInput, shiftFigures } from './shift';

let nextId = 1;
function cash(amountMinor: number, tenderedMinor = amountMinor, changeMinor = tenderedMinor - amountMinor) {
  return {
    id: nextId++,
    method: 'cash',
    provider: null,
    status: 'paid',
    amountMinor,
    tenderedMinor,
    changeMinor,
  } satisfies ShiftPaymentInput;
}
function wallet(provider: string, amountMinor: number, over: Partial<ShiftPaymentInput> = {}): ShiftPaymentInput {
  return { id: nextId++, method: 'qr', provider, status: 'paid', amountMinor, ...over };
}
function shift(over: Partial<ShiftInput>): ShiftInput {
  return { currency: 'CNY', openingFloatMinor: 0, payments: [], refunds: [], movements: [], counted: null, ...over };
}
const rowOf = (r: ReturnType<typeof shiftFigures>, key: string) => r.methods.find((m) => m.key === key);

describe('shift figures', () => {
  it('counts the opening float once: in expected cash, never as a sale', () => {
    const r = shiftFigures(shift({ openingFloatMinor: 50000, payments: [cash(1200)], counted: { totalMinor: 51200 } }));
    expect(r.cash.floatMinor).toBe(50000);
    expect(r.cash.salesMinor).toBe(1200);
    expect(rowOf(r, 'cash')).toMatchObject({ salesMinor: 1200, salesCount: 1, netMinor: 1200 });
    expect(r.totals.salesMinor).toBe(1200);
    expect(r.cash.expectedMinor).toBe(51200);
    expect(r.cash.differenceMinor).toBe(0);
  });

  it('counts a float-only shift as no sales at all', () => {
    const r = shiftFigures(shift({ openingFloatMinor: 30000, counted: { totalMinor: 30000 } }));
    expect(r.totals).toEqual({ salesMinor: 0, refundsMinor: 0, netMinor: 0, salesCount: 0, refundsCount: 0 });
    expect(r.cash.expectedMinor).toBe(30000);
    expect(r.cash.differenceMinor).toBe(0);
  });

  it('counts cash sales net of change: tendered 100, total 37 -> 37', () => {
    const r = shiftFigures(shift({ openingFloatMinor: 10000, payments: [cash(3700, 10000, 6300)] }));
    expect(r.cash.salesMinor).toBe(3700);
    expect(rowOf(r, 'cash')?.salesMinor).toBe(3700);
    expect(r.cash.expectedMinor).toBe(13700);
  });

  it('refuses a cash payment whose tendered minus change is not its amount', () => {
    expect(() => shiftFigures(shift({ payments: [cash(3700, 10000, 6000)] }))).toThrow(/not the amount 3700/);
  });

  it('lowers expected cash by a cash refund, and shows it on the cash row', () => {
    const r = shiftFigures(
      shift({
        openingFloatMinor: 20000,
        payments: [cash(5000), cash(1500)],
        refunds: [{ method: 'cash', provider: null, amountMinor: 800 }],
        counted: { totalMinor: 25700 },
      }),
    );
    expect(rowOf(r, 'cash')).toMatchObject({ salesMinor: 6500, refundsMinor: 800, netMinor: 5700, refundsCount: 1 });
    expect(r.cash.expectedMinor).toBe(20000 + 6500 - 800);
    expect(r.cash.differenceMinor).toBe(0);
  });

  it('keeps a wallet refund out of the drawer, on its wallet row', () => {
    const r = shiftFigures(
      shift({
        openingFloatMinor: 10000,
        payments: [wallet('alipay', 4000)],
        refunds: [{ method: 'qr', provider: 'alipay', amountMinor: 1000 }],
      }),
    );
    expect(rowOf(r, 'alipay')).toMatchObject({ salesMinor: 4000, refundsMinor: 1000, netMinor: 3000 });
    expect(r.cash.expectedMinor).toBe(10000);
  });

  it('adds cash in and takes cash out of expected cash', () => {
    const r = shiftFigures(
      shift({
        openingFloatMinor: 10000,
        payments: [cash(2000)],
        movements: [
          { amountMinor: 5000, direction: 'in', reason: 'more change from the bank' },
          { amountMinor: 1500, direction: 'out', reason: 'paid the milk delivery' },
        ],
        counted: { totalMinor: 15000 },
      }),
    );
    expect(r.cash).toMatchObject({ inMinor: 5000, outMinor: 1500, expectedMinor: 15500, differenceMinor: -500 });
    // Movements are not sales.
    expect(r.totals.salesMinor).toBe(2000);
  });

  it('refuses a cash movement without a reason or with a zero amount', () => {
    expect(() => shiftFigures(shift({ movements: [{ amountMinor: 100, direction: 'out', reason: '  ' }] }))).toThrow(
      /needs a reason/,
    );
    expect(() => shiftFigures(shift({ movements: [{ amountMinor: 0, direction: 'in', reason: 'x' }] }))).toThrow(
      /more than 0/,
    );
  });

  it('counts a split tender in each method it used', () => {
    // One order of 10000: 3000 in cash (tendered 5000), 7000 by WeChat Pay.
    const r = shiftFigures(
      shift({
        openingFloatMinor: 0,
        payments: [{ ...cash(3000, 5000, 2000), orderId: 7 }, wallet('wechat', 7000, { orderId: 7 })],
      }),
    );
    expect(rowOf(r, 'cash')).toMatchObject({ salesMinor: 3000, salesCount: 1 });
    expect(rowOf(r, 'wechat')).toMatchObject({ salesMinor: 7000, salesCount: 1 });
    expect(r.totals.salesMinor).toBe(10000);
    expect(r.cash.expectedMinor).toBe(3000);
  });

  it('adds a wallet provider QR and payment code into one row, rows in a fixed order', () => {
    const r = shiftFigures(
      shift({
        payments: [
          { id: 900, method: 'bank_qr', provider: 'bank', status: 'paid', amountMinor: 500, confirmedByHand: true },
          wallet('wechat', 100),
          wallet('alipay', 200),
          wallet('alipay', 300, { method: 'payment_code' }),
        ],
      }),
    );
    expect(r.methods.map((m) => m.key)).toEqual(['cash', 'alipay', 'wechat', 'bank_qr']);
    expect(rowOf(r, 'alipay')).toMatchObject({ salesMinor: 500, salesCount: 2 });
  });

  it('does not count a pending payment but lists it as still open', () => {
    const pending = wallet('alipay', 2500, { status: 'pending', orderNumber: '#0042' });
    const unknown = wallet('wechat', 900, { status: 'unknown' });
    const failed = wallet('wechat', 700, { status: 'failed' });
    const r = shiftFigures(shift({ payments: [cash(1000), pending, unknown, failed] }));
    expect(r.totals.salesMinor).toBe(1000);
    expect(rowOf(r, 'alipay')).toBeUndefined();
    expect(r.stillOpen.map((p) => [p.paymentId, p.status, p.orderNumber])).toEqual([
      [pending.id, 'pending', '#0042'],
      [unknown.id, 'unknown', null],
    ]);
    expect(r.unpaid.map((p) => p.paymentId)).toEqual([failed.id]);
  });

  it('counts a late payment (money arrived) but keeps it on the checklist', () => {
    const late = wallet('alipay', 1800, { attention: 'late_payment' });
    const r = shiftFigures(shift({ payments: [late] }));
    expect(rowOf(r, 'alipay')?.salesMinor).toBe(1800);
    expect(r.stillOpen.map((p) => [p.paymentId, p.attention])).toEqual([[late.id, 'late_payment']]);
  });

  it('counts refunded payments as sales, their refunds as refunds', () => {
    const r = shiftFigures(
      shift({
        payments: [
          wallet('demo', 1000, { status: 'refunded' }),
          wallet('demo', 2000, { status: 'partially_refunded' }),
        ],
        refunds: [
          { method: 'qr', provider: 'demo', amountMinor: 1000 },
          { method: 'qr', provider: 'demo', amountMinor: 500 },
        ],
      }),
    );
    expect(rowOf(r, 'demo')).toMatchObject({ salesMinor: 3000, refundsMinor: 1500, netMinor: 1500, refundsCount: 2 });
  });

  it('lists bank QR payments confirmed by hand with who confirmed them', () => {
    const r = shiftFigures(
      shift({
        payments: [
          {
            id: 51,
            method: 'bank_qr',
            provider: 'bank',
            status: 'paid',
            amountMinor: 4200,
            confirmedByHand: true,
            confirmedBy: 'Li Wei',
          },
          { id: 52, method: 'bank_qr', provider: null, status: 'pending', amountMinor: 900 },
        ],
      }),
    );
    expect(rowOf(r, 'bank_qr')).toMatchObject({ salesMinor: 4200, salesCount: 1 });
    expect(r.bankQrConfirmedByHand).toEqual([{ paymentId: 51, amountMinor: 4200, confirmedBy: 'Li Wei' }]);
    expect(r.stillOpen.map((p) => p.paymentId)).toEqual([52]);
  });

  it('takes a blind count by denominations, summed exactly', () => {
    // 3 × ¥100 + 1 × ¥50 + 4 × ¥10 + 7 × ¥1 + 3 × ¥0.5 + 9 × ¥0.1 = ¥399.40
    const byDenomination = { 10000: 3, 5000: 1, 1000: 4, 100: 7, 50: 3, 10: 9 };
    expect(countedCashMinor({ byDenomination }, 'CNY')).toBe(39940);
    const r = shiftFigures(
      shift({ openingFloatMinor: 30000, payments: [cash(9950, 10000, 50)], counted: { byDenomination } }),
    );
    expect(r.cash).toMatchObject({ expectedMinor: 39950, countedMinor: 39940, differenceMinor: -10 });
  });

  it('refuses a denomination the currency does not have', () => {
    expect(() => countedCashMinor({ byDenomination: { 300: 1 } }, 'CNY')).toThrow(/300 is not a CNY denomination/);
    expect(() => countedCashMinor({ byDenomination: { 100: -1 } }, 'CNY')).toThrow(/count of 100/);
    expect(() => countedCashMinor({ byDenomination: { 100: 1 } }, 'USD')).toThrow(/no denominations known/);
    expect(countedCashMinor({ byDenomination: { 25: 4 } }, 'USD', [25, 100])).toBe(100);
  });

  it('has no difference before the count', () => {
    const r = shiftFigures(shift({ openingFloatMinor: 100 }));
    expect(r.cash).toMatchObject({ countedMinor: null, differenceMinor: null, expectedMinor: 100 });
  });

  it('refuses negative or fractional amounts and duplicates', () => {
    expect(() => shiftFigures(shift({ openingFloatMinor: -1 }))).toThrow(/opening float/);
    expect(() => shiftFigures(shift({ payments: [wallet('alipay', -5)] }))).toThrow(/amount/);
    expect(() => shiftFigures(shift({ payments: [wallet('alipay', 1.5)] }))).toThrow(/amount/);
    expect(() => shiftFigures(shift({ refunds: [{ method: 'cash', provider: null, amountMinor: -100 }] }))).toThrow(
      /refund #1 amount/,
    );
    expect(() => shiftFigures(shift({ counted: { totalMinor: -1 } }))).toThrow(/counted cash/);
    const p = wallet('alipay', 100);
    expect(() => shiftFigures(shift({ payments: [p, p] }))).toThrow(/listed twice/);
    expect(() => shiftFigures(shift({ payments: [wallet('', 100)] }))).toThrow(/needs its provider/);
  });
});
