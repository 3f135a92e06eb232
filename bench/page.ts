// What the Chromium benchmarks (browser.ts, pay.ts, wallets.ts) share: the paint their in-page recorders time,
// the wait for it, the recorder pay.ts and wallets.ts install, and the shared wall clock.
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
  /** Cart paints: scans drawn ahead of the till's answer in it (bench/browser.ts). */
  pending?: number;
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

/** A press the recorder saw: a click (its element's data-testid) or a keydown (its key). */
export interface Press {
  kind: 'click' | 'keydown';
  /** The clicked element's (or its ancestor's) data-testid; the key for a keydown. */
  what: string;
  /** The event's timeStamp (performance.now() scale). */
  at: number;
}

/** What recorder() leaves in each page as window.__pay. */
export interface Recorder {
  presses: Press[];
  armed: Promise<Painted> | null;
  /**
   * Waits for every selector to match after a DOM change (or, on the display, after its render event), then
   * for that frame's paint.
   */
  arm(selectors: string | readonly string[]): void;
}

// The page functions run in Chromium; the Node-side tsconfig has no DOM lib, so the few browser globals
// they use are declared here, for this file only.
interface PageElement {
  closest(selector: string): PageElement | null;
  getAttribute(name: string): string | null;
}
declare const window: {
  __pay: Recorder;
  addEventListener(
    type: string,
    listener: (e: { target: PageElement | null; timeStamp: number; key?: string }) => void,
    c?: boolean,
  ): void;
  removeEventListener(type: string, listener: () => void): void;
};
declare const document: {
  body: unknown;
  querySelector(selector: string): PageElement | null;
};
declare function requestAnimationFrame(callback: () => void): number;
declare class MessageChannel {
  port1: { onmessage: (() => void) | null };
  port2: { postMessage(message: unknown): void };
}
declare class MutationObserver {
  constructor(callback: () => void);
  observe(target: unknown, options: { childList: boolean; subtree: boolean; attributes: boolean }): void;
  disconnect(): void;
}

/**
 * Installed in every page before the app's scripts (addInitScript): records clicks and keydowns and waits
 * for painted states. `displayRendered`: the customer display's render event, checked as well as mutations.
 */
export function recorder(displayRendered: string): void {
  const state: Recorder = {
    presses: [],
    armed: null,
    arm(selectors) {
      const all = typeof selectors === 'string' ? [selectors] : [...selectors];
      const onScreen = () => all.every((s) => document.querySelector(s) !== null);
      if (onScreen()) throw new Error(`${all.join(' + ')} is already on screen`);
      state.armed = new Promise((resolve) => {
        let done = false;
        const painted = () => {
          const commit = performance.now();
          requestAnimationFrame(() => {
            const raf = performance.now();
            const channel = new MessageChannel();
            channel.port1.onmessage = () => {
              const paint = performance.now();
              resolve({ commit, raf, paint, paintWall: performance.timeOrigin + paint });
            };
            channel.port2.postMessage(null);
          });
        };
        const check = () => {
          if (done || !onScreen()) return;
          done = true;
          observer.disconnect();
          window.removeEventListener(displayRendered, check);
          painted();
        };
        // Mutation records arrive as a microtask after React's commit, before the browser may paint.
        const observer = new MutationObserver(check);
        observer.observe(document.body, { childList: true, subtree: true, attributes: true });
        window.addEventListener(displayRendered, check);
      });
    },
  };
  window.addEventListener(
    'click',
    (e) => {
      const el = e.target?.closest('[data-testid]');
      state.presses.push({ kind: 'click', what: el?.getAttribute('data-testid') ?? '', at: e.timeStamp });
    },
    true,
  );
  window.addEventListener(
    'keydown',
    (e) => state.presses.push({ kind: 'keydown', what: e.key ?? '', at: e.timeStamp }),
    true,
  );
  window.__pay = state;
}

/** Waits for what the page's recorder armed last. */
export const awaitArmed = (page: Page, what: string, pageState: (page: Page) => Promise<unknown>) =>
  waitForPaint(page, what, () => window.__pay.armed!, pageState);

/**
 * Date.now() minus the wall clock (timeOrigin + now), sampled over ~20 ms so the millisecond steps of
 * Date.now() average out the same way on every side. Runs in Node and in pages alike.
 */
export function offsetSampler(): number {
  const end = performance.now() + 20;
  let sum = 0;
  let n = 0;
  while (performance.now() < end) {
    sum += Date.now() - (performance.timeOrigin + performance.now());
    n++;
  }
  return sum / n;
}

/** The Node side of the shared clock. */
export const nodeWall = () => performance.timeOrigin + performance.now();
