// Quick amounts for the cash dialog: the exact total, then the next round amounts a customer is
// likely to hand over, built from the currency's common notes.
import { currencyDigits } from '../../shared/money';

/** Common notes (and large coins people hand over), in major units. */
const NOTES: Record<string, number[]> = {
  CNY: [10, 20, 50, 100],
  HKD: [10, 20, 50, 100, 500],
  TWD: [100, 500, 1000],
  USD: [5, 10, 20, 50, 100],
  EUR: [5, 10, 20, 50, 100],
  GBP: [5, 10, 20, 50],
  JPY: [1000, 5000, 10000],
  BRL: [10, 20, 50, 100],
  THB: [20, 50, 100, 500, 1000],
  SGD: [2, 5, 10, 50, 100],
  MYR: [5, 10, 20, 50, 100],
  IDR: [10000, 20000, 50000, 100000],
  PHP: [20, 50, 100, 500, 1000],
  VND: [10000, 20000, 50000, 100000, 200000, 500000],
  INR: [10, 20, 50, 100, 200, 500],
  KHR: [1000, 5000, 10000, 20000, 50000],
};

/** For a currency without a table: 1-2-5 steps from the total's own magnitude. */
function derivedNotes(totalMajor: number): number[] {
  const base = 10 ** Math.max(0, Math.floor(Math.log10(Math.max(1, totalMajor))) - 1);
  return [1, 2, 5, 10, 20, 50, 100].map((m) => m * base);
}

/**
 * The exact total first, then up to `max` amounts above it: for each note, the next multiple of it
 * above the total (¥12.50 -> ¥20 ¥50 ¥100 ¥200; ¥123.45 -> ¥130 ¥140 ¥150 ¥200). All in minor units.
 */
export function suggestTenders(totalMinor: number, currency: string, max = 4): number[] {
  const unit = 10 ** currencyDigits(currency);
  const notes = NOTES[currency] ?? derivedNotes(totalMinor / unit);
  const above = new Set<number>();
  for (const note of notes) {
    const step = note * unit;
    above.add((Math.floor(totalMinor / step) + 1) * step);
  }
  // And two of the largest note, for when the total is just under it (¥59 -> ¥60 ¥100 ¥200).
  const top = notes[notes.length - 1] * unit;
  above.add((Math.floor(totalMinor / top) + 2) * top);
  const sorted = [...above].sort((a, b) => a - b).slice(0, max);
  return totalMinor > 0 ? [totalMinor, ...sorted] : sorted;
}

export function changeDue(totalMinor: number, tenderedMinor: number): number {
  return Math.max(0, tenderedMinor - totalMinor);
}
