// The mock's request verifier, from WeChat's documented signing layout: it accepts exactly what was signed
// and refuses a request with any ONE signed element changed.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWechatPayMock, type WechatPayMock } from './mock';
import { authorizationHeader, makeNonce, parseAuthorization, requestMessage, sign } from './mock-crypto';

let mock: WechatPayMock;
beforeAll(async () => {
  mock = await startWechatPayMock();
});
afterAll(() => mock.stop());

interface Signed {
  method: string;
  target: string;
  body: string;
  timestamp: string;
  nonce: string;
  serial: string;
}

function raw(s: Signed, sent: Partial<Signed> = {}): Promise<{ status: number; code: string | null }> {
  const c = mock.config();
  const signature = sign(c.privateKey, requestMessage(s.method, s.target, s.timestamp, s.nonce, s.body));
  const x = { ...s, ...sent };
  const auth = authorizationHeader({
    mchid: c.mchId,
    serial_no: x.serial,
    timestamp: x.timestamp,
    nonce_str: x.nonce,
    signature,
  });
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${mock.url}${x.target}`,
      {
        method: x.method,
        agent: false,
        headers: {
          authorization: auth,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(x.body)),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (b: Buffer) => chunks.push(b));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            code: text ? ((JSON.parse(text) as { code?: string }).code ?? null) : null,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(x.body);
  });
}

describe('the signing layout', () => {
  it('is the documented one: every line, the last included, ends in \\n; a GET has an empty body line', () => {
    // The example from WeChat's 签名生成 page.
    expect(requestMessage('GET', '/v3/certificates', '1554208460', '593BEC0C930BF1AFEB40B4A08C8FB242', '')).toBe(
      'GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n',
    );
    const header =
      'WECHATPAY2-SHA256-RSA2048 mchid="1900009191",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",signature="uOVRnA4qG/MNnYzdQxJanN+zU+lTgIcnU9BxGw5dKjK+VdEUz2FeIoC+D5sB/LN+nGzX3hfZg6r5wT1pl2ZobmIc6p0ldN7J6yDgUzbX8Uk3sD4a4eZVPTBvqNDoUqcYMlZ9uuDdCvNv4TM3c1WzsXUrExwVkI1XO5jCNbgDJ25nkT/c1gIFvqoogl7MdSFGc4W4xZsqCItnqbypR3RuGIlR9h9vlRsy7zJR9PBI83X8alLDIfR1ukt1P7tMnmogZ0cuDY8cZsd8ZlCgLadmvej58SLsIkVxFJ8XmUgx9U7Ylf2xtyAXrDDhK4kAa0Z2sNRG2YDJwRx+OQ7Sh6nMA==",timestamp="1554208460",serial_no="1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C"';
    expect(parseAuthorization(header)).toMatchObject({
      mchid: '1900009191',
      serial_no: '1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C',
      timestamp: '1554208460',
      nonce_str: '593BEC0C930BF1AFEB40B4A08C8FB242',
    });
    expect(parseAuthorization(`${header},mchid="1"`)).toBeNull();
    expect(parseAuthorization(header.replace('WECHATPAY2', 'WECHATPAY3'))).toBeNull();
  });
});

describe('the mock verifier', () => {
  const good = (): Signed => ({
    method: 'POST',
    target: '/v3/pay/transactions/out-trade-no/T9_20260101_000001_verify/close',
    body: JSON.stringify({ mchid: mock.config().mchId }),
    timestamp: String(Math.floor(Date.now() / 1000)),
    nonce: makeNonce(),
    serial: mock.config().merchantSerialNo,
  });

  it('passes a request signed as documented (this one: no such order)', async () => {
    expect(await raw(good())).toEqual({ status: 404, code: 'ORDER_NOT_EXIST' });
    const q = good();
    const get = {
      ...q,
      method: 'GET',
      target: `/v3/pay/transactions/out-trade-no/T9_x_verify?mchid=${mock.config().mchId}`,
      body: '',
    };
    expect(await raw(get)).toEqual({ status: 404, code: 'ORDER_NOT_EXIST' });
  });

  it('refuses it with any ONE signed element changed', async () => {
    const changes: [string, (s: Signed) => Partial<Signed>][] = [
      ['method', () => ({ method: 'GET' })],
      ['path', (s) => ({ target: s.target.replace('000001', '000002') })],
      ['query', () => ({ target: `/v3/pay/transactions/out-trade-no/T9_x_verify?mchid=${mock.config().mchId}0` })],
      ['body', (s) => ({ body: s.body.replace('}', ' }') })],
      ['timestamp', (s) => ({ timestamp: String(Number(s.timestamp) - 1) })],
      ['nonce', () => ({ nonce: makeNonce() })],
      ['serial', () => ({ serial: '0'.repeat(40) })],
    ];
    for (const [what, change] of changes) {
      const s =
        what === 'query'
          ? {
              ...good(),
              method: 'GET',
              target: `/v3/pay/transactions/out-trade-no/T9_x_verify?mchid=${mock.config().mchId}`,
              body: '',
            }
          : good();
      expect(await raw(s, change(s)), what).toEqual({ status: 401, code: 'SIGN_ERROR' });
    }
  });

  it('refuses a replayed nonce and a timestamp more than 5 minutes off', async () => {
    const s = good();
    expect((await raw(s)).status).toBe(404);
    expect(await raw(s)).toEqual({ status: 401, code: 'SIGN_ERROR' });
    const old = { ...good(), timestamp: String(Math.floor(Date.now() / 1000) - 301) };
    expect(await raw(old)).toEqual({ status: 401, code: 'SIGN_ERROR' });
  });
});
