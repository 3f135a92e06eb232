import { describe, expect, it } from 'vitest';
import {
  formatKg,
  gs1CheckDigit,
  readScaleCode,
  SCALE_PRESETS,
  type ScaleSettings,
  scaleLayout,
  weighedPrice,
} from './scale';

const label = (body: string) => body + gs1CheckDigit(body);
const settings: ScaleSettings = {
  enabled: true,
  prefixes: [21, 25],
  templates: [SCALE_PRESETS.ean13Weight, SCALE_PRESETS.cn18],
};

describe('scale templates', () => {
  it('say where item, weight and amount sit', () => {
    expect(scaleLayout(SCALE_PRESETS.ean13Price)).toEqual({ length: 13, item: [2, 7], weight: null, amount: [7, 12] });
    expect(scaleLayout(SCALE_PRESETS.cn18)).toEqual({ length: 18, item: [2, 7], weight: [7, 12], amount: [12, 17] });
    expect(typeof scaleLayout('FFIIIIIPPPPP')).toBe('string');
    expect(typeof scaleLayout('FFIIWWWWIIIC')).toBe('string');
  });
});

describe('readScaleCode', () => {
  it('reads item, weight and amount when flag, length and check digit fit', () => {
    expect(readScaleCode(label('25001230051200655'), settings)).toEqual({
      kind: 'label',
      label: { template: SCALE_PRESETS.cn18, flag: 25, item: '00123', weightGrams: 512, amountMinor: 655 },
    });
    expect(readScaleCode(label('210012300333'), settings)).toMatchObject({
      label: { item: '00123', weightGrams: 333, amountMinor: null },
    });
  });

  it('is none when off, for another flag or length, or not digits; badCheck for a wrong check digit', () => {
    const code = label('210012300333');
    expect(readScaleCode(code, { ...settings, enabled: false })).toEqual({ kind: 'none' });
    expect(readScaleCode(label('220012300333'), settings)).toEqual({ kind: 'none' });
    expect(readScaleCode(label('21001230033'), settings)).toEqual({ kind: 'none' });
    expect(readScaleCode('21A0123003331', settings)).toEqual({ kind: 'none' });
    const bad = code.slice(0, -1) + ((Number(code.at(-1)) + 1) % 10);
    expect(readScaleCode(bad, settings)).toEqual({
      kind: 'badCheck',
      template: SCALE_PRESETS.ean13Weight,
      expected: Number(code.at(-1)),
    });
  });
});

describe('weighedPrice', () => {
  it('rounds half up to a whole minor unit, exactly for any amount', () => {
    expect(weighedPrice(1280, 333)).toBe(426); // 426.24
    expect(weighedPrice(150, 333)).toBe(50); // 49.95
    expect(weighedPrice(1000, 1)).toBe(1); // 1.0
    expect(weighedPrice(499, 1)).toBe(0); // 0.499
    expect(weighedPrice(500, 1)).toBe(1); // 0.5
    expect(weighedPrice(10_000_000_000, 999_999)).toBe(9_999_990_000_000);
    expect(formatKg(512)).toBe('0.512');
    expect(formatKg(12_005)).toBe('12.005');
  });
});
