// Secrets at rest (provider keys). The till uses fileSecretBox in both modes: AES-256-GCM with a random key
// in `dataDir/secret.key` (mode 0600). safeStorageSecretBox keeps secrets in the OS keychain (DPAPI,
// Keychain, libsecret) instead; it is not wired in yet, because the desktop app and the headless host share
// one data folder and the host cannot reach the keychain.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SafeStorage } from 'electron';

/** Seals and opens small secrets (PEM keys, API keys) for storage on disk. */
export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
}

export const SECRET_KEY_FILE = 'secret.key';
const FILE_PREFIX = 'gcm1:';
const SAFE_STORAGE_PREFIX = 'ss1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

function loadOrCreateKey(file: string): Buffer {
  try {
    // 'wx' fails if the file exists, so two processes starting together agree on one key.
    const key = randomBytes(32);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, key.toString('base64'), { flag: 'wx', mode: 0o600 });
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${file} is not a 32-byte key`);
  return key;
}

/** AES-256-GCM with a per-install key file; the key is created on first use. */
export function fileSecretBox(dataDir: string): SecretBox {
  const file = path.join(dataDir, SECRET_KEY_FILE);
  let key: Buffer | undefined;
  const getKey = () => {
    key ??= loadOrCreateKey(file);
    return key;
  };
  return {
    seal(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', getKey(), iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return FILE_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    },
    open(sealed) {
      if (!sealed.startsWith(FILE_PREFIX)) throw new Error('Not a sealed secret');
      const raw = Buffer.from(sealed.slice(FILE_PREFIX.length), 'base64');
      if (raw.length < IV_BYTES + TAG_BYTES) throw new Error('Sealed secret is truncated');
      const decipher = createDecipheriv('aes-256-gcm', getKey(), raw.subarray(0, IV_BYTES));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      // final() throws when the key or the data is wrong: a tampered secret never opens.
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    },
  };
}

/** Electron's safeStorage (OS keychain); only a type import here, main.ts hands in the real object. */
export function safeStorageSecretBox(safeStorage: SafeStorage): SecretBox {
  return {
    seal(plain) {
      if (!safeStorage.isEncryptionAvailable()) throw new Error('OS secret storage is not available');
      return SAFE_STORAGE_PREFIX + safeStorage.encryptString(plain).toString('base64');
    },
    open(sealed) {
      if (!sealed.startsWith(SAFE_STORAGE_PREFIX)) throw new Error('Not a sealed secret');
      return safeStorage.decryptString(Buffer.from(sealed.slice(SAFE_STORAGE_PREFIX.length), 'base64'));
    },
  };
}
