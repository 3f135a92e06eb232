// The receipt on screen (History → Receipt, Settings → Preview receipt): the same layout the printer gets, with
// the shop's header and footer, characters the printer cannot print flagged, and no printer needed.
import { afterEach, describe, expect, it } from 'vitest';
import { openTestTill, refusal, type TestTill } from './testing';

const COFFEE = '2000001000007'; // 美式咖啡 ￥18.00

const tills: TestTill[] = [];
afterEach(async () => {
  for (const t of tills.splice(0)) await t.close();
});

function open(): TestTill {
  const t = openTestTill({ printing: { statusEveryMs: 0 } });
  tills.push(t);
  return t;
}

/** The text of the receipt's lines, as the page shows them. */
function lines(html: string): string[] {
  return [...html.matchAll(/<div class="l[^"]*">(.*?)<\/div>/g)].map((m) =>
    m[1].replace(/<[^>]+>/g, '').replace(/&amp;/g, '&'),
  );
}

describe('receipt preview', () => {
  it("shows a completed sale's receipt without a printer: the product, the total, cash and change", async () => {
    const t = open();
    await t.call('cart.scan', { barcode: COFFEE });
    const { order } = await t.call('checkout.cash', { tenderedMinor: 2000 });
    const p = await t.call('printer.preview', { orderId: order.id });
    const text = lines(p.html);
    expect(p.columns).toBe(32);
    expect(text.some((l) => l.includes('美式咖啡'))).toBe(true);
    expect(text.some((l) => /合计/.test(l) && l.includes('￥18.00'))).toBe(true);
    expect(text.some((l) => /找零/.test(l) && l.includes('￥2.00'))).toBe(true);
    expect(text.every((l) => !l.includes('重打'))).toBe(true);
    expect(p.unprintable).toEqual([]);
  });

  it("shows a sample with the shop's header and footer at the chosen width, flagging what cannot print", async () => {
    const t = open();
    const s = await t.call('settings.get', {});
    await t.call('settings.update', {
      printer: { ...s.printer, columns: 48, header: '欢迎光临 😀', footer: '谢谢惠顾' },
    });
    const p = await t.call('printer.preview', {});
    expect(p.columns).toBe(48);
    expect(p.html).toContain('data-columns="48"');
    const text = lines(p.html);
    expect(text.some((l) => l.includes('欢迎光临'))).toBe(true);
    expect(text.some((l) => l.includes('谢谢惠顾'))).toBe(true);
    expect(p.unprintable).toEqual(['😀']);
    expect(p.html).toContain('class="np"');
  });

  it('refuses an order that is not a completed sale, and changes nothing', async () => {
    const t = open();
    await t.call('cart.scan', { barcode: COFFEE });
    const draft = await t.call('cart.get', {});
    expect(await refusal(t.call('printer.preview', { orderId: draft.id }))).toMatchObject({ code: 'ORDER_NOT_FOUND' });
    expect(await refusal(t.call('printer.preview', { orderId: 999999 }))).toMatchObject({ code: 'ORDER_NOT_FOUND' });
    expect((await t.call('cart.get', {})).lines).toHaveLength(1);
  });
});
