// Alipay's daily trade bill (alipay.data.dataservice.bill.downloadurl.query, bill_type=trade): a zip whose
// entry names are GBK bytes without the zip UTF-8 flag, holding GBK CSV files. The detail file
// (…_业务明细.csv) has its rows between `#-----…业务明细列表-----` and `#-----…业务明细列表结束-----` lines: a
// header row, then one row per trade or refund, ids padded with a tab so spreadsheets keep them as text.
// Layout as read by dromara/dax-pay AliPayReconcileService / AliReconcileBillDetail.
import { deflateSync, unzipSync } from 'fflate';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import type { BillRow } from '../../provider';
import { billChinaTime, billYuanToFen, signedFenToYuan, toChinaTime } from '../money';

/** The detail file's 25 columns, in Alipay's order (the builder writes them; the parser reads by name). */
export const ALIPAY_DETAIL_COLUMNS = [
  '支付宝交易号',
  '商户订单号',
  '业务类型',
  '商品名称',
  '创建时间',
  '完成时间',
  '门店编号',
  '门店名称',
  '操作员',
  '终端号',
  '对方账户',
  '订单金额（元）',
  '商家实收（元）',
  '支付宝红包（元）',
  '集分宝（元）',
  '支付宝优惠（元）',
  '商家优惠（元）',
  '券核销金额（元）',
  '券名称',
  '商家红包消费金额（元）',
  '卡消费金额（元）',
  '退款批次号/请求号',
  '服务费（元）',
  '分润（元）',
  '备注',
] as const;

const SUMMARY_COLUMNS = [
  '门店编号',
  '门店名称',
  '交易订单总笔数',
  '退款订单总笔数',
  '订单金额（元）',
  '商家实收（元）',
  '支付宝优惠（元）',
  '商家优惠（元）',
  '卡消费金额（元）',
  '服务费（元）',
  '分润（元）',
  '实收净额（元）',
];

const DETAIL_START = '#-----------------------------------------业务明细列表----------------------------------------';
const DETAIL_END = '#-----------------------------------------业务明细列表结束------------------------------------';
const SUMMARY_START = '#-----------------------------------------业务汇总列表----------------------------------------';
const SUMMARY_END = '#----------------------------------------业务汇总列表结束-------------------------------------';

/** A bill is a few hundred kB; anything this large is not one (and is not inflated into memory). */
const MAX_ENTRY_BYTES = 64 * 1024 * 1024;

function fail(message: string): never {
  throw new Error(`Alipay bill: ${message}`);
}

// ---- parsing ---------------------------------------------------------------------------------------------

/** The bill rows of one downloaded bill zip. Throws when the zip or its detail file cannot be read. */
export function parseAlipayBillZip(zip: Uint8Array): BillRow[] {
  let entries: Record<string, Uint8Array>;
  const names: string[] = [];
  try {
    entries = unzipSync(zip, {
      filter: (file) => {
        const name = entryName(file.name);
        names.push(name);
        if (!isDetailName(name)) return false;
        if (file.originalSize > MAX_ENTRY_BYTES) fail(`${name} is ${file.originalSize} bytes, too large for a bill`);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof Error && e.message.startsWith('Alipay bill:')) throw e;
    fail(`not a readable zip file (${e instanceof Error ? e.message : String(e)})`);
  }
  // Keyed by fflate's name; decode again so the order is by the real (GBK) names.
  const details = Object.entries(entries)
    .map(([raw, data]) => ({ name: entryName(raw), data }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (details.length === 0) {
    fail(`no detail file (…业务明细.csv) in the zip; it holds: ${names.join(', ') || 'nothing'}`);
  }
  const rows: BillRow[] = [];
  for (const { name, data } of details) {
    // GB18030 decodes every GBK byte sequence the same way and also the few characters GBK lacks.
    rows.push(...parseAlipayDetailCsv(iconv.decode(data, 'gb18030'), name));
  }
  return rows;
}

/**
 * fflate gives a name without the zip UTF-8 flag as one character per byte (latin1). Alipay's names are
 * GBK bytes, so those are decoded as GBK; a name that has characters above U+00FF was UTF-8 flagged and is
 * already right.
 */
function entryName(name: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the test is for "only single-byte characters"
  if (!/^[\u0000-\u00ff]*$/.test(name)) return name;
  return iconv.decode(Buffer.from(name, 'latin1'), 'gb18030');
}

function isDetailName(name: string): boolean {
  const base = name.slice(name.lastIndexOf('/') + 1);
  return base.includes('业务明细') && !base.includes('汇总') && base.toLowerCase().endsWith('.csv');
}

/** The rows of one decoded detail file (exported for tests and tools that already hold the text). */
export function parseAlipayDetailCsv(text: string, fileName = 'the detail file'): BillRow[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const start = lines.findIndex((l) => isMarker(l) && l.includes('业务明细列表') && !l.includes('业务明细列表结束'));
  if (start < 0) fail(`${fileName} has no "#---业务明细列表---" line`);
  const endOffset = lines.slice(start + 1).findIndex((l) => isMarker(l) && l.includes('业务明细列表结束'));
  if (endOffset < 0) fail(`${fileName} has no "#---业务明细列表结束---" line: it looks cut short`);
  const section = lines.slice(start + 1, start + 1 + endOffset).filter((l) => l.trim() !== '');
  if (section.length === 0) fail(`${fileName} has no header row after "#---业务明细列表---"`);

  const parsed = Papa.parse<string[]>(section.join('\n'), { delimiter: ',', newline: '\n', quoteChar: '"' });
  if (parsed.errors.length > 0) {
    const e = parsed.errors[0];
    fail(`${fileName}: CSV error in detail line ${(e.row ?? 0) + 1}: ${e.message}`);
  }
  const [header, ...records] = parsed.data.map((r) => r.map(clean));
  const col = columnFinder(header, fileName);
  const at = {
    tradeNo: col('支付宝交易号'),
    outTradeNo: col('商户订单号'),
    type: col('业务类型'),
    created: col('创建时间'),
    finished: col('完成时间'),
    amount: col('订单金额（元）'),
    refundNo: col('退款批次号/请求号'),
    fee: col('服务费（元）'),
  };

  return records.map((r, i) => {
    const where = `${fileName}, detail row ${i + 1}`;
    if (r.length !== header.length) fail(`${where} has ${r.length} fields, the header has ${header.length}`);
    const providerRef = r[at.tradeNo];
    if (!providerRef) fail(`${where} has no 支付宝交易号`);
    const time = billChinaTime(r[at.finished] || r[at.created], `${where}, 完成时间`, fail);
    // Yuan, signed; a third non-zero decimal is an error, never rounded.
    const amount = billYuanToFen(r[at.amount], `${where}, 订单金额（元）`, fail);
    const feeMinor = Math.abs(r[at.fee] === '' ? 0 : billYuanToFen(r[at.fee], `${where}, 服务费（元）`, fail));
    const type = r[at.type];
    const base = { tradeNumber: r[at.outTradeNo], providerRef, time, feeMinor };
    if (type === '退款') {
      // A refund row carries the refunded amount as a negative 订单金额.
      const refundNumber = r[at.refundNo];
      if (!refundNumber) fail(`${where} is a refund without 退款批次号/请求号`);
      return { ...base, amountMinor: 0, refundMinor: Math.abs(amount), refundNumber, status: 'refunded' };
    }
    if (type === '交易') {
      if (amount < 0) fail(`${where} is a 交易 row with a negative 订单金额`);
      return { ...base, amountMinor: amount, refundMinor: 0, refundNumber: null, status: 'paid' };
    }
    return {
      ...base,
      amountMinor: Math.max(amount, 0),
      refundMinor: Math.max(-amount, 0),
      refundNumber: null,
      status: 'other',
    };
  });
}

function isMarker(line: string): boolean {
  return line.trimStart().startsWith('#');
}

/** Alipay pads values with tabs and spaces (so spreadsheets keep long ids as text). */
function clean(value: string): string {
  return value.trim();
}

/** Full-width and ASCII parentheses are the same column ("订单金额（元）" / "订单金额(元)"). */
function columnKey(name: string): string {
  return name.replace(/（/g, '(').replace(/）/g, ')');
}

function columnFinder(header: string[], fileName: string): (name: string) => number {
  const index = new Map<string, number>();
  header.forEach((h, i) => {
    const key = columnKey(h);
    if (!index.has(key)) index.set(key, i);
  });
  return (name) => {
    const i = index.get(columnKey(name));
    if (i === undefined) fail(`${fileName}: the header has no "${name}" column`);
    return i;
  };
}

// ---- building (the mock's bill) --------------------------------------------------------------------------

/** The Alipay account the mock's bill names (2088 and twelve digits, like a real partner id). */
const MOCK_PARTNER_ID = '2088000000000000';

/** Test fixture for the mock: a bill zip as Alipay serves it, holding these rows (date yyyy-mm-dd). */
export function buildAlipayBillZip(rows: readonly BillRow[], date: string): Uint8Array {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!day || Number.isNaN(Date.parse(`${date}T00:00:00+08:00`))) {
    throw new Error(`buildAlipayBillZip: bill date must be yyyy-mm-dd, got "${date}"`);
  }
  const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const cn = (d: string) => `${d.slice(0, 4)}年${d.slice(5, 7)}月${d.slice(8, 10)}日`;
  const exportedAt = `${cn(next)} 09:12:34`;
  const heading = (kind: string) => [
    `#支付宝${kind}查询`,
    `#账号：[${MOCK_PARTNER_ID}0156]`,
    `#起始日期：[${cn(date)} 00:00:00]   终止日期：[${cn(next)} 00:00:00]`,
  ];

  let trades = 0;
  let refunds = 0;
  let tradeSum = 0;
  let refundSum = 0;
  let feeSum = 0;
  const lines = [...heading('业务明细'), DETAIL_START, ALIPAY_DETAIL_COLUMNS.join(',')];
  for (const [i, row] of rows.entries()) {
    const refund = checkRow(row, i);
    const amount = refund ? -row.refundMinor : row.amountMinor;
    // 服务费 is what the merchant pays: negative on a trade, given back (positive) on a refund.
    const fee = refund ? row.feeMinor : -row.feeMinor;
    if (refund) {
      refunds++;
      refundSum += amount;
    } else {
      trades++;
      tradeSum += amount;
    }
    feeSum += fee;
    const time = chinaTimeText(row.time, i);
    const values: Record<(typeof ALIPAY_DETAIL_COLUMNS)[number], string> = {
      支付宝交易号: `${row.providerRef}\t`,
      商户订单号: `${row.tradeNumber}\t`,
      业务类型: refund ? '退款' : '交易',
      商品名称: '门店消费',
      创建时间: time,
      完成时间: time,
      门店编号: '',
      门店名称: '',
      操作员: '',
      终端号: '',
      对方账户: '138****8888',
      '订单金额（元）': signedFenToYuan(amount),
      '商家实收（元）': signedFenToYuan(amount),
      '支付宝红包（元）': '0.00',
      '集分宝（元）': '0.00',
      '支付宝优惠（元）': '0.00',
      '商家优惠（元）': '0.00',
      '券核销金额（元）': '0.00',
      券名称: '',
      '商家红包消费金额（元）': '0.00',
      '卡消费金额（元）': '0.00',
      '退款批次号/请求号': refund ? `${row.refundNumber}\t` : '',
      '服务费（元）': signedFenToYuan(fee),
      '分润（元）': '0.00',
      备注: '',
    };
    lines.push(ALIPAY_DETAIL_COLUMNS.map((c) => csvField(values[c])).join(','));
  }
  lines.push(
    DETAIL_END,
    `#交易合计：${trades}笔，商家实收共${signedFenToYuan(tradeSum)}元，商家优惠共0.00元`,
    `#退款合计：${refunds}笔，商家实收退款共${signedFenToYuan(refundSum)}元，商家优惠退款共0.00元`,
    `#导出时间：[${exportedAt}]`,
  );

  const net = tradeSum + refundSum + feeSum;
  const summary = [
    ...heading('业务汇总'),
    SUMMARY_START,
    SUMMARY_COLUMNS.join(','),
    ['', '合计', String(trades), String(refunds)]
      .concat([tradeSum + refundSum, tradeSum + refundSum, 0, 0, 0, feeSum, 0, net].map(signedFenToYuan))
      .join(','),
    SUMMARY_END,
    `#导出时间：[${exportedAt}]`,
  ];

  const stem = `${MOCK_PARTNER_ID}0156_${date.replace(/-/g, '')}`;
  const text = (ls: string[]) => iconv.encode(`${ls.join('\r\n')}\r\n`, 'gbk');
  return zipGbk(
    [
      { name: `${stem}_业务明细.csv`, data: text(lines) },
      { name: `${stem}_业务明细(汇总).csv`, data: text(summary) },
    ],
    next,
  );
}

/** Whether the row is a refund; throws for a row Alipay's bill could not hold. */
function checkRow(row: BillRow, i: number): boolean {
  const bad = (why: string): never => {
    throw new Error(`buildAlipayBillZip: row ${i + 1} ${why}`);
  };
  for (const k of ['amountMinor', 'refundMinor', 'feeMinor'] as const) {
    if (!Number.isSafeInteger(row[k]) || row[k] < 0) bad(`has ${k} ${row[k]}, not whole fen >= 0`);
  }
  if (!row.providerRef) bad('has no providerRef');
  if (row.status === 'refunded') {
    if (row.amountMinor !== 0) bad('is a refund: its amount goes in refundMinor, amountMinor must be 0');
    if (!row.refundNumber) bad('is a refund without a refundNumber');
    return true;
  }
  if (row.status === 'paid') {
    if (row.refundMinor !== 0 || row.refundNumber !== null) bad('is a payment with refund fields set');
    return false;
  }
  return bad(`has status "${row.status}": Alipay's trade bill only has 交易 and 退款 rows`);
}

/** An ISO time as the bill writes it, in China time: "2026-12-03 10:11:12". */
function chinaTimeText(iso: string, i: number): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`buildAlipayBillZip: row ${i + 1} has time "${iso}"`);
  return toChinaTime(new Date(t));
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

// A zip writer of its own: fflate's zipSync always writes names as UTF-8, and the point of this fixture is
// names in GBK without the UTF-8 flag, as Alipay's Java server writes them.
function zipGbk(files: { name: string; data: Uint8Array }[], day: string): Uint8Array {
  const dosDate = ((Number(day.slice(0, 4)) - 1980) << 9) | (Number(day.slice(5, 7)) << 5) | Number(day.slice(8, 10));
  const dosTime = (9 << 11) | (12 << 5) | 17; // 09:12:34
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const f of files) {
    const name = iconv.encode(f.name, 'gbk');
    const packed = deflateSync(f.data, { level: 6 });
    const crc = crc32(f.data);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true); // version needed: deflate
    local.setUint16(6, 0, true); // flags: no UTF-8 bit
    local.setUint16(8, 8, true); // deflate
    local.setUint16(10, dosTime, true);
    local.setUint16(12, dosDate, true);
    local.setUint32(14, crc, true);
    local.setUint32(18, packed.length, true);
    local.setUint32(22, f.data.length, true);
    local.setUint16(26, name.length, true);
    local.setUint16(28, 0, true);
    const dir = new DataView(new ArrayBuffer(46));
    dir.setUint32(0, 0x02014b50, true);
    dir.setUint16(4, 20, true);
    dir.setUint16(6, 20, true);
    dir.setUint16(8, 0, true);
    dir.setUint16(10, 8, true);
    dir.setUint16(12, dosTime, true);
    dir.setUint16(14, dosDate, true);
    dir.setUint32(16, crc, true);
    dir.setUint32(20, packed.length, true);
    dir.setUint32(24, f.data.length, true);
    dir.setUint16(28, name.length, true);
    dir.setUint32(42, offset, true); // the rest (extra, comment, disk, attributes) stays 0
    parts.push(new Uint8Array(local.buffer), name, packed);
    central.push(new Uint8Array(dir.buffer), name);
    offset += 30 + name.length + packed.length;
  }
  const dirSize = central.reduce((n, p) => n + p.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, files.length, true);
  end.setUint16(10, files.length, true);
  end.setUint32(12, dirSize, true);
  end.setUint32(16, offset, true);
  return Buffer.concat([...parts, ...central, new Uint8Array(end.buffer)]);
}

let crcTable: Uint32Array | undefined;

function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const b of data) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
