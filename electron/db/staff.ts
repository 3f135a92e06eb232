// Staff accounts (PIN hashes and salts only, never a PIN) and the wrong-PIN counters that survive a restart.
import type { Database, Statement } from 'better-sqlite3';
import type { Role } from '../../shared/staff';

export interface StaffRow {
  id: number;
  name: string;
  role: Role;
  pin_hash: Buffer;
  pin_salt: Buffer;
  recovery_hash: Buffer | null;
  recovery_salt: Buffer | null;
  active: 0 | 1;
  created_at: string;
  updated_at: string;
}

export interface PinAttempts {
  failures: number;
  /** UTC ISO; null when not locked. */
  lockedUntil: string | null;
}

export class StaffRepo {
  private readonly byIdStmt: Statement<[number], StaffRow>;
  private readonly ownerStmt: Statement<[], StaffRow>;
  private readonly allStmt: Statement<[], StaffRow>;
  private readonly activeStmt: Statement<[], StaffRow>;
  private readonly insertStmt: Statement<[string, Role, Buffer, Buffer, string, string], StaffRow>;
  private readonly attemptsStmt: Statement<[string], { failures: number; locked_until: string | null }>;
  private readonly setAttemptsStmt: Statement<[string, number, string | null, string]>;

  constructor(private readonly db: Database) {
    this.byIdStmt = db.prepare('SELECT * FROM staff WHERE id = ?');
    this.ownerStmt = db.prepare("SELECT * FROM staff WHERE role = 'owner'");
    this.allStmt = db.prepare("SELECT * FROM staff ORDER BY role = 'cashier', active DESC, name, id");
    this.activeStmt = db.prepare('SELECT * FROM staff WHERE active = 1 ORDER BY id');
    this.insertStmt = db.prepare(
      'INSERT INTO staff (name, role, pin_hash, pin_salt, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING *',
    );
    this.attemptsStmt = db.prepare('SELECT failures, locked_until FROM pin_attempts WHERE key = ?');
    this.setAttemptsStmt = db.prepare(
      'INSERT INTO pin_attempts (key, failures, locked_until, updated_at) VALUES (?, ?, ?, ?)' +
        ' ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until,' +
        ' updated_at = excluded.updated_at',
    );
  }

  byId(id: number): StaffRow | undefined {
    return this.byIdStmt.get(id);
  }

  owner(): StaffRow | undefined {
    return this.ownerStmt.get();
  }

  all(): StaffRow[] {
    return this.allStmt.all();
  }

  active(): StaffRow[] {
    return this.activeStmt.all();
  }

  insert(name: string, role: Role, hash: Buffer, salt: Buffer, at: string): StaffRow {
    return this.insertStmt.get(name, role, hash, salt, at, at)!;
  }

  update(
    id: number,
    at: string,
    fields: { name?: string; active?: boolean; pin?: { hash: Buffer; salt: Buffer } },
  ): StaffRow {
    const sets: string[] = ['updated_at = @at'];
    const params: Record<string, unknown> = { id, at };
    if (fields.name !== undefined) {
      sets.push('name = @name');
      params.name = fields.name;
    }
    if (fields.active !== undefined) {
      sets.push('active = @active');
      params.active = fields.active ? 1 : 0;
    }
    if (fields.pin) {
      sets.push('pin_hash = @hash', 'pin_salt = @salt');
      params.hash = fields.pin.hash;
      params.salt = fields.pin.salt;
    }
    return this.db
      .prepare<[Record<string, unknown>], StaffRow>(`UPDATE staff SET ${sets.join(', ')} WHERE id = @id RETURNING *`)
      .get(params)!;
  }

  setRecovery(id: number, hash: Buffer, salt: Buffer, at: string): void {
    this.db
      .prepare('UPDATE staff SET recovery_hash = ?, recovery_salt = ?, updated_at = ? WHERE id = ?')
      .run(hash, salt, at, id);
  }

  attempts(key: string): PinAttempts {
    const r = this.attemptsStmt.get(key);
    return { failures: r?.failures ?? 0, lockedUntil: r?.locked_until ?? null };
  }

  setAttempts(key: string, a: PinAttempts, at: string): void {
    this.setAttemptsStmt.run(key, a.failures, a.lockedUntil, at);
  }
}
