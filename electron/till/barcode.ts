// EAN-8, UPC-A (12) and EAN-13 carry a check digit in the last place (GS1 mod-10).

/** The GS1 check digit for the digits before it. */
export function gs1CheckDigit(body: string): number {
  let sum = 0;
  // Weights alternate 3, 1, ... starting from the rightmost digit of the body.
  for (let i = 0; i < body.length; i++) {
    const d = body.charCodeAt(body.length - 1 - i) - 48;
    sum += i % 2 === 0 ? d * 3 : d;
  }
  return (10 - (sum % 10)) % 10;
}

/** True for codes that are EAN-8, UPC-A or EAN-13 by shape, so their check digit must be right. */
export function looksLikeGtin(barcode: string): boolean {
  return /^(\d{8}|\d{12}|\d{13})$/.test(barcode);
}

export type BarcodeCheck = { ok: true } | { ok: false; expected: number };

/** A shop's own codes (letters, other lengths) pass; an EAN/UPC-shaped code must have its check digit. */
export function checkBarcode(barcode: string): BarcodeCheck {
  if (!looksLikeGtin(barcode)) return { ok: true };
  const expected = gs1CheckDigit(barcode.slice(0, -1));
  return expected === Number(barcode.at(-1)) ? { ok: true } : { ok: false, expected };
}

/** Appends the check digit: withCheckDigit('690123456789') -> '6901234567892'. */
export function withCheckDigit(body: string): string {
  return body + gs1CheckDigit(body);
}
