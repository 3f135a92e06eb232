// Secrets at rest (provider keys, wallet credentials): AES-256-GCM with one 32-byte data key per shop.
// Where that key lives decides who can open the secrets, and it is never the data folder itself, so a copy
// of the data folder (a backup, a USB stick) does not carry what opens it:
// - desktop: the key is sealed with the OS keychain (Electron safeStorage: DPAPI, Keychain, libsecret) in
//   `dataDir/secret.key.sealed`; only this user on this PC can unseal it.
// - headless host (and a desktop without a keychain): a key file outside the data folder, by default
//   `<config>/Tillpoint Keys/<hash of the data folder>.key` (0600, folder 0700), or --key-file.
// An older install's `dataDir/secret.key` is moved to its place on the next start. A key that cannot be
// opened (the other mode's, another PC's after a restore) is set aside and a new one made: the till starts
// and whatever was sealed with the old key reads as "enter it again".
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SafeStorage } from 'electron';
import { defaultDataDir } from './paths';

/** Seals and opens small secrets (PEM keys, API keys) for storage on disk. */
export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
  /** 32 bytes derived from the data key for one purpose (HKDF-SHA256, `info` names it); absent: no key here. */
  derive?(info: string): Buffer;
}

/** The legacy key file inside the data folder (before keys moved out of it). */
export const SECRET_KEY_FILE = 'secret.key';
/** Desktop: the data key sealed with the OS keychain. */
export const SEALED_KEY_FILE = 'secret.key.sealed';
export const KEYS_FOLDER = 'Tillpoint Keys';
/** Tests and portable setups: the folder for host key files instead of `<config>/Tillpoint Keys`. */
export const KEY_DIR_ENV = 'TILLPOINT_KEY_DIR';
const FILE_PREFIX = 'gcm1:';
const SAFE_STORAGE_PREFIX = 'ss1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/** The part of Electron's safeStorage we use (the fake electron in tests implements just this). */
export type KeychainLike = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'>;

function loadOrCreateKey(file: string): Buffer {
  try {
    // 'wx' fails if the file exists, so two processes starting together agree on one key.
    const key = randomBytes(KEY_BYTES);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, key.toString('base64'), { flag: 'wx', mode: 0o600 });
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return readKeyFile(file);
}

/** HKDF-SHA256 of a data key: 32 bytes for one purpose, never the key itself. */
export function deriveFromKey(key: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), info, KEY_BYTES));
}

export function readKeyFile(file: string): Buffer {
  const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== KEY_BYTES) throw new Error(`${file} is not a 32-byte key`);
  return key;
}

/** AES-256-GCM with the key `getKey` gives (asked for on first use). */
function keySecretBox(getKey: () => Buffer): SecretBox {
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
    derive: (info) => deriveFromKey(getKey(), info),
  };
}

/**
 * AES-256-GCM with a key file in the data folder, created on first use. Tests and tools only: the till
 * itself opens its key with openDataKey, which keeps the key out of the data folder.
 */
export function fileSecretBox(dataDir: string): SecretBox {
  const file = path.join(dataDir, SECRET_KEY_FILE);
  let key: Buffer | undefined;
  return keySecretBox(() => {
    key ??= loadOrCreateKey(file);
    return key;
  });
}

/** Electron's safeStorage (OS keychain); only a type import here, main.ts hands in the real object. */
export function safeStorageSecretBox(safeStorage: KeychainLike): SecretBox {
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

// ---- the till's data key ---------------------------------------------------------------------------------

export interface DataKeyOptions {
  dataDir: string;
  /** Desktop: Electron's safeStorage. Absent, or without encryption available: a key file. */
  keychain?: KeychainLike | null;
  /** --key-file: the host's key file (default: see defaultKeyFile). */
  keyFile?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
}

/**
 * ok: opened. created: none existed, a new one was made. migrated: the legacy `dataDir/secret.key` moved
 * to its new place. replaced: the key there could not be opened (another mode's or another PC's): it was
 * set aside and a new one made, so what it sealed must be entered again.
 */
export type DataKeyState = 'ok' | 'created' | 'migrated' | 'replaced';

export interface DataKey {
  box: SecretBox;
  state: DataKeyState;
  /** 'keychain' (sealed file in the data folder) or 'file' (a key file outside it). */
  kind: 'keychain' | 'file';
  /** Where the key (or the sealed key) is stored. */
  location: string;
  /** Why the key was replaced; no secret in it. */
  problem: string | null;
}

/** `<config>/Tillpoint Keys/<first 16 hex of sha256(data folder)>.key`, or under $TILLPOINT_KEY_DIR. */
export function defaultKeyFile(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  const name = `${createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16)}.key`;
  const override = env[KEY_DIR_ENV];
  if (override) return path.join(path.resolve(override), name);
  // defaultDataDir is `<config>/Tillpoint`: the keys folder is its sibling, never inside a data folder.
  const config = path.dirname(defaultDataDir(platform, env, home));
  return path.join(config, KEYS_FOLDER, name);
}

/** Writes a file whole or not at all: a temp file, flushed, then renamed over. */
function writeAtomically(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

function exists(file: string): boolean {
  return fs.existsSync(file);
}

/** The legacy key, when the data folder still holds one. */
function legacyKey(dataDir: string): Buffer | undefined {
  const file = path.join(dataDir, SECRET_KEY_FILE);
  if (!exists(file)) return undefined;
  return readKeyFile(file);
}

/** The legacy file goes only once its key is safely stored elsewhere (a crash before leaves both). */
function dropLegacy(dataDir: string, stored: Buffer): void {
  const old = legacyKey(dataDir);
  if (old?.equals(stored)) fs.rmSync(path.join(dataDir, SECRET_KEY_FILE), { force: true });
  else if (old) console.warn('[secrets] the data folder holds an older key that differs from the stored one; kept');
}

/** Keeps a key we cannot open beside its place (it may open again on the PC that made it). */
function setAside(file: string): void {
  fs.renameSync(file, `${file}.unopened-${Date.now()}`);
}

function openWithKeychain(opts: DataKeyOptions, keychain: KeychainLike): DataKey {
  const file = path.join(opts.dataDir, SEALED_KEY_FILE);
  const sealer = safeStorageSecretBox(keychain);
  const seal = (key: Buffer) => writeAtomically(file, sealer.seal(key.toString('base64')));
  const done = (key: Buffer, state: DataKeyState, problem: string | null = null): DataKey => ({
    box: keySecretBox(() => key),
    state,
    kind: 'keychain',
    location: file,
    problem,
  });
  if (exists(file)) {
    let key: Buffer | undefined;
    let problem = '';
    try {
      key = Buffer.from(sealer.open(fs.readFileSync(file, 'utf8').trim()), 'base64');
      if (key.length !== KEY_BYTES) throw new Error('not a 32-byte key');
    } catch (err) {
      key = undefined;
      problem = `the sealed key in ${file} cannot be opened by this user's keychain (${(err as Error).message})`;
    }
    if (key) {
      dropLegacy(opts.dataDir, key);
      return done(key, 'ok');
    }
    setAside(file);
    const fresh = randomBytes(KEY_BYTES);
    seal(fresh);
    return done(fresh, 'replaced', problem);
  }
  const old = legacyKey(opts.dataDir);
  if (old) {
    seal(old);
    dropLegacy(opts.dataDir, old);
    return done(old, 'migrated');
  }
  const fresh = randomBytes(KEY_BYTES);
  seal(fresh);
  return done(fresh, 'created');
}

function openWithFile(opts: DataKeyOptions): DataKey {
  const env = opts.env ?? process.env;
  const file = path.resolve(opts.keyFile ?? defaultKeyFile(opts.dataDir, env, opts.platform, opts.home));
  const dataDir = path.resolve(opts.dataDir);
  if (path.dirname(file) === dataDir || file.startsWith(dataDir + path.sep)) {
    throw new Error(`the key file ${file} must not be inside the data folder ${dataDir}`);
  }
  const done = (key: Buffer, state: DataKeyState, problem: string | null = null): DataKey => ({
    box: keySecretBox(() => key),
    state,
    kind: 'file',
    location: file,
    problem,
  });
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  if (exists(file)) {
    let key: Buffer | undefined;
    let problem = '';
    try {
      key = readKeyFile(file);
    } catch (err) {
      problem = (err as Error).message;
    }
    if (key) {
      dropLegacy(opts.dataDir, key);
      return done(key, 'ok');
    }
    setAside(file);
    const fresh = randomBytes(KEY_BYTES);
    writeAtomically(file, fresh.toString('base64'));
    return done(fresh, 'replaced', problem);
  }
  const old = legacyKey(opts.dataDir);
  if (old) {
    writeAtomically(file, old.toString('base64'));
    dropLegacy(opts.dataDir, old);
    return done(old, 'migrated');
  }
  const fresh = randomBytes(KEY_BYTES);
  writeAtomically(file, fresh.toString('base64'));
  // The desktop app sealed this folder's key with its keychain: the host cannot open that one.
  const sealedByDesktop = exists(path.join(opts.dataDir, SEALED_KEY_FILE));
  return sealedByDesktop
    ? done(fresh, 'replaced', 'the key of this data folder is sealed by the desktop app’s OS keychain')
    : done(fresh, 'created');
}

/**
 * The till's data key: sealed with the OS keychain when one is given and available, else a key file
 * outside the data folder. Migrates a legacy `dataDir/secret.key`. Never throws for a key it cannot open
 * (it makes a new one, state 'replaced'); throws only when nothing can be written.
 */
export function openDataKey(opts: DataKeyOptions): DataKey {
  fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const keychain = opts.keychain;
  if (keychain?.isEncryptionAvailable()) return openWithKeychain(opts, keychain);
  return openWithFile(opts);
}
