import { describe, expect, it } from 'vitest';
import {
  ALIPAY_ENDPOINT,
  formatPayConfigIssues,
  PayConfigFile,
  PaySettingsSave,
  payConfigIssues,
  WECHATPAY_BASE_URL,
} from './pay-config';

const PEM = '-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----';
const alipay = { appId: '2021000123456789', privateKey: PEM, alipayPublicKey: PEM };
const wechatpay = {
  mchId: '1900000109',
  appId: 'wx0123456789abcdef',
  merchantSerialNo: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
  privateKey: PEM,
  apiV3Key: 'abcdefghijklmnopqrstuvwxyz012345',
  platformPublicKeyId: 'PUB_KEY_ID_0112345678',
  platformPublicKey: PEM,
  notifyUrl: 'https://shop.example.cn/pay/notify',
};

/** The field names zod's refusal gives, as the CLI and the settings page print them. */
function refused(doc: unknown): string[] {
  const r = PayConfigFile.safeParse(doc);
  if (r.success) return [];
  return formatPayConfigIssues(payConfigIssues(r.error));
}

describe('PayConfigFile', () => {
  it('takes both sections and fills the production URLs', () => {
    const r = PayConfigFile.parse({ alipay, wechatpay });
    expect(r.alipay?.endpoint).toBe(ALIPAY_ENDPOINT);
    expect(r.wechatpay?.baseUrl).toBe(WECHATPAY_BASE_URL);
  });

  it('takes either section alone, or none', () => {
    expect(PayConfigFile.parse({ alipay }).wechatpay).toBeUndefined();
    expect(PayConfigFile.parse({ wechatpay }).alipay).toBeUndefined();
    expect(PayConfigFile.parse({})).toEqual({});
  });

  it('takes loopback URLs (local mocks) and certificate mode, platformKeys instead of the public key', () => {
    const r = PayConfigFile.parse({
      alipay: {
        appId: alipay.appId,
        privateKey: PEM,
        appCert: PEM,
        alipayPublicCert: PEM,
        alipayRootCert: PEM,
        endpoint: 'http://127.0.0.1:9/gateway.do',
      },
      wechatpay: {
        ...wechatpay,
        platformPublicKey: undefined,
        platformPublicKeyId: undefined,
        platformKeys: { '5157F09EFDC096DE15EB': PEM },
        baseUrl: 'http://127.0.0.1:9/',
      },
    });
    expect(r.alipay?.endpoint).toBe('http://127.0.0.1:9/gateway.do');
    expect(r.wechatpay?.baseUrl).toBe('http://127.0.0.1:9/');
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['alipay.appId', { alipay: { ...alipay, appId: '2021-12' } }, /^alipay\.appId: must be the 16-digit APPID/],
    ['alipay.privateKey', { alipay: { ...alipay, privateKey: '' } }, /^alipay\.privateKey: must not be empty/],
    ['alipay.alipayPublicKey', { alipay: { ...alipay, alipayPublicKey: 'x'.repeat(20_000) } }, /too long/],
    ['alipay.appCert', { alipay: { ...alipay, appCert: 42 } }, /^alipay\.appCert: /],
    ['alipay.alipayPublicCert', { alipay: { ...alipay, alipayPublicCert: '' } }, /^alipay\.alipayPublicCert: /],
    ['alipay.alipayRootCert', { alipay: { ...alipay, alipayRootCert: '' } }, /^alipay\.alipayRootCert: /],
    [
      'alipay.endpoint',
      { alipay: { ...alipay, endpoint: 'http://openapi.alipay.com' } },
      /^alipay\.endpoint: must be an https/,
    ],
    ['wechatpay.mchId', { wechatpay: { ...wechatpay, mchId: 'abc' } }, /^wechatpay\.mchId: must be the 商户号/],
    [
      'wechatpay.appId',
      { wechatpay: { ...wechatpay, appId: '2021000123456789' } },
      /^wechatpay\.appId: must be an appid/,
    ],
    [
      'wechatpay.merchantSerialNo',
      { wechatpay: { ...wechatpay, merchantSerialNo: 'xyz' } },
      /^wechatpay\.merchantSerialNo: /,
    ],
    ['wechatpay.privateKey', { wechatpay: { ...wechatpay, privateKey: '' } }, /^wechatpay\.privateKey: /],
    [
      'wechatpay.apiV3Key',
      { wechatpay: { ...wechatpay, apiV3Key: 'short' } },
      /^wechatpay\.apiV3Key: must be exactly 32/,
    ],
    [
      'wechatpay.platformPublicKeyId',
      { wechatpay: { ...wechatpay, platformPublicKeyId: 'KEY1' } },
      /^wechatpay\.platformPublicKeyId: must start with PUB_KEY_ID_/,
    ],
    [
      'wechatpay.platformPublicKey',
      { wechatpay: { ...wechatpay, platformPublicKey: '' } },
      /^wechatpay\.platformPublicKey: /,
    ],
    [
      'wechatpay.platformKeys',
      { wechatpay: { ...wechatpay, platformKeys: { 'bad id!': PEM } } },
      /^wechatpay\.platformKeys\..*not a serial number/,
    ],
    ['wechatpay.baseUrl', { wechatpay: { ...wechatpay, baseUrl: 'ftp://x' } }, /^wechatpay\.baseUrl: must be an https/],
    [
      'wechatpay.notifyUrl',
      { wechatpay: { ...wechatpay, notifyUrl: 'https://shop.example.cn/n?x=1' } },
      /^wechatpay\.notifyUrl: must be an https:\/\/ URL without a query/,
    ],
  ];
  it.each(bad)('refuses a bad %s and names it', (_field, doc, message) => {
    const lines = refused(doc);
    expect(
      lines.some((l) => message.test(l)),
      lines.join('\n'),
    ).toBe(true);
  });

  it('a plain-HTTP notify URL is refused even on loopback (WeChat Pay posts over HTTPS only)', () => {
    expect(refused({ wechatpay: { ...wechatpay, notifyUrl: 'http://127.0.0.1/notify' } })).toEqual([
      'wechatpay.notifyUrl: must be an https:// URL without a query string',
    ]);
  });

  it('names missing fields and unknown ones', () => {
    const { appId: _, ...noAppId } = alipay;
    expect(refused({ alipay: noAppId })).toEqual(['alipay.appId: is missing']);
    expect(refused({ alipay: { ...alipay, appid: 'x' } })).toEqual(['alipay.appid: is not a known field']);
    expect(refused({ alipay, paypal: {} })).toEqual(['paypal: is not a known field']);
  });

  it('needs a way to check the provider’s answers, and keeps key pairs together', () => {
    expect(refused({ alipay: { ...alipay, alipayPublicKey: undefined } })).toEqual([
      'alipay.alipayPublicKey: is needed (or the three certificates for certificate mode)',
    ]);
    expect(refused({ alipay: { ...alipay, appCert: PEM } })).toEqual([
      'alipay.appCert: certificate mode needs all three certificates',
    ]);
    expect(
      refused({ wechatpay: { ...wechatpay, platformPublicKey: undefined, platformPublicKeyId: undefined } }),
    ).toEqual(['wechatpay.platformPublicKey: is needed (or platformKeys with the platform certificates)']);
    expect(refused({ wechatpay: { ...wechatpay, platformPublicKeyId: undefined } })).toEqual([
      'wechatpay.platformPublicKeyId: platformPublicKeyId and platformPublicKey go together',
    ]);
  });
});

describe('PaySettingsSave', () => {
  it('takes a partial update of either wallet’s fields and refuses unknown ones', () => {
    expect(PaySettingsSave.safeParse({ wallet: 'alipay', fields: { appId: '1' } }).success).toBe(true);
    expect(PaySettingsSave.safeParse({ wallet: 'alipay', fields: { alipayPublicKey: null } }).success).toBe(true);
    expect(PaySettingsSave.safeParse({ wallet: 'alipay', fields: { paypalId: '1' } }).success).toBe(false);
    expect(PaySettingsSave.safeParse({ wallet: 'paypal', fields: {} }).success).toBe(false);
  });
});
