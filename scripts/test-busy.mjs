#!/usr/bin/env node
// `npm run test:busy [-- N]`: the whole `npm test` with a CPU hog beside it, N times (default 1), the way a
// shared CI machine runs it. The hog keeps every core busy (one spinning process per core, like
// `stress-ng --cpu <cores>`); a test that depends on timing fails here instead of now and then in CI.
// Each run's closing line is kept; the last line is the totals over all runs.
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './build.mjs';

const runs = Number(process.argv[2] ?? 1);
if (!Number.isInteger(runs) || runs < 1) {
  console.error('usage: npm run test:busy [-- RUNS]');
  process.exit(2);
}

const hogs = os.availableParallelism
  ? Array.from({ length: os.availableParallelism() }, () =>
      spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
    )
  : [];
const stopHogs = () => {
  for (const h of hogs) h.kill('SIGKILL');
};
process.on('exit', stopHogs);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

function runTests() {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'test.mjs')], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let last = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      const lines = (last + chunk.toString()).split('\n');
      last = lines.slice(-2).join('\n');
    });
    child.on('exit', (code) => {
      const m = /^(\d+) passed, (\d+) failed$/m.exec(last);
      resolve({ code: code ?? 1, passed: m ? Number(m[1]) : 0, failed: m ? Number(m[2]) : 1 });
    });
  });
}

console.log(`npm test with ${hogs.length} spinning processes beside it, ${runs} time(s)`);
const results = [];
for (let i = 1; i <= runs; i++) {
  const started = Date.now();
  const r = await runTests();
  results.push(r);
  console.log(
    `busy run ${i}/${runs}: ${r.passed} passed, ${r.failed} failed (${Math.round((Date.now() - started) / 1000)} s)`,
  );
}
stopHogs();
for (const [i, r] of results.entries()) console.log(`run ${i + 1}: ${r.passed} passed, ${r.failed} failed`);
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = results.every((r) => r.code === 0) ? 0 : 1;
