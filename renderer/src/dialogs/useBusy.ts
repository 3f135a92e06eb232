import { useState } from 'react';

/** Runs an action once at a time: a second tap while it is pending does nothing. */
export function useBusy(): [boolean, (task: () => Promise<unknown>) => Promise<void>] {
  const [busy, setBusy] = useState(false);
  const run = async (task: () => Promise<unknown>) => {
    if (busy) return;
    setBusy(true);
    try {
      await task();
    } finally {
      setBusy(false);
    }
  };
  return [busy, run];
}
