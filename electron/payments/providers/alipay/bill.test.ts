import { unzipSync, zipSync } from 'fflate';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { BillRow } from '../../provider';
import { paidBillRow } from '../testing';
import { ALIPAY_DETAIL_COLUMNS, buildAlipayBillZip, parseAlipayBillZip, parseAlipayDetailCsv } from './bill';

const DETAIL_START = '#-----------------------------------------业务明细列表----------------------------------------';
const DETAIL_END = '#-----------------------------------------业务明细列表结束------------------------------------';
const HEADER = ALIPAY_DETAIL_COLUMNS.join(',');

/**
 * A zip as Alipay's Java server writes it: GBK names without the UTF-8 flag. fflate only writes UTF-8 names,
 * so it writes ASCII stand-ins of the same byte length, which are then overwritten with the GBK bytes (this
 * helper is independent of the builder's own zip writer on purpose).
 */
function zipWithGbkNames(files: Record<string, string>): Uint8Array {
  const real = Object.entries(files).map(([name, text]) => ({ name: iconv.encode(name, 'gbk'), text }));
  const standIns = real.map((f, i) => `~${i}`.padEnd(f.name.length, '~'));
  const zip = Buffer.from(
    zipSync(Object.fromEntries(real.map((f, i) => [standIns[i], iconv.encode(f.text, 'gbk')])), { level: 0 }),
  );
  real.forEach((f, i) => {
    let found = 0;
    for (let at = zip.indexOf(standIns[i]); at >= 0; at = zip.indexOf(standIns[i], at + 1)) {
      f.name.copy(zip, at);
      found++;
    }
    expect(found).toBe(2); // the local header and the central directory
  });
  return zip;
}

function detailFile(rowLines: string[], header = HEADER): string {
  return [
    '#支付宝业务明细查询',
    '#账号：[20880000000000000156]',
    '#起始日期：[2026年12月03日 00:00:00]   终止日期：[2026年12月04日 00:00:00]',
    DETAIL_START,
    header,
    ...rowLines,
    DETAIL_END,
    '#交易合计：2笔，商家实收共123.45元，商家优惠共0.00元',
    '#退款合计：1笔，商家实收退款共-20.00元，商家优惠退款共0.00元',
    '#导出时间：[2026年12月04日 09:05:41]',
    '',
  ].join('\r\n');
}

/** A detail row in Alipay's layout: ids padded with a tab, some values with trailing spaces. */
function detailLine(v: {
  tradeNo: string;
  outTradeNo: string;
  type: string;
  created: string;
  finished: string;
  amount: string;
  refundNo?: string;
  fee: string;
}): string {
  return [
    `${v.tradeNo}\t`,
    `${v.outTradeNo}\t`,
    v.type,
    '拿铁咖啡（大杯）',
    v.created,
    v.finished,
    '',
    '',
    '',
    '',
    'zha***@163.com  ',
    v.amount,
    v.amount,
    '0.00',
    '0.00',
    '0.00',
    '0.00',
    '0.00',
    '',
    '0.00',
    '0.00',
    v.refundNo ? `${v.refundNo}\t` : '',
    v.fee,
    '0.00',
    '',
  ].join(',');
}

const SUMMARY_FILE = [
  '#支付宝业务汇总查询',
  '#账号：[20880000000000000156]',
  '#起始日期：[2026年12月03日 00:00:00]   终止日期：[2026年12月04日 00:00:00]',
  '#-----------------------------------------业务汇总列表----------------------------------------',
  '门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,支付宝优惠（元）,商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）',
  ',合计,2,1,103.45,103.45,0.00,0.00,0.00,-0.62,0.00,102.83',
  '#----------------------------------------业务汇总列表结束-------------------------------------',
  '#导出时间：[2026年12月04日 09:05:41]',
  '',
].join('\r\n');

const NAMES = {
  detail: '20880000000000000156_20261203_业务明细.csv',
  summary: '20880000000000000156_20261203_业务明细(汇总).csv',
};

const SAMPLE_ROWS = [
  detailLine({
    tradeNo: '2026120322001411111111111111',
    outTradeNo: 'TP20261203-0042-1',
    type: '交易',
    created: '2026-12-03 10:11:02',
    finished: '2026-12-03 10:11:12',
    amount: '103.45',
    fee: '-0.62',
  }),
  detailLine({
    tradeNo: '2026120322001422222222222222',
    outTradeNo: 'TP20261203-0043-1',
    type: '交易',
    created: '2026-12-03 11:00:00',
    finished: '',
    amount: '20.00',
    fee: '-0.12',
  }),
  detailLine({
    tradeNo: '2026120322001422222222222222',
    outTradeNo: 'TP20261203-0043-1',
    type: '退款',
    created: '2026-12-03 11:30:00',
    finished: '2026-12-03 11:30:01',
    amount: '-20.00',
    refundNo: 'RF20261203-0043-1',
    fee: '0.12',
  }),
];

const SAMPLE_EXPECTED: BillRow[] = [
  {
    tradeNumber: 'TP20261203-0042-1',
    providerRef: '2026120322001411111111111111',
    time: '2026-12-03T10:11:12+08:00',
    amountMinor: 10345,
    feeMinor: 62,
    refundMinor: 0,
    refundNumber: null,
    status: 'paid',
  },
  {
    tradeNumber: 'TP20261203-0043-1',
    providerRef: '2026120322001422222222222222',
    time: '2026-12-03T11:00:00+08:00', // no 完成时间: 创建时间
    amountMinor: 2000,
    feeMinor: 12,
    refundMinor: 0,
    refundNumber: null,
    status: 'paid',
  },
  {
    tradeNumber: 'TP20261203-0043-1',
    providerRef: '2026120322001422222222222222',
    time: '2026-12-03T11:30:01+08:00',
    amountMinor: 0,
    feeMinor: 12,
    refundMinor: 2000,
    refundNumber: 'RF20261203-0043-1',
    status: 'refunded',
  },
];

const paid = (n: number, amountMinor: number, feeMinor = 0): BillRow =>
  paidBillRow(n, amountMinor, feeMinor, `20261203220014${String(n).padStart(14, '0')}`);

describe('parseAlipayBillZip: a bill as Alipay serves it', () => {
  it('reads the detail file of a GBK-named zip: trailing tabs, a refund, the summary file left alone', () => {
    const zip = zipWithGbkNames({ [NAMES.detail]: detailFile(SAMPLE_ROWS), [NAMES.summary]: SUMMARY_FILE });
    expect(parseAlipayBillZip(zip)).toEqual(SAMPLE_EXPECTED);
  });

  it('also reads a zip whose names are UTF-8 flagged, and LF line ends', () => {
    const text = detailFile(SAMPLE_ROWS).replace(/\r\n/g, '\n');
    const zip = zipSync({
      [NAMES.detail]: iconv.encode(text, 'gbk'),
      [NAMES.summary]: iconv.encode(SUMMARY_FILE, 'gbk'),
    });
    expect(parseAlipayBillZip(zip)).toEqual(SAMPLE_EXPECTED);
  });

  it('reads columns by name, so a column added in the middle shifts nothing', () => {
    const header = HEADER.replace('商品名称,', '商品名称,花呗分期数,');
    const rows = SAMPLE_ROWS.map((line) => line.replace('拿铁咖啡（大杯）,', '拿铁咖啡（大杯）,3,'));
    const zip = zipWithGbkNames({ [NAMES.detail]: detailFile(rows, header) });
    expect(parseAlipayBillZip(zip)).toEqual(SAMPLE_EXPECTED);
  });

  it('turns yuan into fen exactly, up to 99999999.99', () => {
    const amounts = ['0.01', '0.10', '88.88', '99999999.99', '1.2', '7', '0.29', '1.15', '4.35'];
    const lines = amounts.map((amount, i) =>
      detailLine({
        tradeNo: `20261203220014000000000000${i}`,
        outTradeNo: `T${i}`,
        type: '交易',
        created: '2026-12-03 10:00:00',
        finished: '2026-12-03 10:00:01',
        amount,
        fee: '-0.01',
      }),
    );
    const rows = parseAlipayDetailCsv(detailFile(lines));
    expect(rows.map((r) => r.amountMinor)).toEqual([1, 10, 8888, 9999999999, 120, 700, 29, 115, 435]);
    expect(rows.every((r) => r.feeMinor === 1)).toBe(true);
  });

  it('an empty day (the header and no rows) is no rows', () => {
    const zip = zipWithGbkNames({ [NAMES.detail]: detailFile([]), [NAMES.summary]: SUMMARY_FILE });
    expect(parseAlipayBillZip(zip)).toEqual([]);
  });

  it('a 业务类型 other than 交易 and 退款 is kept as "other"', () => {
    const line = SAMPLE_ROWS[0].replace(',交易,', ',其他,');
    expect(parseAlipayDetailCsv(detailFile([line]))[0]).toMatchObject({ status: 'other', amountMinor: 10345 });
  });
});

describe('parseAlipayBillZip: what is not a bill is an Error, never rows', () => {
  const withDetail = (text: string) => zipWithGbkNames({ [NAMES.detail]: text, [NAMES.summary]: SUMMARY_FILE });

  it('bytes that are not a zip', () => {
    expect(() => parseAlipayBillZip(new TextEncoder().encode('<html>502 Bad Gateway</html>'))).toThrow(
      /^Alipay bill: not a readable zip file/,
    );
  });

  it('a zip without the detail file names what it holds', () => {
    expect(() => parseAlipayBillZip(zipWithGbkNames({ [NAMES.summary]: SUMMARY_FILE }))).toThrow(
      /no detail file .* it holds: 20880000000000000156_20261203_业务明细\(汇总\)\.csv/,
    );
  });

  it('a detail file cut short before its end line', () => {
    const text = detailFile(SAMPLE_ROWS);
    expect(() => parseAlipayBillZip(withDetail(text.slice(0, text.indexOf(DETAIL_END))))).toThrow(/cut short/);
  });

  it('a detail file without its start line', () => {
    expect(() => parseAlipayBillZip(withDetail(detailFile(SAMPLE_ROWS).replace(DETAIL_START, '#')))).toThrow(
      /no "#---业务明细列表---" line/,
    );
  });

  it('a header without a needed column', () => {
    const header = HEADER.replace('服务费（元）', '手续费（元）');
    expect(() => parseAlipayBillZip(withDetail(detailFile(SAMPLE_ROWS, header)))).toThrow(
      /the header has no "服务费（元）" column/,
    );
  });

  it('a row with a field too few or too many', () => {
    expect(() => parseAlipayBillZip(withDetail(detailFile([`${SAMPLE_ROWS[0]},extra`])))).toThrow(
      /detail row 1 has 26 fields, the header has 25/,
    );
  });

  it('an amount that is not one, or has a fraction of a fen', () => {
    const bad = (amount: string) => detailFile([SAMPLE_ROWS[0].replace(',103.45,103.45,', `,${amount},103.45,`)]);
    expect(() => parseAlipayDetailCsv(bad('12.3.4'))).toThrow(
      /detail row 1, 订单金额（元） is not an amount: "12.3.4"/,
    );
    expect(() => parseAlipayDetailCsv(bad('1.005'))).toThrow(/fraction of a fen/);
    expect(() => parseAlipayDetailCsv(bad('1e3'))).toThrow(/not an amount/);
    expect(() => parseAlipayDetailCsv(bad(''))).toThrow(/not an amount/);
  });

  it('a time that is not one', () => {
    const text = detailFile([SAMPLE_ROWS[0].replace('2026-12-03 10:11:12', '2026/12/03 10:11')]);
    expect(() => parseAlipayDetailCsv(text)).toThrow(/完成时间 is not a time/);
  });

  it('a refund without its request number', () => {
    const line = SAMPLE_ROWS[2].replace('RF20261203-0043-1\t', '');
    expect(() => parseAlipayDetailCsv(detailFile([line]))).toThrow(/refund without 退款批次号/);
  });
});

describe('buildAlipayBillZip: the mock bill', () => {
  it('round trips: build then parse gives the rows back', () => {
    const rows: BillRow[] = [
      paid(1, 1, 0),
      paid(2, 10, 0),
      paid(3, 8888, 53),
      paid(4, 9999999999, 59999999),
      {
        ...paid(3, 0, 53),
        time: '2026-12-03T23:59:59+08:00',
        refundMinor: 8888,
        refundNumber: 'R3',
        status: 'refunded',
      },
    ];
    expect(parseAlipayBillZip(buildAlipayBillZip(rows, '2026-12-03'))).toEqual(rows);
  });

  it('round trips an empty day', () => {
    expect(parseAlipayBillZip(buildAlipayBillZip([], '2026-12-03'))).toEqual([]);
  });

  it('writes GBK names without the UTF-8 flag, GBK text, and the summary file', () => {
    const zip = buildAlipayBillZip([paid(1, 8888, 53)], '2026-12-31');
    // General purpose flag of the first local header: bit 11 (UTF-8) clear.
    expect(new DataView(zip.buffer, zip.byteOffset).getUint16(6, true) & 0x800).toBe(0);
    const names = Object.keys(unzipSync(zip)).map((n) => iconv.decode(Buffer.from(n, 'latin1'), 'gbk'));
    expect(names).toEqual([
      '20880000000000000156_20261231_业务明细.csv',
      '20880000000000000156_20261231_业务明细(汇总).csv',
    ]);
    const detail = iconv.decode(Object.values(unzipSync(zip))[0], 'gbk');
    expect(detail).toContain(`${DETAIL_START}\r\n${HEADER}\r\n`);
    expect(detail).toContain('\t,TP20261203-0001-1\t,交易,');
    expect(detail).toContain('终止日期：[2027年01月01日 00:00:00]');
  });

  it('writes the time in China time whatever offset the row has', () => {
    const row = { ...paid(1, 100), time: '2026-12-03T02:11:12Z' };
    expect(parseAlipayBillZip(buildAlipayBillZip([row], '2026-12-03'))[0].time).toBe('2026-12-03T10:11:12+08:00');
  });

  it('refuses rows Alipay could not have written', () => {
    const build = (row: BillRow) => () => buildAlipayBillZip([row], '2026-12-03');
    expect(build({ ...paid(1, 100), status: 'other' })).toThrow(/only has 交易 and 退款/);
    expect(build({ ...paid(1, 100), status: 'refunded', refundMinor: 100, refundNumber: 'R' })).toThrow(
      /amountMinor must be 0/,
    );
    expect(build({ ...paid(1, 0), status: 'refunded', refundMinor: 100 })).toThrow(/without a refundNumber/);
    expect(build(paid(1, 1.5))).toThrow(/not whole fen/);
    expect(() => buildAlipayBillZip([], '2026-12-3')).toThrow(/yyyy-mm-dd/);
  });
});
