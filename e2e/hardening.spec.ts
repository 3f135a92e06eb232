// What a visitor's browser can learn from the till's pages: the built app, and nothing of its sources.
import { expect, test } from './fixtures';

test('the served app carries no source maps', async ({ cashier, page, host }) => {
  await expect(cashier.total()).toBeVisible();
  const scripts = await page.locator('script[src]').evaluateAll((els) => els.map((e) => (e as HTMLScriptElement).src));
  const styles = await page
    .locator('link[rel="stylesheet"]')
    .evaluateAll((els) => els.map((e) => (e as HTMLLinkElement).href));
  expect(scripts.length).toBeGreaterThan(0);
  for (const url of [...scripts, ...styles]) {
    expect(new URL(url).origin).toBe(new URL(host.url).origin);
    const res = await page.request.get(url);
    expect(res.status()).toBe(200);
    expect(res.headers().sourcemap).toBeUndefined();
    expect(await res.text()).not.toMatch(/sourceMappingURL=/);
    expect((await page.request.get(`${url}.map`)).status()).toBe(404);
  }
});
