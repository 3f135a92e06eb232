// fetchBill end to end against the Alipay mock: the signed download-URL query, the download, the GBK zip
// built by buildAlipayBillZip and read back by the adapter, exactly. Also the "not yet" / "none" answers, a
// broken download (never rows), and the download link's documented 30 s life.
import { unzipSync, zipSync } from 'fflate';
import iconv from 'iconv-lite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cafeDayRows, providerFailure } from '../testing';
import { createAlipayProvider } from './adapter';
import { buildAlipayBillZip, parseAlipayBillZip } from './bill';
import { type AlipayMock, BILL_URL_LIFE_MS, startAlipayMock } from './mock';

const QUERY_PATH = '/v3/alipay/data/dataservice/bill/downloadurl/query';
const DATE = '2026-11-23';

const pad = (n: number) => String(n).padStart(6, '0');
const ROWS = cafeDayRows({
  tradeNumber: (n) => `T1_20261123_${pad(n)}_k3x9q2`,
  providerRef: (n) => `2026112322001412340500${pad(n)}`,
});

let mock: AlipayMock;
beforeAll(async () => {
  mock = await startAlipayMock();
});
afterAll(async () => {
  await mock.stop();
});
afterEach(() => {
  mock.clockOffsetMs = 0;
  mock.clearFaults();
});

const provider = () => createAlipayProvider({ config: mock.config(), timeoutMs: 3000 });

/** The requests fetchBill made, from `from` on. */
const pathsSince = (from: number) => mock.requests.slice(from).map((r) => `${r.method} ${r.path}`);

/** The download URL the mock gave out last (read back from its request log). */
function lastDownloadUrl(): string {
  const r = mock.requests.findLast((x) => x.path.startsWith('/bills/'));
  if (!r) throw new Error('no bill was downloaded');
  return `${mock.url}${r.path}`;
}

describe('a bill that is ready', () => {
  it('comes back row for row: fen, trade numbers, Alipay numbers, refund numbers, fees and times', async () => {
    mock.setBill(DATE, ROWS);
    const from = mock.requests.length;
    expect(await provider().fetchBill!(DATE)).toEqual({ status: 'ready', rows: ROWS });
    expect(pathsSince(from)).toEqual([
      `GET ${QUERY_PATH}`,
      expect.stringMatching(/^GET \/bills\/[0-9a-f-]+\.csv\.zip$/),
    ]);
  });

  it("asks for that day's bill: two days, two bills", async () => {
    mock.setBill('2026-11-20', ROWS.slice(0, 1));
    mock.setBill('2026-11-21', ROWS.slice(1, 3));
    const p = provider();
    expect(await p.fetchBill!('2026-11-21')).toEqual({ status: 'ready', rows: ROWS.slice(1, 3) });
    expect(await p.fetchBill!('2026-11-20')).toEqual({ status: 'ready', rows: ROWS.slice(0, 1) });
  });

  it('reads an empty day as ready with no rows', async () => {
    mock.setBill('2026-11-22', []);
    expect(await provider().fetchBill!('2026-11-22')).toEqual({ status: 'ready', rows: [] });
  });

  it('reads Chinese goods names with commas and quotes without shifting a column', async () => {
    // buildAlipayBillZip writes 门店消费 for every row; put real goods names in the GBK detail file.
    const names = ['拿铁咖啡, 大杯', '鲜榨橙汁（冰）', '“招牌”红烧牛肉面', '拿铁咖啡, 大杯', '"燕麦奶" 美式'];
    const built = unzipSync(buildAlipayBillZip(ROWS, DATE));
    const files: Record<string, Uint8Array> = {};
    for (const [raw, data] of Object.entries(built)) {
      const name = iconv.decode(Buffer.from(raw, 'latin1'), 'gbk');
      let text = iconv.decode(Buffer.from(data), 'gbk');
      if (name.endsWith('_业务明细.csv')) {
        let i = 0;
        text = text.replace(/,门店消费,/g, () => `,"${names[i++].replace(/"/g, '""')}",`);
        expect(i).toBe(ROWS.length);
      }
      files[name] = iconv.encode(text, 'gbk');
    }
    // fflate writes the names as flagged UTF-8: the adapter reads both that and Alipay's unflagged GBK.
    mock.setBill(DATE, { zip: zipSync(files) });
    expect(await provider().fetchBill!(DATE)).toEqual({ status: 'ready', rows: ROWS });
  });
});

describe('a bill that is not there', () => {
  it('answers not_ready for BILL_NOT_EXIST (before about 09:00 the next day), and downloads nothing', async () => {
    mock.setBill('2026-11-24', 'not_ready');
    const from = mock.requests.length;
    expect(await provider().fetchBill!('2026-11-24')).toEqual({ status: 'not_ready' });
    expect(pathsSince(from)).toEqual([`GET ${QUERY_PATH}`]);
  });

  it('answers not_ready for a day the mock was told nothing about', async () => {
    expect(await provider().fetchBill!('2026-10-01')).toEqual({ status: 'not_ready' });
  });

  it('answers none for NO_BILL_DATA (no trades that day), and downloads nothing', async () => {
    mock.setBill('2026-11-25', 'none');
    const from = mock.requests.length;
    expect(await provider().fetchBill!('2026-11-25')).toEqual({ status: 'none' });
    expect(pathsSince(from)).toEqual([`GET ${QUERY_PATH}`]);
  });

  it('refuses a date that is not yyyy-mm-dd before asking', async () => {
    const from = mock.requests.length;
    await expect(provider().fetchBill!('2026-11')).rejects.toThrow(RangeError);
    expect(pathsSince(from)).toEqual([]);
  });
});

describe('a download that cannot be trusted gives bad_response, never rows', () => {
  const zip = buildAlipayBillZip(ROWS, DATE);

  it('a zip that is not a zip', async () => {
    mock.setBill(DATE, { zip: new TextEncoder().encode('<html><body>502 Bad Gateway</body></html>') });
    const e = await providerFailure(provider().fetchBill!(DATE));
    expect(e.kind).toBe('bad_response');
    expect(e.message).toMatch(/^The bill cannot be read: Alipay bill: not a readable zip file/);
  });

  it('a zip cut short', async () => {
    mock.setBill(DATE, { zip: zip.slice(0, Math.floor(zip.length / 2)) });
    const e = await providerFailure(provider().fetchBill!(DATE));
    expect(e.kind).toBe('bad_response');
    expect(e.message).toMatch(/^The bill cannot be read: Alipay bill: /);
  });

  it('a zip without the detail file', async () => {
    const only = Object.fromEntries(
      Object.entries(unzipSync(zip))
        .map(([raw, data]) => [iconv.decode(Buffer.from(raw, 'latin1'), 'gbk'), data] as const)
        .filter(([name]) => name.includes('汇总')),
    );
    mock.setBill(DATE, { zip: zipSync(only) });
    const e = await providerFailure(provider().fetchBill!(DATE));
    expect(e.kind).toBe('bad_response');
    expect(e.message).toMatch(/no detail file \(…业务明细\.csv\) in the zip; it holds: .*业务明细\(汇总\)\.csv/);
  });

  it('a detail file whose end marker is missing (a file cut short)', async () => {
    const files: Record<string, Uint8Array> = {};
    for (const [raw, data] of Object.entries(unzipSync(zip))) {
      const name = iconv.decode(Buffer.from(raw, 'latin1'), 'gbk');
      const text = iconv.decode(Buffer.from(data), 'gbk');
      const cut = name.endsWith('_业务明细.csv')
        ? text.slice(0, text.indexOf('#-----------------------------------------业务明细列表结束'))
        : text;
      files[name] = iconv.encode(cut, 'gbk');
    }
    mock.setBill(DATE, { zip: zipSync(files) });
    const e = await providerFailure(provider().fetchBill!(DATE));
    expect(e.kind).toBe('bad_response');
    expect(e.message).toMatch(/业务明细列表结束.*cut short/);
  });

  it('a download URL whose answer is not signed by Alipay', async () => {
    mock.setBill(DATE, ROWS);
    mock.badSignatureNext(QUERY_PATH);
    const from = mock.requests.length;
    const e = await providerFailure(provider().fetchBill!(DATE));
    expect(e.kind).toBe('bad_response');
    expect(pathsSince(from)).toEqual([`GET ${QUERY_PATH}`]); // nothing downloaded from a forged address
  });

  it('a download URL answer without the URL', async () => {
    mock.setBill(DATE, ROWS);
    mock.rewriteNext(QUERY_PATH, () => ({ bill_download_url: 'not a url' }));
    const e = await providerFailure(provider().fetchBill!(DATE));
    expect(e.kind).toBe('bad_response');
  });
});

describe('the download link', () => {
  it(`works for ${BILL_URL_LIFE_MS / 1000} s after it was given out, then no more`, async () => {
    mock.setBill(DATE, ROWS);
    await provider().fetchBill!(DATE);
    const url = lastDownloadUrl();
    expect(url.startsWith('http://127.0.0.1:')).toBe(true);

    mock.clockOffsetMs = BILL_URL_LIFE_MS - 1000;
    const early = await fetch(url);
    expect(early.status).toBe(200);
    expect(parseAlipayBillZip(new Uint8Array(await early.arrayBuffer()))).toEqual(ROWS);

    mock.clockOffsetMs = BILL_URL_LIFE_MS + 1000;
    const late = await fetch(url);
    expect(late.status).toBe(404);
    await late.arrayBuffer();
  });

  it('an expired link given to the adapter is an error, never rows', async () => {
    mock.setBill(DATE, ROWS);
    await provider().fetchBill!(DATE);
    const expired = lastDownloadUrl();
    mock.clockOffsetMs = BILL_URL_LIFE_MS + 1000;
    mock.rewriteNext(QUERY_PATH, () => ({ bill_download_url: expired }));
    const e = await providerFailure(provider().fetchBill!(DATE));
    expect(e.message).toBe('The bill download answered 404');
    // Asked again, Alipay gives a fresh link.
    expect(await provider().fetchBill!(DATE)).toEqual({ status: 'ready', rows: ROWS });
  });

  it('an unknown token is not served', async () => {
    const res = await fetch(`${mock.url}/bills/00000000-0000-4000-8000-000000000000.csv.zip`);
    expect(res.status).toBe(404);
    await res.arrayBuffer();
  });
});
