import { expect, it } from 'vitest';
import { sql } from 'kysely';
import { forEachEngine } from '../platform/testing/engines.js';
import { startTestPlatform } from '../platform/testing/app.js';
import { changeStaffPassword, createStaff, signInStaff, signOutStaff, staffAuthProvider } from './staff.js';

const cli = { kind: 'cli' as const, id: 'cli:test' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

forEachEngine('staff session cache', startTestPlatform, (env) => {
  const signIn = async (username: string) => {
    const { ctx } = env();
    await createStaff(ctx.db, { username, password: 'Cam-Hoang-2023!', role: 'COMMUNE_POLICE', unitCode: '10897', unitDate: '2023-02-28' }, cli, async () => true);
    return (await signInStaff(ctx.db, username, 'Cam-Hoang-2023!', '127.0.0.1')).token;
  };

  it('refuses a session revoked by another app copy once the staleness bound has passed, not before', async () => {
    const { ctx } = env();
    const token = await signIn('congan.camhoang');
    const auth = staffAuthProvider(ctx.db, { cacheMs: 300 });
    expect(await auth.authenticate(token)).toMatchObject({ kind: 'staff', username: 'congan.camhoang', role: 'COMMUNE_POLICE', unitCode: '10897', unitDate: '2023-02-28' });
    // Another copy revokes it: a direct update, which this process cannot hear of.
    await sql`update staff_sessions set revoked_at = '2023-02-28T03:00:00.000Z'`.execute(ctx.db.kysely);
    const revokedAt = Date.now();
    expect((await auth.authenticate(token))?.username).toBe('congan.camhoang'); // trusted from the cache, within 300 ms
    await sleep(Math.max(0, 320 - (Date.now() - revokedAt)));
    expect(await auth.authenticate(token)).toBeUndefined();
    // Without a cache, the revocation is seen on the very next request.
    const other = await signIn('canbo.camhoang');
    const uncached = staffAuthProvider(ctx.db, { cacheMs: 0 });
    expect((await uncached.authenticate(other))?.username).toBe('canbo.camhoang');
    await sql`update staff_sessions set revoked_at = '2023-02-28T03:00:00.000Z' where revoked_at is null`.execute(ctx.db.kysely);
    expect(await uncached.authenticate(other)).toBeUndefined();
  });

  it('sees a sign-out and a password change made through this process at once, whatever the bound', async () => {
    const { ctx } = env();
    const auth = staffAuthProvider(ctx.db, { cacheMs: 60_000 });
    const token = await signIn('hotro.camhoang');
    const second = (await signInStaff(ctx.db, 'hotro.camhoang', 'Cam-Hoang-2023!', '127.0.0.1')).token;
    expect((await auth.authenticate(token))?.username).toBe('hotro.camhoang');
    expect((await auth.authenticate(second))?.username).toBe('hotro.camhoang');
    await signOutStaff(ctx.db, token);
    expect(await auth.authenticate(token)).toBeUndefined();
    expect((await auth.authenticate(second))?.username).toBe('hotro.camhoang');
    await changeStaffPassword(ctx.db, 'hotro.camhoang', 'Mat-khau-moi-2024', cli);
    expect(await auth.authenticate(second)).toBeUndefined();
  });

  it('never trusts a session past its expiry, nor an unknown token', async () => {
    const { ctx } = env();
    const token = await signIn('canbo2.camhoang');
    await sql`update staff_sessions set expires_at = '2023-02-28T03:00:00.000Z' where revoked_at is null`.execute(ctx.db.kysely);
    const auth = staffAuthProvider(ctx.db, { cacheMs: 60_000 });
    expect(await auth.authenticate(token)).toBeUndefined();
    expect(await auth.authenticate('x'.repeat(43))).toBeUndefined();
  });
});
