// "I paid!" against the real adapters talking HTTP to the local Alipay and WeChat Pay mocks: the number the
// customer's wallet shows (支付宝交易号 / 微信支付订单号) finds our trade, and an open payment the wallet says
// is paid is settled once by the engine's usual query.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openTestTill, sqlCount, type TestTill, testClock } from '../till/testing';
import { createAlipayProvider } from './providers/alipay/adapter';
import { type AlipayMock, startAlipayMock } from './providers/alipay/mock';
import { createWechatPayProvider } from './providers/wechat/adapter';
import { startWechatPayMock, type WechatPayMock } from './providers/wechat/mock';

const COFFEE = '2000001000007'; // 18.00

let alipay: AlipayMock;
let wechat: WechatPayMock;
beforeAll(async () => {
  [alipay, wechat] = await Promise.all([startAlipayMock(), startWechatPayMock()]);
});
afterAll(async () => {
  await Promise.all([alipay.stop(), wechat.stop()]);
});

const tills: TestTill[] = [];
afterEach(async () => {
  for (const t of tills.splice(0)) await t.close();
});

async function twoQrs() {
  const till = openTestTill({
    clock: testClock(new Date()).clock,
    payments: {
      providers: [
        createAlipayProvider({ config: alipay.config(), timeoutMs: 3000 }),
        createWechatPayProvider({ config: wechat.config(), timeoutMs: 3000 }),
      ],
      notify: false,
      engine: { loops: false, sweepWaitMs: 2000 },
    },
  });
  tills.push(till);
  await till.start();
  await till.call('cart.scan', { barcode: COFFEE });
  const { group } = await till.call('pay.start', { method: 'qr' });
  return { till, a: group.find((p) => p.provider === 'alipay')!, w: group.find((p) => p.provider === 'wechat')! };
}

describe('pay.lookup with the Alipay and WeChat Pay mocks', () => {
  it('finds our trade by the 微信支付订单号 and completes the sale once', async () => {
    const { till, w } = await twoQrs();
    wechat.customerPays(w.tradeNumber!);
    const transactionId = wechat.trades.get(w.tradeNumber!)!.transactionId;
    expect(transactionId).toMatch(/^\d{28,32}$/);

    const found = await till.call('pay.lookup', { number: transactionId });

    expect(found).toMatchObject({
      found: true,
      provider: 'wechat',
      asked: ['alipay', 'wechat'],
      tradeNumber: w.tradeNumber,
      providerRef: transactionId,
      status: 'paid',
      amountMinor: 1800,
      ours: { id: w.id, status: 'paid' },
    });
    expect(found.orderNumber).toBeTruthy();
    expect(sqlCount(till, "SELECT count(*) FROM journal WHERE kind = 'sale.completed'")).toBe(1);
  });

  it('finds our trade by the 支付宝交易号, and says "not found" for a number neither wallet knows', async () => {
    const { till, a } = await twoQrs();
    alipay.customerPays(a.tradeNumber!);
    const tradeNo = alipay.trades.get(a.tradeNumber!)!.tradeNo;
    expect(tradeNo).toMatch(/^\d{28,32}$/);

    const found = await till.call('pay.lookup', { number: tradeNo });
    expect(found).toMatchObject({
      found: true,
      provider: 'alipay',
      tradeNumber: a.tradeNumber,
      providerRef: tradeNo,
      status: 'paid',
      amountMinor: 1800,
      ours: { id: a.id, status: 'paid' },
    });
    expect(sqlCount(till, "SELECT count(*) FROM journal WHERE kind = 'sale.completed'")).toBe(1);

    const unknown = await till.call('pay.lookup', { number: '4200000000000000000000000001' });
    expect(unknown).toMatchObject({ found: false, status: 'not_found', asked: ['alipay', 'wechat'], ours: null });
  });
});
