// EAN-8, UPC-A (12), EAN-13 and UPC-E (8, number system 0 or 1) carry a check digit in the last place
// (GS1 mod-10; UPC-E's is the one of the UPC-A it stands for).

import { gs1CheckDigit } from '../../shared/scale';

export { gs1CheckDigit };

/** True for codes that are EAN-8, UPC-E, UPC-A or EAN-13 by shape, so their check digit must be right. */
export function looksLikeGtin(barcode: string): boolean {
  return /^(\d{8}|\d{12}|\d{13})$/.test(barcode);
}

/** What a GTIN-shaped code is read as; an 8-digit code may be both EAN-8 and UPC-E. */
export type GtinKind = 'EAN-13' | 'UPC-A' | 'EAN-8' | 'UPC-E';

export type BarcodeCheck = { ok: true } | { ok: false; expected: number; kind: GtinKind };

/**
 * The 12-digit UPC-A a UPC-E code (8 digits: number system 0 or 1, six digits, check digit) stands for,
 * with the same check digit; undefined for other codes. 04252614 -> 042100005264.
 */
export function expandUpcE(code: string): string | undefined {
  if (!/^[01]\d{7}$/.test(code)) return undefined;
  const ns = code[0];
  const [d1, d2, d3, d4, d5, d6] = code.slice(1, 7);
  const check = code[7];
  let body: string;
  if (d6 <= '2') body = `${d1}${d2}${d6}0000${d3}${d4}${d5}`;
  else if (d6 === '3') body = `${d1}${d2}${d3}00000${d4}${d5}`;
  else if (d6 === '4') body = `${d1}${d2}${d3}${d4}00000${d5}`;
  else body = `${d1}${d2}${d3}${d4}${d5}0000${d6}`;
  return ns + body + check;
}

function checkDigitOk(code: string): boolean {
  return gs1CheckDigit(code.slice(0, -1)) === Number(code.at(-1));
}

/**
 * A shop's own codes (letters, other lengths) pass; an EAN/UPC-shaped code must have its check digit.
 * An 8-digit code passes as EAN-8 or, starting with 0 or 1, as UPC-E.
 */
export function checkBarcode(barcode: string): BarcodeCheck {
  if (!looksLikeGtin(barcode)) return { ok: true };
  if (checkDigitOk(barcode)) return { ok: true };
  const body = barcode.slice(0, -1);
  if (barcode.length === 8) {
    const upcA = expandUpcE(barcode);
    if (upcA && checkDigitOk(upcA)) return { ok: true };
    // Number system 0/1 reads as UPC-E on most scanners; say which digit that wants.
    if (upcA) return { ok: false, expected: gs1CheckDigit(upcA.slice(0, -1)), kind: 'UPC-E' };
    return { ok: false, expected: gs1CheckDigit(body), kind: 'EAN-8' };
  }
  return { ok: false, expected: gs1CheckDigit(body), kind: barcode.length === 12 ? 'UPC-A' : 'EAN-13' };
}

/**
 * The other spellings of the same product code, to look up when the code as scanned is not in the
 * catalog: a UPC-A and the same code as EAN-13 with a leading 0 (either way), and a UPC-E's UPC-A forms.
 */
export function sameProductCodes(barcode: string): string[] {
  if (/^\d{12}$/.test(barcode)) return [`0${barcode}`];
  if (/^0\d{12}$/.test(barcode)) return [barcode.slice(1)];
  const upcA = barcode.length === 8 ? expandUpcE(barcode) : undefined;
  if (upcA && checkDigitOk(upcA)) return [upcA, `0${upcA}`];
  return [];
}

/** Appends the check digit: withCheckDigit('690123456789') -> '6901234567892'. */
export function withCheckDigit(body: string): string {
  return body + gs1CheckDigit(body);
}
