// Reconciliation of a day with 2,000 wallet payments (issue #11): the matching alone (payments/reconcile.ts,
// pure), and the whole reconcile.day call on a till against a local Demo gateway's bills: the first call fetches
// the four Beijing dates' bills (signed HTTP), stores them and matches; later calls read the stored bills.
// The day: 2,000 QR payments of a Chinese shop (UTC+8, day from 05:00), 100 of them partly refunded; the
// gateway's bill lacks 10 of them and holds 5 rows the till never saw. Reported, no target.
import fs from 'node:fs';
import path from 'node:path';
import { fileSecretBox } from '../electron/core/secrets';
import { startGateway } from '../electron/gateway/index';
import { STATE_FILE, type GatewayState, type TradeRecord } from '../electron/gateway/store';
import type { BillRow } from '../electron/payments/provider';
import { createDemoProvider } from '../electron/payments/providers/demo/index';
import { type ProviderBill, reconcile, type TillPayment, type TillRefund } from '../electron/payments/reconcile';
import { createTill } from '../electron/till/index';
import { log, median, ms, removeDir, report, runMain, tempDir, timed } from './common';

const PAYMENTS = 2000;
const REFUNDED = 100;
const DROPPED = 10;
const EXTRA = 5;
const ROUNDS = 30;
const DAY = '2026-12-03';
const OWNER_PIN = '2468';

/** The i-th payment's moment: spread over 07:00–23:00 Beijing on DAY. */
const paidAt = (i: number) =>
  new Date(Date.parse(`${DAY}T07:00:00+08:00`) + Math.floor((i * 16 * 3600_000) / PAYMENTS));

runMain(async () => {
  process.env.TZ = 'Asia/Shanghai';
  const dir = tempDir('reconcile');
  const gatewayDir = path.join(dir, 'gateway');
  const providerDir = path.join(dir, 'provider');
  const now = new Date(`2026-12-05T10:00:00+08:00`); // both bills of the day are out
  const clock = () => new Date(now);
  try {
    const till = createTill({
      dataDir: path.join(dir, 'till'),
      mode: 'host',
      version: 'bench',
      clock,
      env: { TILLPOINT_OWNER_PIN: OWNER_PIN },
    });
    const install = String(
      JSON.parse(till.db.prepare("SELECT value FROM settings WHERE key = 'till.installId'").pluck().get() as string),
    );
    const trade = (i: number) =>
      `T1_20261203_${String(i + 1).padStart(6, '0')}_${install.slice(0, 4)}b${String(i).padStart(5, '0')}`;
    const amount = (i: number) => 800 + ((i * 37) % 9000);

    // The gateway: registered once, then its state file given the day's trades (faster than 2,000 signed creates).
    let gateway = await startGateway({ stateDir: gatewayDir, port: 0, payPort: 0, payBind: '127.0.0.1', clock });
    const port = gateway.port;
    const provider = createDemoProvider({
      gatewayUrl: gateway.apiUrl,
      dataDir: providerDir,
      merchantName: 'Bench',
      secrets: fileSecretBox(providerDir),
    });
    await provider.ping();
    await gateway.close();
    const file = path.join(gatewayDir, STATE_FILE);
    const state = JSON.parse(fs.readFileSync(file, 'utf8')) as GatewayState;
    const trades: Record<string, TradeRecord> = {};
    for (let i = 0; i < PAYMENTS; i++) {
      if (i % (PAYMENTS / DROPPED) === 7) continue; // missing at the provider
      const at = paidAt(i).toISOString();
      trades[trade(i)] = {
        merchantId: provider.merchantId,
        tradeNumber: trade(i),
        providerRef: `DP${String(i).padStart(16, '0')}`,
        kind: 'qr',
        amountMinor: amount(i),
        currency: 'CNY',
        subject: 'order',
        orderNumber: String(i + 1).padStart(4, '0'),
        notifyUrl: null,
        createdAt: at,
        expiresAt: at,
        status: 'paid',
        reason: null,
        paidAt: at,
        paidCount: 1,
        token: null,
        tokenUsed: false,
        userPayingLeft: 0,
        userPayingOutcome: null,
        refunds:
          i < REFUNDED
            ? [
                {
                  refundNumber: `${trade(i)}-R1`,
                  amountMinor: 100,
                  reason: 'bench',
                  at: new Date(paidAt(i).getTime() + 60_000).toISOString(),
                },
              ]
            : [],
        notifications: [],
      };
    }
    for (let k = 0; k < EXTRA; k++) {
      const no = `T1_20261203_${String(900000 + k)}_${install.slice(0, 4)}zzzzzz`;
      const at = paidAt(k * 300).toISOString();
      trades[no] = {
        ...trades[trade(1)],
        tradeNumber: no,
        providerRef: `DPX${k}`,
        createdAt: at,
        paidAt: at,
        refunds: [],
      };
    }
    state.trades[provider.merchantId] = trades;
    fs.writeFileSync(file, JSON.stringify(state));
    gateway = await startGateway({ stateDir: gatewayDir, port, payPort: 0, payBind: '127.0.0.1', clock });

    // The till's side: 2,000 completed orders paid by QR, the first 100 partly refunded.
    till.db.transaction(() => {
      const order = till.db.prepare(
        `INSERT INTO orders (till_id, number, business_day, status, currency, subtotal_minor, total_minor, item_count,
           created_at, updated_at, completed_at) VALUES ('T1', ?, ?, 'completed', 'CNY', ?, ?, 1, ?, ?, ?)`,
      );
      const payment = till.db.prepare(
        `INSERT INTO payments (order_id, method, status, amount_minor, created_at, provider, trade_number, provider_ref,
           settled_at, refunded_minor, updated_at) VALUES (?, 'qr', ?, ?, ?, 'demo', ?, ?, ?, ?, ?)`,
      );
      const refund = till.db.prepare(
        `INSERT INTO refunds (refund_number, payment_id, amount_minor, status, created_at, updated_at)
         VALUES (?, ?, 100, 'refunded', ?, ?)`,
      );
      for (let i = 0; i < PAYMENTS; i++) {
        const at = paidAt(i).toISOString();
        const o = order.run(String(i + 1).padStart(4, '0'), DAY, amount(i), amount(i), at, at, at).lastInsertRowid;
        const refunded = i < REFUNDED ? 100 : 0;
        const p = payment.run(
          o,
          refunded ? 'partially_refunded' : 'paid',
          amount(i),
          at,
          trade(i),
          `DP${String(i).padStart(16, '0')}`,
          at,
          refunded,
          at,
        ).lastInsertRowid;
        if (refunded) {
          const rAt = new Date(paidAt(i).getTime() + 60_000).toISOString();
          refund.run(`${trade(i)}-R1`, p, rAt, rAt);
        }
      }
    })();

    const call = (method: string, input: unknown) =>
      // biome-ignore lint/suspicious/noExplicitAny: the handler map is indexed by a method name
      (till.handlers as any)[method](input, { transport: 'http' });
    // Not started (no embedded gateway of its own): the bench's provider is the one it reconciles with.
    till.checkout.setProviders([provider]);
    await call('staff.unlock', { pin: OWNER_PIN });

    // The whole call, first time: four bills fetched over signed HTTP, stored, matched.
    const t0 = performance.now();
    const first = await call('reconcile.day', { day: DAY });
    const firstMs = performance.now() - t0;
    const demo = first.providers.find((p: { provider: string }) => p.provider === 'demo');
    log(
      `first call: ${JSON.stringify(Object.fromEntries(Object.entries(demo.counts).map(([k, v]) => [k, (v as { count: number }).count])))}`,
    );

    // Later calls: the bills are stored (ready bills are never fetched again).
    const later: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const t = performance.now();
      await call('reconcile.day', { day: DAY });
      later.push(performance.now() - t);
    }

    // The matching alone, on the same day's data.
    const billRows = till.db
      .prepare("SELECT bill_date, rows FROM provider_bills WHERE provider = 'demo' ORDER BY bill_date")
      .all() as { bill_date: string; rows: string }[];
    const bills: ProviderBill[] = billRows.map((b) => ({
      date: b.bill_date,
      state: 'ready',
      message: null,
      fetchedAt: null,
      rows: JSON.parse(b.rows) as BillRow[],
    }));
    const payments: TillPayment[] = Array.from({ length: PAYMENTS }, (_, i) => ({
      paymentId: i + 1,
      orderId: i + 1,
      orderNumber: String(i + 1),
      provider: 'demo',
      tradeNumber: trade(i),
      amountMinor: amount(i),
      status: i < REFUNDED ? 'partially_refunded' : 'paid',
      at: paidAt(i).toISOString(),
      inDay: true,
    }));
    const refunds: TillRefund[] = Array.from({ length: REFUNDED }, (_, i) => ({
      paymentId: i + 1,
      orderId: i + 1,
      orderNumber: String(i + 1),
      provider: 'demo',
      tradeNumber: trade(i),
      refundNumber: `${trade(i)}-R1`,
      amountMinor: 100,
      status: 'refunded',
      at: new Date(paidAt(i).getTime() + 60_000).toISOString(),
      inDay: true,
    }));
    const input = {
      fromIso: first.fromIso,
      toIso: first.toIso,
      installId: install,
      payments,
      refunds,
      bills: new Map([['demo', bills]]),
    };
    const matching: number[] = [];
    for (let r = 0; r < ROUNDS; r++) matching.push(timed(() => reconcile(input))[1]);

    const rows = bills.reduce((n, b) => n + b.rows.length, 0);
    report({
      id: 'RC1',
      name: `reconciliation of a day: ${PAYMENTS} wallet payments, ${REFUNDED} refunds, ${rows} bill rows`,
      figures: `matching ${ms(median(matching))}; reconcile.day ${ms(median(later))} (bills stored), first ${ms(firstMs)} (4 bills fetched)`,
      target: 'report it',
      pass: null,
      note: `missing at the provider ${demo.counts.missing_at_provider.count}, at the till ${demo.counts.missing_at_till.count}, matched ${demo.counts.matched.count}`,
      data: { matchingMs: median(matching), dayMs: median(later), firstMs, payments: PAYMENTS, billRows: rows },
    });
    await till.close();
    await gateway.close();
  } finally {
    removeDir(dir);
  }
});
