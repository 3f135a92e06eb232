// Staff accounts at the till: PINs (scrypt, a salt per person, compared in constant time, never kept in clear),
// the till's wrong-PIN limit (stored, so a restart does not reset it), the owner's first run and recovery code,
// who is signed in (memory only: later work stamps sales and payments with it) and owner approvals.
import { randomBytes, randomUUID, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { TillError } from '../../shared/api';
import {
  can,
  Pin,
  type Role,
  type StaffAction,
  type StaffApproval,
  type StaffMember,
  type StaffPerson,
  type StaffStatus,
} from '../../shared/staff';
import type { StaffRow } from '../db/index';
import { currentActor } from './access';
import type { TillContext } from './context';

/** scrypt cost: N=2^14 (r=8: 16 MB, ~50 ms a hash), a 32-byte key, a 16-byte salt per secret. */
const SCRYPT = { N: 1 << 14, r: 8, p: 1 } as const;
const KEYLEN = 32;
const SALT_BYTES = 16;

/** Wrong PINs allowed before the till waits; the first wait; the longest (each wrong PIN after doubles it). */
export const PIN_LIMIT = { freeFailures: 5, firstWaitSeconds: 30, maxWaitSeconds: 15 * 60 } as const;

export const OWNER_PIN_ENV = 'TILLPOINT_OWNER_PIN';
const TILL_KEY = 'till';
const RECOVERY_KEY = 'recovery';

export interface Hashed {
  hash: Buffer;
  salt: Buffer;
}

function hashAsync(secret: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, KEYLEN, SCRYPT, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashSecret(secret: string): Promise<Hashed> {
  const salt = randomBytes(SALT_BYTES);
  return { hash: await hashAsync(secret, salt), salt };
}

/** For the first start's TILLPOINT_OWNER_PIN, which runs while the till is created (synchronously). */
export function hashSecretSync(secret: string): Hashed {
  const salt = randomBytes(SALT_BYTES);
  return { hash: scryptSync(secret, salt, KEYLEN, SCRYPT), salt };
}

export async function secretMatches(secret: string, stored: Hashed): Promise<boolean> {
  const key = await hashAsync(secret, stored.salt);
  return key.length === stored.hash.length && timingSafeEqual(key, stored.hash);
}

/** How long the till waits after this many wrong PINs in a row: 0 below 5, then 30 s doubling up to 15 min. */
export function lockSeconds(failures: number): number {
  if (failures < PIN_LIMIT.freeFailures) return 0;
  const doublings = Math.min(failures - PIN_LIMIT.freeFailures, 10);
  return Math.min(PIN_LIMIT.firstWaitSeconds * 2 ** doublings, PIN_LIMIT.maxWaitSeconds);
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** 20 base32 characters (100 random bits), grouped XXXX-XXXX-XXXX-XXXX-XXXX. */
export function makeRecoveryCode(): string {
  const bytes = randomBytes(20);
  const chars = Array.from(bytes, (b) => BASE32[b & 31]).join('');
  return chars.match(/.{4}/g)!.join('-');
}

/** What the owner types, however grouped or cased. */
export function normalizeRecoveryCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z2-7]/g, '');
}

function person(r: StaffRow): StaffPerson {
  return { id: r.id, name: r.name, role: r.role };
}

function member(r: StaffRow): StaffMember {
  return { ...person(r), active: r.active === 1, createdAt: r.created_at };
}

const stored = (r: StaffRow): Hashed => ({ hash: r.pin_hash, salt: r.pin_salt });

export type StaffDeps = Pick<TillContext, 'repos' | 'tx' | 'clock'>;

/** The stored wrong-attempt count for one key; refusals are thrown as PIN_LOCKED / PIN_WRONG. */
class Limiter {
  constructor(
    private readonly deps: StaffDeps,
    private readonly key: string,
  ) {}

  /** Refuses while a wait runs, before any PIN is looked at. */
  check(): void {
    const { lockedUntil } = this.deps.repos.staff.attempts(this.key);
    const now = this.deps.clock().getTime();
    if (lockedUntil && Date.parse(lockedUntil) > now) {
      const retryAfterSeconds = Math.ceil((Date.parse(lockedUntil) - now) / 1000);
      throw new TillError('PIN_LOCKED', `Too many wrong PINs; try again in ${retryAfterSeconds} s`, {
        retryAfterSeconds,
      });
    }
  }

  /** Counts a wrong one and throws: PIN_LOCKED once the count reaches the limit, else PIN_WRONG. */
  fail(journal: (data: Record<string, unknown>) => void): never {
    const now = this.deps.clock();
    const failures = this.deps.repos.staff.attempts(this.key).failures + 1;
    const wait = lockSeconds(failures);
    const lockedUntil = wait ? new Date(now.getTime() + wait * 1000).toISOString() : null;
    this.deps.tx(() => {
      this.deps.repos.staff.setAttempts(this.key, { failures, lockedUntil }, now.toISOString());
      if (wait) journal({ key: this.key, failures, waitSeconds: wait });
    });
    if (wait) {
      throw new TillError('PIN_LOCKED', `Too many wrong PINs; try again in ${wait} s`, { retryAfterSeconds: wait });
    }
    const attemptsLeft = PIN_LIMIT.freeFailures - failures;
    throw new TillError('PIN_WRONG', 'Wrong PIN', { attemptsLeft });
  }

  reset(): void {
    const a = this.deps.repos.staff.attempts(this.key);
    if (a.failures || a.lockedUntil) {
      this.deps.repos.staff.setAttempts(this.key, { failures: 0, lockedUntil: null }, this.deps.clock().toISOString());
    }
  }
}

/** The active person whose PIN this is. Hashes it against every active account, so the time says nothing. */
async function findByPin(deps: StaffDeps, pin: string, except?: number): Promise<StaffRow | undefined> {
  let found: StaffRow | undefined;
  for (const r of deps.repos.staff.active()) {
    if (r.id === except) continue;
    if ((await secretMatches(pin, stored(r))) && !found) found = r;
  }
  return found;
}

function journalPinLock(deps: StaffDeps) {
  return (data: Record<string, unknown>) =>
    deps.repos.journal.append(deps.clock().toISOString(), 'staff.pinLocked', {}, data);
}

/**
 * Creates the owner (only while there is none) with a new recovery code; returns the owner and the code,
 * which exists nowhere else afterwards.
 */
function createOwner(deps: StaffDeps, name: string, pin: Hashed, recovery: Hashed, via: string): StaffRow {
  return deps.tx(() => {
    if (deps.repos.staff.owner()) throw new TillError('OWNER_EXISTS', 'The owner is already set up');
    const at = deps.clock().toISOString();
    const row = deps.repos.staff.insert(name, 'owner', pin.hash, pin.salt, at);
    deps.repos.staff.setRecovery(row.id, recovery.hash, recovery.salt, at);
    deps.repos.journal.append(at, 'staff.ownerSetUp', {}, { staffId: row.id, name, via });
    return row;
  });
}

/**
 * First start with TILLPOINT_OWNER_PIN set and no owner yet: the owner gets that PIN. Returns the recovery code
 * to print once; null when the variable is unset or an owner exists. A bad value throws, naming the variable.
 */
export function setupOwnerFromEnv(deps: StaffDeps, value: string | undefined): string | null {
  if (value === undefined || value === '' || deps.repos.staff.owner()) return null;
  if (!Pin.safeParse(value).success) {
    throw new Error(`${OWNER_PIN_ENV} must be 4 to 6 digits (0-9); fix or unset it and start Tillpoint again`);
  }
  const code = makeRecoveryCode();
  createOwner(deps, 'Owner', hashSecretSync(value), hashSecretSync(normalizeRecoveryCode(code)), 'env');
  return code;
}

/**
 * `npm run reset-owner-pin`: the recovery code (rate-limited like PINs) sets a new owner PIN, makes a new code
 * (returned, to print once) and journals the reset. The till's wrong-PIN wait is lifted too.
 */
export async function resetOwnerPin(deps: StaffDeps, code: string, pin: string): Promise<string> {
  if (!Pin.safeParse(pin).success) throw new TillError('INVALID_INPUT', 'The new PIN must be 4 to 6 digits');
  const owner = deps.repos.staff.owner();
  if (!owner?.recovery_hash || !owner.recovery_salt) {
    throw new TillError('NOT_ALLOWED', 'There is no owner with a recovery code in this data folder');
  }
  const limiter: Limiter = new Limiter(deps, RECOVERY_KEY);
  limiter.check();
  const ok = await secretMatches(normalizeRecoveryCode(code), { hash: owner.recovery_hash, salt: owner.recovery_salt });
  if (!ok) limiter.fail(journalPinLock(deps));
  if (await findByPin(deps, pin, owner.id)) {
    throw new TillError('PIN_IN_USE', 'Another person at this till has that PIN; choose another');
  }
  const next = makeRecoveryCode();
  const [pinHash, recovery] = await Promise.all([hashSecret(pin), hashSecret(normalizeRecoveryCode(next))]);
  deps.tx(() => {
    const at = deps.clock().toISOString();
    // The code just used must not work again, even if the new one is lost before it is written down.
    deps.repos.staff.update(owner.id, at, { pin: pinHash });
    deps.repos.staff.setRecovery(owner.id, recovery.hash, recovery.salt, at);
    limiter.reset();
    new Limiter(deps, TILL_KEY).reset();
    deps.repos.journal.append(at, 'staff.ownerPinReset', {}, { staffId: owner.id, name: owner.name });
  });
  return next;
}

export interface StaffSave {
  id?: number;
  name?: string;
  pin?: string;
  active?: boolean;
}

/** What an allowed action records: who did it and, for a cashier, which owner approved it. */
export interface Authorized {
  by: StaffPerson;
  approvedBy: StaffPerson | null;
  approvalId: string | null;
}

/** How long an owner's approval waits to be used by the action it was given for. */
export const APPROVAL_TTL_MS = 5 * 60_000;

/**
 * Approvals that open a screen (settings, catalog, reports) serve every call made from it until they expire or
 * the till locks; the rest (a refund, a discount, a void, a drawer opening) are used once.
 */
const SCREEN_ACTIONS: ReadonlySet<StaffAction> = new Set(['settings', 'catalog', 'reports']);

/** The part of Staff every other module uses: who is here, and may they do this. */
export interface StaffGate {
  current(): StaffPerson | null;
  /** Who is signed in, or NOT_SIGNED_IN. */
  requireSignedIn(): StaffPerson;
  /**
   * Allowed when the signed-in role may, or with an unused owner approval (staff.approve) for this action and
   * person; else NOT_ALLOWED with `needsApproval`. Consumes the approval, so call it where the action is done.
   */
  authorize(action: StaffAction, approvalId?: string | null): Authorized;
}

export class Staff implements StaffGate {
  private signedIn: StaffPerson | null = null;
  /** Approvals given and not yet used, by id; memory only: a restart asks again. */
  private readonly approvals = new Map<string, { approval: StaffApproval; expires: number }>();
  /** PIN checks one at a time: two at once would both read the count before either adds to it. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly limiter: Limiter;

  constructor(
    private readonly deps: StaffDeps,
    /** Someone signed in or out (every window shows or lifts its lock screen). */
    private readonly changed: (status: StaffStatus) => void = () => {},
  ) {
    this.limiter = new Limiter(deps, TILL_KEY);
  }

  /** Who is signed in at this till, for stamping sales, payments and journal rows; null: nobody. */
  current(): StaffPerson | null {
    return this.signedIn;
  }

  requireSignedIn(): StaffPerson {
    if (!this.signedIn) throw new TillError('NOT_SIGNED_IN', 'Nobody is signed in at this till');
    return this.signedIn;
  }

  authorize(action: StaffAction, approvalId?: string | null): Authorized {
    const me = this.requireSignedIn();
    if (can(me.role, action)) return { by: me, approvedBy: null, approvalId: null };
    const now = this.deps.clock().getTime();
    for (const [id, a] of this.approvals) if (a.expires <= now) this.approvals.delete(id);
    const fits = (a: StaffApproval) => a.action === action && a.requestedBy.id === me.id;
    // The approval named, or (a retried call that does not carry one) the one given for this action just now.
    const given = approvalId
      ? this.approvals.get(approvalId)
      : [...this.approvals.values()].reverse().find((a) => fits(a.approval));
    if (!given || !fits(given.approval)) {
      throw new TillError('APPROVAL_NEEDED', "This needs the owner's approval", { action });
    }
    const { approval } = given;
    if (!SCREEN_ACTIONS.has(action)) this.approvals.delete(approval.approvalId);
    // The call being served now writes the approver beside its person in every journal entry.
    const call = currentActor();
    if (call && call.by.id === me.id)
      Object.assign(call, { approvedBy: approval.approvedBy, approvalId: approval.approvalId });
    return { by: me, approvedBy: approval.approvedBy, approvalId: approval.approvalId };
  }

  /**
   * Signs someone in whose identity was proven elsewhere (tests; a tool that checked the recovery code). Never
   * reachable from the API.
   */
  signInTrusted(id: number): StaffPerson {
    const row = this.deps.repos.staff.byId(id);
    if (row?.active !== 1) throw new TillError('STAFF_NOT_FOUND', 'No such staff member');
    this.signedIn = person(row);
    return this.signedIn;
  }

  status(): StaffStatus {
    return { ownerSetUp: this.deps.repos.staff.owner() !== undefined, signedIn: this.signedIn };
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private journal(kind: 'staff.saved' | 'staff.signedIn' | 'staff.signedOut' | 'staff.approved', data: object) {
    this.deps.repos.journal.append(this.deps.clock().toISOString(), kind, {}, { ...data });
  }

  /** The first run's owner, chosen on screen; signs them in. The recovery code is in this answer only. */
  async setupOwner(name: string, pin: string): Promise<{ person: StaffPerson; recoveryCode: string }> {
    if (this.deps.repos.staff.owner()) throw new TillError('OWNER_EXISTS', 'The owner is already set up');
    const recoveryCode = makeRecoveryCode();
    const [pinHash, recovery] = await Promise.all([hashSecret(pin), hashSecret(normalizeRecoveryCode(recoveryCode))]);
    const row = createOwner(this.deps, name, pinHash, recovery, 'screen');
    this.signedIn = person(row);
    this.changed(this.status());
    return { person: this.signedIn, recoveryCode };
  }

  unlock(pin: string): Promise<StaffPerson> {
    return this.serial(async () => {
      this.limiter.check();
      const row = await findByPin(this.deps, pin);
      if (!row) this.limiter.fail(journalPinLock(this.deps));
      this.deps.tx(() => {
        this.limiter.reset();
        this.journal('staff.signedIn', { staffId: row.id, name: row.name });
      });
      this.signedIn = person(row);
      this.changed(this.status());
      return this.signedIn;
    });
  }

  lock(): StaffStatus {
    if (this.signedIn) this.journal('staff.signedOut', { staffId: this.signedIn.id, name: this.signedIn.name });
    const was = this.signedIn;
    this.signedIn = null;
    this.approvals.clear();
    if (was) this.changed(this.status());
    return this.status();
  }

  /** An owner's PIN approves one action for whoever is signed in; recorded with both names. */
  approve(pin: string, action: StaffAction): Promise<StaffApproval> {
    return this.serial(async () => {
      const requestedBy = this.signedIn;
      if (!requestedBy) throw new TillError('NOT_SIGNED_IN', 'Nobody is signed in at this till');
      this.limiter.check();
      const row = await findByPin(this.deps, pin);
      if (!row) this.limiter.fail(journalPinLock(this.deps));
      this.limiter.reset();
      if (!can(row.role, action)) {
        throw new TillError('NOT_ALLOWED', 'Only the owner can approve this', { action });
      }
      const approval: StaffApproval = { approvalId: randomUUID(), action, approvedBy: person(row), requestedBy };
      this.journal('staff.approved', approval);
      this.approvals.set(approval.approvalId, { approval, expires: this.deps.clock().getTime() + APPROVAL_TTL_MS });
      return approval;
    });
  }

  private requireOwner(): StaffPerson {
    const me = this.signedIn;
    // Managing staff is a setting: only a role allowed settings, signed in, may.
    if (!me || !can(me.role, 'settings')) throw new TillError('NOT_ALLOWED', 'Only the owner can manage staff');
    return me;
  }

  list(): StaffMember[] {
    this.requireOwner();
    return this.deps.repos.staff.all().map(member);
  }

  /** Adds a cashier, or renames, (de)activates or gives a new PIN to someone. PINs are unique among active staff. */
  save(input: StaffSave): Promise<StaffMember> {
    return this.serial(async () => {
      const me = this.requireOwner();
      const repo = this.deps.repos.staff;
      const existing = input.id === undefined ? undefined : repo.byId(input.id);
      if (input.id !== undefined && !existing) throw new TillError('STAFF_NOT_FOUND', 'No such staff member');
      if (!existing && (input.name === undefined || input.pin === undefined)) {
        throw new TillError('INVALID_INPUT', 'A new cashier needs a name and a PIN', { fields: 'name, pin' });
      }
      if (existing?.role === 'owner' && input.active === false) {
        throw new TillError('NOT_ALLOWED', 'The owner cannot be deactivated');
      }
      if (input.pin !== undefined && (await findByPin(this.deps, input.pin, existing?.id))) {
        throw new TillError('PIN_IN_USE', 'Another person at this till has that PIN; choose another');
      }
      const pin = input.pin === undefined ? undefined : await hashSecret(input.pin);
      const at = this.deps.clock().toISOString();
      const row = this.deps.tx(() => {
        const row = existing
          ? repo.update(existing.id, at, { name: input.name, active: input.active, pin })
          : repo.insert(input.name!, 'cashier' satisfies Role, pin!.hash, pin!.salt, at);
        const changed = existing
          ? (['name', 'active', 'pin'] as const).filter((k) => input[k] !== undefined)
          : ['created'];
        this.journal('staff.saved', { staffId: row.id, name: row.name, changed, by: me.name });
        return row;
      });
      if (this.signedIn?.id === row.id) {
        this.signedIn = row.active ? person(row) : null;
        this.changed(this.status());
      }
      return member(row);
    });
  }
}
