// Labels printed by price/weight scales: GS1 in-store codes (restricted circulation numbers, flags 20-29).
// A template says where each part of the label sits, one letter a digit:
//   F the flag (the first two digits, one of the shop's prefixes), I the item number (the scale's PLU),
//   W the weight in grams, P the amount in minor units (fen), X a digit the till ignores (some scales print
//   a check digit of the price), C the GS1 check digit over all the digits before it (always last).
// Shared: the till reads labels on cart.scan, and the cashier's page uses the same reading to route a scan
// that also looks like a wallet's payment code (an 18-digit code starting 25-30 is an Alipay code too).
import { z } from 'zod';

/** The common layouts of Chinese shop scales (大华 Dahua, 顶尖 Aclas, 寺冈 Teraoka and their kin). */
export const SCALE_PRESETS = {
  /** 13 digits: flag, 5-digit item, 5-digit amount in fen, check digit (the usual default). */
  ean13Price: 'FFIIIIIPPPPPC',
  /** 13 digits: flag, 5-digit item, 5-digit weight in grams, check digit. */
  ean13Weight: 'FFIIIIIWWWWWC',
  /** 18 digits: flag, 5-digit item, 5-digit weight in grams, 5-digit amount in fen, check digit. */
  cn18: 'FFIIIIIWWWWWPPPPPC',
} as const;
export type ScalePreset = keyof typeof SCALE_PRESETS;

/** Where a template's parts sit: [start, end) offsets into the label. */
export interface ScaleLayout {
  length: number;
  item: [number, number];
  weight: [number, number] | null;
  amount: [number, number] | null;
}

const RUNS = { I: [1, 8], W: [3, 6], P: [3, 8], X: [1, 4] } as const;

/** A template's layout, or why it is not one. */
export function scaleLayout(template: string): ScaleLayout | string {
  if (!/^FF[IWPX]+C$/.test(template)) return 'FF, then I, W, P or X digits, then C';
  if (template.length < 8 || template.length > 24) return '8 to 24 digits';
  const layout: ScaleLayout = { length: template.length, item: [0, 0], weight: null, amount: null };
  const seen = new Set<string>();
  for (const run of template.slice(2, -1).matchAll(/I+|W+|P+|X+/g)) {
    const letter = run[0][0] as keyof typeof RUNS;
    if (seen.has(letter) && letter !== 'X') return `one run of ${letter}`;
    seen.add(letter);
    const [min, max] = RUNS[letter];
    if (run[0].length < min || run[0].length > max) return `${min} to ${max} ${letter} digits`;
    const at: [number, number] = [2 + run.index, 2 + run.index + run[0].length];
    if (letter === 'I') layout.item = at;
    else if (letter === 'W') layout.weight = at;
    else if (letter === 'P') layout.amount = at;
  }
  if (!seen.has('I')) return 'an item number (I)';
  if (!layout.weight && !layout.amount) return 'a weight (W) or an amount (P)';
  return layout;
}

export const ScaleTemplate = z.string().superRefine((t, ctx) => {
  const layout = scaleLayout(t);
  if (typeof layout === 'string') ctx.addIssue({ code: 'custom', message: `a scale template needs ${layout}` });
});

export const ScaleSettings = z
  .object({
    /** Off: every code is read as a product code or a payment code, as before. */
    enabled: z.boolean(),
    /** The flags the shop's scales print (GS1 in-store prefixes 20-29). */
    prefixes: z
      .array(z.number().int().min(20).max(29))
      .min(1)
      .max(10)
      .refine((p) => new Set(p).size === p.length, 'each prefix once'),
    /** One template a label length: a label is read by the template of its length. */
    templates: z
      .array(ScaleTemplate)
      .min(1)
      .max(3)
      .refine((t) => new Set(t.map((x) => x.length)).size === t.length, 'one template a label length'),
  })
  .strict();
export type ScaleSettings = z.infer<typeof ScaleSettings>;

/** The GS1 mod-10 check digit for the digits before it (EAN/UPC and scale labels alike). */
export function gs1CheckDigit(body: string): number {
  let sum = 0;
  // Weights alternate 3, 1, ... starting from the rightmost digit of the body.
  for (let i = 0; i < body.length; i++) {
    const d = body.charCodeAt(body.length - 1 - i) - 48;
    sum += i % 2 === 0 ? d * 3 : d;
  }
  return (10 - (sum % 10)) % 10;
}

export interface ScaleLabel {
  template: string;
  flag: number;
  /** As printed, leading zeros kept. */
  item: string;
  /** Null when the template has no weight, or the scale printed 0. */
  weightGrams: number | null;
  /** What the scale charged, in minor units; null when the template has no amount. */
  amountMinor: number | null;
}

export type ScaleRead =
  /** Not a label by these settings (scales off, not digits, no template of this length, another flag). */
  | { kind: 'none' }
  /** Shaped like a label, but its check digit is wrong: a misread, sell nothing. */
  | { kind: 'badCheck'; template: string; expected: number }
  | { kind: 'label'; label: ScaleLabel };

/** Reads `code` as a scale label by the shop's settings. */
export function readScaleCode(code: string, settings: ScaleSettings): ScaleRead {
  if (!settings.enabled || !/^2\d+$/.test(code)) return { kind: 'none' };
  const flag = Number(code.slice(0, 2));
  if (!settings.prefixes.includes(flag)) return { kind: 'none' };
  const template = settings.templates.find((t) => t.length === code.length);
  const layout = template === undefined ? undefined : scaleLayout(template);
  if (template === undefined || layout === undefined || typeof layout === 'string') return { kind: 'none' };
  const expected = gs1CheckDigit(code.slice(0, -1));
  if (expected !== Number(code.at(-1))) return { kind: 'badCheck', template, expected };
  const digits = (at: [number, number] | null) => (at ? Number(code.slice(at[0], at[1])) : null);
  const weight = digits(layout.weight);
  return {
    kind: 'label',
    label: {
      template,
      flag,
      item: code.slice(layout.item[0], layout.item[1]),
      weightGrams: weight === null || weight === 0 ? null : weight,
      amountMinor: digits(layout.amount),
    },
  };
}

/**
 * The price of `grams` at `perKgMinor` a kilogram, in whole minor units, rounded half up (0.5 fen and more
 * up, less down): 12.80 a kg for 333 g is 4.2624 -> 4.26. Integer arithmetic only, exact for every amount.
 */
export function weighedPrice(perKgMinor: number, grams: number): number {
  const whole = Math.floor(perKgMinor / 1000);
  const rest = perKgMinor % 1000;
  return whole * grams + Math.floor((rest * grams + 500) / 1000);
}

/** "0.512 kg": grams as kilograms, three decimals, the way scales print them. */
export function formatKg(grams: number): string {
  return `${Math.floor(grams / 1000)}.${String(grams % 1000).padStart(3, '0')}`;
}

/** The heaviest weight a cashier may type: 99.999 kg, the range of a 5-digit scale label. */
export const MAX_TYPED_WEIGHT_GRAMS = 99_999;

export type WeightUnit = 'kg' | 'g';

export type TypedWeight =
  | { ok: true; grams: number }
  | { ok: false; reason: 'empty' | 'notNumber' | 'tooManyDecimals' | 'wholeGrams' | 'zero' | 'tooHeavy' };

/**
 * A weight the cashier typed for a sold-by-weight product: kilograms with up to 3 decimals ("0.512", ".5",
 * "1,25") or whole grams ("512"). Read as digits, never through floating point.
 */
export function parseTypedWeight(text: string, unit: WeightUnit): TypedWeight {
  const t = text.trim().replace(',', '.');
  if (!t) return { ok: false, reason: 'empty' };
  const m = /^(\d*)(?:\.(\d*))?$/.exec(t);
  if (!m || (m[1] === '' && !m[2])) return { ok: false, reason: 'notNumber' };
  const whole = m[1].replace(/^0+(?=\d)/, '');
  const decimals = m[2] ?? '';
  let grams: number;
  if (unit === 'g') {
    if (/[1-9]/.test(decimals)) return { ok: false, reason: 'wholeGrams' };
    if (whole.length > 6) return { ok: false, reason: 'tooHeavy' };
    grams = Number(whole || '0');
  } else {
    if (decimals.length > 3) return { ok: false, reason: 'tooManyDecimals' };
    if (whole.length > 3) return { ok: false, reason: 'tooHeavy' };
    grams = Number(whole || '0') * 1000 + Number(decimals.padEnd(3, '0'));
  }
  if (grams === 0) return { ok: false, reason: 'zero' };
  if (grams > MAX_TYPED_WEIGHT_GRAMS) return { ok: false, reason: 'tooHeavy' };
  return { ok: true, grams };
}
