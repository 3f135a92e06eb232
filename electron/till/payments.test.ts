// The till's payment wiring with the real Demo gateway embedded (electron/gateway) and the real Demo
// provider, phone pages on loopback: QR pay is offered, a QR is made and shown, and cancelled.
import { afterEach, describe, expect, it } from 'vitest';
import { openTestTill, type TestTill } from './testing';

const tills: TestTill[] = [];
afterEach(async () => {
  for (const t of tills.splice(0)) await t.close();
});

describe('the till with its embedded Demo gateway', () => {
  it('offers QR pay, shows a QR for the amount that points at the phone pages, and closes it on cancel', async () => {
    const till = openTestTill({ payments: { payPort: 0, payBind: '127.0.0.1' } });
    tills.push(till);
    await till.start();
    const info = till.payments();
    expect(info).toMatchObject({ kind: 'embedded', problem: null });
    expect(info.gatewayUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);

    await till.call('cart.scan', { barcode: '2000001000007' });
    const qr = (await till.call('pay.options', {})).options.find((o) => o.method === 'qr');
    expect(qr).toMatchObject({ available: true, isDemo: true, provider: 'demo' });

    const shown = till.next('display.changed', (d) => d.phase === 'payment' && d.payment?.qrContent !== null);
    const { payment } = await till.call('pay.start', { method: 'qr' });
    expect(payment).toMatchObject({ status: 'pending', amountMinor: 1800, provider: 'demo', isDemo: true });
    expect(payment!.qrContent!.startsWith(info.payUrl!)).toBe(true);
    expect((await shown).payment).toMatchObject({ orderNumber: '0001', isDemo: true, amountMinor: 1800 });

    const { payment: after, cart } = await till.call('pay.cancel', { paymentId: payment!.id });
    expect(after!.status).toBe('cancelled');
    expect(cart.locked).toBe(false);
  });

  it('is settled by the gateway signed notification when the customer pays, and completes the order', async () => {
    const till = openTestTill({ payments: { payPort: 0, payBind: '127.0.0.1', simControls: true } });
    tills.push(till);
    await till.start();
    await till.call('cart.scan', { barcode: '2000001000007' });
    const { payment, cart } = await till.call('pay.start', { method: 'qr' });
    const paid = till.next('payment.changed', (p) => p.status === 'paid');
    // What the phone page's Pay button does, through the simulator's loopback control.
    const res = await fetch(`${till.payments().gatewayUrl}/sim/trades/${payment!.tradeNumber}/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    expect(await paid).toMatchObject({ id: payment!.id });
    const [order] = await till.call('orders.today', {});
    expect(order).toMatchObject({ id: cart.id, status: 'completed', number: '0001', paidMinor: 1800 });
    expect(till.db.prepare("SELECT count(*) FROM journal WHERE kind = 'payment.paid'").pluck().get()).toBe(1);
  });

  it('starts its embedded gateway without the /sim test controls unless told to', async () => {
    const till = openTestTill({ payments: { payPort: 0, payBind: '127.0.0.1' } });
    tills.push(till);
    await till.start();
    await till.call('cart.scan', { barcode: '2000001000007' });
    const { payment } = await till.call('pay.start', { method: 'qr' });
    const base = till.payments().gatewayUrl;
    const pay = await fetch(`${base}/sim/trades/${payment!.tradeNumber}/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect(pay.status).toBe(404);
    expect((await fetch(`${base}/sim/trades`)).status).toBe(404);
    expect((await till.call('pay.current', {})).payment).toMatchObject({ id: payment!.id, status: 'pending' });
    expect(till.db.prepare("SELECT count(*) FROM journal WHERE kind = 'payment.paid'").pluck().get()).toBe(0);
  });

  it('leaves QR pay unavailable when its gateway cannot be reached, and cash still sells', async () => {
    const till = openTestTill({ payments: { gatewayUrl: 'http://127.0.0.1:9' } });
    tills.push(till);
    await till.start();
    expect(till.payments()).toMatchObject({ kind: 'external', gatewayUrl: 'http://127.0.0.1:9' });
    await till.call('cart.scan', { barcode: '2000001000007' });
    const qr = (await till.call('pay.options', {})).options.find((o) => o.method === 'qr');
    expect(qr).toMatchObject({ available: false, reason: 'unreachable' });
    const { order } = await till.call('checkout.cash', { tenderedMinor: 2000 });
    expect(order.status).toBe('completed');
  });
});
