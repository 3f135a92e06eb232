// EMVCo merchant-presented QR (bank QR: PIX, PromptPay, PayNow, ...): TLV encode/parse and CRC.
// Pure TypeScript: shared/ runs in the main process and the renderer alike.

// TextEncoder exists in Node and every browser, but shared/ compiles without DOM or Node types.
declare const TextEncoder: { new (): { encode(s: string): Uint8Array } };

/** One TLV field; templates (26-51, 62, 64, 80-99) hold nested fields. */
export interface Field {
  id: string;
  value: string | Field[];
}

/** CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final xor. */
export function crc16ccittFalse(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const b of bytes) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** The spec counts characters, not bytes: `最佳运输` has length 04 (the CRC still runs over UTF-8). */
function charCount(s: string): number {
  return [...s].length;
}

const ID = /^\d\d$/;

export function encodeTlv(fields: Field[]): string {
  let out = '';
  for (const { id, value } of fields) {
    if (!ID.test(id)) throw new Error(`EMV field id "${id}" must be two digits`);
    const v = typeof value === 'string' ? value : encodeTlv(value);
    const n = charCount(v);
    if (n > 99) throw new Error(`EMV field ${id} is ${n} characters long; the limit is 99`);
    out += `${id}${String(n).padStart(2, '0')}${v}`;
  }
  return out;
}

function crcHex(s: string): string {
  return crc16ccittFalse(utf8(s)).toString(16).toUpperCase().padStart(4, '0');
}

/** Encodes the fields and appends tag 63 (CRC over everything before it, including `6304`). */
export function withCrc(fields: Field[]): string {
  const body = `${encodeTlv(fields)}6304`;
  return body + crcHex(body);
}

/** Integer minor units to the decimal string tag 54 wants, without floating point: 422 (2 digits) -> "4.22". */
export function formatEmvAmount(amountMinor: number, currencyDigits: number): string {
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0)
    throw new Error(`Amount ${amountMinor} must be a non-negative whole number of minor units`);
  if (!Number.isInteger(currencyDigits) || currencyDigits < 0 || currencyDigits > 3)
    throw new Error(`Currency digits ${currencyDigits} must be 0 to 3`);
  const s = String(amountMinor).padStart(currencyDigits + 1, '0');
  const out = currencyDigits ? `${s.slice(0, -currencyDigits)}.${s.slice(-currencyDigits)}` : s;
  if (out.length > 13) throw new Error(`Amount ${out} is longer than the 13 characters EMV QR allows`);
  return out;
}

export interface MerchantQrOptions {
  /** Merchant account template (26-51), e.g. `{ id: '26', fields: [{ id: '00', value: 'br.gov.bcb.pix' }, ...] }`. */
  merchantAccount: { id: string; fields: Field[] };
  /** 4-digit merchant category code. EMVCo lists it as mandatory; PromptPay's own format leaves it out. */
  mcc?: string;
  /** ISO 4217 numeric, e.g. '156' CNY, '986' BRL, '764' THB. */
  currency: string;
  amountMinor?: number;
  currencyDigits: number;
  /** ISO 3166 alpha-2, e.g. 'BR'. */
  country: string;
  merchantName?: string;
  merchantCity?: string;
  billNumber?: string;
  referenceLabel?: string;
  /** Dynamic (tag 01 = 12): one payment, usually with an amount. Static (11): reusable. */
  dynamic: boolean;
}

function checkLength(what: string, value: string, max: number): void {
  const n = charCount(value);
  if (n === 0 || n > max) throw new Error(`${what} "${value}" is ${n} characters; EMV QR needs 1 to ${max}`);
}

/** The fields of a merchant QR in the spec's tag order, without the CRC. */
export function merchantQrFields(o: MerchantQrOptions): Field[] {
  const accountId = Number(o.merchantAccount.id);
  if (!ID.test(o.merchantAccount.id) || accountId < 26 || accountId > 51)
    throw new Error(`Merchant account template id "${o.merchantAccount.id}" must be 26 to 51`);
  if (o.mcc !== undefined && !/^\d{4}$/.test(o.mcc))
    throw new Error(`Merchant category code "${o.mcc}" must be 4 digits`);
  if (!/^\d{3}$/.test(o.currency)) throw new Error(`Currency "${o.currency}" must be an ISO 4217 numeric code`);
  if (!/^[A-Z]{2}$/.test(o.country)) throw new Error(`Country "${o.country}" must be two capital letters`);
  if (o.merchantName !== undefined) checkLength('Merchant name', o.merchantName, 25);
  if (o.merchantCity !== undefined) checkLength('Merchant city', o.merchantCity, 15);

  const fields: Field[] = [
    { id: '00', value: '01' },
    { id: '01', value: o.dynamic ? '12' : '11' },
    { id: o.merchantAccount.id, value: o.merchantAccount.fields },
  ];
  if (o.mcc !== undefined) fields.push({ id: '52', value: o.mcc });
  fields.push({ id: '53', value: o.currency });
  if (o.amountMinor !== undefined) fields.push({ id: '54', value: formatEmvAmount(o.amountMinor, o.currencyDigits) });
  fields.push({ id: '58', value: o.country });
  if (o.merchantName !== undefined) fields.push({ id: '59', value: o.merchantName });
  if (o.merchantCity !== undefined) fields.push({ id: '60', value: o.merchantCity });
  const extra: Field[] = [];
  if (o.billNumber !== undefined) extra.push({ id: '01', value: o.billNumber });
  if (o.referenceLabel !== undefined) extra.push({ id: '05', value: o.referenceLabel });
  if (extra.length) fields.push({ id: '62', value: extra });
  return fields;
}

/** The full payload string to put in the QR code. Throws on anything the spec would reject. */
export function buildMerchantQr(o: MerchantQrOptions): string {
  return withCrc(merchantQrFields(o));
}

export type ParsedMerchantQr =
  | {
      ok: true;
      /** In payload order; `encodeTlv(fields)` plus the CRC gives the payload back exactly. */
      fields: Field[];
      /** Top-level tags by id; templates as records of their sub-tags. */
      tags: Record<string, string | Record<string, string>>;
    }
  | { ok: false; reason: string };

function isTemplate(id: string): boolean {
  const n = Number(id);
  return (n >= 26 && n <= 51) || n === 62 || n === 64 || n >= 80;
}

function parseTlv(chars: string[], nested: boolean): Field[] | string {
  const fields: Field[] = [];
  let i = 0;
  while (i < chars.length) {
    const id = chars.slice(i, i + 2).join('');
    const len = chars.slice(i + 2, i + 4).join('');
    if (!ID.test(id) || !ID.test(len)) return `bad TLV header "${id}${len}" at character ${i}`;
    const end = i + 4 + Number(len);
    if (end > chars.length) return `field ${id} runs past the end`;
    const raw = chars.slice(i + 4, end);
    if (!nested && isTemplate(id)) {
      const sub = parseTlv(raw, true);
      if (typeof sub === 'string') return `template ${id}: ${sub}`;
      fields.push({ id, value: sub });
    } else {
      fields.push({ id, value: raw.join('') });
    }
    i = end;
  }
  return fields;
}

/** Parses a merchant QR payload, checking the TLV structure and the CRC. */
export function parseMerchantQr(payload: string): ParsedMerchantQr {
  const m = /^([\s\S]*6304)([0-9A-Fa-f]{4})$/u.exec(payload);
  if (!m) return { ok: false, reason: 'payload does not end with a CRC field (6304XXXX)' };
  const expected = crcHex(m[1]);
  if (m[2].toUpperCase() !== expected)
    return { ok: false, reason: `CRC mismatch: payload says ${m[2]}, computed ${expected}` };
  const fields = parseTlv([...payload], false);
  if (typeof fields === 'string') return { ok: false, reason: fields };
  if (fields[0]?.id !== '00' || fields[0].value !== '01')
    return { ok: false, reason: 'payload format indicator (00 = 01) must come first' };
  if (fields.at(-1)?.id !== '63') return { ok: false, reason: 'CRC field must come last' };
  const tags: Record<string, string | Record<string, string>> = {};
  for (const f of fields) {
    if (f.id in tags) return { ok: false, reason: `tag ${f.id} appears twice` };
    tags[f.id] =
      typeof f.value === 'string' ? f.value : Object.fromEntries(f.value.map((s) => [s.id, s.value as string]));
  }
  return { ok: true, fields: fields.slice(0, -1), tags };
}

/** Brazil PIX, static key-based QR. `txid` goes to 62/05; `***` means none. */
export function pixPayload(o: {
  key: string;
  name: string;
  city: string;
  amountMinor?: number;
  txid?: string;
}): string {
  return buildMerchantQr({
    merchantAccount: {
      id: '26',
      fields: [
        { id: '00', value: 'br.gov.bcb.pix' },
        { id: '01', value: o.key },
      ],
    },
    mcc: '0000',
    currency: '986',
    amountMinor: o.amountMinor,
    currencyDigits: 2,
    country: 'BR',
    merchantName: o.name,
    merchantCity: o.city,
    referenceLabel: o.txid ?? '***',
    dynamic: false,
  });
}

const PROMPTPAY_ORDER = ['00', '01', '29', '58', '53', '54'];

/** Thailand PromptPay to a mobile number (`08...`) or a 13-digit tax id. Dynamic when it carries an amount. */
export function promptPayPayload(
  o: ({ phone: string; taxId?: undefined } | { taxId: string; phone?: undefined }) & { amountMinor?: number },
): string {
  let target: Field;
  if (o.phone !== undefined) {
    const digits = o.phone.replace(/\D/g, '');
    if (digits.length < 9 || digits.length > 10)
      throw new Error(`PromptPay phone "${o.phone}" must be a Thai mobile number`);
    target = { id: '01', value: `66${digits.replace(/^0/, '')}`.padStart(13, '0') };
  } else {
    const digits = o.taxId.replace(/\D/g, '');
    if (digits.length !== 13) throw new Error(`PromptPay tax id "${o.taxId}" must be 13 digits`);
    target = { id: '02', value: digits };
  }
  const fields = merchantQrFields({
    merchantAccount: { id: '29', fields: [{ id: '00', value: 'A000000677010111' }, target] },
    currency: '764',
    amountMinor: o.amountMinor,
    currencyDigits: 2,
    country: 'TH',
    dynamic: o.amountMinor !== undefined,
  });
  // Tag order is free in EMVCo; Thai apps' reference encoder (promptpay-qr) puts 58 before 53, so we match it byte for byte.
  fields.sort((a, b) => PROMPTPAY_ORDER.indexOf(a.id) - PROMPTPAY_ORDER.indexOf(b.id));
  return withCrc(fields);
}
