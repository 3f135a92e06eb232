// The renderer build: renderer/ -> out/renderer. base './' so the same files load from the host
// (http://.../ and /customer), from Electron's app protocol, or from file://.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('./renderer', import.meta.url));
const outDir = fileURLToPath(new URL('./out/renderer', import.meta.url));

/** The dev server injects an inline script (React Refresh) that the CSP forbids; the build keeps the CSP. */
function devWithoutCsp(): Plugin {
  return {
    name: 'tillpoint-dev-without-csp',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace(/<meta\s+http-equiv="Content-Security-Policy"[\s\S]*?\/>/, ''),
  };
}

// In dev, the API and push events come from a running host: TILLPOINT_HOST=http://127.0.0.1:PORT npx vite
const host = process.env.TILLPOINT_HOST ?? 'http://127.0.0.1:4300';

export default defineConfig({
  root,
  base: './',
  plugins: [react(), devWithoutCsp()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'chrome120',
    // Production builds carry and serve no source maps (the dev server still makes its own).
    sourcemap: false,
    chunkSizeWarningLimit: 1024,
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': host,
      '/events': { target: host.replace(/^http/, 'ws'), ws: true },
    },
  },
});
