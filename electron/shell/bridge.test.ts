import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { EVENT_CHANNEL, type TillpointBridge } from '../../shared/api';
import { type BridgeIpc, createBridge } from './bridge';

function fakeIpcRenderer() {
  const emitter = new EventEmitter();
  const invoke = vi.fn(async (_channel: string, _input: unknown) => ({ ok: true, value: 'from main' }));
  const ipc = {
    invoke,
    on: (channel: string, listener: (...args: unknown[]) => void) => emitter.on(channel, listener),
    removeListener: (channel: string, listener: (...args: unknown[]) => void) =>
      emitter.removeListener(channel, listener),
  };
  const push = (event: string, payload: unknown) => emitter.emit(EVENT_CHANNEL, {}, { event, payload });
  return { ipc: ipc as unknown as BridgeIpc, invoke, push, emitter };
}

describe('window.tillpoint', () => {
  it('exposes only call and on', () => {
    const bridge = createBridge(fakeIpcRenderer().ipc);
    expect(Object.keys(bridge).sort()).toEqual(['call', 'on']);
  });

  it('sends a contract method over its own channel', async () => {
    const { ipc, invoke } = fakeIpcRenderer();
    const bridge = createBridge(ipc);
    await expect(bridge.call('cart.scan', { barcode: '6901234567892' })).resolves.toEqual({
      ok: true,
      value: 'from main',
    });
    expect(invoke).toHaveBeenCalledWith('cart.scan', { barcode: '6901234567892' });
  });

  it('refuses names outside the contract without touching IPC', async () => {
    const { ipc, invoke } = fakeIpcRenderer();
    const bridge = createBridge(ipc) as unknown as { call(method: string, input: unknown): Promise<unknown> };
    for (const name of ['tillpoint:event', 'ELECTRON_BROWSER_WINDOW_CLOSE', 'toString', '__proto__']) {
      await expect(bridge.call(name, {})).resolves.toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    }
    expect(invoke).not.toHaveBeenCalled();
  });

  it('delivers only the subscribed event, until unsubscribed', () => {
    const { ipc, push, emitter } = fakeIpcRenderer();
    const bridge: TillpointBridge = createBridge(ipc);
    const seen: unknown[] = [];
    const off = bridge.on('catalog.changed', (p) => seen.push(p));
    push('catalog.changed', { reason: 'saved' });
    push('settings.changed', { language: 'en' });
    expect(seen).toEqual([{ reason: 'saved' }]);
    off();
    push('catalog.changed', { reason: 'imported' });
    expect(seen).toHaveLength(1);
    expect(emitter.listenerCount(EVENT_CHANNEL)).toBe(0);
  });
});
