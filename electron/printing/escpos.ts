// A receipt as ESC/POS bytes. The encoder does the printer commands (initialize, bold, QR, logo, drawer
// pulse, cut); it has no Chinese code page, so every run of Chinese goes out as GB18030 bytes between
// FS & (Chinese mode on) and FS . (off) through raw(). The lines come from the shared layout, which already
// counts a Hanzi as two columns, so the encoder's own wrapping never has to.
import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import iconv from 'iconv-lite';
import type { Receipt } from '../../shared/receipt';
import { layoutReceipt } from '../../shared/receipt-layout';
import { type ReceiptColumns, UNPRINTABLE } from '../../shared/receipt-text';

export const FS_CHINESE_ON = [0x1c, 0x26] as const;
export const FS_CHINESE_OFF = [0x1c, 0x2e] as const;

export interface EscPosOptions {
  /** 32 (58 mm) or 48 (80 mm). */
  columns: ReceiptColumns;
  /**
   * Open the cash drawer with this receipt (ESC p). Only the sale's own first print asks for it: a reprint
   * never kicks, whatever is asked, so a drawer never opens by itself.
   */
  kickDrawer?: boolean;
  /** Drawer connector pin: 0 (pin 2, the usual) or 1 (pin 5). */
  drawerPin?: 0 | 1;
  /** Cut the paper at the end (default true). */
  cut?: boolean;
  /** Lines fed before the cut so the last printed line clears the cutter (default 4). */
  feedBeforeCut?: number;
}

/** GB18030 bytes of one double-byte character, or null when it is not exactly two bytes there. */
function gbBytes(ch: string): Buffer | null {
  const b = iconv.encode(ch, 'gb18030');
  return b.length === 2 ? b : null;
}

/** One laid-out line: ASCII through the encoder, each Chinese run as FS & … FS . raw bytes. */
function printLine(encoder: ReceiptPrinterEncoder, text: string): void {
  let ascii = '';
  let chinese: number[] = [];
  const flushAscii = () => {
    if (ascii) encoder.text(ascii);
    ascii = '';
  };
  const flushChinese = () => {
    if (chinese.length) encoder.raw([...FS_CHINESE_ON, ...chinese, ...FS_CHINESE_OFF]);
    chinese = [];
  };
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    const bytes = c >= 0x80 && ch !== UNPRINTABLE ? gbBytes(ch) : null;
    if (bytes) {
      flushAscii();
      chinese.push(...bytes);
    } else {
      flushChinese();
      // The layout left only ASCII and GBK characters; anything else prints as "?".
      ascii += c >= 0x20 && c < 0x7f ? ch : '?';
    }
  }
  flushAscii();
  flushChinese();
}

export function receiptToEscPos(receipt: Receipt, options: EscPosOptions): Uint8Array {
  const { columns } = options;
  const encoder = new ReceiptPrinterEncoder({
    language: 'esc-pos',
    columns,
    // Raster (GS v 0) is what the common Chinese 58/80 mm printers understand.
    imageMode: 'raster',
    feedBeforeCut: options.feedBeforeCut ?? 4,
  });
  // ESC @ then FS . : a printer left in Chinese mode by someone else starts clean.
  encoder.initialize();
  // First, so the drawer opens while the receipt prints.
  if (options.kickDrawer && !receipt.reprint) encoder.pulse(options.drawerPin ?? 0);

  const layout = layoutReceipt(receipt, columns);
  for (const block of layout.blocks) {
    if (block.type === 'logo') {
      const logo = receipt.shop.logo;
      if (!logo) continue;
      const width = Math.min(logo.width, encoder.printableWidth);
      encoder.align('center');
      // A plain object { data, width, height } is what the encoder takes outside a browser.
      encoder.image({ data: logo.rgba, width: logo.width, height: logo.height }, { width });
      encoder.align('left');
    } else if (block.type === 'qr') {
      encoder.align('center').qrcode(block.payload, { model: 2, size: columns >= 48 ? 6 : 5, errorlevel: 'm' });
      encoder.align('left');
    } else {
      if (block.bold) encoder.bold(true);
      printLine(encoder, block.text);
      if (block.bold) encoder.bold(false);
      encoder.newline();
    }
  }
  if (options.cut ?? true) encoder.cut();
  return encoder.encode();
}

/** Only the drawer pulse (ESC @, ESC p): "Open drawer", "Test drawer", a cash sale without a receipt. */
export function drawerKickEscPos(pin: 0 | 1 = 0): Uint8Array {
  const encoder = new ReceiptPrinterEncoder({ language: 'esc-pos' });
  return encoder.initialize().pulse(pin).encode();
}

/** A page of plain lines (Chinese as GB18030 inside FS & … FS .), then a cut: the test page. */
export function linesToEscPos(lines: string[], columns: ReceiptColumns): Uint8Array {
  const encoder = new ReceiptPrinterEncoder({ language: 'esc-pos', columns, feedBeforeCut: 4 });
  encoder.initialize();
  for (const line of lines) {
    printLine(encoder, line);
    encoder.newline();
  }
  encoder.cut();
  return encoder.encode();
}
