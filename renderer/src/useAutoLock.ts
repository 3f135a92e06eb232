// Locks the till after the owner's idle time (Settings → Staff) without a key, tap or scan in this window.
import { useEffect } from 'react';
import { useSettings } from './stores/settings';
import { lockTill, useStaff } from './stores/staff';

const ACTIVITY = ['keydown', 'pointerdown', 'wheel'] as const;

export function useAutoLock(): void {
  const minutes = useSettings((s) => s.settings?.staffRules.autoLockMinutes ?? 0);
  const signedIn = useStaff((s) => s.status?.signedIn != null);
  useEffect(() => {
    if (!signedIn || minutes <= 0) return;
    let timer: ReturnType<typeof setTimeout>;
    const restart = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void lockTill(), minutes * 60_000);
    };
    restart();
    for (const e of ACTIVITY) window.addEventListener(e, restart, true);
    return () => {
      clearTimeout(timer);
      for (const e of ACTIVITY) window.removeEventListener(e, restart, true);
    };
  }, [minutes, signedIn]);
}
