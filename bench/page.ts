// What the Chromium benchmarks (browser.ts, pay.ts) share: the paint their in-page recorders time, and the
// wait for it.
import type { Page } from '@playwright/test';

/** How long a page may take to paint what a benchmark waits for before the run is called broken. */
export const WAIT_MS = 10_000;

/** The paint a recorder armed, timed inside the page. */
export interface Painted {
  /** performance.now() at the DOM change (commit event), at the rAF after it, and once that frame is painted. */
  commit: number;
  raf: number;
  paint: number;
  /** performance.timeOrigin + paint: a wall clock all pages share. */
  paintWall: number;
}

/**
 * Waits for the paint the page's recorder armed (`armed` runs in the page), at most WAIT_MS; when it does
 * not come, the error carries what `pageState` says the page looked like.
 */
export async function waitForPaint(
  page: Page,
  what: string,
  armed: () => Promise<Painted>,
  pageState: (page: Page) => Promise<unknown>,
): Promise<Painted> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing painted after ${WAIT_MS / 1000} s`)), WAIT_MS);
  });
  try {
    return await Promise.race([page.evaluate(armed), timeout]);
  } catch (err) {
    const state = await pageState(page).catch(() => 'unknown');
    throw new Error(`${err instanceof Error ? err.message : err}; the page: ${JSON.stringify(state)}`);
  } finally {
    clearTimeout(timer);
  }
}
