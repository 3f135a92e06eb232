// 8. A whole 3-line sale through the API, as a page makes it: 3 × cart.scan + checkout.cash, over HTTP
// (POST /api/<method>, the fallback) and over the page's WebSocket ({id, method, input} frames on /events),
// against the built host with 100k products. Measured beside it, in the same run and interleaved so both
// see the same machine: a "peer POS one-request sale", a minimal HTTP endpoint in a process of its own
// that stores an order, its 3 lines and a cash payment in one better-sqlite3 transaction
// (WAL, synchronous=FULL, on a temp file) per request. Reported as p50/p95 and as ratios to the peer.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { WebSocket } from 'ws';
import {
  api,
  CATALOG_SIZE,
  log,
  median,
  ms,
  percentile,
  removeDir,
  report,
  ROOT,
  runMain,
  seedDataDir,
  seededBarcode,
  startBuiltHost,
  tempDir,
} from './common';

const WARMUP = 20;
const SALES = 200;
const BARCODES = [seededBarcode(1), seededBarcode(2), seededBarcode(3)];

/** The peer: node:http + better-sqlite3, one POST /sale = one transaction. Plain JS, run with `node -e`. */
const PEER_SOURCE = `
const http = require('node:http');
const Database = require(require.resolve('better-sqlite3', { paths: [process.cwd()] }));
const db = new Database(process.argv[1]);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec(\`CREATE TABLE products (id INTEGER PRIMARY KEY, barcode TEXT UNIQUE, name TEXT, price INTEGER);
  CREATE TABLE orders (id INTEGER PRIMARY KEY, created_at TEXT, total INTEGER, status TEXT);
  CREATE TABLE lines (id INTEGER PRIMARY KEY, order_id INTEGER, product_id INTEGER, name TEXT, price INTEGER, qty INTEGER);
  CREATE TABLE payments (id INTEGER PRIMARY KEY, order_id INTEGER, method TEXT, amount INTEGER, tendered INTEGER, change INTEGER);\`);
const codes = JSON.parse(process.argv[2]);
const insP = db.prepare('INSERT INTO products (barcode, name, price) VALUES (?, ?, ?)');
codes.forEach((c, i) => insP.run(c, 'Product ' + i, 350 + i * 100));
const byCode = db.prepare('SELECT id, name, price FROM products WHERE barcode = ?');
const insO = db.prepare("INSERT INTO orders (created_at, total, status) VALUES (?, 0, 'completed')");
const insL = db.prepare('INSERT INTO lines (order_id, product_id, name, price, qty) VALUES (?, ?, ?, ?, ?)');
const setT = db.prepare('UPDATE orders SET total = ? WHERE id = ?');
const insPay = db.prepare("INSERT INTO payments (order_id, method, amount, tendered, change) VALUES (?, 'cash', ?, ?, ?)");
const sale = db.transaction((body) => {
  const orderId = insO.run(new Date().toISOString()).lastInsertRowid;
  let total = 0;
  const lines = body.lines.map((l) => {
    const p = byCode.get(l.barcode);
    if (!p) throw new Error('unknown ' + l.barcode);
    insL.run(orderId, p.id, p.name, p.price, l.quantity);
    total += p.price * l.quantity;
    return { name: p.name, price: p.price, quantity: l.quantity };
  });
  setT.run(total, orderId);
  insPay.run(orderId, total, body.tenderedMinor, body.tenderedMinor - total);
  return { orderId: Number(orderId), lines, totalMinor: total, changeMinor: body.tenderedMinor - total };
});
http.createServer((req, res) => {
  let data = '';
  req.on('data', (c) => (data += c));
  req.on('end', () => {
    let out;
    try { out = JSON.stringify({ ok: true, value: sale(JSON.parse(data)) }); }
    catch (e) { res.writeHead(500); res.end(String(e)); return; }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(out) });
    res.end(out);
  });
}).listen(0, '127.0.0.1', function () { console.log('peer ready at ' + this.address().port); });
`;

async function startPeer(dir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const proc = spawn(process.execPath, ['-e', PEER_SOURCE, path.join(dir, 'peer.db'), JSON.stringify(BARCODES)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const port = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /peer ready at (\d+)/.exec(out);
      if (m) resolve(m[1]);
    });
    exited.then(() => reject(new Error(`the peer exited: ${out}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/sale`,
    async stop() {
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

/** The page's socket: calls answered by id; pushes (every event) are read and dropped. */
async function openSocket(baseUrl: string) {
  const url = new URL('events', baseUrl);
  url.protocol = 'ws:';
  const ws = new WebSocket(url, { origin: new URL(baseUrl).origin });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const waiting = new Map<number, (r: { ok: boolean; value?: unknown; error?: { message: string } }) => void>();
  ws.on('message', (data) => {
    const text = String(data);
    if (!text.startsWith('{"id":')) return;
    const { id, result } = JSON.parse(text);
    waiting.get(id)?.(result);
    waiting.delete(id);
  });
  let next = 1;
  return {
    async call<T>(method: string, input: unknown): Promise<T> {
      const id = next++;
      const result = await new Promise<{ ok: boolean; value?: unknown; error?: { message: string } }>((resolve) => {
        waiting.set(id, resolve);
        ws.send(JSON.stringify({ id, method, input }));
      });
      if (!result.ok) throw new Error(`${method}: ${result.error?.message}`);
      return result.value as T;
    },
    close: () => ws.close(),
  };
}

type Call = <T>(method: string, input: unknown) => Promise<T>;

/** One sale the way the cashier page makes it: three scans, then cash for exactly the total. */
async function tillSale(call: Call): Promise<void> {
  let cart: { totalMinor: number } = { totalMinor: 0 };
  for (const barcode of BARCODES) cart = await call('cart.scan', { barcode, quantity: 1 });
  await call('checkout.cash', { tenderedMinor: cart.totalMinor, receipt: false });
}

async function peerSale(url: string): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ lines: BARCODES.map((barcode) => ({ barcode, quantity: 1 })), tenderedMinor: 10_000 }),
  });
  if (!res.ok) throw new Error(`peer: HTTP ${res.status}`);
  await res.json();
}

async function timed(run: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await run();
  return performance.now() - t0;
}

runMain(async () => {
  const dir = tempDir('sale');
  try {
    log(`seeding ${CATALOG_SIZE} products`);
    seedDataDir(dir);
    const host = await startBuiltHost(dir, { sell: true });
    const peer = await startPeer(dir);
    const socket = await openSocket(host.url);
    try {
      const http: Call = (method, input) => api(host.url, method, input);
      const samples = { http: [] as number[], ws: [] as number[], peer: [] as number[] };
      log(`${SALES} sales each way, interleaved`);
      for (let i = 0; i < WARMUP + SALES; i++) {
        const h = await timed(() => tillSale(http));
        const w = await timed(() => tillSale(socket.call));
        const p = await timed(() => peerSale(peer.url));
        if (i < WARMUP) continue;
        samples.http.push(h);
        samples.ws.push(w);
        samples.peer.push(p);
      }
      const p50 = { http: median(samples.http), ws: median(samples.ws), peer: median(samples.peer) };
      const p95 = {
        http: percentile(samples.http, 95),
        ws: percentile(samples.ws, 95),
        peer: percentile(samples.peer, 95),
      };
      const ratio = (x: number) => `${(x / p50.peer).toFixed(2)}x`;
      report({
        id: '8',
        name: 'A whole 3-line sale through the API (3 cart.scan + checkout.cash)',
        figures:
          `WebSocket p50 ${ms(p50.ws)}, p95 ${ms(p95.ws)} (${ratio(p50.ws)} the peer); HTTP p50 ${ms(p50.http)}, ` +
          `p95 ${ms(p95.http)} (${ratio(p50.http)}); peer one-request sale p50 ${ms(p50.peer)}, p95 ${ms(p95.peer)}`,
        target: 'beside the peer (issue #9: 2.1x before)',
        pass: null,
        note:
          `Four calls per sale, one after another as the page makes them, from Node on 127.0.0.1 against the built ` +
          `host (${CATALOG_SIZE} products): over the page's /events WebSocket and over HTTP (fetch, keep-alive). ` +
          `Peer: one POST storing order + 3 lines + cash payment in one better-sqlite3 transaction, WAL with ` +
          `synchronous=FULL, in its own process. The three run interleaved, ${SALES} sales each after ${WARMUP} ` +
          `warm-up. Ratios are p50 / the peer's p50.`,
        data: {
          wsP50Ms: p50.ws,
          wsP95Ms: p95.ws,
          httpP50Ms: p50.http,
          httpP95Ms: p95.http,
          peerP50Ms: p50.peer,
          peerP95Ms: p95.peer,
          wsRatio: p50.ws / p50.peer,
          httpRatio: p50.http / p50.peer,
          n: SALES,
        },
      });
    } finally {
      socket.close();
      await peer.stop();
      await host.stop();
    }
  } finally {
    removeDir(dir);
  }
});
