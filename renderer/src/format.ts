// Formatting at the edge: money via shared/money, times in the UI language.
import { useTranslation } from 'react-i18next';
import { formatMoney } from '../../shared/money';
import { useSettings } from './stores/settings';

export function useLocale(): string {
  return useTranslation().i18n.language;
}

/** Formats minor units in the currency given to the formatter, else the one given here, else the shop's. */
export function useMoney(defaultCurrency?: string): (minor: number, currency?: string) => string {
  const locale = useLocale();
  const shopCurrency = useSettings((s) => s.settings?.currency ?? 'CNY');
  return (minor, currency) => formatMoney(minor, currency ?? defaultCurrency ?? shopCurrency, locale);
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();

export function formatTime(iso: string | null, locale: string): string {
  if (!iso) return '';
  let f = timeFormats.get(locale);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
    timeFormats.set(locale, f);
  }
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : f.format(d);
}

/** A product or line name in the UI language: the English name when shown in English and there is one. */
export function displayName(item: { name: string; nameEn: string }, locale: string): string {
  return locale.startsWith('zh') || !item.nameEn ? item.name : item.nameEn;
}
