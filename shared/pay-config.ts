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

/** The two sections of the config file, which the settings page calls wallets. */
export const PayWallet = z.enum(['alipay', 'wechatpay']);
export type PayWallet = z.infer<typeof PayWallet>;

export interface PayConfigIssue {
  /** "alipay.appId"; "" for the document itself. */
  path: string;
  message: string;
}

/** zod's issues as "which field: what is wrong", one per field; an unknown field is named as such. */
export function payConfigIssues(error: z.ZodError): PayConfigIssue[] {
  const out: PayConfigIssue[] = [];
  for (const i of error.issues) {
    const base = i.path.map(String);
    if (i.code === 'unrecognized_keys') {
      for (const k of i.keys) out.push({ path: [...base, k].join('.'), message: 'is not a known field' });
    } else if (i.code === 'invalid_key') {
      // A record's key (platformKeys' id): the key schema's own message.
      out.push({ path: base.join('.'), message: i.issues[0]?.message ?? i.message });
    } else if (i.code === 'invalid_type' && /received undefined/.test(i.message)) {
      out.push({ path: base.join('.'), message: 'is missing' });
    } else {
      out.push({ path: base.join('.'), message: i.message });
    }
  }
  return out;
}

/** "alipay.appId: must be …" lines, for a terminal or a dialog. */
export function formatPayConfigIssues(issues: readonly PayConfigIssue[]): string[] {
  return issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
}

// ---- what the settings page sees: secrets masked -----------------------------------------------------

/** A stored secret: never its value, only that it is set and its last 4 characters. */
export const SecretMask = z.object({ set: z.literal(true), hint: z.string().max(5) });
export type SecretMask = z.infer<typeof SecretMask>;

/** not_set; set; needs_reentry: stored, but sealed with a key this till cannot open (another PC, the other mode). */
export const WalletCredentialState = z.enum(['not_set', 'set', 'needs_reentry']);
export type WalletCredentialState = z.infer<typeof WalletCredentialState>;

const MaskOrNull = SecretMask.nullable();

export const AlipayView = z.object({
  state: WalletCredentialState,
  appId: z.string().nullable(),
  endpoint: z.string().nullable(),
  privateKey: MaskOrNull,
  alipayPublicKey: MaskOrNull,
  appCert: MaskOrNull,
  alipayPublicCert: MaskOrNull,
  alipayRootCert: MaskOrNull,
});
export type AlipayView = z.infer<typeof AlipayView>;

export const WechatPayView = z.object({
  state: WalletCredentialState,
  mchId: z.string().nullable(),
  appId: z.string().nullable(),
  merchantSerialNo: z.string().nullable(),
  platformPublicKeyId: z.string().nullable(),
  baseUrl: z.string().nullable(),
  notifyUrl: z.string().nullable(),
  privateKey: MaskOrNull,
  apiV3Key: MaskOrNull,
  platformPublicKey: MaskOrNull,
  platformKeys: z.array(z.object({ id: z.string(), hint: z.string() })),
});
export type WechatPayView = z.infer<typeof WechatPayView>;

export const PaySettingsView = z.object({
  alipay: AlipayView,
  wechatpay: WechatPayView,
  /** Why a configured wallet is not offered (its adapter refused the credentials, or is not built yet). */
  problems: z.array(z.object({ wallet: PayWallet, message: z.string() })),
  /** The Demo gateway is offered only while no real wallet is set up. */
  demoOffered: z.boolean(),
});
export type PaySettingsView = z.infer<typeof PaySettingsView>;

// ---- what Settings → Payments sends: a partial update -------------------------------------------------
// Loose types (any string up to a size): the whole merged config is checked in main, with the field named.
// A secret left empty (or absent) keeps the stored one; null removes an optional field. platformKeys (several
// platform certificates at once) come only with an imported file.

const Text = z.string().max(16_384);
const Keep = Text.optional();
const KeepOrRemove = Text.nullable().optional();

export const AlipayFields = z.strictObject({
  appId: Keep,
  privateKey: Keep,
  alipayPublicKey: KeepOrRemove,
  appCert: KeepOrRemove,
  alipayPublicCert: KeepOrRemove,
  alipayRootCert: KeepOrRemove,
  endpoint: Keep,
});
export const WechatPayFields = z.strictObject({
  mchId: Keep,
  appId: Keep,
  merchantSerialNo: Keep,
  privateKey: Keep,
  apiV3Key: Keep,
  platformPublicKeyId: KeepOrRemove,
  platformPublicKey: KeepOrRemove,
  baseUrl: Keep,
  notifyUrl: Keep,
});

/**
 * Either wallet's fields in one strict object (not a union), so a wrong field is named by the API's input
 * check; main refuses the other wallet's fields with their name.
 */
export const PaySettingsSave = z.strictObject({
  wallet: PayWallet,
  fields: z.strictObject({ ...AlipayFields.shape, ...WechatPayFields.shape }),
});
export type PaySettingsSave = z.infer<typeof PaySettingsSave>;

/** "Test connection": what electron/payments/provider.ts ConnectionTest says, as the API carries it. */
export const ConnectionProblemCode = z.enum([
  'unreachable',
  'wrong_id',
  'bad_signature',
  'bad_answer_signature',
  'not_enabled',
  'clock_off',
  'other',
]);
export const ConnectionTestView = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), clockSkewSeconds: z.number().nullable() }),
  z.object({
    ok: z.literal(false),
    problem: ConnectionProblemCode,
    detail: z.string(),
    clockSkewSeconds: z.number().nullable(),
  }),
]);
export type ConnectionTestView = z.infer<typeof ConnectionTestView>;
