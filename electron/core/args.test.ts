import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArgsError, DEFAULT_PORT, isLoopback, parseArgs } from './args';
import { defaultDataDir } from './paths';

describe('parseArgs', () => {
  it('defaults to the app-data folder, port 4870 and loopback', () => {
    expect(parseArgs([])).toEqual({
      dataDir: defaultDataDir(),
      port: DEFAULT_PORT,
      headless: false,
      bind: '127.0.0.1',
      help: false,
    });
  });

  it('reads every flag, in both --flag value and --flag=value forms', () => {
    const a = parseArgs(['--data-dir', 'shop', '--port=0', '--headless', '--bind', '::1', '--thanks-ms=800'], {
      cwd: '/srv',
    });
    expect(a).toEqual({
      dataDir: path.resolve('/srv', 'shop'),
      port: 0,
      headless: true,
      bind: '::1',
      thanksMs: 800,
      help: false,
    });
    expect(parseArgs(['--bind', '[::1]']).bind).toBe('::1');
    expect(parseArgs(['-h']).help).toBe(true);
  });

  it.each([
    [['--port', 'abc'], /--port must be a whole number from 0 to 65535 \(got "abc"\)/],
    [['--port', '65536'], /--port must be a whole number/],
    [['--port', '-1'], /--port must be a whole number/],
    [['--port', '80.5'], /--port must be a whole number/],
    [['--port'], /--port needs a value/],
    [['--data-dir', '--headless'], /--data-dir needs a value/],
    [['--data-dir='], /--data-dir needs a value/],
    [['--thanks-ms', '10'], /--thanks-ms must be a whole number from 500 to 120000/],
    [['--headless=yes'], /--headless takes no value/],
    [['--colour', 'red'], /Unknown option "--colour"/],
    [['--bind', '0.0.0.0'], /--bind 0.0.0.0 is refused: .*only listens on this computer/],
    [['--bind', '192.168.1.20'], /refused/],
  ])('refuses %j with a clear message', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(ArgsError);
    expect(() => parseArgs(argv)).toThrow(message);
  });

  it("skips Electron's and Chromium's own switches when asked", () => {
    const a = parseArgs(['.', '--no-sandbox', '--inspect=9229', '--port', '5000', '-psn_0_123'], {
      ignoreUnknown: true,
    });
    expect(a.port).toBe(5000);
  });

  it('knows loopback addresses', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST'])
      expect(isLoopback(a)).toBe(true);
    for (const a of ['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', 'example.com', '127.0.0.1.nip.io']) {
      expect(isLoopback(a)).toBe(false);
    }
  });
});
