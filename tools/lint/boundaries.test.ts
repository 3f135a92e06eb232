// Proves the import-boundary rules in biome.json (the GritQL plugin no-runtime-electron.grit, the
// shared/ + renderer/ override and the electron/db layer override) flag what they should and nothing else,
// by linting fixtures/ in a temp folder laid out like the repo, with the repo's own biome.json.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = path.join(ROOT, 'tools/lint/fixtures');
const BIOME = path.join(ROOT, 'node_modules/.bin/biome');

const ELECTRON = 'plugin';
const NODE = 'lint/correctness/noNodejsModules';
const RESTRICTED = 'lint/style/noRestrictedImports';
const BOUNDARY_RULES = new Set([ELECTRON, NODE, RESTRICTED]);

/** Each fixture and the boundary rules it must trip (none: it must pass). */
const EXPECTED: Record<string, string[]> = {
  'electron/runtime-import.ts': [ELECTRON],
  'electron/inline-type-specifier.ts': [ELECTRON],
  'electron/dynamic-import.ts': [ELECTRON],
  'electron/require.cjs': [ELECTRON],
  'electron/subpath-import.ts': [ELECTRON],
  'electron/shell/main.ts': [ELECTRON],
  'electron/type-only.ts': [],
  'electron/export-type.ts': [],
  'electron/main.ts': [],
  'electron/preload.ts': [],
  'electron/node-imports.ts': [],
  // Layers: db ← till, payments ← api, host, shell.
  'electron/db/till-import.ts': [RESTRICTED],
  'electron/db/payments-import.ts': [RESTRICTED],
  'electron/db/host-import.ts': [RESTRICTED],
  'electron/db/allowed.ts': [],
  'electron/db/own-payments.ts': [],
  'electron/till/db-import.ts': [],
  ...Object.fromEntries(
    ['shared', 'renderer'].flatMap((dir) => [
      [`${dir}/node-fs.ts`, [NODE]],
      [`${dir}/fs.ts`, [NODE]],
      [`${dir}/path.ts`, [NODE]],
      [`${dir}/better-sqlite3.ts`, [RESTRICTED]],
      [`${dir}/ws.ts`, [RESTRICTED]],
      [`${dir}/electron.ts`, [ELECTRON, RESTRICTED]],
      [`${dir}/electron-code.ts`, [RESTRICTED]],
      [`${dir}/pure.ts`, []],
    ]),
  ),
};

interface Diagnostic {
  severity: string;
  category: string;
  location?: { path?: string };
}

function listFixtures(dir = FIXTURES, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFixtures(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

let byFile: Map<string, string[]>;
let errors: Diagnostic[];

beforeAll(async () => {
  const work = mkdtempSync(path.join(tmpdir(), 'tillpoint-lint-'));
  cpSync(FIXTURES, work, { recursive: true });
  mkdirSync(path.join(work, 'tools/lint'), { recursive: true });
  cpSync(path.join(ROOT, 'biome.json'), path.join(work, 'biome.json'));
  cpSync(
    path.join(ROOT, 'tools/lint/no-runtime-electron.grit'),
    path.join(work, 'tools/lint/no-runtime-electron.grit'),
  );
  // Biome exits 1 when it finds errors, which is the point here: read its report either way.
  const stdout = await promisify(execFile)(
    BIOME,
    ['lint', '--vcs-enabled=false', '--reporter=json', '--max-diagnostics=none', '.'],
    {
      cwd: work,
    },
  ).then(
    (r) => r.stdout,
    (err: { stdout?: string }) => err.stdout ?? '',
  );
  const report = JSON.parse(stdout) as { diagnostics: Diagnostic[] };
  errors = report.diagnostics.filter((d) => d.severity === 'error');
  byFile = new Map();
  for (const d of errors) {
    const file = d.location?.path?.split(path.sep).join('/');
    if (!file || !BOUNDARY_RULES.has(d.category)) continue;
    byFile.set(file, [...(byFile.get(file) ?? []), d.category]);
  }
});

describe('import boundaries (biome.json)', () => {
  it('every fixture has an expectation', () => {
    const files = listFixtures().filter((f) => f !== 'README.md');
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('the fixtures only trip boundary rules (no parse errors or unrelated lint)', () => {
    expect(errors.filter((d) => !BOUNDARY_RULES.has(d.category))).toEqual([]);
  });

  it.each(Object.entries(EXPECTED))('%s -> %j', (file, rules) => {
    expect([...new Set(byFile.get(file) ?? [])].sort()).toEqual([...rules].sort());
  });
});
