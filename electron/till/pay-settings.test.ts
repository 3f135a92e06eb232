// Settings → Payments through the till's handlers: the wallets' credentials stored sealed, shown masked,
// handed to the engine as providers (the Demo gateway no longer offered), and a data key that cannot open
// them leaves the till working with the wallets asking to be entered again.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PayConfigFile } from '../../shared/pay-config';
import { openDataKey } from '../core/secrets';
import { CREDENTIALS_KEY } from '../payments/credentials';
import type { ConnectionTest } from '../payments/provider';
import type { WalletFactories } from '../payments/providers/registry';
import { startAlipayMock } from '../payments/providers/alipay/mock';
import { startWechatPayMock } from '../payments/providers/wechat/mock';
import { ScriptedProvider } from '../payments/testing';
import { openTestTill, refusal, type TestTill, tempDataDir } from './testing';

const tills: TestTill[] = [];
afterEach(async () => {
  for (const t of tills.splice(0)) await t.close();
});

const pem = (k: KeyObject, type: 'pkcs8' | 'spki') => k.export({ type, format: 'pem' }) as string;
const app = generateKeyPairSync('rsa', { modulusLength: 1024 });
const alipayKey = generateKeyPairSync('rsa', { modulusLength: 1024 });
const merchant = generateKeyPairSync('rsa', { modulusLength: 1024 });
const platform = generateKeyPairSync('rsa', { modulusLength: 1024 });
const SECRETS = [pem(app.privateKey, 'pkcs8'), pem(merchant.privateKey, 'pkcs8'), 'abcdefghijklmnopqrstuvwxyz012345'];

const CONFIG: PayConfigFile = {
  alipay: {
    appId: '2021000123456789',
    privateKey: pem(app.privateKey, 'pkcs8'),
    alipayPublicKey: pem(alipayKey.publicKey, 'spki'),
    endpoint: 'http://127.0.0.1:9',
  },
  wechatpay: {
    mchId: '1900000109',
    appId: 'wx0123456789abcdef',
    merchantSerialNo: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
    privateKey: pem(merchant.privateKey, 'pkcs8'),
    apiV3Key: 'abcdefghijklmnopqrstuvwxyz012345',
    platformPublicKeyId: 'PUB_KEY_ID_0112345678',
    platformPublicKey: pem(platform.publicKey, 'spki'),
    baseUrl: 'http://127.0.0.1:9/',
    notifyUrl: 'https://shop.example.cn/pay/notify',
  },
};

/** No 8 characters in a row of any secret's body appear in `text`. */
function expectNoSecretIn(text: string) {
  for (const secret of SECRETS) {
    const body = secret.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    for (let i = 0; i + 8 <= body.length; i += 4) expect(text).not.toContain(body.slice(i, i + 8));
  }
}

/** Stand-in adapters: a scripted provider per wallet, remembering the config it was made with. */
function fakeWallets(test?: ConnectionTest) {
  const made: { wallet: string; appId: string }[] = [];
  const factories: WalletFactories = {
    alipay: ({ config }) => {
      made.push({ wallet: 'alipay', appId: config.appId });
      const p = new ScriptedProvider({ id: 'alipay', isDemo: false, wallets: ['alipay'] });
      return Object.assign(p, test ? { testConnection: async () => test } : {});
    },
    wechatpay: ({ config }) => {
      made.push({ wallet: 'wechatpay', appId: config.appId });
      return new ScriptedProvider({ id: 'wechat', isDemo: false, wallets: ['wechat'] });
    },
  };
  return { factories, made };
}

function till(opts: Parameters<typeof openTestTill>[0] = {}) {
  const t = openTestTill({
    ...opts,
    payments: { provider: new ScriptedProvider({ id: 'demo' }), notify: false, ...opts.payments },
  });
  tills.push(t);
  return t;
}

async function qrProvider(t: TestTill) {
  await t.call('cart.scan', { barcode: '2000001000007' });
  return (await t.call('pay.options', {})).options.find((o) => o.method === 'qr');
}

describe('Settings → Payments', () => {
  it('without wallets: nothing set, the Demo gateway offered', async () => {
    const t = till();
    await t.start();
    const view = await t.call('paySettings.get', {});
    expect(view).toMatchObject({ alipay: { state: 'not_set' }, wechatpay: { state: 'not_set' }, demoOffered: true });
    expect(await qrProvider(t)).toMatchObject({ available: true, provider: 'demo' });
  });

  it('an import sets both wallets up: masked view, the wallet offered instead of Demo, nothing secret journaled', async () => {
    const { factories, made } = fakeWallets();
    const t = till({ payments: { wallets: { factories } } });
    await t.start();
    const view = await t.call('paySettings.import', { json: JSON.stringify(CONFIG) });
    expect(view).toMatchObject({
      alipay: { state: 'set', appId: '2021000123456789', privateKey: { set: true } },
      wechatpay: { state: 'set', mchId: '1900000109', apiV3Key: { set: true, hint: '…2345' } },
      demoOffered: false,
      problems: [],
    });
    expectNoSecretIn(JSON.stringify(view));
    expect(made.map((m) => m.wallet)).toEqual(['alipay', 'wechatpay']);
    expect(t.payments()).toMatchObject({ kind: 'wallets', wallets: ['alipay', 'wechat'] });
    expect(await qrProvider(t)).toMatchObject({ provider: 'alipay', isDemo: false });

    const journal = JSON.stringify(t.db.prepare('SELECT * FROM journal').all());
    expect(journal).toContain('payCredentials');
    expectNoSecretIn(journal);
    const stored = JSON.stringify(t.db.prepare('SELECT * FROM settings').all());
    expect(stored).toContain(CREDENTIALS_KEY);
    expectNoSecretIn(stored);
    expect(stored).not.toContain('2021000123456789');
  });

  it('a save refused names the field and changes nothing; an empty secret keeps the stored one', async () => {
    const { factories } = fakeWallets();
    const t = till({ payments: { wallets: { factories } }, payConfig: CONFIG });
    await t.start();
    const err = await refusal(t.call('paySettings.save', { wallet: 'alipay', fields: { appId: '123' } }));
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.message).toMatch(/alipay\.appId: must be the 16-digit APPID/);
    expect(err.params).toEqual({ fields: 'alipay.appId' });
    expect((await t.call('paySettings.get', {})).alipay.appId).toBe('2021000123456789');

    const view = await t.call('paySettings.save', {
      wallet: 'alipay',
      fields: { appId: '2021000999999999', privateKey: '', alipayPublicKey: '' },
    });
    expect(view.alipay).toMatchObject({ state: 'set', appId: '2021000999999999', privateKey: { set: true } });
  });

  it('with both wallets set up against their mocks: both offered side by side, Demo not offered, Test connection passes', async () => {
    const alipay = await startAlipayMock();
    const wechat = await startWechatPayMock();
    try {
      const t = till({ payConfig: { alipay: alipay.config(), wechatpay: wechat.config() } });
      await t.start();
      const view = await t.call('paySettings.get', {});
      expect(view.problems).toEqual([]);
      expect(view.demoOffered).toBe(false);
      expect(t.payments()).toMatchObject({ kind: 'wallets', wallets: ['alipay', 'wechat'] });
      await t.call('cart.scan', { barcode: '2000001000007' });
      const options = await t.call('pay.options', {});
      expect(options.wallets.map((w) => [w.provider, w.available])).toEqual([
        ['alipay', true],
        ['wechat', true],
      ]);
      expect(await t.call('paySettings.test', { wallet: 'alipay' })).toMatchObject({ ok: true });
      expect(await t.call('paySettings.test', { wallet: 'wechatpay' })).toMatchObject({ ok: true });
    } finally {
      await alipay.stop();
      await wechat.stop();
    }
  });

  it('a wallet whose provider cannot be reached is offered as unreachable, and Test connection says so', async () => {
    const t = till({ payConfig: CONFIG });
    await t.start();
    expect((await t.call('paySettings.get', {})).problems).toEqual([]);
    expect(await qrProvider(t)).toMatchObject({ available: false });
    expect(await t.call('paySettings.test', { wallet: 'alipay' })).toMatchObject({ ok: false, problem: 'unreachable' });
  });

  it('Test connection answers what the adapter found', async () => {
    const found: ConnectionTest = { ok: false, problem: 'clock_off', detail: 'off by 90 s', clockSkewSeconds: 90 };
    const { factories } = fakeWallets(found);
    const t = till({ payments: { wallets: { factories } }, payConfig: CONFIG });
    await t.start();
    expect(await t.call('paySettings.test', { wallet: 'alipay' })).toEqual(found);
    // The stand-in WeChat adapter cannot test: said plainly, not thrown.
    expect(await t.call('paySettings.test', { wallet: 'wechatpay' })).toMatchObject({ ok: false, problem: 'other' });
  });

  it('removing the last wallet offers the Demo gateway again', async () => {
    const { factories } = fakeWallets();
    const t = till({ payments: { wallets: { factories } }, payConfig: { alipay: CONFIG.alipay } });
    await t.start();
    expect(t.payments().kind).toBe('wallets');
    const view = await t.call('paySettings.remove', { wallet: 'alipay' });
    expect(view).toMatchObject({ alipay: { state: 'not_set' }, demoOffered: true });
    expect(await qrProvider(t)).toMatchObject({ provider: 'demo' });
  });

  it('a data key that cannot open the stored credentials: the till starts, the wallets ask to be entered again', async () => {
    const dataDir = tempDataDir();
    const keyDir = tempDataDir('tillpoint-keys-');
    const first = openTestTill({
      dataDir,
      dataKey: openDataKey({ dataDir, keyFile: path.join(keyDir, 'a.key') }),
      payConfig: CONFIG,
      payments: { notify: false, provider: new ScriptedProvider({ id: 'demo' }) },
    });
    await first.close();
    // Another PC after a restore: the data folder, not its key.
    const t = till({ dataDir, dataKey: openDataKey({ dataDir, keyFile: path.join(keyDir, 'b.key') }) });
    await t.start();
    const view = await t.call('paySettings.get', {});
    expect(view).toMatchObject({
      alipay: { state: 'needs_reentry', appId: null },
      wechatpay: { state: 'needs_reentry' },
      demoOffered: false,
    });
    expect(t.payments().problem).toMatch(/entered again/);
    // Cash still works.
    await t.call('cart.scan', { barcode: '2000001000007' });
    expect((await t.call('checkout.cash', { tenderedMinor: 2000 })).changeMinor).toBe(200);
    expect(fs.existsSync(path.join(dataDir, 'secret.key'))).toBe(false);
  });
});
