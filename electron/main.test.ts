// main.ts end to end with a stand-in electron module: flags, data-folder lock, a real till on a temp
// SQLite file, the windows, and a call over the IPC channel answered by the real router.
// The shop is one restored from another PC: its data key was sealed by another user's keychain, so the
// wallet credentials it holds cannot be opened; --pay-config brings Alipay back, WeChat Pay asks again.
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PayConfigFile } from '../shared/pay-config';
import { TEST_OWNER_PIN } from './till/test-staff';
import { LOCK_FILE } from './core/lock';
import { openDataKey, SEALED_KEY_FILE, SECRET_KEY_FILE } from './core/secrets';
import { fakeKeychain } from './core/testing';
import type { fakeElectron } from './shell/fake-electron';
import { createTill } from './till/index';

type Fake = ReturnType<typeof fakeElectron>;

const stage = vi.hoisted(() => {
  let ready!: () => void;
  const started = new Promise<void>((resolve) => {
    ready = resolve;
  });
  return {
    fake: undefined as unknown as Fake,
    started,
    ready,
    appEvents: new Map<string, () => void>(),
    paths: new Map<string, string>(),
  };
});

vi.mock('electron', async () => {
  const { fakeElectron, fakeDisplay } = await import('./shell/fake-electron');
  stage.fake = fakeElectron([fakeDisplay(1, 0), fakeDisplay(2, 1920)]);
  const e = stage.fake.electron as unknown as Record<string, object>;
  return {
    ...e,
    app: {
      ...e.app,
      getVersion: () => '9.9.9',
      getAppPath: () => path.resolve('.'),
      getPath: (name: string) => stage.paths.get(name) ?? path.join(tmpdir(), 'tillpoint-unused-userData'),
      setPath: (name: string, value: string) => stage.paths.set(name, value),
      whenReady: () => Promise.resolve(),
      on: (event: string, listener: () => void) => {
        stage.appEvents.set(event, listener);
        // will-quit is the last thing main() wires up.
        if (event === 'will-quit') stage.ready();
      },
      quit: () => {},
      exit: (code: number) => {
        throw new Error(`app.exit(${code})`);
      },
    },
    protocol: { ...e.protocol, registerSchemesAsPrivileged: () => {} },
    // This user's keychain, as fakeKeychain('me') seals (vi.mock runs before any import or function exists).
    safeStorage: {
      isEncryptionAvailable: () => true,
      encryptString: (text: string) => Buffer.concat([Buffer.from('kc:me:'), Buffer.from(text)]),
      decryptString: (b: Buffer) => {
        if (!b.subarray(0, 6).equals(Buffer.from('kc:me:'))) throw new Error('Error while decrypting the ciphertext');
        return b.subarray(6).toString();
      },
    },
    dialog: {
      showErrorBox: (title: string, message: string) => {
        throw new Error(`${title}: ${message}`);
      },
    },
  };
});

const dataDir = mkdtempSync(path.join(tmpdir(), 'tillpoint-main-'));
const argv = process.argv;
const key = () => generateKeyPairSync('rsa', { modulusLength: 1024 });
const pem = (k: ReturnType<typeof key>, part: 'privateKey' | 'publicKey') =>
  k[part].export(part === 'privateKey' ? { type: 'pkcs8', format: 'pem' } : { type: 'spki', format: 'pem' }) as string;
const [appKey, alipay, merchant, platform] = [key(), key(), key(), key()];
const CONFIG: PayConfigFile = {
  alipay: {
    appId: '2021000123456789',
    privateKey: pem(appKey, 'privateKey'),
    alipayPublicKey: pem(alipay, 'publicKey'),
    endpoint: 'http://127.0.0.1:9',
  },
  wechatpay: {
    mchId: '1900000109',
    appId: 'wx0123456789abcdef',
    merchantSerialNo: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
    privateKey: pem(merchant, 'privateKey'),
    apiV3Key: 'abcdefghijklmnopqrstuvwxyz012345',
    platformPublicKeyId: 'PUB_KEY_ID_0112345678',
    platformPublicKey: pem(platform, 'publicKey'),
    baseUrl: 'http://127.0.0.1:9/',
    notifyUrl: 'https://shop.example.cn/pay/notify',
  },
};

beforeAll(async () => {
  // The shop as another PC left it: credentials sealed with a data key only that user's keychain opens.
  const before = createTill({
    dataDir,
    mode: 'electron',
    version: 'old',
    dataKey: openDataKey({ dataDir, keychain: fakeKeychain('someone else') }),
    payConfig: CONFIG,
    env: { TILLPOINT_OWNER_PIN: TEST_OWNER_PIN },
  });
  await before.close();
  const payConfig = path.join(dataDir, '..', `${path.basename(dataDir)}-pay.json`);
  writeFileSync(payConfig, JSON.stringify({ alipay: { ...CONFIG.alipay, appId: '2021000999999999' } }));
  process.argv = ['/opt/Tillpoint/tillpoint', '--data-dir', dataDir, '--no-sandbox', '--pay-config', payConfig];
  await import('./main');
  await stage.started;
});

afterAll(() => {
  process.argv = argv;
});

describe('electron/main.ts', () => {
  it('opens the shop in --data-dir, locked, with Chromium’s profile beside it', () => {
    expect(existsSync(path.join(dataDir, 'tillpoint.db'))).toBe(true);
    expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(true);
    expect(stage.paths.get('userData')).toBe(dataDir);
  });

  it('opens the cashier and, with two monitors, the customer display from app://tillpoint', () => {
    const urls = stage.fake.windows().map((w) => w.url);
    expect(urls).toEqual(['app://tillpoint/', 'app://tillpoint/customer']);
    expect(stage.fake.windows()[0].options.webPreferences?.preload).toMatch(/preload[\\/]preload\.cjs$/);
  });

  it('answers an IPC call with the real till', async () => {
    const handler = stage.fake.ipcHandlers.get('app.info')!;
    const answer = await handler({ senderFrame: { url: 'app://tillpoint/' } }, {});
    expect(answer).toMatchObject({ ok: true, value: { version: '9.9.9', mode: 'electron', dataDir } });
  });

  it('seals the data key with the keychain, sets the unopenable one aside, and keeps no plain key', () => {
    const files = readdirSync(dataDir);
    expect(files).toContain(SEALED_KEY_FILE);
    expect(files).not.toContain(SECRET_KEY_FILE);
    expect(files.some((f) => f.startsWith(`${SEALED_KEY_FILE}.unopened-`))).toBe(true);
    expect(readFileSync(path.join(dataDir, SEALED_KEY_FILE), 'utf8')).toMatch(/^ss1:/);
  });

  it('starts although the old key cannot be opened: Alipay from --pay-config, WeChat Pay asks to be entered again', async () => {
    // Payment settings are the owner's: signed in with their PIN first.
    const unlock = stage.fake.ipcHandlers.get('staff.unlock')!;
    expect(await unlock({ senderFrame: { url: 'app://tillpoint/' } }, { pin: TEST_OWNER_PIN })).toMatchObject({
      ok: true,
    });
    const handler = stage.fake.ipcHandlers.get('paySettings.get')!;
    const answer = (await handler({ senderFrame: { url: 'app://tillpoint/' } }, {})) as {
      ok: true;
      value: { alipay: { state: string; appId: string }; wechatpay: { state: string }; demoOffered: boolean };
    };
    expect(answer).toMatchObject({
      ok: true,
      value: {
        alipay: { state: 'set', appId: '2021000999999999' },
        wechatpay: { state: 'needs_reentry' },
        demoOffered: false,
      },
    });
    expect(JSON.stringify(answer)).not.toContain(pem(appKey, 'privateKey').split('\n')[3]);
  });

  it('releases the data folder when the app quits', () => {
    stage.appEvents.get('will-quit')!();
    expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
  });
});
