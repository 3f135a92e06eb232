import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SafeStorage } from 'electron';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  defaultKeyFile,
  fileSecretBox,
  KEY_DIR_ENV,
  KEYS_FOLDER,
  openDataKey,
  SEALED_KEY_FILE,
  SECRET_KEY_FILE,
  safeStorageSecretBox,
} from './secrets';
import { fakeKeychain } from './testing';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tillpoint-secrets-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('fileSecretBox', () => {
  it('round-trips, never stores the plain text, and creates a private key file on first use', () => {
    const box = fileSecretBox(dir);
    expect(fs.existsSync(path.join(dir, SECRET_KEY_FILE))).toBe(false);
    const sealed = box.seal('-----BEGIN PRIVATE KEY-----\nabc 密钥');
    expect(sealed).not.toContain('abc');
    expect(box.open(sealed)).toBe('-----BEGIN PRIVATE KEY-----\nabc 密钥');
    if (process.platform !== 'win32') {
      expect(fs.statSync(path.join(dir, SECRET_KEY_FILE)).mode & 0o777).toBe(0o600);
    }
    // Another box on the same folder (a restart) opens what the first sealed.
    expect(fileSecretBox(dir).open(sealed)).toBe('-----BEGIN PRIVATE KEY-----\nabc 密钥');
  });

  it('refuses tampered data and another install’s key', () => {
    const box = fileSecretBox(dir);
    const sealed = box.seal('secret');
    const raw = Buffer.from(sealed.slice(5), 'base64');
    raw[raw.length - 1] ^= 1;
    expect(() => box.open(`gcm1:${raw.toString('base64')}`)).toThrow();
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'tillpoint-secrets-'));
    try {
      expect(() => fileSecretBox(other).open(sealed)).toThrow();
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });
});

describe('safeStorageSecretBox', () => {
  it('uses encryptString/decryptString with base64', () => {
    const fake = {
      isEncryptionAvailable: () => true,
      encryptString: (s: string) => Buffer.from(`enc:${s}`),
      decryptString: (b: Buffer) => b.toString().replace(/^enc:/, ''),
    } as unknown as SafeStorage;
    const box = safeStorageSecretBox(fake);
    const sealed = box.seal('key');
    expect(sealed).toBe(`ss1:${Buffer.from('enc:key').toString('base64')}`);
    expect(box.open(sealed)).toBe('key');
  });
});

describe('openDataKey', () => {
  let keys: string;
  let data: string;
  beforeEach(() => {
    keys = path.join(dir, 'keys');
    data = path.join(dir, 'shop');
  });
  const env = () => ({ [KEY_DIR_ENV]: keys });

  it('host: keeps the key outside the data folder, private, and opens it again', () => {
    const first = openDataKey({ dataDir: data, env: env() });
    expect(first).toMatchObject({ state: 'created', kind: 'file', problem: null });
    expect(path.dirname(first.location)).toBe(keys);
    expect(first.location).toBe(defaultKeyFile(data, env()));
    expect(fs.readdirSync(data)).toEqual([]);
    if (process.platform !== 'win32') {
      expect(fs.statSync(first.location).mode & 0o777).toBe(0o600);
      expect(fs.statSync(keys).mode & 0o777).toBe(0o700);
    }
    const sealed = first.box.seal('pem');
    const again = openDataKey({ dataDir: data, env: env() });
    expect(again.state).toBe('ok');
    expect(again.box.open(sealed)).toBe('pem');
  });

  it('default place: <config>/Tillpoint Keys, one file per data folder', () => {
    const a = defaultKeyFile('/srv/shop-a', {}, 'linux', '/home/u');
    const b = defaultKeyFile('/srv/shop-b', {}, 'linux', '/home/u');
    expect(path.dirname(a)).toBe(path.join('/home/u/.config', KEYS_FOLDER));
    expect(a).not.toBe(b);
    expect(a).toMatch(/[0-9a-f]{16}\.key$/);
  });

  it('--key-file is used as given, never inside the data folder', () => {
    const file = path.join(dir, 'elsewhere', 'till.key');
    expect(openDataKey({ dataDir: data, keyFile: file, env: env() }).location).toBe(file);
    expect(fs.existsSync(file)).toBe(true);
    expect(() => openDataKey({ dataDir: data, keyFile: path.join(data, 'k.key'), env: env() })).toThrow(
      /must not be inside the data folder/,
    );
  });

  it('host: moves a legacy dataDir/secret.key out of the data folder; what it sealed still opens', () => {
    const sealed = fileSecretBox(data).seal('old secret');
    const key = openDataKey({ dataDir: data, env: env() });
    expect(key.state).toBe('migrated');
    expect(fs.existsSync(path.join(data, SECRET_KEY_FILE))).toBe(false);
    expect(key.box.open(sealed)).toBe('old secret');
  });

  it('a crash after the copy and before the removal loses nothing: the next start finishes the move', () => {
    const sealed = fileSecretBox(data).seal('old secret');
    const legacy = fs.readFileSync(path.join(data, SECRET_KEY_FILE));
    openDataKey({ dataDir: data, env: env() });
    // Put the legacy file back as if the process had died before removing it.
    fs.writeFileSync(path.join(data, SECRET_KEY_FILE), legacy);
    const key = openDataKey({ dataDir: data, env: env() });
    expect(key.state).toBe('ok');
    expect(fs.existsSync(path.join(data, SECRET_KEY_FILE))).toBe(false);
    expect(key.box.open(sealed)).toBe('old secret');
  });

  it('desktop: the key is sealed with the keychain in the data folder; no plain key anywhere', () => {
    const kc = fakeKeychain();
    const first = openDataKey({ dataDir: data, keychain: kc, env: env() });
    expect(first).toMatchObject({ state: 'created', kind: 'keychain' });
    expect(fs.readdirSync(data)).toEqual([SEALED_KEY_FILE]);
    expect(fs.existsSync(keys)).toBe(false);
    const sealed = first.box.seal('pem');
    expect(openDataKey({ dataDir: data, keychain: kc, env: env() }).box.open(sealed)).toBe('pem');
  });

  it('desktop: migrates the legacy key into the keychain', () => {
    const sealed = fileSecretBox(data).seal('old secret');
    const key = openDataKey({ dataDir: data, keychain: fakeKeychain(), env: env() });
    expect(key.state).toBe('migrated');
    expect(fs.readdirSync(data)).toEqual([SEALED_KEY_FILE]);
    expect(key.box.open(sealed)).toBe('old secret');
  });

  it('another user’s (another PC’s) sealed key: set aside, a new key, what the old one sealed no longer opens', () => {
    const theirs = openDataKey({ dataDir: data, keychain: fakeKeychain('them'), env: env() });
    const sealed = theirs.box.seal('pem');
    const mine = openDataKey({ dataDir: data, keychain: fakeKeychain('me'), env: env() });
    expect(mine.state).toBe('replaced');
    expect(mine.problem).toMatch(/cannot be opened/);
    expect(() => mine.box.open(sealed)).toThrow();
    expect(fs.readdirSync(data).some((f) => f.startsWith(`${SEALED_KEY_FILE}.unopened-`))).toBe(true);
    // The new key is kept: the next start opens it.
    expect(openDataKey({ dataDir: data, keychain: fakeKeychain('me'), env: env() }).state).toBe('ok');
  });

  it('the host on a folder the desktop sealed: a key of its own, reported as replaced', () => {
    openDataKey({ dataDir: data, keychain: fakeKeychain(), env: env() });
    const host = openDataKey({ dataDir: data, env: env() });
    expect(host).toMatchObject({ state: 'replaced', kind: 'file' });
    expect(openDataKey({ dataDir: data, env: env() }).state).toBe('ok');
  });

  it('a desktop without a keychain (Linux without a secret service) uses the key file', () => {
    expect(openDataKey({ dataDir: data, keychain: fakeKeychain('me', false), env: env() }).kind).toBe('file');
  });
});
