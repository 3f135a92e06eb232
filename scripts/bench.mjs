#!/usr/bin/env node
// `npm run bench [-- host till browser sale pay wallets verify reconcile]`: the performance figures of issues #2 and #3, printed as a table.
// Figures are reported against their targets, never asserted: a MISS still exits 0; only a benchmark
// that crashed makes the exit code non-zero. Each group runs in its own process, bundled from bench/*.ts
// with esbuild into out/bench/; everything talks to 127.0.0.1 and lives in temp folders.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildAll, ROOT } from './build.mjs';

/** In this order: the cold start first, on a quiet machine; the browser groups last. `builds`: more targets. */
const GROUPS = {
  host: { entry: 'bench/host.ts', timeoutMs: 60_000, what: 'host cold start and memory' },
  till: { entry: 'bench/till.ts', timeoutMs: 90_000, nodeArgs: ['--expose-gc'], what: 'sale commit, lookup, search' },
  hostile: { entry: 'bench/hostile.ts', timeoutMs: 120_000, what: 'other calls while hostile requests are refused' },
  import: { entry: 'bench/import.ts', timeoutMs: 180_000, what: 'other calls during a 71k-row CSV import' },
  browser: { entry: 'bench/browser.ts', timeoutMs: 150_000, what: 'scan and customer display in Chromium' },
  sale: { entry: 'bench/sale.ts', timeoutMs: 150_000, what: 'a 3-line sale through the API: HTTP, WebSocket, a peer' },
  pay: {
    entry: 'bench/pay.ts',
    timeoutMs: 180_000,
    builds: ['gateway'],
    what: 'scan to pay with the Demo gateway in Chromium',
  },
  wallets: {
    entry: 'bench/wallets.ts',
    timeoutMs: 240_000,
    what: 'QR pay with the Alipay and WeChat Pay mocks in Chromium',
  },
  z: { entry: 'bench/z.ts', timeoutMs: 240_000, what: 'Z report on a busy year (200k orders, 1M lines)' },
  verify: { entry: 'bench/verify.ts', timeoutMs: 600_000, what: 'verify journal over a busy year (200k orders)' },
  reconcile: {
    entry: 'bench/reconcile.ts',
    timeoutMs: 120_000,
    what: "reconciliation of a day with 2,000 wallet payments against a local Demo gateway's bills",
  },
  reports: { entry: 'bench/reports.ts', timeoutMs: 600_000, what: "owners' reports on a busy year (200k orders)" },
};
const ROW_PREFIX = '@@bench-row ';
const OUT_DIR = path.join(ROOT, 'out', 'bench');

function parseGroups(argv) {
  const names = argv.filter((a) => !a.startsWith('-'));
  const unknown = names.filter((n) => !(n in GROUPS));
  if (unknown.length) {
    console.error(`unknown benchmark group: ${unknown.join(', ')} (known: ${Object.keys(GROUPS).join(', ')})`);
    process.exit(2);
  }
  return names.length ? Object.keys(GROUPS).filter((g) => names.includes(g)) : Object.keys(GROUPS);
}

/**
 * e2e helpers the benchmarks import (e2e/wallets.ts -> e2e/host.ts) find the built host beside their own file
 * through import.meta.url; bundled into out/bench/ that would point one folder off, so they keep their source's.
 */
const e2eSourceUrls = {
  name: 'e2e-source-urls',
  setup(b) {
    b.onLoad({ filter: /[\\/]e2e[\\/][^\\/]+\.ts$/ }, async (args) => {
      const text = await fs.promises.readFile(args.path, 'utf8');
      const url = JSON.stringify(pathToFileURL(args.path).href);
      return { contents: text.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

async function bundle(groups) {
  const { build } = await import('esbuild');
  await build({
    absWorkingDir: ROOT,
    entryPoints: groups.map((g) => GROUPS[g].entry),
    outdir: OUT_DIR,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    plugins: [e2eSourceUrls],
    logLevel: 'warning',
    logOverride: { 'empty-import-meta': 'silent' },
    banner: {
      js: "import { createRequire as __benchRequire } from 'node:module';\nconst require = __benchRequire(import.meta.url);",
    },
  });
}

/** Groups running now, so Ctrl-C stops them too (they are in process groups of their own). */
const running = new Set();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of running) killGroup(child);
    process.exit(130);
  });
}

function killGroup(child) {
  try {
    if (process.platform === 'win32') child.kill('SIGKILL');
    else process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Runs one group's bundle; resolves with its rows and how it ended. Its stderr is its progress log. */
function runGroup(name) {
  const group = GROUPS[name];
  const file = path.join(OUT_DIR, `${path.basename(group.entry, '.ts')}.mjs`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--enable-source-maps', ...(group.nodeArgs ?? []), file], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      // Its own process group: a group that times out is killed with the hosts and gateways it started.
      detached: process.platform !== 'win32',
    });
    const rows = [];
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk.toString();
      let nl = buffer.indexOf('\n');
      while (nl !== -1) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.startsWith(ROW_PREFIX)) rows.push(JSON.parse(line.slice(ROW_PREFIX.length)));
        else if (line.trim()) process.stderr.write(`  ${line}\n`);
        nl = buffer.indexOf('\n');
      }
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, group.timeoutMs);
    running.add(child);
    child.on('exit', (code, signal) => {
      running.delete(child);
      clearTimeout(timer);
      const ok = code === 0 && !timedOut;
      const why = timedOut ? `timed out after ${group.timeoutMs / 1000} s` : `exited with ${code ?? signal}`;
      resolve({ rows, ok, error: ok ? undefined : why });
    });
  });
}

function machine() {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    cores: cpus.length,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
}

function table(rows) {
  const head = ['#', 'benchmark', 'figures', 'target', 'result'];
  const body = rows.map((r) => [
    r.id,
    r.name,
    r.figures,
    r.target,
    r.pass === null ? 'info' : r.pass ? 'PASS' : 'MISS',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const out = [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
  const notes = rows.filter((r) => r.note).map((r) => `[${r.id}] ${r.note}`);
  if (notes.length) out.push('', 'Notes:', ...notes);
  return out.join('\n');
}

const groups = parseGroups(process.argv.slice(2));
const info = machine();
console.log(`Tillpoint benchmarks, ${info.date}`);
console.log(`machine: ${info.cores} cores (${info.cpu}), ${info.memoryGb} GB, ${info.os}; node ${info.node}`);

const started = Date.now();
try {
  const only = ['host', 'renderer', ...groups.flatMap((g) => GROUPS[g].builds ?? [])];
  const built = await buildAll({ only, log: (m) => console.error(`  ${m}`) });
  if (built.length) console.error(`  (built ${built.join(', ')} first)`);
  await bundle(groups);
} catch (err) {
  console.error(`bench: could not build: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}

const rows = [];
const failures = [];
for (const name of groups) {
  console.error(`- ${name}: ${GROUPS[name].what}`);
  const result = await runGroup(name);
  rows.push(...result.rows);
  if (!result.ok) {
    failures.push(name);
    rows.push({ id: '!', name: `${name} benchmarks crashed`, figures: result.error, target: '-', pass: false });
  }
}

console.log('');
console.log(table(rows));
console.log('');
const misses = rows.filter((r) => r.pass === false && r.id !== '!').length;
console.log(
  `${rows.filter((r) => r.pass === true).length} PASS, ${misses} MISS` +
    `${failures.length ? `, crashed: ${failures.join(', ')}` : ''} (${((Date.now() - started) / 1000).toFixed(0)} s)`,
);

fs.mkdirSync(OUT_DIR, { recursive: true });
fs.writeFileSync(path.join(OUT_DIR, 'results.json'), `${JSON.stringify({ machine: info, rows }, null, 2)}\n`);
process.exit(failures.length ? 1 : 0);
