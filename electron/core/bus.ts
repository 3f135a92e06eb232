// In-process push events. The Electron shell relays them to windows over IPC; the host relays them
// to browsers over WebSocket. Emitters never know who listens.
import type { EventName, EventPayload } from '../../shared/api';

export type AnyEvent = { [E in EventName]: { event: E; payload: EventPayload<E> } }[EventName];
export type EventListener = (e: AnyEvent) => void;

export class EventBus {
  private listeners = new Set<EventListener>();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const e = { event, payload } as AnyEvent;
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        // One broken listener (a closed socket) must not stop the others.
        console.error('[bus] listener failed', err);
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
