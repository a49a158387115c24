import { expect, it } from 'vitest';
import { forEachEngine } from '../platform/testing/engines.js';
import { auditEntriesFor, verifyAuditChain } from '../platform/audit/audit.js';
import { readIndicator } from '../platform/rollups.js';
import { BUILTIN_CATALOG, SAMPLE_FORMS } from '../services/index.js';
import { AppError } from '../platform/errors.js';
import { submitDossier, type SubmissionInput } from './intake.js';
import { readDossier } from './listing.js';
import { takeAction } from './actions.js';
import { AGENCY, dossierPlatform, HOA, HOA_ACTOR, HOA_ONLINE, OFFICER, OFFICER_ACTOR, sampleWithoutPrefill } from './fixtures.js';
import { dossierByCode, type DossiersTables } from './store.js';

const counterBody = (extra: Record<string, unknown> = {}): SubmissionInput => ({ serviceCode: '1.004194', channel: 'counter', data: SAMPLE_FORMS['1.004194'] as Record<string, unknown>, ...extra }) as SubmissionInput;

forEachEngine('dossier intake', dossierPlatform, (env) => {
  const call = (method: 'GET' | 'POST', url: string, who?: string, payload?: unknown, headers: Record<string, string> = {}) =>
    env().app.inject({ method, url, payload: payload as never, headers: { ...(who ? { authorization: `Bearer ${env().tokens[who]}` } : {}), ...headers } });

  it('files a counter dossier with a code {agency}-{yymmdd}-{sequence}, the service version, an outbox message and an indicator', async () => {
    const r = await submitDossier(env().env, OFFICER, OFFICER_ACTOR, counterBody(), { now: '2026-02-13T03:00:00Z' });
    expect(r.replayed).toBe(false);
    expect(r.receipt).toMatchObject({ code: `${AGENCY}-260213-0001`, state: 'submitted', channel: 'counter', filedBy: 'self', unitCode: '10888', agencyCode: AGENCY, submittedAt: '2026-02-13T03:00:00Z', lockedFields: [] });
    // Named as a citizen knows them, not only by codes (a trial read "H31.10888 (10888)" on the receipt).
    expect(r.receipt).toMatchObject({ unitName: 'Xã Cẩm Giang', agencyName: 'Trung tâm Phục vụ hành chính công xã Cẩm Giang' });
    expect(r.receipt.service).toMatchObject({ code: '1.004194', version: 1, nameVi: 'Đăng ký tạm trú', sector: 'police' });
    expect(r.receipt.trackingUrl).toBe(`https://dichvucong.haiphong.gov.vn/tra-cuu/${AGENCY}-260213-0001`);
    const row = await dossierByCode(env().ctx.db.as<DossiersTables>(), r.receipt.code);
    expect(row).toMatchObject({ applicant_name: 'Nguyễn Thị Hoa', applicant_pin: HOA.pin, applicant_phone: '0912345678', service_version: 1, working_days: 3, cutoff: '15:00', unit_date: '2026-02-13', scope_province: '31', scope_commune: '10888' });
    const received = await readIndicator(env().ctx.db.kysely, { indicator: 'dossiers.received', from: '2026-02-13', to: '2026-02-13' });
    expect(received).toEqual([{ unitCode: '10888', day: '2026-02-13', dims: { channel: 'counter', filedBy: 'self', sector: 'police', service: '1.004194' }, count: 1 }]);
    const outbox = await env().ctx.db.kysely.selectFrom('outbox_messages').select(['channel', 'kind', 'body', 'dedupe_key']).where('dedupe_key', 'like', `dossier:${r.receipt.code}:%`).orderBy('channel').execute();
    expect(outbox.map((m) => [m.channel, m.kind, m.dedupe_key])).toEqual([
      ['email', 'dossier.status', `dossier:${r.receipt.code}:1:email`],
      ['sms', 'dossier.status', `dossier:${r.receipt.code}:1:sms`],
    ]);
    expect(outbox[1]!.body).toBe(`Hồ sơ ${r.receipt.code} (Đăng ký tạm trú) đã được nộp và đang chờ cơ quan tiếp nhận kiểm tra. Tra cứu: https://dichvucong.haiphong.gov.vn/tra-cuu/${r.receipt.code}`);
  });

  it('files over HTTP on the counter channel and answers a retry with the same Idempotency-Key with the first result', async () => {
    const key = { 'idempotency-key': 'quay-3-2026-0001' };
    const first = await call('POST', '/api/v1/dossiers', 'canbo.camgiang', counterBody(), key);
    expect(first.statusCode).toBe(201);
    const code = first.json().code as string;
    expect(code).toMatch(/^H31\.10888-\d{6}-\d{4}$/);
    expect(first.headers.location).toBe(`/api/v1/dossiers/${code}`);
    const again = await call('POST', '/api/v1/dossiers', 'canbo.camgiang', counterBody(), key);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    const other = await call('POST', '/api/v1/dossiers', 'canbo.camgiang', counterBody({ applicant: { fullName: 'Trần Văn Nam' } }), key);
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
    // The key belongs to its principal: another officer's same key is a new dossier.
    const admin = await call('POST', '/api/v1/dossiers', 'admin', counterBody({ unitCode: '10888' }), key);
    expect(admin.statusCode).toBe(201);
    expect(admin.json().code).not.toBe(code);
    const bad = await call('POST', '/api/v1/dossiers', 'canbo.camgiang', counterBody(), { 'idempotency-key': 'có dấu' });
    expect(bad.json().code).toBe('IDEMPOTENCY_KEY_INVALID');
  });

  it('answers concurrent retries with one key with one dossier', async () => {
    const key = { 'idempotency-key': 'retry-storm-1' };
    const answers = await Promise.all(Array.from({ length: 6 }, () => call('POST', '/api/v1/dossiers', 'canbo.camgiang', counterBody(), key)));
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.json().code)).size).toBe(1);
  });

  it('numbers 50 concurrent submissions of one agency and day 0001–0050 without a gap or a repeat', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => submitDossier(env().env, OFFICER, OFFICER_ACTOR, { ...counterBody(), applicant: { fullName: `Người nộp ${i + 1}` } }, { now: '2026-03-02T02:00:00Z' })),
    );
    const codes = results.map((r) => r.receipt.code).sort();
    expect(codes).toEqual(Array.from({ length: 50 }, (_, i) => `${AGENCY}-260302-${String(i + 1).padStart(4, '0')}`));
  });

  it('writes submissions filed together in one transaction, each whole, and refuses only the bad one', async () => {
    // Eight submissions at once, on Tuesday 3 March 2026: six plain, one whose applicant gave a
    // landline (no SMS, the e-mail still goes), one reusing the first one's key for another body.
    const filings = Array.from({ length: 8 }, (_, i) => {
      const applicant = i === 6 ? { fullName: 'Phạm Văn Đức', phone: '0220 3851 234' } : { fullName: i === 7 ? 'Trần Văn Nam' : `Người nộp ${i + 1}` };
      return submitDossier(env().env, OFFICER, OFFICER_ACTOR, counterBody({ applicant }), { now: '2026-03-03T02:00:00Z', idempotencyKey: `quay-1-260303-${i === 7 ? 0 : i}` });
    });
    const settled = await Promise.allSettled(filings);
    // Filings 0 and 7 race for one key: whichever reaches the shared transaction first keeps it,
    // the other is refused — exactly one of the two, never both, never neither.
    const names = Array.from({ length: 8 }, (_, i) => (i === 6 ? 'Phạm Văn Đức' : i === 7 ? 'Trần Văn Nam' : `Người nộp ${i + 1}`));
    const refusedAt = settled.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));
    expect(refusedAt.length).toBe(1);
    expect([0, 7]).toContain(refusedAt[0]);
    expect(((settled[refusedAt[0]!] as PromiseRejectedResult).reason as AppError).code).toBe('IDEMPOTENCY_KEY_REUSED');
    const kept = settled.flatMap((r, i) => (r.status === 'fulfilled' ? [{ i, code: r.value.receipt.code }] : []));
    expect(kept.map((c) => c.code).sort()).toEqual(Array.from({ length: 7 }, (_, i) => `${AGENCY}-260303-${String(i + 1).padStart(4, '0')}`));
    const k = env().ctx.db.kysely;
    for (const { i, code } of kept) {
      const row = (await dossierByCode(env().ctx.db.as<DossiersTables>(), code))!;
      expect(row.applicant_name).toBe(names[i]);
      const events = await k.selectFrom('dossier_events').select(['seq', 'action', 'actor_id']).where('dossier_id', '=', row.id).execute();
      expect(events).toEqual([{ seq: 1, action: 'submit', actor_id: 'canbo.camgiang' }]);
      const audited = await auditEntriesFor(env().ctx.db, { type: 'dossier', id: code }, { offset: 0, limit: 10 });
      expect(audited.items.map((e) => ({ action: e.action, actorId: e.actorId }))).toEqual([{ action: 'dossier.submit', actorId: 'canbo.camgiang' }]);
      const messages = await k.selectFrom('outbox_messages').select('channel').where('dedupe_key', 'like', `dossier:${code}:1:%`).orderBy('channel').execute();
      expect(messages.map((m) => m.channel)).toEqual(i === 6 ? ['email'] : ['email', 'sms']);
      const keyName = `quay-1-260303-${i === 7 ? 0 : i}`;
      const stored = await k.selectFrom('dossier_idempotency').select(['key', 'dossier_id']).where('key', '=', keyName).execute();
      expect(stored).toEqual([{ key: keyName, dossier_id: row.id }]);
    }
    const received = await readIndicator(k, { indicator: 'dossiers.received', from: '2026-03-03', to: '2026-03-03' });
    expect(received).toEqual([{ unitCode: '10888', day: '2026-03-03', dims: { channel: 'counter', filedBy: 'self', sector: 'police', service: '1.004194' }, count: 7 }]);
    expect(await k.selectFrom('dossiers').select('code').where('applicant_name', '=', names[refusedAt[0]!]!).where('unit_date', '=', '2026-03-03').execute()).toEqual([]);
  });

  it('records who helped, where, on what and the consent for an on_behalf dossier; the support team may file but not process', async () => {
    const assistance = { site: 'Quầy hỗ trợ số 2, UBND xã Cẩm Giang', equipmentId: 'MT-CG-02', consent: { given: true, method: 'signed_paper' } };
    const r = await call('POST', '/api/v1/dossiers', 'hotro.camgiang', { serviceCode: 'P.000014', channel: 'on_behalf', data: SAMPLE_FORMS['P.000014'], assistance });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ channel: 'on_behalf', filedBy: 'on_behalf' });
    const code = r.json().code as string;
    const row = await dossierByCode(env().ctx.db.as<DossiersTables>(), code);
    expect(JSON.parse(row!.assistance!)).toMatchObject({ helper: 'hotro.camgiang', site: 'Quầy hỗ trợ số 2, UBND xã Cẩm Giang', equipmentId: 'MT-CG-02', consent: { given: true, method: 'signed_paper' } });
    const act = await call('POST', `/api/v1/dossiers/${code}/actions`, 'hotro.camgiang', { action: 'receive' });
    expect(act.statusCode).toBe(403);
    expect(act.json().code).toBe('DOSSIER_ACTION_FORBIDDEN');
    const noConsent = await call('POST', '/api/v1/dossiers', 'hotro.camgiang', { serviceCode: 'P.000014', channel: 'on_behalf', data: SAMPLE_FORMS['P.000014'], assistance: { ...assistance, consent: { given: false, method: 'signed_paper' } } });
    expect(noConsent.json().errors).toEqual([expect.objectContaining({ field: 'body.assistance.consent.given', code: 'DOSSIER_CONSENT_REQUIRED' })]);
    const missing = await call('POST', '/api/v1/dossiers', 'hotro.camgiang', { serviceCode: 'P.000014', channel: 'mobile', data: SAMPLE_FORMS['P.000014'] });
    expect(missing.json().errors.map((e: { field: string; code: string }) => `${e.field} ${e.code}`)).toEqual(['body.assistance FIELD_REQUIRED']);
  });

  it('lists every failing field of the form and refuses unknown services, undeployed units and other channels', async () => {
    const data: Record<string, unknown> = { ...SAMPLE_FORMS['1.004194'], from: '2026-02-30', ground: 'tent', extra: 1 };
    delete data.until;
    const r = await call('POST', '/api/v1/dossiers', 'canbo.camgiang', { serviceCode: '1.004194', channel: 'counter', data });
    expect(r.statusCode).toBe(400);
    expect(r.json().code).toBe('VALIDATION_FAILED');
    expect(r.json().errors.map((e: { field: string; code: string }) => `${e.field} ${e.code}`).sort()).toEqual(['data.extra FIELD_UNKNOWN', 'data.from DATE_INVALID', 'data.ground FIELD_NOT_ALLOWED_VALUE', 'data.until FIELD_REQUIRED'].sort());
    expect((await call('POST', '/api/v1/dossiers', 'canbo.camgiang', { serviceCode: '1.999999', channel: 'counter', data: {} })).json().code).toBe('SERVICE_NOT_FOUND');
    expect((await call('POST', '/api/v1/dossiers', 'canbo.camgiangx', counterBody())).json()).toMatchObject({ status: 409, code: 'SERVICE_NOT_DEPLOYED' });
    expect((await call('POST', '/api/v1/dossiers', 'canbo.camgiangx', counterBody({ unitCode: '10888' }))).json()).toMatchObject({ status: 403, code: 'DOSSIER_UNIT_OUT_OF_SCOPE' });
    expect((await call('POST', '/api/v1/dossiers', 'canbo.camgiang', counterBody({ channel: 'online' }))).json()).toMatchObject({ status: 403, code: 'DOSSIER_CHANNEL_NOT_ALLOWED' });
    expect((await call('POST', '/api/v1/dossiers', undefined, counterBody())).statusCode).toBe(401);
    // Without a session nothing about the body is told.
    expect((await call('POST', '/api/v1/dossiers', undefined, { bogus: 1 })).json()).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect((await call('POST', '/api/v1/dossiers', 'admin', counterBody())).json().code).toBe('DOSSIER_UNIT_REQUIRED');
  });

  it('pre-fills an online dossier from the registry and locks those fields', async () => {
    const { receipt } = await submitDossier(env().env, HOA_ONLINE, HOA_ACTOR, { serviceCode: '1.004194', channel: 'online', unitCode: '10888', data: sampleWithoutPrefill('1.004194') }, { now: '2026-02-16T01:00:00Z' });
    expect(receipt.lockedFields.sort()).toEqual(['applicant/dateOfBirth', 'applicant/email', 'applicant/fullName', 'applicant/permanentAddress', 'applicant/phone', 'applicant/pin', 'applicant/sex']);
    const row = await dossierByCode(env().ctx.db.as<DossiersTables>(), receipt.code);
    expect(JSON.parse(row!.form_data).applicant).toEqual({
      fullName: 'Nguyễn Thị Hoa',
      pin: '031190001234',
      dateOfBirth: '1990-05-12',
      sex: 'female',
      phone: '0912345678',
      email: 'hoa.nguyen@example.vn',
      permanentAddress: 'Số 12, thôn Hoàng Đào, Xã Cẩm Giang, Thành phố Hải Phòng',
    });
    expect(row).toMatchObject({ channel: 'online', filed_by: 'self', applicant_account: 7, applicant_pin: HOA.pin });
    // A value that differs from the registry is refused, with the other failing fields.
    const data = sampleWithoutPrefill('1.004194');
    (data.applicant as Record<string, unknown>).fullName = 'Nguyễn Thị Hoà Bình';
    (data.applicant as Record<string, unknown>).dateOfBirth = '1991-01-01';
    delete data.until;
    const err = await submitDossier(env().env, HOA_ONLINE, HOA_ACTOR, { serviceCode: '1.004194', channel: 'online', unitCode: '10888', data }).catch((e: AppError) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).fieldErrors.map((e) => `${e.field} ${e.code}`).sort()).toEqual(['data.applicant.dateOfBirth DOSSIER_PREFILL_LOCKED', 'data.applicant.fullName DOSSIER_PREFILL_LOCKED', 'data.until FIELD_REQUIRED']);
    // The same value in another Unicode form or spacing is the same value.
    const same = sampleWithoutPrefill('1.004194');
    (same.applicant as Record<string, unknown>).fullName = ' Nguye\u0302\u0303n  Thị Hoa ';
    expect((await submitDossier(env().env, HOA_ONLINE, HOA_ACTOR, { serviceCode: '1.004194', channel: 'online', unitCode: '10888', data: same })).receipt.state).toBe('submitted');
    // A level-1 account cannot file a service that needs level 2.
    const low = await submitDossier(env().env, { ...HOA_ONLINE, level: 1 }, HOA_ACTOR, { serviceCode: '1.004194', channel: 'online', unitCode: '10888', data: sampleWithoutPrefill('1.004194') }).catch((e: AppError) => e);
    expect((low as AppError).code).toBe('DOSSIER_ASSURANCE_LEVEL');
    const noUnit = await submitDossier(env().env, HOA_ONLINE, HOA_ACTOR, { serviceCode: '1.004194', channel: 'online', data: sampleWithoutPrefill('1.004194') }).catch((e: AppError) => e);
    expect((noUnit as AppError).code).toBe('DOSSIER_UNIT_REQUIRED');
  });

  it('lets a citizen read and supplement only their own dossier', async () => {
    const { receipt } = await submitDossier(env().env, HOA_ONLINE, HOA_ACTOR, { serviceCode: '1.003677', channel: 'online', unitCode: '10888', data: sampleWithoutPrefill('1.003677') }, { now: '2026-02-16T02:00:00Z' });
    const mine = await readDossier(env().env, HOA_ONLINE, receipt.code, HOA_ACTOR);
    expect(mine).toMatchObject({ code: receipt.code, state: 'submitted', channel: 'online', applicant: { fullName: 'Nguyễn Thị Hoa', pin: HOA.pin } });
    const stranger = { ...HOA_ONLINE, accountId: 99, pin: '001090000077' };
    expect(await readDossier(env().env, stranger, receipt.code, HOA_ACTOR).catch((e: AppError) => e.code)).toBe('DOSSIER_NOT_FOUND');
    expect(await takeAction(env().env, HOA_ONLINE, HOA_ACTOR, receipt.code, { action: 'receive' }).catch((e: AppError) => e.code)).toBe('DOSSIER_ACTION_FORBIDDEN');
    await takeAction(env().env, OFFICER, OFFICER_ACTOR, receipt.code, { action: 'return_for_completion', reason: 'Ghi rõ địa chỉ nơi đến' }, { now: '2026-02-16T03:00:00Z' });
    const data = sampleWithoutPrefill('1.003677');
    data.destination = 'Số 5 phố Lò Đúc, phường Hai Bà Trưng, thành phố Hà Nội';
    const bad = await takeAction(env().env, HOA_ONLINE, HOA_ACTOR, receipt.code, { action: 'resubmit', data: { ...data, applicant: { fullName: 'Người khác' } } }).catch((e: AppError) => e);
    expect((bad as AppError).fieldErrors.map((e) => `${e.field} ${e.code}`)).toEqual(['data.applicant.fullName DOSSIER_PREFILL_LOCKED']);
    const v = await takeAction(env().env, HOA_ONLINE, HOA_ACTOR, receipt.code, { action: 'resubmit', data }, { now: '2026-02-17T03:00:00Z' });
    expect(v).toMatchObject({ state: 'submitted', formData: { destination: 'Số 5 phố Lò Đúc, phường Hai Bà Trưng, thành phố Hà Nội', applicant: { fullName: 'Nguyễn Thị Hoa' } } });
    expect(v.events.at(-1)).toMatchObject({ action: 'resubmit', actor: { kind: 'citizen', id: 'eid:7' }, data: { formDataReplaced: true } });
  });

  it('files online every essential service that has a form, each under its catalog version', async () => {
    const withForm = BUILTIN_CATALOG.filter((s) => s.hasForm);
    expect(withForm.length).toBeGreaterThanOrEqual(24);
    for (const s of withForm) {
      const { receipt } = await submitDossier(env().env, HOA_ONLINE, HOA_ACTOR, { serviceCode: s.code, channel: 'online', unitCode: '10888', data: sampleWithoutPrefill(s.code) }, { now: '2026-04-01T02:00:00Z' });
      expect(receipt.service).toMatchObject({ code: s.code, version: 1 });
      expect(receipt.lockedFields).toContain('applicant/fullName');
    }
    const online = await readIndicator(env().ctx.db.kysely, { indicator: 'dossiers.received', from: '2026-04-01', to: '2026-04-01' });
    expect(online.reduce((n, r) => n + r.count, 0)).toBe(withForm.length);
    expect(online.every((r) => r.dims.channel === 'online' && r.dims.filedBy === 'self')).toBe(true);
  });

  it('keeps the audit chain whole', async () => {
    expect((await verifyAuditChain(env().ctx.db)).ok).toBe(true);
  });
});
