// The issue demands it: every method, fed inputs derived from its own schema that break one rule each,
// answers 400 with a message and leaves the shop's data exactly as it was.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiError, api, METHOD_NAMES, type MethodName, type Result } from '../../shared/api';
import { createTill, type Till } from '../till/index';
import { type Host, startHost } from './server';

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  additionalProperties?: unknown;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
}

interface BadCase {
  why: string;
  /** The field the message must name; undefined for a body that is wrong as a whole. */
  field?: string;
  /** Sent as is, so it may hold what JSON.stringify cannot produce (1e400). */
  body: string;
}

const TABLES = [
  'products',
  'orders',
  'order_lines',
  'payments',
  'refunds',
  'sequences',
  'journal',
  'settings',
  'staff',
  'pin_attempts',
] as const;

/** Valid examples for string patterns a plain 'a' does not satisfy (a customer's payment code). */
const PATTERN_EXAMPLES: Record<string, string> = {
  '^\\d{16,24}$': '2800000000000000',
  // A staff PIN.
  '^\\d{4,6}$': '1234',
  // A receipt printer's URI (settings.update printer.uri).
  '^(tcp:\\/\\/|file:|serial:|cups:|win:|system:)\\S': 'tcp://127.0.0.1:9100',
  // A record id (UUIDv7: a Z report's) or an approval id; a business day.
  '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$': '0193a6b2-7c00-7000-8000-000000000001',
  '^\\d{4}-\\d{2}-\\d{2}$': '2026-11-25',
};

/** A single property's schema, unwrapping `anyOf` (nullable) to its non-null branch. */
function plain(s: JsonSchema): JsonSchema {
  return s.anyOf?.find((b) => b.type !== 'null') ?? s;
}

/** A value that satisfies the property schema, so a bad case breaks exactly one rule. */
function validValue(s: JsonSchema): unknown {
  s = plain(s);
  if (s.enum) return s.enum[0];
  switch (s.type) {
    case 'string':
      if (s.pattern && PATTERN_EXAMPLES[s.pattern]) return PATTERN_EXAMPLES[s.pattern];
      if (s.pattern && !new RegExp(s.pattern).test('a')) throw new Error(`Add an example for pattern ${s.pattern}`);
      return 'a'.repeat(Math.max(1, s.minLength ?? 0));
    case 'object':
      return validObject(s);
    case 'integer':
    case 'number':
      return s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1);
    case 'boolean':
      return true;
    case 'array':
      // As many valid items as the list needs (a scale's flag prefixes, 20..29).
      return Array.from({ length: Math.max(1, s.minItems ?? 0) }, () => validValue(s.items ?? {}));
    default:
      throw new Error(`No valid example for schema ${JSON.stringify(s)}`);
  }
}

/** Values that break the property schema, each for one reason. Raw JSON text, so 1e400 can be sent. */
function badValues(s: JsonSchema): { why: string; json: string }[] {
  const nullable = s.anyOf?.some((b) => b.type === 'null') ?? false;
  s = plain(s);
  const bad: { why: string; json: string }[] = [
    ...(nullable ? [] : [{ why: 'null', json: 'null' }]),
    { why: 'an array', json: '[]' },
    { why: 'an object', json: '{}' },
  ];
  const add = (why: string, value: unknown) => bad.push({ why, json: JSON.stringify(value) });
  if (s.enum) {
    add('not one of the options', 'NOT_AN_OPTION');
    add('a number', 1);
    return bad;
  }
  switch (s.type) {
    case 'string':
      add('a number', 12345);
      add('a boolean', true);
      if (s.maxLength !== undefined) add('too long', 'x'.repeat(s.maxLength + 1));
      if ((s.minLength ?? 0) > 0) {
        add('empty', '');
        add('only spaces', '   ');
      }
      if (s.pattern) add('with characters the pattern refuses', 'bad value!');
      break;
    case 'integer':
    case 'number':
      add('a string', '12');
      add('a boolean', false);
      bad.push({ why: 'infinite', json: '1e400' });
      if (s.type === 'integer') add('not a whole number', (s.minimum ?? 0) + 1.5);
      if (s.maximum !== undefined) add('above the maximum', s.maximum + 1);
      if (s.minimum !== undefined) add('below the minimum', s.minimum - 1);
      if (s.exclusiveMinimum !== undefined) add('at the exclusive minimum', s.exclusiveMinimum);
      break;
    case 'boolean':
      add('a string', 'true');
      add('a number', 1);
      break;
    case 'array': {
      // "an array" above is only bad when the list may not be empty.
      if ((s.minItems ?? 0) === 0)
        bad.splice(
          bad.findIndex((b) => b.why === 'an array'),
          1,
        );
      add('a string', 'a');
      const one = validValue(s.items ?? {});
      if (s.maxItems !== undefined)
        add(
          'too many items',
          Array.from({ length: s.maxItems + 1 }, () => one),
        );
      break;
    }
    default:
      throw new Error(`No bad values for schema ${JSON.stringify(s)}`);
  }
  return bad;
}

function validObject(s: JsonSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of s.required ?? []) out[name] = validValue(s.properties![name]);
  return out;
}

/** For an object field (settings.update's payLimits, bankQr): each of its own fields broken in turn. */
function nestedCases(name: string, s: JsonSchema, base: Record<string, unknown>): BadCase[] {
  const valid = validObject(s);
  const body = (value: Record<string, unknown>) => JSON.stringify({ ...base, [name]: value });
  const cases: BadCase[] = [
    ...['null', '[]', '"text"', '7'].map((json) => ({
      why: `${name} as ${json}`,
      field: name,
      body: JSON.stringify({ ...base, [name]: '__BAD__' }).replace('"__BAD__"', json),
    })),
    { why: `${name} with an unknown field`, field: `${name}.extra`, body: body({ ...valid, extra: 1 }) },
  ];
  for (const [sub, prop] of Object.entries(s.properties ?? {})) {
    const field = `${name}.${sub}`;
    for (const { why, json } of badValues(prop)) {
      cases.push({
        why: `${field} ${why}`,
        field,
        body: body({ ...valid, [sub]: '__BAD__' }).replace('"__BAD__"', json),
      });
    }
    if (s.required?.includes(sub)) {
      const { [sub]: _, ...without } = valid;
      cases.push({ why: `${field} missing`, field, body: body(without) });
    }
  }
  return cases;
}

function badCases(method: MethodName): BadCase[] {
  const schema = z.toJSONSchema(api[method].input, { io: 'input' }) as JsonSchema;
  expect(schema.type).toBe('object');
  const props = schema.properties ?? {};
  // Every required field filled, so each case below breaks one rule only.
  const base: Record<string, unknown> = {};
  for (const name of schema.required ?? []) base[name] = validValue(props[name]);

  const cases: BadCase[] = [
    ...['null', '[]', '42', '"text"', 'true', '[{}]'].map((body) => ({ why: `body ${body}`, body })),
    { why: 'an unknown extra field', field: 'unexpectedField', body: JSON.stringify({ ...base, unexpectedField: 1 }) },
  ];
  for (const [name, prop] of Object.entries(props)) {
    if (plain(prop).type === 'object') {
      cases.push(...nestedCases(name, plain(prop), base));
      continue;
    }
    for (const { why, json } of badValues(prop)) {
      const rest = JSON.stringify({ ...base, [name]: '__BAD__' });
      cases.push({ why: `${name} ${why}`, field: name, body: rest.replace('"__BAD__"', json) });
    }
    if (schema.required?.includes(name)) {
      const { [name]: _, ...without } = base;
      cases.push({ why: `${name} missing`, field: name, body: JSON.stringify(without) });
    }
  }
  return cases;
}

function post(port: number, method: string, body: string): Promise<{ status: number; json: Result<unknown> }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/api/${method}`,
        headers: { 'Content-Type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

let dataDir: string;
let till: Till;
let host: Host;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tillpoint-bad-input-'));
  till = createTill({ dataDir, mode: 'host', version: 'test' });
  host = await startHost({ till, port: 0, rendererDir: path.join(dataDir, 'no-renderer') });
});
afterAll(async () => {
  await host?.close();
  till?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function snapshot(): Record<string, unknown[]> {
  return Object.fromEntries(TABLES.map((t) => [t, till.db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all()]));
}

describe('bad input over HTTP', () => {
  it.each(METHOD_NAMES)('%s refuses every input that breaks its schema, changing nothing', async (method) => {
    const before = snapshot();
    const cases = badCases(method);
    expect(cases.length).toBeGreaterThan(6);
    for (const c of cases) {
      const { status, json } = await post(host.port, method, c.body);
      const label = `${method} with ${c.why}: ${c.body.slice(0, 80)}`;
      expect(status, label).toBe(400);
      expect(json.ok, label).toBe(false);
      const error = (json as { error: ApiError }).error;
      expect(error.code, label).toBe('INVALID_INPUT');
      expect(error.message, label).toMatch(/^Invalid input: \S/);
      if (c.field) {
        expect(error.message, label).toContain(c.field);
        expect(
          error.issues?.map((i) => i.path),
          label,
        ).toContain(c.field);
      }
    }
    const after = snapshot();
    for (const t of TABLES) expect(after[t].length, `${t} row count`).toBe(before[t].length);
    expect(after).toEqual(before);
  });
});
