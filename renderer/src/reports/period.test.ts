import { describe, expect, it } from 'vitest';
import { customProblem, daysIn, periodRange, todayBusinessDay } from './period';

describe('periods', () => {
  it('today and yesterday are one business day each', () => {
    expect(periodRange('today', '2026-12-04')).toEqual({ fromDay: '2026-12-04', toDay: '2026-12-04' });
    expect(periodRange('yesterday', '2026-12-01')).toEqual({ fromDay: '2026-11-30', toDay: '2026-11-30' });
    expect(periodRange('yesterday', '2027-01-01')).toEqual({ fromDay: '2026-12-31', toDay: '2026-12-31' });
  });

  it('this week starts on Monday and runs to today', () => {
    // 2026-12-04 is a Friday; 2026-11-30 the Monday before.
    expect(periodRange('week', '2026-12-04')).toEqual({ fromDay: '2026-11-30', toDay: '2026-12-04' });
    expect(periodRange('week', '2026-11-30')).toEqual({ fromDay: '2026-11-30', toDay: '2026-11-30' });
    // A Sunday belongs to the week that began six days before.
    expect(periodRange('week', '2026-12-06')).toEqual({ fromDay: '2026-11-30', toDay: '2026-12-06' });
  });

  it('this month starts on the 1st', () => {
    expect(periodRange('month', '2026-12-04')).toEqual({ fromDay: '2026-12-01', toDay: '2026-12-04' });
    expect(periodRange('month', '2026-02-01')).toEqual({ fromDay: '2026-02-01', toDay: '2026-02-01' });
  });

  it('counts the days of a range, month and year ends included', () => {
    expect(daysIn({ fromDay: '2026-12-04', toDay: '2026-12-04' })).toBe(1);
    expect(daysIn({ fromDay: '2026-02-27', toDay: '2026-03-02' })).toBe(4);
    expect(daysIn({ fromDay: '2028-01-01', toDay: '2028-12-31' })).toBe(366);
  });

  it('tells what is wrong with a custom range before asking the till', () => {
    expect(customProblem('2026-12-01', '2026-12-04')).toBeNull();
    expect(customProblem('', '2026-12-04')).toBe('missing');
    expect(customProblem('2026-12-05', '2026-12-04')).toBe('order');
    expect(customProblem('2025-01-01', '2026-12-04')).toBe('tooLong');
    expect(customProblem('2025-12-04', '2026-12-04')).toBeNull();
  });
});

describe('todayBusinessDay', () => {
  it("reads the till's day: its start hour and its UTC offset, whatever this device's zone", () => {
    // 2026-12-04 17:30 UTC is 01:30 on the 5th in China: before a 05:00 start, still the 4th's business day.
    expect(todayBusinessDay(new Date('2026-12-04T17:30:00Z'), 5, 480)).toBe('2026-12-04');
    // 21:00 UTC is 05:00 in China: the 5th begins; in UTC it is still the 4th.
    expect(todayBusinessDay(new Date('2026-12-04T21:00:00Z'), 5, 480)).toBe('2026-12-05');
    expect(todayBusinessDay(new Date('2026-12-04T21:00:00Z'), 5, 0)).toBe('2026-12-04');
    expect(todayBusinessDay(new Date('2026-12-04T16:10:00Z'), 0, 480)).toBe('2026-12-05');
  });
});
