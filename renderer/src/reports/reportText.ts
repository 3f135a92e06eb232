// Small pure formatters of the reports page (tested in reportText.test.ts).
import type { TFunction } from 'i18next';
import type { Report, ReportProduct } from '../../../shared/report';

/** "08:00" for hour 8. */
export function hourLabel(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00`;
}

/** A product's amount sold: pieces, or kilograms of a sold-by-weight product ("1.25 kg"), in the locale's digits. */
export function quantityText(p: Pick<ReportProduct, 'quantity' | 'weightG'>, locale: string): string {
  if (p.weightG > 0) {
    const kg = new Intl.NumberFormat(locale, { maximumFractionDigits: 3 }).format(p.weightG / 1000);
    return `${kg} kg`;
  }
  return new Intl.NumberFormat(locale).format(p.quantity);
}

/**
 * The hours with orders, in the business day's order: from the day's start hour on (a cafe open past midnight
 * reads 05:00 … 23:00, 00:00 … 04:00), empty hours left out of the table (the chart shows them all).
 */
export function hoursInDayOrder(hours: Report['hours'], startHour: number): Report['hours'] {
  const rank = (h: number) => (h - startHour + 24) % 24;
  return hours.filter((h) => h.orderCount > 0 || h.salesMinor !== 0).sort((a, b) => rank(a.hour) - rank(b.hour));
}

const KNOWN_METHODS = ['cash', 'alipay', 'wechat', 'demo', 'bank_qr'] as const;
type KnownMethod = (typeof KNOWN_METHODS)[number];
const isKnown = (part: string): part is KnownMethod => (KNOWN_METHODS as readonly string[]).includes(part);

/**
 * A payment method key of the Z as people read it: 'cash' → "Cash"; a provider with its wallet ('demo:alipay') →
 * "Demo wallet · Alipay"; an unknown key as it is. (Not t(`…${key}`): i18next would read the ':' as a namespace.)
 */
export function methodName(key: string, t: TFunction): string {
  return key
    .split(':')
    .map((part) => (isKnown(part) ? t(`zreport.methods.${part}`) : part))
    .join(' · ');
}
