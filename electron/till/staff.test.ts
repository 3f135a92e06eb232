import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StaffAction } from '../../shared/staff';
import { createRepos, DB_FILENAME } from '../db/index';
import { transactionOf } from '../db/transaction';
import { lockSeconds, makeRecoveryCode, resetOwnerPin } from './staff';
import { journalCount, openTestTill, refusal, sqlCount, type TestTill, tempDataDir, testClock } from './testing';

const open: TestTill[] = [];
function till(opts: Parameters<typeof openTestTill>[0] = {}): TestTill {
  const t = openTestTill({ staff: 'none', ...opts });
  open.push(t);
  return t;
}
afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
  vi.restoreAllMocks();
});

const OWNER_PIN = '482913';
const CASHIER_PIN = '7305';

/** A till with its owner set up on screen and signed in. */
async function withOwner(opts: Parameters<typeof openTestTill>[0] = {}) {
  const t = till(opts);
  const setup = await t.call('staff.setupOwner', { name: '王老板', pin: OWNER_PIN });
  return { t, setup };
}

function journalData(t: TestTill, kind: string): Record<string, unknown>[] {
  return (t.db.prepare('SELECT data FROM journal WHERE kind = ? ORDER BY id').pluck().all(kind) as string[]).map((d) =>
    JSON.parse(d),
  );
}

describe('first run', () => {
  it('has no owner until one is set up on screen; setupOwner signs them in and answers a recovery code once', async () => {
    const t = till();
    expect(await t.call('staff.status', {})).toEqual({ ownerSetUp: false, signedIn: null });
    const { person, recoveryCode } = await t.call('staff.setupOwner', { name: '王老板', pin: OWNER_PIN });
    expect(person).toMatchObject({ name: '王老板', role: 'owner' });
    expect(recoveryCode).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){4}$/);
    expect(await t.call('staff.status', {})).toEqual({ ownerSetUp: true, signedIn: person });
    expect(journalData(t, 'staff.ownerSetUp')).toEqual([{ staffId: person.id, name: '王老板', via: 'screen' }]);
  });

  it('refuses setupOwner once an owner exists, and changes nothing', async () => {
    const { t } = await withOwner();
    const err = await refusal(t.call('staff.setupOwner', { name: 'Mallory', pin: '1111' }));
    expect(err.code).toBe('OWNER_EXISTS');
    expect(sqlCount(t, 'SELECT count(*) FROM staff')).toBe(1);
    await t.call('staff.lock', {});
    expect((await refusal(t.call('staff.unlock', { pin: '1111' }))).code).toBe('PIN_WRONG');
  });

  it('TILLPOINT_OWNER_PIN at the first start sets the owner PIN and prints the recovery code once', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const dataDir = tempDataDir();
    const t = till({ dataDir, env: { TILLPOINT_OWNER_PIN: '2468' } });
    expect(await t.call('staff.status', {})).toEqual({ ownerSetUp: true, signedIn: null });
    const printed = log.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('TILLPOINT_OWNER_PIN'));
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(/[A-Z2-7]{4}(-[A-Z2-7]{4}){4}/);
    expect(printed[0]).not.toContain('2468');
    expect((await t.call('staff.unlock', { pin: '2468' })).role).toBe('owner');
    await t.close();

    // A later start with the variable (even another value) leaves the owner's PIN alone and prints nothing.
    log.mockClear();
    const again = till({ dataDir, env: { TILLPOINT_OWNER_PIN: '1357' } });
    expect(log).not.toHaveBeenCalled();
    expect((await refusal(again.call('staff.unlock', { pin: '1357' }))).code).toBe('PIN_WRONG');
    expect((await again.call('staff.unlock', { pin: '2468' })).role).toBe('owner');
  });

  it.each(['123', '1234567', '12a4', ' 1234'])(
    'a bad TILLPOINT_OWNER_PIN (%j) stops the start, naming the variable',
    (pin) => {
      const dataDir = tempDataDir();
      expect(() => openTestTill({ dataDir, staff: 'none', env: { TILLPOINT_OWNER_PIN: pin } })).toThrow(
        /TILLPOINT_OWNER_PIN/,
      );
      // The value itself is a secret: not in the message.
      expect(() => openTestTill({ dataDir, staff: 'none', env: { TILLPOINT_OWNER_PIN: pin } })).not.toThrow(
        new RegExp(pin.trim()),
      );
    },
  );
});

describe('PIN storage', () => {
  it('keeps no PIN and no recovery code in clear anywhere in the database files', async () => {
    const { t, setup } = await withOwner();
    await t.call('staff.save', { name: '小李', pin: CASHIER_PIN });
    await t.call('staff.lock', {});
    await t.call('staff.unlock', { pin: CASHIER_PIN });
    const files = () =>
      [DB_FILENAME, `${DB_FILENAME}-wal`]
        .map((f) => path.join(t.dataDir, f))
        .filter((f) => fs.existsSync(f))
        .map((f) => fs.readFileSync(f));
    const secrets = [OWNER_PIN, CASHIER_PIN, setup.recoveryCode, setup.recoveryCode.replaceAll('-', '')];
    const check = () => {
      for (const bytes of files()) for (const s of secrets) expect(bytes.includes(Buffer.from(s)), s).toBe(false);
    };
    check(); // the WAL as written
    const dataDir = t.dataDir;
    await t.close();
    open.splice(0);
    expect(fs.existsSync(path.join(dataDir, `${DB_FILENAME}-wal`))).toBe(false);
    for (const s of secrets) {
      expect(fs.readFileSync(path.join(dataDir, DB_FILENAME)).includes(Buffer.from(s)), s).toBe(false);
    }
    // What is stored: a 32-byte hash and its own 16-byte salt per person.
    const again = till({ dataDir });
    const rows = again.db.prepare('SELECT pin_hash, pin_salt FROM staff').all() as {
      pin_hash: Buffer;
      pin_salt: Buffer;
    }[];
    expect(rows.map((r) => [r.pin_hash.length, r.pin_salt.length])).toEqual([
      [32, 16],
      [32, 16],
    ]);
    expect(rows[0].pin_salt.equals(rows[1].pin_salt)).toBe(false);
  });
});

describe('wrong PINs', () => {
  it('waits 30 s after 5 wrong PINs, doubling up to 15 min, and the wait survives reopening the till', async () => {
    const clock = testClock('2026-12-04T10:00:00Z');
    const { t } = await withOwner({ clock: clock.clock });
    await t.call('staff.lock', {});
    for (const left of [4, 3, 2, 1]) {
      const err = await refusal(t.call('staff.unlock', { pin: '0000' }));
      expect([err.code, err.params]).toEqual(['PIN_WRONG', { attemptsLeft: left }]);
    }
    let err = await refusal(t.call('staff.unlock', { pin: '0000' }));
    expect([err.code, err.params]).toEqual(['PIN_LOCKED', { retryAfterSeconds: 30 }]);
    // Even the right PIN waits.
    clock.advance(10_000);
    err = await refusal(t.call('staff.unlock', { pin: OWNER_PIN }));
    expect([err.code, err.params]).toEqual(['PIN_LOCKED', { retryAfterSeconds: 20 }]);

    // A restart does not lift the wait.
    const dataDir = t.dataDir;
    await t.close();
    open.splice(0);
    let again = till({ dataDir, clock: clock.clock });
    err = await refusal(again.call('staff.unlock', { pin: OWNER_PIN }));
    expect([err.code, err.params]).toEqual(['PIN_LOCKED', { retryAfterSeconds: 20 }]);

    // Each wrong PIN after a wait doubles the next one, up to 15 minutes.
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      clock.advance(15 * 60_000);
      err = await refusal(again.call('staff.unlock', { pin: '0000' }));
      expect(err.code).toBe('PIN_LOCKED');
      waits.push(Number(err.params?.retryAfterSeconds));
    }
    expect(waits).toEqual([60, 120, 240, 480, 900, 900, 900]);
    expect(journalCount(again, 'staff.pinLocked')).toBe(8);

    await again.close();
    open.splice(0);
    again = till({ dataDir, clock: clock.clock });
    clock.advance(15 * 60_000);
    // The right PIN after the wait signs in and starts the count again.
    expect((await again.call('staff.unlock', { pin: OWNER_PIN })).role).toBe('owner');
    err = await refusal(again.call('staff.unlock', { pin: '0000' }));
    expect([err.code, err.params]).toEqual(['PIN_WRONG', { attemptsLeft: 4 }]);
    expect(sqlCount(again, "SELECT failures FROM pin_attempts WHERE key = 'till'")).toBe(1);
  });

  it('lockSeconds: none below five, then 30 s doubling to at most 15 min', () => {
    expect([0, 4, 5, 6, 7, 9, 10, 11, 100].map(lockSeconds)).toEqual([0, 0, 30, 60, 120, 480, 900, 900, 900]);
  });
});

describe('staff accounts', () => {
  it('the owner adds a cashier, renames, changes a PIN and deactivates; a cashier may not manage staff', async () => {
    const { t } = await withOwner();
    const li = await t.call('staff.save', { name: '小李', pin: CASHIER_PIN });
    expect(li).toMatchObject({ name: '小李', role: 'cashier', active: true });
    expect((await refusal(t.call('staff.save', { name: 'Dup', pin: CASHIER_PIN }))).code).toBe('PIN_IN_USE');
    expect((await refusal(t.call('staff.save', { name: 'No PIN' }))).code).toBe('INVALID_INPUT');
    await t.call('staff.save', { id: li.id, name: '李明', pin: '9876' });
    expect((await t.call('staff.list', {})).map((m) => [m.name, m.role, m.active])).toEqual([
      ['王老板', 'owner', true],
      ['李明', 'cashier', true],
    ]);

    await t.call('staff.lock', {});
    expect((await refusal(t.call('staff.unlock', { pin: CASHIER_PIN }))).code).toBe('PIN_WRONG');
    expect(await t.call('staff.unlock', { pin: '9876' })).toEqual({ id: li.id, name: '李明', role: 'cashier' });
    expect((await refusal(t.call('staff.list', {}))).code).toBe('NOT_ALLOWED');
    expect((await refusal(t.call('staff.save', { name: 'Eve', pin: '5555' }))).code).toBe('NOT_ALLOWED');
    expect((await t.call('staff.lock', {})).signedIn).toBeNull();
    expect((await refusal(t.call('staff.list', {}))).code).toBe('NOT_SIGNED_IN');

    await t.call('staff.unlock', { pin: OWNER_PIN });
    const owner = (await t.call('staff.status', {})).signedIn!;
    expect((await refusal(t.call('staff.save', { id: owner.id, active: false }))).code).toBe('NOT_ALLOWED');
    await t.call('staff.save', { id: li.id, active: false });
    await t.call('staff.lock', {});
    expect((await refusal(t.call('staff.unlock', { pin: '9876' }))).code).toBe('PIN_WRONG');
    // The journal says what changed and who did it, never a PIN.
    const saved = journalData(t, 'staff.saved');
    expect(saved.map((d) => d.changed)).toEqual([['created'], ['name', 'pin'], ['active']]);
    expect(saved.every((d) => d.by === '王老板')).toBe(true);
    expect(JSON.stringify(saved)).not.toMatch(/9876|7305/);
  });
});

describe('owner approvals', () => {
  it('an owner PIN approves one action for the signed-in cashier, journaled with both names', async () => {
    const { t } = await withOwner();
    await t.call('staff.save', { name: '小李', pin: CASHIER_PIN });
    await t.call('staff.lock', {});
    expect((await refusal(t.call('staff.approve', { pin: OWNER_PIN, action: 'refund' }))).code).toBe('NOT_SIGNED_IN');
    await t.call('staff.unlock', { pin: CASHIER_PIN });

    const approval = await t.call('staff.approve', { pin: OWNER_PIN, action: 'refund' });
    expect(approval).toMatchObject({
      action: 'refund',
      approvedBy: { name: '王老板', role: 'owner' },
      requestedBy: { name: '小李', role: 'cashier' },
    });
    const [entry] = journalData(t, 'staff.approved');
    expect(entry).toMatchObject({
      approvalId: approval.approvalId,
      action: 'refund',
      approvedBy: { name: '王老板' },
      requestedBy: { name: '小李' },
    });
    // Still the cashier at the till: an approval does not sign the owner in.
    expect((await t.call('staff.status', {})).signedIn?.name).toBe('小李');

    // A cashier's own PIN approves nothing; a wrong one counts towards the wait.
    expect((await refusal(t.call('staff.approve', { pin: CASHIER_PIN, action: 'refund' }))).code).toBe('NOT_ALLOWED');
    const err = await refusal(t.call('staff.approve', { pin: '0000', action: 'priceOverride' }));
    expect([err.code, err.params]).toEqual(['PIN_WRONG', { attemptsLeft: 4 }]);
    expect(journalCount(t, 'staff.approved')).toBe(1);
  });

  it('every action can be approved by the owner', async () => {
    const { t } = await withOwner();
    for (const action of StaffAction.options) {
      expect((await t.call('staff.approve', { pin: OWNER_PIN, action })).action).toBe(action);
    }
  });
});

describe('owner PIN recovery', () => {
  it('the recovery code resets the owner PIN once, makes a new code and journals the reset', async () => {
    const clock = testClock('2026-12-04T10:00:00Z');
    const { t, setup } = await withOwner({ clock: clock.clock });
    const ctx = { repos: createRepos(t.db), tx: transactionOf(t.db), clock: clock.clock };

    const wrong = await resetOwnerPin(ctx, makeRecoveryCode(), '1111').catch((e: unknown) => e);
    expect(wrong).toMatchObject({ code: 'PIN_WRONG' });

    // Typed in lower case and without dashes, it still matches.
    const next = await resetOwnerPin(ctx, setup.recoveryCode.toLowerCase().replaceAll('-', ''), '1111');
    expect(next).not.toBe(setup.recoveryCode);
    expect(await resetOwnerPin(ctx, setup.recoveryCode, '2222').catch((e: unknown) => e)).toMatchObject({
      code: 'PIN_WRONG',
    });
    await t.call('staff.lock', {});
    expect((await refusal(t.call('staff.unlock', { pin: OWNER_PIN }))).code).toBe('PIN_WRONG');
    expect((await t.call('staff.unlock', { pin: '1111' })).role).toBe('owner');
    expect(journalData(t, 'staff.ownerPinReset')).toEqual([{ staffId: setup.person.id, name: '王老板' }]);
    // The new code works (once).
    await resetOwnerPin(ctx, next, '3333');
    expect(journalCount(t, 'staff.ownerPinReset')).toBe(2);
  });
});
