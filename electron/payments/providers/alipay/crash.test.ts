// Kills a real till process at each named payment crash point while it talks to the Alipay mock, which lives
// in this test process (so its trades survive the child's death), then reopens the data with the Alipay
// adapter: the startup sweep settles the payment exactly once, agreeing with what Alipay holds.
// The child is spawned asynchronously: a spawnSync (runTillScript) would block the mock's event loop.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrashPoint } from '../../../core/crash';
import { findAssetsDir } from '../../../till/catalog';
import { openTestTill, type TestTill, tempDataDir, testClock } from '../../../till/testing';
import { createAlipayProvider } from './adapter';
import { type AlipayMock, startAlipayMock } from './mock';

const ELECTRON_DIR = path.resolve(__dirname, '../../..');
const NODE_MODULES = path.resolve(ELECTRON_DIR, '../node_modules');
const COFFEE = '2000001000007';

let mock: AlipayMock;
let script: string;
let configFile: string;

beforeAll(async () => {
  mock = await startAlipayMock();
  const dir = tempDataDir('tillpoint-alipay-crash-');
  configFile = path.join(dir, 'alipay.json');
  fs.writeFileSync(configFile, JSON.stringify(mock.config()));
  const entry = path.join(dir, 'entry.ts');
  fs.writeFileSync(
    entry,
    `import fs from 'node:fs';
import { createTill } from '${ELECTRON_DIR}/till/index.ts';
import { createAlipayProvider } from '${ELECTRON_DIR}/payments/providers/alipay/adapter.ts';
async function main() {
  const [dataDir, assetsDir, configFile, action, paymentId] = process.argv.slice(2);
  const provider = createAlipayProvider({ config: JSON.parse(fs.readFileSync(configFile, 'utf8')), timeoutMs: 5000 });
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
  script = path.join(dir, 'till.cjs');
  buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: script,
    external: ['better-sqlite3', 'alipay-sdk', 'urllib', 'undici'],
    logLevel: 'silent',
  });
});
afterAll(() => mock.stop());

type Action = 'start' | 'check' | 'cancel' | 'refund';

function runTill(dataDir: string, action: Action, crashAt: CrashPoint, id = 0) {
  return new Promise<{ signal: NodeJS.Signals | null; code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [script, dataDir, findAssetsDir(), configFile, action, String(id)], {
      env: { ...process.env, TILLPOINT_CRASH_AT: crashAt, NODE_PATH: NODE_MODULES },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), 20_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

function open(dataDir: string, clock?: () => Date): TestTill {
  return openTestTill({
    dataDir,
    clock,
    payments: {
      provider: createAlipayProvider({ config: mock.config(), timeoutMs: 5000 }),
      notify: false,
      engine: { loops: false },
    },
  });
}

const count = (till: TestTill, kind: string) =>
  till.db.prepare('SELECT count(*) FROM journal WHERE kind = ?').pluck().get(kind) as number;

/** After the restart: paid once, the order completed once, agreeing with Alipay's own record. */
async function expectPaidOnce(dataDir: string, cartId: number) {
  const till = open(dataDir);
  try {
    await till.start();
    await till.checkout.sweep();
    const rows = till.db.prepare('SELECT status, amount_minor, trade_number FROM payments').all() as {
      status: string;
      amount_minor: number;
      trade_number: string;
    }[];
    expect(rows.map((r) => [r.status, r.amount_minor])).toEqual([['paid', 1800]]);
    expect(mock.trades.get(rows[0].trade_number)).toMatchObject({ status: 'TRADE_SUCCESS', amountMinor: 1800 });
    expect([count(till, 'payment.paid'), count(till, 'sale.completed')]).toEqual([1, 1]);
    const [order] = await till.call('orders.today', {});
    expect(order).toMatchObject({ id: cartId, status: 'completed', paidMinor: 1800 });
    expect(await till.call('attention.list', {})).toEqual([]);
  } finally {
    await till.close();
  }
}

describe('a till killed during an Alipay QR payment', () => {
  it('at pay.afterProviderCreate (Alipay has the trade, our row does not know it) settles it after the restart', async () => {
    const dataDir = tempDataDir();
    const seller = open(dataDir);
    const cart = await seller.call('cart.scan', { barcode: COFFEE });
    await seller.close();
    const before = mock.trades.size;

    const run = await runTill(dataDir, 'start', 'pay.afterProviderCreate');
    expect(run.signal, run.stderr).toBe('SIGKILL');
    expect(mock.trades.size).toBe(before + 1);
    const trade = [...mock.trades.values()].at(-1)!;
    expect(trade).toMatchObject({ status: 'WAIT_BUYER_PAY', amountMinor: 1800 });
    // The customer pays on their phone while the till is down.
    mock.customerPays(trade.tradeNumber);
    await expectPaidOnce(dataDir, cart.id);
  });

  for (const point of ['pay.afterPaymentPaid', 'pay.beforeCommit'] as const) {
    it(`at ${point} (inside the commit) has it paid exactly once after the restart`, async () => {
      const dataDir = tempDataDir();
      const seller = open(dataDir);
      await seller.start();
      const cart = await seller.call('cart.scan', { barcode: COFFEE });
      const { payment } = await seller.call('pay.start', { method: 'qr' });
      await seller.close();
      mock.customerPays(payment!.tradeNumber!);

      const run = await runTill(dataDir, 'check', point, payment!.id);
      expect(run.signal, run.stderr).toBe('SIGKILL');
      await expectPaidOnce(dataDir, cart.id);
    });
  }

  it('at pay.afterProviderClose (closed at Alipay, our row still closing) ends it cancelled once', async () => {
    const dataDir = tempDataDir();
    const seller = open(dataDir);
    await seller.start();
    await seller.call('cart.scan', { barcode: COFFEE });
    const { payment } = await seller.call('pay.start', { method: 'qr' });
    await seller.close();

    const run = await runTill(dataDir, 'cancel', 'pay.afterProviderClose', payment!.id);
    expect(run.signal, run.stderr).toBe('SIGKILL');
    expect(mock.trades.get(payment!.tradeNumber!)!.status).toBe('TRADE_CLOSED');

    const till = open(dataDir);
    try {
      await till.start();
      await till.checkout.sweep();
      expect(till.db.prepare('SELECT status FROM payments').pluck().all()).toEqual(['cancelled']);
      expect(count(till, 'payment.cancelled')).toBe(1);
      expect(await till.call('attention.list', {})).toEqual([]);
    } finally {
      await till.close();
    }
  });

  it('at pay.beforeProviderCreate (Alipay never heard of it) ends it expired once its expiry has passed', async () => {
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
    } finally {
      await till.close();
    }
  });

  for (const point of ['pay.beforeRefundCall', 'pay.afterRefundCall'] as const) {
    it(`at ${point} (a late payment's refund) refunds it exactly once`, async () => {
      const dataDir = tempDataDir();
      const seller = open(dataDir);
      await seller.start();
      await seller.call('cart.scan', { barcode: COFFEE });
      const { payment } = await seller.call('pay.start', { method: 'qr' });
      mock.systemError({ path: '/v3/alipay/trade/close', every: true });
      await seller.call('pay.cancel', { paymentId: payment!.id });
      await seller.call('pay.abandon', { paymentId: payment!.id });
      mock.clearFaults();
      mock.customerPays(payment!.tradeNumber!);
      await seller.call('attention.resolve', { paymentId: payment!.id, action: 'check' });
      expect((await seller.call('attention.list', {}))[0]).toMatchObject({ reason: 'late_payment' });
      await seller.close();

      const run = await runTill(dataDir, 'refund', point, payment!.id);
      expect(run.signal, run.stderr).toBe('SIGKILL');

      const till = open(dataDir);
      try {
        await till.start();
        expect(await till.call('attention.resolve', { paymentId: payment!.id, action: 'refund' })).toEqual([]);
        expect(till.db.prepare('SELECT status FROM payments').pluck().all()).toEqual(['refunded']);
        expect(till.db.prepare('SELECT status FROM refunds').pluck().all()).toEqual(['refunded']);
        const trade = mock.trades.get(payment!.tradeNumber!)!;
        expect(trade).toMatchObject({ status: 'TRADE_CLOSED', refundedMinor: 1800 });
        expect(trade.refunds).toHaveLength(1);
        expect(count(till, 'sale.completed')).toBe(0);
      } finally {
        await till.close();
      }
    });
  }
});
