import { describe, expect, it } from 'vitest';
import type { BillRow } from '../../provider';
import { paidBillRow } from '../testing';
import { buildWechatTradeBill, parseWechatTradeBill, WECHAT_BILL_COLUMNS } from './bill';

const HEADER = WECHAT_BILL_COLUMNS.join(',');
const SUMMARY_HEADER = '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额';

/** A bill as WeChat Pay serves it: BOM, CRLF, every value after a backtick, a refund, the summary block. */
const SAMPLE = `\uFEFF${[
  HEADER,
  '`2026-12-03 10:11:12,`wx2421b1c4370ec43b,`1900000109,`0,`,`4200002166202612030324636876,`TP20261203-0042-1,`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`NATIVE,`SUCCESS,`OTHERS,`CNY,`103.45,`0.00,`0,`0,`0.00,`0.00,`,`,`拿铁咖啡（大杯）×2,`,`0.62000,`0.60%,`103.45,`0.00,`',
  '`2026-12-03 11:00:00,`wx2421b1c4370ec43b,`1900000109,`0,`,`4200002360202612031150650780,`TP20261203-0043-1,`oVgfJ5TrnzDOSuaxbFc33mw-5LUY,`MICROPAY,`SUCCESS,`CMB_DEBIT,`CNY,`20.00,`0.00,`0,`0,`0.00,`0.00,`,`,`面包, 黄油,`{"shop":"1","till":"2"},`0.12000,`0.60%,`20.00,`0.00,`',
  '`2026-12-03 11:30:01,`wx2421b1c4370ec43b,`1900000109,`0,`,`4200002360202612031150650780,`TP20261203-0043-1,`oVgfJ5TrnzDOSuaxbFc33mw-5LUY,`MICROPAY,`REFUND,`CMB_DEBIT,`CNY,`0.00,`0.00,`50302709992026120391956632208,`RF20261203-0043-1,`20.00,`0.00,`ORIGINAL,`SUCCESS,`面包, 黄油,`{"shop":"1","till":"2"},`-0.12000,`0.60%,`0.00,`20.00,`',
  '`2026-12-03 12:00:00,`wx2421b1c4370ec43b,`1900000109,`0,`,`4200002360202612031150650999,`TP20261203-0044-1,`oVgfJ5TrnzDOSuaxbFc33mw-5LUY,`MICROPAY,`REVOKED,`OTHERS,`CNY,`5.00,`0.00,`0,`0,`0.00,`0.00,`,`,`水,`,`0.00000,`0.60%,`5.00,`0.00,`',
  SUMMARY_HEADER,
  '`4,`128.45,`20.00,`0.00,`0.62000,`128.45,`20.00',
  '',
].join('\r\n')}`;

const SAMPLE_EXPECTED: BillRow[] = [
  {
    tradeNumber: 'TP20261203-0042-1',
    providerRef: '4200002166202612030324636876',
    time: '2026-12-03T10:11:12+08:00',
    amountMinor: 10345,
    feeMinor: 62,
    refundMinor: 0,
    refundNumber: null,
    status: 'paid',
  },
  {
    tradeNumber: 'TP20261203-0043-1',
    providerRef: '4200002360202612031150650780',
    time: '2026-12-03T11:00:00+08:00',
    amountMinor: 2000,
    feeMinor: 12,
    refundMinor: 0,
    refundNumber: null,
    status: 'paid',
  },
  {
    tradeNumber: 'TP20261203-0043-1',
    providerRef: '4200002360202612031150650780',
    time: '2026-12-03T11:30:01+08:00',
    amountMinor: 0,
    feeMinor: 12,
    refundMinor: 2000,
    refundNumber: 'RF20261203-0043-1',
    status: 'refunded',
  },
  {
    tradeNumber: 'TP20261203-0044-1',
    providerRef: '4200002360202612031150650999',
    time: '2026-12-03T12:00:00+08:00',
    amountMinor: 500,
    feeMinor: 0,
    refundMinor: 0,
    refundNumber: null,
    status: 'other',
  },
];

const lines = (text: string) => text.replace(/^\uFEFF/, '').split('\r\n');
/** SAMPLE with its first data row's value in `column` replaced. */
function withValue(column: string, value: string, row = 1): string {
  const ls = lines(SAMPLE);
  const fields = ls[row].split(',`');
  const i = WECHAT_BILL_COLUMNS.indexOf(column as (typeof WECHAT_BILL_COLUMNS)[number]);
  fields[i] = i === 0 ? `\`${value}` : value; // the line's own first backtick stays with the first field
  ls[row] = fields.join(',`');
  return ls.join('\r\n');
}

const paid = (n: number, amountMinor: number, feeMinor = 0): BillRow =>
  paidBillRow(n, amountMinor, feeMinor, `42000021662026120${String(n).padStart(11, '0')}`);

describe('parseWechatTradeBill: a bill as WeChat Pay serves it', () => {
  it('reads the rows: BOM, CRLF, backticks, commas inside values, a refund, a revoked payment, the summary', () => {
    expect(parseWechatTradeBill(SAMPLE)).toEqual(SAMPLE_EXPECTED);
  });

  it('reads LF line ends and no BOM the same', () => {
    expect(parseWechatTradeBill(lines(SAMPLE).join('\n'))).toEqual(SAMPLE_EXPECTED);
  });

  it('reads columns by name, so a column added in the middle shifts nothing', () => {
    const ls = lines(SAMPLE).map((l, i) => {
      if (i === 0) return l.replace('交易状态,', '交易状态,优惠标识,');
      if (l.startsWith('`') && i < 5) return l.replace(/,`(SUCCESS|REFUND|REVOKED),/, ',`$1,`NEW_COLUMN,');
      return l;
    });
    expect(ls[1]).toContain('`SUCCESS,`NEW_COLUMN,`OTHERS');
    expect(parseWechatTradeBill(ls.join('\r\n'))).toEqual(SAMPLE_EXPECTED);
  });

  it('turns yuan into fen exactly, up to 99999999.99', () => {
    const amounts = ['0.01', '0.10', '88.88', '99999999.99', '1.2', '7', '0.29', '1.15', '4.35'];
    const ls = lines(SAMPLE);
    const rows = amounts.map((a) => ls[1].replace(/`103\.45/g, `\`${a}`));
    const text = [HEADER, ...rows, SUMMARY_HEADER, '`9,`0.00,`0.00,`0.00,`0.00000,`0.00,`0.00'].join('\r\n');
    expect(parseWechatTradeBill(text).map((r) => r.amountMinor)).toEqual([
      1, 10, 8888, 9999999999, 120, 700, 29, 115, 435,
    ]);
  });

  it('reads 手续费 with five decimals, rounding a rare part of a fen half up', () => {
    const fee = (text: string) => parseWechatTradeBill(withValue('手续费', text))[0].feeMinor;
    expect(fee('0.62000')).toBe(62);
    expect(fee('0.00400')).toBe(0);
    expect(fee('0.00500')).toBe(1);
    expect(fee('-0.12500')).toBe(13);
  });

  it('an empty day (the header and no rows) is no rows, with or without the summary', () => {
    expect(parseWechatTradeBill(`${HEADER}\r\n`)).toEqual([]);
    expect(
      parseWechatTradeBill(
        `\uFEFF${HEADER}\r\n${SUMMARY_HEADER}\r\n\`0,\`0.00,\`0.00,\`0.00,\`0.00000,\`0.00,\`0.00\r\n`,
      ),
    ).toEqual([]);
  });
});

describe('parseWechatTradeBill: what is not a bill is an Error, never rows', () => {
  it('an empty text, an error page, a JSON error', () => {
    expect(() => parseWechatTradeBill('')).toThrow(/^WeChat Pay bill: the file is empty/);
    expect(() => parseWechatTradeBill('<html><body>502 Bad Gateway</body></html>')).toThrow(/not the bill's header/);
    expect(() => parseWechatTradeBill('{"code":"NO_STATEMENT_EXIST","message":"账单不存在"}')).toThrow(
      /not the bill's header/,
    );
  });

  it('rows without the summary block after them (a cut file)', () => {
    const cut = lines(SAMPLE).slice(0, 3).join('\r\n');
    expect(() => parseWechatTradeBill(cut)).toThrow(/no summary block .* cut short/);
  });

  it('a summary block with other than one row', () => {
    expect(() => parseWechatTradeBill(SAMPLE.replace(/\r\n$/, '\r\n`1,`2\r\n'))).toThrow(/summary block/);
    const noRow = lines(SAMPLE).slice(0, 6).join('\r\n');
    expect(() => parseWechatTradeBill(noRow)).toThrow(/found 0 row/);
  });

  it('a row without backticks, or with a field too many or too few', () => {
    const ls = lines(SAMPLE);
    expect(() => parseWechatTradeBill([ls[0], ls[1].replace(/`/g, ''), ...ls.slice(5)].join('\n'))).toThrow(
      /row 1 does not start with a backtick/,
    );
    expect(() => parseWechatTradeBill([ls[0], `${ls[1]},\`x`, ...ls.slice(5)].join('\n'))).toThrow(
      /row 1 has 28 fields, the header has 27/,
    );
  });

  it('a header without a needed column', () => {
    expect(() => parseWechatTradeBill(SAMPLE.replace('商户退款单号', '退款单号'))).toThrow(
      /the header has no "商户退款单号" column/,
    );
  });

  it('an amount that is not one, is negative, or has a fraction of a fen', () => {
    expect(() => parseWechatTradeBill(withValue('订单金额', '12.3.4'))).toThrow(/row 1, 订单金额 is not an amount/);
    expect(() => parseWechatTradeBill(withValue('订单金额', '-1.00'))).toThrow(/negative/);
    expect(() => parseWechatTradeBill(withValue('退款金额', '0.001'))).toThrow(/fraction of a fen/);
    expect(() => parseWechatTradeBill(withValue('手续费', ''))).toThrow(/手续费 is not an amount/);
  });

  it('a time that is not one, a refund without our refund number, a row without 微信订单号', () => {
    expect(() => parseWechatTradeBill(withValue('交易时间', '2026-12-03 16：33：45'))).toThrow(
      /交易时间 is not a time/,
    );
    expect(() => parseWechatTradeBill(withValue('商户退款单号', '0', 3))).toThrow(/row 3 is a refund without/);
    expect(() => parseWechatTradeBill(withValue('微信订单号', ''))).toThrow(/no 微信订单号/);
  });
});

describe('buildWechatTradeBill: the mock bill', () => {
  it('round trips: build then parse gives the rows back', () => {
    const rows: BillRow[] = [
      paid(1, 1),
      paid(2, 10),
      paid(3, 8888, 53),
      paid(4, 9999999999, 59999999),
      {
        ...paid(3, 0, 53),
        time: '2026-12-03T23:59:59+08:00',
        refundMinor: 8888,
        refundNumber: 'R3',
        status: 'refunded',
      },
      { ...paid(5, 500), status: 'other' },
    ];
    expect(parseWechatTradeBill(buildWechatTradeBill(rows))).toEqual(rows);
  });

  it('round trips an empty day', () => {
    expect(parseWechatTradeBill(buildWechatTradeBill([]))).toEqual([]);
  });

  it('writes the provider layout: backticks, five-decimal fees (negative on a refund), the summary, CRLF', () => {
    const text = buildWechatTradeBill([
      paid(3, 8888, 53),
      { ...paid(3, 0, 53), refundMinor: 8888, refundNumber: 'R3', status: 'refunded' },
    ]);
    const ls = text.split('\r\n');
    expect(ls[0]).toBe(HEADER);
    expect(ls[1]).toMatch(/^`2026-12-03 11:03:13,`wx\w+,`\d+,`0,`,`4200/);
    expect(ls[1]).toContain(',`SUCCESS,`OTHERS,`CNY,`88.88,`0.00,`0,`0,`0.00,');
    expect(ls[1]).toContain(',`0.53000,`0.60%,`88.88,`0.00,`');
    expect(ls[2]).toContain(',`REFUND,');
    expect(ls[2]).toContain(',`R3,`88.88,`0.00,`ORIGINAL,`SUCCESS,');
    expect(ls[2]).toContain(',`-0.53000,`0.60%,`0.00,`88.88,`');
    expect(ls.slice(3)).toEqual([SUMMARY_HEADER, '`2,`88.88,`88.88,`0.00,`0.00000,`88.88,`88.88', '']);
  });

  it('writes the time in China time whatever offset the row has', () => {
    const row = { ...paid(1, 100), time: '2026-12-03T02:11:12Z' };
    expect(parseWechatTradeBill(buildWechatTradeBill([row]))[0].time).toBe('2026-12-03T10:11:12+08:00');
  });

  it('refuses rows WeChat Pay could not have written', () => {
    const build = (row: BillRow) => () => buildWechatTradeBill([row]);
    expect(build({ ...paid(1, 100), status: 'refunded', refundMinor: 100, refundNumber: 'R' })).toThrow(
      /amountMinor must be 0/,
    );
    expect(build({ ...paid(1, 0), status: 'refunded', refundMinor: 100 })).toThrow(/without a refundNumber/);
    expect(build({ ...paid(1, 100), refundNumber: 'R' })).toThrow(/not a refund/);
    expect(build({ ...paid(1, 100), tradeNumber: 'a,`b' })).toThrow(/tradeNumber/);
    expect(build(paid(1, -1))).toThrow(/not whole fen/);
  });
});
