// Calls over the page's /events socket: {id, method, input} in, {id, result} out, through the same router
// as POST /api/<method>, so validation, errors and size limits cannot differ between the two.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { MAX_BODY_BYTES, TillError } from '../../shared/api';
import { EventBus } from '../core/bus';
import { request } from '../core/testing';
import type { Handlers } from '../core/types';
import { FRAME_ENVELOPE_BYTES, type Host, startHost } from './server';

const bus = new EventBus();
let releaseSlow: (() => void) | undefined;
const handlers = {
  'app.info': () => ({
    name: 'Tillpoint',
    version: '0.1.0',
    mode: 'host',
    isDemoData: false,
    dataDir: '/x',
    tillId: 't1',
    utcOffsetMinutes: 480,
  }),
  'cart.scan': ({ barcode }: { barcode: string }) => {
    throw new TillError('UNKNOWN_BARCODE', `No product has barcode ${barcode}`, { barcode });
  },
  // Answers only when the test lets it: a later call must not wait for it, nor take its answer.
  'orders.held': () =>
    new Promise((resolve) => {
      releaseSlow = () => resolve([]);
    }),
} as unknown as Handlers;
let host: Host;

beforeAll(async () => {
  host = await startHost({ till: { handlers, bus }, port: 0, rendererDir: '/nonexistent' });
});
afterAll(() => host.close());

/** A client that collects every frame it gets; `next(pred)` waits for one that matches. */
async function connect() {
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}/events`, { origin: `http://127.0.0.1:${host.port}` });
  const frames: Record<string, unknown>[] = [];
  const waiters: { pred: (f: Record<string, unknown>) => boolean; resolve: (f: Record<string, unknown>) => void }[] =
    [];
  ws.on('message', (d) => {
    const f = JSON.parse(String(d)) as Record<string, unknown>;
    frames.push(f);
    for (const w of waiters.filter((w) => w.pred(f))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(f);
    }
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return {
    ws,
    frames,
    next(pred: (f: Record<string, unknown>) => boolean) {
      const seen = frames.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise<Record<string, unknown>>((resolve) => waiters.push({ pred, resolve }));
    },
    answer(id: unknown) {
      return this.next((f) => f.id === id && 'result' in f);
    },
  };
}

describe('host: calls over the WebSocket', () => {
  it('answers a call by its id with the same envelope as HTTP', async () => {
    const c = await connect();
    c.ws.send(JSON.stringify({ id: 1, method: 'app.info', input: {} }));
    const a = await c.answer(1);
    const http = await request(host.port, {
      method: 'POST',
      path: '/api/app.info',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(a.result).toEqual(JSON.parse(http.body));
    expect(a.result).toMatchObject({ ok: true, value: { name: 'Tillpoint' } });
    c.ws.close();
  });

  it('gives business refusals, bad input and unknown methods their error envelopes', async () => {
    const c = await connect();
    c.ws.send(JSON.stringify({ id: 'a', method: 'cart.scan', input: { barcode: '123' } }));
    c.ws.send(JSON.stringify({ id: 'b', method: 'cart.scan', input: { barcode: '', extra: 1 } }));
    c.ws.send(JSON.stringify({ id: 'c', method: 'no.such', input: {} }));
    expect((await c.answer('a')).result).toEqual({
      ok: false,
      error: { code: 'UNKNOWN_BARCODE', message: 'No product has barcode 123', params: { barcode: '123' } },
    });
    const bad = (await c.answer('b')).result as { ok: false; error: { code: string; issues: { path: string }[] } };
    expect(bad.error.code).toBe('INVALID_INPUT');
    expect(new Set(bad.error.issues.map((i) => i.path))).toEqual(new Set(['barcode', 'extra']));
    expect((await c.answer('c')).result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    c.ws.close();
  });

  it('answers each call by id, a quick one before a slow one sent earlier', async () => {
    const c = await connect();
    c.ws.send(JSON.stringify({ id: 10, method: 'orders.held', input: {} }));
    c.ws.send(JSON.stringify({ id: 11, method: 'app.info', input: {} }));
    await c.answer(11);
    expect(c.frames.some((f) => f.id === 10)).toBe(false);
    releaseSlow?.();
    expect((await c.answer(10)).result).toEqual({ ok: true, value: [] });
    c.ws.close();
  });

  it('answers malformed frames with a clear error frame and keeps the socket open', async () => {
    const c = await connect();
    const cases: [string | Buffer, string][] = [
      ['not json', 'not valid JSON'],
      ['[1,2]', 'is an object'],
      ['{"method":"app.info"}', 'needs an id'],
      ['{"id":{"x":1},"method":"app.info"}', 'needs an id'],
      [Buffer.from([1, 2, 3]), 'JSON text'],
    ];
    for (const [data, says] of cases) {
      c.ws.send(data, { binary: Buffer.isBuffer(data) });
      const f = await c.next((f) => f.id === null && !c.frames.slice(0, c.frames.indexOf(f)).includes(f));
      c.frames.splice(c.frames.indexOf(f), 1);
      expect(f.result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      expect((f.result as { error: { message: string } }).error.message).toContain(says);
    }
    c.ws.send('{"id":7}');
    expect((await c.answer(7)).result).toMatchObject({
      ok: false,
      error: { message: 'A call frame needs a method name' },
    });
    // Still answering.
    c.ws.send(JSON.stringify({ id: 8, method: 'app.info' }));
    expect((await c.answer(8)).result).toMatchObject({ ok: true });
    c.ws.close();
  });

  it("refuses an input over the method's limit as TOO_LARGE, like HTTP's 413", async () => {
    const c = await connect();
    const justOver = JSON.stringify({ id: 4, method: 'cart.scan', input: { barcode: '' } });
    const pad = MAX_BODY_BYTES + FRAME_ENVELOPE_BYTES + 1 - justOver.length;
    const frame = `${justOver.slice(0, -1)}${' '.repeat(pad)}}`;
    c.ws.send(frame);
    expect((await c.answer(4)).result).toMatchObject({
      ok: false,
      error: { code: 'TOO_LARGE', params: { limitKb: 64 } },
    });
    c.ws.close();
  });

  it('still pushes events on a socket that also carries calls', async () => {
    const c = await connect();
    c.ws.send(JSON.stringify({ id: 1, method: 'app.info', input: {} }));
    await c.answer(1);
    bus.emit('catalog.changed', { reason: 'saved' });
    expect(await c.next((f) => f.event === 'catalog.changed')).toEqual({
      event: 'catalog.changed',
      payload: { reason: 'saved' },
    });
    c.ws.close();
  });
});
