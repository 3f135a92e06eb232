// fetchBill end to end against the WeChat Pay mock: the signed tradebill answer, the signed download, the SHA1
// check, and the CSV built by buildWechatTradeBill read back by the adapter, exactly. Also the "not yet" /
// "none" answers, a download that does not match its SHA1 or cannot be read (never rows), and the download
// link's documented 30 s life.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Wechatpay } from 'wechatpay-axios-plugin';
import type { BillRow } from '../../provider';
import { cafeDayRows, providerFailure } from '../testing';
import { createWechatPayProvider, trustedKeys } from './adapter';
import { buildWechatTradeBill, parseWechatTradeBill } from './bill';
import { BILL_URL_LIFE_SECONDS, startWechatPayMock, type WechatPayMock } from './mock';

const DATE = '2026-11-23';

// The café's day (cafeDayRows), and a revoked code payment.
const pad = (n: number) => String(n).padStart(6, '0');
const ROWS: BillRow[] = [
  ...cafeDayRows({
    tradeNumber: (n) => `T2_20261123_${pad(n)}_m7p2x4`,
    providerRef: (n) => `4200002611202611234100${pad(n)}`,
  }),
  {
    tradeNumber: 'T2_20261123_000044_m7p2x4',
    providerRef: '4200002611202611234100000044',
    time: '2026-11-23T15:45:30+08:00',
    amountMinor: 1888,
    feeMinor: 0,
    refundMinor: 0,
    refundNumber: null,
    status: 'other',
  },
];

let mock: WechatPayMock;
beforeAll(async () => {
  mock = await startWechatPayMock();
});
afterAll(async () => {
  await mock.stop();
});
afterEach(() => {
  mock.clockOffsetSeconds = 0;
});

const provider = () => createWechatPayProvider({ config: mock.config(), timeoutMs: 3000 });

const opsSince = (from: number) => mock.requests.slice(from).map((r) => `${r.method} ${r.path}`);
const TRADEBILL = 'GET /v3/bill/tradebill';
const DOWNLOAD = 'GET /v3/billdownload/file';

describe('a bill that is ready', () => {
  it('comes back row for row: fen, trade numbers, WeChat numbers, refund numbers, fees and times', async () => {
    mock.setBill(DATE, ROWS);
    const from = mock.requests.length;
    expect(await provider().fetchBill!(DATE)).toEqual({ status: 'ready', rows: ROWS });
    expect(opsSince(from)).toEqual([TRADEBILL, DOWNLOAD]);
    expect(mock.requests[from].query).toEqual({ bill_date: DATE, bill_type: 'ALL' });
    expect(mock.requests[from + 1].status).toBe(200);
  });

  it("asks for that day's bill: two days, two bills", async () => {
    mock.setBill('2026-11-20', ROWS.slice(0, 1));
    mock.setBill('2026-11-21', ROWS.slice(1, 3));
    const p = provider();
    expect(await p.fetchBill!('2026-11-21')).toEqual({ status: 'ready', rows: ROWS.slice(1, 3) });
    expect(await p.fetchBill!('2026-11-20')).toEqual({ status: 'ready', rows: ROWS.slice(0, 1) });
  });

  it('reads an empty day (header and summary only) as ready with no rows', async () => {
    mock.setBill('2026-11-22', []);
    expect(await provider().fetchBill!('2026-11-22')).toEqual({ status: 'ready', rows: [] });
  });

  it('reads Chinese goods names with commas and quotes without shifting a column', async () => {
    // buildWechatTradeBill writes 门店消费 for every row; put real goods names (values split on ",`" only).
    const names = ['拿铁咖啡,大杯', '鲜榨橙汁（冰）', '“招牌”红烧牛肉面', '拿铁咖啡,大杯', '"燕麦奶" 美式', '蛋挞×6'];
    let i = 0;
    const csv = buildWechatTradeBill(ROWS).replace(/,`门店消费,/g, () => `,\`${names[i++]},`);
    expect(i).toBe(ROWS.length);
    mock.setBill(DATE, { csv });
    expect(await provider().fetchBill!(DATE)).toEqual({ status: 'ready', rows: ROWS });
  });

  it('reads a bill with a byte-order mark as WeChat Pay sends it', async () => {
    mock.setBill(DATE, { csv: `\uFEFF${buildWechatTradeBill(ROWS)}` });
    expect(await provider().fetchBill!(DATE)).toEqual({ status: 'ready', rows: ROWS });
  });
});

describe('a bill that is not there', () => {
  it('answers not_ready for STATEMENT_CREATING (before about 10:00 the next day), and downloads nothing', async () => {
    mock.setBill('2026-11-24', 'not_ready');
    const from = mock.requests.length;
    expect(await provider().fetchBill!('2026-11-24')).toEqual({ status: 'not_ready' });
    expect(opsSince(from)).toEqual([TRADEBILL]);
    expect(mock.requests[from].code).toBe('STATEMENT_CREATING');
  });

  it('answers none for NO_STATEMENT_EXIST (no trades that day), and downloads nothing', async () => {
    mock.setBill('2026-11-25', 'none');
    const from = mock.requests.length;
    expect(await provider().fetchBill!('2026-11-25')).toEqual({ status: 'none' });
    expect(opsSince(from)).toEqual([TRADEBILL]);
    expect(mock.requests[from].code).toBe('NO_STATEMENT_EXIST');
  });

  it('refuses a date that is not yyyy-mm-dd before asking', async () => {
    const from = mock.requests.length;
    const e = await providerFailure(provider().fetchBill!('2026/11/23'));
    expect(e.kind).toBe('rejected');
    expect(opsSince(from)).toEqual([]);
  });
});

describe('a download that cannot be trusted gives bad_response, never rows', () => {
  it('a bill whose SHA1 does not match the signed answer', async () => {
    mock.setBill(DATE, { csv: buildWechatTradeBill(ROWS), tamper: true });
    const from = mock.requests.length;
    const e = await providerFailure(provider().fetchBill!(DATE));
    expect(e.kind).toBe('bad_response');
    expect(e.message).toBe('The downloaded bill does not match its SHA1');
    expect(opsSince(from)).toEqual([TRADEBILL, DOWNLOAD]);
  });

  it('a bill that matches its SHA1 but is not a bill', async () => {
    mock.setBill(DATE, { csv: '<html><body>502 Bad Gateway</body></html>' });
    const e = await providerFailure(provider().fetchBill!(DATE));
    expect(e.kind).toBe('bad_response');
    expect(e.message).toMatch(/^WeChat Pay bill: the first line is not the bill's header/);
  });

  it('a bill cut short before its summary', async () => {
    const csv = buildWechatTradeBill(ROWS);
    mock.setBill(DATE, { csv: csv.slice(0, csv.indexOf('总交易单数')) });
    const e = await providerFailure(provider().fetchBill!(DATE));
    expect(e.kind).toBe('bad_response');
    expect(e.message).toMatch(/no summary block .* cut short/);
  });

  it('a row with an amount in fractions of a fen', async () => {
    const csv = buildWechatTradeBill(ROWS.slice(1, 2)).replace('`0.60%,`88.88,', '`0.60%,`88.881,'); // 订单金额
    expect(csv).toContain('88.881');
    mock.setBill(DATE, { csv });
    const e = await providerFailure(provider().fetchBill!(DATE));
    expect(e.kind).toBe('bad_response');
    expect(e.message).toMatch(/fraction of a fen/);
  });

  it('a tradebill answer with a bad signature: nothing is downloaded', async () => {
    mock.setBill(DATE, ROWS);
    mock.failNext('tradebill', 'bad_signature');
    const from = mock.requests.length;
    const e = await providerFailure(provider().fetchBill!(DATE));
    expect(e.kind).toBe('bad_response');
    expect(opsSince(from)).toEqual([TRADEBILL]);
  });

  it('a download that fails is an error, never rows', async () => {
    mock.setBill(DATE, ROWS);
    mock.failNext('download', { status: 404, code: 'RESOURCE_NOT_EXISTS', message: '下载链接已失效' });
    const e = await providerFailure(provider().fetchBill!(DATE));
    // The error body of a download is read as bytes, so only the status is known: outcome unknown, ask again.
    expect(e.kind).toBe('server_error');
    expect(e.message).toMatch(/answered 404/);
  });
});

describe('the download link', () => {
  /** A signed GET of a bill download link, as the adapter makes it, outside the adapter. */
  async function download(token: string): Promise<{ status: number; data: Buffer }> {
    const c = mock.config();
    const wx = new Wechatpay({
      mchid: c.mchId,
      serial: c.merchantSerialNo,
      privateKey: c.privateKey,
      certs: trustedKeys(c),
      baseURL: `${mock.url}/`,
      proxy: false,
    });
    const res = await wx.v3.billdownload.file
      .get({ params: { token }, responseType: 'arraybuffer' })
      .catch((e: { response?: { status: number; data: unknown } }) => {
        if (!e.response) throw e;
        return e.response;
      });
    return { status: res.status, data: Buffer.from(res.data as ArrayBuffer) };
  }

  it(`works for ${BILL_URL_LIFE_SECONDS} s after the tradebill answer gave it out, then no more`, async () => {
    mock.setBill(DATE, ROWS);
    await provider().fetchBill!(DATE);
    const token = mock.requests.findLast((r) => r.path === '/v3/billdownload/file')?.query.token;
    expect(token).toMatch(/^[0-9a-f]{24}$/);

    mock.clockOffsetSeconds = BILL_URL_LIFE_SECONDS - 1;
    const early = await download(token!);
    expect(early.status).toBe(200);
    expect(parseWechatTradeBill(early.data.toString('utf8'))).toEqual(ROWS);

    mock.clockOffsetSeconds = BILL_URL_LIFE_SECONDS + 1;
    expect((await download(token!)).status).toBe(404);
    expect(mock.requests.at(-1)).toMatchObject({ path: '/v3/billdownload/file', code: 'RESOURCE_NOT_EXISTS' });

    // Asked again, WeChat Pay gives a fresh link.
    expect(await provider().fetchBill!(DATE)).toEqual({ status: 'ready', rows: ROWS });
  });
});
