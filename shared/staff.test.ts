import { describe, expect, it } from 'vitest';
import { can, PERMISSIONS, StaffAction } from './staff';

describe('permissions by role', () => {
  it.each(StaffAction.options)('the owner may %s', (action) => {
    expect(can('owner', action)).toBe(true);
  });

  it.each(StaffAction.options)('a cashier needs an owner’s approval to %s', (action) => {
    expect(can('cashier', action)).toBe(false);
  });

  it('lists only known actions for each role', () => {
    for (const actions of Object.values(PERMISSIONS)) {
      for (const a of actions) expect(StaffAction.options).toContain(a);
    }
  });
});
