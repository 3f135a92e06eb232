#!/usr/bin/env node
// Builds what Tillpoint runs into out/: the Electron main process and preload (CommonJS), the headless
// host (ESM) and the renderer (Vite). A target whose output is newer than every one of its inputs is
// skipped, so `npm start` after a build starts at once.
//
//   node scripts/build.mjs [--force] [main|preload|host|gateway|verify-journal|renderer ...]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const SHARED_INPUTS = ['package.json', 'package-lock.json', 'scripts/build.mjs', 'shared'];
const VITE_CONFIGS = ['vite.config.ts', 'vite.config.mts', 'renderer/vite.config.ts', 'renderer/vite.config.mts'];

/** Node's own runtime inside Electron 45 is 22; the host runs on the Node that runs npm (>= 20.19). */
const ELECTRON_NODE = 'node22';

function packageJson() {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
}

function findViteConfig() {
  return VITE_CONFIGS.find((file) => fs.existsSync(path.join(ROOT, file)));
}

async function esbuild(options) {
  const { build } = await import('esbuild');
  await build({
    absWorkingDir: ROOT,
    bundle: true,
    sourcemap: 'linked',
    logLevel: 'warning',
    // electron/core/paths.ts reads import.meta.url where there is one and __dirname in CJS bundles.
    logOverride: { 'empty-import-meta': 'silent' },
    ...options,
  });
}

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(args[0] ?? command)} failed (${code ?? signal})`)),
    );
  });
}

export const TARGETS = {
  main: {
    output: 'out/main/main.cjs',
    inputs: ['electron'],
    build: () =>
      esbuild({
        entryPoints: ['electron/main.ts'],
        outfile: 'out/main/main.cjs',
        platform: 'node',
        format: 'cjs',
        target: ELECTRON_NODE,
        // electron, better-sqlite3 (native) and the other dependencies load from node_modules at run time; ECharts
        // (ES modules only, for the printable report's charts) is bundled in, so this CommonJS file never
        // require()s an ES module.
        external: ['electron', ...Object.keys(packageJson().dependencies).filter((name) => name !== 'echarts')],
      }),
  },
  preload: {
    output: 'out/preload/preload.cjs',
    inputs: ['electron/preload.ts', 'electron/shell'],
    build: () =>
      esbuild({
        entryPoints: ['electron/preload.ts'],
        outfile: 'out/preload/preload.cjs',
        // A sandboxed preload can require only 'electron': everything else (zod, shared/) is bundled in.
        platform: 'node',
        format: 'cjs',
        target: ELECTRON_NODE,
        external: ['electron'],
        define: { 'process.env.NODE_ENV': '"production"' },
        // It carries the contract's zod schemas; minified it parses faster in every window.
        minify: true,
      }),
  },
  host: {
    output: 'out/host/host.mjs',
    inputs: ['electron'],
    build: () =>
      esbuild({
        entryPoints: ['electron/host/cli.ts'],
        outfile: 'out/host/host.mjs',
        platform: 'node',
        format: 'esm',
        target: 'node20',
        packages: 'external',
        // Bundled CommonJS code calling require() needs one in an ES module.
        banner: {
          js: "import { createRequire as __tillpointRequire } from 'node:module';\nconst require = __tillpointRequire(import.meta.url);",
        },
      }),
  },
  gateway: {
    output: 'out/gateway/gateway.mjs',
    // The Demo gateway as its own process (`npm run gateway`); it needs only these and shared/.
    inputs: ['electron/gateway', 'electron/core'],
    build: () =>
      esbuild({
        entryPoints: ['electron/gateway/cli.ts'],
        outfile: 'out/gateway/gateway.mjs',
        platform: 'node',
        format: 'esm',
        target: 'node20',
        packages: 'external',
        banner: {
          js: "import { createRequire as __tillpointRequire } from 'node:module';\nconst require = __tillpointRequire(import.meta.url);",
        },
      }),
  },
  'verify-journal': {
    output: 'out/tools/verify-journal.mjs',
    // `npm run verify-journal`: the journal check, read only, on its own (electron/host/verify-journal.ts).
    inputs: ['electron/db', 'electron/core', 'electron/host'],
    build: () =>
      esbuild({
        entryPoints: ['electron/host/verify-journal-cli.ts'],
        outfile: 'out/tools/verify-journal.mjs',
        platform: 'node',
        format: 'esm',
        target: 'node20',
        packages: 'external',
        banner: {
          js: "import { createRequire as __tillpointRequire } from 'node:module';\nconst require = __tillpointRequire(import.meta.url);",
        },
      }),
  },
  renderer: {
    output: 'out/renderer/index.html',
    inputs: ['renderer', 'index.html', ...VITE_CONFIGS],
    build: () => {
      const config = findViteConfig();
      if (!config) throw new Error(`no Vite config found (looked for ${VITE_CONFIGS.join(', ')})`);
      return run(process.execPath, [
        path.join(ROOT, 'node_modules/vite/bin/vite.js'),
        'build',
        '--config',
        config,
        '--logLevel',
        'warn',
      ]);
    },
  },
};

const IGNORED_DIRS = new Set(['node_modules', 'out', 'dist', '.vite']);
const isTestFile = (name) => /\.(test|spec)\.[cm]?[jt]sx?$/.test(name);

/** The newest mtime (ms) among the files under `rel`; 0 when it does not exist. Tests are not inputs. */
function newestMtime(rel) {
  let newest = 0;
  const visit = (abs) => {
    let stat;
    try {
      stat = fs.statSync(abs);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
        if (entry.name.startsWith('.') || IGNORED_DIRS.has(entry.name)) continue;
        if (entry.isFile() && isTestFile(entry.name)) continue;
        visit(path.join(abs, entry.name));
      }
    } else if (stat.mtimeMs > newest) {
      newest = stat.mtimeMs;
    }
  };
  visit(path.join(ROOT, rel));
  return newest;
}

/** True when the target's output exists and is newer than all of its inputs. */
export function isFresh(name) {
  const target = TARGETS[name];
  let outputMtime;
  try {
    outputMtime = fs.statSync(path.join(ROOT, target.output)).mtimeMs;
  } catch {
    return false;
  }
  return [...SHARED_INPUTS, ...target.inputs].every((input) => newestMtime(input) <= outputMtime);
}

/**
 * Builds the named targets (all by default) that are missing or stale, or all of them with `force`.
 * Returns the names it built; throws on the first failure.
 */
export async function buildAll({ force = false, only = Object.keys(TARGETS), log = console.log } = {}) {
  const built = [];
  for (const name of only) {
    const target = TARGETS[name];
    if (!target) throw new Error(`unknown build target "${name}" (known: ${Object.keys(TARGETS).join(', ')})`);
    if (!force && isFresh(name)) continue;
    const started = Date.now();
    try {
      await target.build();
    } catch (err) {
      throw new Error(`build of ${name} failed: ${err instanceof Error ? err.message : err}`);
    }
    log(`built ${name} -> ${target.output} (${Date.now() - started} ms)`);
    built.push(name);
  }
  return built;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const force = args.includes('--force');
  const only = args.filter((a) => !a.startsWith('--'));
  try {
    const built = await buildAll({ force, only: only.length ? only : undefined });
    if (built.length === 0) console.log('build: everything is up to date (--force rebuilds)');
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
