// The WeChat Pay v3 signatures and the notification encryption, as the local mock needs them, written with
// node:crypto from WeChat Pay's documents (签名生成, 签名验证, 证书和回调报文解密), never from the plugin the
// adapter uses: the mock must catch a plugin that signs or verifies wrongly. Test code only.
import { createCipheriv, createSign, createVerify, generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';

export interface KeyPair {
  privateKey: string;
  publicKey: string;
}

export function makeKeyPair(): KeyPair {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

/** A certificate serial number as 商户平台 shows it: 40 uppercase hex digits. */
export function makeSerial(): string {
  return randomBytes(20).toString('hex').toUpperCase();
}

/** A 微信支付公钥 id: PUB_KEY_ID_ and digits. */
export function makePublicKeyId(): string {
  return `PUB_KEY_ID_${Array.from({ length: 24 }, () => randomInt(10)).join('')}`;
}

/** A nonce as WeChat sends them: 32 letters and digits. */
export function makeNonce(): string {
  const abc = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  return Array.from({ length: 32 }, () => abc[randomInt(abc.length)]).join('');
}

/** 签名串 of a request: method, path with query, timestamp, nonce, body, each line ending in \n. */
export function requestMessage(method: string, pathAndQuery: string, timestamp: string, nonce: string, body: string) {
  return `${method}\n${pathAndQuery}\n${timestamp}\n${nonce}\n${body}\n`;
}

/** 验签名串 of an answer or a notification: timestamp, nonce, body, each line ending in \n. */
export function answerMessage(timestamp: string, nonce: string, body: string): string {
  return `${timestamp}\n${nonce}\n${body}\n`;
}

/** SHA256 with RSA, base64. */
export function sign(privateKeyPem: string, message: string): string {
  return createSign('RSA-SHA256').update(message, 'utf8').sign(privateKeyPem, 'base64');
}

export function verify(publicKeyPem: string, message: string, signature: string): boolean {
  try {
    return createVerify('RSA-SHA256').update(message, 'utf8').verify(publicKeyPem, signature, 'base64');
  } catch {
    return false;
  }
}

export const AUTH_SCHEMA = 'WECHATPAY2-SHA256-RSA2048';

export interface Authorization {
  mchid: string;
  serial_no: string;
  timestamp: string;
  nonce_str: string;
  signature: string;
}

/** The Authorization header: the schema, a space, then key="value" pairs joined by commas, in any order. */
export function parseAuthorization(header: string | undefined): Authorization | null {
  if (!header?.startsWith(`${AUTH_SCHEMA} `)) return null;
  const fields = new Map<string, string>();
  const re = /\s*([a-z_]+)="([^"]*)"\s*(?:,|$)/gy;
  const rest = header.slice(AUTH_SCHEMA.length + 1);
  let m: RegExpExecArray | null = re.exec(rest);
  let end = 0;
  while (m) {
    if (fields.has(m[1])) return null; // a field twice: ambiguous, refused
    fields.set(m[1], m[2]);
    end = re.lastIndex;
    m = re.exec(rest);
  }
  if (end !== rest.length) return null;
  const need = ['mchid', 'serial_no', 'timestamp', 'nonce_str', 'signature'] as const;
  if (need.some((k) => !fields.get(k))) return null;
  return Object.fromEntries(need.map((k) => [k, fields.get(k)!])) as unknown as Authorization;
}

export function authorizationHeader(a: Authorization): string {
  return `${AUTH_SCHEMA} mchid="${a.mchid}",nonce_str="${a.nonce_str}",signature="${a.signature}",timestamp="${a.timestamp}",serial_no="${a.serial_no}"`;
}

/**
 * A notification's resource: AEAD_AES_256_GCM with the APIv3 key, a 12-byte nonce and associated_data;
 * the ciphertext sent is base64 of the encrypted bytes followed by the 16-byte tag.
 */
export function encryptResource(apiV3Key: string, nonce: string, associatedData: string, plaintext: string): string {
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([body, cipher.getAuthTag()]).toString('base64');
}

/** 12 letters and digits, as WeChat's resource nonces are. */
export function makeResourceNonce(): string {
  return makeNonce().slice(0, 12);
}
