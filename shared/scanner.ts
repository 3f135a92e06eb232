// Serial barcode scanners: where one is (`serial:/dev/ttyUSB1?baud=9600`, `serial:COM4?baud=9600`), how the
// till splits its byte stream into codes, and its state as Settings and the header word it. Pure TypeScript.
import { z } from 'zod';
import { PrinterUriError, parsePrinterUri } from './printer';

/** Longer than any product or payment code: a run of bytes this long with no CR/LF is line noise. */
export const MAX_SCAN_LENGTH = 64;

export interface ScannerTarget {
  path: string;
  baud: number;
}

/** The serial: form of a printer URI, read by the same parser; throws PrinterUriError for anything else. */
export function parseScannerUri(uri: string): ScannerTarget {
  const target = parsePrinterUri(uri);
  if (target.scheme !== 'serial') throw new PrinterUriError(`"${uri}" is not serial:PORT?baud=9600`);
  return { path: target.path, baud: target.baud };
}

export const ScannerUri = z
  .string()
  .trim()
  .min(1)
  .max(300)
  .refine(
    (s) => {
      try {
        parseScannerUri(s);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'a serial scanner: serial:/dev/ttyUSB1?baud=9600 or serial:COM4?baud=9600' },
  );

/**
 * none: no serial scanner set up; connected: the port is open; not_found: no such port (unplugged);
 * error: the port exists but could not be opened or failed (busy, no permission). The till keeps retrying.
 */
export const ScannerState = z.enum(['none', 'connected', 'not_found', 'error']);
export type ScannerState = z.infer<typeof ScannerState>;

export const ScannerStatus = z.object({
  state: ScannerState,
  uri: z.string().nullable(),
  /** The last error in English, for the tooltip and the log. */
  detail: z.string().nullable(),
});
export type ScannerStatus = z.infer<typeof ScannerStatus>;

export const SerialPortList = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    ports: z.array(z.object({ path: z.string(), label: z.string().nullable() })),
  }),
  z.object({ ok: z.literal(false), reason: z.string() }),
]);
export type SerialPortList = z.infer<typeof SerialPortList>;

export interface ScanFraming {
  prefix: string;
  suffix: string;
  minLength: number;
}

/**
 * Splits a scanner's bytes into codes. A scanner ends each code with CR, LF or CRLF (an empty line between
 * CR and LF is ignored); the configured prefix and suffix are stripped; codes shorter than minLength and
 * runs longer than MAX_SCAN_LENGTH are dropped. Chunks may split a code anywhere.
 */
export class ScanLineSplitter {
  private buffer = '';
  private junk = false;

  constructor(private readonly framing: () => ScanFraming) {}

  feed(chunk: string): string[] {
    const codes: string[] = [];
    for (const ch of chunk) {
      if (ch === '\r' || ch === '\n') {
        const line = this.buffer;
        const junk = this.junk;
        this.buffer = '';
        this.junk = false;
        if (!junk) {
          const code = this.clean(line);
          if (code !== null) codes.push(code);
        }
        continue;
      }
      if (this.junk) continue;
      this.buffer += ch;
      if (this.buffer.length > MAX_SCAN_LENGTH + 16) {
        // Noise without an end: drop it until the next CR/LF instead of growing without bound.
        this.buffer = '';
        this.junk = true;
      }
    }
    return codes;
  }

  private clean(line: string): string | null {
    const { prefix, suffix, minLength } = this.framing();
    let code = line.trim();
    if (prefix && code.startsWith(prefix)) code = code.slice(prefix.length);
    if (suffix && code.endsWith(suffix)) code = code.slice(0, -suffix.length);
    if (!code) return null;
    if (code.length < minLength || code.length > MAX_SCAN_LENGTH) return null;
    // Only printable ASCII reaches the cart (a code is digits or a shop's own letters).
    if (!/^[\x21-\x7e]+$/.test(code)) return null;
    return code;
  }
}
