import { expect, it } from 'vitest';
import { forEachEngine } from '../platform/testing/engines.js';
import { startTestPlatform } from '../platform/testing/app.js';
import { todayInVietnam } from '../platform/dates.js';
import { AppError } from '../platform/errors.js';
import { unitCodeExists, type UnitsTables } from '../units/index.js';
import { changeStaffPassword, createStaff, signInStaff } from './staff.js';

const cli = { kind: 'cli' as const, id: 'cli:test' };

forEachEngine('staff accounts', startTestPlatform, (env) => {
  const create = (username: string, password: string, role: 'ADMIN' | 'COMMUNE_OFFICER' | 'WORKING_GROUP', unitCode: string | null) =>
    createStaff(env().ctx.db, { username, password, role, unitCode }, cli, (c) => unitCodeExists(env().ctx.db.as<UnitsTables>(), c));

  it('creates a commune officer of Xã Cẩm Hoàng with the role permissions', async () => {
    const p = await create('canbo.camhoang', 'Cam-Hoang-2023!', 'COMMUNE_OFFICER', '10897');
    expect(p).toMatchObject({ username: 'canbo.camhoang', role: 'COMMUNE_OFFICER', unitCode: '10897' });
    expect([...p.permissions].sort()).toEqual(['citizen.read', 'desk.help-log', 'desk.manage', 'dossier.intake', 'dossier.process', 'reports.read']);
  });

  it('refuses weak passwords, taken usernames, unknown units and unscoped non-admins, each with its code', async () => {
    const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: AppError) => e.code);
    expect(await code(create('a.b', 'password1', 'COMMUNE_OFFICER', '10897'))).toBe('STAFF_PASSWORD_WEAK');
    expect(await code(create('a.b', 'short', 'COMMUNE_OFFICER', '10897'))).toBe('STAFF_PASSWORD_WEAK');
    expect(await code(create('canbo.camhoang', 'Another-pass-1', 'COMMUNE_OFFICER', '10897'))).toBe('STAFF_USERNAME_TAKEN');
    expect(await code(create('x.y', 'Another-pass-1', 'COMMUNE_OFFICER', '99999'))).toBe('STAFF_UNIT_UNKNOWN');
    expect(await code(create('x.y', 'Another-pass-1', 'WORKING_GROUP', null))).toBe('STAFF_UNIT_REQUIRED');
    expect(await code(create('Bad Name', 'Another-pass-1', 'ADMIN', null))).toBe('STAFF_USERNAME_INVALID');
  });

  it('signs in, answers /staff/me with the bearer token, and signs out', async () => {
    const { app } = env();
    const res = await app.inject({ method: 'POST', url: '/api/v1/staff/sessions', payload: { username: 'canbo.camhoang', password: 'Cam-Hoang-2023!' } });
    expect(res.statusCode).toBe(201);
    const { token, staff } = res.json();
    expect(staff).toEqual({ username: 'canbo.camhoang', displayName: 'canbo.camhoang', role: 'COMMUNE_OFFICER', unitCode: '10897' });
    const auth = { authorization: `Bearer ${token}` };
    const me = await app.inject({ url: '/api/v1/staff/me', headers: auth });
    // Created without a date: its code refers to today's list.
    expect(me.json()).toMatchObject({ username: 'canbo.camhoang', role: 'COMMUNE_OFFICER', unitCode: '10897', unitDate: todayInVietnam() });
    expect((await app.inject({ method: 'DELETE', url: '/api/v1/staff/sessions/current', headers: auth })).statusCode).toBe(204);
    const after = await app.inject({ url: '/api/v1/staff/me', headers: auth });
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('UNAUTHENTICATED');
  });

  it('answers a wrong password and an unknown account alike', async () => {
    const { app } = env();
    const wrong = await app.inject({ method: 'POST', url: '/api/v1/staff/sessions', payload: { username: 'canbo.camhoang', password: 'nope-nope-nope' } });
    const unknown = await app.inject({ method: 'POST', url: '/api/v1/staff/sessions', payload: { username: 'nobody.here', password: 'nope-nope-nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    expect(strip(wrong.json())).toEqual(strip(unknown.json()));
    expect(wrong.json().code).toBe('STAFF_CREDENTIALS_INVALID');
  });

  it('rejects unknown fields in the sign-in body', async () => {
    const r = await env().app.inject({ method: 'POST', url: '/api/v1/staff/sessions', payload: { username: 'a', password: 'b', role: 'ADMIN' } });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors).toEqual([{ field: 'body.role', code: 'FIELD_UNKNOWN', detail: 'Trường "body.role" không được chấp nhận.' }]);
  });
});

forEachEngine('staff sign-in throttling and password change', startTestPlatform, (env) => {
  it('blocks an account after 10 failures, even with the right password, and tells when to retry', async () => {
    const { ctx, app } = env();
    await createStaff(ctx.db, { username: 'hotro.camhoang', password: 'Ho-tro-2023!', role: 'SUPPORT_TEAM', unitCode: '10897', unitDate: '2023-02-28' }, cli, (c) => unitCodeExists(ctx.db.as<UnitsTables>(), c));
    const attempt = (password: string) => app.inject({ method: 'POST', url: '/api/v1/staff/sessions', payload: { username: 'hotro.camhoang', password }, remoteAddress: '10.1.1.1' });
    for (let i = 0; i < 10; i++) expect((await attempt(`wrong-${i}-password`)).statusCode).toBe(401);
    const blocked = await attempt('Ho-tro-2023!');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().code).toBe('RATE_LIMITED');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(800);
  });

  it('refuses a commune role on a province and a province role on a commune', async () => {
    const code = (role: 'COMMUNE_OFFICER' | 'PROVINCIAL_POLICE', unit: string) =>
      createStaff(env().ctx.db, { username: `x${role.length}${unit}`, password: 'Mot-cua-2023!', role, unitCode: unit }, cli, async () => true).then(() => 'ok', (e: AppError) => e.code);
    expect(await code('COMMUNE_OFFICER', '30')).toBe('STAFF_UNIT_LEVEL');
    expect(await code('PROVINCIAL_POLICE', '10897')).toBe('STAFF_UNIT_LEVEL');
  });

  it('changes a password and ends the sessions of the account', async () => {
    const { ctx, app } = env();
    const { token } = await signInStaff(ctx.db, 'canbo.x', 'x', null).catch(() => ({ token: '' }));
    expect(token).toBe('');
    await createStaff(ctx.db, { username: 'canbo.y', password: 'Can-bo-2023!', role: 'COMMUNE_OFFICER', unitCode: '10897' }, cli, async () => true);
    const s = await signInStaff(ctx.db, 'canbo.y', 'Can-bo-2023!', null);
    await changeStaffPassword(ctx.db, 'canbo.y', 'Mat-khau-moi-2024', cli);
    expect((await app.inject({ url: '/api/v1/staff/me', headers: { authorization: `Bearer ${s.token}` } })).statusCode).toBe(401);
    expect((await signInStaff(ctx.db, 'canbo.y', 'Mat-khau-moi-2024', null)).staff.username).toBe('canbo.y');
  });
});
