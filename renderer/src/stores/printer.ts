// The receipt printer's status as the till pushes it, and the printer actions the cashier and Settings use.
import { create } from 'zustand';
import type { PrinterStatus, PrintOffer } from '../../../shared/printer';
import { request } from '../api/call';
import { client } from '../api/client';
import { showToast } from './ui';

interface PrinterStore {
  status: PrinterStatus | null;
}

export const usePrinter = create<PrinterStore>(() => ({ status: null }));

async function load(refresh: boolean): Promise<void> {
  const r = await client.call('printer.status', { refresh });
  if (r.ok) usePrinter.setState({ status: r.value });
}

/** Keeps the status current from pushes; returns the unsubscribe. */
export function syncPrinter(): () => void {
  void load(false);
  const offs = [
    client.on('printer.status', (status) => usePrinter.setState({ status })),
    client.on('settings.changed', () => void load(false)),
    client.onConnect(() => void load(false)),
  ];
  return () => {
    for (const off of offs) off();
  };
}

/** Asks the printer now (answers within about a second, never hangs). */
export function refreshPrinter(): Promise<void> {
  return load(true);
}

export async function openDrawer(): Promise<void> {
  if (await request('printer.openDrawer', {})) showToast({ kind: 'success', key: 'printer.drawerOpened' });
}

export async function testDrawer(): Promise<void> {
  if (await request('printer.testDrawer', {})) showToast({ kind: 'success', key: 'printer.drawerOpened' });
}

export async function printTestPage(): Promise<void> {
  if (await request('printer.testPage', {})) showToast({ kind: 'success', key: 'printer.testPageSent' });
}

export async function reprint(orderId: number): Promise<void> {
  if (await request('printer.reprint', { orderId })) showToast({ kind: 'success', key: 'printer.reprintSent' });
}

/** Receipts waiting for the cashier (may have printed, waited too long, a sale completed later). */
export async function loadOffers(): Promise<PrintOffer[] | undefined> {
  return request('printer.offers', {});
}

/** Prints an offered receipt again (重打 / REPRINT, never the drawer); answering it removes the offer. */
export async function printOffer(offer: PrintOffer): Promise<boolean> {
  if (!(await request('printer.reprint', { orderId: offer.orderId }))) return false;
  showToast({ kind: 'success', key: 'printer.reprintSent' });
  return true;
}

/** Lets an offered receipt go unprinted; returns the offers left. */
export async function skipOffer(jobId: number): Promise<PrintOffer[] | undefined> {
  return request('printer.dismiss', { jobId });
}
