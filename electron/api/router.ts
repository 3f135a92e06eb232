// The one place a call from outside (an Electron window over IPC, a browser over HTTP) meets the till:
// it checks the method exists, validates the input against the contract, runs the handler and wraps the
// answer in the Result envelope. Nothing unvalidated reaches a handler; no stack trace leaves the process.
import type { z } from 'zod';
import { type ApiError, api, ErrorCode, isMethodName, type Result, TillError } from '../../shared/api';
import type { CallContext, Handlers } from '../core/types';

export interface Router {
  call(method: string, rawInput: unknown, ctx: CallContext): Promise<Result<unknown>>;
}

export interface RouterOptions {
  /** Check every answer against the contract: catches handler bugs in tests. Default: outside production. */
  validateOutput?: boolean;
}

type Issue = NonNullable<ApiError['issues']>[number];

function pathOf(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/** An answer names this many problems at most: a body of a thousand bad keys must not get a huge reply. */
export const MAX_ISSUES = 20;

/** One issue per field; an unknown key becomes an issue on that key, so the message names it. */
function toIssues(error: z.ZodError): { issues: Issue[]; total: number } {
  const issues: Issue[] = [];
  let total = 0;
  for (const i of error.issues) {
    const paths = i.code === 'unrecognized_keys' ? i.keys.map((k) => pathOf([...i.path, k])) : [pathOf(i.path)];
    total += paths.length;
    for (const path of paths) {
      if (issues.length >= MAX_ISSUES) break;
      issues.push({ path, message: i.code === 'unrecognized_keys' ? 'Unknown field' : i.message });
    }
  }
  return { issues, total };
}

export function invalidInput(issues: Issue[], total = issues.length): ApiError {
  const shown = issues.slice(0, MAX_ISSUES);
  const parts = shown.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
  if (total > shown.length) parts.push(`and ${total - shown.length} more`);
  return { code: 'INVALID_INPUT', message: `Invalid input: ${parts.join('; ')}`, issues: shown };
}

/** The refusal for a request over its method's size limit (HTTP 413). */
export function tooLarge(limitBytes: number): ApiError {
  const limitKb = Math.round(limitBytes / 1024);
  return { code: 'TOO_LARGE', message: `Request is larger than ${limitKb} kB`, params: { limitKb } };
}

function fail(error: ApiError): Result<never> {
  return { ok: false, error };
}

const INTERNAL: ApiError = { code: 'INTERNAL', message: 'Something went wrong inside Tillpoint; see its log' };

/** A TillError, also one from another copy of shared/api (two bundles), recognised by shape. */
function asTillError(err: unknown): TillError | undefined {
  if (err instanceof TillError) return err;
  if (err instanceof Error && err.name === 'TillError' && ErrorCode.safeParse((err as TillError).code).success) {
    return err as TillError;
  }
  return undefined;
}

export function createRouter(handlers: Handlers, opts: RouterOptions = {}): Router {
  const validateOutput = opts.validateOutput ?? process.env.NODE_ENV !== 'production';

  return {
    async call(method, rawInput, ctx) {
      const handler = isMethodName(method) ? (handlers[method] as unknown) : undefined;
      if (!isMethodName(method) || typeof handler !== 'function') {
        return fail({ code: 'UNKNOWN_METHOD', message: `Unknown method "${method}"`, params: { method } });
      }
      const { input, output } = api[method];
      // No input at all (an IPC call without arguments, an empty HTTP body) means "no fields".
      const parsed = input.safeParse(rawInput === undefined ? {} : rawInput);
      if (!parsed.success) {
        const { issues, total } = toIssues(parsed.error);
        return fail(invalidInput(issues, total));
      }

      let value: unknown;
      try {
        value = await (handler as (args: unknown, ctx: CallContext) => unknown)(parsed.data, ctx);
      } catch (err) {
        const tillError = asTillError(err);
        if (tillError) {
          return fail({
            code: tillError.code,
            message: tillError.message,
            ...(tillError.params ? { params: tillError.params } : {}),
          });
        }
        console.error(`[api] ${method} failed`, err);
        return fail(INTERNAL);
      }

      if (validateOutput) {
        const checked = (output as z.ZodType).safeParse(value);
        if (!checked.success) {
          console.error(`[api] ${method} answered outside the contract:\n${checked.error.message}`);
          return fail(INTERNAL);
        }
      }
      return { ok: true, value };
    },
  };
}

/** HTTP status for a reply: domain refusals are 422, so a client can tell them from malformed requests. */
export function httpStatus(result: Result<unknown>): number {
  if (result.ok) return 200;
  switch (result.error.code) {
    case 'INVALID_INPUT':
      return 400;
    case 'FORBIDDEN':
      return 403;
    case 'TOO_LARGE':
      return 413;
    case 'UNKNOWN_METHOD':
      return 404;
    case 'INTERNAL':
      return 500;
    default:
      return 422;
  }
}
