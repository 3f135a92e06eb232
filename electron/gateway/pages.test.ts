import { describe, expect, it } from 'vitest';
import { escapeHtml, makeToken, PAGE_STRINGS, payPage, pickLang, readToken, sameToken } from './pages';

describe('phone page strings', () => {
  it('has every string in both languages, none empty', () => {
    const en = Object.keys(PAGE_STRINGS.en).sort();
    expect(Object.keys(PAGE_STRINGS['zh-CN']).sort()).toEqual(en);
    for (const lang of ['en', 'zh-CN'] as const) {
      for (const v of Object.values(PAGE_STRINGS[lang])) expect(v.trim()).not.toBe('');
    }
  });

  it('picks the language by Accept-Language', () => {
    expect(pickLang('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(pickLang('zh-TW')).toBe('zh-CN');
    expect(pickLang('en-US,en;q=0.9')).toBe('en');
    expect(pickLang('fr-FR, en;q=0.5, zh;q=0.7')).toBe('zh-CN');
    expect(pickLang('de')).toBe('en');
    expect(pickLang(undefined)).toBe('en');
  });
});

describe('phone page tokens', () => {
  const key = 'ab'.repeat(32);
  it('names its trade and expiry, and refuses any change', () => {
    const token = makeToken(key, 'DPABCDEF0123456789', new Date(1_800_000_000_000));
    expect(readToken(key, token)).toEqual({ providerRef: 'DPABCDEF0123456789', expiresAtMs: 1_800_000_000_000 });
    expect(readToken(key, token.replace('DPABCDEF', 'DPABCDEE'))).toBeNull();
    expect(readToken(key, token.replace('.18', '.19'))).toBeNull();
    expect(readToken('cd'.repeat(32), token)).toBeNull();
    expect(readToken(key, `${token}x`)).toBeNull();
    expect(sameToken(token, token)).toBe(true);
    expect(sameToken(token, `${token}x`)).toBe(false);
  });
});

describe('phone page HTML', () => {
  it('escapes what merchants and orders supply and loads nothing from elsewhere', () => {
    const page = payPage('en', 'tok', {
      merchantName: '<script>alert(1)</script>',
      amountMinor: 1250,
      currency: 'CNY',
      orderNumber: '"0042"',
    });
    expect(page.html).not.toContain('<script>');
    expect(page.html).toContain(escapeHtml('<script>alert(1)</script>'));
    expect(page.html).toContain('¥12.50');
    expect(page.html).not.toMatch(/(src|href)=["']?https?:/);
    expect(page.csp).toContain("default-src 'none'");
  });
});
