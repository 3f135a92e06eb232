// The customer display's state: display.get on every (re)connect, then display.changed pushes.
// A push with a lower seq than what is shown arrived late and is dropped.
import { create } from 'zustand';
import type { DisplayState } from '../../../shared/domain';
import { client } from '../api/client';
import { shareLines } from './share';

interface DisplayStore {
  state: DisplayState | null;
}

export const useDisplay = create<DisplayStore>(() => ({ state: null }));

/** Pushes seen since the last (re)connect; a fetch started before one of them may be older than it. */
let pushesSinceConnect = 0;

export function applyDisplay(next: DisplayState, fromPush: boolean): void {
  const current = useDisplay.getState().state;
  if (current && next.seq < current.seq) {
    // A fetched state right after a reconnect wins even with a lower seq if no push came since:
    // the till may have restarted on a new day and begun counting again.
    if (fromPush || pushesSinceConnect > 0) return;
  }
  if (current && next.seq === current.seq && fromPush) return;
  // Unchanged lines keep their objects, so the display re-renders only what changed.
  if (next.cart && current?.cart && next.cart.id === current.cart.id) {
    next = { ...next, cart: { ...next.cart, lines: shareLines(current.cart.lines, next.cart.lines).lines } };
  }
  useDisplay.setState({ state: next });
}

async function load(): Promise<void> {
  pushesSinceConnect = 0;
  const r = await client.call('display.get', {});
  if (r.ok) applyDisplay(r.value, false);
}

export function syncDisplay(): () => void {
  void load();
  const offs = [
    client.on('display.changed', (s) => {
      pushesSinceConnect++;
      applyDisplay(s, true);
    }),
    client.onConnect(() => void load()),
  ];
  return () => {
    for (const off of offs) off();
  };
}
