// The staff of test tills: an owner with a known PIN, signed in as after the lock screen. Plain Node (no vitest),
// so the crash tests' child scripts use it too.
import type { MethodOutput } from '../../shared/api';
import { StaffRepo } from '../db/staff';
import type { Till } from './index';
import { type Hashed, hashSecretSync } from './staff';

/** The owner's PIN in test tills that start signed in. */
export const TEST_OWNER_PIN = '8642';
export const TEST_OWNER_NAME = 'Owner';
let testOwnerPin: Hashed | undefined;

/** Makes the test owner if there is none (the scrypt hash once per process) and signs them in. */
export function signInTestOwner(till: Pick<Till, 'db' | 'staff'>): void {
  const repo = new StaffRepo(till.db);
  let owner = repo.owner();
  if (!owner) {
    testOwnerPin ??= hashSecretSync(TEST_OWNER_PIN);
    owner = repo.insert(TEST_OWNER_NAME, 'owner', testOwnerPin.hash, testOwnerPin.salt, new Date().toISOString());
  }
  till.staff.signInTrusted(owner.id);
}

/** Opens a shift with a 0 float unless one is open already (a test reopening the same data folder). */
export function openTestShift(till: Pick<Till, 'handlers'>): void {
  const call = { transport: 'http' } as const;
  const current = till.handlers['shift.current']({}, call) as MethodOutput<'shift.current'>;
  if (!current.shift) till.handlers['shift.open']({ count: { totalMinor: 0 } }, call);
}
