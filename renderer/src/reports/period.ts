// The periods the owner picks on /reports, as business-day ranges the API takes. Pure, so it is tested alone.
import { addBusinessDays, businessDay } from '../../../shared/business-day';
import { MAX_REPORT_DAYS, type ReportRange } from '../../../shared/report';

export type Period = 'today' | 'yesterday' | 'week' | 'month' | 'custom';
export const PERIODS: readonly Period[] = ['today', 'yesterday', 'week', 'month', 'custom'];

/**
 * Today's business day at the till: the owner's start hour and the till's UTC offset (app.info), so a phone in
 * another zone (or a browser set to UTC) still sees the shop's days.
 */
export function todayBusinessDay(now: Date, startHour: number, utcOffsetMinutes: number): string {
  return businessDay(now.toISOString(), { startHour, utcOffsetMinutes });
}

/** 0 = Monday … 6 = Sunday: a Chinese week starts on Monday (周一). */
function weekdayFromMonday(day: string): number {
  const [y, m, d] = day.split('-').map(Number);
  return (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
}

/** The days a period covers, up to and including today (this week and this month so far). */
export function periodRange(period: Exclude<Period, 'custom'>, today: string): ReportRange {
  switch (period) {
    case 'today':
      return { fromDay: today, toDay: today };
    case 'yesterday': {
      const day = addBusinessDays(today, -1);
      return { fromDay: day, toDay: day };
    }
    case 'week':
      return { fromDay: addBusinessDays(today, -weekdayFromMonday(today)), toDay: today };
    case 'month':
      return { fromDay: `${today.slice(0, 8)}01`, toDay: today };
  }
}

/** Inclusive count of days in a range. */
export function daysIn(range: ReportRange): number {
  const ms = (day: string) => {
    const [y, m, d] = day.split('-').map(Number);
    return Date.UTC(y, m - 1, d);
  };
  return Math.round((ms(range.toDay) - ms(range.fromDay)) / 86_400_000) + 1;
}

export type CustomProblem = 'missing' | 'order' | 'tooLong';

/** Why two typed dates are not a range the API takes (checked here too, so the owner is told before asking). */
export function customProblem(fromDay: string, toDay: string): CustomProblem | null {
  const day = /^\d{4}-\d{2}-\d{2}$/;
  if (!day.test(fromDay) || !day.test(toDay)) return 'missing';
  if (fromDay > toDay) return 'order';
  if (daysIn({ fromDay, toDay }) > MAX_REPORT_DAYS) return 'tooLong';
  return null;
}
