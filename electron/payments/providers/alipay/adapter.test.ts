// The Alipay adapter against the local v3 mock: every row of the answer table, both key modes, signatures on
// answers and notifications, timeouts and refused connections, exact amounts.
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../provider';
import { fenToYuan, yuanToFen } from '../money';
import { providerFailure } from '../testing';
import { createAlipayProvider } from './adapter';
import { ALIPAY_ANSWERS } from './answers';
import { type AlipayMock, startAlipayMock } from './mock';

const CODE = '281234567890123456';
let n = 0;
const tradeNumber = () => `T1_20261125_${String(++n).padStart(6, '0')}_test${Date.now() % 100000}`;
const inTwoMinutes = () => new Date(Date.now() + 120_000);

let keyMock: AlipayMock;
let certMock: AlipayMock;
beforeAll(async () => {
  [keyMock, certMock] = await Promise.all([startAlipayMock(), startAlipayMock({ mode: 'cert' })]);
});
afterAll(async () => {
  await Promise.all([keyMock.stop(), certMock.stop()]);
});

function providerFor(mock: AlipayMock, timeoutMs = 2000) {
  return createAlipayProvider({ config: mock.config(), timeoutMs });
}

function qr(tn: string, amountMinor = 1800) {
  return {
    tradeNumber: tn,
    amountMinor,
    currency: 'CNY',
    subject: 'Tillpoint Café 0001',
    orderNumber: '0001',
    expiresAt: inTwoMinutes(),
    notifyUrl: null,
  };
}
function codePay(tn: string, amountMinor = 1800) {
  return {
    tradeNumber: tn,
    authCode: CODE,
    amountMinor,
    currency: 'CNY',
    subject: 'Café',
    orderNumber: '0001',
    notifyUrl: null,
  };
}

describe.each(['key', 'cert'] as const)('in %s mode', (mode) => {
  const mock = () => (mode === 'key' ? keyMock : certMock);

  it('creates a QR, finds it waiting, then paid with the amount, trade_no and payment time', async () => {
    const p = providerFor(mock());
    const tn = tradeNumber();
    const created = await p.createQr(qr(tn));
    expect(created.qrContent).toMatch(/^https:\/\/qr\.alipay\.com\//);
    expect(created.expiresAt.getMilliseconds()).toBe(0);
    expect(await p.query(tn)).toMatchObject({ status: 'waiting', amountMinor: 1800 });
    const t = mock().customerPays(tn);
    const paid = await p.query(tn);
    expect(paid).toMatchObject({ status: 'paid', amountMinor: 1800, providerRef: t.tradeNo });
    expect(Date.parse(paid.paidAt!)).toBeGreaterThan(0);
    expect(await p.lookup!({ providerRef: t.tradeNo })).toMatchObject({ status: 'paid', tradeNumber: tn });
  });

  it('pays with a code, refunds it (fund_change=Y), and a repeat of the refund is asked about again', async () => {
    const p = providerFor(mock());
    const tn = tradeNumber();
    expect(await p.payWithCode(codePay(tn))).toMatchObject({ status: 'paid' });
    const refund = {
      tradeNumber: tn,
      refundNumber: `${tn.slice(0, 28)}-R1`,
      amountMinor: 1800,
      totalMinor: 1800,
      reason: 'late',
    };
    expect(await p.refund(refund)).toEqual({ status: 'refunded' });
    // The repeat answers fund_change=N; the refund query then says REFUND_SUCCESS.
    expect(await p.refund(refund)).toEqual({ status: 'refunded' });
    expect(await p.refundStatus!(refund)).toEqual({ status: 'refunded' });
    expect(mock().trades.get(tn)!.refunds).toHaveLength(1);
    expect(mock().trades.get(tn)).toMatchObject({ status: 'TRADE_CLOSED', refundedMinor: 1800 });
    expect(await p.query(tn)).toMatchObject({ status: 'refunded', amountMinor: 1800 });
  });

  it('says what Test connection finds: fine', async () => {
    expect(await providerFor(mock()).testConnection!()).toMatchObject({ ok: true });
    await providerFor(mock()).ping();
  });
});

describe('amounts', () => {
  it('go to Alipay as yuan strings and come back as the same fen', async () => {
    const p = providerFor(keyMock);
    for (const [fen, yuan] of [
      [1, '0.01'],
      [10, '0.10'],
      [8888, '88.88'],
      [10_000_000_000, '100000000.00'],
    ] as const) {
      const tn = tradeNumber();
      await p.createQr(qr(tn, fen));
      expect(JSON.parse(keyMock.requests.at(-1)!.body).total_amount).toBe(yuan);
      expect(keyMock.trades.get(tn)!.amountMinor).toBe(fen);
      expect((await p.query(tn)).amountMinor).toBe(fen);
    }
  });

  it('convert exactly, and anything that is not a 2-decimal yuan string is refused', () => {
    expect(fenToYuan(0)).toBe('0.00');
    expect(fenToYuan(5)).toBe('0.05');
    expect(fenToYuan(123456789)).toBe('1234567.89');
    expect(() => fenToYuan(1.5)).toThrow();
    expect(yuanToFen('0.29')).toBe(29); // 0.29 * 100 is 28.999999999999996 in floating point
    expect(yuanToFen('1.1')).toBe(110);
    expect(yuanToFen('7')).toBe(700);
    for (const bad of ['1.234', '-1.00', '1e2', ' 1.00', '01.00', '', '.5', '1.', 'NaN', 12])
      expect(yuanToFen(bad)).toBeNull();
  });

  it('an answer whose amount does not parse is a bad_response', async () => {
    const p = providerFor(keyMock);
    const tn = tradeNumber();
    await p.createQr(qr(tn));
    for (const amount of ['18.001', '-18.00', '1.8e1', 18]) {
      keyMock.rewriteNext('/v3/alipay/trade/query', (b) => ({ ...b, total_amount: amount }));
      expect((await providerFailure(p.query(tn))).kind).toBe('bad_response');
    }
  });
});

describe('the answer table, row by row, through the mock', () => {
  for (const row of ALIPAY_ANSWERS) {
    it(`${row.code} → ${row.means.kind}${row.means.kind === 'refusal' ? ` ${row.means.refusal}` : ''}`, async () => {
      const p = providerFor(keyMock);
      const tn = tradeNumber();
      const m = row.means;
      if (m.kind === 'bill_not_ready' || m.kind === 'bill_none') {
        keyMock.failNext('/v3/alipay/data', row.code);
        expect(await p.fetchBill!('2026-11-24')).toEqual({ status: m.kind === 'bill_none' ? 'none' : 'not_ready' });
        return;
      }
      if (m.kind === 'not_found') {
        keyMock.failNext('/v3/alipay/trade/query', row.code, { status: 404 });
        expect(await p.query(tn)).toEqual({ status: 'not_found' });
        keyMock.failNext('/v3/alipay/trade/close', row.code, { status: 404 });
        expect(await p.close(tn)).toEqual({ status: 'not_found' });
        return;
      }
      keyMock.failNext('/v3/alipay/trade/pay', row.code);
      if (m.kind === 'in_progress') {
        expect(await p.payWithCode(codePay(tn))).toEqual({ status: 'user_paying', providerRef: null });
        return;
      }
      const err = await providerFailure(p.payWithCode(codePay(tn)));
      if (m.kind === 'unknown') {
        expect(err.kind).toBe('server_error');
        expect(err.outcomeUnknown).toBe(true);
      } else if (m.kind === 'refusal') {
        expect([err.kind, err.code]).toEqual(['rejected', m.refusal]);
      } else if (m.kind === 'setup') {
        expect([err.kind, err.code]).toEqual(['rejected', 'INVALID_REQUEST']);
        keyMock.failNext('/v3/alipay/trade/query', row.code, { status: 401 });
        expect(await p.testConnection!()).toMatchObject({ ok: false, problem: m.problem });
      }
    });
  }

  it('any code not in the table, a 429 and a 5xx are outcome unknown, even with a refusal code', async () => {
    const p = providerFor(keyMock);
    for (const [code, status] of [
      ['ACQ.SOMETHING_NEW', 400],
      ['ACQ.PAYMENT_AUTH_CODE_INVALID', 500],
      ['ACQ.BUYER_BALANCE_NOT_ENOUGH', 502],
      ['TOO_MANY_REQUESTS', 429],
      ['ACQ.TRADE_HAS_CLOSE', 429],
    ] as const) {
      keyMock.failNext('/v3/alipay/trade/pay', code, { status });
      const err = await providerFailure(p.payWithCode(codePay(tradeNumber())));
      expect([code, err.kind]).toEqual([code, 'server_error']);
    }
  });

  it('a pay that the mock refuses for its own rules (a code of another wallet) is INVALID_CODE', async () => {
    const err = await providerFailure(
      providerFor(keyMock).payWithCode({ ...codePay(tradeNumber()), authCode: '131234567890123456' }),
    );
    expect([err.kind, err.code]).toEqual(['rejected', 'INVALID_CODE']);
  });
});

describe('answers that cannot be trusted', () => {
  it('a success with a bad signature, or none, is a bad_response (never a success)', async () => {
    const p = providerFor(keyMock);
    const tn = tradeNumber();
    keyMock.badSignatureNext('/v3/alipay/trade/pay');
    expect((await providerFailure(p.payWithCode(codePay(tn)))).kind).toBe('bad_response');
    // The mock did charge it: the outcome is unknown, a query settles it.
    expect(keyMock.trades.get(tn)!.status).toBe('TRADE_SUCCESS');
    keyMock.badSignatureNext('/v3/alipay/trade/query', { unsigned: true });
    expect((await providerFailure(p.query(tn))).kind).toBe('bad_response');
    keyMock.badSignatureNext('/v3/alipay/trade/precreate');
    expect((await providerFailure(p.createQr(qr(tradeNumber())))).kind).toBe('bad_response');
  });

  it('the same in certificate mode', async () => {
    certMock.badSignatureNext('/v3/alipay/trade/query');
    expect((await providerFailure(providerFor(certMock).query(tradeNumber()))).kind).toBe('bad_response');
  });

  it('a refusal with a bad signature is a bad_response, not a refusal', async () => {
    keyMock.failNext('/v3/alipay/trade/pay', 'ACQ.BUYER_BALANCE_NOT_ENOUGH');
    keyMock.badSignatureNext('/v3/alipay/trade/pay');
    expect((await providerFailure(providerFor(keyMock).payWithCode(codePay(tradeNumber())))).kind).toBe('bad_response');
  });

  it('an answer slower than our timeout is a timeout (the trade may exist)', async () => {
    const p = providerFor(keyMock, 300);
    const tn = tradeNumber();
    keyMock.slowNext('/v3/alipay/trade/precreate');
    const err = await providerFailure(p.createQr(qr(tn)));
    expect([err.kind, err.outcomeUnknown]).toEqual(['timeout', true]);
    expect(keyMock.trades.has(tn)).toBe(true);
  });

  it('a refused connection is unreachable: nothing was sent', async () => {
    const server = http.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    const p = createAlipayProvider({
      config: { ...keyMock.config(), endpoint: `http://127.0.0.1:${port}` },
      timeoutMs: 1000,
    });
    const err = await providerFailure(p.createQr(qr(tradeNumber())));
    expect(err.kind).toBe('unreachable');
    expect(await p.testConnection!()).toMatchObject({ ok: false, problem: 'unreachable' });
  });
});

describe('private keys', () => {
  const pkcs1 = () => createPrivateKey(keyMock.keys.appPrivateKey).export({ type: 'pkcs1', format: 'pem' }).toString();
  const oneLine = (pem: string) =>
    pem
      .split('\n')
      .filter((l) => l && !l.startsWith('-----'))
      .join('');

  for (const [name, key] of [
    ['PKCS#8 PEM', () => keyMock.keys.appPrivateKey],
    ['PKCS#1 PEM', pkcs1],
    ['PKCS#8 one line (the key tool)', () => oneLine(keyMock.keys.appPrivateKey)],
    ['PKCS#1 one line', () => oneLine(pkcs1())],
  ] as const) {
    it(`${name} signs requests the mock accepts`, async () => {
      const p = createAlipayProvider({ config: { ...keyMock.config(), privateKey: key() }, timeoutMs: 2000 });
      expect(await p.testConnection!()).toMatchObject({ ok: true });
    });
  }
});

describe('Test connection', () => {
  const other = () =>
    generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });

  it('names the problem: our key, their key, the app id, the clock', async () => {
    const wrongKey = createAlipayProvider({ config: { ...keyMock.config(), privateKey: other().privateKey } });
    expect(await wrongKey.testConnection!()).toMatchObject({ ok: false, problem: 'bad_signature' });
    const wrongAlipayKey = createAlipayProvider({
      config: { ...keyMock.config(), alipayPublicKey: other().publicKey },
    });
    expect(await wrongAlipayKey.testConnection!()).toMatchObject({ ok: false, problem: 'bad_answer_signature' });
    const wrongApp = createAlipayProvider({ config: { ...keyMock.config(), appId: '2021000000009999' } });
    expect(await wrongApp.testConnection!()).toMatchObject({ ok: false, problem: 'wrong_id' });
    keyMock.clockOffsetMs = 120_000;
    try {
      const r = await providerFor(keyMock).testConnection!();
      expect(r).toMatchObject({ ok: false, problem: 'clock_off' });
      expect(Math.abs(r.clockSkewSeconds!)).toBeGreaterThan(60);
    } finally {
      keyMock.clockOffsetMs = 0;
    }
  });
});

describe('close, cancel (reverse), refund edge answers', () => {
  it('refund: fund_change=N and no REFUND_SUCCESS yet is processing, asked again later', async () => {
    const p = providerFor(keyMock);
    const tn = tradeNumber();
    await p.payWithCode(codePay(tn));
    const refund = {
      tradeNumber: tn,
      refundNumber: `${tn.slice(0, 28)}-R1`,
      amountMinor: 800,
      totalMinor: 1800,
      reason: 'x',
    };
    keyMock.rewriteNext('/v3/alipay/trade/refund', (b) => ({ ...b, fund_change: 'N' }));
    keyMock.rewriteNext('/v3/alipay/trade/fastpay/refund/query', ({ refund_status: _s, ...b }) => b);
    expect(await p.refund(refund)).toEqual({ status: 'processing' });
    expect(await p.refundStatus!(refund)).toEqual({ status: 'refunded' });
    expect(keyMock.trades.get(tn)).toMatchObject({ status: 'TRADE_SUCCESS', refundedMinor: 800 });
  });

  it('close: closed, not found, and already paid when the customer paid just before', async () => {
    const p = providerFor(keyMock);
    const a = tradeNumber();
    await p.createQr(qr(a));
    expect(await p.close(a)).toEqual({ status: 'closed' });
    expect(await p.close(a)).toEqual({ status: 'closed' }); // TRADE_STATUS_ERROR, the query says closed
    expect(await p.close(tradeNumber())).toEqual({ status: 'not_found' });
    const b = tradeNumber();
    await p.createQr(qr(b));
    keyMock.paidBeforeClose(b);
    expect(await p.close(b)).toEqual({ status: 'already_paid' });
  });

  it('reverse: an unpaid code trade is closed, a paid one refunded, an unknown one closed', async () => {
    const p = providerFor(keyMock);
    const paying = tradeNumber();
    keyMock.userPayingForever();
    expect(await p.payWithCode(codePay(paying))).toMatchObject({ status: 'user_paying' });
    expect(await p.reverse(paying)).toEqual({ status: 'closed', retry: false });
    const paid = tradeNumber();
    await p.payWithCode(codePay(paid));
    expect(await p.reverse(paid)).toEqual({ status: 'refunded', retry: false });
    expect(await p.reverse(tradeNumber())).toEqual({ status: 'closed', retry: false });
  });
});

describe('notifications', () => {
  it('verifies a good one, refuses a forged one, another app id, and a duplicate has the same id', () => {
    const p = providerFor(keyMock);
    const tn = tradeNumber();
    return p.createQr(qr(tn, 8888)).then(() => {
      const t = keyMock.customerPays(tn);
      const good = keyMock.notification(tn);
      const v = p.verifyNotification(good);
      expect(v).toMatchObject({
        tradeNumber: tn,
        status: 'paid',
        amountMinor: 8888,
        currency: 'CNY',
        merchantId: keyMock.appId,
        providerRef: t.tradeNo,
      });
      expect(p.verifyNotification(good).notificationId).toBe(v.notificationId);
      for (const bad of [
        keyMock.notification(tn, { forge: true }),
        keyMock.notification(tn, { appId: '2021000000009999' }),
        { headers: {}, body: good.body.replace('88.88', '0.01') },
        { headers: {}, body: good.body.replace(/&sign=[^&]*/, '') },
      ]) {
        expect(() => p.verifyNotification(bad)).toThrow(ProviderError);
      }
    });
  });

  it('refuses a notification that is not about a payment', async () => {
    const p = providerFor(keyMock);
    const tn = tradeNumber();
    await p.createQr(qr(tn));
    expect(() => p.verifyNotification(keyMock.notification(tn))).toThrow(/WAIT_BUYER_PAY/);
  });

  it('verifies in certificate mode with the key of the Alipay public certificate', async () => {
    const p = providerFor(certMock);
    const tn = tradeNumber();
    await p.createQr(qr(tn));
    certMock.customerPays(tn);
    expect(p.verifyNotification(certMock.notification(tn))).toMatchObject({ tradeNumber: tn, amountMinor: 1800 });
  });
});

describe('bills', () => {
  it('asks for the download URL and downloads it from the mock', async () => {
    keyMock.setBill('2026-11-23', []);
    // An empty day: the URL, then the zip, read as a bill with no rows (fetch-bill.test.ts has the rows).
    expect(await providerFor(keyMock).fetchBill!('2026-11-23')).toEqual({ status: 'ready', rows: [] });
    const paths = keyMock.requests.slice(-2).map((r) => r.path);
    expect(paths[0]).toBe('/v3/alipay/data/dataservice/bill/downloadurl/query');
    expect(paths[1]).toMatch(/^\/bills\/[0-9a-f-]+\.csv\.zip$/);
  });
});
