import jsQR from 'jsqr';
import { describe, expect, it } from 'vitest';
import { buildReceipt, type ReceiptInput } from '../../shared/receipt';
import { fixtureLine, fixtureOrder, fixtureReceiptInput, fixtureShop } from '../../shared/receipt-fixtures';
import { qrSvg } from './qr-svg';
import { escapeHtml, receiptToHtml } from './receipt-html';

function html(over: Partial<ReceiptInput> = {}, columns: 32 | 48 = 32, qr?: null) {
  const receipt = buildReceipt(fixtureReceiptInput(over));
  return receiptToHtml(receipt, { columns, ...(qr === null ? { qrSvg: null } : {}) });
}

/** The text a line shows, tags dropped and entities read back. */
function linesOf(page: string): string[] {
  return [...page.matchAll(/<div class="l(?: b)?">(.*?)<\/div>/g)].map((m) =>
    m[1]
      .replace(/<[^>]+>/g, '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&'),
  );
}

/** Reads the QR back from the SVG's module paths (`M x y h w v1 H x z`), as a scanner would. */
function decodeSvgQr(svg: string): string | null {
  const box = /viewBox="0 0 (\d+) (\d+)"/.exec(svg)!;
  const n = Number(box[1]);
  const scale = 4;
  const size = n * scale;
  const rgba = new Uint8ClampedArray(size * size * 4).fill(255);
  const dark = /<path fill="#000000" d="([^"]+)"/.exec(svg)![1];
  for (const m of dark.matchAll(/M(\d+)[ ,](\d+)\s*h(\d+)v1H\d+z/g)) {
    const [x0, y, w] = [Number(m[1]), Number(m[2]), Number(m[3])];
    for (let x = x0; x < x0 + w; x++) {
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const i = ((y * scale + dy) * size + x * scale + dx) * 4;
          rgba[i] = rgba[i + 1] = rgba[i + 2] = 0;
        }
      }
    }
  }
  return jsQR(rgba, size, size)?.data ?? null;
}

describe('receipt → HTML', () => {
  it('escapes every text it shows', () => {
    const page = html({
      shop: fixtureShop({ name: '<script>alert("x")</script> & Co', headerLines: ["O'Brien <b>"] }),
      order: fixtureOrder({ lines: [fixtureLine({ name: '<img src=x onerror=alert(1)>' })] }),
    });
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<b>');
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
    expect(page).toContain('O&#39;Brien &lt;b&gt;');
    expect(escapeHtml(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&#39;');
    // It fetches and runs nothing.
    expect(page).toContain(`default-src 'none'`);
  });

  it('shows the totals, payments and change as printed', () => {
    const lines = linesOf(html());
    expect(lines).toContain(`合计${' '.repeat(32 - 4 - 7)}￥12.50`);
    expect(lines.some((l) => /^小计 +￥13\.00$/.test(l))).toBe(true);
    expect(lines.some((l) => /^整单优惠 +-￥0\.50$/.test(l))).toBe(true);
    expect(lines.some((l) => /^找零 +￥7\.50$/.test(l))).toBe(true);
    // The total is bold, as on paper.
    expect(html()).toMatch(
      /<div class="l b"><span class="w">合<\/span><span class="w">计<\/span> +<span class="w">￥<\/span>12\.50<\/div>/,
    );
  });

  it('says REPRINT (重打) on a reprint only', () => {
    expect(linesOf(html({ reprint: true, language: 'en' })).map((l) => l.trim())).toContain('*** REPRINT ***');
    expect(linesOf(html({ reprint: true })).map((l) => l.trim())).toContain('*** 重打 ***');
    expect(html({ language: 'en' })).not.toContain('REPRINT');
  });

  it('lays out at the receipt width, a Hanzi two columns wide', () => {
    for (const columns of [32, 48] as const) {
      const page = html({}, columns);
      expect(page).toContain(`style="width: ${columns}ch"`);
      expect(page).toContain('<span class="w">可</span>');
    }
  });

  it('marks a character the printer cannot print and says which', () => {
    const page = html({ order: fixtureOrder({ lines: [fixtureLine({ name: '冰可乐🧊' })] }) });
    expect(page).toMatch(/<mark class="np" title="打印机无法打印: 🧊">\?<\/mark>/);
    expect(page).toMatch(/<p class="warn" role="alert">打印机无法打印: 🧊/);
    expect(html()).not.toContain('class="warn"');
  });

  it('draws the QR of the order id, which scans back', () => {
    const page = html({ installId: 'k3x9' });
    const svg = /<div class="qr" data-payload="TPO-k3x9-42">(<svg.*?<\/svg>)<\/div>/s.exec(page)?.[1];
    expect(svg).toBeDefined();
    expect(decodeSvgQr(svg!)).toBe('TPO-k3x9-42');
    expect(decodeSvgQr(qrSvg('TPO-7'))).toBe('TPO-7');
  });

  it('without a QR drawer, still prints the order id', () => {
    const page = html({}, 32, null);
    expect(page).not.toContain('<svg');
    expect(linesOf(page).map((l) => l.trim())).toContain('TPO-42');
  });

  it('draws the logo', () => {
    const rgba = new Uint8Array(8 * 2 * 4);
    rgba.set([0, 0, 0, 255], 0); // one dark pixel at (0, 0)
    const page = html({ shop: fixtureShop({ logo: { width: 8, height: 2, rgba } }) });
    expect(page).toMatch(/<div class="logo"><svg [^>]*viewBox="0 0 8 2"[^>]*><path d="M0 0h1v1H0z"\/><\/svg><\/div>/);
  });
});
