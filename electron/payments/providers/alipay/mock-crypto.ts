// The Alipay mock's signatures, written from Alipay's documents with node:crypto only (never the SDK's
// helpers, so the mock checks the SDK rather than agreeing with it by construction). Test code.
//
// OpenAPI v3 request (opendocs.alipay.com/open-v3/054q58 "签名"): header
//   authorization: ALIPAY-SHA256withRSA app_id=…[,app_cert_sn=…],nonce=…,timestamp=…,sign=…
// where `sign` is SHA256withRSA (base64) with the app private key over
//   `${authString}\n${httpMethod}\n${httpRequestUrl}\n${httpRequestBody}\n` (+ `${appAuthToken}\n` when sent)
// authString being everything before `,sign=`, httpRequestUrl the path with its query string.
// v3 answer (open-v3/054d0z "响应验签"): headers alipay-timestamp, alipay-nonce, alipay-signature over
//   `${timestamp}\n${nonce}\n${body}\n`, signed with Alipay's private key (alipay-sn names the certificate).
// Asynchronous notification (当面付 异步通知验签): drop `sign` and `sign_type`, URL-decode, drop empty values,
// sort by key, join `k=v` with `&`, verify RSA2 with Alipay's public key.
import { createHash, createSign, createVerify, randomUUID, type X509Certificate } from 'node:crypto';

export const AUTH_SCHEME = 'ALIPAY-SHA256withRSA';

export interface AuthHeader {
  /** Everything before `,sign=`: the signed part, kept byte for byte. */
  authString: string;
  fields: Record<string, string>;
  sign: string;
}

/** Splits an `authorization` header; null when it is not an Alipay v3 one. */
export function parseAuthorization(header: string | undefined): AuthHeader | null {
  if (!header?.startsWith(`${AUTH_SCHEME} `)) return null;
  const rest = header.slice(AUTH_SCHEME.length + 1);
  const at = rest.lastIndexOf(',sign=');
  if (at < 0) return null;
  const authString = rest.slice(0, at);
  const sign = rest.slice(at + ',sign='.length);
  const fields: Record<string, string> = {};
  for (const part of authString.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return null;
    fields[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return { authString, fields, sign };
}

export interface SignedRequestParts {
  authString: string;
  method: string;
  /** Path and query, as sent. */
  url: string;
  body: string;
  appAuthToken?: string;
}

export function requestSigningText(p: SignedRequestParts): string {
  let text = `${p.authString}\n${p.method.toUpperCase()}\n${p.url}\n${p.body}\n`;
  if (p.appAuthToken) text += `${p.appAuthToken}\n`;
  return text;
}

export function rsa2Sign(privateKey: string, text: string): string {
  return createSign('RSA-SHA256').update(text, 'utf8').sign(privateKey, 'base64');
}

export function rsa2Verify(publicKey: string, text: string, signature: string): boolean {
  try {
    return createVerify('RSA-SHA256').update(text, 'utf8').verify(publicKey, signature, 'base64');
  } catch {
    return false;
  }
}

/** The whole `authorization` header for a request (the mock's tests build documented examples with it). */
export function signRequest(
  privateKey: string,
  p: Omit<SignedRequestParts, 'authString'> & { appId: string; appCertSn?: string; nonce?: string; timestamp?: string },
): string {
  let authString = `app_id=${p.appId}`;
  if (p.appCertSn) authString += `,app_cert_sn=${p.appCertSn}`;
  authString += `,nonce=${p.nonce ?? randomUUID()},timestamp=${p.timestamp ?? Date.now()}`;
  return `${AUTH_SCHEME} ${authString},sign=${rsa2Sign(privateKey, requestSigningText({ ...p, authString }))}`;
}

export type RequestCheck =
  | { ok: true; appId: string; appCertSn: string | null; timestamp: number }
  | { ok: false; code: 'missing-signature' | 'invalid-signature' | 'invalid-app-id' | 'invalid-timestamp' };

/** Checks a request's authorization against the app public key we hold for `appId`. */
export function verifyRequest(
  header: string | undefined,
  req: { method: string; url: string; body: string; appAuthToken?: string },
  app: { appId: string; publicKey: string },
): RequestCheck {
  const auth = parseAuthorization(header);
  if (!auth) return { ok: false, code: 'missing-signature' };
  const { app_id: appId, nonce, timestamp } = auth.fields;
  if (!appId || !nonce || !timestamp || !/^\d{13}$/.test(timestamp)) return { ok: false, code: 'missing-signature' };
  if (appId !== app.appId) return { ok: false, code: 'invalid-app-id' };
  const text = requestSigningText({ authString: auth.authString, ...req });
  if (!rsa2Verify(app.publicKey, text, auth.sign)) return { ok: false, code: 'invalid-signature' };
  return { ok: true, appId, appCertSn: auth.fields.app_cert_sn ?? null, timestamp: Number(timestamp) };
}

export function answerSigningText(timestamp: string, nonce: string, body: string): string {
  return `${timestamp}\n${nonce}\n${body}\n`;
}

/** The headers that sign an answer body. */
export function signAnswer(
  privateKey: string,
  body: string,
  opts: { timestamp?: string; nonce?: string; sn?: string } = {},
): Record<string, string> {
  const timestamp = opts.timestamp ?? String(Date.now());
  const nonce = opts.nonce ?? randomUUID();
  return {
    'alipay-timestamp': timestamp,
    'alipay-nonce': nonce,
    'alipay-signature': rsa2Sign(privateKey, answerSigningText(timestamp, nonce, body)),
    ...(opts.sn ? { 'alipay-sn': opts.sn } : {}),
  };
}

/** The text a notification's signature covers: its params (already URL-decoded) minus sign/sign_type. */
export function notificationSigningText(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== 'sign' && k !== 'sign_type' && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

/** A form-encoded, signed notification body. */
export function signNotification(privateKey: string, params: Record<string, string>): string {
  const sign = rsa2Sign(privateKey, notificationSigningText(params));
  return new URLSearchParams({ ...params, sign_type: 'RSA2', sign }).toString();
}

/**
 * A certificate's serial as Alipay's tools compute it (证书序列号, 公钥证书方式): MD5 hex of the issuer's
 * attributes, last first, as `K=V` joined with `,`, followed by the serial number in decimal.
 */
export function certSerial(cert: X509Certificate): string {
  const issuer = cert.issuer.split('\n').reverse().join(',');
  const decimal = BigInt(`0x${cert.serialNumber}`).toString(10);
  return createHash('md5')
    .update(issuer + decimal, 'utf8')
    .digest('hex');
}
