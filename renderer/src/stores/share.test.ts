import { describe, expect, it } from 'vitest';
import type { OrderLine } from '../../../shared/domain';
import { shareLines } from './share';

function line(id: number, quantity = 1): OrderLine {
  return {
    id,
    productId: id,
    barcode: `B${id}`,
    name: `商品${id}`,
    nameEn: '',
    unitPriceMinor: 100,
    quantity,
    taxRateBp: 0,
    grossMinor: 100 * quantity,
    lineDiscountMinor: 0,
    orderDiscountShareMinor: 0,
    totalMinor: 100 * quantity,
    taxMinor: 0,
    weightGrams: null,
  };
}

describe('shareLines', () => {
  it('keeps unchanged line objects and reports the changed one', () => {
    const prev = [line(1), line(2), line(3)];
    const { lines, changedId } = shareLines(prev, [line(1), line(2, 2), line(3)]);
    expect(lines[0]).toBe(prev[0]);
    expect(lines[1]).not.toBe(prev[1]);
    expect(lines[2]).toBe(prev[2]);
    expect(changedId).toBe(2);
  });

  it('reports an added line and keeps the array when nothing changed', () => {
    const prev = [line(1)];
    expect(shareLines(prev, [line(1), line(2)]).changedId).toBe(2);
    const same = shareLines(prev, [line(1)]);
    expect(same.lines).toBe(prev);
    expect(same.changedId).toBeNull();
  });

  it('notices a removed line', () => {
    const prev = [line(1), line(2)];
    const { lines, changedId } = shareLines(prev, [line(2)]);
    expect(lines).toEqual([prev[1]]);
    expect(lines[0]).toBe(prev[1]);
    expect(changedId).toBeNull();
  });
});
