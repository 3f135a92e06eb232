// This till's shift as the cashier screen shows it: open or not (selling needs one), and what the last shift
// carried over. Never the expected cash: the close is blind (figures come only for a role that may see reports).
import { create } from 'zustand';
import type { ShiftCurrent } from '../../../shared/shift-api';
import { client } from '../api/client';

interface ShiftStore {
  /** null until the till answered. */
  current: ShiftCurrent | null;
}

export const useShift = create<ShiftStore>(() => ({ current: null }));

export async function loadShift(): Promise<void> {
  const r = await client.call('shift.current', {});
  if (r.ok) useShift.setState({ current: r.value });
}

export function setShift(current: ShiftCurrent): void {
  useShift.setState({ current });
}

/** Keeps it current from pushes (another screen opened or closed the shift); returns the unsubscribe. */
export function syncShift(): () => void {
  void loadShift();
  const offs = [
    client.on('shift.changed', () => void loadShift()),
    // Only someone signed in may read it: asked again when someone signs in (the lock screen covers it before).
    client.on('staff.changed', (s) => {
      if (s.signedIn) void loadShift();
    }),
    client.onConnect(() => void loadShift()),
  ];
  return () => {
    for (const off of offs) off();
  };
}
