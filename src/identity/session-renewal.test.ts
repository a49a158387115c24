/**
 * Session identifiers are renewed at sign-in and invalidated at sign-out (OWASP ASVS 5.0 §7.2.4,
 * §7.4.1), for staff and for citizens, on SQLite and PostgreSQL. Several sessions may live
 * together here (`MOTCUA_EID_SINGLE_DEVICE=off`), so what ends a session below is the sign-in that
 * replaces it or the sign-out, not the one-device rule.
 */
import { expect, it } from 'vitest';
import { forEachEngine } from '../platform/testing/engines.js';
import { auditEntriesFor } from '../platform/audit/audit.js';
import { activeAccount, person, pinFor, register, STAFF_PASSWORD, startEidPlatform } from './eid/testing/fixtures.js';

const an = person({ pin: pinFor('male', 1990, 1234), fullName: 'Nguyễn Văn An', dateOfBirth: '1990-05-12', sex: 'male' });
const AN_PASSWORD = 'Hoàng-Xá-1990';

async function setup(t: Parameters<typeof startEidPlatform>[0]) {
  const p = await startEidPlatform(t, { MOTCUA_EID_SINGLE_DEVICE: 'off' });
  await register(p, an);
  await activeAccount(p, an, 1, AN_PASSWORD);
  return p;
}

forEachEngine('session renewal at sign-in, end at sign-out', setup, (env) => {
  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, token?: string, payload?: unknown) =>
    env().app.inject({ method, url, payload: payload as never, remoteAddress: '203.0.113.10', headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('gives a citizen a new token at each sign-in and ends the session the request came with', async () => {
    const first = await call('POST', '/api/v1/eid/sessions', undefined, { pin: an.pin, password: AN_PASSWORD, deviceName: 'Điện thoại Cẩm Hoàng' });
    expect(first.statusCode).toBe(201);
    const t1 = first.json().token as string;
    expect(t1).toMatch(/^eid\.[A-Za-z0-9_-]{43}$/);
    // signing in again from the same device, with its token: a new token, the old one is dead
    const again = await call('POST', '/api/v1/eid/sessions', t1, { pin: an.pin, password: AN_PASSWORD, deviceName: 'Điện thoại Cẩm Hoàng' });
    expect(again.statusCode).toBe(201);
    const t2 = again.json().token as string;
    expect(t2).not.toBe(t1);
    expect(again.json().sessionId).not.toBe(first.json().sessionId);
    expect(again.json().endedSessions).toBe(0); // no other device's session was touched
    expect((await call('GET', '/api/v1/eid/me', t1)).json()).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect((await call('GET', '/api/v1/eid/me', t2)).json()).toMatchObject({ level: 1, status: 'active' });
    // a sign-in on another device (no token sent) leaves this one alone
    const other = await call('POST', '/api/v1/eid/sessions', undefined, { pin: an.pin, password: AN_PASSWORD, deviceName: 'Máy tính bảng' });
    const t3 = other.json().token as string;
    const sessions = (await call('GET', '/api/v1/eid/me/sessions', t2)).json();
    expect(sessions.total).toBe(2);
    expect(sessions.items.map((s: { device: string; current: boolean }) => [s.device, s.current]).sort()).toEqual([
      ['Máy tính bảng', false],
      ['Điện thoại Cẩm Hoàng', true],
    ]);
    const history = (await call('GET', '/api/v1/eid/me/history', t3)).json();
    expect(history.usage.items.filter((u: { action: string }) => u.action === 'session-ended')).toEqual([
      expect.objectContaining({ action: 'session-ended', device: 'Điện thoại Cẩm Hoàng', sourceIp: '203.0.113.10', detail: 'a new sign-in from the same device' }),
    ]);
  });

  it('ends a citizen session at sign-out: its token no longer works anywhere, the other device stays signed in', async () => {
    const a = (await call('POST', '/api/v1/eid/sessions', undefined, { pin: an.pin, password: AN_PASSWORD, deviceName: 'Điện thoại' })).json().token as string;
    const b = (await call('POST', '/api/v1/eid/sessions', undefined, { pin: an.pin, password: AN_PASSWORD, deviceName: 'Máy tính' })).json().token as string;
    expect((await call('DELETE', '/api/v1/eid/me/sessions/current', a)).statusCode).toBe(204);
    expect((await call('GET', '/api/v1/eid/me', a)).statusCode).toBe(401);
    expect((await call('GET', '/api/v1/eid/me/sessions', a)).statusCode).toBe(401);
    expect((await call('DELETE', '/api/v1/eid/me/sessions/current', a)).statusCode).toBe(401);
    expect((await call('GET', '/api/v1/eid/me', b)).statusCode).toBe(200);
  });

  it('gives staff a new token at each sign-in and ends the session the request came with; other tabs keep theirs', async () => {
    const signIn = (token?: string) => call('POST', '/api/v1/staff/sessions', token, { username: 'canbo.camhoang', password: STAFF_PASSWORD });
    const s1 = (await signIn()).json().token as string;
    const tab = (await signIn()).json().token as string;
    expect((await call('GET', '/api/v1/staff/me', s1)).json()).toMatchObject({ username: 'canbo.camhoang', role: 'COMMUNE_OFFICER', unitCode: '10897' });
    const again = await signIn(s1);
    expect(again.statusCode).toBe(201);
    const s2 = again.json().token as string;
    expect(s2).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(s2).not.toBe(s1);
    expect((await call('GET', '/api/v1/staff/me', s1)).json()).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect((await call('GET', '/api/v1/staff/me', s2)).statusCode).toBe(200);
    expect((await call('GET', '/api/v1/staff/me', tab)).statusCode).toBe(200);
    const log = await auditEntriesFor(env().ctx.db, { type: 'staff', id: 'canbo.camhoang' }, { offset: 0, limit: 10 });
    const summaries = log.items.filter((e) => e.action === 'staff.sign-in').map((e) => e.summary);
    expect(summaries).toHaveLength(4); // the fixture's, s1, the other tab, and again (newest first)
    expect(summaries[0]).toMatch(/^signed in.*; the session the request came with ended$/);
    expect(summaries.slice(1).filter((x) => x.includes('ended'))).toEqual([]);
    // a wrong password sent with a live token ends nothing
    expect((await call('POST', '/api/v1/staff/sessions', s2, { username: 'canbo.camhoang', password: 'sai-mat-khau-2023' })).statusCode).toBe(401);
    expect((await call('GET', '/api/v1/staff/me', s2)).statusCode).toBe(200);
  });

  it('ends a staff session at sign-out: its token no longer works, another tab’s still does', async () => {
    const s = (await call('POST', '/api/v1/staff/sessions', undefined, { username: 'congan.camhoang', password: STAFF_PASSWORD })).json().token as string;
    const tab = (await call('POST', '/api/v1/staff/sessions', undefined, { username: 'congan.camhoang', password: STAFF_PASSWORD })).json().token as string;
    expect((await call('DELETE', '/api/v1/staff/sessions/current', s)).statusCode).toBe(204);
    expect((await call('GET', '/api/v1/staff/me', s)).json()).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect((await call('GET', '/api/v1/eid/applications', s)).statusCode).toBe(401);
    expect((await call('GET', '/api/v1/staff/me', tab)).json()).toMatchObject({ username: 'congan.camhoang' });
  });
});
