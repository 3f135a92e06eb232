import { useEffect } from 'react';
import { client } from './api/client';
import { Cashier } from './cashier/Cashier';
import { Toasts } from './components/Toasts';
import { CustomerDisplay } from './customer/CustomerDisplay';
import { applyLanguage } from './i18n';
import { useRoute } from './router';
import { syncSettings, useSettings } from './stores/settings';
import { useUi } from './stores/ui';

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

  return route === 'customer' ? (
    <CustomerDisplay />
  ) : (
    <>
      <Cashier />
      <Toasts />
    </>
  );
}
