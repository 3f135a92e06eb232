// The page's client: calls go over the open /events socket and are matched to their answers by id; without
// a socket they are left to HTTP; a socket that drops before the answer gives the "offline" error, once.
import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../../shared/api';
import { EventSocket, isUnsure, OFFLINE_REASON } from './http';

/** Just what EventSocket uses of a browser WebSocket; the test plays the host. */
class FakeSocket {
  readyState = 0;
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((msg: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  send(text: string) {
    this.sent.push(text);
  }
  openNow() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(frame: unknown) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  drop() {
    this.readyState = 3;
    this.onclose?.();
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const events = new EventSocket('ws://till/events', () => {
    const s = new FakeSocket();
    sockets.push(s);
    return s as unknown as WebSocket;
  });
  events.start();
  return { events, socket: sockets[0], sockets };
}

describe('EventSocket calls', () => {
  it('leaves a call to HTTP while the socket is not open', () => {
    const { events } = setup();
    expect(events.call('cart.get', {})).toBeUndefined();
  });

  it('sends {id, method, input} and resolves each call with the answer carrying its id', async () => {
    const { events, socket } = setup();
    socket.openNow();
    const a = events.call('cart.scan', { barcode: '111', quantity: 1 })!;
    const b = events.call('cart.get', {})!;
    const [fa, fb] = socket.sent.map((t) => JSON.parse(t));
    expect(fa).toMatchObject({ method: 'cart.scan', input: { barcode: '111', quantity: 1 } });
    expect(fb).toMatchObject({ method: 'cart.get', input: {} });
    expect(fa.id).not.toBe(fb.id);
    // Answered in the other order, with a push in between.
    socket.receive({ id: fb.id, result: { ok: true, value: 'b' } });
    socket.receive({ event: 'cart.changed', payload: {} });
    socket.receive({ id: fa.id, result: { ok: false, error: { code: 'UNKNOWN_BARCODE', message: 'x' } } });
    expect(await b).toEqual({ ok: true, value: 'b' });
    expect(await a).toEqual({ ok: false, error: { code: 'UNKNOWN_BARCODE', message: 'x' } });
  });

  it('still delivers pushes to listeners', () => {
    const { events, socket } = setup();
    const got: unknown[] = [];
    events.on('catalog.changed', (p) => got.push(p));
    socket.openNow();
    socket.receive({ event: 'catalog.changed', payload: { reason: 'saved' } });
    expect(got).toEqual([{ reason: 'saved' }]);
  });

  it('resolves a call whose socket drops before the answer as offline, and never sends it again', async () => {
    const { events, socket, sockets } = setup();
    socket.openNow();
    const call = events.call('cart.scan', { barcode: '111', quantity: 1 })!;
    socket.drop();
    const r = await call;
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatchObject({ code: 'INTERNAL', params: { reason: OFFLINE_REASON } });
      // It went out and no answer came: the cashier is told the till may have done it, not to simply retry.
      expect(isUnsure(r.error)).toBe(true);
    }
    // A late answer on a new socket changes nothing; the new socket never carries the old call.
    expect(events.call('cart.get', {})).toBeUndefined();
    expect(sockets.flatMap((s) => s.sent).filter((t) => t.includes('cart.scan'))).toHaveLength(1);
  });

  it('leaves an input larger than a call frame takes to HTTP', () => {
    const { events, socket } = setup();
    socket.openNow();
    expect(events.call('products.importPreview', { csv: '汉'.repeat(MAX_BODY_BYTES / 3 + 1) })).toBeUndefined();
    expect(socket.sent).toHaveLength(0);
  });
});
