// The headless host: the built renderer and the same API as the desktop app, over HTTP and a WebSocket,
// so a browser (Playwright today, a tablet on the shop's LAN later) can be the cashier or the customer display.
// It listens on loopback only; LAN access waits for device pairing, which will plug into `authorize`.
import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { type ApiError, api, isMethodName, MAX_BODY_BYTES, type Result } from '../../shared/api';
import { BodyParser } from '../api/body';
import { createRouter, httpStatus, tooLarge } from '../api/router';
import { isLoopback } from '../core/args';
import type { EventBus } from '../core/bus';
import {
  closeServer,
  isJsonContentType,
  listen,
  readBody,
  type SameMachineGuard,
  sameMachineGuard,
  urlHost,
} from '../core/http';
import { defaultRendererDir } from '../core/paths';
import type { Handlers } from '../core/types';

/** What the host needs of a till (createTill's Till fits). */
export interface HostTill {
  handlers: Handlers;
  bus: EventBus;
}

export interface HostOptions {
  till: HostTill;
  /** 0: any free port (tests). */
  port: number;
  /** Loopback only for now (127.x.x.x, ::1, localhost). */
  bind?: string;
  /** The built renderer; default out/renderer in the package. */
  rendererDir?: string;
  /** Extra Host header names accepted besides 127.0.0.1, localhost and [::1] (`name` or `name:port`). */
  allowedHosts?: string[];
  /** Seam for LAN pairing: may this request use the API and events? Runs after the Host/Origin checks. */
  authorize?: (req: IncomingMessage) => boolean;
  /** How often dead WebSocket clients are looked for. */
  heartbeatMs?: number;
}

export interface Host {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** A client that stops reading is dropped before its backlog eats memory. */
const MAX_WS_BACKLOG_BYTES = 8 * 1024 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
};

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tillpoint</title></head>
<body><h1>Renderer not built: run npm run build</h1>
<p>The Tillpoint host is running, but it has no cashier screens to serve yet.</p></body></html>
`;

function securityHeaders(res: ServerResponse, host: string): void {
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
      `connect-src 'self' ws://${host}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'`,
  );
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
}

function sendJson(res: ServerResponse, status: number, body: Result<unknown>): void {
  const data = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(data),
  });
  res.end(data);
}

function sendError(res: ServerResponse, status: number, error: ApiError): void {
  sendJson(res, status, { ok: false, error });
}

function sendText(res: ServerResponse, status: number, text: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Room in a call frame for `{"id":…,"method":"…","input":}` around the input, which has the method's limit. */
export const FRAME_ENVELOPE_BYTES = 256;

/** A call's id: the client's own counter (or any short string), echoed in the answer. */
function isCallId(id: unknown): id is number | string {
  return (typeof id === 'number' && Number.isSafeInteger(id)) || (typeof id === 'string' && id.length <= 64);
}

function frame(id: number | string | null, result: Result<unknown>): string {
  return JSON.stringify({ id, result });
}

/**
 * One call frame from a page's socket, through the same router as POST /api/<method>: the method's size
 * limit, the same validation and the same {ok, error} envelope; the answer frame as text. A frame that is
 * not a call at all answers with id null and says what is wrong with it.
 */
export async function socketCall(
  router: ReturnType<typeof createRouter>,
  data: Buffer | ArrayBuffer | Buffer[],
  isBinary: boolean,
): Promise<string> {
  const malformed = (message: string, id: number | string | null = null) =>
    frame(id, { ok: false, error: { code: 'INVALID_INPUT', message } });
  if (isBinary) return malformed('Call frames are JSON text: {"id", "method", "input"}');
  const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
  // No method takes more than MAX_BODY_BYTES: a bigger frame is refused before any of it is parsed, answered
  // under the id the page writes first.
  if (bytes.length > MAX_BODY_BYTES + FRAME_ENVELOPE_BYTES) {
    const head = /^\s*\{\s*"id"\s*:\s*(\d{1,15}|"[^"\\]{1,64}")/.exec(bytes.subarray(0, 100).toString('utf8'))?.[1];
    const id = head === undefined ? null : head.startsWith('"') ? head.slice(1, -1) : Number(head);
    return frame(id, { ok: false, error: tooLarge(MAX_BODY_BYTES) });
  }
  let msg: unknown;
  try {
    msg = JSON.parse(bytes.toString('utf8'));
  } catch {
    return malformed('Call frame is not valid JSON');
  }
  if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) {
    return malformed('A call frame is an object: {"id", "method", "input"}');
  }
  const { id, method, input } = msg as { id?: unknown; method?: unknown; input?: unknown };
  if (!isCallId(id)) return malformed('A call frame needs an id: an integer or a string of up to 64 characters');
  if (typeof method !== 'string') return malformed('A call frame needs a method name', id);
  if (isMethodName(method) && bytes.length > api[method].maxBodyBytes + FRAME_ENVELOPE_BYTES) {
    return frame(id, { ok: false, error: tooLarge(api[method].maxBodyBytes) });
  }
  return frame(id, await router.call(method, input, { transport: 'http' }));
}

export async function startHost(opts: HostOptions): Promise<Host> {
  const bind = opts.bind ?? '127.0.0.1';
  if (!isLoopback(bind)) {
    throw new Error(`Refusing to listen on ${bind}: LAN access needs device pairing, which does not exist yet`);
  }
  const rendererDir = path.resolve(opts.rendererDir ?? defaultRendererDir());
  const authorize = opts.authorize ?? (() => true);
  const router = createRouter(opts.till.handlers);
  const bodies = new BodyParser();

  // Set once the port is known (right after listen resolves, before any request is read).
  let canonicalHost = '';
  // Host (DNS rebinding), Origin (cross-site pages) and two Host headers: see core/http.ts.
  let guard: SameMachineGuard;

  async function handleApi(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      sendError(res, 405, { code: 'INVALID_INPUT', message: 'API methods are called with POST' });
      return;
    }
    if (!authorize(req)) {
      sendError(res, 403, { code: 'FORBIDDEN', message: 'This device may not use the till' });
      return;
    }
    // A plain HTML form can POST text/plain cross-site without asking; it cannot send application/json.
    if (!isJsonContentType(req.headers['content-type'])) {
      sendError(res, 415, { code: 'INVALID_INPUT', message: 'Content-Type must be application/json' });
      return;
    }
    let method: string;
    try {
      method = decodeURIComponent(pathname.slice('/api/'.length));
    } catch {
      method = pathname.slice('/api/'.length);
    }
    // The method's own limit, checked before a byte is parsed (an unknown method reads no body at all).
    if (!isMethodName(method)) {
      const unknown = await router.call(method, undefined, { transport: 'http' });
      sendJson(res, httpStatus(unknown), unknown);
      return;
    }
    const limit = api[method].maxBodyBytes;
    const body = await readBody(req, limit);
    if (body === undefined) {
      res.setHeader('Connection', 'close');
      sendError(res, 413, tooLarge(limit));
      return;
    }
    let input: unknown;
    if (body.length > 0) {
      const parsed = await bodies.parse(body);
      if (!parsed.ok) {
        const message =
          parsed.reason === 'structure'
            ? 'Request body has more fields than this method takes'
            : 'Request body is not valid JSON';
        sendError(res, 400, { code: 'INVALID_INPUT', message });
        return;
      }
      input = parsed.value;
    }
    const result = await router.call(method, input, { transport: 'http' });
    sendJson(res, httpStatus(result), result);
  }

  function serveFile(req: IncomingMessage, res: ServerResponse, file: string, size: number, cache: string): void {
    res.writeHead(200, {
      'Content-Type': CONTENT_TYPES[path.extname(file).toLowerCase()],
      'Content-Length': size,
      'Cache-Control': cache,
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    fs.createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  }

  async function handleStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      sendText(res, 405, 'Method not allowed');
      return;
    }
    let rel: string;
    try {
      rel = decodeURIComponent(pathname);
    } catch {
      sendText(res, 400, 'Bad request path');
      return;
    }
    const file = path.resolve(rendererDir, `.${rel}`);
    // The URL parser already folds /../; an encoded slash (..%2f) is decoded only here, so check again.
    if (rel.includes('\0') || (file !== rendererDir && !file.startsWith(rendererDir + path.sep))) {
      sendText(res, 403, 'Forbidden');
      return;
    }
    const stat = await fs.promises.stat(file).catch(() => undefined);
    // Only the web's own file types: a source map or anything else left in the folder is not served.
    if (stat?.isFile() && CONTENT_TYPES[path.extname(file).toLowerCase()]) {
      // Vite puts content-hashed names under assets/: they never change.
      const cache = rel.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
      serveFile(req, res, file, stat.size, cache);
      return;
    }
    // The renderer routes (/, /customer, /reports, ...) are client-side: any path without an extension.
    if (path.extname(rel) !== '') {
      sendText(res, 404, 'Not found');
      return;
    }
    const index = path.join(rendererDir, 'index.html');
    const indexStat = await fs.promises.stat(index).catch(() => undefined);
    if (!indexStat?.isFile()) {
      sendText(res, 503, NOT_BUILT_PAGE, 'text/html; charset=utf-8');
      return;
    }
    serveFile(req, res, index, indexStat.size, 'no-cache');
  }

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refusal = guard.check(req);
    securityHeaders(res, guard.host(req) ?? canonicalHost);
    const pathname = new URL(req.url ?? '/', 'http://host').pathname;
    const isApi = pathname.startsWith('/api/');
    if (refusal) {
      const { status, message } = refusal;
      if (isApi) sendError(res, status, { code: status === 400 ? 'INVALID_INPUT' : 'FORBIDDEN', message });
      else sendText(res, status, message);
      return;
    }
    if (isApi) return handleApi(req, res, pathname);
    if (pathname === '/events') {
      sendText(res, 426, 'Connect to /events with a WebSocket');
      return;
    }
    return handleStatic(req, res, pathname);
  }

  const server = http.createServer((req, res) => {
    handleRequest(req, res).catch((err) => {
      console.error('[host] request failed', err);
      if (!res.headersSent) sendError(res, 500, { code: 'INTERNAL', message: 'Something went wrong inside Tillpoint' });
      else res.destroy();
    });
  });

  // Push events: every bus event goes to every connected browser as {event, payload}. Calls carry inputs
  // of up to 64 kB (larger ones, the CSV methods', go over HTTP): a frame somewhat over that is answered
  // TOO_LARGE like HTTP's 413; one past maxPayload closes the socket (1009), which the page sees as offline.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 2 * MAX_BODY_BYTES });
  const alive = new WeakSet<WebSocket>();

  function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const pathname = new URL(req.url ?? '/', 'http://host').pathname;
    if (pathname !== '/events') return rejectUpgrade(socket, 404, 'Not Found');
    const refusal = guard.check(req);
    if (refusal?.status === 400) return rejectUpgrade(socket, 400, 'Bad Request');
    if (refusal || !authorize(req)) return rejectUpgrade(socket, 403, 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    alive.add(ws);
    ws.on('pong', () => alive.add(ws));
    ws.on('error', () => ws.terminate());
    // A page's calls, {id, method, input}, answered {id, result} on the same socket (see socketCall).
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      void socketCall(router, data, isBinary).then((reply) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(reply);
      });
    });
  });

  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, opts.heartbeatMs ?? 15_000);
  heartbeat.unref();

  const unsubscribe = opts.till.bus.subscribe((e) => {
    const data = JSON.stringify(e);
    for (const ws of wss.clients) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      if (ws.bufferedAmount > MAX_WS_BACKLOG_BYTES) ws.terminate();
      else ws.send(data);
    }
  });

  let port: number;
  try {
    port = await listen(server, opts.port, bind);
  } catch (err) {
    clearInterval(heartbeat);
    unsubscribe();
    throw err;
  }
  server.on('error', (err) => console.error('[host] server error', err));

  canonicalHost = `${urlHost(bind)}:${port}`;
  guard = sameMachineGuard({ bind, port, extraHosts: opts.allowedHosts });

  let closing: Promise<void> | undefined;
  return {
    url: `http://${canonicalHost}/`,
    port,
    close() {
      if (!closing) {
        unsubscribe();
        clearInterval(heartbeat);
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        closing = Promise.all([closeServer(server), bodies.close()]).then(() => undefined);
      }
      return closing;
    },
  };
}
