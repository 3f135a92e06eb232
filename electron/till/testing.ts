// Helpers for tests that drive a real till on a real SQLite file in a temp folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  api,
  type EventName,
  type EventPayload,
  type MethodInput,
  type MethodName,
  type MethodOutput,
} from '../../shared/api';
import type { Product, ProductInput } from '../../shared/domain';
import { createTill, type Till, type TillOptions } from './index';

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

export function openTestTill(opts: Partial<TillOptions> = {}): TestTill {
  const dataDir = opts.dataDir ?? tempDataDir();
  const till = createTill({ mode: 'host', version: 'test', ...opts, dataDir });
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

/** A product as products.save takes it (the API refuses the read-only isDemo). */
export function asInput(p: Product): ProductInput {
  const { isDemo: _, ...input } = p;
  return input;
}
