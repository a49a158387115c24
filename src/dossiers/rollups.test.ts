import { expect, it } from 'vitest';
import { sql } from 'kysely';
import { modules } from '../app/modules.js';
import { ROLE_PERMISSIONS } from '../identity/index.js';
import type { StaffPrincipal } from '../platform/auth.js';
import { readIndicator } from '../platform/rollups.js';
import { forEachEngine } from '../platform/testing/engines.js';
import { rebuildRollups, verifyRollups } from '../reports/index.js';
import { SAMPLE_FORMS } from '../services/index.js';
import { takeAction } from './actions.js';
import { CLI, dossierPlatform, HOA_ACTOR, HOA_ONLINE, OFFICER, OFFICER_ACTOR, sampleWithoutPrefill } from './fixtures.js';
import { submitDossier, type SubmissionInput } from './intake.js';
import { flagOverdue } from './overdue.js';
import { DOSSIER_INDICATORS } from './rollups.js';

/** The support team member of Xã Cẩm Giang (files on_behalf and mobile dossiers). */
const HELPER: StaffPrincipal = { kind: 'staff', id: 3, username: 'hotro.camgiang', displayName: 'Tổ công nghệ số cộng đồng xã Cẩm Giang', role: 'SUPPORT_TEAM', unitCode: '10888', unitDate: '2025-07-01', permissions: new Set(ROLE_PERMISSIONS.SUPPORT_TEAM) };
const HELPER_ACTOR = { kind: 'staff' as const, id: 'hotro.camgiang', unitCode: '10888' };

forEachEngine('dossier roll-ups recounted from the records', dossierPlatform, (env) => {
  const act = (code: string, action: Parameters<typeof takeAction>[4], now: string) => takeAction(env().env, OFFICER, OFFICER_ACTOR, code, action, { now });
  const counter = (serviceCode: string, now: string) => submitDossier(env().env, OFFICER, OFFICER_ACTOR, { serviceCode, channel: 'counter', data: SAMPLE_FORMS[serviceCode] as Record<string, unknown> }, { now });

  it('recounts received, completed, apologies and overdue exactly as the actions counted them', async () => {
    // One submission on each channel.
    await submitDossier(env().env, HOA_ONLINE, HOA_ACTOR, { serviceCode: '1.004194', channel: 'online', unitCode: '10888', data: sampleWithoutPrefill('1.004194') }, { now: '2026-03-02T01:00:00Z' });
    const assistance = { site: 'Quầy hỗ trợ số 2, UBND xã Cẩm Giang', equipmentId: 'MT-CG-02', consent: { given: true, method: 'signed_paper' as const } };
    await submitDossier(env().env, HELPER, HELPER_ACTOR, { serviceCode: 'P.000014', channel: 'on_behalf', data: SAMPLE_FORMS['P.000014'] as Record<string, unknown>, assistance }, { now: '2026-03-02T02:00:00Z' });
    await submitDossier(env().env, HELPER, HELPER_ACTOR, { serviceCode: 'P.000014', channel: 'mobile', data: SAMPLE_FORMS['P.000014'] as Record<string, unknown>, assistance: { ...assistance, campaign: 'Đợt thu nhận lưu động thôn Hoàng Đào' } } as SubmissionInput, { now: '2026-03-02T03:00:00Z' });

    // Completed on time, late at night UTC: the Vietnam date (3 March) is the day counted.
    const onTime = (await counter('1.004194', '2026-03-02T02:30:00Z')).receipt.code;
    await act(onTime, { action: 'receive' }, '2026-03-02T02:40:00Z');
    await act(onTime, { action: 'assign', handler: 'canbo.camgiang' }, '2026-03-02T02:50:00Z');
    await act(onTime, { action: 'approve' }, '2026-03-02T03:00:00Z');
    expect(await act(onTime, { action: 'release_result' }, '2026-03-02T17:30:00Z')).toMatchObject({ onTime: true, completedAt: '2026-03-02T17:30:00Z' });

    // Received 13 Feb, due 25 Feb (Tết 2026 in between): flagged on 26 Feb, completed late on 27 Feb.
    const late = (await counter('1.004194', '2026-02-13T02:00:00Z')).receipt.code;
    expect((await act(late, { action: 'receive' }, '2026-02-13T03:00:00Z')).dueDate).toBe('2026-02-25');
    await act(late, { action: 'assign', handler: 'canbo.camgiang' }, '2026-02-23T03:00:00Z');
    expect(await flagOverdue(env().ctx, '2026-02-26')).toMatchObject({ flagged: 1 });
    await act(late, { action: 'approve' }, '2026-02-27T02:00:00Z');
    expect(await act(late, { action: 'release_result' }, '2026-02-27T03:00:00Z')).toMatchObject({ onTime: false });

    // Form 04 at 01:00 on 27 Feb in Vietnam (still 26 Feb in UTC), before the due date of 2 March.
    const apology = (await counter('P.000013', '2026-02-13T08:20:00Z')).receipt.code;
    expect((await act(apology, { action: 'receive' }, '2026-02-13T08:30:00Z')).dueDate).toBe('2026-03-02');
    expect(await act(apology, { action: 'apologize', reason: 'Chờ kết quả xác minh giấy phép lái xe cũ', newDueDate: '2026-03-03' }, '2026-02-26T18:00:00Z')).toMatchObject({ dueDate: '2026-03-03' });

    const k = env().ctx.db.kysely;
    const all = { from: '2026-01-01', to: '2026-12-31' };
    expect(await readIndicator(k, { indicator: 'dossiers.completed', ...all })).toEqual(
      expect.arrayContaining([
        { unitCode: '10888', day: '2026-02-27', dims: { onTime: 'no' }, count: 1 },
        { unitCode: '10888', day: '2026-03-03', dims: { onTime: 'yes' }, count: 1 },
      ]),
    );
    expect(await readIndicator(k, { indicator: 'dossiers.apologies', ...all })).toEqual([{ unitCode: '10888', day: '2026-02-27', dims: {}, count: 1 }]);
    expect(await readIndicator(k, { indicator: 'dossiers.overdue', ...all })).toEqual([{ unitCode: '10888', day: '2026-02-26', dims: {}, count: 1 }]);
    const channels = (await readIndicator(k, { indicator: 'dossiers.received', ...all })).map((r) => `${r.dims.channel}/${r.dims.filedBy}`);
    expect([...new Set(channels)].sort()).toEqual(['counter/self', 'mobile/on_behalf', 'on_behalf/on_behalf', 'online/self']);

    // The counters the actions wrote are exactly the recount from the records, indicator by indicator.
    for (const indicator of DOSSIER_INDICATORS) {
      const r = await verifyRollups(env().ctx.db, modules, [indicator]);
      expect(r, indicator).toMatchObject({ ok: true, indicators: [indicator], differences: [] });
      expect(r.rowsCompared, indicator).toBeGreaterThan(0);
    }
    const before = await verifyRollups(env().ctx.db, modules, DOSSIER_INDICATORS);
    expect(before.ok).toBe(true);

    // One counter row changed behind the module's back: verify names exactly that row.
    await sql`update indicator_counts set count = 5 where indicator = 'dossiers.completed' and unit_code = '10888' and day = '2026-03-03' and dims = 'onTime=yes'`.execute(k);
    const broken = await verifyRollups(env().ctx.db, modules, DOSSIER_INDICATORS);
    expect(broken).toMatchObject({ ok: false, rowsCompared: before.rowsCompared, differences: [{ indicator: 'dossiers.completed', unitCode: '10888', day: '2026-03-03', dims: 'onTime=yes', stored: 5, recounted: 1 }] });

    // The rebuild puts the recount back; verify agrees again.
    const rebuilt = await rebuildRollups(env().ctx.db, modules, CLI, DOSSIER_INDICATORS);
    expect(rebuilt.indicators).toEqual([...DOSSIER_INDICATORS].sort());
    expect(rebuilt.written).toBe(before.rowsCompared);
    expect(await verifyRollups(env().ctx.db, modules, DOSSIER_INDICATORS)).toMatchObject({ ok: true, rowsCompared: before.rowsCompared, differences: [] });
    expect(await readIndicator(k, { indicator: 'dossiers.completed', from: '2026-03-03', to: '2026-03-03' })).toEqual([{ unitCode: '10888', day: '2026-03-03', dims: { onTime: 'yes' }, count: 1 }]);
  });
});
