import { useEffect } from 'react';
import { client } from './api/client';
import { Cashier } from './cashier/Cashier';
import { ApprovalPromptHost } from './components/ApprovalPrompt';
import { LockScreen } from './components/LockScreen';
import { Toasts } from './components/Toasts';
import { CustomerDisplay } from './customer/CustomerDisplay';
import { applyLanguage } from './i18n';
import { ReportsPage } from './reports/ReportsPage';
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

/** The till's screens share the lock screen, the owner's approval prompt, toasts and auto-lock. */
function Till({ reports }: { reports: boolean }) {
  useEffect(() => syncStaff(), []);
  useAutoLock();
  return (
    <>
      {reports ? <ReportsPage /> : <Cashier />}
      <ApprovalPromptHost />
      <LockScreen />
      <Toasts />
    </>
  );
}
