// The staff of test tills: an owner with a known PIN, signed in as after the lock screen. Plain Node (no vitest),
// so the crash tests' child scripts use it too.
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
