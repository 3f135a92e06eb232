import { afterEach, describe, expect, it } from 'vitest';
import { BodyParser, exceedsLimit, MAX_LARGE_BODY_TOKENS, PIECE_CHARS } from './body';

const parsers: BodyParser[] = [];
function parser(): BodyParser {
  const p = new BodyParser();
  parsers.push(p);
  return p;
}
afterEach(async () => {
  for (const p of parsers.splice(0)) await p.close();
});

const csvBody = (rows: number) =>
  Buffer.from(JSON.stringify({ csv: `barcode,name,price\n${'6901234567892,可乐 "Cola",3.50\n'.repeat(rows)}` }));

describe('request bodies', () => {
  it('parses a small body and a large one alike, Chinese and escapes included', async () => {
    const p = parser();
    expect(await p.parse(Buffer.from('{"barcode":"6901234567892","quantity":2}'))).toEqual({
      ok: true,
      value: { barcode: '6901234567892', quantity: 2 },
    });
    const large = csvBody(100_000);
    expect(large.length).toBeGreaterThan(64 * 1024);
    expect(await p.parse(large)).toEqual({ ok: true, value: JSON.parse(large.toString('utf8')) });
  });

  it('says which bodies are not JSON, small or large', async () => {
    const p = parser();
    expect(await p.parse(Buffer.from('{"barcode":'))).toEqual({ ok: false, reason: 'json' });
    expect(await p.parse(Buffer.from(`{"csv":"${'x'.repeat(100_000)}`))).toEqual({ ok: false, reason: 'json' });
  });

  it('refuses a large body made of keys rather than text, and takes one just within the count', async () => {
    const p = parser();
    const keys = (n: number) => `{${Array.from({ length: n }, (_, i) => `"k${i}":"${'x'.repeat(100)}"`).join(',')}}`;
    expect(await p.parse(Buffer.from(keys(MAX_LARGE_BODY_TOKENS)))).toEqual({ ok: false, reason: 'structure' });
    const within = await p.parse(Buffer.from(keys(MAX_LARGE_BODY_TOKENS / 2)));
    expect(within.ok).toBe(true);
    // Brackets and commas inside strings are text, not structure.
    const text = Buffer.from(JSON.stringify({ csv: '{[,:'.repeat(50_000) }));
    expect(await p.parse(text)).toEqual({ ok: true, value: { csv: '{[,:'.repeat(50_000) } });
  });

  it('parses a large body off the main thread: this thread goes on while it is parsed', async () => {
    const p = parser();
    const order: string[] = [];
    // ~20 MB takes the worker a good fraction of a second; a parse on this thread would be done (and its
    // promise settled) before any macrotask of this thread could run.
    const parsing = p.parse(csvBody(600_000)).then((r) => order.push(r.ok ? 'parsed' : 'failed'));
    await new Promise<void>((resolve) => setImmediate(() => resolve(void order.push('main thread'))));
    await parsing;
    expect(order).toEqual(['main thread', 'parsed']);
  });

  it('brings long strings back whole wherever they sit, a piece per turn of this thread', async () => {
    const p = parser();
    const long = (c: string) => c.repeat(PIECE_CHARS * 2 + 17);
    const value = { a: { b: [long('甲'), 'short', long('y')] }, c: long('z'), ['__proto__']: long('p'), d: 1 };
    const text = JSON.stringify(value);
    expect(text).toContain('"__proto__"');
    // One count per turn of this thread's event loop.
    let turns = 0;
    let counting = true;
    const count = () => {
      turns++;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    const parsed = await p.parse(Buffer.from(text));
    counting = false;
    expect(parsed).toEqual({ ok: true, value: JSON.parse(text) });
    expect(Object.getPrototypeOf((parsed as { value: object }).value)).toBe(Object.prototype);
    // Nine pieces came back one at a time, with this thread's own work between them.
    expect(turns).toBeGreaterThanOrEqual(9);
  });

  it('answers several large bodies in the order of their own results', async () => {
    const p = parser();
    const bodies = [csvBody(10_000), Buffer.from(`{"csv":"${'y'.repeat(70_000)}"}`), csvBody(20_000)];
    const results = await Promise.all(bodies.map((b) => p.parse(b)));
    expect(results.map((r) => r.ok && (r.value as { csv: string }).csv.length)).toEqual(
      bodies.map((b) => JSON.parse(b.toString('utf8')).csv.length),
    );
  });
});

describe('the size of an IPC call', () => {
  it('measures like JSON, and stops counting at the limit', () => {
    expect(exceedsLimit({ barcode: '6901234567892' }, 64 * 1024)).toBe(false);
    expect(exceedsLimit({ csv: 'x'.repeat(64 * 1024) }, 64 * 1024)).toBe(true);
    expect(exceedsLimit([...Array(70_000).keys()], 64 * 1024)).toBe(true);
    const hostile: Record<string, number> = {};
    for (let i = 0; i < 200_000; i++) hostile[`k${i}`] = i;
    expect(exceedsLimit(hostile, 64 * 1024)).toBe(true);
    expect(exceedsLimit({ a: { b: { c: ['d'] } } }, 100)).toBe(false);
    expect(exceedsLimit(undefined, 10)).toBe(false);
  });
});
