import { describe, expect, it } from 'vitest';
import {
  canTransition,
  isEnding,
  isFinal,
  isLatePayment,
  isOpen,
  isValidTradeNumber,
  looksLikePaymentCode,
  makeTradeNumber,
  maskPaymentCode,
  maskPaymentCodesIn,
  PAYMENT_STATES,
  type PaymentState,
  routePaymentCode,
  TRANSITIONS,
} from './payment';

// The rules from the scan-to-pay issue, written out independently of TRANSITIONS.
const LEGAL = new Set([
  'created>pending',
  'created>unknown',
  'created>paid',
  'created>failed',
  'created>closing',
  'pending>paid',
  'pending>unknown',
  'pending>closing',
  'pending>failed',
  'pending>expired',
  'unknown>pending',
  'unknown>paid',
  'unknown>closing',
  'unknown>failed',
  'closing>cancelled',
  'closing>expired',
  'closing>paid',
  'closing>unknown',
  'failed>paid',
  'expired>paid',
  'cancelled>paid',
  'paid>refunded',
  'paid>partially_refunded',
  'partially_refunded>partially_refunded',
  'partially_refunded>refunded',
]);

const pairs = PAYMENT_STATES.flatMap((from) => PAYMENT_STATES.map((to) => [from, to] as const));

describe('payment state machine', () => {
  it('has exactly the ten states of the issue', () => {
    expect([...PAYMENT_STATES].sort()).toEqual(
      [
        'created',
        'pending',
        'unknown',
        'closing',
        'paid',
        'failed',
        'expired',
        'cancelled',
        'refunded',
        'partially_refunded',
      ].sort(),
    );
  });

  it.each(pairs)('%s -> %s follows the rules', (from, to) => {
    expect(canTransition(from, to)).toBe(LEGAL.has(`${from}>${to}`));
  });

  it('every legal move in the rules names real states', () => {
    for (const move of LEGAL) {
      const [from, to] = move.split('>') as [PaymentState, PaymentState];
      expect(TRANSITIONS[from]).toContain(to);
    }
  });

  it('never turns a timeout or an unknown result into a failure without a definite answer', () => {
    expect(canTransition('closing', 'failed')).toBe(false);
    expect(canTransition('unknown', 'cancelled')).toBe(false);
  });

  it('only refunded is final; failed/expired/cancelled can still be paid late', () => {
    expect(PAYMENT_STATES.filter(isFinal)).toEqual(['refunded']);
  });

  it('open trades (may still be paid) are created, pending, unknown, closing', () => {
    expect(PAYMENT_STATES.filter(isOpen).sort()).toEqual(['closing', 'created', 'pending', 'unknown']);
  });

  it('paid after failed/expired/cancelled is a late payment; other paths to paid are not', () => {
    const late = pairs.filter(([from, to]) => isLatePayment(from, to)).map(([from]) => from);
    expect(late.sort()).toEqual(['cancelled', 'expired', 'failed']);
    for (const from of ['created', 'pending', 'unknown', 'closing'] as const) {
      expect(isLatePayment(from, 'paid')).toBe(false);
    }
    expect(isLatePayment('failed', 'refunded')).toBe(false);
  });

  it('an open attempt being cancelled or closed at its expiry is ending, whatever a query said since', () => {
    expect(isEnding({ status: 'closing', reason: null })).toBe(true);
    expect(isEnding({ status: 'unknown', reason: 'cancelled' })).toBe(true);
    expect(isEnding({ status: 'pending', reason: 'expired' })).toBe(true);
    expect(isEnding({ status: 'pending', reason: 'user_paying' })).toBe(false);
    expect(isEnding({ status: 'unknown', reason: 'timeout' })).toBe(false);
    // Ended already: nothing is being closed any more.
    expect(isEnding({ status: 'cancelled', reason: 'cancelled' })).toBe(false);
  });
});

describe('trade numbers', () => {
  const date = new Date(2026, 10, 25, 23, 59);
  const base = { terminal: 'T1', date, sequence: 42, installId: 'k3x9q2' };

  it('are terminal + local date + padded sequence + install id, within 32 allowed chars', () => {
    const no = makeTradeNumber(base);
    expect(no).toBe('T1_20261125_000042_k3x9q2');
    expect(no.length).toBeLessThanOrEqual(32);
    expect(no).toMatch(/^[0-9A-Za-z_-]+$/);
    expect(isValidTradeNumber(no)).toBe(true);
  });

  it('differ across installs for the same terminal, date and sequence (reinstall, restored backup)', () => {
    const numbers = ['k3x9q2', 'Zz8801', 'abcd', 'k3x9q3'].map((installId) => makeTradeNumber({ ...base, installId }));
    expect(new Set(numbers).size).toBe(numbers.length);
  });

  it('grow with the sequence and stay unique', () => {
    const numbers = [0, 1, 2, 999_999, 1_000_000].map((sequence) => makeTradeNumber({ ...base, sequence }));
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(numbers[0]).toBe('T1_20261125_000000_k3x9q2');
    expect(numbers[4]).toBe('T1_20261125_1000000_k3x9q2');
    for (const no of numbers) expect(isValidTradeNumber(no)).toBe(true);
  });

  it('refuse parts that do not fit 32 chars or break the charset', () => {
    expect(() => makeTradeNumber({ ...base, installId: 'a'.repeat(20) })).toThrow(/at most 32/);
    expect(() => makeTradeNumber({ ...base, terminal: 'T 1' })).toThrow(/terminal/);
    expect(() => makeTradeNumber({ ...base, installId: 'ab' })).toThrow(/install id/);
    expect(() => makeTradeNumber({ ...base, installId: 'ab_cd' })).toThrow(/install id/);
    expect(() => makeTradeNumber({ ...base, sequence: -1 })).toThrow(/sequence/);
    expect(() => makeTradeNumber({ ...base, sequence: 1.5 })).toThrow(/sequence/);
    expect(() => makeTradeNumber({ ...base, date: new Date(Number.NaN) })).toThrow(/date/);
  });

  it('validation rejects too long, too short or foreign characters', () => {
    expect(isValidTradeNumber('a'.repeat(32))).toBe(true);
    expect(isValidTradeNumber('a'.repeat(33))).toBe(false);
    expect(isValidTradeNumber('abc')).toBe(false);
    expect(isValidTradeNumber('T1_2026 1125')).toBe(false);
    expect(isValidTradeNumber('T1|20261125')).toBe(false);
  });
});

describe('payment code routing', () => {
  it('routes Alipay codes: prefix 25-30, 16-24 digits', () => {
    for (const code of ['2512345678901234', '281234567890123456', '301234567890123456789012']) {
      expect(routePaymentCode(code)).toEqual({ provider: 'alipay' });
    }
  });

  it('routes WeChat codes: prefix 10-15, exactly 18 digits', () => {
    for (const code of ['101234567890123456', '134567890123456789', '159876543210987654']) {
      expect(routePaymentCode(code)).toEqual({ provider: 'wechat' });
    }
  });

  it('ignores a trailing newline from the scanner', () => {
    expect(routePaymentCode('134567890123456789\n')).toEqual({ provider: 'wechat' });
  });

  it('does not route product barcodes or anything else', () => {
    const others = [
      '6901234567892', // EAN-13 (Chinese product)
      '2512345678901', // EAN-13 in-store code starting with an Alipay prefix
      '1012345678901', // EAN-13 starting with a WeChat prefix
      '12345678', // EAN-8
      '251234567890123', // Alipay prefix, 15 digits
      '2512345678901234567890123', // Alipay prefix, 25 digits
      '13456789012345678', // WeChat prefix, 17 digits
      '1345678901234567890', // WeChat prefix, 19 digits
      '241234567890123456', // prefix 24
      '161234567890123456', // prefix 16
      '31123456789012345678', // prefix 31
      '2812345678901234a6', // not all digits
      '',
    ];
    for (const code of others) {
      expect(routePaymentCode(code), code).toBeNull();
      expect(looksLikePaymentCode(code), code).toBe(false);
    }
    expect(looksLikePaymentCode('281234567890123456')).toBe(true);
  });
});

describe('payment code masking', () => {
  it('keeps the first and last 4 digits', () => {
    expect(maskPaymentCode('2851234567891234')).toBe('2851********1234');
    expect(maskPaymentCode('134567890123456789')).toBe('1345**********6789');
    expect(maskPaymentCode('12345678')).toBe('********');
  });

  it('masks every 16-24 digit run in free text and leaves other numbers alone', () => {
    const text =
      'pay code 2851234567891234 failed; retry 134567890123456789, order 6901234567892 total 1200, ' +
      'long 301234567890123456789012/x';
    expect(maskPaymentCodesIn(text)).toBe(
      'pay code 2851********1234 failed; retry 1345**********6789, order 6901234567892 total 1200, ' +
        'long 3012****************9012/x',
    );
  });

  it('does not cut a longer digit run into a maskable piece', () => {
    const run = '1'.repeat(30);
    expect(maskPaymentCodesIn(`id ${run}`)).toBe(`id ${run}`);
  });
});
