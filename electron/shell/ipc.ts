// The contract over IPC: one ipcMain channel per API method (the channel is the method's name), answered
// by the same router the headless host uses, and every bus event relayed to every open window.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { type ApiError, api, EVENT_CHANNEL, METHOD_NAMES, type Result } from '../../shared/api';
import { exceedsLimit } from '../api/body';
import { tooLarge } from '../api/router';
import type { EventBus } from '../core/bus';
import type { CallContext } from '../core/types';
import type { EventMessage } from './bridge';

/** What createRouter (electron/api/router.ts) returns. */
export interface ShellRouter {
  call(method: string, rawInput: unknown, ctx: CallContext): Promise<Result<unknown>>;
}

const FORBIDDEN: ApiError = { code: 'FORBIDDEN', message: 'Calls are only answered for Tillpoint’s own pages' };

/**
 * Registers a handler per method. A call is answered only when it comes from a frame showing the app's
 * own URL (a frame that navigated elsewhere, or a subframe of another origin, gets FORBIDDEN).
 */
export function bindRouter(
  ipcMain: Pick<IpcMain, 'handle'>,
  router: ShellRouter,
  isAppUrl: (url: string | undefined) => boolean,
): void {
  for (const method of METHOD_NAMES) {
    ipcMain.handle(method, (event: IpcMainInvokeEvent, input: unknown) => {
      if (!isAppUrl(event.senderFrame?.url)) return { ok: false, error: FORBIDDEN } satisfies Result<never>;
      // The same per-method limit as over HTTP, counted without building the JSON.
      const limit = api[method].maxBodyBytes;
      if (exceedsLimit(input, limit)) return { ok: false, error: tooLarge(limit) } satisfies Result<never>;
      return router.call(method, input, { transport: 'ipc' });
    });
  }
}

/** Sends every bus event to every window still open; returns the unsubscribe. */
export function relayEvents(bus: Pick<EventBus, 'subscribe'>, targets: () => Pick<WebContents, 'send'>[]): () => void {
  return bus.subscribe((e) => {
    const message: EventMessage = { event: e.event, payload: e.payload };
    for (const contents of targets()) contents.send(EVENT_CHANNEL, message);
  });
}
