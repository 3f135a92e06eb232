// Keyboard-wedge barcode scanners type a code as a burst of keystrokes ending in Enter. What tells them
// from a person is timing: scanners send keys a few ms apart (measured 2-15 ms on USB HID wedges), while
// even fast typists leave 60 ms+ between keys (two keys pressed together can land closer, hence a minimum
// length). Event times are taken when the page handles a key, so a busy page (rendering, another window)
// stretches some of a real scan's gaps: what counts is the median gap, within maxGapMs. Keys further
// apart than stretchMs belong to different entries.
// This module is pure: it sees {key, code, time} and returns what to do; scannerDom.ts binds it.

export interface ScanKey {
  key: string;
  code: string;
  /** Milliseconds, monotonic (KeyboardEvent.timeStamp). */
  time: number;
  isComposing?: boolean;
  shiftKey?: boolean;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
  /** Where focus is: a text field keeps typed characters; anything else (a button) must not react to a burst. */
  target: 'text' | 'other';
}

export interface Scan<C = unknown> {
  barcode: string;
  quantity: number;
  /** What the caller passed with the scan's first key (the focused field and its value then). */
  context: C | undefined;
}

export interface ScanDecision<C = unknown> {
  /** preventDefault + stopPropagation: the key must not reach the focused element or other handlers. */
  swallow: boolean;
  /** The first key after a pause: the keys a scan may be the tail of start here. */
  sequenceStart: boolean;
  scan: Scan<C> | null;
  /** The pending quantity after this key, when the key changed it ("3*" typed, or a scan used it). */
  quantity?: number | null;
}

export interface ScanDetectorOptions {
  maxGapMs?: number;
  /** Of the code, after any prefix and suffix are taken off. */
  minLength?: number;
  /** What the scanner is set to send before / after each code (Enter still ends it); '' for none. */
  prefix?: string;
  suffix?: string;
}

/** Same characters as the Barcode schema in shared/domain.ts. */
const BARCODE_CHAR = /^[0-9A-Za-z._-]$/;
const MODIFIER_KEYS = new Set(['Shift', 'Control', 'Alt', 'Meta', 'CapsLock', 'AltGraph', 'NumLock']);
const PASS: ScanDecision<never> = { swallow: false, sequenceStart: false, scan: null };

/**
 * With a Chinese IME on, keydown reports key 'Process' (or isComposing): the physical key still says
 * what the scanner meant. Digit5 / Numpad5 -> '5', KeyA -> 'a' ('A' with Shift).
 */
export function charFromCode(code: string, shift = false): string | null {
  let m = /^(?:Digit|Numpad)(\d)$/.exec(code);
  if (m) return shift && code === 'Digit8' ? '*' : m[1];
  m = /^Key([A-Z])$/.exec(code);
  if (m) return shift ? m[1] : m[1].toLowerCase();
  switch (code) {
    case 'Minus':
      return shift ? '_' : '-';
    case 'NumpadSubtract':
      return '-';
    case 'Period':
    case 'NumpadDecimal':
      return '.';
    case 'NumpadMultiply':
      return '*';
    default:
      return null;
  }
}

function isImeKey(k: ScanKey): boolean {
  return k.key === 'Process' || k.isComposing === true;
}

/** The character a key types, or null for keys that type nothing (arrows, Backspace, shortcuts). */
export function keyChar(k: ScanKey): string | null {
  if (k.ctrlKey || k.altKey || k.metaKey) return null;
  if (isImeKey(k)) return charFromCode(k.code, k.shiftKey);
  return k.key.length === 1 ? k.key : null;
}

export function isEnterKey(k: ScanKey): boolean {
  if (k.key === 'Enter') return true;
  return isImeKey(k) && (k.code === 'Enter' || k.code === 'NumpadEnter');
}

export class ScanDetector<C = unknown> {
  maxGapMs: number;
  minLength: number;
  prefix: string;
  suffix: string;
  /** Set by a person typing digits then '*' ("3*"); the next scan takes it. */
  pendingQuantity: number | null = null;
  /** The keys since the last pause longer than stretchMs: what a scan may be the tail of. */
  private chars: string[] = [];
  private times: number[] = [];
  private contexts: (C | undefined)[] = [];
  /** Whether each key was typed outside a text field. */
  private outside: boolean[] = [];
  /** The last few characters typed, at any speed, to spot a quantity prefix. */
  private typed = '';

  constructor(options: ScanDetectorOptions = {}) {
    this.maxGapMs = options.maxGapMs ?? 30;
    this.minLength = options.minLength ?? 4;
    this.prefix = options.prefix ?? '';
    this.suffix = options.suffix ?? '';
  }

  /** Keys further apart than this are separate entries. */
  get stretchMs(): number {
    return Math.max(100, 4 * this.maxGapMs);
  }

  /** `context` is kept with the key and handed back with a scan that begins at it. */
  feed(k: ScanKey, context?: C): ScanDecision<C> {
    if (isEnterKey(k)) return this.end(k.time, k.target);
    if (MODIFIER_KEYS.has(k.key)) return PASS; // scanners press Shift for capitals mid-burst
    const ch = keyChar(k);
    if (ch === null) {
      // Backspace, arrows, Tab, F-keys: a person is at the keyboard.
      this.reset();
      return PASS;
    }
    const gap = k.time - (this.times.at(-1) ?? Number.NEGATIVE_INFINITY);
    const continues = gap <= this.stretchMs;
    if (!continues) this.reset(false);
    this.chars.push(ch);
    this.times.push(k.time);
    this.contexts.push(context);
    this.outside.push(k.target === 'other');

    const decision: ScanDecision<C> = {
      // A burst's keys after the first must not act on a focused button; a text field keeps them
      // (restored after the scan).
      swallow: continues && gap <= 2 * this.maxGapMs && k.target === 'other',
      sequenceStart: !continues,
      scan: null,
    };
    if (ch === '*') {
      const m = /(\d{1,4})$/.exec(this.typed);
      const q = m ? Number(m[1]) : 0;
      if (q >= 1) {
        this.pendingQuantity = q;
        decision.quantity = q;
      }
      this.typed = '';
    } else {
      this.typed = (this.typed + ch).slice(-8);
    }
    return decision;
  }

  /** Forget a half-seen burst (focus moved, a dialog opened). Keeps the pending quantity. */
  reset(forgetTyped = true): void {
    this.chars = [];
    this.times = [];
    this.contexts = [];
    this.outside = [];
    if (forgetTyped) this.typed = '';
  }

  private end(time: number, target: ScanKey['target']): ScanDecision<C> {
    const { chars, times, contexts, outside } = this;
    const n = chars.length;
    this.reset();
    if (n === 0 || time - times[n - 1] > this.stretchMs) return PASS;
    const gap = (i: number) => (i === n ? time : times[i]) - times[i - 1];
    // Only barcode characters: a scan starts after "3*" (or any other sign) typed just before it.
    // Slow keys right at its start are the page being busy, not a person: nobody types and then
    // fires a scanner within stretchMs.
    // A configured suffix comes off the end; a configured prefix marks where the code starts. Neither is
    // required: under a Chinese IME a sign like '~' types nothing we can read, and the code alone still counts.
    const text = chars.join('');
    const end = this.suffix && text.endsWith(this.suffix) ? n - this.suffix.length : n;
    let start = end;
    while (start > 0 && BARCODE_CHAR.test(chars[start - 1])) start--;
    let codeStart = start;
    const at = this.prefix ? prefixAt(text.slice(0, end), this.prefix) : -1;
    if (at >= 0) {
      start = at;
      codeStart = at + this.prefix.length;
    }

    const code = chars.slice(codeStart, end).join('');
    const gaps: number[] = [];
    for (let i = start + 1; i <= n; i++) gaps.push(gap(i));
    // Outside a text field, a code and Enter typed without a pause is one even when slow (a loaded
    // machine, or a person keying it in): there typing has no other use, and the Enter must not
    // press the focused button.
    const typedOutside = target === 'other' && outside.slice(start).every(Boolean);
    if (code.length < this.minLength || (median(gaps) > this.maxGapMs && !typedOutside)) return PASS;
    const hadQuantity = this.pendingQuantity !== null;
    const scan = { barcode: code, quantity: this.pendingQuantity ?? 1, context: contexts[start] };
    this.pendingQuantity = null;
    return { swallow: true, sequenceStart: false, scan, ...(hadQuantity ? { quantity: null } : {}) };
  }
}

/** Where the first `prefix` followed only by barcode characters (at least one) starts in `text`, or -1. */
function prefixAt(text: string, prefix: string): number {
  for (let i = text.indexOf(prefix); i >= 0; i = text.indexOf(prefix, i + 1)) {
    const rest = text.slice(i + prefix.length);
    if (rest.length > 0 && [...rest].every((c) => BARCODE_CHAR.test(c))) return i;
  }
  return -1;
}

/** The middle gap: a busy page stretches a few of a scan's gaps, a person makes most of them slow. */
function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.POSITIVE_INFINITY;
}

/** A quantity typed at the start of a text ("3*kl": 3 of what "kl" finds). */
export const QUANTITY_PREFIX = /^\s*(\d{1,4})\*/;

export function splitQuantityPrefix(text: string): { quantity: number | null; rest: string } {
  const m = QUANTITY_PREFIX.exec(text);
  const q = m ? Number(m[1]) : 0;
  if (!m || q < 1) return { quantity: null, rest: text };
  return { quantity: q, rest: text.slice(m[0].length) };
}
