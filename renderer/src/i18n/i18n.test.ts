import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../shared/api';
import { en } from './en';
import i18next from 'i18next';
import { errorText, importErrorText, resolveLanguage, resources } from './index';
import { zhCN } from './zh-CN';

function flatten(obj: object, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

const EN = flatten(en);
const ZH = flatten(zhCN);

function params(text: string): string[] {
  return [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
}

describe('translations', () => {
  it('have the same keys in zh-CN and en', () => {
    expect([...ZH.keys()].sort()).toEqual([...EN.keys()].sort());
  });

  it('have no empty texts', () => {
    for (const [key, text] of [...EN, ...ZH]) expect(text.trim(), key).not.toBe('');
  });

  it('use the same parameters in both languages', () => {
    for (const [key, text] of EN) expect(params(ZH.get(key)!), key).toEqual(params(text));
  });

  it('have a message for every API error code in both languages', () => {
    for (const code of ErrorCode.options) {
      expect(EN.get(`errors.${code}`), code).toBeTruthy();
      expect(ZH.get(`errors.${code}`), code).toBeTruthy();
    }
    expect(EN.get('errors.UNKNOWN_BARCODE')).toBe('Unknown barcode {{barcode}}');
    expect(ZH.get('errors.UNKNOWN_BARCODE')).toBe('未知条码 {{barcode}}');
  });
  // Keys used in components are checked by the compiler (CustomTypeOptions in ./index.ts).
});

describe('resolveLanguage', () => {
  it('follows the browser when set to auto', () => {
    expect(resolveLanguage('auto', 'zh-CN')).toBe('zh-CN');
    expect(resolveLanguage('auto', 'zh-TW')).toBe('zh-CN');
    expect(resolveLanguage('auto', 'en-US')).toBe('en');
    expect(resolveLanguage('auto', 'de')).toBe('en');
  });

  it('uses the setting otherwise', () => {
    expect(resolveLanguage('en', 'zh-CN')).toBe('en');
    expect(resolveLanguage('zh-CN', 'en-US')).toBe('zh-CN');
  });
});

describe('errorText', () => {
  const i18n = i18next.createInstance();
  void i18n.init({
    initAsync: false,
    resources,
    lng: 'en',
    interpolation: { escapeValue: false },
    missingInterpolationHandler: () => '',
  });
  const en = i18n.getFixedT('en');
  const zh = i18n.getFixedT('zh-CN');

  it('translates a code with its parameters', () => {
    const e = { code: 'UNKNOWN_BARCODE', message: 'x', params: { barcode: '690123' } } as const;
    expect(errorText(en, e)).toBe('Unknown barcode 690123');
    expect(errorText(zh, e)).toBe('未知条码 690123');
  });

  it('names the wallet of a payment code that is not set up, and why wallets refuse another currency', () => {
    const code = {
      code: 'PAYMENT_CODE_INVALID',
      message: 'x',
      params: { reason: 'wallet_not_set_up', wallet: 'wechat' },
    } as const;
    expect(errorText(en, code)).toBe(
      'This is a WeChat Pay payment code, but WeChat Pay is not set up on this till (Settings → Payments)',
    );
    expect(errorText(zh, code)).toBe('这是微信支付付款码，但本收银台未设置微信支付（设置 → 收款）');
    const usd = { code: 'PAYMENT_UNAVAILABLE', message: 'x', params: { reason: 'currency', currency: 'USD' } } as const;
    expect(errorText(en, usd)).toBe('Alipay and WeChat Pay take CNY only; this shop sells in USD');
  });

  it('reads a missing parameter as blank, never as {{placeholder}}', () => {
    expect(errorText(en, { code: 'UNKNOWN_BARCODE', message: 'x' })).not.toContain('{{');
  });

  it('words a wrong check digit and an unreachable till on their own', () => {
    const e = {
      code: 'INVALID_INPUT',
      message: 'x',
      params: { barcode: '6901234567890', expectedCheckDigit: 2 },
    } as const;
    expect(errorText(zh, e)).toBe('条码 6901234567890 校验位错误：最后一位应为 2');
    expect(errorText(en, { code: 'INTERNAL', message: 'x', params: { reason: 'offline' } })).toBe(
      'Cannot reach the till. Retrying…',
    );
  });

  it('formats the amounts a payment refusal carries, and tells a part-paid cart from an open payment', () => {
    const money = (minor: number) => `¥${(minor / 100).toFixed(2)}`;
    const over = { code: 'AMOUNT_OVER_LIMIT', message: 'x', params: { maxMinor: 500000 } } as const;
    expect(errorText(en, over, money)).toBe('Over the limit for this method: at most ¥5000.00');
    expect(errorText(zh, over, money)).toBe('超过此方式的单笔限额：最多 ¥5000.00');
    expect(errorText(en, over)).not.toContain('{{');
    expect(errorText(en, { code: 'CART_LOCKED', message: 'x', params: { paymentId: 3 } })).toBe(
      'The cart is locked while a payment is open',
    );
    expect(errorText(en, { code: 'CART_LOCKED', message: 'x', params: { paidMinor: 1000 } })).toBe(
      'Part of this order is paid: its lines can no longer change',
    );
  });

  it('words a declined payment code from the provider’s reason, whatever its case', () => {
    const poor = { code: 'PAYMENT_DECLINED', message: 'x', params: { reason: 'INSUFFICIENT_FUNDS' } } as const;
    expect(errorText(en, poor)).toBe('Declined: not enough money in the wallet');
    expect(errorText(zh, poor)).toBe('付款失败：钱包余额不足');
    const odd = { code: 'PAYMENT_DECLINED', message: 'x', params: { reason: 'RISK_CONTROL' } } as const;
    expect(errorText(en, odd)).toBe('Declined: the provider said “RISK_CONTROL”');
    const plain = { code: 'PAYMENT_DECLINED', message: 'x', params: { reason: 'DECLINED' } } as const;
    expect(errorText(en, plain)).toBe('The payment was declined');
  });

  it('counts in English and Chinese', () => {
    expect(en('display.items', { count: 1 })).toBe('1 item');
    expect(en('display.items', { count: 3 })).toBe('3 items');
    expect(zh('display.items', { count: 1 })).toBe('共 1 件');
  });

  it('words a catalog import that failed, and a CSV row that never ends', () => {
    expect(errorText(en, { code: 'IMPORT_FAILED', message: 'x', params: { line: 5802 } })).toBe(
      'The import failed at row 5802 and was undone: the products are as they were',
    );
    expect(errorText(zh, { code: 'IMPORT_FAILED', message: 'x', params: { line: 0 } })).toBe(
      '导入失败，已全部撤销：商品保持原样',
    );
    const tooLong = { code: 'CSV_INVALID', message: 'x', params: { line: 2, reason: 'rowTooLong' } } as const;
    expect(errorText(en, tooLong)).toBe('Row 2 never ends: a quote (") in it is not closed');
    expect(errorText(zh, tooLong)).toBe('第 2 行没有结尾：其中的引号（"）没有闭合');
  });

  it('translates CSV row problems, falling back to the till message for unknown codes', () => {
    expect(importErrorText(zh, { field: 'price', code: 'required', message: 'Price is missing' })).toBe('缺少价格');
    expect(importErrorText(en, { field: 'name', code: 'tooLong', message: '' })).toBe('Name is too long');
    expect(importErrorText(en, { field: 'x', code: 'new', message: 'Something new' })).toBe('Something new');
  });
});
