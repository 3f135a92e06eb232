// What every part of the till shares: the database, its repositories, the transaction runner, the event bus
// and the clock.
import type { Database } from 'better-sqlite3';
import type { EventBus } from '../core/bus';
import type { Repos } from '../db/index';
import type { Transaction } from '../db/transaction';
import type { ShopSettings } from './settings';
import type { StaffGate } from './staff';

export interface TillContext {
  db: Database;
  repos: Repos;
  /** The shop's settings, kept in memory. */
  settings: ShopSettings;
  /** Runs a function in one transaction (a savepoint inside another). */
  tx: Transaction;
  bus: EventBus;
  clock: () => Date;
  tillId: string;
  /** Who is signed in, and whether they may do an action (with an owner's approval). */
  staff: StaffGate;
}

/** Timestamps are stored as UTC ISO strings, which sort as text in time order. */
export function isoNow(ctx: TillContext): string {
  return ctx.clock().toISOString();
}

/** The local calendar day of a moment: "2026-11-25". Order numbers restart and "today" is this day. */
export function localDay(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** [start, end) of the local day containing `d`, as UTC ISO strings comparable with stored timestamps. */
export function localDayRange(d: Date): { from: string; to: string } {
  const start = new Date(d.getFullYear(), d.getMonth(), d.getDate());
  const end = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1);
  return { from: start.toISOString(), to: end.toISOString() };
}
