// The browser side of the bridge when the page is served by the headless host: push events over one
// WebSocket at /events that reconnects with backoff, and methods over that same socket while it is up
// ({id, method, input} -> {id, result}: one frame each way instead of an HTTP request), else over
// POST /api/<method>. Both reach the host's one router, so answers are the same either way.
import {
  type ApiError,
  type EventName,
  type EventPayload,
  MAX_BODY_BYTES,
  type MethodInput,
  type MethodName,
  type MethodOutput,
  type Result,
  type TillpointBridge,
} from '../../../shared/api';

/** WebSocket.OPEN, spelled out so this file also runs where WebSocket is not a global (unit tests). */
const OPEN = 1;

/** Marks an error the client made up itself because the host could not be reached (see errorText). */
export const OFFLINE_REASON = 'offline';

/** `unsure`: the call went out and no answer came back, so the till may have done it. */
export function offline(message: string, unsure = false): { ok: false; error: ApiError } {
  const params: Record<string, string | number> = { reason: OFFLINE_REASON };
  if (unsure) params.unsure = 1;
  return { ok: false, error: { code: 'INTERNAL', message, params } };
}

export function isUnsure(error: ApiError): boolean {
  return error.params?.reason === OFFLINE_REASON && error.params.unsure === 1;
}

export async function httpCall<M extends MethodName>(
  method: M,
  input: MethodInput<M>,
): Promise<Result<MethodOutput<M>>> {
  let res: Response;
  try {
    res = await fetch(`/api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input ?? {}),
    });
  } catch (err) {
    return offline(String(err));
  }
  try {
    const body = (await res.json()) as Result<MethodOutput<M>>;
    if (body && typeof body.ok === 'boolean') return body;
  } catch {
    // Not JSON: fall through to a generic error below.
  }
  return { ok: false, error: { code: 'INTERNAL', message: `HTTP ${res.status}` } };
}

type Listener = (payload: never) => void;

/** One socket per page; listeners stay registered across reconnects. */
export class EventSocket {
  private readonly listeners = new Map<EventName, Set<Listener>>();
  private readonly connectListeners = new Set<() => void>();
  private readonly statusListeners = new Set<(up: boolean) => void>();
  private socket: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private nextId = 1;
  /** Calls sent on the current socket, waiting for their answers. */
  private readonly calls = new Map<number, (result: Result<unknown>) => void>();
  /** null until the first connect succeeds or fails. */
  up: boolean | null = null;

  constructor(
    private readonly url: string,
    private readonly open: (url: string) => WebSocket = (u) => new WebSocket(u),
  ) {}

  /**
   * The call over the socket, or undefined when it is not up (or the input is larger than a call frame
   * takes): the caller then uses HTTP. A socket that drops before the answer resolves the call as
   * "offline", like a failed fetch; it is never sent again by itself (a scan must not be doubled).
   */
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<Result<MethodOutput<M>>> | undefined {
    const ws = this.socket;
    if (!ws || ws.readyState !== OPEN) return undefined;
    const id = this.nextId++;
    const text = JSON.stringify({ id, method, input: input ?? {} });
    // A UTF-8 byte is at most 3 per UTF-16 unit: only a long frame needs counting.
    if (text.length * 3 > MAX_BODY_BYTES && new TextEncoder().encode(text).length > MAX_BODY_BYTES) return undefined;
    return new Promise((resolve) => {
      this.calls.set(id, resolve as (result: Result<unknown>) => void);
      ws.send(text);
    });
  }

  private answer(text: string): void {
    let data: { id?: unknown; result?: Result<unknown> };
    try {
      data = JSON.parse(text);
    } catch {
      return;
    }
    const resolve = typeof data.id === 'number' ? this.calls.get(data.id) : undefined;
    if (!resolve) return;
    this.calls.delete(data.id as number);
    const r = data.result;
    resolve(r && typeof r.ok === 'boolean' ? r : { ok: false, error: { code: 'INTERNAL', message: 'Bad answer' } });
  }

  private dropCalls(): void {
    const waiting = [...this.calls.values()];
    this.calls.clear();
    for (const resolve of waiting) resolve(offline('The connection to the till closed before its answer', true));
  }

  start(): void {
    if (this.socket || this.timer) return;
    this.connect();
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    this.start();
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  }

  /** Called on every open, the first included: whoever missed pushes meanwhile re-fetches. */
  onConnect(listener: () => void): () => void {
    this.start();
    this.connectListeners.add(listener);
    return () => this.connectListeners.delete(listener);
  }

  onStatus(listener: (up: boolean) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  private setUp(up: boolean): void {
    if (this.up === up) return;
    this.up = up;
    for (const l of this.statusListeners) l(up);
  }

  private connect(): void {
    this.timer = null;
    const ws = this.open(this.url);
    this.socket = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.setUp(true);
      for (const l of this.connectListeners) l();
    };
    ws.onmessage = (msg) => {
      const text = String(msg.data);
      if (text.startsWith('{"id":')) {
        this.answer(text);
        return;
      }
      // Every page gets every event; a cart of 200 lines is ~100 KB of JSON. Parse only what someone
      // here listens to (the host writes the event name first).
      const name = /^\{"event":"([\w.]+)"/.exec(text)?.[1] as EventName | undefined;
      if (name && !this.listeners.get(name)?.size) return;
      let data: { event?: EventName; payload?: unknown };
      try {
        data = JSON.parse(text);
      } catch {
        return;
      }
      const set = data.event && this.listeners.get(data.event);
      if (!set) return;
      for (const l of set) {
        try {
          (l as (p: unknown) => void)(data.payload);
        } catch (err) {
          console.error('[events] listener failed', err);
        }
      }
    };
    ws.onclose = () => {
      this.socket = null;
      this.dropCalls();
      this.setUp(false);
      // 250 ms, 500 ms, 1 s ... capped at 5 s, with jitter so many displays don't reconnect in lockstep.
      const delay = Math.min(5000, 250 * 2 ** this.attempt++) * (0.75 + Math.random() * 0.5);
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }
}

export function eventsUrl(loc: Location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/events`;
}

export function createHttpBridge(socket: EventSocket): TillpointBridge {
  return {
    call: (method, input) => socket.call(method, input) ?? httpCall(method, input),
    on: (event, listener) => socket.on(event, listener),
  };
}
