import { describe, expect, it } from 'vitest';
import { addBusinessDays, businessDay, businessDayRange, parseInstant } from './business-day';

const CN = { startHour: 5, utcOffsetMinutes: 480 };

describe('business day', () => {
  it('puts a sale around midnight on the day that started at 05:00 (UTC+8)', () => {
    // Local times written with their offset, as a Chinese till sees them.
    expect(businessDay('2026-03-10T23:59:00+08:00', CN)).toBe('2026-03-10');
    expect(businessDay('2026-03-11T00:00:00+08:00', CN)).toBe('2026-03-10');
    expect(businessDay('2026-03-11T04:59:59.999+08:00', CN)).toBe('2026-03-10');
    expect(businessDay('2026-03-11T05:00:00+08:00', CN)).toBe('2026-03-11');
  });

  it('reads instants stored in UTC the same way', () => {
    // 2026-03-10T20:59Z is 04:59 on the 11th in Shanghai: still the 10th's business day.
    expect(businessDay('2026-03-10T20:59:00.000Z', CN)).toBe('2026-03-10');
    expect(businessDay('2026-03-10T21:00:00.000Z', CN)).toBe('2026-03-11');
  });

  it('defaults the start hour to 05:00', () => {
    expect(businessDay('2026-03-11T01:30:00+08:00', { utcOffsetMinutes: 480 })).toBe('2026-03-10');
  });

  it('uses the calendar day with a start hour of 0', () => {
    const o = { startHour: 0, utcOffsetMinutes: 480 };
    expect(businessDay('2026-03-10T23:59:59+08:00', o)).toBe('2026-03-10');
    expect(businessDay('2026-03-11T00:00:00+08:00', o)).toBe('2026-03-11');
    expect(businessDayRange('2026-03-11', o)).toEqual({
      fromIso: '2026-03-10T16:00:00.000Z',
      toIso: '2026-03-11T16:00:00.000Z',
    });
  });

  it('keeps the small hours of a new month and a new year on the old day', () => {
    expect(businessDay('2026-05-01T03:00:00+08:00', CN)).toBe('2026-04-30');
    expect(businessDay('2027-01-01T00:30:00+08:00', CN)).toBe('2026-12-31');
    expect(businessDay('2027-01-01T05:00:00+08:00', CN)).toBe('2027-01-01');
    expect(businessDayRange('2026-12-31', CN)).toEqual({
      fromIso: '2026-12-30T21:00:00.000Z',
      toIso: '2026-12-31T21:00:00.000Z',
    });
  });

  it('knows the leap day', () => {
    expect(businessDay('2028-03-01T04:00:00+08:00', CN)).toBe('2028-02-29');
    expect(businessDay('2027-03-01T04:00:00+08:00', CN)).toBe('2027-02-28');
    expect(businessDayRange('2028-02-29', CN)).toEqual({
      fromIso: '2028-02-28T21:00:00.000Z',
      toIso: '2028-02-29T21:00:00.000Z',
    });
    expect(addBusinessDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addBusinessDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(() => businessDayRange('2027-02-29', CN)).toThrow(/no such day/);
  });

  it('ranges are half-open and meet end to start', () => {
    const a = businessDayRange('2026-03-10', CN);
    const b = businessDayRange(addBusinessDays('2026-03-10', 1), CN);
    expect(a.toIso).toBe(b.fromIso);
    expect(businessDay(a.fromIso, CN)).toBe('2026-03-10');
    expect(businessDay(a.toIso, CN)).toBe('2026-03-11');
    expect(businessDay(new Date(parseInstant(a.toIso) - 1).toISOString(), CN)).toBe('2026-03-10');
  });

  it('lets a DST zone give the offset at each end, so a day can be 23 hours', () => {
    // Europe/Berlin, spring forward on 2026-03-29: +01:00 at 05:00 on the 29th, +02:00 at 05:00 on the 30th.
    const r = businessDayRange('2026-03-29', { startHour: 5, utcOffsetMinutes: 60, utcOffsetMinutesAtEnd: 120 });
    expect(r).toEqual({ fromIso: '2026-03-29T04:00:00.000Z', toIso: '2026-03-30T03:00:00.000Z' });
  });

  it('handles a western offset', () => {
    // UTC-5, 02:00 local on the 1st is 07:00Z: still the previous business day.
    expect(businessDay('2026-01-01T07:00:00Z', { startHour: 5, utcOffsetMinutes: -300 })).toBe('2025-12-31');
  });

  it('refuses bad input clearly', () => {
    expect(() => businessDay('2026-03-10T23:59:00', CN)).toThrow(/with a zone/);
    expect(() => businessDay('2026-02-30T10:00:00Z', CN)).toThrow(/not a valid instant/);
    expect(() => businessDay('2026-03-10T10:00:00Z', { startHour: 24, utcOffsetMinutes: 480 })).toThrow(/0-23/);
    expect(() => businessDay('2026-03-10T10:00:00Z', { startHour: 5.5, utcOffsetMinutes: 480 })).toThrow(/0-23/);
    expect(() => businessDay('2026-03-10T10:00:00Z', { startHour: 5, utcOffsetMinutes: 900 })).toThrow(/offset/);
    expect(() => businessDayRange('2026-3-1', CN)).toThrow(/YYYY-MM-DD/);
  });
});
