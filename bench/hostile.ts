// Hostile requests (issue #7): while the till refuses a huge or key-stuffed request, how long does an
// ordinary call (app.info, as cheap as a payment query's API turn) wait? Target: no call waits > 50 ms.
// The same calls on a quiet till are the baseline, measured in the same run.
import { Worker } from 'node:worker_threads';
import { log, percentile, removeDir, report, runMain, startBuiltHost, tempDir } from './common';

const TARGET_MS = 50;

/**
 * The attacker, on a thread of its own so its 16 MB writes never delay the poller's calls: sends each body
 * ten times in a row and answers with the statuses ('closed' when the till hung up on the rest of a body
 * over the limit, after its 413).
 */
const ATTACKER = `
const http = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const { host, port, path, body } = workerData;
function post() {
  return new Promise((resolve) => {
    let status;
    const req = http.request({ host, port, method: 'POST', path, headers: { 'content-type': 'application/json' } }, (res) => {
      status = res.statusCode;
      res.resume();
      res.on('end', () => resolve(status));
      res.on('error', () => resolve(status));
    });
    req.on('error', () => resolve(status ?? 'closed'));
    req.end(Buffer.from(body));
  });
}
(async () => {
  const statuses = [];
  for (let i = 0; i < 10; i++) statuses.push(await post());
  parentPort.postMessage(statuses);
})();
`;

function attack(url: URL, path: string, body: Buffer): Promise<(number | 'closed')[]> {
  const worker = new Worker(ATTACKER, {
    eval: true,
    workerData: { host: url.hostname, port: Number(url.port), path, body },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (statuses: (number | 'closed')[]) => {
      resolve(statuses);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

const keys = (n: number, head = '') =>
  Buffer.from(`{${head}${Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(',')}}`);

/** app.info, one after another with 5 ms between, until `until` settles; returns each call's wait. */
async function poll(baseUrl: string, until: Promise<unknown>): Promise<number[]> {
  let done = false;
  void until.finally(() => {
    done = true;
  });
  const waits: number[] = [];
  const url = new URL('api/app.info', baseUrl);
  while (!done) {
    const t0 = performance.now();
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await res.arrayBuffer();
    waits.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 5));
  }
  return waits;
}

async function main(): Promise<void> {
  const dir = tempDir('hostile');
  const host = await startBuiltHost(dir);
  try {
    const base = new URL(host.url);
    await poll(host.url, new Promise((r) => setTimeout(r, 500))); // warm-up: first connections, JIT
    const quiet = await poll(host.url, new Promise((r) => setTimeout(r, 2000)));
    const attacks: { name: string; path: string; body: Buffer }[] = [
      { name: '16 MB of 1.3 million unknown keys', path: '/api/app.info', body: keys(1_300_000) },
      {
        name: '4.6 MB of keys to a CSV method',
        path: '/api/products.importPreview',
        body: keys(300_000, '"csv":"barcode,name,price",'),
      },
      { name: '60 kB of 5,000 unknown keys', path: '/api/cart.scan', body: keys(5000) },
    ];
    const all: number[] = [];
    const parts: string[] = [];
    for (const a of attacks) {
      let statuses: (number | 'closed')[] = [];
      const attacking = attack(base, a.path, a.body).then((s) => {
        statuses = s;
      });
      const waits = await poll(host.url, attacking);
      all.push(...waits);
      parts.push(`${a.name} (answered ${[...new Set(statuses)].join('/')}): max ${Math.max(...waits).toFixed(1)} ms`);
      log(
        `${a.name}: ${waits.length} calls, p50 ${percentile(waits, 50).toFixed(1)} ms, max ${Math.max(...waits).toFixed(1)} ms`,
      );
    }
    const max = Math.max(...all);
    report({
      id: 'hostile.other-calls',
      name: 'Other calls while the till refuses hostile requests',
      figures: `max ${max.toFixed(1)} ms, p99 ${percentile(all, 99).toFixed(1)} ms (quiet till: max ${Math.max(...quiet).toFixed(1)} ms, p50 ${percentile(quiet, 50).toFixed(1)} ms)`,
      target: `every call ≤ ${TARGET_MS} ms`,
      pass: max <= TARGET_MS,
      note: parts.join('; '),
      data: { maxMs: max, p99Ms: percentile(all, 99), quietMaxMs: Math.max(...quiet), calls: all.length },
    });
  } finally {
    await host.stop();
    removeDir(dir);
  }
}

runMain(main);
