// Test helpers the wallet providers' tests share (test code only: it imports vitest).
import { expect } from 'vitest';
import { type BillRow, ProviderError } from '../provider';

/** The ProviderError a provider call failed with (the test fails if it did not fail, or failed otherwise). */
export async function providerFailure(p: Promise<unknown>): Promise<ProviderError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

/**
 * A day at a café, 2026-11-23, in a wallet's numbers (orders 41 to 43): the smallest payment, an ordinary one,
 * the largest the wallets take (99 999 999.99 yuan), a part refund of the ordinary one (its fee partly given
 * back) and a full refund of the smallest.
 */
export function cafeDayRows(numbers: {
  tradeNumber: (order: number) => string;
  providerRef: (order: number) => string;
}): BillRow[] {
  const ids = (order: number) => ({ tradeNumber: numbers.tradeNumber(order), providerRef: numbers.providerRef(order) });
  const refundNumber = (order: number) => `${numbers.tradeNumber(order)}-R1`;
  const payment = { refundMinor: 0, refundNumber: null, status: 'paid' } as const;
  return [
    { ...ids(41), time: '2026-11-23T08:05:09+08:00', amountMinor: 1, feeMinor: 0, ...payment },
    { ...ids(42), time: '2026-11-23T12:30:00+08:00', amountMinor: 8888, feeMinor: 53, ...payment },
    { ...ids(43), time: '2026-11-23T23:59:59+08:00', amountMinor: 9_999_999_999, feeMinor: 60_000_000, ...payment },
    {
      ...ids(42),
      time: '2026-11-23T13:01:02+08:00',
      amountMinor: 0,
      feeMinor: 5,
      refundMinor: 888,
      refundNumber: refundNumber(42),
      status: 'refunded',
    },
    {
      ...ids(41),
      time: '2026-11-23T08:06:00+08:00',
      amountMinor: 0,
      feeMinor: 0,
      refundMinor: 1,
      refundNumber: refundNumber(41),
      status: 'refunded',
    },
  ];
}

/** A paid row of order `n` on 2026-12-03 for the bill builders' round trips; `providerRef` is the wallet's. */
export function paidBillRow(n: number, amountMinor: number, feeMinor: number, providerRef: string): BillRow {
  return {
    tradeNumber: `TP20261203-${String(n).padStart(4, '0')}-1`,
    providerRef,
    time: `2026-12-03T${String(8 + (n % 12)).padStart(2, '0')}:0${n % 10}:1${n % 10}+08:00`,
    amountMinor,
    feeMinor,
    refundMinor: 0,
    refundNumber: null,
    status: 'paid',
  };
}
