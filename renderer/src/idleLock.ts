// The till locks itself after the owner's idle time: `onIdle` runs once `ms` pass without a key, tap or wheel on
// `target` (the window). Plain DOM events, so it is unit-tested without a browser.
export const ACTIVITY_EVENTS = ['keydown', 'pointerdown', 'wheel'] as const;

export function watchIdle(target: EventTarget, ms: number, onIdle: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const restart = () => {
    clearTimeout(timer);
    timer = setTimeout(onIdle, ms);
  };
  restart();
  // Capture: a key a dialog stops still counts as someone at the till. One signal removes them all.
  const done = new AbortController();
  for (const e of ACTIVITY_EVENTS) target.addEventListener(e, restart, { capture: true, signal: done.signal });
  return () => {
    clearTimeout(timer);
    done.abort();
  };
}
