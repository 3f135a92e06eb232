// Kills a real till process at each named payment crash point while it talks to the WeChat Pay mock, then
// reopens its data with the same mock: the mock lives in this test process, so its trades survive the
// child's death, and the restarted till settles every payment exactly once, agreeing with WeChat's record.
// The child runs asynchronously (the mock must answer it from this event loop).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrashPoint } from '../../../core/crash';
import { findAssetsDir } from '../../../till/catalog';
import { buildTillScript, openTestTill, REPO_ROOT, type TestTill, tempDataDir, testClock } from '../../../till/testing';
import { createWechatPayProvider } from './adapter';
import { startWechatPayMock, type WechatPayMock } from './mock';

const COFFEE = '2000001000007';
let script: string;
let mock: WechatPayMock;

beforeAll(async () => {
  mock = await startWechatPayMock();
  script = buildTillScript(
    'tillpoint-wechat-crash-',
    `import fs from 'node:fs';
import { createTill } from '@till/till/index.ts';
import { createWechatPayProvider } from '@till/payments/providers/wechat/index.ts';
async function main() {
  const [dataDir, assetsDir, configFile, action, paymentId] = process.argv.slice(2);
  const config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
  const provider = createWechatPayProvider({ config, timeoutMs: 5000 });
  const till = createTill({
    dataDir, assetsDir, mode: 'host', version: 'crash',
    payments: { provider, notify: false, engine: { loops: false } },
  });
  await till.start();
  const ctx = { transport: 'http' } as const;
  const id = Number(paymentId);
  if (action === 'start') await till.handlers['pay.start']({ method: 'qr' }, ctx);
  else if (action === 'cancel') await till.handlers['pay.cancel']({ paymentId: id }, ctx);
  else if (action === 'refund') await till.handlers['attention.resolve']({ paymentId: id, action: 'refund' }, ctx);
  else await till.handlers['pay.check']({ paymentId: id }, ctx);
  await till.close();
}
main().catch((err) => { console.error(err); process.exit(3); });
`,
  );
});
afterAll(() => mock.stop());

type Action = 'start' | 'check' | 'cancel' | 'refund';

/** Runs the child till until it dies at `crashAt`; resolves with how it ended. */
function runTill(dataDir: string, action: Action, crashAt: CrashPoint, id = 0) {
  const configFile = path.join(dataDir, 'wechatpay.json');
  fs.writeFileSync(configFile, JSON.stringify(mock.config()), { mode: 0o600 });
  const child = spawn(process.execPath, [script, dataDir, findAssetsDir(), configFile, action, String(id)], {
    env: { ...process.env, TILLPOINT_CRASH_AT: crashAt, NODE_PATH: path.join(REPO_ROOT, 'node_modules') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString('utf8');
  });
  return new Promise<{ signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('exit', (_code, signal) => resolve({ signal, stderr }));
  });
}

function open(dataDir: string, clock?: () => Date): TestTill {
  return openTestTill({
    dataDir,
    clock,
    payments: {
      provider: createWechatPayProvider({ config: mock.config(), timeoutMs: 5000 }),
      notify: false,
      engine: { loops: false },
    },
  });
}

const count = (till: TestTill, kind: string) =>
  till.db.prepare('SELECT count(*) FROM journal WHERE kind = ?').pluck().get(kind) as number;

function tradeNumbers(till: TestTill): string[] {
  return till.db.prepare('SELECT trade_number FROM payments ORDER BY id').pluck().all() as string[];
}

/** After the restart: paid once, the order completed once, and WeChat holds exactly 1800 fen for it. */
async function expectPaidOnce(dataDir: string, cartId: number) {
  const till = open(dataDir);
  try {
    await till.start();
    await till.checkout.sweep();
    const rows = till.db.prepare('SELECT status, amount_minor FROM payments').all() as {
      status: string;
      amount_minor: number;
    }[];
    expect(rows.map((r) => [r.status, r.amount_minor])).toEqual([['paid', 1800]]);
    expect(mock.trades.get(tradeNumbers(till)[0])).toMatchObject({ state: 'SUCCESS', total: 1800 });
    expect([count(till, 'payment.paid'), count(till, 'sale.completed')]).toEqual([1, 1]);
    const [order] = await till.call('orders.today', {});
    expect(order).toMatchObject({ id: cartId, status: 'completed', number: '0001', paidMinor: 1800 });
    expect(await till.call('attention.list', {})).toEqual([]);
  } finally {
    await till.close();
  }
}

async function sellerWithQr(dataDir: string) {
  const seller = open(dataDir);
  await seller.start();
  const cart = await seller.call('cart.scan', { barcode: COFFEE });
  const { payment } = await seller.call('pay.start', { method: 'qr' });
  return { seller, cart, payment: payment! };
}

describe('a till killed during a WeChat QR payment', () => {
  it('at pay.afterProviderCreate (WeChat has the trade, our row does not know it) settles it after the restart', async () => {
    const dataDir = tempDataDir();
    const till = open(dataDir);
    const cart = await till.call('cart.scan', { barcode: COFFEE });
    await till.close();

    const run = await runTill(dataDir, 'start', 'pay.afterProviderCreate');
    expect(run.signal, run.stderr).toBe('SIGKILL');
    const reader = open(dataDir);
    const [no] = tradeNumbers(reader);
    await reader.close();
    expect(mock.trades.get(no)).toMatchObject({ state: 'NOTPAY', total: 1800 });
    mock.customerPays(no); // while the till is down
    await expectPaidOnce(dataDir, cart.id);
  });

  for (const point of ['pay.afterPaymentPaid', 'pay.beforeCommit'] as const) {
    it(`at ${point} (inside the commit) has it paid exactly once after the restart`, async () => {
      const dataDir = tempDataDir();
      const { seller, cart, payment } = await sellerWithQr(dataDir);
      await seller.close();
      mock.customerPays(payment.tradeNumber!);
      const run = await runTill(dataDir, 'check', point, payment.id);
      expect(run.signal, run.stderr).toBe('SIGKILL');
      await expectPaidOnce(dataDir, cart.id);
    });
  }
});

describe('a till killed around other WeChat calls', () => {
  it('at pay.beforeProviderCreate (WeChat never heard of it) ends it expired once its expiry has passed', async () => {
    const dataDir = tempDataDir();
    const seller = open(dataDir);
    await seller.call('cart.scan', { barcode: COFFEE });
    await seller.close();
    const before = mock.trades.size;
    const run = await runTill(dataDir, 'start', 'pay.beforeProviderCreate');
    expect(run.signal, run.stderr).toBe('SIGKILL');
    expect(mock.trades.size).toBe(before);

    const till = open(dataDir, testClock(new Date(Date.now() + 200_000)).clock);
    try {
      await till.start();
      await till.checkout.sweep();
      expect(till.db.prepare('SELECT status FROM payments').pluck().all()).toEqual(['expired']);
      expect(count(till, 'payment.expired')).toBe(1);
      expect(await till.call('attention.list', {})).toEqual([]);
      const { order } = await till.call('checkout.cash', { tenderedMinor: 2000 });
      expect(order).toMatchObject({ status: 'completed', number: '0001', paidMinor: 1800 });
    } finally {
      await till.close();
    }
  });

  it('at pay.afterProviderClose (closed at WeChat, our row still closing) ends it cancelled once', async () => {
    const dataDir = tempDataDir();
    const { seller, payment } = await sellerWithQr(dataDir);
    await seller.close();
    const run = await runTill(dataDir, 'cancel', 'pay.afterProviderClose', payment.id);
    expect(run.signal, run.stderr).toBe('SIGKILL');
    expect(mock.trades.get(payment.tradeNumber!)!.state).toBe('CLOSED');

    const till = open(dataDir);
    try {
      await till.start();
      await till.checkout.sweep();
      expect(till.db.prepare('SELECT status FROM payments').pluck().all()).toEqual(['cancelled']);
      expect(count(till, 'payment.cancelled')).toBe(1);
      expect(await till.call('cart.get', {})).toMatchObject({ locked: false, openPaymentId: null });
    } finally {
      await till.close();
    }
  });

  for (const point of ['pay.beforeRefundCall', 'pay.afterRefundCall'] as const) {
    it(`at ${point} (a late payment's refund) never applies the payment and refunds it exactly once`, async () => {
      const dataDir = tempDataDir();
      const { seller, payment } = await sellerWithQr(dataDir);
      // The close cannot be confirmed, the customer pays meanwhile: a late payment.
      mock.failNext('close', { status: 500, code: 'SYSTEM_ERROR' });
      await seller.call('pay.cancel', { paymentId: payment.id });
      await seller.call('pay.abandon', { paymentId: payment.id });
      await seller.call('checkout.cash', { tenderedMinor: 2000 });
      mock.customerPays(payment.tradeNumber!);
      await seller.call('pay.check', { paymentId: payment.id });
      expect((await seller.call('attention.list', {}))[0]).toMatchObject({ reason: 'late_payment' });
      await seller.close();

      const run = await runTill(dataDir, 'refund', point, payment.id);
      expect(run.signal, run.stderr).toBe('SIGKILL');

      const till = open(dataDir);
      try {
        await till.start();
        const [item] = await till.call('attention.list', {});
        expect(item).toMatchObject({ reason: 'late_payment', actions: ['refund', 'check'] });
        const apply = await till.call('attention.resolve', { paymentId: payment.id, action: 'apply' }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(apply).toMatchObject({ code: 'PAYMENT_STATE' });
        expect(await till.call('attention.resolve', { paymentId: payment.id, action: 'refund' })).toEqual([]);
        expect(till.db.prepare('SELECT status FROM payments WHERE id = ?').pluck().get(payment.id)).toBe('refunded');
        expect(till.db.prepare('SELECT status FROM refunds').pluck().all()).toEqual(['refunded']);
        const atWechat = [...mock.refunds.values()].filter((r) => r.outTradeNo === payment.tradeNumber);
        expect(atWechat.map((r) => [r.refund, r.status])).toEqual([[1800, 'SUCCESS']]);
        expect(mock.trades.get(payment.tradeNumber!)).toMatchObject({ state: 'REFUND', refunded: 1800 });
        expect(count(till, 'sale.completed')).toBe(1); // the cash sale, never the refunded payment
      } finally {
        await till.close();
      }
    });
  }
});
