// A receipt as one self-contained HTML page: the preview on screen and what the system print fallback
// prints. It shows the very lines the printer gets (shared layout), in a grid where a Hanzi takes exactly
// two columns whatever the font, and marks each character the printer cannot print.
import type { Receipt, ReceiptLogo } from '../../shared/receipt';
import { layoutReceipt } from '../../shared/receipt-layout';
import { charWidth, type ReceiptColumns, UNPRINTABLE } from '../../shared/receipt-text';
import { qrSvg as defaultQrSvg } from './qr-svg';

export interface ReceiptHtmlOptions {
  columns: ReceiptColumns;
  /** Draws the QR; null leaves the image out (the order id is printed under it either way). */
  qrSvg?: ((payload: string) => string) | null;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const NOT_PRINTABLE = { 'zh-CN': '打印机无法打印', en: 'The printer cannot print' } as const;

/** One line: ASCII as it is, each wide character in a box two columns wide, each unprintable one marked. */
function lineHtml(text: string, unprintable: string[], receipt: Receipt): string {
  let html = '';
  let k = 0;
  for (const ch of text) {
    if (ch === UNPRINTABLE) {
      const what = unprintable[k++] ?? '';
      const title = `${NOT_PRINTABLE[receipt.language]}: ${what}`;
      html += `<mark class="np" title="${escapeHtml(title)}">?</mark>`;
    } else if (charWidth(ch) === 2) {
      html += `<span class="w">${escapeHtml(ch)}</span>`;
    } else {
      html += escapeHtml(ch);
    }
  }
  return html;
}

/** The logo as SVG rectangles, one per run of dark pixels in a row (what the printer would print). */
export function logoSvg(logo: ReceiptLogo): string {
  const rects: string[] = [];
  for (let y = 0; y < logo.height; y++) {
    let start = -1;
    for (let x = 0; x <= logo.width; x++) {
      let dark = false;
      if (x < logo.width) {
        const i = (y * logo.width + x) * 4;
        const [r, g, b, a] = [logo.rgba[i], logo.rgba[i + 1], logo.rgba[i + 2], logo.rgba[i + 3]];
        dark = a >= 128 && r * 299 + g * 587 + b * 114 < 128_000;
      }
      if (dark && start < 0) start = x;
      if (!dark && start >= 0) {
        rects.push(`M${start} ${y}h${x - start}v1H${start}z`);
        start = -1;
      }
    }
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${logo.width} ${logo.height}" width="${logo.width}" ` +
    `height="${logo.height}" shape-rendering="crispEdges"><path d="${rects.join('')}"/></svg>`
  );
}

const STYLE = `
body { margin: 0; padding: 16px; background: #eee; }
.paper { background: #fff; color: #000; margin: 0 auto; padding: 12px 10px; box-sizing: content-box;
  font: 14px/1.35 "Noto Sans Mono CJK SC", "Sarasa Mono SC", Menlo, Consolas, "Courier New", monospace; }
.l { white-space: pre; min-height: 1.35em; }
.b { font-weight: bold; }
.w { display: inline-block; width: 2ch; text-align: center; }
.np { background: #ffd400; color: #b00000; outline: 1px solid #b00000; font-weight: bold; }
.qr, .logo { text-align: center; margin: 6px 0; }
.logo svg { max-width: 100%; height: auto; }
.warn { max-width: 40em; margin: 0 auto 12px; padding: 6px 10px; background: #fff3bf; border: 1px solid #e0a800;
  font: 13px sans-serif; }
@media print { body { background: none; padding: 0; } .warn { display: none; } .paper { padding: 0; } }
`;

export function receiptToHtml(receipt: Receipt, options: ReceiptHtmlOptions): string {
  const { columns } = options;
  const drawQr = options.qrSvg === undefined ? defaultQrSvg : options.qrSvg;
  const layout = layoutReceipt(receipt, columns);
  const body: string[] = [];
  for (const block of layout.blocks) {
    if (block.type === 'logo') {
      if (receipt.shop.logo) body.push(`<div class="logo">${logoSvg(receipt.shop.logo)}</div>`);
    } else if (block.type === 'qr') {
      if (drawQr)
        body.push(`<div class="qr" data-payload="${escapeHtml(block.payload)}">${drawQr(block.payload)}</div>`);
    } else {
      const cls = block.bold ? 'l b' : 'l';
      body.push(`<div class="${cls}">${lineHtml(block.text, block.unprintable, receipt)}</div>`);
    }
  }
  const warn = layout.unprintable.length
    ? `<p class="warn" role="alert">${escapeHtml(
        `${NOT_PRINTABLE[receipt.language]}: ${layout.unprintable.join(' ')}` +
          (receipt.language === 'zh-CN' ? '（打印为 “?”）' : ' (printed as "?")'),
      )}</p>`
    : '';
  const title = `${receipt.shop.name} ${receipt.orderNumber}`;
  return [
    '<!doctype html>',
    `<html lang="${receipt.language}">`,
    '<head>',
    '<meta charset="utf-8">',
    // Nothing to fetch, nothing to run: the page is all here.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    warn,
    `<div class="paper" data-columns="${columns}" style="width: ${columns}ch">`,
    ...body,
    '</div>',
    '</body>',
    '</html>',
  ].join('\n');
}
