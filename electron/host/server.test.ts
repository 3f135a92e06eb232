import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { TillError } from '../../shared/api';
import { EventBus } from '../core/bus';
import { rawStatus, request } from '../core/testing';
import type { Handlers } from '../core/types';
import { type Host, startHost } from './server';

function post(port: number, method: string, body: unknown, headers: Record<string, string> = {}) {
  return request(port, {
    method: 'POST',
    path: `/api/${method}`,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const appInfo = {
  name: 'Tillpoint',
  version: '0.1.0',
  mode: 'host',
  isDemoData: true,
  dataDir: '/tmp/x',
  tillId: 't1',
  utcOffsetMinutes: 480,
};

let root: string;
let rendererDir: string;
const bus = new EventBus();
const handlers = {
  'app.info': vi.fn(() => appInfo),
  'cart.scan': vi.fn(({ barcode }: { barcode: string }) => {
    throw new TillError('UNKNOWN_BARCODE', `No product has barcode ${barcode}`, { barcode });
  }),
} as unknown as Handlers;
let host: Host;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tillpoint-host-'));
  rendererDir = path.join(root, 'renderer');
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Tillpoint</title>');
  fs.writeFileSync(path.join(rendererDir, 'assets', 'index-abc123.js'), 'console.log("till")');
  fs.writeFileSync(path.join(rendererDir, 'assets', 'index-abc123.css'), 'body{}');
  fs.writeFileSync(path.join(rendererDir, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  fs.writeFileSync(path.join(root, 'secret.txt'), 'the owner password');
  host = await startHost({ till: { handlers, bus }, port: 0, rendererDir, heartbeatMs: 100 });
});
afterAll(async () => {
  await host.close();
  fs.rmSync(root, { recursive: true, force: true });
});
afterEach(() => vi.clearAllMocks());

describe('host: renderer files', () => {
  it('listens on 127.0.0.1 at the port the OS picked', () => {
    expect(host.port).toBeGreaterThan(0);
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/`);
  });

  it('serves files with their content types and hardening headers', async () => {
    const js = await request(host.port, { path: '/assets/index-abc123.js' });
    expect(js.status).toBe(200);
    expect(js.body).toBe('console.log("till")');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toContain('immutable');
    expect(js.headers['x-content-type-options']).toBe('nosniff');
    expect(js.headers['referrer-policy']).toBe('no-referrer');
    const csp = js.headers['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${host.port}`);

    expect((await request(host.port, { path: '/assets/index-abc123.css' })).headers['content-type']).toBe(
      'text/css; charset=utf-8',
    );
    expect((await request(host.port, { path: '/logo.svg' })).headers['content-type']).toBe('image/svg+xml');
    const head = await request(host.port, { method: 'HEAD', path: '/logo.svg' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it.each(['/', '/customer', '/reports', '/catalog/import', '/index.html'])(
    'answers %s with the app page',
    async (p) => {
      const res = await request(host.port, { path: p });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body).toContain('<title>Tillpoint</title>');
    },
  );

  it('answers 404 for a missing file with an extension', async () => {
    expect((await request(host.port, { path: '/assets/gone.js' })).status).toBe(404);
  });

  it('serves no source maps, nor any file that is not a web asset, even when one is left in the folder', async () => {
    fs.writeFileSync(path.join(rendererDir, 'assets', 'index-abc123.js.map'), '{"sources":["../src/till.ts"]}');
    fs.writeFileSync(path.join(rendererDir, 'notes.bak'), 'old');
    expect((await request(host.port, { path: '/assets/index-abc123.js.map' })).status).toBe(404);
    expect((await request(host.port, { path: '/notes.bak' })).status).toBe(404);
  });

  it('never serves a file outside the renderer folder', async () => {
    for (const p of ['/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e/secret.txt', '/../secret.txt']) {
      const res = await request(host.port, { path: p });
      expect([403, 404]).toContain(res.status);
      expect(res.body).not.toContain('owner password');
    }
    expect((await request(host.port, { path: '/..%2fsecret.txt' })).status).toBe(403);
    expect((await request(host.port, { path: '/a%00.js' })).status).toBe(403);
  });

  it('refuses other methods on pages', async () => {
    expect((await request(host.port, { method: 'DELETE', path: '/' })).status).toBe(405);
  });

  it('says how to build the renderer when it is missing', async () => {
    const bare = await startHost({ till: { handlers, bus }, port: 0, rendererDir: path.join(root, 'nothing') });
    try {
      const res = await request(bare.port, { path: '/' });
      expect(res.status).toBe(503);
      expect(res.body).toContain('Renderer not built: run npm run build');
      expect((await request(bare.port, { path: '/customer' })).status).toBe(503);
    } finally {
      await bare.close();
    }
  });
});

describe('host: API', () => {
  it('calls a method and answers with the Result envelope', async () => {
    const res = await post(host.port, 'app.info', {});
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(res.body)).toEqual({ ok: true, value: appInfo });
    expect(handlers['app.info']).toHaveBeenCalledWith({}, { transport: 'http' });
  });

  it('takes an empty body as no fields', async () => {
    expect((await post(host.port, 'app.info', '')).status).toBe(200);
  });

  it('maps refusals to 400, 404 and 422', async () => {
    const invalid = await post(host.port, 'cart.scan', { barcode: 'a b' });
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.body).error).toMatchObject({ code: 'INVALID_INPUT', issues: [{ path: 'barcode' }] });

    const unknown = await post(host.port, 'cart.teleport', {});
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body).error.code).toBe('UNKNOWN_METHOD');

    const refused = await post(host.port, 'cart.scan', { barcode: '123' });
    expect(refused.status).toBe(422);
    expect(JSON.parse(refused.body)).toEqual({
      ok: false,
      error: { code: 'UNKNOWN_BARCODE', message: 'No product has barcode 123', params: { barcode: '123' } },
    });
  });

  it('answers malformed JSON with 400', async () => {
    const res = await post(host.port, 'app.info', '{"oops":');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'Request body is not valid JSON' },
    });
  });

  it('refuses a body that is not application/json, so a plain HTML form cannot post', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await post(host.port, 'app.info', '{}', { 'Content-Type': type });
      expect(res.status).toBe(415);
      expect(JSON.parse(res.body).error.code).toBe('INVALID_INPUT');
    }
    expect(handlers['app.info']).not.toHaveBeenCalled();
    expect(
      (await post(host.port, 'app.info', '{}', { 'Content-Type': 'application/json; charset=utf-8' })).status,
    ).toBe(200);
  });

  it('refuses GET on API methods', async () => {
    const res = await request(host.port, { path: '/api/app.info' });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
  });
});

describe('host: request size', () => {
  /** A JSON object of `n` unknown keys, as an attacker would send. */
  const manyKeys = (n: number, extra: Record<string, unknown> = {}) => {
    const keys = Array.from({ length: n }, (_, i) => `"k${i}":${i}`);
    const head = JSON.stringify(extra).slice(1, -1);
    return `{${[head, ...keys].filter(Boolean).join(',')}}`;
  };

  it('gives each method its limit, 64 kB by default, checked before the body is parsed', async () => {
    // Not even JSON: the size alone refuses it.
    const res = await post(host.port, 'cart.scan', `{${'x'.repeat(65 * 1024)}`);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error).toMatchObject({ code: 'TOO_LARGE', params: { limitKb: 64 } });
    expect(handlers['cart.scan']).not.toHaveBeenCalled();
    // Just under the limit is read and answered as usual.
    const under = await post(host.port, 'cart.scan', { barcode: '6901234567892', pad: 'x'.repeat(60 * 1024) });
    expect(under.status).toBe(400);
  });

  it('takes a whole CSV file on the CSV methods, up to 5 MB', async () => {
    const csv = `barcode,name,price\n${'6901234567892,可乐,3.50\n'.repeat(160_000)}`;
    expect(Buffer.byteLength(csv)).toBeGreaterThan(1024 * 1024);
    // The stub till has no CSV handler: anything but 413 means the body was read and parsed.
    const ok = await post(host.port, 'products.importPreview', { csv });
    expect(ok.status).not.toBe(413);
    expect(JSON.parse(ok.body).error.code).toBe('UNKNOWN_METHOD');
    const over = await post(host.port, 'products.importPreview', { csv: 'x'.repeat(5 * 1024 * 1024) });
    expect(over.status).toBe(413);
    expect(JSON.parse(over.body).error).toMatchObject({ code: 'TOO_LARGE', params: { limitKb: 5120 } });
  });

  it('refuses 16 MB of unknown keys at once, with a short answer', async () => {
    const body = manyKeys(1_300_000);
    expect(body.length).toBeGreaterThan(16 * 1024 * 1024);
    const res = await post(host.port, 'app.info', body);
    expect(res.status).toBe(413);
    expect(res.body.length).toBeLessThan(300);
  });

  it('names at most 20 problems, and says how many more there were', async () => {
    const res = await post(host.port, 'app.info', manyKeys(5000));
    expect(res.status).toBe(400);
    const { error } = JSON.parse(res.body);
    expect(error.issues).toHaveLength(20);
    expect(error.issues[0]).toEqual({ path: 'k0', message: 'Unknown field' });
    expect(error.message).toMatch(/; and 4980 more$/);
    expect(res.body.length).toBeLessThan(2000);
  });

  it('refuses a large body that is large because of its keys, without parsing it', async () => {
    const body = manyKeys(300_000, { csv: 'barcode,name,price' });
    expect(body.length).toBeGreaterThan(64 * 1024);
    expect(body.length).toBeLessThan(5 * 1024 * 1024);
    const res = await post(host.port, 'products.importPreview', body);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.message).toBe('Request body has more fields than this method takes');
  });

  it('answers other calls while a large body is still arriving', async () => {
    // 16 MB announced, sent a piece at a time: app.info is answered before the big request is even done.
    const big = http.request({
      host: '127.0.0.1',
      port: host.port,
      method: 'POST',
      path: '/api/products.importPreview',
      headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
    });
    const bigAnswer = new Promise<number>((resolve) => big.on('response', (r) => resolve(r.statusCode!)));
    big.on('error', () => {});
    big.write(`{"csv":"${'x'.repeat(1024 * 1024)}`);
    const info = await post(host.port, 'app.info', {});
    expect(info.status).toBe(200);
    big.end(`${'x'.repeat(5 * 1024 * 1024)}"}`);
    expect(await bigAnswer).toBe(413);
  });
});

describe('host: who may call', () => {
  it('accepts the loopback names for its port', async () => {
    for (const name of ['127.0.0.1', 'localhost', '[::1]']) {
      const res = await post(
        host.port,
        'app.info',
        {},
        { Host: `${name}:${host.port}`, Origin: `http://${name}:${host.port}` },
      );
      expect(res.status).toBe(200);
    }
  });

  it('refuses a foreign Host header (DNS rebinding) on pages and API', async () => {
    for (const h of ['evil.example', `evil.example:${host.port}`, `127.0.0.1:${host.port + 1}`, '127.0.0.1']) {
      expect((await request(host.port, { path: '/', headers: { Host: h } })).status).toBe(403);
      const api = await post(host.port, 'app.info', {}, { Host: h });
      expect(api.status).toBe(403);
      expect(JSON.parse(api.body).error.code).toBe('FORBIDDEN');
    }
    expect(handlers['app.info']).not.toHaveBeenCalled();
  });

  it('refuses a request from a foreign web page (Origin)', async () => {
    for (const origin of ['http://evil.example', `https://127.0.0.1:${host.port}`, 'null', `http://127.0.0.1:1`]) {
      const res = await post(host.port, 'app.info', {}, { Origin: origin });
      expect(res.status).toBe(403);
      expect(res.headers['content-security-policy']).toBeDefined();
    }
    expect(handlers['app.info']).not.toHaveBeenCalled();
  });

  it('answers 400 to two Host headers (Node keeps only the first), on pages, API and events', async () => {
    const own = `127.0.0.1:${host.port}`;
    for (const hosts of [
      [own, 'evil.example'],
      ['evil.example', own],
      [own, `localhost:${host.port}`],
      [own, own],
    ]) {
      const headers = hosts.map((h, i) => `${i ? 'host' : 'Host'}: ${h}`);
      expect(await rawStatus(host.port, ['GET / HTTP/1.1', ...headers])).toBe(400);
      const api = ['POST /api/app.info HTTP/1.1', ...headers, 'Content-Type: application/json', 'Content-Length: 2'];
      expect(await rawStatus(host.port, api, '{}')).toBe(400);
      const upgrade = [
        'GET /events HTTP/1.1',
        ...headers,
        'Upgrade: websocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Version: 13',
      ];
      expect(await rawStatus(host.port, upgrade)).toBe(400);
    }
    expect(handlers['app.info']).not.toHaveBeenCalled();
    // One Host header of ours is served as before.
    expect(await rawStatus(host.port, ['GET / HTTP/1.1', `Host: ${own}`])).toBe(200);
  });

  it('leaves the seam for pairing: authorize can refuse API and events', async () => {
    const closed = await startHost({ till: { handlers, bus }, port: 0, rendererDir, authorize: () => false });
    try {
      const res = await post(closed.port, 'app.info', {});
      expect(res.status).toBe(403);
      expect(JSON.parse(res.body).error.code).toBe('FORBIDDEN');
      expect(await wsRefusal(`ws://127.0.0.1:${closed.port}/events`)).toBe(403);
      // The pages themselves stay public.
      expect((await request(closed.port, { path: '/' })).status).toBe(200);
    } finally {
      await closed.close();
    }
  });

  it('will not listen beyond this computer yet', async () => {
    await expect(startHost({ till: { handlers, bus }, port: 0, bind: '0.0.0.0', rendererDir })).rejects.toThrow(
      /Refusing to listen on 0.0.0.0/,
    );
  });

  it('fails with EADDRINUSE when the port is taken', async () => {
    await expect(startHost({ till: { handlers, bus }, port: host.port, rendererDir })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
  });
});

function wsRefusal(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode!);
      ws.terminate();
    });
    ws.on('open', () => reject(new Error('connected')));
    ws.on('error', () => {});
  });
}

describe('host: push events', () => {
  it('sends every bus event to connected browsers as {event, payload}', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/events`, { origin: `http://127.0.0.1:${host.port}` });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const message = new Promise<string>((resolve) => ws.once('message', (d) => resolve(String(d))));
    bus.emit('catalog.changed', { reason: 'saved' });
    expect(JSON.parse(await message)).toEqual({ event: 'catalog.changed', payload: { reason: 'saved' } });
    ws.close();
  });

  it('refuses a WebSocket from a foreign page or Host, and on other paths', async () => {
    const url = `ws://127.0.0.1:${host.port}/events`;
    expect(await wsRefusal(url, { Origin: 'http://evil.example' })).toBe(403);
    expect(await wsRefusal(url, { Host: 'evil.example' })).toBe(403);
    expect(await wsRefusal(`ws://127.0.0.1:${host.port}/other`)).toBe(404);
    expect((await request(host.port, { path: '/events' })).status).toBe(426);
  });

  it('drops a client that stops answering pings', async () => {
    // A bare socket that completes the handshake and then never answers (a tablet that went to sleep).
    const socket = net.connect(host.port, '127.0.0.1');
    socket.write(
      'GET /events HTTP/1.1\r\n' +
        `Host: 127.0.0.1:${host.port}\r\n` +
        'Upgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    let received = '';
    socket.on('data', (d) => {
      received += d.toString('latin1');
    });
    await new Promise((resolve) => socket.once('close', resolve));
    expect(received).toMatch(/^HTTP\/1\.1 101 /);
  });
});
