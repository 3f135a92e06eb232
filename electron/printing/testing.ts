// Reads ESC/POS bytes back the way a printer would, for tests: the text lines it prints (Chinese decoded
// from GB18030 inside FS & … FS .), and the commands it meets. An unknown command, a byte above 0x7F
// outside Chinese mode or half a Chinese character fails the read, so a test cannot pass on junk.
import iconv from 'iconv-lite';

export type EscPosCommand =
  | { op: 'init' }
  | { op: 'bold'; on: boolean }
  | { op: 'align'; n: number }
  | { op: 'kick'; pin: number; on: number; off: number }
  | { op: 'cut'; mode: number }
  | { op: 'qr'; data: string }
  | { op: 'image'; widthBytes: number; height: number }
  | { op: 'feed'; lines: number };

export interface PrintedReceipt {
  /** The printed lines, as text (trailing spaces kept). */
  lines: string[];
  commands: EscPosCommand[];
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}

export function readEscPos(bytes: Uint8Array): PrintedReceipt {
  const lines: string[] = [];
  const commands: EscPosCommand[] = [];
  let line = '';
  let chinese = false;
  let i = 0;
  const need = (n: number) => {
    if (i + n > bytes.length) throw new Error(`truncated command at ${i}`);
  };
  while (i < bytes.length) {
    const b = bytes[i];
    if (b === 0x0a) {
      lines.push(line);
      line = '';
      i++;
    } else if (b === 0x0d) {
      i++;
    } else if (b === 0x1b) {
      need(2);
      const c = bytes[i + 1];
      if (c === 0x40) {
        commands.push({ op: 'init' });
        chinese = false;
        i += 2;
      } else if (c === 0x45) {
        need(3);
        commands.push({ op: 'bold', on: bytes[i + 2] === 1 });
        i += 3;
      } else if (c === 0x61) {
        need(3);
        commands.push({ op: 'align', n: bytes[i + 2] });
        i += 3;
      } else if (c === 0x4d || c === 0x74 || c === 0x21) {
        i += 3; // font, code page, print mode: no text
      } else if (c === 0x64) {
        need(3);
        commands.push({ op: 'feed', lines: bytes[i + 2] });
        i += 3;
      } else if (c === 0x70) {
        need(5);
        commands.push({ op: 'kick', pin: bytes[i + 2], on: bytes[i + 3], off: bytes[i + 4] });
        i += 5;
      } else {
        throw new Error(`unknown command 1b ${hex(c)} at ${i}`);
      }
    } else if (b === 0x1d) {
      need(2);
      const c = bytes[i + 1];
      if (c === 0x56) {
        need(3);
        commands.push({ op: 'cut', mode: bytes[i + 2] });
        i += 3;
      } else if (c === 0x28 && bytes[i + 2] === 0x6b) {
        need(5);
        const len = bytes[i + 3] + bytes[i + 4] * 256;
        need(5 + len);
        const body = bytes.subarray(i + 5, i + 5 + len);
        // cn 49 (0x31), fn 80 (0x50): store the symbol data.
        if (body[0] === 0x31 && body[1] === 0x50) {
          commands.push({ op: 'qr', data: Buffer.from(body.subarray(3)).toString('latin1') });
        }
        i += 5 + len;
      } else if (c === 0x76 && bytes[i + 2] === 0x30) {
        need(8);
        const x = bytes[i + 4] + bytes[i + 5] * 256;
        const y = bytes[i + 6] + bytes[i + 7] * 256;
        commands.push({ op: 'image', widthBytes: x, height: y });
        i += 8 + x * y;
      } else {
        throw new Error(`unknown command 1d ${hex(c)} at ${i}`);
      }
    } else if (b === 0x1c) {
      need(2);
      const c = bytes[i + 1];
      if (c === 0x26) chinese = true;
      else if (c === 0x2e) chinese = false;
      else throw new Error(`unknown command 1c ${hex(c)} at ${i}`);
      i += 2;
    } else if (b >= 0x20 && b < 0x7f) {
      line += String.fromCharCode(b);
      i++;
    } else if (b >= 0x81 && b <= 0xfe) {
      if (!chinese) throw new Error(`byte ${hex(b)} outside Chinese mode at ${i}`);
      need(2);
      const pair = bytes.subarray(i, i + 2);
      if (pair[1] < 0x40 || pair[1] === 0x7f || pair[1] === 0xff) {
        throw new Error(`half a Chinese character at ${i}`);
      }
      line += iconv.decode(Buffer.from(pair), 'gb18030');
      i += 2;
    } else {
      throw new Error(`unexpected byte ${hex(b)} at ${i}`);
    }
  }
  if (line) lines.push(line);
  return { lines, commands };
}

/** Where `needle` occurs in `haystack`, or -1. */
export function indexOfBytes(haystack: Uint8Array, needle: ArrayLike<number>, from = 0): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** The byte runs printed in Chinese mode (between FS & and FS .). */
export function chineseRuns(bytes: Uint8Array): Uint8Array[] {
  const runs: Uint8Array[] = [];
  let at = 0;
  for (;;) {
    const start = indexOfBytes(bytes, [0x1c, 0x26], at);
    if (start < 0) return runs;
    const end = indexOfBytes(bytes, [0x1c, 0x2e], start + 2);
    if (end < 0) throw new Error('FS & without FS .');
    runs.push(bytes.subarray(start + 2, end));
    at = end + 2;
  }
}
