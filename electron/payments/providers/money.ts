// Wallet amounts are yuan strings with at most 2 decimals ("88.88"); wallet times are China time
// (UTC+8, no daylight saving). Both converted exactly: integers and string digits, never floating point.
// One copy for every wallet: the API answers, the bills, and the mocks that write them.

/** 8888 → "88.88". Refuses anything but a non-negative safe integer. */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError(`Not an amount in fen: ${fen}`);
  const s = String(fen).padStart(3, '0');
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}

/** -27 → "-0.27", 8888 → "88.88": a bill's signed amount column. */
export function signedFenToYuan(fen: number): string {
  return fen < 0 ? `-${fenToYuan(-fen)}` : fenToYuan(fen);
}

/** "88.88" / "88.8" / "88" → 8888; null for anything else (signs, exponents, 3 decimals, spaces). */
export function yuanToFen(yuan: unknown): number | null {
  if (typeof yuan !== 'string') return null;
  const m = /^(0|[1-9]\d{0,12})(?:\.(\d{1,2}))?$/.exec(yuan);
  if (!m) return null;
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(fen) ? fen : null;
}

/**
 * A bill's yuan column as fen, exactly: "88.88", "-88.88", "0.32000". Digits past the fen must be zeros;
 * with `round` they round half up on the magnitude instead (WeChat Pay's fees). `fail` says what is wrong.
 */
export function billYuanToFen(text: string, where: string, fail: (message: string) => never, round = false): number {
  const m = /^([-+])?(\d{1,13})(?:\.(\d+))?$/.exec(text);
  if (!m) return fail(`${where} is not an amount: "${text.slice(0, 24)}"`);
  const frac = m[3] ?? '';
  const rest = frac.slice(2);
  if (!round && /[1-9]/.test(rest)) fail(`${where} has a fraction of a fen: "${text.slice(0, 24)}"`);
  // Half up on the magnitude: the digit after the fen decides, compared as text.
  const up = round && rest !== '' && rest[0] >= '5' ? 1 : 0;
  const fen = Number(m[2]) * 100 + Number(frac.slice(0, 2).padEnd(2, '0')) + up;
  if (fen === 0) return 0;
  return m[1] === '-' ? -fen : fen;
}

const CHINA_OFFSET_MS = 8 * 3600_000;

/** A moment as Alipay and the bills write it: China time, whole seconds, "2026-11-25 09:31:02". */
export function toChinaTime(at: Date): string {
  const d = new Date(at.getTime() + CHINA_OFFSET_MS);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** A moment as WeChat Pay writes it: RFC 3339 in China time, whole seconds, "2026-11-25T09:31:02+08:00". */
export function toChinaIso(at: Date): string {
  return `${toChinaTime(at).replace(' ', 'T')}+08:00`;
}

/** "2026-11-25 09:31:02" (China time) → "2026-11-25T09:31:02+08:00"; null when it is not that shape. */
export function chinaTimeToIso(s: unknown): string | null {
  if (typeof s !== 'string') return null;
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(s);
  if (!m) return null;
  const iso = `${m[1]}T${m[2]}+08:00`;
  return Number.isNaN(Date.parse(iso)) ? null : iso;
}

/** A bill's China-time column as ISO; `fail` says what is wrong. */
export function billChinaTime(text: string, where: string, fail: (message: string) => never): string {
  return chinaTimeToIso(text) ?? fail(`${where} is not a time: "${text.slice(0, 24)}"`);
}
