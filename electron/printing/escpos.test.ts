import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { buildReceipt, type ReceiptInput } from '../../shared/receipt';
import {
  fixtureLine,
  fixtureOrder,
  fixturePayment,
  fixtureReceiptInput,
  fixtureShop,
} from '../../shared/receipt-fixtures';
import { displayWidth, gbkDoubleByteChars } from '../../shared/receipt-text';
import { type EscPosOptions, receiptToEscPos } from './escpos';
import { chineseRuns, indexOfBytes, readEscPos } from './testing';

function receipt(over: Partial<ReceiptInput> = {}) {
  return buildReceipt(fixtureReceiptInput(over));
}

function print(over: Partial<ReceiptInput> = {}, options: Partial<EscPosOptions> = {}) {
  return receiptToEscPos(receipt(over), { columns: 32, ...options });
}

const gb = (s: string) => [...iconv.encode(s, 'gb18030')];

describe('receipt → ESC/POS', () => {
  it('starts with ESC @ and leaves Chinese mode off', () => {
    const bytes = print();
    expect([...bytes.subarray(0, 4)]).toEqual([0x1b, 0x40, 0x1c, 0x2e]);
  });

  it('prints a Chinese product name as GB18030 bytes inside FS & … FS .', () => {
    const bytes = print();
    const name = gb('可口可乐');
    expect(name).toEqual([0xbf, 0xc9, 0xbf, 0xda, 0xbf, 0xc9, 0xc0, 0xd6]);
    expect(chineseRuns(bytes).some((run) => indexOfBytes(run, name) >= 0)).toBe(true);
    // Nowhere outside such a run.
    expect(readEscPos(bytes).lines.some((l) => l.startsWith('可口可乐'))).toBe(true);
  });

  it('prints the total with ￥ as A3 A4, never the half-width ¥', () => {
    // A header typed with the half-width sign is normalised too.
    const bytes = print({ shop: fixtureShop({ headerLines: ['价格单位 ¥ (元)'] }) });
    const printed = readEscPos(bytes);
    const total = printed.lines.find((l) => l.startsWith('合计'));
    expect(total).toMatch(/￥12\.50$/);
    expect(printed.lines).toContain(printed.lines.find((l) => l.includes('价格单位 ￥ (元)')));
    expect(indexOfBytes(bytes, [0xa3, 0xa4])).toBeGreaterThan(0);
    expect(indexOfBytes(bytes, [0xc2, 0xa5])).toBe(-1);
    expect(indexOfBytes(bytes, [0x81, 0x30, 0x84, 0x36])).toBe(-1);
    expect(indexOfBytes(bytes, [...Buffer.from('12.50')])).toBeGreaterThan(0);
  });

  it('prints the total in bold', () => {
    const { commands } = readEscPos(print());
    expect(commands).toContainEqual({ op: 'bold', on: true });
    const bytes = print();
    const totalAt = indexOfBytes(bytes, gb('合计'));
    const boldAt = indexOfBytes(bytes, [0x1b, 0x45, 0x01]);
    expect(boldAt).toBeGreaterThan(0);
    expect(boldAt).toBeLessThan(totalAt);
  });

  it('carries the order id in the QR, never the daily number', () => {
    const bytes = print({ installId: 'k3x9' });
    const qr = readEscPos(bytes).commands.filter((c) => c.op === 'qr');
    expect(qr).toEqual([{ op: 'qr', data: 'TPO-k3x9-42' }]);
    // GS ( k, store: 1D 28 6B pL pH 31 50 30 + data.
    const data = [...Buffer.from('TPO-k3x9-42')];
    expect(indexOfBytes(bytes, [0x1d, 0x28, 0x6b, data.length + 3, 0x00, 0x31, 0x50, 0x30, ...data])).toBeGreaterThan(
      0,
    );
  });

  it('kicks the drawer only when asked, and never on a reprint', () => {
    const kick = [0x1b, 0x70];
    expect(indexOfBytes(print(), kick)).toBe(-1);
    const asked = print({}, { kickDrawer: true });
    expect(indexOfBytes(asked, [0x1b, 0x70, 0x00, 0x32, 0xfa])).toBeGreaterThan(0);
    expect(readEscPos(asked).commands.filter((c) => c.op === 'kick')).toHaveLength(1);
    expect(indexOfBytes(print({}, { kickDrawer: true, drawerPin: 1 }), [0x1b, 0x70, 0x01])).toBeGreaterThan(0);
    expect(indexOfBytes(print({ reprint: true }, { kickDrawer: true }), kick)).toBe(-1);
  });

  it('cuts at the end unless told not to', () => {
    const bytes = print();
    const cutAt = indexOfBytes(bytes, [0x1d, 0x56]);
    expect(cutAt).toBeGreaterThan(0);
    expect(readEscPos(bytes).commands.at(-1)).toEqual({ op: 'cut', mode: 0 });
    expect(indexOfBytes(print({}, { cut: false }), [0x1d, 0x56])).toBe(-1);
  });

  it('says 重打 on a reprint', () => {
    expect(readEscPos(print({ reprint: true })).lines.some((l) => l.includes('重打'))).toBe(true);
    expect(readEscPos(print()).lines.some((l) => l.includes('重打'))).toBe(false);
  });

  it('says DEMO on a Demo payment', () => {
    const order = fixtureOrder({
      isDemo: true,
      payments: [
        fixturePayment({ method: 'qr', provider: 'demo', isDemo: true, tenderedMinor: null, changeMinor: null }),
      ],
    });
    const lines = readEscPos(print({ order, language: 'en' })).lines;
    expect(lines.some((l) => l.includes('DEMO - no money moved'))).toBe(true);
  });

  for (const columns of [32, 48] as const) {
    it(`keeps every line within ${columns} columns and wraps a long Chinese name whole`, () => {
      const longName = '超长名字的进口有机特级初榨橄榄油礼盒装五百毫升';
      const order = fixtureOrder({ lines: [fixtureLine({ name: longName, quantity: 3, unitPriceMinor: 12_900 })] });
      const bytes = print({ order }, { columns });
      // Every Chinese run is whole characters: an even number of bytes that decodes without loss.
      for (const run of chineseRuns(bytes)) {
        expect(run.length % 2).toBe(0);
        expect(iconv.encode(iconv.decode(Buffer.from(run), 'gb18030'), 'gb18030').equals(Buffer.from(run))).toBe(true);
      }
      const { lines } = readEscPos(bytes);
      for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(columns);
      // The name comes back whole when its lines are joined, and it took more than one line.
      const start = lines.findIndex((l) => l.startsWith('超长'));
      const nameLines = lines.slice(start, start + 3);
      const joined = nameLines.map((l) => l.replace(/ .*$/, '')).join('');
      expect(joined.startsWith(longName)).toBe(true);
      const last = nameLines.find((l) => l.includes('3 x ￥129.00'));
      expect(last).toMatch(/3 x ￥129\.00 ￥387\.00$/);
      expect(displayWidth(last!)).toBe(columns);
    });
  }

  it('prints two columns right-aligned at 32 and 48', () => {
    for (const columns of [32, 48] as const) {
      const { lines } = readEscPos(print({}, { columns }));
      const item = lines.find((l) => l.startsWith('可口可乐'))!;
      expect(item).toBe(`可口可乐${' '.repeat(columns - 8 - 17)}2 x ￥3.50 ￥7.00`);
      expect(displayWidth(item)).toBe(columns);
    }
  });

  it('agrees with iconv-lite: every character the layout counts as GBK is two GB18030 bytes', () => {
    const chars = [...gbkDoubleByteChars()];
    expect(chars.length).toBeGreaterThan(21_000);
    const odd = chars.filter((ch) => {
      const b = iconv.encode(ch, 'gb18030');
      return b.length !== 2 || iconv.decode(b, 'gb18030') !== ch;
    });
    expect(odd).toEqual([]);
  });

  it('prints an emoji as "?"', () => {
    const order = fixtureOrder({ lines: [fixtureLine({ name: '冰可乐🧊' })] });
    const { lines } = readEscPos(print({ order }));
    expect(lines.some((l) => l.startsWith('冰可乐?'))).toBe(true);
  });

  it('prints a logo as a raster image', () => {
    const width = 64;
    const height = 16;
    const rgba = new Uint8Array(width * height * 4);
    for (let i = 0; i < rgba.length; i += 4) rgba[i + 3] = 255; // opaque black
    const { commands } = readEscPos(print({ shop: fixtureShop({ logo: { width, height, rgba } }) }));
    expect(commands).toContainEqual({ op: 'image', widthBytes: width / 8, height });
  });

  // The fixed receipt, byte for byte: any change to what goes to the printer shows up in review as a diff
  // of these files (one printed line per row: its bytes, then the text a printer shows).
  for (const columns of [32, 48] as const) {
    it(`prints the fixed receipt byte for byte at ${columns} columns`, async () => {
      const order = fixtureOrder({
        payments: [
          fixturePayment({ amountMinor: 250, tenderedMinor: 300, changeMinor: 50 }),
          fixturePayment({
            id: 2,
            method: 'payment_code',
            provider: 'alipay',
            amountMinor: 1000,
            tenderedMinor: null,
            changeMinor: null,
            tradeNumber: 'T1_20261125_000042_k3x9q2ab',
            providerRef: '2026112522001412345678901234',
            maskedCode: '2851********1234',
          }),
        ],
      });
      const bytes = print({ order, installId: 'k3x9' }, { columns, kickDrawer: true });
      const { lines } = readEscPos(bytes);
      const rows: string[] = [];
      let start = 0;
      for (let i = 0; i < bytes.length; i++) {
        if (bytes[i] !== 0x0a && i !== bytes.length - 1) continue;
        const chunk = Buffer.from(bytes.subarray(start, i + 1))
          .toString('hex')
          .replace(/(..)(?!$)/g, '$1 ');
        rows.push(`${chunk}\n    | ${lines[rows.length] ?? ''}`);
        start = i + 1;
      }
      await expect(rows.join('\n')).toMatchFileSnapshot(`__snapshots__/receipt-${columns}.escpos.txt`);
    });
  }
});
