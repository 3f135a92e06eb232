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
      payPort: DEFAULT_PORT + 1,
      payBind: '0.0.0.0',
      simControls: false,
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
      payPort: 0,
      payBind: '0.0.0.0',
      simControls: false,
      help: false,
    });
    expect(parseArgs(['--bind', '[::1]']).bind).toBe('::1');
    expect(parseArgs(['-h']).help).toBe(true);
  });

  it('reads the payment flags: phone pages on port + 1 (any free one with --port 0), their bind and URL, a gateway', () => {
    expect(parseArgs(['--port', '5000'])).toMatchObject({ payPort: 5001, payBind: '0.0.0.0' });
    expect(parseArgs(['--port', '0']).payPort).toBe(0);
    const a = parseArgs([
      '--pay-port=6001',
      '--pay-bind',
      '127.0.0.1',
      '--pay-url',
      'http://till.local:6001/',
      '--gateway',
      'https://127.0.0.1:4880',
    ]);
    expect(a).toMatchObject({
      payPort: 6001,
      payBind: '127.0.0.1',
      payUrl: 'http://till.local:6001',
      gatewayUrl: 'https://127.0.0.1:4880',
    });
    expect(parseArgs(['--pay-bind', '[::]']).payBind).toBe('::');
  });

  it('reads --pay-config and --key-file as paths from the working folder', () => {
    expect(parseArgs(['--pay-config', 'pay.json', '--key-file=/keys/till.key'], { cwd: '/srv' })).toMatchObject({
      payConfig: path.resolve('/srv', 'pay.json'),
      keyFile: path.resolve('/keys/till.key'),
    });
    expect(() => parseArgs(['--pay-config'])).toThrow(/--pay-config needs a value/);
  });

  it("turns the built-in gateway's test controls on only with --sim-controls", () => {
    expect(parseArgs([]).simControls).toBe(false);
    expect(parseArgs(['--sim-controls', '--port', '0']).simControls).toBe(true);
    expect(() => parseArgs(['--sim-controls=yes'])).toThrow('--sim-controls takes no value');
  });

  it.each([
    [['--pay-port', '70000'], /--pay-port must be a whole number from 0 to 65535/],
    [['--pay-url', 'ftp://x'], /--pay-url must be an http:\/\/ or https:\/\/ URL \(got "ftp:\/\/x"\)/],
    [['--pay-url', 'not a url'], /--pay-url must be an http/],
    [['--gateway', 'javascript:alert(1)'], /--gateway must be an http/],
    [['--pay-bind', 'my laptop'], /--pay-bind must be an IP address/],
    [['--port', '65535'], /pass --pay-port/],
    [['--port', '5000', '--pay-port', '5000'], /--pay-port 5000 is the till's own --port/],
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

describe('--printer', () => {
  it('takes every kind of printer, and refuses a wrong URI', () => {
    expect(parseArgs(['--printer', 'tcp://127.0.0.1:9100']).printer).toBe('tcp://127.0.0.1:9100');
    expect(parseArgs(['--printer=file:/dev/usb/lp0']).printer).toBe('file:/dev/usb/lp0');
    for (const uri of ['serial:/dev/ttyUSB0?baud=9600', 'serial:COM3?baud=115200', 'cups:POS_80', 'win:前台 POS-80']) {
      expect(parseArgs(['--printer', uri]).printer).toBe(uri);
    }
    expect(() => parseArgs(['--printer', 'serial:/dev/ttyUSB0?baud=fast'])).toThrow(ArgsError);
    expect(() => parseArgs(['--printer', 'lpt1'])).toThrow(ArgsError);
    expect(parseArgs([]).printer).toBeUndefined();
  });
});
