// Debian's Chromium, as e2e tests and benchmarks launch it: Playwright's own browser downloads are not
// reachable from our machines, and without the background-networking flags Chromium keeps dialling out.
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
