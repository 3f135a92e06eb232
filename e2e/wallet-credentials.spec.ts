// Wallet credentials from `--pay-config FILE`: a broken file stops the host with one clear message that
// names the file and the field, and stores nothing; a good one shows in Settings → Payments with the ids in
// clear and the secrets only as "set · ends in …" (the page and the API never carry more of a key).
import { spawn } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { callApi } from './fixtures';
import { LOOPBACK_PAY_ARGS, newDataDir, type RunningHost, startHost } from './host';

const HOST_ENTRY = fileURLToPath(new URL('../out/host/host.mjs', import.meta.url));

const pkcs8 = (k: KeyObject) => k.export({ type: 'pkcs8', format: 'pem' }) as string;
const spki = (k: KeyObject) => k.export({ type: 'spki', format: 'pem' }) as string;
const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
const app = rsa();
const alipayKey = rsa();
const merchant = rsa();
const platform = rsa();
const API_V3_KEY = 'Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0Lm';

/** The one-line text the Alipay key tool gives for the app private key. */
const oneLine = (pem: string) => pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');

const CONFIG = {
  alipay: {
    appId: '2021000123456789',
    privateKey: oneLine(pkcs8(app.privateKey)),
    alipayPublicKey: spki(alipayKey.publicKey),
    endpoint: 'http://127.0.0.1:9/gateway.do',
  },
  wechatpay: {
    mchId: '1900000109',
    appId: 'wx0123456789abcdef',
    merchantSerialNo: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
    privateKey: pkcs8(merchant.privateKey),
    apiV3Key: API_V3_KEY,
    platformPublicKeyId: 'PUB_KEY_ID_0112345678',
    platformPublicKey: spki(platform.publicKey),
    baseUrl: 'http://127.0.0.1:9/',
    notifyUrl: 'https://shop.example.cn/pay/notify',
  },
};

/** The secrets as text runs: no 8 characters in a row of any of them may show. */
const SECRET_BODIES = [oneLine(pkcs8(app.privateKey)), oneLine(pkcs8(merchant.privateKey)), API_V3_KEY];
function expectNoSecretIn(text: string, where: string) {
  for (const body of SECRET_BODIES) {
    for (let i = 0; i + 8 <= body.length; i += 4) {
      expect(text.includes(body.slice(i, i + 8)), `${where} shows part of a secret`).toBe(false);
    }
  }
}

function writeConfig(doc: unknown): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tillpoint-e2e-paycfg-'));
  const file = path.join(dir, 'pay.json');
  writeFileSync(file, typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2));
  return file;
}

/** Runs the host until it exits on its own; resolves with its exit code and everything it printed. */
function runUntilExit(
  args: string[],
  dataDir: string,
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const proc = spawn(
    process.execPath,
    [HOST_ENTRY, '--data-dir', dataDir, '--port', '0', ...LOOPBACK_PAY_ARGS, ...args],
    {
      env: { ...process.env, TILLPOINT_KEY_DIR: `${dataDir}-keys` },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  proc.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return new Promise((resolve) => proc.on('exit', (code) => resolve({ code, stderr, stdout })));
}

test('a broken --pay-config stops the host with a message naming the file and the field; nothing is stored', async () => {
  const dataDir = newDataDir();
  const unknownField = writeConfig({ ...CONFIG, alipay: { ...CONFIG.alipay, appid: 'x' } });
  const bad = await runUntilExit(['--pay-config', unknownField], dataDir);
  expect(bad.code).not.toBe(0);
  expect(bad.stderr).toContain(`--pay-config ${unknownField}: alipay.appid: is not a known field`);
  expect(bad.stdout).not.toContain('ready at');
  // Nothing was opened or written: no database, no key.
  expect(existsSync(path.join(dataDir, 'tillpoint.db'))).toBe(false);
  expect(existsSync(`${dataDir}-keys`)).toBe(false);

  const notJson = await runUntilExit(['--pay-config', writeConfig('{"alipay": {')], dataDir);
  expect(notJson.code).not.toBe(0);
  expect(notJson.stderr).toMatch(/pay\.json: is not JSON/);

  const ownKey = writeConfig({ alipay: { ...CONFIG.alipay, alipayPublicKey: spki(app.publicKey) } });
  const mixedUp = await runUntilExit(['--pay-config', ownKey], dataDir);
  expect(mixedUp.code).not.toBe(0);
  expect(mixedUp.stderr).toContain('alipay.alipayPublicKey: is your own app public key (应用公钥)');

  const badKey = writeConfig({ wechatpay: { ...CONFIG.wechatpay, privateKey: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC' } });
  const unreadable = await runUntilExit(['--pay-config', badKey], dataDir);
  expect(unreadable.code).not.toBe(0);
  expect(unreadable.stderr).toMatch(/wechatpay\.privateKey: is not a readable private key/);
  expectNoSecretIn(bad.stderr + notJson.stderr + mixedUp.stderr + unreadable.stderr, 'stderr');
});

test.describe('a good --pay-config', () => {
  let host: RunningHost;
  test.beforeEach(async () => {
    host = await startHost({ args: [...LOOPBACK_PAY_ARGS, '--pay-config', writeConfig(CONFIG)] });
  });
  test.afterEach(async () => {
    await host.stop();
  });

  test('Settings → Payments shows the ids and the secrets only masked; Demo is no longer offered', async ({ page }) => {
    expect(host.output()).toContain('pay config: alipay, wechatpay imported');
    const view = await callApi<{
      alipay: { state: string; appId: string; privateKey: { hint: string } };
      wechatpay: { state: string; mchId: string; apiV3Key: { hint: string } };
      demoOffered: boolean;
    }>(host.url, 'paySettings.get');
    expect(view).toMatchObject({
      alipay: { state: 'set', appId: '2021000123456789', privateKey: { set: true } },
      wechatpay: { state: 'set', mchId: '1900000109', apiV3Key: { set: true, hint: '…k0Lm' } },
      demoOffered: false,
    });
    expectNoSecretIn(JSON.stringify(view), 'the API answer');

    await page.goto(host.url);
    await page.getByTestId('settings-button').click();
    const alipay = page.getByTestId('wallet-alipay');
    await expect(alipay).toHaveAttribute('data-state', 'set');
    await expect(page.getByTestId('wallet-alipay-appId')).toHaveValue('2021000123456789');
    await expect(page.getByTestId('wallet-alipay-endpoint')).toHaveValue('http://127.0.0.1:9/gateway.do');
    const hint = oneLine(pkcs8(app.privateKey)).replace(/=+$/, '').slice(-4);
    await expect(page.getByTestId('wallet-alipay-privateKey-mask')).toHaveText(`set · ends in …${hint}`);
    await expect(page.getByTestId('wallet-wechatpay-mchId')).toHaveValue('1900000109');
    await expect(page.getByTestId('wallet-wechatpay-notifyUrl')).toHaveValue('https://shop.example.cn/pay/notify');
    await expect(page.getByTestId('wallet-wechatpay-apiV3Key-mask')).toHaveText('set · ends in …k0Lm');
    await expect(page.getByTestId('wallet-wechatpay-privateKey-input')).toHaveValue('');
    await expect(page.getByTestId('settings-wallets')).toContainText('no longer offered');
    expectNoSecretIn(await page.content(), 'the page');

    // Test connection answers in plain words, never with a stack trace.
    await page.getByTestId('wallet-alipay-test').click();
    // Nothing listens at 127.0.0.1:9: Test connection says so in plain words.
    await expect(page.getByTestId('wallet-alipay-test-result')).toContainText('could not be reached');

    // A bad edit is refused with the field named and changes nothing.
    await page.getByTestId('wallet-wechatpay-notifyUrl').fill('http://shop.example.cn/notify');
    await page.getByTestId('wallet-wechatpay-save').click();
    await expect(page.getByTestId('wallet-wechatpay-refused')).toContainText(
      'wechatpay.notifyUrl: must be an https:// URL',
    );
    expect((await callApi<{ wechatpay: { notifyUrl: string } }>(host.url, 'paySettings.get')).wechatpay.notifyUrl).toBe(
      'https://shop.example.cn/pay/notify',
    );
    expectNoSecretIn(await page.content(), 'the page');
  });
});
