import { useEffect, useState } from 'react';

/** The time, re-rendering every `intervalMs` while `enabled` (countdowns). */
export function useNow(enabled = true, intervalMs = 250): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!enabled) return;
    setNow(Date.now());
    const id = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(id);
  }, [enabled, intervalMs]);
  return now;
}
