// The shop's own EMVCo bank QR (PIX, PromptPay, PayNow, DuitNow or another scheme by its GUID): a dynamic
// payload with this payment's amount and reference. No provider confirms it: the cashier does, by hand.
import type { BankQrSettings, Currency } from '../../shared/domain';
import { buildMerchantQr, type Field, parseMerchantQr, pixPayload, promptPayPayload, withCrc } from '../../shared/emv';
import { currencyDigits } from '../../shared/money';

/** ISO 4217 numeric code and ISO 3166 country for the currencies the till knows (EMV tags 53 and 58). */
const CURRENCY: Record<Currency, { numeric: string; country: string | null }> = {
  CNY: { numeric: '156', country: 'CN' },
  HKD: { numeric: '344', country: 'HK' },
  TWD: { numeric: '901', country: 'TW' },
  USD: { numeric: '840', country: 'US' },
  EUR: { numeric: '978', country: null },
  GBP: { numeric: '826', country: 'GB' },
  JPY: { numeric: '392', country: 'JP' },
  BRL: { numeric: '986', country: 'BR' },
  THB: { numeric: '764', country: 'TH' },
  SGD: { numeric: '702', country: 'SG' },
  MYR: { numeric: '458', country: 'MY' },
  IDR: { numeric: '360', country: 'ID' },
  PHP: { numeric: '608', country: 'PH' },
  VND: { numeric: '704', country: 'VN' },
  INR: { numeric: '356', country: 'IN' },
  KHR: { numeric: '116', country: 'KH' },
};

/** The currency each national scheme pays in; a custom EMV scheme takes the shop's own. */
const SCHEME_CURRENCY: Partial<Record<BankQrSettings['scheme'], Currency>> = {
  pix: 'BRL',
  promptpay: 'THB',
  paynow: 'SGD',
  duitnow: 'MYR',
};

export type BankQrUnavailable = 'not_configured' | 'currency';

/** Why the bank QR cannot be used with these settings and this shop currency, or null when it can. */
export function bankQrUnavailable(s: BankQrSettings, currency: Currency): BankQrUnavailable | null {
  if (!s.enabled || !s.account) return 'not_configured';
  if ((s.scheme === 'duitnow' || s.scheme === 'emv') && !s.guid) return 'not_configured';
  const wanted = SCHEME_CURRENCY[s.scheme];
  if (wanted ? wanted !== currency : CURRENCY[currency].country === null) return 'currency';
  return null;
}

/** EMV's reference label (62/05) holds 25 characters and PIX's txid only letters and digits. */
export function bankReference(tradeNumber: string): string {
  return tradeNumber.replace(/[^0-9A-Za-z]/g, '').slice(-25);
}

/** Adds the reference (62/05) to a payload built without one, recomputing the CRC. */
function withReference(payload: string, reference: string): string {
  const parsed = parseMerchantQr(payload);
  if (!parsed.ok) throw new Error(`Bank QR: ${parsed.reason}`);
  const fields: Field[] = parsed.fields.filter((f) => f.id !== '62');
  fields.push({ id: '62', value: [{ id: '05', value: reference }] });
  return withCrc(fields);
}

export interface BankQrRequest {
  settings: BankQrSettings;
  currency: Currency;
  amountMinor: number;
  reference: string;
  shopName: string;
}

/** The payload to show; throws when the settings cannot make one (checked first with bankQrUnavailable). */
export function bankQrPayload({ settings: s, currency, amountMinor, reference, shopName }: BankQrRequest): string {
  const name = (s.merchantName || shopName).slice(0, 25);
  switch (s.scheme) {
    case 'pix':
      return pixPayload({ key: s.account, name, city: s.merchantCity || 'BRASIL', amountMinor, txid: reference });
    case 'promptpay': {
      const digits = s.account.replace(/\D/g, '');
      const base =
        digits.length === 13
          ? promptPayPayload({ taxId: digits, amountMinor })
          : promptPayPayload({ phone: s.account, amountMinor });
      return withReference(base, reference);
    }
    default: {
      const paynow = s.scheme === 'paynow';
      const account: Field[] = paynow
        ? [
            { id: '00', value: 'SG.PAYNOW' },
            // 0: a mobile number, 2: a company's UEN.
            { id: '01', value: /^\+?\d{8,}$/.test(s.account) ? '0' : '2' },
            { id: '02', value: s.account },
            { id: '03', value: '0' },
          ]
        : [
            { id: '00', value: s.guid },
            { id: '01', value: s.account },
          ];
      const c = CURRENCY[currency];
      return buildMerchantQr({
        merchantAccount: { id: '26', fields: account },
        mcc: '0000',
        currency: c.numeric,
        amountMinor,
        currencyDigits: currencyDigits(currency),
        country: c.country ?? 'XX',
        merchantName: name,
        merchantCity: s.merchantCity || undefined,
        referenceLabel: reference,
        dynamic: true,
      });
    }
  }
}
