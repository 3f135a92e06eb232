import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PayConfigFile } from '../../shared/pay-config';
import type { SecretBox } from '../core/secrets';
import { fileSecretBox } from '../core/secrets';
import {
  CREDENTIALS_KEY,
  checkPayConfig,
  type KeyValueStore,
  normalisePem,
  PayConfigError,
  PayCredentials,
  parsePayConfigText,
  readPayConfigFile,
  secretHint,
} from './credentials';

/** A self-signed test certificate (public only; its key is not kept anywhere). */
const TEST_CERT = `
-----BEGIN CERTIFICATE-----
MIICKDCCAZGgAwIBAgIUJkfL/sJHIBpsoN4pS/qxnuJ5WugwDQYJKoZIhvcNAQEL
BQAwJTEjMCEGA1UEAwwaVGlsbHBvaW50IHRlc3QgY2VydGlmaWNhdGUwIBcNMjYx
MjA0MTczODM3WhgPMjEyNjExMTAxNzM4MzdaMCUxIzAhBgNVBAMMGlRpbGxwb2lu
dCB0ZXN0IGNlcnRpZmljYXRlMIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC7
NkS3AK2N4dY4mu6x1wFDxhdaUeruyvrkCZt0AtEKzxHRU7jGEZTvbbyLibz5EUex
wYexN8CGY77h1nlPdRX6KHGofTIERgcd1CTJcwRLgDI8KRzbi2w/Qr1G5e5Ecx5E
08etZa3S/qtLlNkbqIDQUO3c4mYH6I37cIUVm9Z9zQIDAQABo1MwUTAdBgNVHQ4E
FgQU/UXJLljSNjUXeDQlvpZPqDLFhhEwHwYDVR0jBBgwFoAU/UXJLljSNjUXeDQl
vpZPqDLFhhEwDwYDVR0TAQH/BAUwAwEB/zANBgkqhkiG9w0BAQsFAAOBgQBf6tO9
Bry/TreUsvT8qIoyg0Kmkthvr//GG3b0GQ4d78i3BPF6Dte5Rhc9sEjR2VOPvPju
SIX1EN2pi60fqVb7uox34Nh3mRSq/H2WaihLHhxnbhTH7ff+KRfg8CwAiKiqx2v4
QZF28dUTvU1SH/DcRpc5HPoPHPtBavG+pJmVbg==
-----END CERTIFICATE-----
`;

function rsa(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: 1024 });
}
const pkcs8 = (k: KeyObject) => k.export({ type: 'pkcs8', format: 'pem' }) as string;
const spki = (k: KeyObject) => k.export({ type: 'spki', format: 'pem' }) as string;
/** The Alipay key tool's output: the base64 body on one line, no header. */
const oneLine = (pem: string) => pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');

const app = rsa();
const alipayKey = rsa();
const merchant = rsa();
const platform = rsa();

function goodConfig(): PayConfigFile {
  return {
    alipay: {
      appId: '2021000123456789',
      privateKey: oneLine(pkcs8(app.privateKey)),
      alipayPublicKey: oneLine(spki(alipayKey.publicKey)),
      endpoint: 'http://127.0.0.1:9',
    },
    wechatpay: {
      mchId: '1900000109',
      appId: 'wx0123456789abcdef',
      merchantSerialNo: '5157f09efdc096de15ebe81a47057a7232f1b8e1',
      privateKey: pkcs8(merchant.privateKey),
      apiV3Key: 'abcdefghijklmnopqrstuvwxyz012345',
      platformPublicKeyId: 'PUB_KEY_ID_0112345678',
      platformPublicKey: spki(platform.publicKey),
      baseUrl: 'http://127.0.0.1:9/',
      notifyUrl: 'https://shop.example.cn/pay/notify',
    },
  };
}

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof PayConfigError) return err.issues.map((i) => `${i.path}: ${i.message}`);
    throw err;
  }
  return [];
}

function memoryStore(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    get: <T>(k: string) => (data.has(k) ? (JSON.parse(data.get(k)!) as T) : undefined),
    set: (k, v) => data.set(k, JSON.stringify(v)),
  };
}

function tempBox(): SecretBox {
  return fileSecretBox(fs.mkdtempSync(path.join(os.tmpdir(), 'tillpoint-creds-')));
}

describe('normalisePem', () => {
  it('turns the key tool’s one-line keys (PKCS#8 and PKCS#1) into PEM', () => {
    const p8 = normalisePem(oneLine(pkcs8(app.privateKey)), 'private');
    expect(p8).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const p1 = normalisePem(oneLine(app.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string), 'private');
    expect(p1).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    expect(normalisePem(oneLine(spki(alipayKey.publicKey)), 'public')).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
  });

  it('mends Windows line ends, blocks squeezed on one line and escaped \\n', () => {
    const pem = pkcs8(app.privateKey);
    expect(normalisePem(pem.replace(/\n/g, '\r\n'), 'private')).toBe(pem);
    expect(normalisePem(pem.replace(/\n/g, ' '), 'private')).toBe(pem);
    expect(normalisePem(pem.replace(/\n/g, '\\n'), 'private')).toBe(pem);
  });

  it('says what a paste is not', () => {
    expect(() => normalisePem('hello world!', 'private')).toThrow(/not a readable private key/);
    expect(() => normalisePem('QUJD', 'public')).toThrow(/not a readable public key/);
  });
});

describe('checkPayConfig', () => {
  it('takes a good config, PEMs normalised and the serial in capitals', () => {
    const c = checkPayConfig(goodConfig());
    expect(c.alipay?.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(c.alipay?.alipayPublicKey).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(c.wechatpay?.merchantSerialNo).toBe('5157F09EFDC096DE15EBE81A47057A7232F1B8E1');
  });

  it('refuses the app’s own public key pasted as the 支付宝公钥', () => {
    const c = goodConfig();
    c.alipay!.alipayPublicKey = spki(app.publicKey);
    expect(issuesOf(() => checkPayConfig(c))).toEqual([
      expect.stringMatching(/^alipay\.alipayPublicKey: is your own app public key \(应用公钥\)/),
    ]);
  });

  it('names every key it cannot read, and a key that is not RSA', () => {
    const c = goodConfig();
    c.alipay!.privateKey = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ';
    c.wechatpay!.platformPublicKey = spki(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey);
    expect(issuesOf(() => checkPayConfig(c))).toEqual([
      expect.stringMatching(/^alipay\.privateKey: is not a readable private key/),
      'wechatpay.platformPublicKey: is a ec key; an RSA key is needed',
    ]);
  });

  it('refuses the merchant’s own key among the WeChat Pay platform keys', () => {
    const c = goodConfig();
    c.wechatpay!.platformPublicKey = spki(merchant.publicKey);
    c.wechatpay!.platformKeys = { '5157F09EFDC096DE15EB': spki(merchant.publicKey) };
    expect(issuesOf(() => checkPayConfig(c))).toEqual([
      expect.stringMatching(/^wechatpay\.platformPublicKey: is the merchant’s own key/),
      expect.stringMatching(/^wechatpay\.platformKeys\.5157F09EFDC096DE15EB: is the merchant’s own key/),
    ]);
  });

  it('certificate mode: reads the certificates (a root file with an unreadable block too), checks the app cert', () => {
    const c = goodConfig();
    c.alipay = {
      ...c.alipay!,
      alipayPublicKey: undefined,
      appCert: TEST_CERT,
      alipayPublicCert: TEST_CERT,
      alipayRootCert: `${TEST_CERT}\n-----BEGIN CERTIFICATE-----\nMIIBszCCAVegAwIBAgIIaeL\n-----END CERTIFICATE-----\n`,
    };
    // The test certificate is not the app key's: refused with the field named; the rest is read.
    expect(issuesOf(() => checkPayConfig(c))).toEqual([
      'alipay.appCert: is not the certificate of this privateKey (应用公钥证书)',
    ]);
    c.alipay.alipayRootCert = 'not a certificate';
    expect(issuesOf(() => checkPayConfig(c))).toContain('alipay.alipayRootCert: is not a readable certificate (PEM)');
  });

  it('the schema’s refusals come first, with their fields', () => {
    expect(issuesOf(() => checkPayConfig({ alipay: { ...goodConfig().alipay, appId: '1', extra: 1 } }))).toEqual([
      'alipay.appId: must be the 16-digit APPID from 支付宝开放平台',
      'alipay.extra: is not a known field',
    ]);
  });
});

describe('config files', () => {
  it('names the file and what is wrong: not JSON, unreadable, a bad field', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tillpoint-paycfg-'));
    const file = path.join(dir, 'pay.json');
    fs.writeFileSync(file, '{"alipay": ');
    expect(() => readPayConfigFile(file)).toThrow(new RegExp(`^--pay-config ${file}: is not JSON`));
    expect(() => readPayConfigFile(path.join(dir, 'missing.json'))).toThrow(/cannot be read \(no such file\)/);
    fs.writeFileSync(file, JSON.stringify({ wechatpay: { ...goodConfig().wechatpay, apiV3Key: 'x' } }));
    expect(() => readPayConfigFile(file)).toThrow(/wechatpay\.apiV3Key: must be exactly 32/);
    fs.writeFileSync(file, `\uFEFF${JSON.stringify(goodConfig())}`);
    expect(readPayConfigFile(file).alipay?.appId).toBe('2021000123456789');
  });
});

describe('PayCredentials', () => {
  it('stores the config sealed; the view shows the ids and only the last 4 characters of each secret', () => {
    const store = memoryStore();
    const creds = new PayCredentials(store, tempBox());
    expect(creds.replace(goodConfig())).toEqual(['alipay', 'wechatpay']);
    const raw = store.data.get(CREDENTIALS_KEY)!;
    expect(raw).not.toContain('PRIVATE');
    expect(raw).not.toContain('abcdefghijklmnop');
    expect(JSON.parse(raw)).toMatchObject({ version: 1, wallets: ['alipay', 'wechatpay'], reentry: [] });

    const view = creds.view([], false);
    expect(view.alipay).toMatchObject({ state: 'set', appId: '2021000123456789', endpoint: 'http://127.0.0.1:9' });
    expect(view.wechatpay).toMatchObject({
      state: 'set',
      mchId: '1900000109',
      merchantSerialNo: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
      platformPublicKeyId: 'PUB_KEY_ID_0112345678',
      notifyUrl: 'https://shop.example.cn/pay/notify',
      apiV3Key: { set: true, hint: '…2345' },
    });
    const privateBody = oneLine(pkcs8(app.privateKey)).replace(/=+$/, '');
    expect(view.alipay.privateKey).toEqual({ set: true, hint: `…${privateBody.slice(-4)}` });
    // No 8 characters in a row of any secret reach the view.
    const text = JSON.stringify(view);
    for (const secret of [
      oneLine(pkcs8(app.privateKey)),
      oneLine(pkcs8(merchant.privateKey)),
      'abcdefghijklmnopqrstuvwxyz012345',
    ]) {
      for (let i = 0; i + 8 <= secret.length; i += 4) expect(text).not.toContain(secret.slice(i, i + 8));
    }
    // Another instance on the same store and box (a restart) reads it back.
    expect(creds.config().alipay?.appId).toBe('2021000123456789');
  });

  it('a partial save: empty secrets keep the stored ones, null removes, a bad value changes nothing', () => {
    const store = memoryStore();
    const box = tempBox();
    const creds = new PayCredentials(store, box);
    creds.replace(goodConfig());
    creds.save({ wallet: 'wechatpay', fields: { mchId: ' 1900000110 ', privateKey: '', apiV3Key: '' } });
    const again = new PayCredentials(store, box);
    expect(again.config().wechatpay).toMatchObject({
      mchId: '1900000110',
      apiV3Key: 'abcdefghijklmnopqrstuvwxyz012345',
    });

    const before = store.data.get(CREDENTIALS_KEY);
    expect(issuesOf(() => again.save({ wallet: 'wechatpay', fields: { platformPublicKey: null } }))).toEqual([
      'wechatpay.platformPublicKey: is needed (or platformKeys with the platform certificates)',
      'wechatpay.platformPublicKeyId: platformPublicKeyId and platformPublicKey go together',
    ]);
    expect(store.data.get(CREDENTIALS_KEY)).toBe(before);
    expect(again.config().wechatpay?.platformPublicKey).toBeDefined();
  });

  it('a first save needs every required field', () => {
    const creds = new PayCredentials(memoryStore(), tempBox());
    expect(issuesOf(() => creds.save({ wallet: 'alipay', fields: { appId: '2021000123456789' } }))).toEqual([
      'alipay.privateKey: is missing',
    ]);
    expect(creds.view([], true).alipay.state).toBe('not_set');
    // Another wallet's field sent for this one is named, not ignored.
    creds.replace({ alipay: goodConfig().alipay });
    expect(issuesOf(() => creds.save({ wallet: 'alipay', fields: { mchId: '1900000109' } }))).toEqual([
      'alipay.mchId: is not a known field',
    ]);
  });

  it('import replaces the sections it has and keeps the others; remove forgets one wallet', () => {
    const creds = new PayCredentials(memoryStore(), tempBox());
    creds.replace(goodConfig());
    const { alipay } = goodConfig();
    expect(creds.importText(JSON.stringify({ alipay: { ...alipay, appId: '2021000999999999' } }))).toEqual(['alipay']);
    expect(creds.config().alipay?.appId).toBe('2021000999999999');
    expect(creds.config().wechatpay?.mchId).toBe('1900000109');
    expect(issuesOf(() => creds.importText('{"alipay":{"appId":"1"}, "paypal":1}'))).toContain(
      'paypal: is not a known field',
    );
    creds.remove('alipay');
    expect(creds.view([], false)).toMatchObject({
      alipay: { state: 'not_set', appId: null },
      wechatpay: { state: 'set' },
    });
    expect(creds.hasWallet()).toBe(true);
    creds.remove('wechatpay');
    expect(creds.hasWallet()).toBe(false);
  });

  it('sealed with a key this till cannot open: the wallets ask to be entered again, nothing throws', () => {
    const store = memoryStore();
    new PayCredentials(store, tempBox()).replace(goodConfig());
    const other = new PayCredentials(store, tempBox());
    expect(other.config()).toEqual({});
    expect(other.hasWallet()).toBe(true);
    expect(other.view([], false)).toMatchObject({
      alipay: { state: 'needs_reentry', appId: null, privateKey: null },
      wechatpay: { state: 'needs_reentry' },
    });
    // Entering one wallet again: that one is set, the other still asks.
    other.replace({ alipay: goodConfig().alipay });
    expect(other.view([], false)).toMatchObject({ alipay: { state: 'set' }, wechatpay: { state: 'needs_reentry' } });
    other.remove('wechatpay');
    expect(other.view([], false).wechatpay.state).toBe('not_set');
  });

  it('secretHint: the last 4 of the base64 body, padding left out', () => {
    expect(secretHint('-----BEGIN X-----\nAAAA\nBBCD1a2b==\n-----END X-----\n')).toBe('1a2b');
    expect(secretHint('abcdefghijklmnopqrstuvwxyz012345')).toBe('2345');
  });
});

describe('parsePayConfigText', () => {
  it('an empty document is a valid config with no wallets', () => {
    expect(parsePayConfigText('{}')).toEqual({});
  });
});
