import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SafeStorage } from 'electron';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileSecretBox, SECRET_KEY_FILE, safeStorageSecretBox } from './secrets';

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
