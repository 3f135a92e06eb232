// The till's business day: shared/business-day.ts with the owner's start hour and this machine's UTC offset at
// the instants concerned (so a DST zone still gets days that meet exactly).
import { businessDay, businessDayRange } from '../../shared/business-day';
import type { TillContext } from './context';

function startHourOf(ctx: TillContext): number {
  return ctx.settings.get().businessDayStartHour;
}

/** The business day `when` belongs to ("2026-11-25"): a sale at 01:30 with start hour 5 belongs to the day before. */
export function tillBusinessDay(ctx: TillContext, when: Date): string {
  return businessDay(when.toISOString(), { startHour: startHourOf(ctx), utcOffsetMinutes: -when.getTimezoneOffset() });
}

/** [fromIso, toIso) of a business day, as UTC ISO strings comparable with stored timestamps. */
export function tillBusinessDayRange(ctx: TillContext, day: string): { fromIso: string; toIso: string } {
  const startHour = startHourOf(ctx);
  const [y, m, d] = day.split('-').map(Number);
  // The offsets in force at the local start of this day and of the next.
  const start = new Date(y, m - 1, d, startHour);
  const end = new Date(y, m - 1, d + 1, startHour);
  return businessDayRange(day, {
    startHour,
    utcOffsetMinutes: -start.getTimezoneOffset(),
    utcOffsetMinutesAtEnd: -end.getTimezoneOffset(),
  });
}
