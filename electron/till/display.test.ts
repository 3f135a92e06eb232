import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openTestTill, type TestTill } from './testing';

let till: TestTill;
beforeEach(async () => {
  till = openTestTill();
  await till.call('settings.update', { displayThanksMs: 500, shopName: '街角咖啡' });
});
afterEach(() => till.close());

describe('the customer display', () => {
  it('is idle with an empty cart and shows the cart once something is scanned', async () => {
    const idle = await till.call('display.get', {});
    expect(idle).toMatchObject({
      phase: 'idle',
      cart: null,
      sale: null,
      shopName: '街角咖啡',
      currency: 'CNY',
      isDemo: true,
    });
    const changed = till.next('display.changed');
    await till.call('cart.scan', { barcode: '2000001000007' });
    const state = await changed;
    expect(state).toMatchObject({ phase: 'cart', cart: { lines: [{ name: '美式咖啡' }] } });
    expect(state.seq).toBeGreaterThan(idle.seq);
    expect(await till.call('display.get', {})).toEqual(state);
  });

  it('asks the customer for their payment code while the checkout waits for it, until the sale', async () => {
    await till.call('cart.scan', { barcode: '2000001000007' });
    const asked = till.next('display.changed');
    expect(await till.call('display.prompt', { prompt: 'payment_code' })).toMatchObject({
      phase: 'cart',
      prompt: 'payment_code',
    });
    expect(await asked).toMatchObject({ phase: 'cart', prompt: 'payment_code' });
    // Scanning more goods keeps asking; stopping stops it.
    expect((await till.call('cart.scan', { barcode: '2000002000006' })).lines).toHaveLength(2);
    expect((await till.call('display.get', {})).prompt).toBe('payment_code');
    expect((await till.call('display.prompt', { prompt: null })).prompt).toBeNull();
    // A sale ends the question, and the next customer is not asked.
    await till.call('display.prompt', { prompt: 'payment_code' });
    const thanks = till.next('display.changed', (d) => d.phase === 'thanks');
    await till.call('checkout.cash', { tenderedMinor: 4000 });
    expect((await thanks).prompt).toBeNull();
    await till.call('cart.scan', { barcode: '2000001000007' });
    expect((await till.call('display.get', {})).prompt).toBeNull();
  });

  it('shows tendered, change and thanks after a sale, then goes back to idle by itself', async () => {
    await till.call('cart.scan', { barcode: '2000001000007' });
    const thanks = till.next('display.changed');
    await till.call('checkout.cash', { tenderedMinor: 2000 });
    expect(await thanks).toMatchObject({
      phase: 'thanks',
      sale: { number: '0001', totalMinor: 1800, tenderedMinor: 2000, changeMinor: 200 },
      cart: { status: 'completed' },
    });
    const after = await till.next('display.changed');
    expect(after).toMatchObject({ phase: 'idle', sale: null });
  });

  it('leaves thanks at once when the next customer is scanned', async () => {
    await till.call('cart.scan', { barcode: '2000001000007' });
    await till.call('checkout.cash', { tenderedMinor: 1800 });
    expect((await till.call('display.get', {})).phase).toBe('thanks');
    const next = till.next('display.changed');
    await till.call('cart.scan', { barcode: '2000002000006' });
    expect(await next).toMatchObject({ phase: 'cart', sale: null });
    // The thanks timer was cleared with it: the next state is the next change, not a late 'idle'.
    const events = till.events.length;
    await till.call('cart.scan', { barcode: '2000002000006' });
    expect(till.events.slice(events).map((e) => e.event)).toEqual(['cart.changed', 'display.changed']);
  });

  it('after a second sale during thanks, thanks that sale in full, then goes idle once', async () => {
    // The till's clock for its timers only: what matters is which timer fires, not how long a busy CI takes.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      await till.call('cart.scan', { barcode: '2000001000007' });
      await till.call('checkout.cash', { tenderedMinor: 2000 });
      await vi.advanceTimersByTimeAsync(300);
      await till.call('cart.scan', { barcode: '2000002000006' });
      const second = await till.call('checkout.cash', { tenderedMinor: 10_000 });
      const from = till.events.length;
      // Past the first sale's 500 ms: the second sale's thanks is still up.
      await vi.advanceTimersByTimeAsync(499);
      expect(await till.call('display.get', {})).toMatchObject({
        phase: 'thanks',
        sale: { number: second.order.number, tenderedMinor: 10_000, changeMinor: second.changeMinor },
      });
      await vi.advanceTimersByTimeAsync(1);
      expect(await till.call('display.get', {})).toMatchObject({ phase: 'idle', sale: null });
      expect(till.events.slice(from).filter((e) => e.event === 'display.changed')).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('follows the shop name and demo state', async () => {
    const renamed = till.next('display.changed');
    await till.call('settings.update', { shopName: 'Corner Café' });
    expect(await renamed).toMatchObject({ shopName: 'Corner Café' });
    const cleared = till.next('display.changed');
    await till.call('catalog.clearDemo', {});
    expect(await cleared).toMatchObject({ isDemo: false });
  });
});
