// Money is an integer amount of minor units (fen, cents) in every layer.
// Only the edges (formatting for people, parsing what they type) see decimals.

/** Largest amount any single price, line or order may reach: 100,000,000.00 in major units. */
export const MAX_AMOUNT_MINOR = 10_000_000_000;

export function isMinor(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 && n <= MAX_AMOUNT_MINOR;
}

const digitsCache = new Map<string, number>();

/** Minor-unit digits of a currency (CNY 2, JPY 0, ...), from the platform's ISO 4217 data. */
export function currencyDigits(currency: string): number {
  let d = digitsCache.get(currency);
  if (d === undefined) {
    d = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsCache.set(currency, d);
  }
  return d;
}

const formatters = new Map<string, Intl.NumberFormat>();

/** `¥12.50` (not `CN¥12.50`): narrowSymbol is what a shop's customers read on a price tag. */
export function formatMoney(minor: number, currency: string, locale: string): string {
  const key = `${locale}|${currency}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: 'currency', currency, currencyDisplay: 'narrowSymbol' });
    formatters.set(key, f);
  }
  const digits = currencyDigits(currency);
  // Built from integer parts so a large amount never meets binary float error.
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const unit = 10 ** digits;
  const major = `${sign}${Math.trunc(abs / unit)}${digits ? `.${String(abs % unit).padStart(digits, '0')}` : ''}`;
  return f.format(major as unknown as number);
}

export type ParseMoneyResult = { ok: true; minor: number } | { ok: false; reason: 'format' | 'decimals' | 'range' };

/** Parses what a person typed ("12", "12.5", "12.50") into minor units; never rounds. */
export function parseMoney(text: string, currency: string): ParseMoneyResult {
  const t = text.trim().replace(/^[¥￥$]/, '');
  const m = /^(\d{1,12})(?:\.(\d*))?$/.exec(t);
  if (!m) return { ok: false, reason: 'format' };
  const digits = currencyDigits(currency);
  const frac = m[2] ?? '';
  if (frac.length > digits) return { ok: false, reason: 'decimals' };
  const minor = Number(m[1]) * 10 ** digits + Number(frac.padEnd(digits, '0') || '0');
  if (!isMinor(minor)) return { ok: false, reason: 'range' };
  return { ok: true, minor };
}

/** Plain decimal text of an amount ("12.50"), for CSV and inputs; no symbol, no grouping. */
export function minorToDecimal(minor: number, currency: string): string {
  const digits = currencyDigits(currency);
  if (!digits) return String(minor);
  const unit = 10 ** digits;
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.trunc(abs / unit)}.${String(abs % unit).padStart(digits, '0')}`;
}

/** Round a/b half-up for non-negative integers, without floating point. */
export function divHalfUp(a: number, b: number): number {
  return Math.floor((2 * a + b) / (2 * b));
}
