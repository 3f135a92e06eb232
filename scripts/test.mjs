#!/usr/bin/env node
// `npm test`: typecheck, lint, unit tests (Vitest), build, end-to-end tests (Playwright). Every step runs
// even when an earlier one failed (e2e needs the build, so it is skipped and counted failed without one).
// Test counts come from the runners' JSON reports; typecheck, lint and build count as one check each.
// The very last line is `N passed, N failed`, which CI reads.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './build.mjs';

const REPORTS = path.join(ROOT, '.tmp', 'reports');
const VITEST_REPORT = path.join(REPORTS, 'vitest.json');
const E2E_REPORT = path.join(REPORTS, 'e2e.json');
const bin = (name) => path.join(ROOT, 'node_modules', '.bin', name);

function run(command, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('error', (err) => {
      console.error(`${command}: ${err.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

function readReport(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

const results = [];
function record(step, passed, failed, note = '') {
  results.push({ step, passed, failed, note });
}

async function check(step, command, args) {
  console.log(`\n=== ${step} ===`);
  const code = await run(command, args);
  record(step, code === 0 ? 1 : 0, code === 0 ? 0 : 1);
  return code === 0;
}

/** A runner that exits non-zero while its report shows no failed test (a crash, a file that would not load) still fails. */
function countTests(step, code, passed, failed, found) {
  if (!found) return record(step, passed, failed + 1, 'no report');
  if (code !== 0 && failed === 0) return record(step, passed, 1, `exit code ${code}`);
  record(step, passed, failed);
}

fs.rmSync(REPORTS, { recursive: true, force: true });
fs.mkdirSync(REPORTS, { recursive: true });

await check('typecheck', 'npm', ['run', '--silent', 'typecheck']);
await check('lint', bin('biome'), ['lint', '.']);

console.log('\n=== unit tests (vitest) ===');
{
  const code = await run(bin('vitest'), [
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${VITEST_REPORT}`,
  ]);
  const report = readReport(VITEST_REPORT);
  countTests('unit', code, report?.numPassedTests ?? 0, report?.numFailedTests ?? 0, !!report);
}

const built = await check('build', process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')]);

console.log('\n=== e2e tests (playwright) ===');
if (!built) {
  console.log('skipped: the build failed');
  record('e2e', 0, 1, 'skipped, build failed');
} else {
  const code = await run(bin('playwright'), ['test', '--pass-with-no-tests'], {
    PLAYWRIGHT_JSON_OUTPUT_FILE: E2E_REPORT,
  });
  const stats = readReport(E2E_REPORT)?.stats;
  // With retries off there are no flaky tests; one that passed on a retry still passed.
  countTests('e2e', code, (stats?.expected ?? 0) + (stats?.flaky ?? 0), stats?.unexpected ?? 0, !!stats);
}

console.log('\n=== summary ===');
for (const r of results) {
  console.log(`${r.step.padEnd(10)} ${r.passed} passed, ${r.failed} failed${r.note ? ` (${r.note})` : ''}`);
}
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
