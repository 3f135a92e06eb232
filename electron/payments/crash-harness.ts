// The payment crash tests' harness, one for every provider (the scripted one, the Alipay mock, the WeChat Pay
// mock): a child till that takes one payment step and is killed at a named crash point, tills reopened on its
// data with the same provider, and the "paid exactly once" checks after the restart.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { CrashPoint } from '../core/crash';
import { findAssetsDir } from '../till/catalog';
import { buildTillScript, journalCount, openTestTill, REPO_ROOT, type TestTill } from '../till/testing';
import type { PaymentProvider } from './provider';

/** The till every crash test sells: one coffee, 18.00 yuan. */
export const COFFEE = '2000001000007';

/** The payment step the child till takes before it dies. */
export type CrashAction = 'start' | 'check' | 'cancel' | 'refund';

export interface CrashHarnessOptions {
  /** Temp folder prefix for the bundled child. */
  prefix: string;
  /**
   * The child's provider, as TypeScript source: `imports` (`@till/…` names files under electron/) and an
   * expression over `providerFile`, the file `providerFile(dataDir)` below names (state or credentials).
   */
  child: { imports: string; provider: string; external?: string[] };
  /** The file the child's provider reads, written for this data folder if need be. */
  providerFile(dataDir: string): string;
  /** The same provider for a till in this process, on that data folder. */
  provider(dataDir: string): PaymentProvider;
}

interface CrashRun {
  signal: NodeJS.Signals | null;
  code: number | null;
  stderr: string;
}

export interface CrashHarness {
  /** Bundles the child till (call in beforeAll). */
  build(): void;
  /**
   * Runs the child and expects it killed at `crashAt` (its stderr shown if not). Asynchronous, so a mock in
   * this process can answer it.
   */
  killAt(dataDir: string, action: CrashAction, crashAt: CrashPoint, paymentId?: number): Promise<void>;
  /** A till on that data folder with the provider, its engine's loops off (the test drives it). */
  open(dataDir: string, clock?: () => Date): TestTill;
  /** A till's cart with a coffee in it, the till closed again (no payment yet). */
  cartWithCoffee(dataDir: string): Promise<{ id: number }>;
  /** A started till with a coffee in the cart and a QR payment for it. */
  sellerWithQr(dataDir: string): ReturnType<typeof sellerWithQr>;
  /**
   * After the restart: paid once, the order completed once, the cart free, nothing for attention;
   * `atProvider` checks the provider's own record of the trade.
   */
  expectPaidOnce(dataDir: string, cartId: number, atProvider: (tradeNumber: string) => void): Promise<void>;
  /**
   * After the restart (at `clock`): the one payment ended `status` once, nothing for attention, and the cart,
   * free again, sells for cash as order 0001.
   */
  expectEndedOnce(dataDir: string, status: 'cancelled' | 'expired', clock?: () => Date): Promise<void>;
  /**
   * After the restart: the late payment cannot be applied and is refunded once from the attention list;
   * `atProvider` checks the provider's side and the till's sales.
   */
  expectRefundedOnce(dataDir: string, paymentId: number, atProvider: (till: TestTill) => void): Promise<void>;
}

export function crashHarness(o: CrashHarnessOptions): CrashHarness {
  let script: string | undefined;
  const open = (dataDir: string, clock?: () => Date) =>
    openTestTill({
      dataDir,
      clock,
      payments: { provider: o.provider(dataDir), notify: false, engine: { loops: false } },
    });
  return {
    build() {
      script = buildTillScript(o.prefix, childSource(o.child), o.child.external);
    },
    async killAt(dataDir, action, crashAt, paymentId = 0) {
      if (!script) throw new Error('crashHarness: build() first');
      const args = [script, dataDir, findAssetsDir(), o.providerFile(dataDir), action, String(paymentId)];
      const run = await runChild(args, crashAt);
      expect(run.signal, run.stderr).toBe('SIGKILL');
    },
    open,
    async cartWithCoffee(dataDir) {
      const seller = open(dataDir);
      const cart = await seller.call('cart.scan', { barcode: COFFEE });
      await seller.close();
      return cart;
    },
    sellerWithQr: (dataDir) => sellerWithQr(open(dataDir)),
    async expectPaidOnce(dataDir, cartId, atProvider) {
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
        atProvider(rows[0].trade_number);
        expect([journalCount(till, 'payment.paid'), journalCount(till, 'sale.completed')]).toEqual([1, 1]);
        const [order] = await till.call('orders.today', {});
        expect(order).toMatchObject({ id: cartId, status: 'completed', number: '0001', paidMinor: 1800 });
        expect(await till.call('cart.get', {})).toMatchObject({ lines: [], locked: false });
        expect(await till.call('attention.list', {})).toEqual([]);
      } finally {
        await till.close();
      }
    },
    async expectEndedOnce(dataDir, status, clock) {
      const till = open(dataDir, clock);
      try {
        await till.start();
        await till.checkout.sweep();
        expect(till.db.prepare('SELECT status FROM payments').pluck().all()).toEqual([status]);
        expect(journalCount(till, `payment.${status}`)).toBe(1);
        expect(await till.call('attention.list', {})).toEqual([]);
        expect(await till.call('cart.get', {})).toMatchObject({ number: '0001', locked: false, openPaymentId: null });
        const { order } = await till.call('checkout.cash', { tenderedMinor: 2000 });
        expect(order).toMatchObject({ status: 'completed', number: '0001', paidMinor: 1800 });
        expect(journalCount(till, 'sale.completed')).toBe(1);
      } finally {
        await till.close();
      }
    },
    async expectRefundedOnce(dataDir, paymentId, atProvider) {
      const till = open(dataDir);
      try {
        await till.start();
        const [item] = await till.call('attention.list', {});
        expect(item).toMatchObject({ reason: 'late_payment', actions: ['refund', 'check'] });
        const apply = await till.call('attention.resolve', { paymentId, action: 'apply' }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(apply).toMatchObject({ code: 'PAYMENT_STATE' });
        expect(await till.call('attention.resolve', { paymentId, action: 'refund' })).toEqual([]);
        expect(till.db.prepare('SELECT status FROM payments WHERE id = ?').pluck().get(paymentId)).toBe('refunded');
        expect(till.db.prepare('SELECT status FROM refunds').pluck().all()).toEqual(['refunded']);
        atProvider(till);
      } finally {
        await till.close();
      }
    },
  };
}

/**
 * The harness for a real wallet's adapter against its mock in this process: the child gets the mock's
 * credentials in a file and builds the adapter with `factory` from `module` (under electron/).
 */
export function walletCrashHarness<C>(o: {
  prefix: string;
  module: string;
  factory: string;
  create: (options: { config: C; timeoutMs: number }) => PaymentProvider;
  config: () => C;
  external?: string[];
}): CrashHarness {
  return crashHarness({
    prefix: o.prefix,
    child: {
      imports: `import fs from 'node:fs';\nimport { ${o.factory} } from '@till/${o.module}';`,
      provider: `${o.factory}({ config: JSON.parse(fs.readFileSync(providerFile, 'utf8')), timeoutMs: 5000 })`,
      external: o.external,
    },
    providerFile(dataDir) {
      const file = path.join(dataDir, 'wallet.json');
      fs.writeFileSync(file, JSON.stringify(o.config()), { mode: 0o600 });
      return file;
    },
    provider: () => o.create({ config: o.config(), timeoutMs: 5000 }),
  });
}

async function sellerWithQr(seller: TestTill) {
  await seller.start();
  const cart = await seller.call('cart.scan', { barcode: COFFEE });
  const { payment } = await seller.call('pay.start', { method: 'qr' });
  if (!payment?.tradeNumber) throw new Error('pay.start gave no QR payment');
  return { seller, cart, payment: { ...payment, tradeNumber: payment.tradeNumber } };
}

function childSource(child: CrashHarnessOptions['child']): string {
  return `${child.imports}
import { createTill } from '@till/till/index.ts';
import { openTestShift, signInTestOwner } from '@till/till/test-staff.ts';
async function main() {
  const [dataDir, assetsDir, providerFile, action, paymentId] = process.argv.slice(2);
  const provider = ${child.provider};
  const till = createTill({
    dataDir, assetsDir, mode: 'host', version: 'crash',
    payments: { provider, notify: false, engine: { loops: false } },
  });
  signInTestOwner(till);
  openTestShift(till);
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
`;
}

// spawnSync (runTillScript) would block this event loop, and with it a mock the child talks to.
function runChild(args: string[], crashAt: CrashPoint): Promise<CrashRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { ...process.env, TILLPOINT_CRASH_AT: crashAt, NODE_PATH: path.join(REPO_ROOT, 'node_modules') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString('utf8');
    });
    // A child that never reaches its crash point ends as SIGTERM, which the test reports with its stderr.
    const timer = setTimeout(() => child.kill('SIGTERM'), 20_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}
