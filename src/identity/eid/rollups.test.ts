import { expect, it } from 'vitest';
import { sql } from 'kysely';
import { modules } from '../../app/modules.js';
import { CITIZEN_PERMISSIONS, type CitizenPrincipal, type StaffPrincipal } from '../../platform/auth.js';
import { readIndicator } from '../../platform/rollups.js';
import { forEachEngine } from '../../platform/testing/engines.js';
import { rebuildRollups, verifyRollups } from '../../reports/index.js';
import { hashPassword } from '../passwords.js';
import { ROLE_PERMISSIONS } from '../roles.js';
import { activateRecorded } from './activation.js';
import { applyForDependant, applyInPerson, applyOnline, decideApplication } from './applications.js';
import { EID_ROLLUP_INDICATORS } from './rollups.js';
import { createEidService } from './service.js';
import { CAM_HOANG, cli, makeFmr, makePng, person, pinFor, register, startEidPlatform, UNIT_DATE, yearsFromToday } from './testing/fixtures.js';

const POLICE: StaffPrincipal = { kind: 'staff', id: 1, username: 'congan.camhoang', displayName: 'Công an xã Cẩm Hoàng', role: 'COMMUNE_POLICE', unitCode: CAM_HOANG, unitDate: UNIT_DATE, permissions: new Set(ROLE_PERMISSIONS.COMMUNE_POLICE) };
const POLICE_ACTOR = { kind: 'staff' as const, id: 'congan.camhoang', unitCode: CAM_HOANG };

const AN = person({ pin: pinFor('female', 1985, 101), fullName: 'Nguyễn Thị An', dateOfBirth: '1985-03-10', sex: 'female' });
const BINH = person({ pin: pinFor('female', 1990, 102), fullName: 'Trần Thị Bình', dateOfBirth: '1990-08-21', sex: 'female' });
const CUONG = person({ pin: pinFor('male', 1978, 103), fullName: 'Lê Văn Cường', dateOfBirth: '1978-11-02', sex: 'male' });
/** An's son, 7 years old: a level-1 account through his mother's. */
const KHOI = person({ pin: pinFor('male', Number(yearsFromToday(-7).slice(0, 4)), 104), fullName: 'Nguyễn Minh Khôi', dateOfBirth: yearsFromToday(-7), sex: 'male', motherPin: AN.pin });

const png = (shade: number) => ({ bytes: makePng(80, 80, shade), mediaType: 'image/png' as const, sha256: `test-${shade}` });
const fingerprints = [{ position: 2, bytes: makeFmr(2), mediaType: 'application/x-iso19794-2' as const, sha256: 'test-fmr-2' }];

forEachEngine('e-ID roll-ups recounted from the application steps', async (t) => {
  const p = await startEidPlatform(t);
  await register(p, AN, BINH, CUONG, KHOI);
  return p;
}, (env) => {
  it('recounts applications, decisions and activations (level upgrade and dependant included) exactly as they were counted', async () => {
    const svc = createEidService(env().ctx);
    const hashes = { passwordHash: await hashPassword('Mat-khau-2025!'), passcodeHash: await hashPassword('482913') };
    const inPerson = (pin: string, phone: string, collectionPoint: Parameters<typeof applyInPerson>[2]['collectionPoint'], at: string) =>
      applyInPerson(svc, POLICE, { pin, phone, portrait: png(0x50), fingerprints, consent: true, collectionPoint }, POLICE_ACTOR, { at, notify: false });
    const decide = (id: number, d: Parameters<typeof decideApplication>[3], at?: string) => decideApplication(svc, POLICE, id, d, POLICE_ACTOR, at ? { at, notify: false } : {});

    // An: level 1 online, approved, activated at 01:30 on 4 June in Vietnam (3 June in UTC)…
    const a1 = await applyOnline(svc, { pin: AN.pin, fullName: AN.fullName, dateOfBirth: AN.dateOfBirth, sex: AN.sex, phone: '0912000101', faceImage: png(0x80) }, { kind: 'citizen', id: `pin:${AN.pin}` }, { at: '2025-06-02T01:00:00Z', notify: false });
    expect(a1).toMatchObject({ level: 1, channel: 'online', unit: { code: CAM_HOANG } });
    await decide(a1.id, { decision: 'approve' }, '2025-06-03T02:00:00Z');
    await activateRecorded(svc, { pin: AN.pin, ...hashes }, { at: '2025-06-03T18:30:00Z' });
    // … then raised to level 2 at the commune police office (counted as an activation of level 2).
    const a2 = await inPerson(AN.pin, '0912000101', { kind: 'police_office', unitCode: CAM_HOANG }, '2025-07-01T02:00:00Z');
    expect(a2).toMatchObject({ level: 2, channel: 'police_desk' });
    await decide(a2.id, { decision: 'approve' }, '2025-07-02T02:00:00Z');
    expect(await activateRecorded(svc, { pin: AN.pin, ...hashes }, { at: '2025-07-03T02:00:00Z' })).toMatchObject({ activated: true, level: 2 });
    // Bình: taken at a collection campaign, rejected at 00:10 on 3 June in Vietnam.
    const b = await inPerson(BINH.pin, '0912000102', { kind: 'campaign', unitCode: CAM_HOANG, campaignId: 'dot-thu-nhan-cam-hoang-06' }, '2025-06-02T02:00:00Z');
    expect(b.channel).toBe('campaign');
    await decide(b.id, { decision: 'reject', reasonCode: 'FINGERPRINTS_UNUSABLE' }, '2025-06-02T17:10:00Z');
    // Cường: approved, never activated.
    const c = await inPerson(CUONG.pin, '0912000103', { kind: 'police_office', unitCode: CAM_HOANG }, '2025-06-02T03:00:00Z');
    await decide(c.id, { decision: 'approve' }, '2025-06-02T04:00:00Z');
    // Khôi: applied for by his mother (now level 2), active on approval.
    const anAccount = await env().ctx.db.kysely.selectFrom('eid_accounts').select('id').where('pin', '=', AN.pin).executeTakeFirstOrThrow();
    const guardian: CitizenPrincipal = { kind: 'citizen', accountId: Number(anAccount.id), pin: AN.pin, level: 2, sessionId: 'test', amr: ['pwd', 'otp'], permissions: CITIZEN_PERMISSIONS };
    const k1 = await applyForDependant(svc, guardian, { pin: KHOI.pin, fullName: KHOI.fullName, dateOfBirth: KHOI.dateOfBirth, sex: KHOI.sex, faceImage: png(0x90) }, { kind: 'citizen', id: `eid:${guardian.accountId}` });
    expect(await decide(k1.id, { decision: 'approve' })).toMatchObject({ status: 'active' });

    const k = env().ctx.db.kysely;
    const in2025 = { from: '2025-01-01', to: '2025-12-31' };
    expect(await readIndicator(k, { indicator: 'eid.decisions', ...in2025 })).toEqual(
      expect.arrayContaining([
        { unitCode: CAM_HOANG, day: '2025-06-03', dims: { outcome: 'rejected', level: '2' }, count: 1 },
        { unitCode: CAM_HOANG, day: '2025-06-03', dims: { outcome: 'approved', level: '1' }, count: 1 },
        { unitCode: CAM_HOANG, day: '2025-06-02', dims: { outcome: 'approved', level: '2' }, count: 1 },
        { unitCode: CAM_HOANG, day: '2025-07-02', dims: { outcome: 'approved', level: '2' }, count: 1 },
      ]),
    );
    expect(await readIndicator(k, { indicator: 'eid.activations', ...in2025 })).toEqual(
      expect.arrayContaining([
        { unitCode: CAM_HOANG, day: '2025-06-04', dims: { level: '1', channel: 'online' }, count: 1 },
        { unitCode: CAM_HOANG, day: '2025-07-03', dims: { level: '2', channel: 'police_desk' }, count: 1 },
      ]),
    );

    // The counters the steps wrote are exactly the recount, indicator by indicator.
    for (const indicator of EID_ROLLUP_INDICATORS) {
      const r = await verifyRollups(env().ctx.db, modules, [indicator]);
      expect(r, indicator).toMatchObject({ ok: true, indicators: [indicator], differences: [] });
      expect(r.rowsCompared, indicator).toBeGreaterThan(0);
    }
    // An's first activation, her upgrade and Khôi's account (today).
    expect((await verifyRollups(env().ctx.db, modules, ['eid.activations'])).rowsCompared).toBe(3);
    const before = await verifyRollups(env().ctx.db, modules, EID_ROLLUP_INDICATORS);
    expect(before.ok).toBe(true);

    // One counter row changed by hand: verify lists exactly that row.
    await sql`update indicator_counts set count = 0 where indicator = 'eid.activations' and unit_code = ${CAM_HOANG} and day = '2025-07-03' and dims = 'channel=police_desk;level=2'`.execute(k);
    const broken = await verifyRollups(env().ctx.db, modules, EID_ROLLUP_INDICATORS);
    expect(broken).toMatchObject({ ok: false, differences: [{ indicator: 'eid.activations', unitCode: CAM_HOANG, day: '2025-07-03', dims: 'channel=police_desk;level=2', stored: 0, recounted: 1 }] });

    const rebuilt = await rebuildRollups(env().ctx.db, modules, cli, EID_ROLLUP_INDICATORS);
    expect(rebuilt.written).toBe(before.rowsCompared);
    expect(await verifyRollups(env().ctx.db, modules, EID_ROLLUP_INDICATORS)).toMatchObject({ ok: true, rowsCompared: before.rowsCompared, differences: [] });
  });
});
