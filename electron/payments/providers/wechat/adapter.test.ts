// The WeChat Pay adapter against the local mock over real HTTP: every row of the answer table, both key
// modes and a switchover, every way an answer can fail its check, timeouts and refusals, fen exactness,
// notifications, refunds, bills and the connection test.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Wechatpay } from 'wechatpay-axios-plugin';
import type { PaymentProvider } from '../../provider';
import { ProviderError } from '../../provider';
import { providerFailure } from '../testing';
import { chinaTime, createWechatPayProvider } from './adapter';
import { ANSWER_TABLE } from './answers';
import { parseWechatTradeBill } from './bill';
import { type MockFault, startWechatPayMock, type WechatPayMock } from './mock';

const TIMEOUT_MS = 3000;
const CODE = '134567890123456789';

let seq = 0;
function tradeNumber(): string {
  seq += 1;
  return `T9_20261125_${String(seq).padStart(6, '0')}_${randomBytes(3).toString('hex')}`;
}

function qr(no: string, amountMinor = 1800) {
  return {
    tradeNumber: no,
    amountMinor,
    currency: 'CNY',
    subject: 'Tillpoint 咖啡馆 #0001',
    orderNumber: '0001',
    expiresAt: new Date(Date.now() + 120_500),
    notifyUrl: 'http://127.0.0.1:9/notify/wechat',
  };
}

const mocks: WechatPayMock[] = [];
let mock: WechatPayMock;
let wx: PaymentProvider;

beforeAll(async () => {
  mock = await startWechatPayMock();
  mocks.push(mock);
  wx = createWechatPayProvider({ config: mock.config(), timeoutMs: TIMEOUT_MS });
});
afterAll(async () => {
  for (const m of mocks) await m.stop();
});
afterEach(() => {
  mock.clockOffsetSeconds = 0;
  mock.signWith('primary');
});

describe.each(['pubkey', 'certs'] as const)('in %s mode', (mode) => {
  let m: WechatPayMock;
  let p: PaymentProvider;
  beforeAll(async () => {
    m = await startWechatPayMock({ mode });
    mocks.push(m);
    p = createWechatPayProvider({ config: m.config(), timeoutMs: TIMEOUT_MS });
  });

  it('creates a Native QR with the shop’s HTTPS notify_url, exact fen and a whole-second +08:00 expiry', async () => {
    const no = tradeNumber();
    const req = qr(no, 8888);
    const res = await p.createQr(req);
    expect(res.qrContent).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);
    expect(res.expiresAt.getTime()).toBe(Math.floor(req.expiresAt.getTime() / 1000) * 1000);
    const sent = JSON.parse(m.requests.at(-1)!.body) as Record<string, unknown>;
    expect(sent).toEqual({
      appid: m.config().appId,
      mchid: m.config().mchId,
      description: 'Tillpoint 咖啡馆 #0001',
      out_trade_no: no,
      time_expire: chinaTime(res.expiresAt),
      notify_url: 'https://pay.tillpoint-shop.example.cn/wechatpay/notify',
      amount: { total: 8888, currency: 'CNY' },
    });
    expect(sent.time_expire).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    expect(m.trades.get(no)).toMatchObject({ total: 8888, state: 'NOTPAY' });
  });

  it('queries waiting, then paid with the amount, transaction id and time; closes a paid one as already paid', async () => {
    const no = tradeNumber();
    await p.createQr(qr(no));
    expect(await p.query(no)).toMatchObject({ status: 'waiting', amountMinor: 1800, providerRef: null });
    m.customerPays(no);
    const paid = await p.query(no);
    expect(paid).toEqual({
      status: 'paid',
      amountMinor: 1800,
      providerRef: m.trades.get(no)!.transactionId,
      paidAt: m.trades.get(no)!.successTime,
    });
    expect(await p.close(no)).toEqual({ status: 'already_paid' });
    expect(m.requests.at(-1)).toMatchObject({ path: `/v3/pay/transactions/out-trade-no/${no}/close`, status: 400 });
  });

  it('closes an unpaid one (204), then answers closed; a trade nobody knows is not_found', async () => {
    const no = tradeNumber();
    await p.createQr(qr(no));
    expect(await p.close(no)).toEqual({ status: 'closed' });
    expect(await p.query(no)).toMatchObject({ status: 'closed', reason: 'CLOSED' });
    expect(await p.query(tradeNumber())).toEqual({ status: 'not_found' });
    expect(await p.close(tradeNumber())).toEqual({ status: 'not_found' });
    await p.ping();
  });
});

describe('the answer table', () => {
  it('lists every code once, each a refusal with its refusal code, an unknown outcome, or a bill answer', () => {
    expect(new Set(ANSWER_TABLE.map((r) => r.code)).size).toBe(ANSWER_TABLE.length);
    for (const r of ANSWER_TABLE) {
      expect(r.source.length, r.code).toBeGreaterThan(0);
      expect(r.meaning === 'refusal', r.code).toBe(r.refusal !== undefined);
    }
    for (const code of ['SYSTEM_ERROR', 'SYSTEMERROR', 'BANK_ERROR', 'BANKERROR', 'USERPAYING', 'FREQUENCY_LIMITED']) {
      expect(ANSWER_TABLE.find((r) => r.code === code)?.meaning, code).toBe('unknown');
    }
  });

  for (const row of ANSWER_TABLE.filter((r) => r.meaning === 'refusal' || r.meaning === 'unknown')) {
    it(`${row.code} (${row.http}) on create is ${row.meaning === 'refusal' ? `refused: ${row.refusal}` : 'an unknown outcome'}`, async () => {
      const status = row.http < 400 ? 403 : row.http; // USERPAYING as an error
      mock.failNext('native', { status, code: row.code, message: row.note });
      const err = await providerFailure(wx.createQr(qr(tradeNumber())));
      if (row.meaning === 'refusal') expect([err.kind, err.code]).toEqual(['rejected', row.refusal]);
      else expect([err.kind, err.outcomeUnknown]).toEqual(['server_error', true]);
    });
  }

  it('takes any code it does not list, a 429, a bare 5xx and an unreadable error as unknown outcomes', async () => {
    const faults: MockFault[] = [
      { status: 400, code: 'SOMETHING_NEW' },
      { status: 429, code: 'FREQUENCY_LIMITED' },
      { status: 503, code: 'ANYTHING' },
      { status: 403, code: '' },
    ];
    for (const f of faults) {
      mock.failNext('query', f);
      const err = await providerFailure(wx.query(tradeNumber()));
      expect(err.kind, JSON.stringify(f)).toBe('server_error');
    }
  });
});

describe('answers that fail the check', () => {
  const faults = ['bad_signature', 'unsigned', 'stale', 'unknown_serial'] as const;

  it('are bad_response whether they are 2xx (the plugin checks) or a refusal (only we check)', async () => {
    for (const fault of faults) {
      const no = tradeNumber();
      mock.failNext('native', fault);
      expect((await providerFailure(wx.createQr(qr(no)))).kind, `2xx ${fault}`).toBe('bad_response');
      // A forged "no such order" must never be taken as not found, nor a forged "already paid" as paid.
      mock.failNext('query', fault);
      expect((await providerFailure(wx.query(tradeNumber()))).kind, `404 ${fault}`).toBe('bad_response');
      mock.customerPays(no);
      mock.failNext('close', fault);
      expect((await providerFailure(wx.close(no))).kind, `400 ${fault}`).toBe('bad_response');
    }
  });

  it('the plugin alone checks 2xx answers (all four headers, ±300 s, serial, signature) but lets a refusal through', async () => {
    const c = mock.config();
    const plain = new Wechatpay({
      mchid: c.mchId,
      serial: c.merchantSerialNo,
      privateKey: c.privateKey,
      certs: { [c.platformPublicKeyId!]: c.platformPublicKey! },
      baseURL: c.baseUrl,
    });
    const expected = {
      bad_signature: 'EV3_RES_HEADER_SIGNATURE_DIGEST',
      unsigned: 'EV3_RES_HEADERS_INCOMPLATE',
      stale: 'EV3_RES_HEADER_TIMESTAMP_OFFSET',
      unknown_serial: 'EV3_RES_HEADER_PLATFORM_SERIAL',
    };
    for (const fault of faults) {
      const no = tradeNumber();
      await wx.createQr(qr(no));
      mock.failNext('query', fault);
      const err = (await plain.v3.pay.transactions.outTradeNo.$out_trade_no$
        .get({ params: { mchid: c.mchId }, out_trade_no: no })
        .catch((e: unknown) => e)) as { code?: string };
      expect(err.code, fault).toBe(expected[fault]);
    }
    mock.failNext('query', 'bad_signature');
    const refusal = (await plain.v3.pay.transactions.outTradeNo.$out_trade_no$
      .get({ params: { mchid: c.mchId }, out_trade_no: tradeNumber() })
      .catch((e: unknown) => e)) as { code?: string; response?: { data?: { code?: string } } };
    // Not a signature error: the forged 404 reaches the caller as if WeChat had said it.
    expect(refusal.code).toBe('ERR_BAD_REQUEST');
    expect(refusal.response?.data?.code).toBe('ORDER_NOT_EXIST');
  });
});

describe('platform keys', () => {
  it('verify through a switchover when both are held, and refuse the new one when only the old is', async () => {
    for (const mode of ['pubkey', 'certs'] as const) {
      const m = await startWechatPayMock({ mode });
      mocks.push(m);
      const both = createWechatPayProvider({ config: m.config({ keys: 'both' }), timeoutMs: TIMEOUT_MS });
      const oldOnly = createWechatPayProvider({ config: m.config({ keys: 'primary' }), timeoutMs: TIMEOUT_MS });
      await both.ping();
      await oldOnly.ping();
      m.signWith('secondary');
      await both.ping();
      expect((await providerFailure(oldOnly.ping())).kind, mode).toBe('bad_response');
      expect(await oldOnly.testConnection!()).toMatchObject({ ok: false, problem: 'bad_answer_signature' });
    }
  });

  it('never hold the merchant’s own certificate serial', () => {
    const c = mock.config();
    expect(() =>
      createWechatPayProvider({
        config: { ...c, platformKeys: { [c.merchantSerialNo.toLowerCase()]: c.platformPublicKey! } },
      }),
    ).toThrow(/merchant’s own certificate serial/);
  });
});

describe('the connection', () => {
  it('times out (outcome unknown) when the answer is slower than our timeout; the trade exists', async () => {
    const fast = createWechatPayProvider({ config: mock.config(), timeoutMs: 300 });
    const no = tradeNumber();
    mock.failNext('native', 'slow');
    const err = await providerFailure(fast.createQr(qr(no)));
    expect([err.kind, err.outcomeUnknown]).toEqual(['timeout', true]);
    expect(mock.trades.get(no)).toMatchObject({ state: 'NOTPAY' });
  });

  it('cut mid-answer is an unknown outcome too', async () => {
    mock.failNext('query', 'drop');
    expect((await providerFailure(wx.query(tradeNumber()))).outcomeUnknown).toBe(true);
  });

  it('refused is unreachable (nothing was sent)', async () => {
    const gone = await startWechatPayMock();
    const p = createWechatPayProvider({ config: gone.config(), timeoutMs: TIMEOUT_MS });
    await gone.stop();
    expect((await providerFailure(p.createQr(qr(tradeNumber())))).kind).toBe('unreachable');
    expect(await p.testConnection!()).toMatchObject({ ok: false, problem: 'unreachable' });
  });
});

describe('amounts', () => {
  it('are integer fen both ways; an answer whose amount is not an integer is refused', async () => {
    for (const fen of [1, 99, 1800, 10_000_000]) {
      const no = tradeNumber();
      await wx.createQr(qr(no, fen));
      expect(mock.trades.get(no)!.total).toBe(fen);
      mock.customerPays(no);
      expect((await wx.query(no)).amountMinor).toBe(fen);
    }
    const no = tradeNumber();
    await wx.createQr(qr(no));
    mock.customerPays(no);
    mock.trades.get(no)!.total = 18.5;
    expect((await providerFailure(wx.query(no))).kind).toBe('bad_response');
    await expect(wx.createQr(qr(tradeNumber(), 18.5))).rejects.toMatchObject({
      kind: 'rejected',
      code: 'AMOUNT_INVALID',
    });
    await expect(wx.createQr({ ...qr(tradeNumber()), currency: 'USD' })).rejects.toMatchObject({ kind: 'rejected' });
  });

  it('a paid answer without an amount is not trusted', async () => {
    const no = tradeNumber();
    await wx.createQr(qr(no));
    mock.customerPays(no);
    mock.trades.get(no)!.total = Number.NaN; // serialised as null
    expect((await providerFailure(wx.query(no))).kind).toBe('bad_response');
  });
});

describe('a payment code', () => {
  it('is paid at once, and the code never reaches the mock’s log in full', async () => {
    const no = tradeNumber();
    expect(await wx.payWithCode({ ...qr(no), authCode: CODE, notifyUrl: null })).toEqual({
      status: 'paid',
      providerRef: mock.trades.get(no)!.transactionId,
    });
    const sent = mock.requests.at(-1)!;
    expect(sent.body).not.toContain(CODE);
    expect(JSON.parse(sent.body)).toMatchObject({
      payer: { auth_code: '1345**********6789' },
      amount: { total: 1800 },
    });
  });

  it('USERPAYING (signed 202) is user_paying; the query follows it to paid; as an error it is unknown', async () => {
    const no = tradeNumber();
    mock.nextCodePay({ userPayingThenPaidAfter: 2 });
    expect(await wx.payWithCode({ ...qr(no), authCode: CODE, notifyUrl: null })).toEqual({
      status: 'user_paying',
      providerRef: null,
    });
    expect((await wx.query(no)).status).toBe('user_paying');
    expect((await wx.query(no)).status).toBe('paid');
    mock.nextCodePay({ status: 403, code: 'USERPAYING' });
    expect(
      (await providerFailure(wx.payWithCode({ ...qr(tradeNumber()), authCode: CODE, notifyUrl: null }))).kind,
    ).toBe('server_error');
  });

  it('refused codes are refusals: invalid, expired, not enough money', async () => {
    const bad = await providerFailure(
      wx.payWithCode({ ...qr(tradeNumber()), authCode: '990000000000000001', notifyUrl: null }),
    );
    expect([bad.kind, bad.code]).toEqual(['rejected', 'INVALID_CODE']);
    expect(bad.message).not.toContain('990000000000000001');
    mock.nextCodePay({ status: 403, code: 'NOTENOUGH' });
    const poor = await providerFailure(wx.payWithCode({ ...qr(tradeNumber()), authCode: CODE, notifyUrl: null }));
    expect(poor.code).toBe('INSUFFICIENT_FUNDS');
  });

  it('is reversed: unpaid → closed, paid → refunded, a system error → send again', async () => {
    const waiting = tradeNumber();
    mock.nextCodePay('user_paying');
    await wx.payWithCode({ ...qr(waiting), authCode: CODE, notifyUrl: null });
    expect(await wx.reverse(waiting)).toEqual({ status: 'closed', retry: false });
    expect(mock.trades.get(waiting)!.state).toBe('REVOKED');
    const paid = tradeNumber();
    await wx.payWithCode({ ...qr(paid), authCode: CODE, notifyUrl: null });
    mock.failNext('reverse', { status: 500, code: 'SYSTEM_ERROR' });
    expect(await wx.reverse(paid)).toEqual({ status: 'closed', retry: true });
    expect(await wx.reverse(paid)).toEqual({ status: 'refunded', retry: false });
    expect(await wx.reverse(tradeNumber())).toEqual({ status: 'closed', retry: false });
  });

  it('belongs to WeChat by its prefix; expiries are rounded to whole seconds', () => {
    expect(wx.ownsPaymentCode!(CODE)).toBe(true);
    expect(wx.ownsPaymentCode!('281234567890123456')).toBe(false);
    expect(wx.roundExpiry!(new Date('2026-11-25T01:32:00.999Z')).toISOString()).toBe('2026-11-25T01:32:00.000Z');
    expect(chinaTime(new Date('2026-11-25T17:32:00.000Z'))).toBe('2026-11-26T01:32:00+08:00');
    expect(wx).toMatchObject({
      id: 'wechat',
      isDemo: false,
      wallets: ['wechat'],
      currencies: ['CNY'],
      codePolling: { everyMs: 4000, forMs: 45_000 },
      notificationAck: { status: 204, body: '' },
    });
  });
});

describe('refunds', () => {
  async function paidTrade(): Promise<string> {
    const no = tradeNumber();
    await wx.createQr(qr(no));
    mock.customerPays(no);
    return no;
  }

  it('SUCCESS is refunded; the same refund number again is the same refund', async () => {
    const no = await paidTrade();
    const req = {
      tradeNumber: no,
      refundNumber: `${no.slice(0, 26)}-R1`,
      amountMinor: 800,
      totalMinor: 1800,
      reason: '退货',
    };
    expect(await wx.refund(req)).toEqual({ status: 'refunded' });
    expect(await wx.refund(req)).toEqual({ status: 'refunded' });
    expect(mock.trades.get(no)!.refunded).toBe(800);
    expect(JSON.parse(mock.requests.at(-1)!.body)).toMatchObject({
      amount: { refund: 800, total: 1800, currency: 'CNY' },
    });
  });

  it('PROCESSING is processing until refundStatus finds it done', async () => {
    const no = await paidTrade();
    const refundNumber = `${no.slice(0, 26)}-R1`;
    mock.nextRefund('PROCESSING');
    expect(await wx.refund({ tradeNumber: no, refundNumber, amountMinor: 1800, totalMinor: 1800, reason: '' })).toEqual(
      {
        status: 'processing',
      },
    );
    expect(await wx.refundStatus!({ tradeNumber: no, refundNumber })).toEqual({ status: 'processing' });
    mock.settleRefund(refundNumber, 'SUCCESS');
    expect(await wx.refundStatus!({ tradeNumber: no, refundNumber })).toEqual({ status: 'refunded' });
  });

  it('ABNORMAL and CLOSED are failed, with the code the attention list turns into the step to take in 商户平台', async () => {
    for (const status of ['ABNORMAL', 'CLOSED'] as const) {
      const no = await paidTrade();
      mock.nextRefund(status);
      const r = await wx.refund({
        tradeNumber: no,
        refundNumber: `${no.slice(0, 26)}-R1`,
        amountMinor: 100,
        totalMinor: 1800,
        reason: '',
      });
      expect(r).toEqual({ status: 'failed', reason: status });
    }
  });

  it('a refund WeChat holds for another amount is not trusted', async () => {
    const no = await paidTrade();
    const refundNumber = `${no.slice(0, 26)}-R1`;
    await wx.refund({ tradeNumber: no, refundNumber, amountMinor: 100, totalMinor: 1800, reason: '' });
    const err = await providerFailure(
      wx.refund({ tradeNumber: no, refundNumber, amountMinor: 200, totalMinor: 1800, reason: '' }),
    );
    expect(err.kind).toBe('bad_response');
  });
});

describe('lookup', () => {
  it('finds a trade by our number or by WeChat’s transaction id', async () => {
    const no = tradeNumber();
    await wx.createQr(qr(no));
    mock.customerPays(no);
    const tx = mock.trades.get(no)!.transactionId;
    expect(await wx.lookup!({ tradeNumber: no })).toMatchObject({ status: 'paid', tradeNumber: no, amountMinor: 1800 });
    expect(await wx.lookup!({ providerRef: tx })).toMatchObject({ status: 'paid', tradeNumber: no, providerRef: tx });
    expect(mock.requests.at(-1)!.path).toBe(`/v3/pay/transactions/id/${tx}`);
    expect(await wx.lookup!({ providerRef: '4200000000000000000000000001' })).toEqual({
      status: 'not_found',
      tradeNumber: null,
    });
  });
});

describe('notifications', () => {
  async function paidTrade(): Promise<string> {
    const no = tradeNumber();
    await wx.createQr(qr(no));
    mock.customerPays(no);
    return no;
  }

  it('a good one verifies and decrypts into the paid trade', async () => {
    const no = await paidTrade();
    const n = mock.notification(no);
    const t = mock.trades.get(no)!;
    expect(wx.verifyNotification(n)).toEqual({
      notificationId: `EV-${t.transactionId}`,
      tradeNumber: no,
      status: 'paid',
      amountMinor: 1800,
      currency: 'CNY',
      merchantId: wx.merchantId,
      providerRef: t.transactionId,
      paidAt: t.successTime,
    });
  });

  it('a forged signature, a tampered ciphertext, another appid or a stale one are refused', async () => {
    const no = await paidTrade();
    for (const o of [{ forge: true }, { tamper: true }, { appid: 'wx0000000000000000' }]) {
      expect(() => wx.verifyNotification(mock.notification(no, o)), JSON.stringify(o)).toThrow(ProviderError);
    }
    const altered = mock.notification(no);
    expect(() => wx.verifyNotification({ ...altered, body: altered.body.replace('支付成功', '支付失败') })).toThrow(
      /signature/,
    );
    mock.clockOffsetSeconds = -400;
    expect(() => wx.verifyNotification(mock.notification(no))).toThrow(/clock/);
  });

  it('for another merchant it verifies, and says so (the engine refuses it)', async () => {
    const no = await paidTrade();
    expect(wx.verifyNotification(mock.notification(no, { mchid: '1900000001' })).merchantId).not.toBe(wx.merchantId);
  });

  it('a duplicate (WeChat’s retry) has the same notification id', async () => {
    const no = await paidTrade();
    const id = `EV-${mock.trades.get(no)!.transactionId}`;
    const a = wx.verifyNotification(mock.notification(no, { id }));
    const b = wx.verifyNotification(mock.notification(no, { id }));
    expect(b).toEqual(a);
  });
});

describe('testConnection', () => {
  it('is ok with the skew when the keys work', async () => {
    expect(await wx.testConnection!()).toMatchObject({ ok: true });
  });

  it('names the problem: our key, the merchant id, the product, the platform key, the clock', async () => {
    const p = (o: Parameters<WechatPayMock['config']>[0]) =>
      createWechatPayProvider({ config: mock.config(o), timeoutMs: TIMEOUT_MS }).testConnection!();
    expect(await p({ wrongPrivateKey: true })).toMatchObject({ ok: false, problem: 'bad_signature' });
    expect(await p({ mchId: '1900000001' })).toMatchObject({ ok: false, problem: 'wrong_id' });
    mock.failNext('query', { status: 403, code: 'NO_AUTH' });
    expect(await p({})).toMatchObject({ ok: false, problem: 'not_enabled' });
    mock.failNext('query', { status: 400, code: 'APPID_MCHID_NOT_MATCH' });
    expect(await p({})).toMatchObject({ ok: false, problem: 'wrong_id' });
    expect(await p({ keys: 'secondary' })).toMatchObject({ ok: false, problem: 'bad_answer_signature' });
    mock.clockOffsetSeconds = 120;
    const off = await p({});
    expect(off).toMatchObject({ ok: false, problem: 'clock_off' });
    expect(off.clockSkewSeconds).toBeLessThanOrEqual(-119);
    mock.clockOffsetSeconds = -400; // WeChat refuses us, and we refuse its answer
    expect(await p({})).toMatchObject({ ok: false, problem: 'clock_off' });
  });
});

describe('the trade bill', () => {
  it('says none or not ready as WeChat does', async () => {
    mock.setBill('2026-11-24', 'none');
    mock.setBill('2026-11-25', 'not_ready');
    expect(await wx.fetchBill!('2026-11-24')).toEqual({ status: 'none' });
    expect(await wx.fetchBill!('2026-11-25')).toEqual({ status: 'not_ready' });
    expect(mock.requests.at(-1)!.query).toEqual({ bill_date: '2026-11-25', bill_type: 'ALL' });
  });

  it('downloads with a signed request, checks the SHA1, then reads it', async () => {
    const csv = '﻿交易时间,公众账号ID\n`2026-11-23 09:30:00,`wx\n';
    mock.setBill('2026-11-23', { csv, tamper: true });
    expect((await providerFailure(wx.fetchBill!('2026-11-23'))).kind).toBe('bad_response');
    mock.setBill('2026-11-23', { csv });
    let expected: unknown;
    try {
      expected = { status: 'ready', rows: parseWechatTradeBill(csv) };
    } catch (e) {
      expected = e;
    }
    const got = await wx.fetchBill!('2026-11-23').catch((e: unknown) => e);
    if (expected instanceof Error) expect((got as Error).message).toBe(expected.message);
    else expect(got).toEqual(expected);
    expect(mock.requests.at(-1)).toMatchObject({ path: '/v3/billdownload/file', status: 200 });
  });
});
