import { describe, expect, it } from 'vitest';
import { charFromCode, keyChar, type ScanDecision, ScanDetector, type ScanKey, splitQuantityPrefix } from './scanner';

type Opts = Partial<ScanKey>;

/** Feeds `text` then Enter, `gap` ms apart, starting at `start`; returns every decision. */
function type(d: ScanDetector, text: string, gap: number, start = 1000, opts: Opts = {}): ScanDecision[] {
  const out: ScanDecision[] = [];
  let t = start;
  for (const ch of text) {
    out.push(d.feed({ key: ch, code: '', time: t, target: 'text', ...opts }));
    t += gap;
  }
  out.push(d.feed({ key: 'Enter', code: 'Enter', time: t, target: 'text', ...opts }));
  return out;
}

describe('ScanDetector', () => {
  it('takes a fast burst ending in Enter as a scan and swallows its Enter', () => {
    const d = new ScanDetector({ maxGapMs: 30 });
    const out = type(d, '6901234567892', 8);
    const last = out.at(-1)!;
    expect(last.scan).toEqual({ barcode: '6901234567892', quantity: 1 });
    expect(last.swallow).toBe(true);
    expect(out[0].sequenceStart).toBe(true);
    expect(out.slice(1, -1).every((x) => !x.sequenceStart && x.scan === null)).toBe(true);
  });

  it('does not take the same digits typed by a person as a scan', () => {
    const d = new ScanDetector({ maxGapMs: 30 });
    const out = type(d, '6901234567892', 120);
    expect(out.every((x) => x.scan === null && !x.swallow)).toBe(true);
  });

  it('needs the gaps within the limit, the Enter included', () => {
    const d = new ScanDetector({ maxGapMs: 30 });
    expect(type(d, '12345678', 30).at(-1)!.scan).not.toBeNull();
    expect(type(d, '12345678', 31).at(-1)!.scan).toBeNull();
    expect(type(d, '12345678', 45).at(-1)!.scan).toBeNull();
    // Fast characters, then a person presses Enter later.
    const late = new ScanDetector({ maxGapMs: 30 });
    for (const [i, ch] of [...'12345678'].entries()) late.feed({ key: ch, code: '', time: i * 5, target: 'other' });
    expect(late.feed({ key: 'Enter', code: 'Enter', time: 35 + 200, target: 'other' }).scan).toBeNull();
  });

  it('takes a scan whose gaps jitter (a loaded machine) as long as they average within the limit', () => {
    const d = new ScanDetector({ maxGapMs: 30 });
    const gaps = [5, 50, 8, 45, 5, 55, 4, 40, 6, 5, 50, 5, 10];
    let t = 0;
    for (const [i, ch] of [...'6901234567892'].entries()) {
      t += gaps[i];
      d.feed({ key: ch, code: '', time: t, target: 'text' });
    }
    expect(d.feed({ key: 'Enter', code: 'Enter', time: t + 5, target: 'text' }).scan?.barcode).toBe('6901234567892');
  });

  it('forgives stretched gaps in a scan (a busy page) while most are fast', () => {
    const once = new ScanDetector({ maxGapMs: 30 });
    const times = [0, 90, 95, 100, 105, 110];
    const keys = ['B', '0', '0', '0', '1', 'Enter'];
    let last: ScanDecision | undefined;
    for (const [i, key] of keys.entries()) last = once.feed({ key, code: '', time: times[i], target: 'text' }, i);
    expect(last!.scan?.barcode).toBe('B0001');
    expect(last!.scan?.context).toBe(0);

    const twice = new ScanDetector({ maxGapMs: 30 });
    const times2 = [0, 90, 95, 180, 185, 190];
    for (const [i, key] of keys.entries()) last = twice.feed({ key, code: '', time: times2[i], target: 'text' });
    expect(last!.scan?.barcode).toBe('B0001');

    const mostlySlow = new ScanDetector({ maxGapMs: 30 });
    const times3 = [0, 50, 100, 105, 155, 200];
    for (const [i, key] of keys.entries()) last = mostlySlow.feed({ key, code: '', time: times3[i], target: 'text' });
    expect(last!.scan).toBeNull();
  });

  it("hands back the context of the scan's first key (what a field held before the scanner typed)", () => {
    const d = new ScanDetector<string>({ maxGapMs: 30 });
    d.feed({ key: 'l', code: 'KeyL', time: 0, target: 'text' }, 'before l');
    d.feed({ key: 'a', code: 'KeyA', time: 150, target: 'text' }, 'before a');
    for (const [i, key] of [...'69012'].entries())
      d.feed({ key, code: '', time: 400 + i * 5, target: 'text' }, `before ${key}`);
    const end = d.feed({ key: 'Enter', code: 'Enter', time: 430, target: 'text' });
    expect(end.scan?.barcode).toBe('69012');
    expect(end.scan?.context).toBe('before 6');
  });

  it('starts a scan after "3*" typed straight before it', () => {
    const d = new ScanDetector({ maxGapMs: 30 });
    const out = type(d, '3*6901234567892', 5);
    expect(out[1].quantity).toBe(3);
    expect(out.at(-1)!.scan).toMatchObject({ barcode: '6901234567892', quantity: 3 });
  });

  it('keeps only the burst after a pause (a person typed before the scanner fired)', () => {
    const d = new ScanDetector({ maxGapMs: 30 });
    d.feed({ key: 'k', code: 'KeyK', time: 0, target: 'text' });
    d.feed({ key: 'l', code: 'KeyL', time: 150, target: 'text' });
    expect(type(d, '4006381333931', 6, 500).at(-1)!.scan?.barcode).toBe('4006381333931');
  });

  it('ignores bursts shorter than the minimum length (a fast double key)', () => {
    const d = new ScanDetector({ maxGapMs: 30, minLength: 4 });
    expect(type(d, '123', 5).at(-1)!.scan).toBeNull();
    expect(type(d, '1234', 5, 5000).at(-1)!.scan).not.toBeNull();
  });

  it('follows a changed gap setting', () => {
    const d = new ScanDetector({ maxGapMs: 30 });
    d.maxGapMs = 60;
    expect(type(d, '12345678', 50).at(-1)!.scan).not.toBeNull();
  });

  it('reads characters from code when a Chinese IME reports Process', () => {
    const d = new ScanDetector({ maxGapMs: 30 });
    const keys: ScanKey[] = ['Digit6', 'Digit9', 'Numpad0', 'KeyA', 'Digit1'].map((code, i) => ({
      key: 'Process',
      code,
      time: i * 5,
      target: 'text',
    }));
    for (const k of keys) d.feed(k);
    const end = d.feed({ key: 'Process', code: 'Enter', time: 30, target: 'text' });
    expect(end.scan?.barcode).toBe('690a1');
    expect(end.swallow).toBe(true);
  });

  it('reads characters from code while composing', () => {
    expect(keyChar({ key: 'a', code: 'Digit5', time: 0, isComposing: true, target: 'text' })).toBe('5');
    expect(charFromCode('KeyB', true)).toBe('B');
    expect(charFromCode('Numpad7')).toBe('7');
    expect(charFromCode('NumpadMultiply')).toBe('*');
    expect(charFromCode('F2')).toBeNull();
  });

  it('lets Shift through mid-burst (capital letters) but a non-typing key ends the burst', () => {
    const d = new ScanDetector({ maxGapMs: 30 });
    d.feed({ key: 'A', code: 'KeyA', time: 0, shiftKey: true, target: 'other' });
    d.feed({ key: 'Shift', code: 'ShiftLeft', time: 4, target: 'other' });
    d.feed({ key: 'B', code: 'KeyB', time: 8, shiftKey: true, target: 'other' });
    d.feed({ key: '1', code: 'Digit1', time: 12, target: 'other' });
    d.feed({ key: '2', code: 'Digit2', time: 16, target: 'other' });
    expect(d.feed({ key: 'Enter', code: 'Enter', time: 20, target: 'other' }).scan?.barcode).toBe('AB12');

    d.feed({ key: '1', code: 'Digit1', time: 100, target: 'other' });
    d.feed({ key: '2', code: 'Digit2', time: 104, target: 'other' });
    d.feed({ key: 'Backspace', code: 'Backspace', time: 108, target: 'other' });
    d.feed({ key: '3', code: 'Digit3', time: 112, target: 'other' });
    expect(d.feed({ key: 'Enter', code: 'Enter', time: 116, target: 'other' }).scan).toBeNull();
  });

  it('ignores keys with Ctrl/Alt/Meta (shortcuts are not scanner input)', () => {
    expect(keyChar({ key: 'c', code: 'KeyC', time: 0, ctrlKey: true, target: 'other' })).toBeNull();
  });

  it('swallows a burst on a button from its second key, but leaves a text field its characters', () => {
    const onButton = type(new ScanDetector(), '12345678', 5, 0, { target: 'other' });
    expect(onButton[0].swallow).toBe(false);
    expect(onButton.slice(1).every((x) => x.swallow)).toBe(true);
    const inField = type(new ScanDetector(), '12345678', 5, 0, { target: 'text' });
    expect(inField.slice(0, -1).some((x) => x.swallow)).toBe(false);
    expect(inField.at(-1)!.swallow).toBe(true);
  });

  it("never swallows a person's Enter (it may press a focused button)", () => {
    const d = new ScanDetector();
    d.feed({ key: '5', code: 'Digit5', time: 0, target: 'other' });
    expect(d.feed({ key: 'Enter', code: 'Enter', time: 300, target: 'other' }).swallow).toBe(false);
    expect(d.feed({ key: 'Enter', code: 'Enter', time: 310, target: 'other' }).swallow).toBe(false);
  });

  it('takes a code and Enter typed without a pause outside a text field, even slowly', () => {
    const out = type(new ScanDetector({ maxGapMs: 30 }), '6901234567892', 70, 0, { target: 'other' });
    expect(out.at(-1)!.scan?.barcode).toBe('6901234567892');
    expect(out.at(-1)!.swallow).toBe(true);
    // In a text field the same keys stay text: the field decides what its Enter does.
    expect(type(new ScanDetector({ maxGapMs: 30 }), '6901234567892', 70).at(-1)!.scan).toBeNull();
  });

  it('rejects characters a barcode cannot hold', () => {
    expect(type(new ScanDetector(), '12 34/56', 5).at(-1)!.scan).toBeNull();
  });

  it('turns digits then * typed before a scan into its quantity, then clears it', () => {
    const d = new ScanDetector({ maxGapMs: 30 });
    d.feed({ key: '3', code: 'Digit3', time: 0, target: 'text' });
    const star = d.feed({ key: '*', code: 'Digit8', shiftKey: true, time: 200, target: 'text' });
    expect(star.quantity).toBe(3);
    expect(d.pendingQuantity).toBe(3);
    const end = type(d, '6901234567892', 5, 1000).at(-1)!;
    expect(end.scan).toEqual({ barcode: '6901234567892', quantity: 3 });
    expect(end.quantity).toBeNull();
    expect(d.pendingQuantity).toBeNull();
    expect(type(d, '6901234567892', 5, 2000).at(-1)!.scan?.quantity).toBe(1);
  });

  it('reads a multi-digit quantity, also from the numpad under an IME', () => {
    const d = new ScanDetector();
    d.feed({ key: 'Process', code: 'Numpad1', time: 0, target: 'other' });
    d.feed({ key: 'Process', code: 'Numpad2', time: 100, target: 'other' });
    expect(d.feed({ key: 'Process', code: 'NumpadMultiply', time: 200, target: 'other' }).quantity).toBe(12);
  });

  it('ignores * without digits or with zero', () => {
    const d = new ScanDetector();
    expect(d.feed({ key: '*', code: 'NumpadMultiply', time: 0, target: 'other' }).quantity).toBeUndefined();
    d.feed({ key: '0', code: 'Digit0', time: 100, target: 'other' });
    expect(d.feed({ key: '*', code: 'NumpadMultiply', time: 200, target: 'other' }).quantity).toBeUndefined();
    expect(d.pendingQuantity).toBeNull();
  });
});

describe('splitQuantityPrefix', () => {
  it('splits "3*kl" into 3 and "kl"', () => {
    expect(splitQuantityPrefix('3*kl')).toEqual({ quantity: 3, rest: 'kl' });
    expect(splitQuantityPrefix('12*')).toEqual({ quantity: 12, rest: '' });
    expect(splitQuantityPrefix('kl')).toEqual({ quantity: null, rest: 'kl' });
    expect(splitQuantityPrefix('0*kl')).toEqual({ quantity: null, rest: '0*kl' });
  });
});

describe('ScanDetector prefix, suffix and minimum length', () => {
  it("keeps today's behaviour with the defaults (no prefix or suffix, 4 characters)", () => {
    const d = new ScanDetector();
    expect(d.prefix).toBe('');
    expect(d.suffix).toBe('');
    expect(d.minLength).toBe(4);
    expect(type(d, '~6901234567892#', 5).at(-1)!.scan).toBeNull();
    expect(type(d, '123', 5, 5000).at(-1)!.scan).toBeNull();
    expect(type(d, '1234', 5, 9000).at(-1)!.scan?.barcode).toBe('1234');
  });

  it('strips a configured prefix, also one a barcode cannot hold', () => {
    const d = new ScanDetector({ prefix: '~]' });
    const out = type(d, '~]6901234567892', 5);
    expect(out.at(-1)!.scan?.barcode).toBe('6901234567892');
    expect(out[0].sequenceStart).toBe(true);
    // The scan begins at the prefix: its context is the field as it was before the prefix was typed.
    const ctx = new ScanDetector<number>({ prefix: 'AB' });
    let last: ScanDecision<number> | undefined;
    for (const [i, key] of [...'ABAB12', 'Enter'].entries())
      last = ctx.feed({ key, code: '', time: 100 + i * 5, target: 'text' }, i);
    expect(last!.scan).toMatchObject({ barcode: 'AB12', context: 0 });
  });

  it('still takes a code sent without the prefix (keys it cannot read under an IME)', () => {
    const d = new ScanDetector({ prefix: '~' });
    expect(type(d, '6901234567892', 5).at(-1)!.scan?.barcode).toBe('6901234567892');
  });

  it('strips a configured suffix before the Enter', () => {
    const d = new ScanDetector({ suffix: '#!' });
    expect(type(d, '6901234567892#!', 5).at(-1)!.scan?.barcode).toBe('6901234567892');
    const both = new ScanDetector({ prefix: '$', suffix: '%' });
    expect(type(both, '$B0001%', 5, 5000).at(-1)!.scan?.barcode).toBe('B0001');
  });

  it('leaves a fast burst shorter than the minimum as typing, counting only the code', () => {
    const d = new ScanDetector({ minLength: 6, prefix: '~~', suffix: '#' });
    const short = type(d, '~~1234#', 5);
    expect(short.at(-1)!.scan).toBeNull();
    expect(short.at(-1)!.swallow).toBe(false);
    expect(type(d, '~~123456#', 5, 5000).at(-1)!.scan?.barcode).toBe('123456');
    const one = new ScanDetector({ minLength: 1 });
    expect(type(one, '7', 5).at(-1)!.scan?.barcode).toBe('7');
  });
});
