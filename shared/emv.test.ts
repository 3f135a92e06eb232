import { parsePix } from 'pix-utils';
import generatePromptPay from 'promptpay-qr';
import { describe, expect, it } from 'vitest';
import {
  buildMerchantQr,
  crc16ccittFalse,
  encodeTlv,
  formatEmvAmount,
  type MerchantQrOptions,
  parseMerchantQr,
  pixPayload,
  promptPayPayload,
  utf8,
  withCrc,
} from './emv';

// Known-good vectors from shared/guides/payment-protocols.md section 3.
const EMVCO_SPEC =
  '00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***0708A60086670902ME91320016A0112233449988770708123456786304A13A';
const PIX_STATIC =
  '00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D';
const PROMPTPAY_422 = '00020101021229370016A000000677010111011300668123456785802TH530376454044.2263045D49';

const pixBase: MerchantQrOptions = {
  merchantAccount: { id: '26', fields: [{ id: '00', value: 'br.gov.bcb.pix' }] },
  mcc: '0000',
  currency: '986',
  currencyDigits: 2,
  country: 'BR',
  merchantName: 'Fulano de Tal',
  merchantCity: 'BRASILIA',
  dynamic: false,
};

describe('EMV merchant QR', () => {
  it('computes CRC-16/CCITT-FALSE (check value 29B1)', () => {
    expect(crc16ccittFalse(utf8('123456789'))).toBe(0x29b1);
  });

  it.each([
    ['EMVCo spec example with Chinese', EMVCO_SPEC, 'A13A'],
    ['PIX static', PIX_STATIC, '1D3D'],
    ['PromptPay 4.22', PROMPTPAY_422, '5D49'],
  ])('parses, verifies and re-encodes the %s vector exactly', (_name, payload, crc) => {
    const parsed = parseMerchantQr(payload);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.tags['63']).toBe(crc);
    expect(withCrc(parsed.fields)).toBe(payload);
  });

  it('counts the Chinese alternate-language name in characters, not bytes', () => {
    const parsed = parseMerchantQr(EMVCO_SPEC);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.tags['64']).toEqual({ '00': 'ZH', '01': '最佳运输', '02': '北京' });
    expect(parsed.tags['54']).toBe('23.72');
    expect(parsed.tags['62']).toMatchObject({ '03': '1234', '06': '***', '07': 'A6008667', '09': 'ME' });
    expect(encodeTlv([{ id: '01', value: '最佳运输' }])).toBe('0104最佳运输');
  });

  it('rejects a tampered payload and a broken structure', () => {
    const tampered = PIX_STATIC.replace('Fulano', 'Fulana');
    expect(parseMerchantQr(tampered)).toMatchObject({ ok: false, reason: expect.stringMatching(/CRC mismatch/) });
    expect(parseMerchantQr(PIX_STATIC.slice(0, -4))).toMatchObject({ ok: false });
    // A correct CRC over a name whose length header lies: the TLV check catches it.
    const body = '0002015909Short6304';
    const forged = body + crc16ccittFalse(utf8(body)).toString(16).toUpperCase().padStart(4, '0');
    expect(parseMerchantQr(forged)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/runs past the end|TLV/),
    });
  });

  it('builds a static PIX that pix-utils reads back with the same key, amount and name', () => {
    const key = '123e4567-e12b-12d1-a456-426655440000';
    const payload = pixPayload({ key, name: 'Padaria Boa Vista', city: 'SAO PAULO', amountMinor: 2372 });
    expect(parseMerchantQr(payload).ok).toBe(true);
    const pix = parsePix(payload);
    expect(pix).toMatchObject({
      type: 'STATIC',
      pixKey: key,
      transactionAmount: 23.72,
      merchantName: 'Padaria Boa Vista',
      merchantCity: 'SAO PAULO',
      txid: '***',
    });
  });

  it('builds the same PromptPay payload as promptpay-qr', () => {
    expect(promptPayPayload({ phone: '0812345678', amountMinor: 422 })).toBe(PROMPTPAY_422);
    expect(promptPayPayload({ phone: '0812345678', amountMinor: 422 })).toBe(
      generatePromptPay('0812345678', { amount: 4.22 }),
    );
    expect(promptPayPayload({ phone: '081-234-5678' })).toBe(generatePromptPay('0812345678', {}));
    expect(promptPayPayload({ taxId: '1234567890123', amountMinor: 10050 })).toBe(
      generatePromptPay('1234567890123', { amount: 100.5 }),
    );
  });

  it('formats amounts from minor units for 0, 2 and 3 digit currencies', () => {
    expect(formatEmvAmount(422, 2)).toBe('4.22');
    expect(formatEmvAmount(2372, 2)).toBe('23.72');
    expect(formatEmvAmount(5, 2)).toBe('0.05');
    expect(formatEmvAmount(0, 2)).toBe('0.00');
    expect(formatEmvAmount(1500, 0)).toBe('1500');
    expect(formatEmvAmount(12345, 3)).toBe('12.345');
    expect(formatEmvAmount(7, 3)).toBe('0.007');
    expect(() => formatEmvAmount(4.22, 2)).toThrow(/whole number of minor units/);
  });

  it('marks dynamic QRs 12 and static 11, with the CRC last', () => {
    const dynamic = buildMerchantQr({ ...pixBase, amountMinor: 422, billNumber: 'A1', dynamic: true });
    const parsed = parseMerchantQr(dynamic);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.tags).toMatchObject({ '01': '12', '54': '4.22', '62': { '01': 'A1' } });
    expect(dynamic).toMatch(/6304[0-9A-F]{4}$/);
    expect(parseMerchantQr(buildMerchantQr(pixBase))).toMatchObject({ ok: true, tags: { '01': '11' } });
  });

  it('refuses names, cities and fields longer than the spec allows', () => {
    expect(() => buildMerchantQr({ ...pixBase, merchantName: 'A Very Long Bakery Name Ltda' })).toThrow(
      /Merchant name .* is 28 characters; EMV QR needs 1 to 25/,
    );
    expect(() => buildMerchantQr({ ...pixBase, merchantCity: 'SAO JOSE DOS CAMPOS' })).toThrow(
      /Merchant city .* is 19 characters; EMV QR needs 1 to 15/,
    );
    expect(() => encodeTlv([{ id: '26', value: 'x'.repeat(100) }])).toThrow(
      /field 26 is 100 characters long; the limit is 99/,
    );
  });
});
