// Opens the till's SQLite file with the settings every connection needs, then migrates it.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { PRIVATE_DIR_MODE, touchPrivateFile } from '../core/private-dir';
import { migrate } from './migrations';

export const DB_FILENAME = 'tillpoint.db';

export interface OpenOptions {
  /** better-sqlite3's compiled addon for another ABI (Electron's), when the default one is Node's. */
  nativeBinding?: string;
}

export function openDatabase(file: string, opts: OpenOptions = {}): Database.Database {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
  // Created 0600 before SQLite opens it: its -wal and -shm files then take the same mode.
  touchPrivateFile(file);
  const db = new Database(file, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {});
  try {
    // WAL: readers never block the till's writes. synchronous=FULL: every commit is on the disk before it
    // returns, so a power cut cannot undo a trade row stored before the provider was called, a payment moved
    // to paid or refunded, or a completed sale (NORMAL would only survive a killed process). FULL throughout
    // rather than per money move: SQLite refuses to change it inside a transaction, and a till writes little.
    // `npm run bench` (till group) reports what it costs per sale.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // Temp tables (the catalog version counter) and sorts stay in memory: a temp file costs ~6 µs a row.
    db.pragma('temp_store = MEMORY');
    // better-sqlite3 builds SQLite with a 16 MB page cache per connection, which reading the whole catalog
    // (the search index does, at start) fills for good. SQLite's usual 2 MB holds what a till works on (the
    // open cart, today's orders, the indexes' upper levels); the OS page cache keeps the rest of the file.
    db.pragma('cache_size = -2000');
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
