// The wallet credentials a shop owner brings from 支付宝开放平台 and 微信支付商户平台, as one JSON document: the
// shape of `--pay-config FILE`, of Settings → Payments, and of what the till seals at rest. Strict objects,
// so an unknown field is refused with its name instead of being ignored. Pure TypeScript (no Node).
import { z } from 'zod';

export const ALIPAY_ENDPOINT = 'https://openapi.alipay.com';
export const WECHATPAY_BASE_URL = 'https://api.mch.weixin.qq.com/';

const HOST = '[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\\d{1,5})?';
const PATH = '(?:/[^\\s?#]*)?';
const HTTPS_URL = new RegExp(`^https://${HOST}${PATH}$`);
const LOOPBACK_URL = new RegExp(`^http://(?:127\\.0\\.0\\.1|localhost|\\[::1\\])(?::\\d{1,5})?${PATH}$`);

/** A provider URL: HTTPS, or plain HTTP to this machine's loopback (the local mocks and tests). */
const ProviderUrl = z.string().refine((s) => HTTPS_URL.test(s) || LOOPBACK_URL.test(s), 'must be an https:// URL');

const Pem = z.string().min(1, 'must not be empty').max(16_384, 'is too long for a key or certificate');

export const AlipayConfig = z.strictObject({
  /** 开放平台 → 应用 → APPID: 16 digits. */
  appId: z.string().regex(/^\d{16}$/, 'must be the 16-digit APPID from 支付宝开放平台'),
  /** The application private key (应用私钥), PKCS#1 or PKCS#8, PEM or the key tool's one-line text. */
  privateKey: Pem,
  /** Public-key mode: 支付宝公钥 (not the app's own public key). */
  alipayPublicKey: Pem.optional(),
  /** Certificate mode: the three certificates (应用公钥证书, 支付宝公钥证书, 支付宝根证书). */
  appCert: Pem.optional(),
  alipayPublicCert: Pem.optional(),
  alipayRootCert: Pem.optional(),
  endpoint: ProviderUrl.default(ALIPAY_ENDPOINT),
});
export type AlipayConfig = z.infer<typeof AlipayConfig>;

export const WechatPayConfig = z.strictObject({
  /** 商户号: digits. */
  mchId: z.string().regex(/^\d{8,12}$/, 'must be the 商户号 (digits) from 微信支付商户平台'),
  /** The appid bound to the merchant: "wx" and 16 letters or digits. */
  appId: z.string().regex(/^wx[0-9a-zA-Z]{16}$/, 'must be an appid like wx0123456789abcdef'),
  /** 商户API证书序列号: 40 hex digits (or fewer on old certificates). */
  merchantSerialNo: z.string().regex(/^[0-9A-Fa-f]{8,40}$/, 'must be the API certificate serial number (hex)'),
  privateKey: Pem,
  /** APIv3 密钥: exactly 32 characters. */
  apiV3Key: z.string().regex(/^[\x21-\x7e]{32}$/, 'must be exactly 32 letters, digits or symbols'),
  /** 微信支付公钥 mode: PUB_KEY_ID_… and its PEM. */
  platformPublicKeyId: z
    .string()
    .regex(/^PUB_KEY_ID_[0-9A-Za-z]+$/, 'must start with PUB_KEY_ID_')
    .optional(),
  platformPublicKey: Pem.optional(),
  /** Platform certificates and keys by serial or key id, several at once for a switchover. */
  platformKeys: z.record(z.string().regex(/^[0-9A-Za-z_]{8,64}$/, 'is not a serial number or key id'), Pem).optional(),
  baseUrl: ProviderUrl.default(WECHATPAY_BASE_URL),
  /** Required by WeChat Pay on every order: HTTPS, no query string; it need not be reachable. */
  notifyUrl: z.string().regex(HTTPS_URL, 'must be an https:// URL without a query string'),
});
export type WechatPayConfig = z.infer<typeof WechatPayConfig>;

export const PayConfigFile = z
  .strictObject({
    alipay: AlipayConfig.optional(),
    wechatpay: WechatPayConfig.optional(),
  })
  .superRefine((c, ctx) => {
    const a = c.alipay;
    if (a) {
      const certs = [a.appCert, a.alipayPublicCert, a.alipayRootCert].filter(Boolean).length;
      if (!a.alipayPublicKey && certs === 0)
        ctx.addIssue({
          code: 'custom',
          path: ['alipay', 'alipayPublicKey'],
          message: 'is needed (or the three certificates for certificate mode)',
        });
      if (certs !== 0 && certs !== 3)
        ctx.addIssue({
          code: 'custom',
          path: ['alipay', 'appCert'],
          message: 'certificate mode needs all three certificates',
        });
    }
    const w = c.wechatpay;
    if (w) {
      const keys = Object.keys(w.platformKeys ?? {}).length;
      if (!w.platformPublicKey && keys === 0)
        ctx.addIssue({
          code: 'custom',
          path: ['wechatpay', 'platformPublicKey'],
          message: 'is needed (or platformKeys with the platform certificates)',
        });
      if (Boolean(w.platformPublicKey) !== Boolean(w.platformPublicKeyId))
        ctx.addIssue({
          code: 'custom',
          path: ['wechatpay', 'platformPublicKeyId'],
          message: 'platformPublicKeyId and platformPublicKey go together',
        });
    }
  });
export type PayConfigFile = z.infer<typeof PayConfigFile>;

/** The wallets a real provider serves, and the ids payments store. */
export type WalletProviderId = 'alipay' | 'wechat';
