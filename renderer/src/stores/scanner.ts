// The serial barcode scanner's state as the till pushes it, and the ports Settings offers.
import { create } from 'zustand';
import type { ScannerStatus, SerialPortList } from '../../../shared/scanner';
import { client } from '../api/client';

interface ScannerStore {
  status: ScannerStatus | null;
}

/** How long a visible page without focus leaves a serial scan to the focused page. */
const UNFOCUSED_CLAIM_DELAY_MS = 150;

export const useScanner = create<ScannerStore>(() => ({ status: null }));

async function load(): Promise<void> {
  const r = await client.call('scanner.status', {});
  if (r.ok) useScanner.setState({ status: r.value });
}

/**
 * Keeps the status current and hands each code the serial scanner reads to `onScan` (the cashier page's
 * scan handling, the keyboard wedge's) once this page has claimed it; returns the unsubscribe.
 */
export function syncScanner(onScan: (barcode: string) => void): () => void {
  void load();
  const offs = [
    client.on('scanner.status', (status) => useScanner.setState({ status })),
    client.on('scanner.scan', ({ scanId, barcode }) => {
      // A page in the background (another tab, a minimised window) leaves the scan to the one in use.
      if (document.visibilityState === 'hidden') return;
      const claim = () =>
        void client.call('scanner.claim', { scanId }).then((r) => {
          if (r.ok && r.value.claimed) onScan(barcode);
        });
      // The page the cashier is using asks first; a visible page without focus gives it a moment.
      if (document.hasFocus()) claim();
      else setTimeout(claim, UNFOCUSED_CLAIM_DELAY_MS);
    }),
    client.onConnect(() => void load()),
  ];
  return () => {
    for (const off of offs) off();
  };
}

export async function loadSerialPorts(): Promise<SerialPortList> {
  const r = await client.call('scanner.ports', {});
  return r.ok ? r.value : { ok: false, reason: r.error.message };
}
