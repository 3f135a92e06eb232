import { lazy, Suspense, useEffect } from 'react';
import { client } from './api/client';
import { Cashier } from './cashier/Cashier';
import { ApprovalPromptHost } from './components/ApprovalPrompt';
import { LockScreen } from './components/LockScreen';
import { Toasts } from './components/Toasts';
import { CustomerDisplay } from './customer/CustomerDisplay';
import { applyLanguage } from './i18n';
import { useRoute } from './router';
import { syncSettings, useSettings } from './stores/settings';
import { syncStaff } from './stores/staff';
import { useUi } from './stores/ui';
import { useAutoLock } from './useAutoLock';

export function App() {
  const route = useRoute();
  const language = useSettings((s) => s.settings?.language ?? 'auto');

  useEffect(() => applyLanguage(language), [language]);

  useEffect(() => {
    const offs = [syncSettings(), client.onStatus((connected) => useUi.setState({ connected }))];
    return () => {
      for (const off of offs) off();
    };
  }, []);

  // The customer display never asks for a PIN.
  return route === 'customer' ? <CustomerDisplay /> : <Till reports={route === 'reports'} />;
}

// The reports and their charts (ECharts) load only when opened: the cashier's screen starts without them.
const ReportsPage = lazy(() => import('./reports/ReportsPage').then((m) => ({ default: m.ReportsPage })));

/** The till's screens share the lock screen, the owner's approval prompt, toasts and auto-lock. */
function Till({ reports }: { reports: boolean }) {
  useEffect(() => syncStaff(), []);
  useAutoLock();
  return (
    <>
      {reports ? (
        <Suspense fallback={null}>
          <ReportsPage />
        </Suspense>
      ) : (
        <Cashier />
      )}
      <ApprovalPromptHost />
      <LockScreen />
      <Toasts />
    </>
  );
}
