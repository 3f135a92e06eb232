// The Demo gateway's daily bills through the Demo adapter's fetchBill (signed both ways): Beijing dates, the
// ready hour, 'none', the 0.6% fee half up and a refund's share of it, the /sim/bills controls, and refusals.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { fileSecretBox } from '../core/secrets';
import { createDemoProvider } from '../payments/providers/demo/index';
import { demoFee } from './bills';
import type { Gateway } from './index';
import { sim, startTestGateway, tempDir } from './testing';

const dirs: string[] = [];
const gateways: Gateway[] = [];
afterAll(async () => {
  for (const g of gateways) await g.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function setup(start: string) {
  let now = new Date(start);
  const gateway = await startTestGateway({ clock: () => new Date(now) });
  gateways.push(gateway);
  const dataDir = tempDir('tillpoint-bills-');
  dirs.push(dataDir);
  const demo = createDemoProvider({
    gatewayUrl: gateway.apiUrl,
    dataDir,
    merchantName: 'Corner',
    secrets: fileSecretBox(dataDir),
  });
  const sell = async (tradeNumber: string, amountMinor: number) => {
    await demo.createQr({
      tradeNumber,
      amountMinor,
      currency: 'CNY',
      subject: 'order',
      orderNumber: '0001',
      expiresAt: new Date(now.getTime() + 60_000),
      notifyUrl: null,
    });
    expect((await sim(gateway, `trades/${tradeNumber}/pay`, {})).status).toBe(200);
  };
  return { gateway, demo, sell, set: (iso: string) => (now = new Date(iso)) };
}

describe('the fee', () => {
  it('is 0.6% rounded half up to the fen', () => {
    expect([1, 83, 84, 2200, 8888, 9_999_999_999].map(demoFee)).toEqual([0, 0, 1, 13, 53, 60_000_000]);
  });
});

describe('GET /v1/bills', () => {
  it('not ready until 09:00 Beijing the next day, then the rows; none on a day without trades', async () => {
    const { gateway, demo, sell, set } = await setup('2026-12-03T15:59:00.000Z'); // 23:59 Beijing
    await sell('T1_20261203_000001_ab12cd34ef', 8888);
    set('2026-12-03T16:00:30.000Z'); // 00:00:30 Beijing on 12-04
    await sell('T1_20261203_000002_ab12cd34ef', 2200);
    await demo.refund({
      tradeNumber: 'T1_20261203_000002_ab12cd34ef',
      refundNumber: 'T1_20261203_000002_ab12cd34ef-R1',
      amountMinor: 1100,
      totalMinor: 2200,
      reason: 'one latte',
    });
    expect(await demo.fetchBill!('2026-12-03')).toEqual({ status: 'not_ready' });
    set('2026-12-04T00:59:59.000Z'); // 08:59:59 Beijing
    expect(await demo.fetchBill!('2026-12-03')).toEqual({ status: 'not_ready' });
    set('2026-12-04T01:00:00.000Z');
    expect(await demo.fetchBill!('2026-12-03')).toEqual({
      status: 'ready',
      rows: [
        {
          tradeNumber: 'T1_20261203_000001_ab12cd34ef',
          providerRef: expect.stringMatching(/^DP/),
          time: '2026-12-03T23:59:00+08:00',
          amountMinor: 8888,
          feeMinor: 53,
          refundMinor: 0,
          refundNumber: null,
          status: 'paid',
        },
      ],
    });
    expect(await demo.fetchBill!('2026-12-02')).toEqual({ status: 'none' });
    // The next day's bill: a sale at 00:00:30 Beijing and its refund, with half its fee (13 → 6.5 → 7) back.
    set('2026-12-05T01:00:00.000Z');
    const next = await demo.fetchBill!('2026-12-04');
    expect(
      next.status === 'ready' && next.rows.map((r) => [r.status, r.amountMinor, r.refundMinor, r.feeMinor]),
    ).toEqual([
      ['paid', 2200, 0, 13],
      ['refunded', 0, 1100, 7],
    ]);
    expect(next.status === 'ready' && next.rows[1].refundNumber).toBe('T1_20261203_000002_ab12cd34ef-R1');

    // Unsigned, or a date that is not one: refused.
    const unsigned = await fetch(`${gateway.apiUrl}/v1/bills?date=2026-12-03`);
    expect(unsigned.status).toBe(401);
    await expect(demo.fetchBill!('03/12/2026')).rejects.toMatchObject({ kind: 'rejected', code: 'INVALID_REQUEST' });
    await expect(demo.fetchBill!('2026-02-30')).rejects.toMatchObject({ kind: 'rejected' });
  });

  it('the sim controls: ready now, a row dropped, a row added', async () => {
    const { gateway, demo, sell } = await setup('2026-12-03T04:00:00.000Z');
    await sell('T1_20261203_000003_ab12cd34ef', 1800);
    await sell('T1_20261203_000004_ab12cd34ef', 2200);
    expect(await demo.fetchBill!('2026-12-03')).toEqual({ status: 'not_ready' });
    const added = {
      kind: 'payment',
      tradeNumber: 'APP-ORDER-1',
      providerRef: 'DPX1',
      time: '2026-12-03T13:00:00+08:00',
      amountMinor: 500,
      feeMinor: 3,
      refundNumber: null,
    };
    const edit = await sim(gateway, 'bills/2026-12-03', {
      ready: true,
      drop: ['T1_20261203_000003_ab12cd34ef'],
      add: [added],
    });
    expect(edit).toEqual({ status: 200, body: { ready: true, drop: ['T1_20261203_000003_ab12cd34ef'], add: [added] } });
    const bill = await demo.fetchBill!('2026-12-03');
    expect(bill.status === 'ready' && bill.rows.map((r) => [r.tradeNumber, r.amountMinor])).toEqual([
      ['T1_20261203_000004_ab12cd34ef', 2200],
      ['APP-ORDER-1', 500],
    ]);
    // Refused edits change nothing.
    expect((await sim(gateway, 'bills/2026-12-03', { add: [{ ...added, amountMinor: -1 }] })).status).toBe(400);
    expect((await sim(gateway, 'bills/2026-13-03', { ready: true })).status).toBe(400);
    const text = await fetch(`${gateway.apiUrl}/sim/bills/2026-12-03`, { method: 'POST', body: '{"ready":false}' });
    expect(text.status).toBe(415);
    expect((await sim(gateway, 'bills/2026-12-03')).body).toEqual({
      ready: true,
      drop: [expect.any(String)],
      add: [added],
    });
    expect((await sim(gateway, 'bills/reset', {})).status).toBe(200);
    expect(await demo.fetchBill!('2026-12-03')).toEqual({ status: 'not_ready' });
  });
});
