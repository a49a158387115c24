import { expect, it } from 'vitest';
import { auditEntriesFor, verifyAuditChain } from '../platform/audit/audit.js';
import { CITIZEN_PERMISSIONS, type CitizenPrincipal } from '../platform/auth.js';
import { forEachEngine, type TestDatabase } from '../platform/testing/engines.js';
import { pdfText } from '../platform/testing/pdf.js';
import { createStaff } from '../identity/index.js';
import { makePng } from '../identity/eid/testing/fixtures.js';
import { createCitizen } from '../population/index.js';
import { SAMPLE_FORMS } from '../services/index.js';
import { unitCodeExists, type UnitsTables } from '../units/index.js';
import { takeAction } from './actions.js';
import { AGENCY, CLI, dossierPlatform, OFFICER, OFFICER_ACTOR, PASSWORD, sampleWithoutPrefill } from './fixtures.js';
import { submitDossier } from './intake.js';
import { citizenActionsOf, myDossiers } from './mine.js';
import { dossierFormPdf } from './documents.js';
import { dossierByCode, type DossiersTables } from './store.js';

/** Trần Thị Lan of Xã Cẩm Giang (10888), with a chip card: she may hold an e-ID account. */
const LAN = {
  pin: '031190004567',
  fullName: 'Trần Thị Lan',
  dateOfBirth: '1990-08-20',
  sex: 'female' as const,
  permanentResidence: { unitCode: '10888', unitDate: '2025-07-01', addressLine: 'Số 4, thôn Phú Lộc', since: '2016-05-10' },
  phone: '0987654321',
  identityCard: { number: '031190004567', issuedOn: '2021-06-15', expiresOn: '2030-08-20', chip: true },
};
const LAN_PASSWORD = 'Lan-Cam-Giang-2026';
/** Lan as the applicant of a form filled at the counter. */
const LAN_FORM_APPLICANT = { fullName: LAN.fullName, pin: LAN.pin, dateOfBirth: LAN.dateOfBirth, sex: 'female', phone: LAN.phone, permanentAddress: 'Số 4, thôn Phú Lộc, xã Cẩm Giang, thành phố Hải Phòng' };

/**
 * The dossier platform with Lan's level-1 e-ID account made as a citizen and the commune police
 * would (applied online, approved, activated with the code the outbox holds) and her session.
 */
async function platform(t: TestDatabase) {
  const p = await dossierPlatform(t);
  const db = p.ctx.db;
  await createCitizen(db, LAN, CLI);
  await createStaff(db, { username: 'congan.camgiang', password: PASSWORD, role: 'COMMUNE_POLICE', unitCode: '10888', unitDate: '2025-07-01' }, CLI, (c) => unitCodeExists(db.as<UnitsTables>(), c));
  const post = async (url: string, payload: unknown, token?: string) => {
    const r = await p.app.inject({ method: 'POST', url: `/api/v1${url}`, payload: payload as never, headers: token ? { authorization: `Bearer ${token}` } : {} });
    if (r.statusCode >= 300) throw new Error(`${url}: ${r.statusCode} ${r.body}`);
    return r.json() as Record<string, unknown>;
  };
  const police = String((await post('/staff/sessions', { username: 'congan.camgiang', password: PASSWORD })).token);
  const application = await post('/eid/applications', { pin: LAN.pin, fullName: LAN.fullName, dateOfBirth: LAN.dateOfBirth, sex: LAN.sex, phone: LAN.phone, faceImage: makePng().toString('base64') });
  const decision = await post(`/eid/applications/${String(application.id)}/decision`, { decision: 'approve' }, police);
  await post('/eid/activations', { pin: LAN.pin, phone: LAN.phone });
  const sms = (await db.kysely.selectFrom('outbox_messages' as never).select('body' as never).where('kind' as never, '=', 'eid.otp' as never).orderBy('id' as never, 'desc').executeTakeFirstOrThrow()) as { body: string };
  const code = /là (\d{6}),/.exec(sms.body)![1]!;
  await post('/eid/activations/confirm', { pin: LAN.pin, phone: LAN.phone, code, password: LAN_PASSWORD, passcode: '246813' });
  const session = await post('/eid/sessions', { pin: LAN.pin, password: LAN_PASSWORD });
  const lan: CitizenPrincipal = { kind: 'citizen', accountId: Number(decision.accountId), pin: LAN.pin, level: 1, sessionId: String(session.sessionId), amr: ['pwd'], permissions: CITIZEN_PERMISSIONS };
  return { ...p, lan, lanToken: String(session.token) };
}

forEachEngine('my dossiers', platform, (env) => {
  const get = (url: string, token?: string) => env().app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}`, 'accept-language': 'en' } : { 'accept-language': 'en' } });
  const lanActor = () => ({ kind: 'citizen' as const, id: `eid:${env().lan.accountId}` });
  /** Lan's temporary-residence dossier (counter, 3 working days), returned for completion. */
  let residence = '';
  /** Her fine payment, filed online. */
  let fine = '';
  /** Someone else's dossier. */
  let hoas = '';

  it('waits for the citizen only in the states whose actions are hers', () => {
    expect(citizenActionsOf('returned_for_completion')).toEqual(['resubmit']);
    expect(citizenActionsOf('submitted')).toEqual([]);
    expect(citizenActionsOf('in_processing')).toEqual([]);
    expect(citizenActionsOf('result_returned')).toEqual([]);
  });

  it('lists the dossiers she filed or is the applicant of, newest first, the one returned for completion flagged', async () => {
    const e = env().env;
    // Friday 13 February 2026, 09:00 in Vietnam: Lan at the counter; received at 10:00, due after Tết (16–20 Feb).
    residence = (await submitDossier(e, OFFICER, OFFICER_ACTOR, { serviceCode: '1.004194', channel: 'counter', data: { ...SAMPLE_FORMS['1.004194'], applicant: LAN_FORM_APPLICANT } }, { now: '2026-02-13T02:00:00Z' })).receipt.code;
    expect(residence).toBe(`${AGENCY}-260213-0001`);
    await takeAction(e, OFFICER, OFFICER_ACTOR, residence, { action: 'receive' }, { now: '2026-02-13T03:00:00Z' });
    const returned = await takeAction(e, OFFICER, OFFICER_ACTOR, residence, { action: 'return_for_completion', reason: 'Bổ sung hợp đồng thuê nhà có công chứng' }, { now: '2026-02-24T02:00:00Z' });
    expect(returned).toMatchObject({ state: 'returned_for_completion', dueDate: '2026-02-25', clockPaused: true, pausedRemaining: 1 });
    // Monday 16 February: Nguyễn Thị Hoa's dossier, not Lan's.
    hoas = (await submitDossier(e, OFFICER, OFFICER_ACTOR, { serviceCode: '1.003677', channel: 'counter', data: SAMPLE_FORMS['1.003677'] as Record<string, unknown> }, { now: '2026-02-16T02:00:00Z' })).receipt.code;
    // Monday 2 March: Lan pays a camera-detected traffic fine online with her level-1 account.
    fine = (await submitDossier(e, env().lan, lanActor(), { serviceCode: 'P.000008', channel: 'online', unitCode: '10888', data: sampleWithoutPrefill('P.000008') }, { now: '2026-03-02T03:00:00Z' })).receipt.code;
    expect(fine).toBe(`${AGENCY}-260302-0001`);

    const r = await get('/api/v1/me/dossiers', env().lanToken);
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({ total: 2, awaiting: 1 });
    expect(body.items).toEqual([
      {
        code: fine,
        serviceCode: 'P.000008',
        serviceName: 'Thu tiền nộp phạt vi phạm hành chính trong lĩnh vực giao thông đường bộ qua thiết bị ghi hình (phạt nguội)',
        serviceNameEn: 'Payment of road-traffic fines detected by camera',
        state: 'submitted',
        stateName: 'Mới nộp, chờ tiếp nhận',
        channel: 'online',
        submittedAt: '2026-03-02T03:00:00Z',
        dueDate: null,
        clockPaused: false,
        overdue: false,
        actionAwaited: false,
        citizenActions: [],
      },
      {
        code: residence,
        serviceCode: '1.004194',
        serviceName: 'Đăng ký tạm trú',
        serviceNameEn: 'Temporary residence registration',
        state: 'returned_for_completion',
        stateName: 'Yêu cầu bổ sung, hoàn thiện hồ sơ',
        channel: 'counter',
        submittedAt: '2026-02-13T02:00:00Z',
        dueDate: '2026-02-25',
        clockPaused: true,
        overdue: false,
        actionAwaited: true,
        citizenActions: ['resubmit'],
      },
    ]);
    expect(body.items.map((i: { code: string }) => i.code)).not.toContain(hoas);
  });

  it('pages like the other lists, the totals over every page', async () => {
    const second = await get('/api/v1/me/dossiers?page=2&pageSize=1', env().lanToken);
    expect(second.json()).toMatchObject({ total: 2, awaiting: 1, items: [{ code: residence, state: 'returned_for_completion' }] });
    expect((await get('/api/v1/me/dossiers?page=3&pageSize=1', env().lanToken)).json()).toEqual({ items: [], total: 2, awaiting: 1 });
    const bad = await get('/api/v1/me/dossiers?pageSize=500&sort=code', env().lanToken);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('VALIDATION_FAILED');
  });

  it('refuses callers without a session (401) and staff (403), and shows a stranger nothing', async () => {
    const anonymous = await get('/api/v1/me/dossiers');
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ code: 'UNAUTHENTICATED', detail: 'You must sign in to do this.' });
    const staff = await get('/api/v1/me/dossiers', env().tokens['canbo.camgiang']);
    expect(staff.statusCode).toBe(403);
    expect(staff.json().code).toBe('FORBIDDEN');
    const stranger: CitizenPrincipal = { ...env().lan, accountId: env().lan.accountId + 1000, pin: '001090000077' };
    expect(await myDossiers(env().env, stranger, { offset: 0, limit: 20 }, { kind: 'citizen', id: 'eid:9999' })).toEqual({ items: [], total: 0, awaiting: 0 });
  });

  it('takes the dossier off the awaited ones once she resubmits, the clock running again with the day that was left', async () => {
    const v = await takeAction(env().env, env().lan, lanActor(), residence, { action: 'resubmit', reason: 'Đã tải lên hợp đồng thuê nhà có công chứng' }, { now: '2026-02-26T02:00:00Z' });
    expect(v).toMatchObject({ state: 'received', clockPaused: false, dueDate: '2026-02-27' });
    const body = (await get('/api/v1/me/dossiers', env().lanToken)).json();
    expect(body).toMatchObject({ total: 2, awaiting: 0 });
    // Due on Friday 27 February 2026 and not returned since: overdue on any later day.
    expect(body.items[1]).toMatchObject({ code: residence, state: 'received', stateName: 'Đã tiếp nhận', dueDate: '2026-02-27', clockPaused: false, overdue: true, actionAwaited: false, citizenActions: [] });
    // Form 01 issued again with the new date, signed by the officer who received the dossier; the
    // control slip names her as the one who resubmitted, never by her account id.
    const d = (await dossierByCode(env().ctx.db.as<DossiersTables>(), residence))!;
    const f01 = await pdfText(await dossierFormPdf(env().env, d, '01'));
    expect(f01).toContain('ngày hẹn trả kết quả mới là 27/02/2026');
    expect(f01).toMatch(/NGƯỜI TIẾP NHẬN.*canbo\.camgiang/);
    const f06 = await pdfText(await dossierFormPdf(env().env, d, '06'));
    expect(f06).toContain('Nộp bổ sung');
    expect(f06).toContain(`${d.applicant_name} (người nộp hồ sơ)`);
    expect(f06).not.toMatch(/eid:\d/);
  });

  it('audits each list with the dossiers it showed, in an unbroken chain', async () => {
    const trail = await auditEntriesFor(env().ctx.db, { type: 'dossier', id: fine }, { offset: 0, limit: 20 });
    const lists = trail.items.filter((a) => a.action === 'dossier.own-list');
    // The fine was on the first list and on the one after the resubmission; page 2 (one a page) showed only the residence, page 3 nothing (not audited).
    expect(lists.length).toBe(2);
    expect(lists[0]).toMatchObject({ actorKind: 'citizen', actorId: `eid:${env().lan.accountId}`, subjects: [`dossier:${fine}`, `dossier:${residence}`], summary: 'own dossiers: 2 shown' });
    const residenceLists = (await auditEntriesFor(env().ctx.db, { type: 'dossier', id: residence }, { offset: 0, limit: 20 })).items.filter((a) => a.action === 'dossier.own-list');
    expect(residenceLists.map((a) => a.summary)).toEqual(['own dossiers: 2 shown', 'own dossiers: 1 shown', 'own dossiers: 2 shown']);
    expect((await verifyAuditChain(env().ctx.db)).ok).toBe(true);
  });
});
