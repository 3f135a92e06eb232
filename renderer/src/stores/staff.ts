// Who is signed in at this till; the lock screen shows while nobody is. Kept current from staff.changed pushes.
import { create } from 'zustand';
import type { StaffAction, StaffStatus } from '../../../shared/staff';
import { client } from '../api/client';
import { requestApproval } from '../components/ApprovalPrompt';
import { type DialogName, openDialog } from './ui';

export const useStaff = create<{ status: StaffStatus | null }>(() => ({ status: null }));

async function loadStaff(): Promise<void> {
  const r = await client.call('staff.status', {});
  if (r.ok) useStaff.setState({ status: r.value });
}

/** Keeps the status current; returns the unsubscribe. */
export function syncStaff(): () => void {
  void loadStaff();
  const offs = [
    client.on('staff.changed', (status) => useStaff.setState({ status })),
    client.onConnect(() => void loadStaff()),
  ];
  return () => {
    for (const off of offs) off();
  };
}

export async function lockTill(): Promise<void> {
  const r = await client.call('staff.lock', {});
  if (r.ok) useStaff.setState({ status: r.value });
}

export function isOwner(): boolean {
  return useStaff.getState().status?.signedIn?.role === 'owner';
}

/**
 * The lock screen is up: keys belong to it, not to the scanner or shortcuts. Not yet known (the first moment
 * after loading) is not locked: a scan then still reaches the till, which refuses it if nobody is signed in.
 */
export function isLocked(): boolean {
  const { status } = useStaff.getState();
  return status !== null && status.signedIn === null;
}

/** Screens that are the owner's: a cashier gets the owner's PIN on the spot before they open. */
const GUARDED: Partial<Record<DialogName, StaffAction>> = { settings: 'settings', catalog: 'catalog' };

/** Opens a dialog, asking for the owner's approval first when the screen is the owner's and a cashier asks. */
export async function openGuardedDialog(dialog: DialogName): Promise<void> {
  const action = GUARDED[dialog];
  if (action && !isOwner() && !(await requestApproval(action))) return;
  openDialog(dialog);
}
