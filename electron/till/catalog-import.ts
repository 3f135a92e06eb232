// A product CSV preview or import that never holds the till. The file is read, checked and written in slices
// of a few ms, with a turn of the event loop (setImmediate) between them, so a sale, a payment query or a
// notification waits for one slice at most. Each slice of writes is one short transaction that also logs, per
// product, what to put back (catalog_import_undo). The import stays all or nothing: when a slice fails, the
// slices before it are undone from that log (in slices too), and an import that a killed process left running
// is undone when the till next starts. An undo leaves alone a product changed since the import wrote it (a
// cashier's edit): only rows still exactly as the import left them (every column, updated_at too, compared by
// a fingerprint) are put back or removed. One import at a time; previews only read and may run beside it.
import { createHash } from 'node:crypto';
import { type EventPayload, type MethodOutput, TillError } from '../../shared/api';
import type { ImportPreview } from '../../shared/domain';
import { crashPoint } from '../core/crash';
import type { StoredProduct } from '../db/products';
import { isoNow, type TillContext } from './context';
import { applyRow, type CheckedCsv, CheckedRows, CsvCheck, type RowFields } from './csv';
import { productRecord } from './product-record';
import type { SearchIndex } from './search';

export interface SliceOptions {
  /** Work per slice before the event loop gets a turn, in ms (default 5). */
  sliceMs?: number;
  /** Rows written or undone per slice at most (default 500). */
  sliceRows?: number;
}

type Progress = EventPayload<'catalog.importProgress'>;

const SLICE_MS = 5;
const SLICE_ROWS = 500;
/**
 * WAL pages after which a commit checkpoints, while an import writes. SQLite's 1000 (4 MB) made every ~10th
 * slice's commit copy 4 MB into the database file and sync it (~25 ms measured); 200 pages keep each such
 * commit to a few ms, for ~10% more time in all.
 */
const IMPORT_AUTOCHECKPOINT = 200;
/** Progress is pushed at most this often, besides the start and end of each phase. */
const PROGRESS_MS = 100;
/** Undo entries dropped per transaction once an import is done: a few ms (5000 took ~30 ms, measured). */
const CLEAR_ROWS = 1000;

/** Lets whatever waits (an HTTP request, a payment's answer) run before the next slice. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** For a slice starting now: whether it has had its share. */
function sliceTimer(ms: number): () => boolean {
  const start = performance.now();
  return () => performance.now() - start >= ms;
}

/** A fingerprint of a product row (every column, timestamps too), to tell whether it changed since. */
function fingerprint(p: StoredProduct): string {
  return createHash('sha256').update(JSON.stringify(p)).digest('base64url').slice(0, 22);
}

/** Pushes catalog.importProgress at each phase's start and end, and at most every PROGRESS_MS between. */
class ProgressReporter {
  private phase: Progress['phase'] | undefined;
  private last = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly ctx: TillContext,
    private readonly kind: Progress['kind'],
  ) {}

  report(phase: Progress['phase'], done: number, total: number): void {
    const now = performance.now();
    const edge = phase !== this.phase || done === 0 || done >= total;
    if (!edge && now - this.last < PROGRESS_MS) return;
    this.phase = phase;
    this.last = now;
    this.ctx.bus.emit('catalog.importProgress', { kind: this.kind, phase, done, total });
  }
}

/** The till is closing: the import stops where it is, and the next start undoes it. */
class Stopped extends Error {
  constructor() {
    super('The till closed during the catalog import; it is undone when the till starts again');
    this.name = 'Stopped';
  }
}

/** A slice of writes failed at a row. */
class WriteFailed extends Error {
  constructor(
    readonly line: number,
    cause: unknown,
  ) {
    super(`row ${line}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'WriteFailed';
  }
}

interface Undone {
  restored: number;
  removed: number;
  /** Changed since the import wrote them, or gone: left as they are. */
  kept: number;
}

export class CatalogImports {
  private running = false;
  private closed = false;
  private readonly sliceMs: number;
  private readonly sliceRows: number;

  constructor(
    private readonly ctx: TillContext,
    private readonly index: SearchIndex,
    /** Products were removed (an undo deleted some the import created): carts holding them reload. */
    private readonly onRemoved: () => void,
    opts: SliceOptions = {},
  ) {
    this.sliceMs = opts.sliceMs ?? SLICE_MS;
    this.sliceRows = opts.sliceRows ?? SLICE_ROWS;
  }

  private get repo() {
    return this.ctx.repos.catalogImports;
  }

  /** Refuses `what` while an import runs. */
  refuseWhileRunning(what: string): void {
    if (this.running) {
      throw new TillError('IMPORT_RUNNING', `${what} must wait: a catalog import is under way`);
    }
  }

  /** Checks every row a slice at a time, writing nothing. */
  async preview(csv: string): Promise<ImportPreview> {
    return (await this.check(csv, new ProgressReporter(this.ctx, 'preview'))).preview;
  }

  async import(csv: string): Promise<MethodOutput<'products.import'>> {
    this.refuseWhileRunning('Another import');
    this.running = true;
    try {
      return await this.importNow(csv, new ProgressReporter(this.ctx, 'import'));
    } finally {
      this.running = false;
    }
  }

  private async importNow(csv: string, progress: ProgressReporter): Promise<MethodOutput<'products.import'>> {
    // One whose undo failed earlier (a full disk): undone before another starts.
    const left = this.repo.running();
    if (left.length > 0) {
      const release = this.hold();
      try {
        for (const id of left) await this.undo(id, progress);
      } finally {
        release();
      }
    }
    const checked = await this.check(csv, progress);
    const skipped = checked.preview.errors;
    const id = this.repo.start(isoNow(this.ctx));
    const release = this.hold();
    let counts: { created: number; updated: number };
    try {
      const { creates, updates, unchanged, errors } = checked.preview;
      counts = await this.write(id, csv, creates + updates + unchanged + errors, progress);
      this.ctx.db.transaction(() => {
        const now = isoNow(this.ctx);
        this.repo.finish(id, 'done', now);
        this.ctx.repos.journal.append(now, 'catalog.imported', {}, { ...counts, skipped, importId: id });
      })();
    } catch (err) {
      const refusal = await this.failed(id, err, progress);
      release();
      if (!this.closed) {
        await this.index.warm();
        this.ctx.bus.emit('catalog.changed', { reason: 'importUndone' });
      }
      throw refusal;
    }
    release();
    await this.clear(id);
    if (!this.closed) {
      // The index is current before the answer: a search right after finds every imported product.
      await this.index.warm();
      this.ctx.bus.emit('catalog.changed', { reason: 'imported' });
    }
    return { ...counts, skipped, preview: checked.preview };
  }

  /** Until the release: the search index holds (see SearchIndex.hold), and commits checkpoint in small steps. */
  private hold(): () => void {
    const db = this.ctx.db;
    const autocheckpoint = db.pragma('wal_autocheckpoint', { simple: true }) as number;
    db.pragma(`wal_autocheckpoint = ${IMPORT_AUTOCHECKPOINT}`);
    const release = this.index.hold();
    return () => {
      release();
      if (db.open) db.pragma(`wal_autocheckpoint = ${autocheckpoint}`);
    };
  }

  /** Reads and checks the file a slice at a time. */
  private async check(csv: string, progress: ProgressReporter): Promise<CheckedCsv> {
    const check = new CsvCheck(csv, this.ctx.settings.get().currency, (b) => this.ctx.repos.products.byBarcode(b));
    for (;;) {
      check.run(sliceTimer(this.sliceMs));
      const { done, total } = check.progress();
      if (total !== null) progress.report('checking', done, total);
      if (check.done) return check.result();
      await this.nextSlice();
    }
  }

  /**
   * Reads the file again and writes its rows, each slice in one transaction with its undo entries. Each row is
   * checked again as it is written, against the catalog as it is then (a cashier may have added or changed a
   * product since the check), in the same transaction. Progress counts the file's rows gone through.
   */
  private async write(id: number, csv: string, total: number, progress: ProgressReporter) {
    const products = this.ctx.repos.products;
    const rows = new CheckedRows(csv, this.ctx.settings.get().currency, (b) => products.byBarcode(b));
    const counts = { created: 0, updated: 0 };
    let done = 0;
    let finished = false;
    progress.report('writing', 0, total);
    while (!finished) {
      await this.nextSlice();
      const over = sliceTimer(this.sliceMs);
      const now = isoNow(this.ctx);
      let line = 0;
      let slice: { created: number; updated: number; rows: number; end: boolean };
      try {
        slice = this.ctx.db.transaction(() => {
          const did = { created: 0, updated: 0, rows: 0, end: false };
          for (;;) {
            const row = rows.next();
            if (!row) {
              did.end = true;
              break;
            }
            line = row.preview.line;
            did.rows++;
            if (row.write) did[this.writeRow(id, row.write.productId, row.write.fields, now)]++;
            if (did.created + did.updated >= this.sliceRows || over()) break;
          }
          return did;
        })();
      } catch (err) {
        throw new WriteFailed(line, err);
      }
      const before = done;
      done += slice.rows;
      counts.created += slice.created;
      counts.updated += slice.updated;
      finished = slice.end;
      if (before < total / 2 && done >= total / 2) crashPoint('import.halfWritten');
      progress.report('writing', done, total);
    }
    return counts;
  }

  /** Creates or updates one product (as the row's check found the catalog) and logs how to undo it. */
  private writeRow(id: number, productId: number | null, fields: RowFields, now: string): 'created' | 'updated' {
    const products = this.ctx.repos.products;
    if (productId === null) {
      const created = products.insert(productRecord(applyRow(undefined, fields), false), now);
      this.repo.addUndo(id, created, null, fingerprint(products.stored(created)!));
      return 'created';
    }
    // One read of the row serves both the new values and the undo entry.
    const before = products.stored(productId)!;
    products.update(productId, productRecord(applyRow(before, fields), before.isDemo), now);
    this.repo.addUndo(id, productId, before, fingerprint(products.stored(productId)!));
    return 'updated';
  }

  /** Undoes a failed import; the refusal to answer with. */
  private async failed(id: number, err: unknown, progress: ProgressReporter): Promise<unknown> {
    if (err instanceof Stopped || this.closed) return err;
    console.error('[catalog] the import failed; undoing what it wrote', err);
    try {
      await this.undo(id, progress);
    } catch (undoErr) {
      // Left running: the next import, or the next start, undoes it.
      if (!(undoErr instanceof Stopped)) console.error('[catalog] could not undo the import yet', undoErr);
      return undoErr;
    }
    const line = err instanceof WriteFailed ? err.line : 0;
    const why = err instanceof Error ? err.message : String(err);
    return new TillError('IMPORT_FAILED', `The import failed and was undone, the catalog is as it was: ${why}`, {
      line,
    });
  }

  /** Undoes an import a slice at a time, newest writes first, and marks it rolled back. */
  private async undo(id: number, progress: ProgressReporter): Promise<void> {
    const total = this.repo.undoCount(id);
    const undone: Undone = { restored: 0, removed: 0, kept: 0 };
    let done = 0;
    progress.report('undoing', 0, total);
    for (;;) {
      const n = this.undoSlice(id, sliceTimer(this.sliceMs), this.sliceRows, undone);
      if (n === 0) break;
      done += n;
      progress.report('undoing', done, total);
      await this.nextSlice();
    }
    this.undoEnded(id, undone);
  }

  /** Undoes up to `limit` of an import's newest undo entries in one transaction; how many (0: none left). */
  private undoSlice(id: number, over: () => boolean, limit: number, undone: Undone): number {
    const entries = this.repo.lastUndo(id, limit);
    if (entries.length === 0) return 0;
    const products = this.ctx.repos.products;
    const slice = this.ctx.db.transaction(() => {
      const counts: Undone = { restored: 0, removed: 0, kept: 0 };
      let n = 0;
      for (const e of entries) {
        const now = products.stored(e.productId);
        if (!now || fingerprint(now) !== e.afterKey) counts.kept++;
        else if (e.before === null) {
          products.remove(e.productId);
          counts.removed++;
        } else {
          products.restore(e.before);
          counts.restored++;
        }
        n++;
        if (over()) break;
      }
      this.repo.dropUndo(id, entries[n - 1].id);
      return { n, counts };
    })();
    undone.restored += slice.counts.restored;
    undone.removed += slice.counts.removed;
    undone.kept += slice.counts.kept;
    crashPoint('import.afterUndoSlice');
    return slice.n;
  }

  private undoEnded(id: number, undone: Undone): void {
    this.ctx.db.transaction(() => {
      const now = isoNow(this.ctx);
      this.repo.finish(id, 'rolled_back', now);
      this.ctx.repos.journal.append(now, 'catalog.importRolledBack', {}, { importId: id, ...undone });
    })();
    if (undone.removed > 0) this.onRemoved();
  }

  /** Drops a finished import's undo log, a slice at a time. */
  private async clear(id: number): Promise<void> {
    while (this.repo.clearUndo(id, CLEAR_ROWS) > 0) {
      await nextTurn();
      // What is left is dropped at the next start.
      if (this.closed) return;
    }
  }

  private async nextSlice(): Promise<void> {
    await nextTurn();
    if (this.closed) throw new Stopped();
  }

  /**
   * At start, before anything is served: undoes imports a killed process left running (the same slices, one
   * transaction each, run one after another), and drops the undo log of imports that ended.
   */
  recover(): void {
    for (const id of this.repo.running()) {
      const undone: Undone = { restored: 0, removed: 0, kept: 0 };
      while (this.undoSlice(id, () => false, this.sliceRows, undone) > 0);
      this.undoEnded(id, undone);
      console.warn(
        `[catalog] undid catalog import ${id}, which had not finished: ${undone.removed} new products removed,` +
          ` ${undone.restored} put back as they were, ${undone.kept} changed since and kept`,
      );
    }
    this.repo.clearEnded();
  }

  /** Stops an import under way after its current slice; it stays running and the next start undoes it. */
  close(): void {
    this.closed = true;
  }
}
