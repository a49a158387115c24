/**
 * The whole e-ID path over the API on SQLite and PostgreSQL: level-1 application online → police
 * queue → approval → SMS invitation → activation code by SMS → activation → sign-in → account,
 * sessions, history; level 2 in person (multipart) upgrading the account; a parent's application
 * for a child; TOTP; the indicators.
 */
import { Secret, TOTP } from 'otpauth';
import { expect, it } from 'vitest';
import { dataCipherFromEnv } from '../../platform/crypto.js';
import { todayInVietnam } from '../../platform/dates.js';
import { readIndicator } from '../../platform/rollups.js';
import { forEachEngine } from '../../platform/testing/engines.js';
import { eidApplicationCountsByCampaign } from '../index.js';
import { biometricContext } from './biometrics.js';
import { CAM_HOANG, lastCode, makeFmr, makePng, person, pinFor, register, smsTo, startEidPlatform, yearsFromToday } from './testing/fixtures.js';
import type { Db } from './store.js';

const an = person({ pin: pinFor('male', 1990, 1234), fullName: 'Nguyễn Văn An', dateOfBirth: '1990-05-12', sex: 'male' });
const binh = person({ pin: pinFor('female', 1992, 4567), fullName: 'Trần Thị Bình', dateOfBirth: '1992-08-20', sex: 'female' });
const childBirth = yearsFromToday(-9);
const cuong = person({ pin: pinFor('male', Number(childBirth.slice(0, 4)), 7001), fullName: 'Lê Minh Cường', dateOfBirth: childBirth, sex: 'male', motherPin: binh.pin });
const face = makePng(96, 96);
const AN_PHONE = '+84912345678';
const BINH_PHONE = '+84987654321';
const PASSWORD = 'Hoàng-Xá-1990';

async function setup(t: Parameters<typeof startEidPlatform>[0]) {
  const p = await startEidPlatform(t);
  await register(p, an, binh, cuong);
  return p;
}

forEachEngine('e-ID accounts: apply, approve, activate, sign in', setup, (env) => {
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, who?: string, payload?: unknown, headers: Record<string, string> = {}) => {
    const token = who ? (env().tokens[who] ?? who) : undefined;
    return env().app.inject({ method, url, payload: payload as never, remoteAddress: '203.0.113.10', headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
  };
  const k = () => env().ctx.db.as<any>() as Db;
  const ids: Record<string, number> = {};

  it('takes a level-1 application online, checked against the registry, the face stored encrypted', async () => {
    const r = await call('POST', '/api/v1/eid/applications', undefined, { pin: an.pin, fullName: 'NGUYEN VAN AN', dateOfBirth: '1990-05-12', sex: 'male', phone: '0912 345 678', email: 'an.nguyen@example.vn', faceImage: face.toString('base64') });
    expect(r.statusCode).toBe(201);
    const body = r.json();
    expect(body).toMatchObject({
      level: 1,
      channel: 'online',
      status: 'verified',
      pinMasked: '030******234',
      fullName: 'Nguyễn Văn An',
      dateOfBirth: '1990-05-12',
      sex: 'male',
      phoneMasked: '091****678',
      emailMasked: 'a***@example.vn',
      viaGuardian: false,
      collectionPoint: null,
      unit: { code: CAM_HOANG, date: '2023-02-28' },
      biometricCheck: 'not_verified',
      biometricChecker: 'builtin:store-only',
      biometrics: { face: true, portrait: false, fingerprints: 0 },
      rejection: null,
      accountId: null,
    });
    expect(r.body).not.toContain(face.toString('base64').slice(0, 40));
    ids.an1 = body.id;
    const stored = await k().selectFrom('eid_biometrics').selectAll().where('application_id', '=', body.id).execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ kind: 'face', media_type: 'image/png', byte_size: face.length });
    expect(stored[0]!.sealed).not.toContain(face.toString('base64').slice(0, 40));
    expect(dataCipherFromEnv().open(stored[0]!.sealed, biometricContext(body.id, 'face', null)).equals(face)).toBe(true);
  });

  it('shows the application in the queue of Cẩm Hoàng police with counts, not in Cẩm Văn’s, not to a desk officer', async () => {
    const q = await call('GET', `/api/v1/eid/applications?commune=${CAM_HOANG}&status=verified`, 'congan.camhoang');
    expect(q.statusCode).toBe(200);
    expect(q.json().total).toBe(1);
    expect(q.json().items.map((a: { id: number }) => a.id)).toEqual([ids.an1]);
    expect(q.json().counts).toEqual({ received: 0, verified: 1, approved: 0, rejected: 0, activation_pending: 0, active: 0 });
    expect((await call('GET', '/api/v1/eid/applications', 'pc06.haiduong')).json().total).toBe(1);
    expect((await call('GET', '/api/v1/eid/applications', 'congan.camvan')).json()).toMatchObject({ total: 0, items: [] });
    const officer = await call('GET', '/api/v1/eid/applications', 'canbo.camhoang');
    expect(officer.statusCode).toBe(403);
    expect(officer.json().code).toBe('FORBIDDEN');
    expect((await call('GET', '/api/v1/eid/applications')).json().code).toBe('UNAUTHENTICATED');
    const detail = await call('GET', `/api/v1/eid/applications/${ids.an1}`, 'congan.camhoang');
    expect(detail.json().pin).toBe(an.pin);
    expect(detail.json().steps.map((s: { step: string; actor: { id: string } }) => `${s.step} by ${s.actor.id}`)).toEqual(['received by eid:applicant', 'verified by eid:registry-check']);
    const other = await call('GET', `/api/v1/eid/applications/${ids.an1}`, 'congan.camvan');
    expect(other.statusCode).toBe(404);
    expect(other.json().code).toBe('EID_APPLICATION_NOT_FOUND');
  });

  it('approves: an account awaiting activation and an SMS inviting activation, in one step; a second decision is a 409', async () => {
    const r = await call('POST', `/api/v1/eid/applications/${ids.an1}/decision`, 'congan.camhoang', { decision: 'approve' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ status: 'activation_pending', accountId: expect.any(Number) });
    expect(r.json().steps.map((s: { step: string }) => s.step)).toEqual(['received', 'verified', 'approved', 'activation_pending']);
    expect(r.json().steps[2].actor).toEqual({ kind: 'staff', id: 'congan.camhoang', unitCode: CAM_HOANG });
    const sms = await smsTo(env(), AN_PHONE);
    expect(sms.map((m) => m.kind)).toEqual(['eid.activation-invite']);
    expect(sms[0]!.text).toBe('Đề nghị cấp tài khoản định danh điện tử mức độ 1 của bạn đã được phê duyệt. Kích hoạt tại https://dichvucong.haiduong.gov.vn/eid/activate bằng số định danh cá nhân và số điện thoại này.');
    const again = await call('POST', `/api/v1/eid/applications/${ids.an1}/decision`, 'congan.camhoang', { decision: 'reject', reasonCode: 'PHOTO_UNUSABLE' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ status: 409, code: 'EID_APPLICATION_STEP_INVALID', currentStatus: 'activation_pending', allowedSteps: ['active'] });
  });

  it('activates with the SMS code, a password and a passcode', async () => {
    const ask = await call('POST', '/api/v1/eid/activations', undefined, { pin: an.pin, phone: '0912.345.678' });
    expect(ask.statusCode).toBe(202);
    expect(ask.json()).toEqual({ accepted: true, phoneMasked: '091****678', expiresInSeconds: 300, resendAfterSeconds: 60 });
    const code = await lastCode(env(), AN_PHONE);
    const weak = await call('POST', '/api/v1/eid/activations/confirm', undefined, { pin: an.pin, phone: '0912345678', code, password: 'password1', passcode: '482913' });
    expect(weak.json()).toMatchObject({ status: 400, code: 'EID_PASSWORD_WEAK', detail: 'Mật khẩu không đạt yêu cầu (là mật khẩu phổ biến, dễ đoán): tối thiểu 8 ký tự và không phải mật khẩu phổ biến.' });
    const trivial = await call('POST', '/api/v1/eid/activations/confirm', undefined, { pin: an.pin, phone: '0912345678', code, password: PASSWORD, passcode: '123456' });
    expect(trivial.json().code).toBe('EID_PASSCODE_WEAK');
    const none = await call('POST', '/api/v1/eid/activations/confirm', undefined, { pin: an.pin, phone: '0912345678', code });
    expect(none.json().code).toBe('EID_PASSWORD_REQUIRED');
    const ok = await call('POST', '/api/v1/eid/activations/confirm', undefined, { pin: an.pin, phone: '0912345678', code, password: PASSWORD, passcode: '482913' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ activated: true, level: 1, status: 'active', passwordSet: true });
    const detail = await call('GET', `/api/v1/eid/applications/${ids.an1}`, 'congan.camhoang');
    expect(detail.json().status).toBe('active');
    expect(detail.json().steps.at(-1)).toMatchObject({ step: 'active', actor: { kind: 'citizen', id: `eid:${detail.json().accountId}` } });
  });

  it('signs in with the same 401 for a wrong password and an unknown number, and keeps one device at a time', async () => {
    const wrong = await call('POST', '/api/v1/eid/sessions', undefined, { pin: an.pin, password: 'Hoàng-Xá-1991' });
    const unknown = await call('POST', '/api/v1/eid/sessions', undefined, { pin: pinFor('male', 1990, 999999), password: 'Hoàng-Xá-1991' });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    const strip = (b: Record<string, unknown>) => ({ ...b, instance: undefined, requestId: undefined });
    expect(strip(wrong.json())).toEqual(strip(unknown.json()));
    expect(wrong.json().code).toBe('EID_CREDENTIALS_INVALID');
    const first = await call('POST', '/api/v1/eid/sessions', undefined, { pin: an.pin, password: PASSWORD, deviceName: 'Điện thoại cũ' });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ token: expect.stringMatching(/^eid\./), amr: ['pwd'], endedSessions: 0, account: { level: 1, status: 'active', pinMasked: '030******234', fullName: 'Nguyễn Văn An', phoneMasked: '091****678', totpEnabled: false } });
    const old = first.json().token as string;
    const me = await call('GET', '/api/v1/eid/me', old);
    expect(me.json()).toMatchObject({ level: 1, status: 'active', dependants: [] });
    expect((await call('GET', '/api/v1/staff/me', old)).json().code).toBe('FORBIDDEN');
    expect((await call('GET', '/api/v1/eid/applications', old)).statusCode).toBe(403);
    const second = await call('POST', '/api/v1/eid/sessions', undefined, { pin: an.pin, password: PASSWORD, deviceName: 'Điện thoại mới' });
    expect(second.json().endedSessions).toBe(1);
    env().tokens.an = second.json().token;
    expect((await call('GET', '/api/v1/eid/me', old)).json().code).toBe('UNAUTHENTICATED');
    const sessions = await call('GET', '/api/v1/eid/me/sessions', 'an');
    expect(sessions.json()).toMatchObject({ total: 1, items: [{ device: 'Điện thoại mới', current: true, amr: ['pwd'], sourceIp: '203.0.113.10' }] });
  });

  it('shows the citizen their usage history and who read their registry record', async () => {
    const h = await call('GET', '/api/v1/eid/me/history', 'an');
    expect(h.statusCode).toBe(200);
    expect(h.json().retentionYears).toBe(5);
    const actions = h.json().usage.items.map((u: { action: string }) => u.action);
    expect(actions).toEqual(['sign-in', 'sign-in', 'sign-in-failed', 'activated', 'activation-code-sent']);
    expect(h.json().usage.items[0]).toMatchObject({ device: 'Điện thoại mới', thisSession: true });
    const access = h.json().registryAccess.items.map((e: { action: string; actorId: string }) => `${e.action} by ${e.actorId}`);
    expect(access).toEqual(expect.arrayContaining(['eid.application by eid:applicant', 'eid.application-read by congan.camhoang', 'eid.application-approve by congan.camhoang', `eid.activate by eid:${h.json().usage.items.length && (await call('GET', '/api/v1/eid/me', 'an')).json().id}`]));
  });

  it('records viewing the history once a session, however often the page is opened', async () => {
    for (let i = 0; i < 3; i++) expect((await call('GET', '/api/v1/eid/me/history', 'an')).statusCode).toBe(200);
    const actions = (await call('GET', '/api/v1/eid/me/history', 'an')).json().usage.items.map((u: { action: string }) => u.action);
    expect(actions).toEqual(['history-viewed', 'sign-in', 'sign-in', 'sign-in-failed', 'activated', 'activation-code-sent']);
  });

  it('raises the account to level 2 with an in-person application sent as multipart (portrait and fingerprints)', async () => {
    const boundary = '----motcua-eid-test';
    const parts: Buffer[] = [];
    const field = (name: string, value: string) => parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
    const file = (name: string, bytes: Buffer, type: string) => parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${name}.bin"\r\nContent-Type: ${type}\r\n\r\n`), bytes, Buffer.from('\r\n'));
    field('application', JSON.stringify({ pin: an.pin, phone: '0912345678', consent: true, collectionPoint: { kind: 'police_office', unitCode: CAM_HOANG } }));
    file('portrait', makePng(120, 160, 0x60), 'application/octet-stream');
    file('fingerprint.2', makeFmr(2), 'application/octet-stream');
    file('fingerprint.7', makeFmr(7), 'application/octet-stream');
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    const r = await call('POST', '/api/v1/eid/applications/in-person', 'congan.camhoang', Buffer.concat(parts), { 'content-type': `multipart/form-data; boundary=${boundary}` });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ level: 2, channel: 'police_desk', status: 'verified', collectionPoint: { kind: 'police_office', unitCode: CAM_HOANG, campaignId: null }, biometrics: { face: false, portrait: true, fingerprints: 2 }, consentAt: expect.any(String) });
    const stored = await k().selectFrom('eid_biometrics').select(['kind', 'position', 'media_type']).where('application_id', '=', r.json().id).orderBy('id').execute();
    expect(stored.map((s) => `${s.kind}:${s.position ?? '-'}:${s.media_type}`)).toEqual(['portrait:-:image/png', 'fingerprint:2:application/x-iso19794-2', 'fingerprint:7:application/x-iso19794-2']);
    const approve = await call('POST', `/api/v1/eid/applications/${r.json().id}/decision`, 'pc06.haiduong', { decision: 'approve' });
    expect(approve.json().status).toBe('activation_pending');
    expect((await call('GET', '/api/v1/eid/me', 'an')).json()).toMatchObject({ level: 1, pendingLevel: 2, status: 'active' });
    await call('POST', '/api/v1/eid/activations', undefined, { pin: an.pin, phone: '0912345678' });
    const code = await lastCode(env(), AN_PHONE);
    const ok = await call('POST', '/api/v1/eid/activations/confirm', undefined, { pin: an.pin, phone: '0912345678', code });
    expect(ok.json()).toEqual({ activated: true, level: 2, status: 'active', passwordSet: false });
    expect((await call('GET', '/api/v1/eid/me', 'an')).json()).toMatchObject({ level: 2, pendingLevel: null, status: 'active' });
  });

  it('lets a parent with a level-2 account apply for a child under 14; the child’s account is active at once', async () => {
    // The parent's level-2 application is taken at a collection campaign the desk module keeps.
    const hall = (await call('POST', '/api/v1/desk/sites', 'canbo.camhoang', { kind: 'commune_office', name: 'Hội trường UBND xã Cẩm Hoàng', internet: 'fixed_broadband' })).json();
    const campaignBody = { siteId: hall.id, day: todayInVietnam(), title: 'Thu nhận định danh điện tử mức 2 tại hội trường UBND xã Cẩm Hoàng', officers: [{ fullName: 'Đại úy Vũ Văn Minh' }] };
    const campaign = (await call('POST', '/api/v1/desk/campaigns', 'congan.camhoang', campaignBody)).json();
    expect(campaign.id).toMatch(/^[0-9]+$/);
    ids.campaign = Number(campaign.id);
    const application = (campaignId: string, unitCode = CAM_HOANG) => ({
      pin: binh.pin,
      phone: '0987 654 321',
      portrait: makePng(100, 100, 0x40).toString('base64'),
      fingerprints: [{ position: 2, template: makeFmr(12).toString('base64') }, { position: 7, template: makeFmr(17).toString('base64') }],
      consent: true,
      collectionPoint: { kind: 'campaign', unitCode, campaignId },
    });
    // A campaign that does not exist, one of another commune, a cancelled one: refused, nothing stored.
    const unknown = await call('POST', '/api/v1/eid/applications/in-person', 'congan.camhoang', application('999999'));
    expect(unknown.json()).toMatchObject({ status: 422, code: 'EID_CAMPAIGN_NOT_FOUND', errors: [{ field: 'body.collectionPoint.campaignId', code: 'EID_CAMPAIGN_NOT_FOUND' }] });
    const hallVan = (await call('POST', '/api/v1/desk/sites', 'congan.camvan', { kind: 'commune_office', name: 'Hội trường UBND xã Cẩm Văn', internet: 'fixed_broadband' })).json();
    const elsewhere = (await call('POST', '/api/v1/desk/campaigns', 'congan.camvan', { ...campaignBody, siteId: hallVan.id })).json();
    expect(elsewhere.unitCode).toBe('10900');
    expect((await call('POST', '/api/v1/eid/applications/in-person', 'congan.camhoang', application(elsewhere.id))).json()).toMatchObject({ status: 422, code: 'EID_CAMPAIGN_OTHER_UNIT' });
    const cancelled = (await call('POST', '/api/v1/desk/campaigns', 'congan.camhoang', campaignBody)).json();
    expect((await call('PATCH', `/api/v1/desk/campaigns/${cancelled.id}`, 'congan.camhoang', { status: 'cancelled' })).statusCode).toBe(200);
    expect((await call('POST', '/api/v1/eid/applications/in-person', 'congan.camhoang', application(cancelled.id))).json()).toMatchObject({ status: 409, code: 'EID_CAMPAIGN_CANCELLED' });
    expect(await k().selectFrom('eid_applications').select('id').where('pin', '=', binh.pin).execute()).toEqual([]);

    const r = await call('POST', '/api/v1/eid/applications/in-person', 'congan.camhoang', application(campaign.id));
    expect(r.json()).toMatchObject({ level: 2, channel: 'campaign', collectionPoint: { campaignId: campaign.id } });
    await call('POST', `/api/v1/eid/applications/${r.json().id}/decision`, 'congan.camhoang', { decision: 'approve' });
    await call('POST', '/api/v1/eid/activations', undefined, { pin: binh.pin, phone: '0987654321' });
    const code = await lastCode(env(), BINH_PHONE);
    expect((await call('POST', '/api/v1/eid/activations/confirm', undefined, { pin: binh.pin, phone: '0987654321', code, password: 'Bình-an-1992', passcode: '190822' })).json().level).toBe(2);
    env().tokens.binh = (await call('POST', '/api/v1/eid/sessions', undefined, { pin: binh.pin, password: 'Bình-an-1992' })).json().token;

    const child = await call('POST', '/api/v1/eid/applications/dependants', 'binh', { pin: cuong.pin, fullName: 'Lê Minh Cường', dateOfBirth: childBirth, sex: 'male', faceImage: `data:image/png;base64,${makePng(80, 80, 0x90).toString('base64')}` });
    expect(child.statusCode).toBe(201);
    expect(child.json()).toMatchObject({ level: 1, channel: 'online', viaGuardian: true, phoneMasked: null });
    const stranger = await call('POST', '/api/v1/eid/applications/dependants', 'an', { pin: cuong.pin, fullName: 'Lê Minh Cường', dateOfBirth: childBirth, sex: 'male', faceImage: face.toString('base64') });
    expect(stranger.json()).toMatchObject({ status: 422, code: 'EID_GUARDIAN_NOT_RELATED' });
    const twice = await call('POST', '/api/v1/eid/applications/dependants', 'binh', { pin: cuong.pin, fullName: 'Lê Minh Cường', dateOfBirth: childBirth, sex: 'male', faceImage: face.toString('base64') });
    expect(twice.json()).toMatchObject({ status: 409, code: 'EID_APPLICATION_OPEN' });
    const herself = await call('POST', '/api/v1/eid/applications/dependants', 'binh', { pin: binh.pin, fullName: 'Trần Thị Bình', dateOfBirth: '1992-08-20', sex: 'female', faceImage: face.toString('base64') });
    expect(herself.json().code).toBe('EID_GUARDIAN_NOT_RELATED');
    const approved = await call('POST', `/api/v1/eid/applications/${child.json().id}/decision`, 'congan.camhoang', { decision: 'approve' });
    expect(approved.json()).toMatchObject({ status: 'active' });
    expect(approved.json().steps.map((s: { step: string }) => s.step)).toEqual(['received', 'verified', 'approved', 'active']);
    const me = await call('GET', '/api/v1/eid/me', 'binh');
    expect(me.json().dependants).toEqual([expect.objectContaining({ fullName: 'Lê Minh Cường', level: 1, status: 'active', phoneMasked: null, guardianAccountId: me.json().id })]);
    expect((await smsTo(env(), BINH_PHONE)).map((m) => m.kind).sort()).toEqual(['eid.activation-invite', 'eid.dependant-approved', 'eid.otp']);
  });

  it('counts applications, decisions and activations per commune and Vietnam day, and per campaign', async () => {
    const day = todayInVietnam();
    const db = env().ctx.db.kysely;
    const rows = async (indicator: string) =>
      (await readIndicator(db, { indicator, from: day, to: day, unitCodes: [CAM_HOANG] })).map((r) => `${Object.entries(r.dims).map(([a, b]) => `${a}=${b}`).join(',')}:${r.count}`).sort();
    expect(await rows('eid.applications')).toEqual(['channel=campaign,level=2:1', 'channel=online,level=1:2', 'channel=police_desk,level=2:1']);
    expect(await rows('eid.decisions')).toEqual(['level=1,outcome=approved:2', 'level=2,outcome=approved:2']);
    expect(await rows('eid.activations')).toEqual(['channel=campaign,level=2:1', 'channel=online,level=1:2', 'channel=police_desk,level=2:1']);
    expect(await eidApplicationCountsByCampaign(env().ctx.db, [String(ids.campaign), 'CD-none'])).toEqual([
      { campaignId: String(ids.campaign), total: 1, byStatus: { received: 0, verified: 0, approved: 0, rejected: 0, activation_pending: 0, active: 1 }, activated: 1, byLevel: { 1: 0, 2: 1 } },
      { campaignId: 'CD-none', total: 0, byStatus: { received: 0, verified: 0, approved: 0, rejected: 0, activation_pending: 0, active: 0 }, activated: 0, byLevel: { 1: 0, 2: 0 } },
    ]);
  });

  it('adds a TOTP second factor: a code is needed at sign-in and is accepted once', async () => {
    const enrol = await call('POST', '/api/v1/eid/me/totp', 'an');
    expect(enrol.statusCode).toBe(201);
    expect(enrol.json()).toMatchObject({ issuer: 'motcua', digits: 6, period: 30, algorithm: 'SHA1', uri: expect.stringMatching(/^otpauth:\/\/totp\/motcua:030\*{6}234\?/) });
    const totp = new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(enrol.json().secret) });
    expect((await call('POST', '/api/v1/eid/me/totp/confirm', 'an', { otp: totp.generate({ timestamp: Date.now() - 3_600_000 }) })).json().code).toBe('EID_OTP_INVALID');
    const now = totp.generate();
    expect((await call('POST', '/api/v1/eid/me/totp/confirm', 'an', { otp: now })).json()).toEqual({ enabled: true });
    expect((await call('POST', '/api/v1/eid/me/totp', 'an')).json().code).toBe('EID_TOTP_ALREADY_ENABLED');
    const noOtp = await call('POST', '/api/v1/eid/sessions', undefined, { pin: an.pin, password: PASSWORD });
    expect(noOtp.json()).toMatchObject({ status: 401, code: 'EID_OTP_REQUIRED' });
    // The code used to confirm (this time step) is spent; the next step's code is accepted once.
    expect((await call('POST', '/api/v1/eid/sessions', undefined, { pin: an.pin, password: PASSWORD, otp: now })).json().code).toBe('EID_OTP_INVALID');
    const next = totp.generate({ timestamp: Date.now() + 30_000 });
    const signed = await call('POST', '/api/v1/eid/sessions', undefined, { pin: an.pin, password: PASSWORD, otp: next });
    expect(signed.statusCode).toBe(201);
    expect(signed.json().amr).toEqual(['pwd', 'otp']);
    expect((await call('POST', '/api/v1/eid/sessions', undefined, { pin: an.pin, password: PASSWORD, otp: next })).json().code).toBe('EID_OTP_INVALID');
    env().tokens.an = signed.json().token;
    expect((await call('GET', '/api/v1/eid/me', 'an')).json().totpEnabled).toBe(true);
  });

  it('documents every e-ID route in OpenAPI and every e-ID error in the catalogue', async () => {
    const doc = (await call('GET', '/api/openapi.json')).json();
    const eidPaths = Object.keys(doc.paths).filter((p) => p.startsWith('/api/v1/eid/'));
    expect(eidPaths.sort()).toEqual([
      '/api/v1/eid/accounts',
      '/api/v1/eid/accounts/{id}/lock',
      '/api/v1/eid/accounts/{id}/phone',
      '/api/v1/eid/accounts/{id}/revoke',
      '/api/v1/eid/accounts/{id}/unlock',
      '/api/v1/eid/activations',
      '/api/v1/eid/activations/confirm',
      '/api/v1/eid/applications',
      '/api/v1/eid/applications/dependants',
      '/api/v1/eid/applications/in-person',
      '/api/v1/eid/applications/{id}',
      '/api/v1/eid/applications/{id}/decision',
      '/api/v1/eid/applications/{id}/face-image',
      '/api/v1/eid/me',
      '/api/v1/eid/me/history',
      '/api/v1/eid/me/lock',
      '/api/v1/eid/me/sessions',
      '/api/v1/eid/me/sessions/{id}',
      '/api/v1/eid/me/totp',
      '/api/v1/eid/me/totp/confirm',
      '/api/v1/eid/me/totp/disable',
      '/api/v1/eid/sessions',
      '/api/v1/eid/unlock',
    ]);
    expect(doc.paths['/api/v1/eid/sessions'].post).toMatchObject({ summary: 'Citizen sign-in', tags: ['e-ID'], security: [] });
    const problems = (await call('GET', '/api/problems')).json() as { code: string; status: number }[];
    expect(problems.find((p) => p.code === 'EID_CREDENTIALS_INVALID')).toMatchObject({ status: 401 });
    expect(problems.filter((p) => p.code.startsWith('EID_')).length).toBeGreaterThanOrEqual(50);
  });

  it('ends sessions on request: signing out, and a session id that is not mine', async () => {
    expect((await call('DELETE', '/api/v1/eid/me/sessions/00000000-0000-4000-8000-000000000000', 'an')).json().code).toBe('EID_SESSION_NOT_FOUND');
    expect((await call('DELETE', '/api/v1/eid/me/sessions/current', 'an')).statusCode).toBe(204);
    expect((await call('GET', '/api/v1/eid/me', 'an')).statusCode).toBe(401);
  });
});
