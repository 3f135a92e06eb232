// The one client the renderer uses. Inside Electron the preload's bridge; in a browser the HTTP +
// WebSocket implementation of the same interface. Nothing else in the renderer knows which.
import type {
  ApiError,
  EventName,
  EventPayload,
  MethodInput,
  MethodName,
  MethodOutput,
  Result,
} from '../../../shared/api';
import { createHttpBridge, EventSocket, eventsUrl } from './http';

const socket = window.tillpoint ? null : new EventSocket(eventsUrl(window.location));
const bridge = window.tillpoint ?? createHttpBridge(socket!);

export const client = {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<Result<MethodOutput<M>>> {
    return bridge.call(method, input);
  },
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    return bridge.on(event, listener);
  },
  /** Every (re)connect of the push channel: stores re-fetch what they show. IPC never drops, so never fires. */
  onConnect(listener: () => void): () => void {
    return socket ? socket.onConnect(listener) : () => {};
  },
  /** Push channel up or down (always up over IPC). */
  onStatus(listener: (up: boolean) => void): () => void {
    return socket ? socket.onStatus(listener) : () => {};
  },
  isUp(): boolean {
    return socket ? socket.up !== false : true;
  },
};

export class ApiCallError extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
  }
}

/** The value, or throws ApiCallError: for code that prefers try/catch over the envelope. */
export async function unwrap<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const r = await client.call(method, input);
  if (!r.ok) throw new ApiCallError(r.error);
  return r.value;
}
