// main.ts end to end with a stand-in electron module: flags, data-folder lock, a real till on a temp
// SQLite file, the windows, and a call over the IPC channel answered by the real router.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOCK_FILE } from './core/lock';
import type { fakeElectron } from './shell/fake-electron';

type Fake = ReturnType<typeof fakeElectron>;

const stage = vi.hoisted(() => {
  let ready!: () => void;
  const started = new Promise<void>((resolve) => {
    ready = resolve;
  });
  return {
    fake: undefined as unknown as Fake,
    started,
    ready,
    appEvents: new Map<string, () => void>(),
    paths: new Map<string, string>(),
  };
});

vi.mock('electron', async () => {
  const { fakeElectron, fakeDisplay } = await import('./shell/fake-electron');
  stage.fake = fakeElectron([fakeDisplay(1, 0), fakeDisplay(2, 1920)]);
  const e = stage.fake.electron as unknown as Record<string, object>;
  return {
    ...e,
    app: {
      ...e.app,
      getVersion: () => '9.9.9',
      getAppPath: () => path.resolve('.'),
      getPath: (name: string) => stage.paths.get(name) ?? path.join(tmpdir(), 'tillpoint-unused-userData'),
      setPath: (name: string, value: string) => stage.paths.set(name, value),
      whenReady: () => Promise.resolve(),
      on: (event: string, listener: () => void) => {
        stage.appEvents.set(event, listener);
        // will-quit is the last thing main() wires up.
        if (event === 'will-quit') stage.ready();
      },
      quit: () => {},
      exit: (code: number) => {
        throw new Error(`app.exit(${code})`);
      },
    },
    protocol: { ...e.protocol, registerSchemesAsPrivileged: () => {} },
    dialog: {
      showErrorBox: (title: string, message: string) => {
        throw new Error(`${title}: ${message}`);
      },
    },
  };
});

const dataDir = mkdtempSync(path.join(tmpdir(), 'tillpoint-main-'));
const argv = process.argv;

beforeAll(async () => {
  process.argv = ['/opt/Tillpoint/tillpoint', '--data-dir', dataDir, '--no-sandbox'];
  await import('./main');
  await stage.started;
});

afterAll(() => {
  process.argv = argv;
});

describe('electron/main.ts', () => {
  it('opens the shop in --data-dir, locked, with Chromium’s profile beside it', () => {
    expect(existsSync(path.join(dataDir, 'tillpoint.db'))).toBe(true);
    expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(true);
    expect(stage.paths.get('userData')).toBe(dataDir);
  });

  it('opens the cashier and, with two monitors, the customer display from app://tillpoint', () => {
    const urls = stage.fake.windows().map((w) => w.url);
    expect(urls).toEqual(['app://tillpoint/', 'app://tillpoint/customer']);
    expect(stage.fake.windows()[0].options.webPreferences?.preload).toMatch(/preload[\\/]preload\.cjs$/);
  });

  it('answers an IPC call with the real till', async () => {
    const handler = stage.fake.ipcHandlers.get('app.info')!;
    const answer = await handler({ senderFrame: { url: 'app://tillpoint/' } }, {});
    expect(answer).toMatchObject({ ok: true, value: { version: '9.9.9', mode: 'electron', dataDir } });
  });

  it('releases the data folder when the app quits', () => {
    stage.appEvents.get('will-quit')!();
    expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
  });
});
