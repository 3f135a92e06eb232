import { describe, expect, it } from 'vitest';
import { lineRefundMinor, splitRefund } from './refund';

describe('lineRefundMinor', () => {
  it('gives back the total pro rata per unit; the last unit takes the remainder', () => {
    const line = { quantity: 3, totalMinor: 1000, refundedQuantity: 0, refundedMinor: 0 };
    expect(lineRefundMinor(line, 1)).toBe(333);
    expect(lineRefundMinor(line, 2)).toBe(666);
    expect(lineRefundMinor(line, 3)).toBe(1000);
    expect(lineRefundMinor({ ...line, refundedQuantity: 2, refundedMinor: 666 }, 1)).toBe(334);
    // One unit at a time adds up to the line's total, not a fen more or less.
    let done = { ...line };
    for (let i = 0; i < 3; i++) {
      const a = lineRefundMinor(done, 1);
      done = { ...done, refundedQuantity: done.refundedQuantity + 1, refundedMinor: done.refundedMinor + a };
    }
    expect(done.refundedMinor).toBe(1000);
  });

  it('refuses more than is left, and nothing', () => {
    const line = { quantity: 2, totalMinor: 500, refundedQuantity: 1, refundedMinor: 250 };
    expect(() => lineRefundMinor(line, 2)).toThrow(RangeError);
    expect(() => lineRefundMinor(line, 0)).toThrow(RangeError);
  });
});

describe('splitRefund', () => {
  const cash = { paymentId: 1, method: 'cash' as const, provider: null, refundableMinor: 2000 };
  const qr = { paymentId: 2, method: 'qr' as const, provider: 'alipay', refundableMinor: 500 };
  const bank = { paymentId: 3, method: 'bank_qr' as const, provider: 'bank', refundableMinor: 700 };

  it('wallets first up to what each may give back, then cash, then bank QR from the drawer', () => {
    expect(splitRefund(400, [cash, qr, bank])).toEqual([{ paymentId: 2, amountMinor: 400, fromDrawer: false }]);
    expect(splitRefund(3000, [bank, cash, qr])).toEqual([
      { paymentId: 2, amountMinor: 500, fromDrawer: false },
      { paymentId: 1, amountMinor: 2000, fromDrawer: true },
      { paymentId: 3, amountMinor: 500, fromDrawer: true },
    ]);
  });

  it('never more than the payments have left', () => {
    expect(splitRefund(3201, [cash, qr, bank])).toBeNull();
    expect(splitRefund(0, [cash])).toEqual([]);
  });
});
