// Alipay amounts are yuan strings with at most 2 decimals ("88.88"); Alipay times are China time
// "yyyy-MM-dd HH:mm:ss". Both converted exactly: integers and string digits, never floating point.

/** 8888 → "88.88". Refuses anything but a non-negative safe integer. */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError(`Not an amount in fen: ${fen}`);
  const s = String(fen).padStart(3, '0');
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}

/** "88.88" / "88.8" / "88" → 8888; null for anything else (signs, exponents, 3 decimals, spaces). */
export function yuanToFen(yuan: unknown): number | null {
  if (typeof yuan !== 'string') return null;
  const m = /^(0|[1-9]\d{0,12})(?:\.(\d{1,2}))?$/.exec(yuan);
  if (!m) return null;
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(fen) ? fen : null;
}

const CHINA_OFFSET_MS = 8 * 3600_000;

/** A moment as Alipay writes it: China time (UTC+8, no daylight saving), whole seconds. */
export function toChinaTime(at: Date): string {
  const d = new Date(at.getTime() + CHINA_OFFSET_MS);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** "2026-11-25 09:31:02" (China time) → "2026-11-25T09:31:02+08:00"; null when it is not that shape. */
export function chinaTimeToIso(s: unknown): string | null {
  if (typeof s !== 'string') return null;
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(s);
  if (!m) return null;
  const iso = `${m[1]}T${m[2]}+08:00`;
  return Number.isNaN(Date.parse(iso)) ? null : iso;
}
