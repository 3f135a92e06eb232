// The loopback listener providers POST their signed notifications to: http://127.0.0.1:<port>/notify/<provider>.
// It serves nothing else. Only the engine decides what a notification is worth (see notifications.ts).
import http from 'node:http';
import { closeServer, listen, readBody } from '../core/http';
import type { IncomingNotification } from './provider';

const MAX_BODY = 64 * 1024;

export interface NotifyListener {
  /** e.g. http://127.0.0.1:5123/notify (the provider id follows). */
  baseUrl: string;
  close(): Promise<void>;
}

export type NotifyHandler = (
  providerId: string,
  n: IncomingNotification,
) => { status: number; body: string; contentType: string };

export async function startNotifyListener(handle: NotifyHandler, port = 0): Promise<NotifyListener> {
  const server = http.createServer((req, res) => {
    const m = /^\/notify\/([A-Za-z0-9_-]{1,32})$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !m) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    void readBody(req, MAX_BODY).then(
      (body) => {
        if (body === undefined) {
          res.writeHead(413, { 'Content-Type': 'text/plain', Connection: 'close' }).end('too large');
          return;
        }
        const headers: Record<string, string | undefined> = {};
        for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
        let answer: ReturnType<NotifyHandler>;
        try {
          answer = handle(m[1], { headers, body: body.toString('utf8') });
        } catch (err) {
          console.error('[pay] notification failed', err);
          answer = { status: 500, body: 'error', contentType: 'text/plain' };
        }
        res.writeHead(answer.status, { 'Content-Type': answer.contentType }).end(answer.body);
      },
      () => res.destroy(), // the sender went away mid-body: nobody to answer
    );
  });
  const bound = await listen(server, port, '127.0.0.1');
  return { baseUrl: `http://127.0.0.1:${bound}/notify`, close: () => closeServer(server) };
}
