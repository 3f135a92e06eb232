// i18next with the two bundled languages. The setting 'auto' follows the browser: zh* -> zh-CN, else en.
import i18next, { type TFunction } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { ApiError } from '../../../shared/api';
import type { Language } from '../../../shared/domain';
import { failReasonKey } from '../paymentText';
import { en } from './en';
import { zhCN } from './zh-CN';

export type UiLanguage = 'zh-CN' | 'en';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}

export const resources = { en: { translation: en }, 'zh-CN': { translation: zhCN } } as const;

export function resolveLanguage(setting: Language, browserLanguage: string): UiLanguage {
  if (setting !== 'auto') return setting;
  return browserLanguage.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export function initI18n(): typeof i18next {
  const lng = resolveLanguage('auto', navigator.language);
  void i18next.use(initReactI18next).init({
    resources,
    lng,
    fallbackLng: 'en',
    initAsync: false,
    interpolation: { escapeValue: false },
    // A message whose parameter the server did not send reads better with a gap than with "{{x}}".
    missingInterpolationHandler: () => '',
  });
  document.documentElement.lang = lng;
  return i18next;
}

export function applyLanguage(setting: Language): void {
  const lng = resolveLanguage(setting, navigator.language);
  document.documentElement.lang = lng;
  if (i18next.language !== lng) void i18next.changeLanguage(lng);
}

/**
 * The translated message for an API error, with its parameters. With `money`, amounts the till sends
 * as `<name>Minor` also reach the message formatted, as `<name>` (maxMinor -> {{max}}).
 */
export function errorText(t: TFunction, error: ApiError, money?: (minor: number) => string): string {
  const p: Record<string, string | number> = { ...error.params };
  for (const [k, v] of Object.entries(error.params ?? {})) {
    const name = /^(\w+)Minor$/.exec(k)?.[1];
    if (name && typeof v === 'number' && money && !(name in p)) p[name] = money(v);
  }
  if (p.reason === 'offline') return t(p.unsure === 1 ? 'errors.unsure' : 'errors.offline');
  // Refusals with their own wording, told apart by the parameters the till sends with them.
  if (error.code === 'INVALID_INPUT' && p.expectedCheckDigit !== undefined) {
    return t('errors.checkDigit', {
      barcode: String(p.barcode ?? ''),
      expectedCheckDigit: String(p.expectedCheckDigit),
    });
  }
  if (error.code === 'BAD_CHECK_DIGIT' && p.kind === 'scale') {
    return t('errors.scaleCheckDigit', { barcode: String(p.barcode ?? ''), expected: String(p.expected ?? '') });
  }
  if (error.code === 'AMOUNT_TOO_LARGE' && p.maxQuantity !== undefined) {
    return t('errors.lineQuantity', { maxQuantity: String(p.maxQuantity) });
  }
  if (error.code === 'CART_LOCKED' && p.paidMinor !== undefined) return t('errors.cartPartPaid');
  if (error.code === 'CSV_INVALID' && p.reason === 'rowTooLong') {
    return t('errors.csvRowTooLong', { line: String(p.line ?? '') });
  }
  if (error.code === 'IMPORT_FAILED' && typeof p.line === 'number' && p.line > 0) {
    return t('errors.importFailedAt', { line: String(p.line) });
  }
  if (error.code === 'PAYMENT_CODE_INVALID' && p.reason === 'wallet_not_set_up') {
    return t('errors.walletNotSetUp', { wallet: t(`pay.wallet.${p.wallet === 'wechat' ? 'wechat' : 'alipay'}`) });
  }
  if (error.code === 'PAYMENT_UNAVAILABLE' && p.reason === 'currency') {
    return t('errors.walletsCurrency', { currency: String(p.currency ?? '') });
  }
  if (error.code === 'PAYMENT_UNAVAILABLE' && p.reason === 'not_configured') return t('errors.noWallet');
  if (p.reason === 'refund_unknown') return t('errors.refundUnknown');
  if (p.reason === 'refund_underway') return t('errors.refundUnderway');
  if (p.reason === 'amount_mismatch') return t('errors.amountMismatch');
  if (error.code === 'PAYMENT_DECLINED' && typeof p.reason === 'string') {
    const key = failReasonKey(p.reason);
    // "Declined: declined by …" says nothing more than the plain refusal.
    if (key !== 'pay.failReason.declined') {
      return t('errors.declinedBecause', { reason: t(key, { code: p.reason }) });
    }
  }
  const detail = error.issues?.length ? error.issues.map((i) => i.path || i.message).join(', ') : '';
  // Which parameters a message uses varies by code; the server sends them, missing ones read as blank.
  const translate = t as unknown as (key: string, params: Record<string, unknown>) => string;
  return translate(`errors.${error.code}`, { detail, ...p });
}

const IMPORT_FIELDS = {
  barcode: 'import.fieldBarcode',
  name: 'import.fieldName',
  name_en: 'import.fieldNameEn',
  category: 'import.fieldCategory',
  price: 'import.fieldPrice',
  tax_rate: 'import.fieldTax',
  active: 'import.fieldActive',
} as const;

const IMPORT_ERRORS = {
  required: 'import.errRequired',
  invalid: 'import.errInvalid',
  checkDigit: 'import.errCheckDigit',
  duplicate: 'import.errDuplicate',
  tooLong: 'import.errTooLong',
  negative: 'import.errNegative',
  decimals: 'import.errDecimals',
  range: 'import.errRange',
  format: 'import.errFormat',
} as const;

/** A CSV row's problem in the UI language; the till's English message for codes this version does not know. */
export function importErrorText(t: TFunction, e: { field: string; code: string; message: string }): string {
  const key = IMPORT_ERRORS[e.code as keyof typeof IMPORT_ERRORS];
  if (!key) return e.message;
  const fieldKey = IMPORT_FIELDS[e.field as keyof typeof IMPORT_FIELDS];
  return t(key, { field: fieldKey ? t(fieldKey) : e.field });
}
