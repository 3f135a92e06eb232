// Reconciliation against the Demo gateway's bill (issue #11): two QR sales; the gateway's bill is made ready now,
// loses the first trade (missing at the provider) and gains a row with this till's trade-number pattern that the
// till never saw (missing at the till). The API says so, and the owner sees both in /reports on a phone.
// The /reports page is PAGE's; the lead mounts <Reconciliation day=…> in it (renderer/src/reports/).
import { callApi, DEMO, expect, gatewayArgs, gatewayTest, startTestHost } from './fixtures';

// The host on Beijing time, so its business day (from 05:00) and the bills' dates line up for the test's arithmetic.
const test = gatewayTest.extend({
  host: async ({ gateway }, use) => {
    const host = await startTestHost({ args: gatewayArgs(gateway), env: { TZ: 'Asia/Shanghai' } });
    await use(host);
    await host.stop();
  },
});

const beijing = (ms: number) => new Date(ms + 8 * 3600_000).toISOString();

interface Item {
  state: string;
  tradeNumber: string;
  orderNumber: string | null;
  journalIds: number[];
}
interface Day {
  providers: { provider: string; counts: Record<string, { count: number }>; items: Item[] }[];
}

test('one payment missing on each side: the reconciliation lists both', async ({ page, host, gateway }) => {
  test.setTimeout(90_000);
  const trades: string[] = [];
  for (const product of [DEMO.americano, DEMO.latte]) {
    await callApi(host.url, 'cart.scan', { barcode: product.barcode });
    const { payment } = await callApi<{ payment: { id: number; tradeNumber: string } }>(host.url, 'pay.start', {
      method: 'qr',
    });
    const res = await fetch(`${gateway.apiUrl}/sim/trades/${payment.tradeNumber}/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    await expect
      .poll(
        async () =>
          (await callApi<{ payment: { status: string } }>(host.url, 'pay.check', { paymentId: payment.id })).payment
            .status,
      )
      .toBe('paid');
    trades.push(payment.tradeNumber);
  }

  // Today's bill, ready now: the first trade dropped, a row of ours the till never saw added.
  const now = Date.now();
  const date = beijing(now).slice(0, 10);
  const [terminal, ymd, , tail] = trades[0].split('_');
  const stranger = `${terminal}_${ymd}_999999_${tail.slice(0, 4)}zzzzzz`;
  const edit = await fetch(`${gateway.apiUrl}/sim/bills/${date}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      ready: true,
      drop: [trades[0]],
      add: [
        {
          kind: 'payment',
          tradeNumber: stranger,
          providerRef: 'DPE2E0000001',
          time: `${beijing(now).slice(0, 19)}+08:00`,
          amountMinor: 1234,
          feeMinor: 7,
          refundNumber: null,
        },
      ],
    }),
  });
  expect(edit.status).toBe(200);
  // The neighbouring dates' bills ready too (with none of these trades): a sale within minutes of a Beijing
  // midnight then has every bill that could hold it, instead of waiting for tomorrow's.
  for (const other of [now - 86_400_000, now + 86_400_000]) {
    const res = await fetch(`${gateway.apiUrl}/sim/bills/${beijing(other).slice(0, 10)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ready: true }),
    });
    expect(res.status).toBe(200);
  }

  // The business day: Beijing time from 05:00.
  const day = beijing(now - 5 * 3600_000).slice(0, 10);
  const out = await callApi<Day>(host.url, 'reconcile.day', { day });
  const demo = out.providers.find((p) => p.provider === 'demo')!;
  expect(demo.counts.matched.count).toBe(1);
  expect(demo.counts.missing_at_provider.count).toBe(1);
  expect(demo.counts.missing_at_till.count).toBe(1);
  const missing = demo.items.find((i) => i.state === 'missing_at_provider')!;
  expect(missing.tradeNumber).toBe(trades[0]);
  expect(missing.journalIds.length).toBeGreaterThan(0);
  expect(demo.items.find((i) => i.state === 'missing_at_till')!.tradeNumber).toBe(stranger);

  // The owner on a phone: /reports shows the reconciliation (mounted by the lead in the reports page).
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${host.url}/reports`);
  const section = page.getByTestId('reconciliation');
  await expect(section).toBeVisible();
  const items = section.getByTestId('reconcile-item');
  await expect(items.and(page.locator('[data-state="missing_at_provider"]'))).toContainText(trades[0]);
  await expect(items.and(page.locator('[data-state="missing_at_till"]'))).toContainText(stranger);
  await expect(section.getByTestId('reconcile-matched')).toHaveText('1');
  // The payment the wallet's bill lacks opens its order and journal: the payment's entries marked.
  await items.and(page.locator('[data-state="missing_at_provider"]')).getByTestId('reconcile-open-order').click();
  const trail = page.getByTestId('trail-dialog');
  await expect(trail.getByTestId('trail-order')).toBeVisible();
  await expect(trail.locator('[data-testid="trail-entry"].is-marked')).toHaveCount(missing.journalIds.length);
  await trail.getByTestId('modal-close').click();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});
