import { describe, expect, it } from 'vitest';
import { changeDue, suggestTenders } from './cash';

describe('suggestTenders', () => {
  it('offers the exact amount, then CNY notes above the total', () => {
    expect(suggestTenders(1250, 'CNY')).toEqual([1250, 2000, 5000, 10000, 20000]);
    expect(suggestTenders(5900, 'CNY')).toEqual([5900, 6000, 10000, 20000]);
    expect(suggestTenders(500, 'CNY')).toEqual([500, 1000, 2000, 5000, 10000]);
  });

  it('rounds up past the largest note for big totals', () => {
    expect(suggestTenders(12345, 'CNY')).toEqual([12345, 13000, 14000, 15000, 20000]);
  });

  it('never offers the total itself twice when it is a round amount', () => {
    const s = suggestTenders(10000, 'CNY');
    expect(s[0]).toBe(10000);
    expect(s.slice(1).every((v) => v > 10000)).toBe(true);
    expect(new Set(s).size).toBe(s.length);
  });

  it('works in currencies without minor units', () => {
    expect(suggestTenders(1280, 'JPY')).toEqual([1280, 2000, 5000, 10000, 20000]);
  });

  it('uses the notes of other currencies', () => {
    expect(suggestTenders(730, 'USD')).toEqual([730, 1000, 2000, 5000, 10000]);
  });

  it('always gives amounts above the total, ascending', () => {
    for (const currency of ['CNY', 'EUR', 'VND', 'KHR', 'XYZ']) {
      for (const total of [1, 99, 1234, 99999, 1234567]) {
        const s = suggestTenders(total, currency);
        expect(s[0]).toBe(total);
        expect(s.length).toBeGreaterThan(1);
        for (let i = 1; i < s.length; i++) expect(s[i]).toBeGreaterThan(s[i - 1]);
      }
    }
  });
});

describe('changeDue', () => {
  it('is tendered minus total, never negative', () => {
    expect(changeDue(1250, 2000)).toBe(750);
    expect(changeDue(1250, 1000)).toBe(0);
  });
});
