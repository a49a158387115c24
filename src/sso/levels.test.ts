/** Assurance-level arithmetic, page language and escaping, redirect URI registration rules (no storage). */
import { describe, expect, it } from 'vitest';
import { AppError } from '../platform/errors.js';
import { checkRedirectUri } from './clients.js';
import { levelOfAcr, levelsOfRequest, targetLevel } from './levels.js';
import { escapeHtml, languageOfHeader } from './pages.js';

describe('assurance levels', () => {
  it('reads only motcua acr values', () => {
    expect([levelOfAcr('urn:motcua:loa:1'), levelOfAcr('urn:motcua:loa:2'), levelOfAcr('urn:motcua:loa:3'), levelOfAcr('2'), levelOfAcr(undefined)]).toEqual([1, 2, undefined, undefined, undefined]);
  });

  it('requires the portal’s level, raised by an essential acr claim; voluntary values only raise what is wanted', () => {
    expect(levelsOfRequest(1, undefined, undefined)).toEqual({ required: 1, wanted: 1 });
    expect(levelsOfRequest(2, undefined, undefined)).toEqual({ required: 2, wanted: 2 });
    expect(levelsOfRequest(1, 'urn:motcua:loa:2', undefined)).toEqual({ required: 1, wanted: 2 });
    expect(levelsOfRequest(1, undefined, { essential: true, values: ['urn:motcua:loa:2'] })).toEqual({ required: 2, wanted: 2 });
    expect(levelsOfRequest(1, undefined, { essential: true, value: 'urn:motcua:loa:2' })).toEqual({ required: 2, wanted: 2 });
    // essential with a choice: any listed value will do, the highest the account meets is used
    expect(levelsOfRequest(1, undefined, { essential: true, values: ['urn:motcua:loa:1', 'urn:motcua:loa:2'] })).toEqual({ required: 1, wanted: 2 });
    expect(levelsOfRequest(1, undefined, { values: ['urn:motcua:loa:2'] })).toEqual({ required: 1, wanted: 2 });
    // a level-2 portal cannot be talked down by asking for level 1
    expect(levelsOfRequest(2, 'urn:motcua:loa:1', { essential: true, value: 'urn:motcua:loa:1' })).toEqual({ required: 2, wanted: 2 });
  });

  it('answers at the highest wanted level the account meets, never below the required one', () => {
    expect(targetLevel({ required: 1, wanted: 2 }, 1)).toBe(1);
    expect(targetLevel({ required: 1, wanted: 2 }, 2)).toBe(2);
    expect(targetLevel({ required: 1, wanted: 1 }, 2)).toBe(1);
    expect(targetLevel({ required: 2, wanted: 2 }, 2)).toBe(2);
    expect(targetLevel({ required: 2, wanted: 2 }, 1)).toBeUndefined();
  });
});

describe('pages', () => {
  it('speaks Vietnamese unless English is preferred', () => {
    expect(languageOfHeader(undefined)).toBe('vi');
    expect(languageOfHeader('en-US,en;q=0.9')).toBe('en');
    expect(languageOfHeader('vi-VN,vi;q=0.9,en;q=0.8')).toBe('vi');
    expect(languageOfHeader('en;q=0.5,vi;q=0.8')).toBe('vi');
    expect(languageOfHeader('fr-FR,fr;q=0.9')).toBe('vi');
  });

  it('escapes what it prints', () => {
    expect(escapeHtml('<img src=x onerror="alert(1)">&\'`')).toBe('&#60;img src=x onerror=&#34;alert(1)&#34;&#62;&#38;&#39;&#96;');
  });
});

describe('redirect URIs at registration', () => {
  const code = (uri: string) => {
    try {
      checkRedirectUri(uri);
      return 'ok';
    } catch (e) {
      return `${(e as AppError).code}: ${(e as AppError).params.reason}`;
    }
  };
  it('takes https, and http only to a loopback address; no fragment, no user information', () => {
    expect(code('https://dichvucong.haiduong.gov.vn/auth/callback')).toBe('ok');
    expect(code('http://127.0.0.1:8080/cb')).toBe('ok');
    expect(code('http://localhost/cb')).toBe('ok');
    expect(code('http://dichvucong.haiduong.gov.vn/cb')).toBe('SSO_REDIRECT_URI_INVALID: https is required (http only for a loopback address)');
    expect(code('https://dichvucong.haiduong.gov.vn/cb#x')).toBe('SSO_REDIRECT_URI_INVALID: a fragment is not allowed');
    expect(code('https://user:pw@dichvucong.haiduong.gov.vn/cb')).toBe('SSO_REDIRECT_URI_INVALID: user information is not allowed');
    expect(code('/auth/callback')).toBe('SSO_REDIRECT_URI_INVALID: not an absolute URL');
    expect(code('javascript:alert(1)')).toBe('SSO_REDIRECT_URI_INVALID: https is required (http only for a loopback address)');
  });
});
