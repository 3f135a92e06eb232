import { describe, expect, it } from 'vitest';
import {
  buildReceipt,
  orderQrPayload,
  parseOrderQrPayload,
  type ReceiptInput,
  receiptDateTime,
  receiptMoney,
} from './receipt';
import { fixtureLine, fixtureOrder, fixturePayment, fixtureReceiptInput } from './receipt-fixtures';
import { layoutReceipt } from './receipt-layout';
import {
  center,
  displayWidth,
  isGbkDoubleByte,
  normaliseYuan,
  padEnd,
  padStart,
  toPrintable,
  truncate,
  twoColumns,
  UNPRINTABLE,
  wrap,
} from './receipt-text';

function input(over: Partial<ReceiptInput> = {}): ReceiptInput {
  return fixtureReceiptInput(over);
}

const lineTexts = (r: ReturnType<typeof buildReceipt>, columns: 32 | 48) =>
  layoutReceipt(r, columns).blocks.flatMap((b) => (b.type === 'line' ? [b.text] : []));

describe('receipt text: widths and GBK', () => {
  it('counts ASCII as one column and every GBK double-byte character as two', () => {
    expect(displayWidth('Cola 330ml')).toBe(10);
    expect(displayWidth('可口可乐')).toBe(8);
    expect(displayWidth('￥3.50')).toBe(6);
    expect(displayWidth('，。！')).toBe(6);
    expect(displayWidth('Ａ')).toBe(2); // full-width Latin
  });

  it('knows GBK: Hanzi, ￥ and full-width punctuation are in, emoji and rare Hanzi are out', () => {
    for (const ch of ['可', '乐', '￥', '，', '￡', 'é']) expect(isGbkDoubleByte(ch)).toBe(true);
    // 𠮷 (U+20BB7) is outside the BMP and GBK; 䶮 (U+4DAE) is CJK Extension A, GB18030 4-byte only.
    for (const ch of ['🧊', '𠮷', '䶮', '¥', 'A']) expect(isGbkDoubleByte(ch)).toBe(false);
  });

  it('turns the half-width ¥ into ￥', () => {
    expect(normaliseYuan('¥12 / ¥3')).toBe('￥12 / ￥3');
    expect(toPrintable('¥1').text).toBe('￥1');
    expect(toPrintable('¥1').unprintable).toEqual([]);
  });

  it('replaces what GBK cannot print and reports it, one mark per emoji', () => {
    const p = toPrintable('冰可乐🧊 👍🏻 吉𠮷\tx');
    expect(p.text).toBe(`冰可乐${UNPRINTABLE} ${UNPRINTABLE} 吉${UNPRINTABLE} x`);
    expect(p.unprintable).toEqual(['🧊', '👍🏻', '𠮷']);
  });

  it('pads, centres and truncates by columns, never cutting a Hanzi in half', () => {
    expect(padEnd('可乐', 6)).toBe('可乐  ');
    expect(padStart('可乐', 6)).toBe('  可乐');
    expect(center('可乐', 7)).toBe(' 可乐  ');
    expect(truncate('A可口可乐', 4)).toBe('A可');
    expect(padEnd('A可口可乐', 4)).toBe('A可 ');
  });

  it('wraps Hanzi between characters and Latin at spaces, within the width', () => {
    const name = `A${'汉'.repeat(20)}`;
    const lines = wrap(name, 32);
    expect(lines).toEqual([`A${'汉'.repeat(15)}`, '汉'.repeat(5)]);
    expect(displayWidth(lines[0])).toBe(31); // the 16th Hanzi would need columns 32–33
    expect(wrap('Extra large bottle of cola', 12)).toEqual(['Extra large', 'bottle of', 'cola']);
    expect(wrap('  优惠', 32)).toEqual(['  优惠']);
  });

  it('puts two columns on one line when they fit, else the right side under the left', () => {
    expect(twoColumns('可乐', '￥3.50', 16)).toEqual(['可乐      ￥3.50']);
    const long = twoColumns('超长名字的进口有机特级初榨橄榄油礼盒装', '3 x ￥129.00 ￥387.00', 32);
    for (const l of long) expect(displayWidth(l)).toBe(32);
    expect(long.at(-1)).toMatch(/3 x ￥129\.00 ￥387\.00$/);
    const tight = twoColumns('商户单号', 'T1_20261125_000042_k3x9q2ab', 32);
    expect(tight).toEqual([padEnd('商户单号', 32), padStart('T1_20261125_000042_k3x9q2ab', 32)]);
  });
});

describe('receipt model', () => {
  it('takes lines, discounts, tax, total and cash from the order, in minor units', () => {
    const r = buildReceipt(input());
    expect(r.kind).toBe('sale');
    expect(r.orderId).toBe(42);
    expect(r.orderNumber).toBe('#0007');
    expect(r.lines).toEqual([
      { name: '可口可乐', quantity: 2, unitPriceMinor: 350, lineDiscountMinor: 50, amountMinor: 650 },
      { name: '全麦面包', quantity: 1, unitPriceMinor: 650, lineDiscountMinor: 0, amountMinor: 650 },
    ]);
    expect(r.subtotalMinor - r.orderDiscountMinor).toBe(r.totalMinor);
    expect([r.subtotalMinor, r.orderDiscountMinor, r.taxMinor, r.totalMinor]).toEqual([1300, 50, 144, 1250]);
    expect([r.tenderedMinor, r.changeMinor]).toEqual([2000, 750]);
    expect(r.cashier).toBeNull();
    expect(r.dateTime).toBe('2026-11-25 14:03:09');
    expect(r.demo).toBe(false);
    expect(r.reprint).toBe(false);
  });

  it('lists the payments that paid the sale, with our and the provider’s numbers and the masked code', () => {
    const order = fixtureOrder({
      payments: [
        fixturePayment({ id: 1, method: 'qr', provider: 'wechat', status: 'failed', tenderedMinor: null }),
        fixturePayment({
          id: 2,
          method: 'payment_code',
          provider: 'alipay',
          tradeNumber: 'T1_20261125_000042_k3x9q2ab',
          providerRef: '2026112522001412345678901234',
          maskedCode: '2851********1234',
          tenderedMinor: null,
          changeMinor: null,
        }),
        // Another wallet of the same round paid too and was refunded: not part of this sale.
        fixturePayment({ id: 3, method: 'qr', provider: 'wechat', status: 'refunded', reason: 'paid_twice' }),
      ],
    });
    const r = buildReceipt(input({ order }));
    expect(r.payments).toHaveLength(1);
    expect(r.payments[0]).toMatchObject({ provider: 'alipay', maskedCode: '2851********1234' });
    expect(r.tenderedMinor).toBeNull();
    const text = lineTexts(r, 48).join('\n');
    expect(text).toContain('支付宝 付款码支付');
    expect(text).toMatch(/支付宝交易号 +2026112522001412345678901234/);
    expect(text).toMatch(/商户单号 +T1_20261125_000042_k3x9q2ab/);
    expect(text).toMatch(/付款码 +2851\*{8}1234/);
    expect(text).not.toMatch(/2851\d{8}1234/);
    const en = lineTexts(buildReceipt(input({ order, language: 'en' })), 48).join('\n');
    expect(en).toMatch(/Alipay trade no\. +2026112522001412345678901234/);
  });

  it('carries the order’s unique id in the QR, never the daily number', () => {
    const r = buildReceipt(input({ installId: 'k3x9' }));
    expect(r.qrPayload).toBe('TPO-k3x9-42');
    expect(r.qrPayload).not.toContain('0007');
    expect(parseOrderQrPayload(r.qrPayload)).toEqual({ orderId: 42, installId: 'k3x9' });
    expect(parseOrderQrPayload(orderQrPayload(7))).toEqual({ orderId: 7, installId: null });
    expect(parseOrderQrPayload('6901234567892')).toBeNull();
    expect(orderQrPayload(42, 'k3-x9')).toMatch(/^[0-9A-Za-z-]+$/);
  });

  it('flags a Demo sale and a reprint on the paper', () => {
    const order = fixtureOrder({
      isDemo: true,
      payments: [
        fixturePayment({ method: 'qr', provider: 'demo', isDemo: true, tenderedMinor: null, changeMinor: null }),
      ],
    });
    const zh = lineTexts(buildReceipt(input({ order, reprint: true })), 32).map((l) => l.trim());
    expect(zh).toContain('*** 重打 ***');
    expect(zh).toContain('演示 DEMO - 未发生真实收款');
    const en = lineTexts(buildReceipt(input({ order, reprint: true, language: 'en' })), 32).map((l) => l.trim());
    expect(en).toContain('*** REPRINT ***');
    expect(en).toContain('DEMO - no money moved');
  });

  it('makes a refund receipt from the same model', () => {
    const r = buildReceipt(
      input({
        refund: {
          at: '2026-11-26T02:00:00.000Z',
          totalMinor: 650,
          lines: [{ name: '全麦面包', quantity: 1, unitPriceMinor: 650, lineDiscountMinor: 0, amountMinor: 650 }],
          payments: [
            {
              method: 'payment_code',
              provider: 'alipay',
              amountMinor: 650,
              tradeNumber: 'T1_20261125_000042_k3x9q2ab',
              providerRef: 'R_T1_20261126_000001',
              maskedCode: null,
              isDemo: false,
            },
          ],
        },
      }),
    );
    expect(r.kind).toBe('refund');
    expect(r.totalMinor).toBe(650);
    expect(r.dateTime).toBe('2026-11-26 10:00:00');
    const text = lineTexts(r, 32).join('\n');
    expect(text).toContain('退款小票');
    expect(text).toMatch(/退款合计 +￥6\.50/);
    expect(text).toMatch(/退款单号/);
    expect(text).not.toContain('小计');
  });

  it('prints the cashier when there is one', () => {
    const text = lineTexts(buildReceipt(input({ cashier: '王芳' })), 32).join('\n');
    expect(text).toMatch(/收银台: T1 +收银员: 王芳/);
  });
});

describe('receipt layout', () => {
  it('prints a weighed line (from a scale label) with its weight instead of "1 x"', () => {
    const order = fixtureOrder({
      lines: [fixtureLine({ name: '苹果', unitPriceMinor: 426, quantity: 1, weightGrams: 333 })],
    });
    const texts = lineTexts(buildReceipt(input({ order })), 32);
    const apple = texts.find((t) => t.startsWith('苹果'))!;
    expect(apple).toContain('0.333kg');
    expect(apple).toContain('￥4.26');
    expect(apple).not.toContain(' x ');
  });

  for (const columns of [32, 48] as const) {
    it(`keeps every line within ${columns} columns`, () => {
      const order = fixtureOrder({
        lines: [
          fixtureLine({ name: '超长名字的进口有机特级初榨橄榄油礼盒装五百毫升 Extra Virgin Olive Oil', quantity: 12 }),
        ],
      });
      for (const b of layoutReceipt(buildReceipt(input({ order })), columns).blocks) {
        if (b.type === 'line') expect(displayWidth(b.text)).toBeLessThanOrEqual(columns);
      }
    });
  }

  it('reports unprintable characters with the line that shows their mark', () => {
    const order = fixtureOrder({ lines: [fixtureLine({ name: '冰可乐🧊' }), fixtureLine({ id: 2, name: '吉𠮷烧' })] });
    const layout = layoutReceipt(buildReceipt(input({ order })), 32);
    expect(layout.unprintable).toEqual(['🧊', '𠮷']);
    const marked = layout.blocks.filter((b) => b.type === 'line' && b.unprintable.length);
    expect(marked.map((b) => b.type === 'line' && [b.text.split(' ')[0], b.unprintable])).toEqual([
      [`冰可乐${UNPRINTABLE}`, ['🧊']],
      [`吉${UNPRINTABLE}烧`, ['𠮷']],
    ]);
  });

  it('puts the QR near the end, with its payload printed under it', () => {
    const blocks = layoutReceipt(buildReceipt(input()), 32).blocks;
    const qr = blocks.findIndex((b) => b.type === 'qr');
    expect(blocks[qr]).toEqual({ type: 'qr', payload: 'TPO-42' });
    expect(blocks[qr + 1]).toMatchObject({ type: 'line', text: expect.stringMatching(/^ +TPO-42$/) });
  });
});

describe('money and time on paper', () => {
  it('prints the full-width yuan sign and exact minor units', () => {
    expect(receiptMoney(1250, 'CNY')).toBe('￥12.50');
    expect(receiptMoney(-50, 'CNY')).toBe('-￥0.50');
    expect(receiptMoney(9_999_999_999, 'CNY')).toBe('￥99999999.99');
    expect(receiptMoney(1200, 'JPY')).toBe('￥1200');
    expect(receiptMoney(1250, 'GBP')).toBe('￡12.50');
    expect(receiptMoney(1250, 'THB')).toBe('THB 12.50');
  });

  it('prints the date and time in the shop’s zone', () => {
    expect(receiptDateTime('2026-11-25T16:30:00.000Z', 'Asia/Shanghai')).toBe('2026-11-26 00:30:00');
  });
});
