import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CSP } from './security';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Directive name -> sorted sources, so spacing and order do not matter. */
function directives(policy: string): Record<string, string[]> {
  return Object.fromEntries(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...sources]) => [name, sources.sort()]),
  );
}

describe('Content-Security-Policy', () => {
  it('the header the windows get is the policy of the renderer’s meta tag', () => {
    const html = readFileSync(path.join(ROOT, 'renderer', 'index.html'), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html);
    expect(meta, 'renderer/index.html has a CSP meta tag').not.toBeNull();
    expect(directives(CSP)).toEqual(directives(meta![1]));
  });

  it('allows no inline or remote script', () => {
    expect(directives(CSP)['script-src']).toEqual(["'self'"]);
    expect(directives(CSP)['object-src']).toEqual(["'none'"]);
  });
});
