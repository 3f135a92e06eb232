// "Pay ¥0.01 yourself" in Settings → Payments, against the Alipay and WeChat Pay mocks: one fen in through the
// wallet's own QR, refunded at once under a stored refund number, never a sale; an unpaid one is closed, and one
// a restart interrupted is finished at the next start.
import { afterEach, describe, expect, it } from 'vitest';
import { openTestTill, type TestTill, tempDataDir } from '../till/testing';
import { type AlipayMock, startAlipayMock } from './providers/alipay/mock';
import { startWechatPayMock, type WechatPayMock } from './providers/wechat/mock';

const open: { stop(): Promise<void> }[] = [];
const tills: TestTill[] = [];
afterEach(async () => {
  for (const t of tills.splice(0)) await t.close();
  for (const m of open.splice(0)) await m.stop();
});

async function shop(dataDir = tempDataDir()) {
  const alipay = await startAlipayMock();
  const wechat = await startWechatPayMock();
  open.push(alipay, wechat);
  const till = await start(dataDir, alipay, wechat);
  return { till, alipay, wechat, dataDir };
}

async function start(dataDir: string, alipay: AlipayMock, wechat: WechatPayMock) {
  const till = openTestTill({
    dataDir,
    payConfig: { alipay: alipay.config(), wechatpay: wechat.config() },
    payments: { notify: false, engine: { loops: false } },
  });
  tills.push(till);
  await till.start();
  return till;
}

function noSale(till: TestTill) {
  expect(till.db.prepare('SELECT count(*) FROM payments').pluck().get()).toBe(0);
  expect(till.db.prepare("SELECT count(*) FROM orders WHERE status = 'completed'").pluck().get()).toBe(0);
}

describe('Pay ¥0.01 yourself', () => {
  it('Alipay: a one-fen QR; paid, then refunded at once under its refund number; no sale', async () => {
    const { till, alipay } = await shop();
    const started = await till.call('paySettings.testPay', { wallet: 'alipay' });
    expect(started).toMatchObject({
      provider: 'alipay',
      state: 'waiting',
      qrContent: expect.stringMatching(/^https:/),
    });
    expect(alipay.trades.get(started.tradeNumber)).toMatchObject({ amountMinor: 1 });
    expect(await till.call('paySettings.testPayCheck', { tradeNumber: started.tradeNumber })).toMatchObject({
      state: 'waiting',
    });
    alipay.customerPays(started.tradeNumber);
    const done = await till.call('paySettings.testPayCheck', { tradeNumber: started.tradeNumber });
    expect(done).toMatchObject({ state: 'refunded', detail: null });
    expect(alipay.trades.get(started.tradeNumber)!.refunds).toEqual([
      { outRequestNo: `${started.tradeNumber}-R1`, amountMinor: 1 },
    ]);
    noSale(till);
  });

  it('WeChat Pay: paid and refunded once, however often the cashier asks', async () => {
    const { till, wechat } = await shop();
    const started = await till.call('paySettings.testPay', { wallet: 'wechatpay' });
    expect(wechat.trades.get(started.tradeNumber)).toMatchObject({ total: 1, currency: 'CNY' });
    wechat.customerPays(started.tradeNumber);
    await till.call('paySettings.testPayCheck', { tradeNumber: started.tradeNumber });
    const again = await till.call('paySettings.testPayCheck', { tradeNumber: started.tradeNumber });
    expect(again.state).toBe('refunded');
    expect(wechat.trades.get(started.tradeNumber)!.refunded).toBe(1);
    noSale(till);
  });

  it('an unpaid test QR is closed by Cancel', async () => {
    const { till, alipay } = await shop();
    const started = await till.call('paySettings.testPay', { wallet: 'alipay' });
    expect(await till.call('paySettings.testPayCancel', { tradeNumber: started.tradeNumber })).toMatchObject({
      state: 'closed',
    });
    expect(alipay.trades.get(started.tradeNumber)!.status).toBe('TRADE_CLOSED');
  });

  it('one paid while the till was stopped is refunded at the next start', async () => {
    const { till, wechat, alipay, dataDir } = await shop();
    const started = await till.call('paySettings.testPay', { wallet: 'wechatpay' });
    await tills.pop()!.close();
    wechat.customerPays(started.tradeNumber);
    const again = await start(dataDir, alipay, wechat);
    await again.checkout.sweep();
    expect(wechat.trades.get(started.tradeNumber)!.refunded).toBe(1);
    expect((await again.call('paySettings.testPayCheck', { tradeNumber: started.tradeNumber })).state).toBe('refunded');
  });

  it('is refused for a wallet that is not set up', async () => {
    const alipay = await startAlipayMock();
    open.push(alipay);
    const till = openTestTill({ payConfig: { alipay: alipay.config() }, payments: { notify: false } });
    tills.push(till);
    await till.start();
    await expect(till.call('paySettings.testPay', { wallet: 'wechatpay' })).rejects.toMatchObject({
      code: 'PAYMENT_UNAVAILABLE',
    });
  });
});
