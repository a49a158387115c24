/**
 * The desk's self-service share from its two sources, on SQLite and PostgreSQL: the help log
 * (citizens guided to file online alone against dossiers filed on their behalf) and the dossiers'
 * channels (filed online by the citizen alone against filed through the online system on their
 * behalf), per unit and period — Xã Cẩm Giang (10888, Thành phố Hải Phòng, 2025 units) with dossiers
 * filed through the dossiers module, and its neighbour Xã Cẩm Giàng (10903) with help but no dossier.
 */
import { expect, it } from 'vitest';
import { forEachEngine } from '../platform/testing/engines.js';
import { submitDossier, type SubmissionInput } from '../dossiers/index.js';
import { dossierPlatform, HOA_ACTOR, HOA_ONLINE, OFFICER, OFFICER_ACTOR, sampleWithoutPrefill } from '../dossiers/fixtures.js';
import { SAMPLE_FORMS } from '../services/index.js';

const assistance = { site: 'Quầy hỗ trợ số 1, Trung tâm phục vụ hành chính công xã Cẩm Giang', equipmentId: 'MT-CG-01', consent: { given: true, method: 'signed_paper' as const } };

forEachEngine('desk self-service share', dossierPlatform, (env) => {
  const call = (method: 'GET' | 'POST', url: string, who: string, payload?: unknown) => env().app.inject({ method, url, payload: payload as never, headers: { authorization: `Bearer ${env().tokens[who]}` } });

  it('puts the help log’s share beside the dossier channels’ share, per unit and period; a share with nothing to count is null', async () => {
    // A desk in each commune, in each officer's own unit.
    const deskIn = async (who: string, site: string) => {
      const s = await call('POST', '/api/v1/desk/sites', who, { kind: 'service_centre', name: site, internet: 'fixed_broadband' });
      expect(s.json()).toMatchObject({ unitDate: '2025-07-01' });
      return (await call('POST', '/api/v1/desk/desks', who, { siteId: s.json().id, name: 'Quầy hỗ trợ số 1' })).json().id as number;
    };
    const giang = await deskIn('canbo.camgiang', 'Trung tâm phục vụ hành chính công xã Cẩm Giang');
    const giangx = await deskIn('canbo.camgiangx', 'Trung tâm phục vụ hành chính công xã Cẩm Giàng');
    const help = async (who: string, deskId: number, kind: string, at: string) => expect((await call('POST', '/api/v1/desk/help', who, { deskId, kind, outcome: 'completed', at })).statusCode).toBe(201);
    await help('hotro.camgiang', giang, 'guided_self_filing', '2026-02-16T08:30:00+07:00');
    await help('hotro.camgiang', giang, 'guided_self_filing', '2026-02-16T09:10:00+07:00');
    await help('hotro.camgiang', giang, 'filed_on_behalf', '2026-02-16T10:00:00+07:00');
    await help('hotro.camgiang', giang, 'vneid_install', '2026-02-16T10:30:00+07:00');
    await help('hotro.camgiang', giang, 'guided_self_filing', '2026-02-17T14:00:00+07:00');
    await help('canbo.camgiangx', giangx, 'filed_on_behalf', '2026-02-17T08:00:00+07:00');

    // Dossiers received by Cẩm Giang: two filed online by Hoa herself, one filed for her at the
    // desk, one by a mobile team, one paper dossier at the counter (not in the online system).
    const file = (principal: typeof OFFICER | typeof HOA_ONLINE, input: SubmissionInput, now: string) => submitDossier(env().env, principal, principal === OFFICER ? OFFICER_ACTOR : HOA_ACTOR, input, { now });
    const online = { serviceCode: '1.004194', channel: 'online', unitCode: '10888', data: sampleWithoutPrefill('1.004194') } as SubmissionInput;
    await file(HOA_ONLINE, online, '2026-02-16T02:00:00Z');
    await file(HOA_ONLINE, online, '2026-02-17T02:00:00Z');
    await file(OFFICER, { serviceCode: 'P.000014', channel: 'on_behalf', data: SAMPLE_FORMS['P.000014'], assistance } as SubmissionInput, '2026-02-16T03:00:00Z');
    await file(OFFICER, { serviceCode: 'P.000014', channel: 'mobile', data: SAMPLE_FORMS['P.000014'], assistance: { ...assistance, site: 'Nhà văn hóa thôn Hoàng Đào', campaign: 'Tổ công nghệ số cộng đồng, đợt hỗ trợ tại thôn Hoàng Đào' } } as SubmissionInput, '2026-02-17T03:00:00Z');
    await file(OFFICER, { serviceCode: '1.004194', channel: 'counter', data: SAMPLE_FORMS['1.004194'] } as SubmissionInput, '2026-02-17T04:00:00Z');

    const selfService = async (query: string, who = 'admin') => {
      const r = await call('GET', `/api/v1/desk/indicators/help?${query}`, who);
      expect(r.statusCode).toBe(200);
      return r;
    };
    const giangFeb = { unitCode: '10888', guidedAlone: 3, filedOnBehalf: 1, share: 0.75, dossiersSelf: 2, dossiersOnBehalf: 2, dossierShare: 0.5 };
    const giangxFeb = { unitCode: '10903', guidedAlone: 0, filedOnBehalf: 1, share: 0, dossiersSelf: 0, dossiersOnBehalf: 0, dossierShare: null };
    const feb = await selfService('from=2026-02-01&to=2026-02-28');
    expect(feb.json().selfService).toEqual([giangFeb, giangxFeb]);
    // No dossier at Cẩm Giàng: its dossier share is written null, its help-log share a real 0.
    expect(feb.body).toContain('"unitCode":"10903","guidedAlone":0,"filedOnBehalf":1,"share":0,"dossiersSelf":0,"dossiersOnBehalf":0,"dossierShare":null');
    // One day, one unit; an officer sees only their own commune.
    expect((await selfService('from=2026-02-17&to=2026-02-17&unit=10888')).json().selfService).toEqual([{ unitCode: '10888', guidedAlone: 1, filedOnBehalf: 0, share: 1, dossiersSelf: 1, dossiersOnBehalf: 1, dossierShare: 0.5 }]);
    expect((await selfService('from=2026-02-01&to=2026-02-28', 'canbo.camgiangx')).json().selfService).toEqual([giangxFeb]);
    expect((await selfService('from=2026-03-01&to=2026-03-31')).json()).toEqual({ byKindOutcome: [], selfService: [] });
    // The dossier part is the reports module's self-service share of the same unit and period.
    const report = await call('GET', '/api/v1/reports/indicators?indicator=dossiers.selfServiceShare&from=2026-02-01&to=2026-02-28&unit=10888', 'admin');
    expect(report.json().total).toEqual({ value: 0.5, numerator: 2, denominator: 4 });
  });
});
