// Key/value settings, values stored as JSON.
import type { Database, Statement } from 'better-sqlite3';

export class SettingsRepo {
  private readonly getStmt: Statement<[string], string>;
  private readonly allStmt: Statement<[], { key: string; value: string }>;
  private readonly setStmt: Statement<[string, string]>;

  constructor(db: Database) {
    this.getStmt = db.prepare<[string], string>('SELECT value FROM settings WHERE key = ?').pluck();
    this.allStmt = db.prepare('SELECT key, value FROM settings');
    this.setStmt = db.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
  }

  get<T>(key: string): T | undefined {
    const v = this.getStmt.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }

  all(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const row of this.allStmt.all()) out[row.key] = JSON.parse(row.value);
    return out;
  }

  set(key: string, value: unknown): void {
    this.setStmt.run(key, JSON.stringify(value));
  }
}
