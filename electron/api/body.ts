// Request bodies, before the router sees them: how large a method's input may be, and JSON parsing that
// never holds the till. A body of up to MAX_BODY_BYTES parses in well under a millisecond; a larger one
// (only the CSV methods take one, up to 5 MB) is parsed on a worker thread, so payment queries,
// notifications and the cashier's scans keep being answered meanwhile.
import { Worker } from 'node:worker_threads';
import { MAX_BODY_BYTES } from '../../shared/api';

/**
 * A large body may be large only because of its strings (a CSV file): more JSON structure than this
 * (keys, values, brackets) in it is refused before parsing, which would cost ~0.5 s per 5 MB of keys.
 */
export const MAX_LARGE_BODY_TOKENS = 1000;

export type ParsedBody = { ok: true; value: unknown } | { ok: false; reason: 'json' | 'structure' };

/**
 * Characters of a long string sent back in one message. Turning megabytes of Chinese text into a JS string
 * on the main thread costs ~10 ms a million characters, whether it is decoded or cloned from the worker,
 * so a long string comes back a piece at a time, each piece in its own event-loop turn.
 */
export const PIECE_CHARS = 128 * 1024;

/**
 * The worker: counts JSON's structural characters outside strings (one pass over the bytes, ~5 ms for
 * 5 MB), refuses the body past `maxTokens`, else parses it, and answers with the value whose long strings
 * are left empty and their paths, then each piece when the main thread asks for the next. Plain JS,
 * because it is the worker's source.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const PIECE_CHARS = ${PIECE_CHARS};
function structureOk(bytes, max) {
  let n = 0, inString = false, escaped = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === 0x5c) escaped = true;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if ((c === 0x2c || c === 0x3a || c === 0x7b || c === 0x5b) && ++n > max) return false;
  }
  return true;
}
/** Takes the long strings out of value (at most maxTokens values, so this walk is short). */
function takeLong(value, path, long) {
  if (typeof value === 'string' && value.length > PIECE_CHARS) {
    long.push({ path, text: value });
    return '';
  }
  if (value !== null && typeof value === 'object') {
    // Never through __proto__ (an own key from JSON.parse): assigning it would set the object's prototype.
    for (const key of Object.keys(value)) if (key !== '__proto__') value[key] = takeLong(value[key], path.concat(key), long);
  }
  return value;
}
const sending = new Map();
parentPort.on('message', (m) => {
  if (m.next !== undefined) {
    const job = sending.get(m.next);
    const piece = job.pieces.shift();
    if (job.pieces.length === 0) sending.delete(m.next);
    parentPort.postMessage({ id: m.next, piece });
    return;
  }
  const { id, bytes, maxTokens } = m;
  if (!structureOk(bytes, maxTokens)) return parentPort.postMessage({ id, result: { ok: false, reason: 'structure' } });
  let value;
  try {
    value = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'));
  } catch {
    return parentPort.postMessage({ id, result: { ok: false, reason: 'json' } });
  }
  const long = [];
  value = takeLong(value, [], long);
  const pieces = [];
  long.forEach(({ text }, s) => {
    for (let i = 0; i < text.length; i += PIECE_CHARS) pieces.push({ s, text: text.slice(i, i + PIECE_CHARS) });
  });
  if (pieces.length > 0) sending.set(id, { pieces });
  parentPort.postMessage({ id, result: { ok: true, value }, long: long.map((l) => l.path), pieces: pieces.length });
});
`;

type WorkerAnswer =
  | { id: number; result: ParsedBody; long?: string[][]; pieces?: number }
  | { id: number; piece: { s: number; text: string } };

/** A body on its way back from the worker: its value, and the long strings still arriving. */
interface Job {
  resolve: (r: ParsedBody) => void;
  value?: unknown;
  paths?: string[][];
  strings?: string[];
  left?: number;
}

function parseSmall(body: Buffer): ParsedBody {
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) };
  } catch {
    return { ok: false, reason: 'json' };
  }
}

function setAt(root: unknown, path: string[], text: string): unknown {
  if (path.length === 0) return text;
  let target = root as Record<string, unknown>;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
  target[path[path.length - 1]] = text;
  return root;
}

/** One worker thread for the large bodies, started on first use; it never keeps the process alive. */
export class BodyParser {
  private worker: Worker | undefined;
  private next = 0;
  private readonly jobs = new Map<number, Job>();

  parse(body: Buffer): Promise<ParsedBody> {
    if (body.length <= MAX_BODY_BYTES) return Promise.resolve(parseSmall(body));
    const worker = this.start();
    const id = ++this.next;
    // A copy the worker then owns (the request's buffer may be a slice of a shared pool).
    const bytes = new Uint8Array(body);
    return new Promise((resolve) => {
      this.jobs.set(id, { resolve });
      worker.postMessage({ id, bytes, maxTokens: MAX_LARGE_BODY_TOKENS }, [bytes.buffer]);
      worker.ref();
    });
  }

  private finish(id: number, result: ParsedBody): void {
    this.jobs.get(id)?.resolve(result);
    this.jobs.delete(id);
    if (this.jobs.size === 0) this.worker?.unref();
  }

  private answer(worker: Worker, m: WorkerAnswer): void {
    const job = this.jobs.get(m.id);
    if (!job) return;
    if ('result' in m) {
      if (!m.result.ok || !m.pieces) {
        this.finish(m.id, m.result);
        return;
      }
      Object.assign(job, { value: m.result.value, paths: m.long, strings: m.long!.map(() => ''), left: m.pieces });
    } else {
      // Joined as a rope: no copy now; flattened once when first read.
      job.strings![m.piece.s] += m.piece.text;
      job.left! -= 1;
      if (job.left === 0) {
        let value = job.value;
        job.paths!.forEach((path, s) => {
          value = setAt(value, path, job.strings![s]);
        });
        this.finish(m.id, { ok: true, value });
        return;
      }
    }
    // The next piece only after other work of this thread has had its turn.
    setImmediate(() => worker.postMessage({ next: m.id }));
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.on('message', (m: WorkerAnswer) => this.answer(worker, m));
    // A worker that dies (out of memory on a hostile body) fails what it held; the next body starts a new one.
    const fail = () => {
      for (const job of this.jobs.values()) job.resolve({ ok: false, reason: 'json' });
      this.jobs.clear();
      if (this.worker === worker) this.worker = undefined;
    };
    worker.on('error', fail);
    worker.on('exit', fail);
    worker.unref();
    this.worker = worker;
    return worker;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}

/**
 * Whether `value` (an IPC call's input, already deserialized) would be larger than `limit` bytes as JSON.
 * It stops counting as soon as the limit is passed, so a hostile million-key object costs no more than a
 * legitimate one of the limit's size.
 */
export function exceedsLimit(value: unknown, limit: number): boolean {
  let size = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') size += v.length + 2;
    else if (Array.isArray(v)) {
      size += 2 + v.length;
      if (size > limit) return true;
      for (const item of v) stack.push(item);
    } else if (v !== null && typeof v === 'object') {
      size += 2;
      for (const key in v) {
        if (!Object.hasOwn(v, key)) continue;
        size += key.length + 4;
        stack.push((v as Record<string, unknown>)[key]);
        if (size > limit) return true;
      }
    } else size += 5;
    if (size > limit) return true;
  }
  return false;
}
