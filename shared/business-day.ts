// The business day: the shop's trading day, which starts at an owner-set hour (default 05:00) rather than at
// midnight, so a cafe open past midnight keeps one day. Pure arithmetic on instants and a UTC offset.
//
// The offset is a parameter, not a zone name: Chinese shops are UTC+8 all year (no DST), and shared/ has
// no time-zone database. A caller in a DST zone passes the offset in force at the instant it asks about
// (for businessDayRange: the offset at the day's start, and `utcOffsetMinutesAtEnd` at the next day's start),
// so a 23- or 25-hour day still ends exactly where the next one begins.

export const DEFAULT_START_HOUR = 5;

export interface BusinessDayOptions {
  /** Local hour (0-23) at which a business day begins; 0 is the calendar day. */
  startHour?: number;
  /** The shop's offset from UTC in minutes at the instant concerned (UTC+8: 480). */
  utcOffsetMinutes: number;
}

export interface BusinessDayRangeOptions extends BusinessDayOptions {
  /** The offset at the day's end, when a DST change falls inside it; the start's offset otherwise. */
  utcOffsetMinutesAtEnd?: number;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

// An instant must say its zone: a bare "2026-01-01T01:30" would be read in the machine's own zone.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function checkOptions(o: BusinessDayOptions): number {
  const startHour = o.startHour ?? DEFAULT_START_HOUR;
  if (!Number.isInteger(startHour) || startHour < 0 || startHour > 23) {
    throw new Error(`business day start hour must be a whole hour 0-23, got ${startHour}`);
  }
  checkOffset(o.utcOffsetMinutes);
  return startHour;
}

// Real offsets run from UTC-12 to UTC+14.
function checkOffset(offset: number): void {
  if (!Number.isInteger(offset) || offset < -720 || offset > 840) {
    throw new Error(`UTC offset must be whole minutes between -720 and 840, got ${offset}`);
  }
}

/** The instant in milliseconds; refuses text without a zone or a date that does not exist (02-30). */
export function parseInstant(atIso: string): number {
  if (!ISO_INSTANT.test(atIso)) throw new Error(`not an ISO instant with a zone: ${JSON.stringify(atIso)}`);
  const ms = Date.parse(atIso);
  // Date.parse rolls 2026-02-30 over to March on some engines; the calendar part must survive a round trip.
  const [y, m, d] = atIso.slice(0, 10).split('-').map(Number);
  const probe = new Date(Date.UTC(y, m - 1, d));
  if (Number.isNaN(ms) || probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d) {
    throw new Error(`not a valid instant: ${JSON.stringify(atIso)}`);
  }
  return ms;
}

/** Milliseconds of the day's local midnight as if it were UTC; refuses a day that does not exist. */
function parseDay(day: string): number {
  const m = DAY.exec(day);
  if (!m) throw new Error(`not a business day (YYYY-MM-DD): ${JSON.stringify(day)}`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const probe = new Date(ms);
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) {
    throw new Error(`no such day: ${day}`);
  }
  return ms;
}

/** 'YYYY-MM-DD' of a UTC-shaped millisecond count; Date's UTC calendar knows leap years for us. */
function formatDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The business day a moment belongs to: its local time moved back by the start hour, so with startHour 5
 * a sale at 01:30 local belongs to the previous calendar day and one at 05:00 to the new one.
 */
export function businessDay(atIso: string, o: BusinessDayOptions): string {
  const startHour = checkOptions(o);
  const local = parseInstant(atIso) + o.utcOffsetMinutes * MINUTE_MS;
  return formatDay(local - startHour * HOUR_MS);
}

/**
 * The instants a business day covers, half-open [fromIso, toIso): the next day's fromIso is this toIso, so
 * every sale falls in exactly one day when selected with `at >= fromIso AND at < toIso` (same ISO form).
 */
export function businessDayRange(day: string, o: BusinessDayRangeOptions): { fromIso: string; toIso: string } {
  const startHour = checkOptions(o);
  const endOffset = o.utcOffsetMinutesAtEnd ?? o.utcOffsetMinutes;
  checkOffset(endOffset);
  const localStart = parseDay(day) + startHour * HOUR_MS;
  const from = localStart - o.utcOffsetMinutes * MINUTE_MS;
  const to = localStart + DAY_MS - endOffset * MINUTE_MS;
  return { fromIso: new Date(from).toISOString(), toIso: new Date(to).toISOString() };
}

/** The business day `n` days after (negative: before) `day`, for walking to a missed day's Z. */
export function addBusinessDays(day: string, n: number): string {
  if (!Number.isInteger(n)) throw new Error(`days to add must be whole, got ${n}`);
  return formatDay(parseDay(day) + n * DAY_MS);
}
