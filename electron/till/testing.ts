// Helpers for tests that drive a real till on a real SQLite file in a temp folder.
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { expect } from 'vitest';
import {
  api,
  type EventName,
  type EventPayload,
  type MethodInput,
  type MethodName,
  type MethodOutput,
  TillError,
} from '../../shared/api';
import type { Product, ProductInput } from '../../shared/domain';
import type { CrashPoint } from '../core/crash';
import { createTill, type Till, type TillOptions } from './index';
import { openTestShift, signInTestOwner } from './test-staff';

export { TEST_OWNER_NAME, TEST_OWNER_PIN } from './test-staff';

/** The TillError a call was refused with (the test fails if it was not refused, or refused otherwise). */
export async function refusal(p: Promise<unknown>): Promise<TillError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TillError);
  return err as TillError;
}

export function tempDataDir(prefix = 'tillpoint-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A clock tests can set and move. */
export function testClock(start: string | Date) {
  let now = new Date(start);
  return {
    clock: () => new Date(now),
    set(to: string | Date) {
      now = new Date(to);
    },
    advance(ms: number) {
      now = new Date(now.getTime() + ms);
    },
  };
}

export interface TestTill extends Till {
  dataDir: string;
  /** Calls a method the way the router does: input parsed (defaults applied), output checked against
   * the contract, so a handler returning the wrong shape fails the test. */
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  /** Every event emitted since the till opened, in order. */
  events: { event: EventName; payload: unknown }[];
  /** Resolves with the next event of that name that passes `where`. */
  next<E extends EventName>(event: E, where?: (p: EventPayload<E>) => boolean): Promise<EventPayload<E>>;
}

export interface TestTillOptions extends Partial<TillOptions> {
  /**
   * 'owner' (default): an owner with TEST_OWNER_PIN exists (made here on a new data folder) and is signed in, as
   * after the lock screen; 'none': the till as it starts, nobody set up or signed in (the staff tests).
   */
  staff?: 'owner' | 'none';
  /**
   * true (default with staff 'owner'): a shift with a 0 float is open, as after shift.open, so tests can sell;
   * false: no shift is opened (the shift tests). staff 'none' never opens one.
   */
  shift?: boolean;
}

export function openTestTill(opts: TestTillOptions = {}): TestTill {
  const { staff = 'owner', shift = true, ...tillOpts } = opts;
  const dataDir = opts.dataDir ?? tempDataDir();
  const till = createTill({ mode: 'host', version: 'test', ...tillOpts, dataDir });
  if (staff === 'owner') signInTestOwner(till);
  if (staff === 'owner' && shift) openTestShift(till);
  const events: TestTill['events'] = [];
  till.bus.subscribe((e) => events.push(e));
  return {
    ...till,
    dataDir,
    events,
    async call(method, input) {
      const args = api[method].input.parse(input);
      // biome-ignore lint/suspicious/noExplicitAny: the handler map is indexed by a generic method name
      const out = await (till.handlers[method] as any)(args, { transport: 'http' });
      return api[method].output.parse(out) as never;
    },
    next(event, where) {
      return new Promise((resolve) => {
        const off = till.bus.subscribe((e) => {
          if (e.event !== event) return;
          const payload = e.payload as EventPayload<typeof event>;
          if (where && !where(payload)) return;
          off();
          resolve(payload);
        });
      });
    },
  };
}

/** A count (or any one number) the query reads from the till's database, for checks on what it stored. */
export function sqlCount(till: Pick<Till, 'db'>, sql: string, ...params: unknown[]): number {
  return till.db
    .prepare(sql)
    .pluck()
    .get(...params) as number;
}

/** How many journal entries of that kind the till wrote. */
export function journalCount(till: Pick<Till, 'db'>, kind: string): number {
  return sqlCount(till, 'SELECT count(*) FROM journal WHERE kind = ?', kind);
}

/** A product as products.save takes it (the API refuses the read-only isDemo). */
export function asInput(p: Product): ProductInput {
  const { isDemo: _, ...input } = p;
  return input;
}

/** The package root, for child-process scripts that import the till's sources. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/**
 * Bundles a till entry (TypeScript source; `import … from '@till/…'` names files under electron/) into a
 * script of its own, so a test can run a real till process and kill it at a crash point. `external`: packages
 * the child loads from node_modules instead (ones that do not bundle).
 */
export function buildTillScript(prefix: string, source: string, external: string[] = []): string {
  const dir = tempDataDir(prefix);
  const entry = path.join(dir, 'entry.ts');
  fs.writeFileSync(entry, source.replaceAll("'@till/", `'${path.join(REPO_ROOT, 'electron')}/`));
  const script = path.join(dir, 'till.cjs');
  // CJS so that NODE_PATH finds better-sqlite3 from the temp folder.
  buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: script,
    // Native addons load from node_modules (serialport: the till's serial scanner and printers).
    external: ['better-sqlite3', 'serialport', ...external],
    logLevel: 'silent',
  });
  return script;
}

/** Runs a script from buildTillScript with TILLPOINT_CRASH_AT set; the process dies (SIGKILL) there. */
export function runTillScript(script: string, args: string[], crashAt: CrashPoint): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [script, ...args], {
    env: { ...process.env, TILLPOINT_CRASH_AT: crashAt, NODE_PATH: path.join(REPO_ROOT, 'node_modules') },
    encoding: 'utf8',
    timeout: 20_000,
  });
}
