// What the preload exposes as window.tillpoint: the typed API and nothing else. Kept apart from
// preload.ts (which only wires it to the real ipcRenderer) so it runs under plain Node in tests.
import type { IpcRenderer, IpcRendererEvent } from 'electron';
import {
  type ApiError,
  EVENT_CHANNEL,
  type EventName,
  isMethodName,
  type Result,
  type TillpointBridge,
} from '../../shared/api';

/** The message the main process sends on EVENT_CHANNEL. */
export interface EventMessage {
  event: EventName;
  payload: unknown;
}

export type BridgeIpc = Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>;

export function createBridge(ipc: BridgeIpc): TillpointBridge {
  const call = (method: unknown, input: unknown): Promise<Result<unknown>> => {
    // Only the contract's methods: the page cannot reach any other IPC channel through the bridge.
    if (!isMethodName(method)) {
      const error: ApiError = {
        code: 'UNKNOWN_METHOD',
        message: `Unknown method "${String(method)}"`,
        params: { method: String(method) },
      };
      return Promise.resolve({ ok: false, error });
    }
    return ipc.invoke(method, input) as Promise<Result<unknown>>;
  };

  const on = (event: EventName, listener: (payload: never) => void): (() => void) => {
    const relay = (_e: IpcRendererEvent, message: EventMessage) => {
      if (message?.event === event) listener(message.payload as never);
    };
    ipc.on(EVENT_CHANNEL, relay);
    return () => {
      ipc.removeListener(EVENT_CHANNEL, relay);
    };
  };

  return { call, on } as TillpointBridge;
}
