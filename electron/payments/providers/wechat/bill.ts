// WeChat Pay's daily trade bill (GET /v3/bill/tradebill?bill_type=ALL → download): UTF-8 CSV. A header row,
// then one row per payment or refund where every value starts with a backtick (so spreadsheets keep ids as
// text), then a summary block: its own header (总交易单数,应结订单总金额,…) and one row. Amounts are yuan;
// 手续费 has five decimals and is negative on a refund row (the fee given back).
import type { BillRow } from '../../provider';
import { billChinaTime, billYuanToFen, signedFenToYuan, toChinaTime } from '../money';

/** The ALL bill's 27 columns, in WeChat Pay's order (the builder writes them; the parser reads by name). */
export const WECHAT_BILL_COLUMNS = [
  '交易时间',
  '公众账号ID',
  '商户号',
  '特约商户号',
  '设备号',
  '微信订单号',
  '商户订单号',
  '用户标识',
  '交易类型',
  '交易状态',
  '付款银行',
  '货币种类',
  '应结订单金额',
  '代金券金额',
  '微信退款单号',
  '商户退款单号',
  '退款金额',
  '充值券退款金额',
  '退款类型',
  '退款状态',
  '商品名称',
  '商户数据包',
  '手续费',
  '费率',
  '订单金额',
  '申请退款金额',
  '费率备注',
] as const;

const SUMMARY_COLUMNS = [
  '总交易单数',
  '应结订单总金额',
  '退款总金额',
  '充值券退款总金额',
  '手续费总金额',
  '订单总金额',
  '申请退款总金额',
];

function fail(message: string): never {
  throw new Error(`WeChat Pay bill: ${message}`);
}

// ---- parsing ---------------------------------------------------------------------------------------------

/** The bill rows of one downloaded trade bill (after its SHA1 was checked). Throws when it cannot be read. */
export function parseWechatTradeBill(csv: string): BillRow[] {
  const lines = csv.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  let n = 0;
  while (n < lines.length && lines[n].trim() === '') n++;
  if (n === lines.length) fail('the file is empty');
  const header = lines[n].split(',').map((h) => h.trim());
  if (!header.includes('交易时间') || !header.includes('商户订单号')) {
    fail(`the first line is not the bill's header: "${lines[n].slice(0, 40)}"`);
  }
  const col = columnFinder(header);
  const at = {
    time: col('交易时间'),
    transactionId: col('微信订单号'),
    outTradeNo: col('商户订单号'),
    state: col('交易状态'),
    // 订单金额 is the amount we asked for; bills from before it existed only have 应结订单金额.
    amount: header.includes('订单金额') ? col('订单金额') : col('应结订单金额'),
    outRefundNo: col('商户退款单号'),
    refund: col('退款金额'),
    fee: col('手续费'),
  };

  const rows: BillRow[] = [];
  let summary = false;
  for (n++; n < lines.length; n++) {
    const line = lines[n];
    if (line.trim() === '') continue;
    if (line.startsWith('总交易单数')) {
      summary = true;
      break;
    }
    const where = `row ${rows.length + 1}`;
    if (!line.startsWith('`')) fail(`${where} does not start with a backtick: "${line.slice(0, 40)}"`);
    // Values are joined by ",`": a comma inside a value (商品名称, 商户数据包) does not split it.
    const r = line
      .slice(1)
      .split(',`')
      .map((v) => v.trim());
    if (r.length !== header.length) fail(`${where} has ${r.length} fields, the header has ${header.length}`);
    const providerRef = r[at.transactionId];
    if (!providerRef) fail(`${where} has no 微信订单号`);
    const state = r[at.state];
    const refundNumber = r[at.outRefundNo];
    if (state === 'REFUND' && (!refundNumber || refundNumber === '0'))
      fail(`${where} is a refund without 商户退款单号`);
    rows.push({
      tradeNumber: r[at.outTradeNo],
      providerRef,
      time: billChinaTime(r[at.time], `${where}, 交易时间`, fail),
      amountMinor: amountFen(r[at.amount], `${where}, 订单金额`),
      feeMinor: Math.abs(feeFen(r[at.fee], `${where}, 手续费`)),
      refundMinor: amountFen(r[at.refund], `${where}, 退款金额`),
      refundNumber: state === 'REFUND' ? refundNumber : null,
      status: state === 'SUCCESS' ? 'paid' : state === 'REFUND' ? 'refunded' : 'other',
    });
  }

  if (summary) {
    const values = lines.slice(n + 1).filter((l) => l.trim() !== '');
    if (values.length !== 1 || !values[0].startsWith('`')) {
      fail(`the summary block should be one header line and one row, found ${values.length} row(s) after its header`);
    }
  } else if (rows.length > 0) {
    // The summary closes every bill with rows: without it the text was cut short.
    fail('no summary block (总交易单数,…) after the rows: the file looks cut short');
  }
  return rows;
}

function columnFinder(header: string[]): (name: string) => number {
  return (name) => {
    const i = header.indexOf(name);
    if (i < 0) fail(`the header has no "${name}" column`);
    return i;
  };
}

/** "88.88" (yuan) as fen, exactly; never negative, never a fraction of a fen. */
function amountFen(text: string, where: string): number {
  const fen = billYuanToFen(text, where, fail);
  if (fen < 0) fail(`${where} is negative: "${text.slice(0, 24)}"`);
  return fen;
}

/**
 * 手续费 ("0.32000", "-0.27000"): WeChat Pay rounds each order's fee to the fen (half up) and prints it with
 * five decimals, so the digits past the fen are zeros; should they not be, the same rounding applies.
 */
function feeFen(text: string, where: string): number {
  return billYuanToFen(text, where, fail, true);
}

// ---- building (the mock's bill) --------------------------------------------------------------------------

const MOCK_APP_ID = 'wxd930ea5d5a258f4f';
const MOCK_MERCHANT_ID = '1900000109';
const MOCK_OPENID = 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o';

/** Test fixture for the mock: a trade bill as WeChat Pay serves it, holding these rows. */
export function buildWechatTradeBill(rows: readonly BillRow[]): string {
  const lines = [WECHAT_BILL_COLUMNS.join(',')];
  const sum = { settled: 0, refunded: 0, fee: 0, ordered: 0 };
  for (const [i, row] of rows.entries()) {
    const state = checkRow(row, i);
    const refund = state === 'REFUND';
    const fee = refund ? -row.feeMinor : row.feeMinor;
    sum.settled += row.amountMinor;
    sum.refunded += row.refundMinor;
    sum.fee += fee;
    sum.ordered += row.amountMinor;
    const values: Record<(typeof WECHAT_BILL_COLUMNS)[number], string> = {
      交易时间: chinaTimeText(row.time, i),
      公众账号ID: MOCK_APP_ID,
      商户号: MOCK_MERCHANT_ID,
      特约商户号: '0',
      设备号: '',
      微信订单号: row.providerRef,
      商户订单号: row.tradeNumber,
      用户标识: MOCK_OPENID,
      交易类型: 'NATIVE',
      交易状态: state,
      付款银行: 'OTHERS',
      货币种类: 'CNY',
      应结订单金额: signedFenToYuan(row.amountMinor),
      代金券金额: '0.00',
      微信退款单号: refund ? `5030${String(i + 1).padStart(25, '0')}` : '0',
      商户退款单号: refund ? (row.refundNumber ?? '') : '0',
      退款金额: signedFenToYuan(row.refundMinor),
      充值券退款金额: '0.00',
      退款类型: refund ? 'ORIGINAL' : '',
      退款状态: refund ? 'SUCCESS' : '',
      商品名称: '门店消费',
      商户数据包: '',
      手续费: `${signedFenToYuan(fee)}000`,
      费率: '0.60%',
      订单金额: signedFenToYuan(row.amountMinor),
      申请退款金额: signedFenToYuan(row.refundMinor),
      费率备注: '',
    };
    lines.push(WECHAT_BILL_COLUMNS.map((c) => `\`${values[c]}`).join(','));
  }
  lines.push(
    SUMMARY_COLUMNS.join(','),
    [
      String(rows.length),
      signedFenToYuan(sum.settled),
      signedFenToYuan(sum.refunded),
      '0.00',
      `${signedFenToYuan(sum.fee)}000`,
      signedFenToYuan(sum.ordered),
    ]
      .concat(signedFenToYuan(sum.refunded))
      .map((v) => `\`${v}`)
      .join(','),
  );
  return `${lines.join('\r\n')}\r\n`;
}

/** The row's 交易状态; throws for a row WeChat Pay's bill could not hold. */
function checkRow(row: BillRow, i: number): 'SUCCESS' | 'REFUND' | 'REVOKED' {
  const bad = (why: string): never => {
    throw new Error(`buildWechatTradeBill: row ${i + 1} ${why}`);
  };
  for (const k of ['amountMinor', 'refundMinor', 'feeMinor'] as const) {
    if (!Number.isSafeInteger(row[k]) || row[k] < 0) bad(`has ${k} ${row[k]}, not whole fen >= 0`);
  }
  if (!row.providerRef) bad('has no providerRef');
  for (const k of ['tradeNumber', 'providerRef', 'refundNumber'] as const) {
    if (row[k]?.includes(',`')) bad(`has ",\`" in ${k}`);
  }
  if (row.status === 'refunded') {
    if (row.amountMinor !== 0) bad('is a refund: its amount goes in refundMinor, amountMinor must be 0');
    if (!row.refundNumber || row.refundNumber === '0') bad('is a refund without a refundNumber');
    return 'REFUND';
  }
  if (row.refundNumber !== null) bad('has a refundNumber but is not a refund');
  // A revoked (撤销) code payment is the bill's usual "other" row.
  return row.status === 'paid' ? 'SUCCESS' : 'REVOKED';
}

/** An ISO time as the bill writes it, in China time: "2026-12-03 10:11:12". */
function chinaTimeText(iso: string, i: number): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`buildWechatTradeBill: row ${i + 1} has time "${iso}"`);
  return toChinaTime(new Date(t));
}
