// One way to run a function in a transaction: better-sqlite3 builds four wrappers per db.transaction() call,
// so each user makes its runner once. A runner called inside another transaction becomes a savepoint.
import type { Database } from 'better-sqlite3';

export type Transaction = <T>(fn: () => T) => T;

export function transactionOf(db: Database): Transaction {
  return db.transaction((fn: () => unknown) => fn()) as Transaction;
}
