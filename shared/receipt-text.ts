// Receipt text as a thermal printer sees it: ASCII takes one column, a GBK double-byte character (Hanzi, ￥,
// full-width punctuation) takes two, and anything outside GBK (rare Hanzi, emoji) cannot be printed, so it
// becomes "?" and is reported for the preview. Pure TypeScript (no Node, no DOM).

/** Columns of a 58 mm and an 80 mm printer in its standard font. */
export const RECEIPT_COLUMNS = [32, 48] as const;
export type ReceiptColumns = (typeof RECEIPT_COLUMNS)[number];

/** Stands in for an unprintable character inside laid-out text; printed as "?", marked in the preview. */
export const UNPRINTABLE = '\uFFFD';

const YEN_HALF = '\u00A5';
const YEN_FULL = '\uFFE5';

type Decoder = { decode(bytes: Uint8Array): string };
type DecoderCtor = new (label: string) => Decoder;

let gbkSet: Set<string> | null = null;

/**
 * The BMP characters GBK encodes in two bytes, read from the platform's GB18030 decoder (Node with full ICU,
 * Electron and every browser have it). The user-defined areas decode to the Private Use Area: those are
 * nobody's characters, so they are left out.
 */
export function gbkDoubleByteChars(): ReadonlySet<string> {
  return gbkChars();
}

function gbkChars(): Set<string> {
  if (gbkSet) return gbkSet;
  const set = new Set<string>();
  const Ctor = (globalThis as unknown as { TextDecoder?: DecoderCtor }).TextDecoder;
  let decoder: Decoder | null = null;
  try {
    decoder = Ctor ? new Ctor('gbk') : null;
  } catch {
    decoder = null;
  }
  if (decoder) {
    const pair = new Uint8Array(2);
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        if (trail === 0x7f) continue;
        pair[0] = lead;
        pair[1] = trail;
        const s = decoder.decode(pair);
        if (s.length !== 1) continue;
        const c = s.charCodeAt(0);
        if (c < 0x80 || c === 0xfffd || (c >= 0xe000 && c <= 0xf8ff)) continue;
        set.add(s);
      }
    }
  } else {
    // A runtime without GB18030 tables: the unified Hanzi block and the full-width forms are all in GBK.
    for (let c = 0x4e00; c <= 0x9fa5; c++) set.add(String.fromCharCode(c));
    for (let c = 0xff01; c <= 0xff5e; c++) set.add(String.fromCharCode(c));
    for (const ch of '￥，。、；：？！“”‘’（）《》【】…—·') set.add(ch);
  }
  gbkSet = set;
  return set;
}

/** A character GBK prints in two bytes (and two columns). */
export function isGbkDoubleByte(ch: string): boolean {
  return gbkChars().has(ch);
}

/** The yuan sign a printer prints: U+00A5 is 4 bytes of junk in GB18030, U+FFE5 is A3 A4. */
export function normaliseYuan(text: string): string {
  return text.includes(YEN_HALF) ? text.split(YEN_HALF).join(YEN_FULL) : text;
}

export interface PrintableText {
  /** Normalised text; each unprintable character replaced by UNPRINTABLE. */
  text: string;
  /** The characters that were replaced, in order (one entry per replacement). */
  unprintable: string[];
}

/**
 * What of `text` a GBK printer can print: ¥ becomes ￥, controls become spaces, an emoji or a rare Hanzi
 * becomes UNPRINTABLE (an emoji's joiners and variation selectors go with it, so 👍🏻 is one mark).
 */
export function toPrintable(text: string): PrintableText {
  let out = '';
  const unprintable: string[] = [];
  for (const ch of normaliseYuan(text)) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x20 && c < 0x7f) out += ch;
    else if (c < 0x20 || c === 0x7f) out += ' ';
    else if (isGbkDoubleByte(ch)) out += ch;
    else if (c === 0x200d || (c >= 0xfe00 && c <= 0xfe0f) || (c >= 0x1f3fb && c <= 0x1f3ff)) {
      // Joiner, variation selector or skin tone: part of the emoji before it.
      if (unprintable.length && out.endsWith(UNPRINTABLE)) unprintable[unprintable.length - 1] += ch;
    } else {
      out += UNPRINTABLE;
      unprintable.push(ch);
    }
  }
  return { text: out, unprintable };
}

/** Columns one character of printable text takes. */
export function charWidth(ch: string): 1 | 2 {
  const c = ch.codePointAt(0)!;
  return c < 0x80 || ch === UNPRINTABLE ? 1 : 2;
}

/** Columns printable text takes (pass text through toPrintable first). */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += charWidth(ch);
  return w;
}

/** The longest start of `text` that fits `width` columns; a Hanzi that would be cut in half is left out. */
export function truncate(text: string, width: number): string {
  let w = 0;
  let out = '';
  for (const ch of text) {
    const cw = charWidth(ch);
    if (w + cw > width) break;
    out += ch;
    w += cw;
  }
  return out;
}

export function padEnd(text: string, width: number): string {
  const t = truncate(text, width);
  return t + ' '.repeat(width - displayWidth(t));
}

export function padStart(text: string, width: number): string {
  const t = truncate(text, width);
  return ' '.repeat(width - displayWidth(t)) + t;
}

export function center(text: string, width: number): string {
  const t = truncate(text, width);
  const room = width - displayWidth(t);
  const left = Math.floor(room / 2);
  return ' '.repeat(left) + t + ' '.repeat(room - left);
}

/**
 * Breaks text into lines of at most `width` columns. Latin words break at spaces where they can; Hanzi may
 * break between any two characters, never inside one.
 */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  // Leading spaces are an indent the caller meant; trailing ones are nothing.
  let rest = text.trimEnd();
  while (rest) {
    if (displayWidth(rest) <= width) {
      lines.push(rest);
      break;
    }
    let head = truncate(rest, width);
    if (!head) head = Array.from(rest)[0]; // a width below 2 with a Hanzi first: never loop forever
    const next = rest.slice(head.length);
    // Inside a Latin word: go back to the last space of the line, if there is one.
    if (/[!-~]$/.test(head) && /^[!-~]/.test(next)) {
      const space = head.lastIndexOf(' ');
      if (space > 0) head = head.slice(0, space);
    }
    lines.push(head.trimEnd());
    rest = rest.slice(head.length).trimStart();
  }
  return lines.length ? lines : [''];
}

/**
 * `left` and `right` on one line of `width` columns, right aligned; a left side too long wraps, and the right
 * side goes on its last line when it fits there, else on a line of its own.
 */
export function twoColumns(left: string, right: string, width: number): string[] {
  const rw = displayWidth(right);
  if (rw >= width) return [...wrap(left, width).map((l) => padEnd(l, width)), padStart(right, width)];
  const gap = right ? 1 : 0;
  const lines = wrap(left, width);
  const last = lines.pop()!;
  const out = lines.map((l) => padEnd(l, width));
  if (displayWidth(last) + gap + rw <= width) {
    out.push(padEnd(last, width - rw) + right);
  } else {
    out.push(padEnd(last, width), padStart(right, width));
  }
  return out;
}
