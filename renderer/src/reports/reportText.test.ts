import { describe, expect, it } from 'vitest';
import type { TFunction } from 'i18next';
import { hourLabel, hoursInDayOrder, methodName, quantityText } from './reportText';

const t = ((key: string) => `<${key}>`) as unknown as TFunction;

describe('report text', () => {
  it('labels hours with two digits', () => {
    expect(hourLabel(0)).toBe('00:00');
    expect(hourLabel(8)).toBe('08:00');
    expect(hourLabel(23)).toBe('23:00');
  });

  it('writes pieces, or kilograms of a sold-by-weight product', () => {
    expect(quantityText({ quantity: 12, weightG: 0 }, 'en')).toBe('12');
    expect(quantityText({ quantity: 1200, weightG: 0 }, 'en')).toBe('1,200');
    expect(quantityText({ quantity: 3, weightG: 1250 }, 'en')).toBe('1.25 kg');
    expect(quantityText({ quantity: 1, weightG: 5 }, 'zh-CN')).toBe('0.005 kg');
  });

  it('orders hours from the business day start and leaves empty ones out', () => {
    const hours = Array.from({ length: 24 }, (_, hour) => ({ hour, orderCount: 0, salesMinor: 0 }));
    hours[1] = { hour: 1, orderCount: 1, salesMinor: 500 };
    hours[9] = { hour: 9, orderCount: 2, salesMinor: 3000 };
    hours[22] = { hour: 22, orderCount: 1, salesMinor: 1200 };
    expect(hoursInDayOrder(hours, 5).map((h) => h.hour)).toEqual([9, 22, 1]);
    expect(hoursInDayOrder(hours, 0).map((h) => h.hour)).toEqual([1, 9, 22]);
  });

  it("names payment methods, a provider's wallet included, and keeps unknown keys", () => {
    expect(methodName('cash', t)).toBe('<zreport.methods.cash>');
    expect(methodName('demo:alipay', t)).toBe('<zreport.methods.demo> · <zreport.methods.alipay>');
    expect(methodName('unionpay', t)).toBe('unionpay');
  });
});
