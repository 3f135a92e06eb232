// The shop's wallet credentials (shared/pay-config.ts): checked, normalised, sealed at rest, and shown to
// the settings page only masked. One sealed document in the settings table (`pay.credentials`), beside the
// names of the wallets it holds in clear, so a document sealed with a key this till cannot open (another PC,
// the other mode) still says which wallets must be entered again.
//
// Never logged, never journaled, never returned: a secret leaves this module only sealed, or in the config
// handed to a provider adapter.
import { createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import {
  type AlipayConfig,
  type AlipayView,
  formatPayConfigIssues,
  PayConfigFile,
  type PayConfigIssue,
  type PaySettingsSave,
  type PaySettingsView,
  type PayWallet,
  payConfigIssues,
  type SecretMask,
  type WechatPayConfig,
  type WechatPayView,
} from '../../shared/pay-config';
import type { SecretBox } from '../core/secrets';

export const CREDENTIALS_KEY = 'pay.credentials';
const WALLETS: readonly PayWallet[] = ['alipay', 'wechatpay'];

/** A refused config: every problem with its field. `message` is fit for a terminal. */
export class PayConfigError extends Error {
  constructor(
    readonly issues: PayConfigIssue[],
    /** The file it came from, named first in the message. */
    readonly source?: string,
  ) {
    const lines = formatPayConfigIssues(issues);
    super(source ? `${source}: ${lines.join('\n  ')}` : lines.join('; '));
    this.name = 'PayConfigError';
  }
}

// ---- PEM ---------------------------------------------------------------------------------------------------

export type PemKind = 'private' | 'public' | 'cert';

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function wrap(label: string, base64: string): string {
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** A one-line base64 DER (the Alipay key tool's output, 支付宝公钥 from the web page) as PEM. */
function derToPem(base64: string, kind: PemKind): string {
  const der = Buffer.from(base64, 'base64');
  const tries: [string, () => unknown][] =
    kind === 'private'
      ? [
          ['PRIVATE KEY', () => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })],
          ['RSA PRIVATE KEY', () => createPrivateKey({ key: der, format: 'der', type: 'pkcs1' })],
        ]
      : kind === 'public'
        ? [
            ['PUBLIC KEY', () => createPublicKey({ key: der, format: 'der', type: 'spki' })],
            ['RSA PUBLIC KEY', () => createPublicKey({ key: der, format: 'der', type: 'pkcs1' })],
            ['CERTIFICATE', () => new X509Certificate(der)],
          ]
        : [['CERTIFICATE', () => new X509Certificate(der)]];
  for (const [label, parse] of tries) {
    try {
      parse();
      return wrap(label, base64);
    } catch {
      // try the next form
    }
  }
  throw new Error(kindText(kind));
}

function kindText(kind: PemKind): string {
  if (kind === 'private') return 'is not a readable private key (PEM, or the key tool’s one-line text)';
  if (kind === 'public') return 'is not a readable public key or certificate (PEM, or one-line base64)';
  return 'is not a readable certificate (PEM)';
}

/**
 * PEM text as pasted or read from a file: Windows line ends, blocks squeezed onto one line, spaces inside
 * the body, or no header at all (one-line base64). Returns clean PEM; throws an Error saying what it is not.
 */
export function normalisePem(text: string, kind: PemKind): string {
  const trimmed = text.replace(/\\n/g, '\n').trim();
  const blocks = [...trimmed.matchAll(PEM_BLOCK)];
  if (blocks.length === 0) {
    const body = trimmed.replace(/\s+/g, '');
    if (!BASE64.test(body)) throw new Error(kindText(kind));
    return derToPem(body, kind);
  }
  return blocks
    .map(([, label, body]) => {
      const b = body.replace(/\s+/g, '');
      if (!BASE64.test(b)) throw new Error(kindText(kind));
      return wrap(label, b);
    })
    .join('');
}

function rsaOnly(key: KeyObject): KeyObject {
  if (key.asymmetricKeyType !== 'rsa') throw new Error(`is a ${key.asymmetricKeyType} key; an RSA key is needed`);
  return key;
}

/** The public key a public-key field or a certificate field holds. */
function publicKeyOf(pem: string): KeyObject {
  return /-----BEGIN CERTIFICATE-----/.test(pem) ? new X509Certificate(pem).publicKey : createPublicKey(pem);
}

export function samePublicKey(a: KeyObject, b: KeyObject): boolean {
  return a.export({ type: 'spki', format: 'der' }).equals(b.export({ type: 'spki', format: 'der' }) as Buffer);
}

// ---- checking a whole config -------------------------------------------------------------------------------

type Fields = Record<string, unknown>;

/** Normalises and parses one PEM field in place; records an issue instead of throwing. */
function pemField(section: Fields, wallet: PayWallet, field: string, kind: PemKind, issues: PayConfigIssue[]) {
  const value = section[field];
  if (typeof value !== 'string') return undefined;
  const at = `${wallet}.${field}`;
  try {
    const pem = normalisePem(value, kind);
    section[field] = pem;
    if (kind === 'private') return rsaOnly(createPrivateKey(pem));
    if (kind === 'public') return rsaOnly(publicKeyOf(pem));
    return checkCertificates(pem);
  } catch (err) {
    issues.push({ path: at, message: (err as Error).message || kindText(kind) });
    return undefined;
  }
}

/**
 * The public key of a certificate field. The 支付宝根证书 file holds several certificates, some of them SM2,
 * which OpenSSL may not read: one readable is enough, the SDK picks the RSA ones.
 */
function checkCertificates(pem: string): KeyObject {
  let first: KeyObject | undefined;
  for (const [block] of pem.matchAll(PEM_BLOCK)) {
    try {
      first ??= new X509Certificate(block).publicKey;
    } catch {
      // an SM2 or otherwise unreadable certificate among readable ones
    }
  }
  if (!first) throw new Error(kindText('cert'));
  return first;
}

function checkAlipay(a: Fields, issues: PayConfigIssue[]): void {
  const own = pemField(a, 'alipay', 'privateKey', 'private', issues);
  const ownPublic = own && createPublicKey(own);
  const provider = pemField(a, 'alipay', 'alipayPublicKey', 'public', issues);
  if (ownPublic && provider && samePublicKey(ownPublic, provider)) {
    issues.push({
      path: 'alipay.alipayPublicKey',
      message:
        'is your own app public key (应用公钥), the other half of privateKey; paste the 支付宝公钥 that 支付宝开放平台 shows beside it',
    });
  }
  const appCert = pemField(a, 'alipay', 'appCert', 'cert', issues);
  if (ownPublic && appCert && !samePublicKey(ownPublic, appCert)) {
    issues.push({ path: 'alipay.appCert', message: 'is not the certificate of this privateKey (应用公钥证书)' });
  }
  const alipayCert = pemField(a, 'alipay', 'alipayPublicCert', 'cert', issues);
  if (ownPublic && alipayCert && samePublicKey(ownPublic, alipayCert)) {
    issues.push({
      path: 'alipay.alipayPublicCert',
      message: 'is your own app certificate; use the 支付宝公钥证书 (alipayCertPublicKey_RSA2.crt)',
    });
  }
  pemField(a, 'alipay', 'alipayRootCert', 'cert', issues);
}

function checkWechat(w: Fields, issues: PayConfigIssue[]): void {
  if (typeof w.merchantSerialNo === 'string') w.merchantSerialNo = w.merchantSerialNo.toUpperCase();
  const own = pemField(w, 'wechatpay', 'privateKey', 'private', issues);
  const ownPublic = own && createPublicKey(own);
  const mine = 'is the merchant’s own key (apiclient_key / apiclient_cert), not a WeChat Pay platform key';
  const platform = pemField(w, 'wechatpay', 'platformPublicKey', 'public', issues);
  if (ownPublic && platform && samePublicKey(ownPublic, platform)) {
    issues.push({ path: 'wechatpay.platformPublicKey', message: mine });
  }
  const keys = w.platformKeys as Record<string, unknown> | undefined;
  if (keys && typeof keys === 'object') {
    for (const id of Object.keys(keys)) {
      const value = keys[id];
      if (typeof value !== 'string') continue;
      try {
        const pem = normalisePem(value, 'public');
        keys[id] = pem;
        const pub = rsaOnly(publicKeyOf(pem));
        if (ownPublic && samePublicKey(ownPublic, pub)) {
          issues.push({ path: `wechatpay.platformKeys.${id}`, message: mine });
        }
      } catch (err) {
        issues.push({ path: `wechatpay.platformKeys.${id}`, message: (err as Error).message });
      }
    }
  }
}

/**
 * The whole check: the schema (unknown fields, formats, defaults), then every key and certificate parsed,
 * one-line keys turned into PEM, and the mix-ups people make (the app's own public key pasted as the
 * provider's, the merchant's certificate among the platform keys). Throws PayConfigError naming each field.
 */
export function checkPayConfig(raw: unknown, source?: string): PayConfigFile {
  const parsed = PayConfigFile.safeParse(raw);
  if (!parsed.success) throw new PayConfigError(payConfigIssues(parsed.error), source);
  const config = structuredClone(parsed.data);
  const issues: PayConfigIssue[] = [];
  if (config.alipay) checkAlipay(config.alipay as Fields, issues);
  if (config.wechatpay) checkWechat(config.wechatpay as Fields, issues);
  if (issues.length) throw new PayConfigError(issues, source);
  return config;
}

/** The text of a config file (the API's import, the CLI's --pay-config). */
export function parsePayConfigText(text: string, source?: string): PayConfigFile {
  let raw: unknown;
  try {
    // A BOM from Windows Notepad is not part of the JSON.
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new PayConfigError([{ path: '', message: `is not JSON (${(err as Error).message})` }], source);
  }
  return checkPayConfig(raw, source);
}

/** --pay-config FILE: read and checked before anything is opened or stored. */
export function readPayConfigFile(file: string): PayConfigFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'not allowed to read it' : String(code);
    throw new PayConfigError([{ path: '', message: `cannot be read (${why})` }], `--pay-config ${file}`);
  }
  return parsePayConfigText(text, `--pay-config ${file}`);
}

// ---- masking ------------------------------------------------------------------------------------------------

/** The last 4 characters of a secret's base64 body (PEM) or of the secret itself: never more. */
export function secretHint(value: string): string {
  const bodies = [...value.matchAll(PEM_BLOCK)].map(([, , body]) => body);
  const text = (bodies.at(-1) ?? value).replace(/[\s=]+/g, '');
  return text.slice(-4);
}

function mask(value: string | undefined): SecretMask | null {
  return value ? { set: true, hint: `…${secretHint(value)}` } : null;
}

function alipayView(a: AlipayConfig | undefined, state: AlipayView['state']): AlipayView {
  return {
    state,
    appId: a?.appId ?? null,
    endpoint: a?.endpoint ?? null,
    privateKey: mask(a?.privateKey),
    alipayPublicKey: mask(a?.alipayPublicKey),
    appCert: mask(a?.appCert),
    alipayPublicCert: mask(a?.alipayPublicCert),
    alipayRootCert: mask(a?.alipayRootCert),
  };
}

function wechatView(w: WechatPayConfig | undefined, state: WechatPayView['state']): WechatPayView {
  return {
    state,
    mchId: w?.mchId ?? null,
    appId: w?.appId ?? null,
    merchantSerialNo: w?.merchantSerialNo ?? null,
    platformPublicKeyId: w?.platformPublicKeyId ?? null,
    baseUrl: w?.baseUrl ?? null,
    notifyUrl: w?.notifyUrl ?? null,
    privateKey: mask(w?.privateKey),
    apiV3Key: mask(w?.apiV3Key),
    platformPublicKey: mask(w?.platformPublicKey),
    platformKeys: Object.entries(w?.platformKeys ?? {}).map(([id, pem]) => ({ id, hint: `…${secretHint(pem)}` })),
  };
}

// ---- storage -------------------------------------------------------------------------------------------------

/** The settings table, as much of it as this module needs. */
export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
}

interface StoredCredentials {
  version: 1;
  /** The wallets the sealed document holds: readable without the key. */
  wallets: PayWallet[];
  /** Wallets whose credentials were sealed with a key this till could not open. */
  reentry: PayWallet[];
  sealed: string | null;
}

/** A partial update: '' or absent keeps the stored value; null removes an optional field. */
function merge(stored: Fields | undefined, fields: Fields): Fields {
  const out: Fields = { ...(stored ?? {}) };
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined || v === '') continue;
    if (v === null) delete out[k];
    else out[k] = typeof v === 'string' ? v.trim() : v;
  }
  return out;
}

export class PayCredentials {
  private cached: { config: PayConfigFile; reentry: PayWallet[] } | undefined;

  constructor(
    private readonly store: KeyValueStore,
    private readonly box: SecretBox,
  ) {}

  private read(): StoredCredentials | undefined {
    return this.store.get<StoredCredentials>(CREDENTIALS_KEY);
  }

  /** The usable config, and the wallets that must be entered again. Never throws for a key it cannot open. */
  load(): { config: PayConfigFile; reentry: PayWallet[] } {
    if (this.cached) return this.cached;
    const stored = this.read();
    let result: { config: PayConfigFile; reentry: PayWallet[] } = { config: {}, reentry: stored?.reentry ?? [] };
    if (stored?.sealed) {
      try {
        const config = PayConfigFile.parse(JSON.parse(this.box.open(stored.sealed)));
        result = { config, reentry: result.reentry.filter((w) => !config[w]) };
      } catch {
        // Sealed with another key, or damaged: the wallets it held ask to be entered again.
        result = { config: {}, reentry: [...new Set([...result.reentry, ...stored.wallets])] };
      }
    }
    this.cached = result;
    return result;
  }

  config(): PayConfigFile {
    return this.load().config;
  }

  /** Is any real wallet set up (or waiting to be entered again)? Then the Demo gateway is not offered. */
  hasWallet(): boolean {
    const { config, reentry } = this.load();
    return WALLETS.some((w) => config[w]) || reentry.length > 0;
  }

  private write(config: PayConfigFile, reentry: PayWallet[]): void {
    const wallets = WALLETS.filter((w) => config[w]);
    const doc: StoredCredentials = {
      version: 1,
      wallets,
      reentry: reentry.filter((w) => !config[w]),
      sealed: wallets.length ? this.box.seal(JSON.stringify(config)) : null,
    };
    this.store.set(CREDENTIALS_KEY, doc);
    this.cached = { config, reentry: doc.reentry };
  }

  /** Sections present in `incoming` replace the stored ones; the others stay. Checked before anything is stored. */
  replace(incoming: PayConfigFile): PayWallet[] {
    const checked = checkPayConfig(incoming);
    const { config, reentry } = this.load();
    const next: PayConfigFile = { ...config };
    const changed = WALLETS.filter((w) => checked[w]);
    for (const w of changed) (next as Record<string, unknown>)[w] = checked[w];
    this.write(next, reentry);
    return changed;
  }

  importText(text: string): PayWallet[] {
    return this.replace(parsePayConfigText(text));
  }

  /** A partial update of one wallet, checked as a whole (the merged wallet) before it is stored. */
  save(input: PaySettingsSave): PayWallet[] {
    const { config, reentry } = this.load();
    const merged = merge(config[input.wallet] as Fields | undefined, input.fields as Fields);
    const checked = checkPayConfig({ [input.wallet]: merged });
    this.write({ ...config, [input.wallet]: checked[input.wallet] }, reentry);
    return [input.wallet];
  }

  remove(wallet: PayWallet): PayWallet[] {
    const { config, reentry } = this.load();
    const next: PayConfigFile = { ...config };
    delete next[wallet];
    this.write(
      next,
      reentry.filter((w) => w !== wallet),
    );
    return [wallet];
  }

  view(problems: PaySettingsView['problems'], demoOffered: boolean): PaySettingsView {
    const { config, reentry } = this.load();
    const state = (w: PayWallet) => (config[w] ? 'set' : reentry.includes(w) ? 'needs_reentry' : 'not_set');
    return {
      alipay: alipayView(config.alipay, state('alipay')),
      wechatpay: wechatView(config.wechatpay, state('wechatpay')),
      problems,
      demoOffered,
    };
  }
}
