// A sold-by-weight product with a weight the cashier typed (no scale label): the rule for reading what was
// typed, and cart.addWeighed pricing it as a weight-only scale label is priced. A real till on SQLite.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api } from '../../shared/api';
import { parseTypedWeight, weighedPrice } from '../../shared/scale';
import { openTestTill, refusal, type TestTill } from './testing';

describe('parseTypedWeight', () => {
  it('reads kilograms with up to 3 decimals and whole grams, without floating point', () => {
    expect(parseTypedWeight('0.512', 'kg')).toEqual({ ok: true, grams: 512 });
    expect(parseTypedWeight('1,25', 'kg')).toEqual({ ok: true, grams: 1250 });
    expect(parseTypedWeight('.5', 'kg')).toEqual({ ok: true, grams: 500 });
    expect(parseTypedWeight('2', 'kg')).toEqual({ ok: true, grams: 2000 });
    expect(parseTypedWeight('99.999', 'kg')).toEqual({ ok: true, grams: 99_999 });
    expect(parseTypedWeight(' 0.001 ', 'kg')).toEqual({ ok: true, grams: 1 });
    expect(parseTypedWeight('512', 'g')).toEqual({ ok: true, grams: 512 });
    expect(parseTypedWeight('0512', 'g')).toEqual({ ok: true, grams: 512 });
  });

  it('says what is wrong with a weight it refuses', () => {
    expect(parseTypedWeight('', 'kg')).toEqual({ ok: false, reason: 'empty' });
    expect(parseTypedWeight('abc', 'kg')).toEqual({ ok: false, reason: 'notNumber' });
    expect(parseTypedWeight('-1', 'kg')).toEqual({ ok: false, reason: 'notNumber' });
    expect(parseTypedWeight('1e3', 'g')).toEqual({ ok: false, reason: 'notNumber' });
    expect(parseTypedWeight('.', 'kg')).toEqual({ ok: false, reason: 'notNumber' });
    expect(parseTypedWeight('0.5125', 'kg')).toEqual({ ok: false, reason: 'tooManyDecimals' });
    expect(parseTypedWeight('0', 'kg')).toEqual({ ok: false, reason: 'zero' });
    expect(parseTypedWeight('0.000', 'kg')).toEqual({ ok: false, reason: 'zero' });
    expect(parseTypedWeight('100', 'kg')).toEqual({ ok: false, reason: 'tooHeavy' });
    expect(parseTypedWeight('100000', 'g')).toEqual({ ok: false, reason: 'tooHeavy' });
    expect(parseTypedWeight('12.5', 'g')).toEqual({ ok: false, reason: 'wholeGrams' });
  });
});

describe('cart.addWeighed', () => {
  let till: TestTill;
  beforeEach(async () => {
    till = openTestTill();
    await till.call('catalog.clearDemo', {});
  });
  afterEach(() => till.close());

  async function product(barcode: string, name: string, priceMinor: number, soldByWeight: boolean) {
    await till.call('products.save', { barcode, name, priceMinor, soldByWeight });
    return (await till.call('products.search', { query: name })).items[0]!;
  }

  it('adds a line with the weight and the price a weight-only label would give (half up)', async () => {
    const apple = await product('00123', '苹果', 1280, true);
    // 12.80 a kg for 333 g is 4.2624: 4.26.
    const order = await till.call('cart.addWeighed', { productId: apple.id, weightGrams: 333 });
    expect(order.lines).toHaveLength(1);
    expect(order.lines[0]).toMatchObject({ name: '苹果', weightGrams: 333, quantity: 1, unitPriceMinor: 426 });
    expect(weighedPrice(1280, 333)).toBe(426);
    // 1.50 a kg for 3 g is 0.45 fen: rounds down to 0; for 5 g 0.75 fen: up to 1.
    const candy = await product('456', '散装糖果', 150, true);
    const two = await till.call('cart.addWeighed', { productId: candy.id, weightGrams: 5 });
    expect(two.lines.at(-1)).toMatchObject({ weightGrams: 5, unitPriceMinor: 1 });
    // Each weighing is its own line, never merged.
    const three = await till.call('cart.addWeighed', { productId: apple.id, weightGrams: 333 });
    expect(three.lines).toHaveLength(3);
    expect(three.totalMinor).toBe(426 + 1 + 426);
  });

  it('refuses a product sold by the piece and weights out of range, adding nothing', async () => {
    const bread = await product('00777', '面包', 800, false);
    const apple = await product('00123', '苹果', 1280, true);
    expect((await refusal(till.call('cart.addWeighed', { productId: bread.id, weightGrams: 500 }))).code).toBe(
      'NOT_SOLD_BY_WEIGHT',
    );
    for (const weightGrams of [0, -5, 100_000, 1.5]) {
      // The contract refuses these at the door...
      expect(api['cart.addWeighed'].input.safeParse({ productId: apple.id, weightGrams }).success).toBe(false);
      // ...and the till itself, should a caller skip it.
      const direct = Promise.resolve().then(() =>
        till.handlers['cart.addWeighed']({ productId: apple.id, weightGrams }, { transport: 'http' }),
      );
      expect((await refusal(direct)).code).toBe('INVALID_INPUT');
    }
    expect((await till.call('cart.get', {})).lines).toEqual([]);
  });
});
