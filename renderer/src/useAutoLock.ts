// Locks the till after the owner's idle time (Settings → Staff) without a key, tap or scan in this window.
import { useEffect } from 'react';
import { watchIdle } from './idleLock';
import { useSettings } from './stores/settings';
import { lockTill, useStaff } from './stores/staff';

export function useAutoLock(): void {
  const minutes = useSettings((s) => s.settings?.staffRules.autoLockMinutes ?? 0);
  const signedIn = useStaff((s) => s.status?.signedIn != null);
  useEffect(() => {
    if (!signedIn || minutes <= 0) return;
    return watchIdle(window, minutes * 60_000, () => void lockTill());
  }, [minutes, signedIn]);
}
