// What is wrong with an amount a person typed, in words.
import type { TFunction } from 'i18next';
import { currencyDigits, type ParseMoneyResult } from '../../../shared/money';

export function moneyInputError(t: TFunction, result: ParseMoneyResult, currency: string): string | null {
  if (result.ok) return null;
  if (result.reason === 'format') return t('cash.badFormat');
  if (result.reason === 'range') return t('cash.tooLarge');
  const digits = currencyDigits(currency);
  return digits ? t('cash.badDecimals', { digits }) : t('cash.badDecimalsNone');
}
