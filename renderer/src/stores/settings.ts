// The shop's settings and what the app says about itself (mode, demo data, version).
import { create } from 'zustand';
import type { AppInfo, Settings } from '../../../shared/domain';
import { request } from '../api/call';
import { client } from '../api/client';

interface SettingsState {
  settings: Settings | null;
  info: AppInfo | null;
}

export const useSettings = create<SettingsState>(() => ({ settings: null, info: null }));

export async function loadSettings(): Promise<void> {
  const [s, info] = await Promise.all([client.call('settings.get', {}), client.call('app.info', {})]);
  if (s.ok) useSettings.setState({ settings: s.value });
  if (info.ok) useSettings.setState({ info: info.value });
}

async function loadInfo(): Promise<void> {
  const info = await client.call('app.info', {});
  if (info.ok) useSettings.setState({ info: info.value });
}

/** Saves and returns true, or shows why not. */
export async function updateSettings(patch: Partial<Settings>): Promise<boolean> {
  const s = await request('settings.update', patch);
  if (s) useSettings.setState({ settings: s });
  return s !== undefined;
}

/** Keeps settings current from pushes; returns the unsubscribe. */
export function syncSettings(): () => void {
  void loadSettings();
  const offs = [
    client.on('settings.changed', (settings) => useSettings.setState({ settings })),
    // Clearing demo data or importing real products changes whether the banner shows.
    client.on('catalog.changed', () => void loadInfo()),
    client.onConnect(() => void loadSettings()),
  ];
  return () => {
    for (const off of offs) off();
  };
}
