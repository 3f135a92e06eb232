// Catalog imports and their undo log (migration 5). An import writes products a slice at a time; each slice's
// transaction also stores, per product written, what to put back: the row as it was (NULL for a product the
// import created) and a fingerprint of the row as the import left it.
import type { Database, Statement } from 'better-sqlite3';
import type { StoredProduct } from './products';

export type ImportStatus = 'running' | 'done' | 'rolled_back';

export interface UndoEntry {
  id: number;
  productId: number;
  /** The product before the import wrote it; null when the import created it. */
  before: StoredProduct | null;
  /** Fingerprint of the product as the import left it. */
  afterKey: string;
}

interface UndoRow {
  id: number;
  product_id: number;
  before_json: string | null;
  after_key: string;
}

export class CatalogImportsRepo {
  private readonly startStmt: Statement<[string]>;
  private readonly finishStmt: Statement<[ImportStatus, string, number]>;
  private readonly runningStmt: Statement<[], number>;
  private readonly addUndoStmt: Statement<[number, number, string | null, string]>;
  private readonly undoCountStmt: Statement<[number], number>;
  private readonly lastUndoStmt: Statement<[number, number], UndoRow>;
  private readonly dropUndoStmt: Statement<[number, number]>;
  private readonly clearUndoStmt: Statement<[number, number]>;
  private readonly clearEndedStmt: Statement<[]>;

  constructor(db: Database) {
    this.startStmt = db.prepare("INSERT INTO catalog_imports (status, started_at) VALUES ('running', ?)");
    this.finishStmt = db.prepare(
      "UPDATE catalog_imports SET status = ?, ended_at = ? WHERE id = ? AND status = 'running'",
    );
    this.runningStmt = db
      .prepare<[], number>("SELECT id FROM catalog_imports WHERE status = 'running' ORDER BY id")
      .pluck();
    this.addUndoStmt = db.prepare(
      'INSERT INTO catalog_import_undo (import_id, product_id, before_json, after_key) VALUES (?, ?, ?, ?)',
    );
    this.undoCountStmt = db
      .prepare<[number], number>('SELECT count(*) FROM catalog_import_undo WHERE import_id = ?')
      .pluck();
    this.lastUndoStmt = db.prepare(
      'SELECT id, product_id, before_json, after_key FROM catalog_import_undo WHERE import_id = ?' +
        ' ORDER BY id DESC LIMIT ?',
    );
    this.dropUndoStmt = db.prepare('DELETE FROM catalog_import_undo WHERE import_id = ? AND id >= ?');
    this.clearUndoStmt = db.prepare(
      'DELETE FROM catalog_import_undo WHERE id IN' +
        ' (SELECT id FROM catalog_import_undo WHERE import_id = ? ORDER BY id LIMIT ?)',
    );
    this.clearEndedStmt = db.prepare(
      'DELETE FROM catalog_import_undo WHERE import_id IN' +
        " (SELECT id FROM catalog_imports WHERE status <> 'running')",
    );
  }

  /** A new running import; the database refuses a second one (catalog_imports_one_running). */
  start(now: string): number {
    return Number(this.startStmt.run(now).lastInsertRowid);
  }

  /** Ends a running import; false if it was not running. */
  finish(id: number, status: Exclude<ImportStatus, 'running'>, now: string): boolean {
    return this.finishStmt.run(status, now, id).changes === 1;
  }

  /** Imports still marked running. */
  running(): number[] {
    return this.runningStmt.all();
  }

  addUndo(importId: number, productId: number, before: StoredProduct | null, afterKey: string): void {
    this.addUndoStmt.run(importId, productId, before && JSON.stringify(before), afterKey);
  }

  undoCount(importId: number): number {
    return this.undoCountStmt.get(importId) ?? 0;
  }

  /** The newest `limit` entries of an import's undo log, newest first. */
  lastUndo(importId: number, limit: number): UndoEntry[] {
    return this.lastUndoStmt.all(importId, limit).map((r) => ({
      id: r.id,
      productId: r.product_id,
      before: r.before_json === null ? null : (JSON.parse(r.before_json) as StoredProduct),
      afterKey: r.after_key,
    }));
  }

  /** Drops an import's undo entries from `fromId` on (the newest ones, once undone). */
  dropUndo(importId: number, fromId: number): void {
    this.dropUndoStmt.run(importId, fromId);
  }

  /** Drops up to `limit` of a finished import's undo entries; how many went. */
  clearUndo(importId: number, limit: number): number {
    return this.clearUndoStmt.run(importId, limit).changes;
  }

  /** Drops what is left of the undo log of imports that ended (a process stopped while clearing it). */
  clearEnded(): number {
    return this.clearEndedStmt.run().changes;
  }
}
