// The mock's request verifier (node:crypto, from Alipay's documents): a request laid out as the documents say
// passes; changing any ONE signed element makes it fail. And the mock enforces the documented field rules.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlipayMock, startAlipayMock } from './mock';
import { parseAuthorization, requestSigningText, rsa2Sign, signRequest, verifyRequest } from './mock-crypto';

const app = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const APP = { appId: '2014060600164699', publicKey: app.publicKey };

describe('the request verifier', () => {
  // The documented layout (open-v3 054q58): authString, method, path with query, body, each followed by \n.
  const example = {
    authString: 'app_id=2014060600164699,nonce=b3b6c7d7-1c5c-4a8a-9d16-6b0b3e1e3c6a,timestamp=1700000000000',
    method: 'POST',
    url: '/v3/alipay/trade/query?x=1',
    body: '{"out_trade_no":"70501111111S001111119"}',
  };

  it('lays out the documented string to sign', () => {
    expect(requestSigningText(example)).toBe(
      'app_id=2014060600164699,nonce=b3b6c7d7-1c5c-4a8a-9d16-6b0b3e1e3c6a,timestamp=1700000000000\n' +
        'POST\n/v3/alipay/trade/query?x=1\n{"out_trade_no":"70501111111S001111119"}\n',
    );
  });

  it('passes the documented example and refuses it with any one signed element changed', () => {
    const header = `ALIPAY-SHA256withRSA ${example.authString},sign=${rsa2Sign(app.privateKey, requestSigningText(example))}`;
    const req = { method: example.method, url: example.url, body: example.body };
    expect(verifyRequest(header, req, APP)).toMatchObject({ ok: true, appId: APP.appId, timestamp: 1700000000000 });
    const changed: [string, string | undefined, typeof req][] = [
      ['method', header, { ...req, method: 'GET' }],
      ['path', header, { ...req, url: '/v3/alipay/trade/close?x=1' }],
      ['query', header, { ...req, url: '/v3/alipay/trade/query?x=2' }],
      ['body', header, { ...req, body: example.body.replace('S001', 'S002') }],
      ['timestamp', header.replace('1700000000000', '1700000000001'), req],
      ['nonce', header.replace('nonce=b3b6', 'nonce=b3b7'), req],
    ];
    for (const [what, h, r] of changed) expect([what, verifyRequest(h, r, APP).ok]).toEqual([what, false]);
    // Another app id is refused as such, and is not this app's signature either.
    const otherApp = header.replace('app_id=2014060600164699', 'app_id=2014060600164698');
    expect(verifyRequest(otherApp, req, APP)).toEqual({ ok: false, code: 'invalid-app-id' });
    expect(verifyRequest(otherApp, req, { ...APP, appId: '2014060600164698' })).toEqual({
      ok: false,
      code: 'invalid-signature',
    });
    expect(verifyRequest(undefined, req, APP)).toEqual({ ok: false, code: 'missing-signature' });
  });

  it('reads the header back', () => {
    const h = signRequest(app.privateKey, {
      appId: APP.appId,
      method: 'GET',
      url: '/v3/x',
      body: '',
      nonce: 'n1',
      timestamp: '1700000000000',
    });
    expect(parseAuthorization(h)?.fields).toEqual({ app_id: APP.appId, nonce: 'n1', timestamp: '1700000000000' });
  });
});

describe('the mock', () => {
  let mock: AlipayMock;
  beforeAll(async () => {
    mock = await startAlipayMock();
  });
  afterAll(() => mock.stop());

  async function post(path: string, body: unknown, key = mock.keys.appPrivateKey) {
    const text = JSON.stringify(body);
    const res = await fetch(`${mock.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: signRequest(key, { appId: mock.appId, method: 'POST', url: path, body: text }),
      },
      body: text,
    });
    return { status: res.status, body: (await res.json()) as { code?: string; message?: string } };
  }

  it('enforces the documented field rules', async () => {
    const good = { out_trade_no: 'T1_1', total_amount: '0.01', subject: 'x' };
    expect((await post('/v3/alipay/trade/precreate', good)).status).toBe(200);
    for (const bad of [
      { ...good, out_trade_no: 'x'.repeat(65) },
      { ...good, out_trade_no: 'T1 1' },
      { ...good, total_amount: '0.00' },
      { ...good, total_amount: '100000000.01' },
      { ...good, total_amount: '1.001' },
      { ...good, total_amount: 1 },
      { ...good, subject: '' },
    ]) {
      expect(
        (
          await post('/v3/alipay/trade/precreate', {
            ...bad,
            out_trade_no: bad.out_trade_no === good.out_trade_no ? 'T1_2' : bad.out_trade_no,
          })
        ).body.code,
      ).toBe('ACQ.INVALID_PARAMETER');
    }
    const pay = {
      out_trade_no: 'T1_3',
      total_amount: '1.00',
      subject: 'x',
      scene: 'bar_code',
      product_code: 'FACE_TO_FACE_PAYMENT',
    };
    for (const code of ['2812345678901234', '301234567890123456789012']) {
      expect(
        (await post('/v3/alipay/trade/pay', { ...pay, out_trade_no: `T1_${code.length}`, auth_code: code })).status,
      ).toBe(200);
    }
    for (const code of ['281234567890123', '3012345678901234567890123', '131234567890123456', '28123456789012345x']) {
      expect((await post('/v3/alipay/trade/pay', { ...pay, auth_code: code })).body.code).toBe(
        'ACQ.PAYMENT_AUTH_CODE_INVALID',
      );
    }
    const other = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    expect(await post('/v3/alipay/trade/query', { out_trade_no: 'T1_1' }, other.privateKey)).toMatchObject({
      status: 401,
      body: { code: 'invalid-signature' },
    });
    expect(mock.requests.at(-1)).toMatchObject({ method: 'POST', path: '/v3/alipay/trade/query' });
  });
});
