// Staff: roles, what each role may do, and the shapes the staff API speaks. Pure: no Node, no DOM.
import { z } from 'zod';

export const Role = z.enum(['owner', 'cashier']);
export type Role = z.infer<typeof Role>;

/** What needs more than selling: a cashier asks an owner for an on-the-spot approval (staff.approve). */
export const StaffAction = z.enum([
  'refund',
  'discountOverThreshold',
  'priceOverride',
  'voidAfterTotalShown',
  'openDrawerNoSale',
  'settings',
  'catalog',
  'reports',
]);
export type StaffAction = z.infer<typeof StaffAction>;

/** Role -> actions it may do without an approval. Selling itself is every role's. */
export const PERMISSIONS: Readonly<Record<Role, readonly StaffAction[]>> = {
  owner: StaffAction.options,
  cashier: [],
};

export function can(role: Role, action: StaffAction): boolean {
  return PERMISSIONS[role].includes(action);
}

/** 4 to 6 digits. */
export const Pin = z.string().regex(/^\d{4,6}$/, '4 to 6 digits');
export const StaffName = z.string().trim().min(1).max(40);

/** Who is at the till. */
export const StaffPerson = z.object({ id: z.number().int().positive(), name: z.string(), role: Role });
export type StaffPerson = z.infer<typeof StaffPerson>;

/** A staff account as the owner's list shows it (never its PIN or hash). */
export const StaffMember = StaffPerson.extend({ active: z.boolean(), createdAt: z.string() });
export type StaffMember = z.infer<typeof StaffMember>;

export const StaffStatus = z.object({
  /** False on a first run until the owner chose a PIN (on screen or TILLPOINT_OWNER_PIN). */
  ownerSetUp: z.boolean(),
  signedIn: StaffPerson.nullable(),
});
export type StaffStatus = z.infer<typeof StaffStatus>;

/** An owner's PIN approving one action for whoever is signed in; the id is in the journal with both names. */
export const StaffApproval = z.object({
  approvalId: z.string(),
  action: StaffAction,
  approvedBy: StaffPerson,
  requestedBy: StaffPerson,
});
export type StaffApproval = z.infer<typeof StaffApproval>;

/** What the staff module journals ('staff.<event>'). */
export type StaffJournalEvent =
  | 'ownerSetUp'
  | 'saved'
  | 'signedIn'
  | 'signedOut'
  | 'pinLocked'
  | 'approved'
  | 'ownerPinReset';
