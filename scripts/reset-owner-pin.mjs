#!/usr/bin/env node
// `npm run reset-owner-pin -- --data-dir D [--code CODE] [--pin PIN]`: sets a new owner PIN with the recovery
// code (see electron/host/reset-owner-pin.ts), bundled with esbuild into out/tools/ and run here.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './build.mjs';

const outfile = path.join(ROOT, 'out', 'tools', 'reset-owner-pin.mjs');
const { build } = await import('esbuild');
await build({
  absWorkingDir: ROOT,
  entryPoints: ['electron/host/reset-owner-pin.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
  logOverride: { 'empty-import-meta': 'silent' },
  banner: {
    js: "import { createRequire as __tillpointRequire } from 'node:module';\nconst require = __tillpointRequire(import.meta.url);",
  },
});
const { main } = await import(pathToFileURL(outfile).href);
process.exitCode = await main(process.argv.slice(2));
