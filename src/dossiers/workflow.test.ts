import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { forEachEngine, type TestDatabase } from '../platform/testing/engines.js';
import type { StaffRole } from '../platform/auth.js';
import { createStaff } from '../identity/index.js';
import { unitCodeExists, type UnitsTables } from '../units/index.js';
import { AppError } from '../platform/errors.js';
import { auditEntriesFor } from '../platform/audit/audit.js';
import { readIndicator } from '../platform/rollups.js';
import { WorkingCalendar } from '../calendar/index.js';
import { OFFICIAL_DAYS_2024_2026 } from '../calendar/official-days.js';
import { SAMPLE_FORMS } from '../services/index.js';
import { takeAction } from './actions.js';
import { resumeClock, startClock, workingDaysLeft } from './clock.js';
import { formatDossierCode, parseDossierCode } from './codes.js';
import { dossierFormPdf } from './documents.js';
import { AGENCY, CLI, dossierPlatform, HOA_ACTOR, HOA_ONLINE, OFFICER, OFFICER_ACTOR, PASSWORD } from './fixtures.js';
import { readDossier } from './listing.js';
import { submitDossier } from './intake.js';
import { FLAG_OVERDUE_JOB, flagOverdue, flagOverdueJob } from './overdue.js';
import { Temporal } from 'temporal-polyfill';
import { addDays, todayInVietnam } from '../platform/dates.js';
import { dossierByCode, escalationsOf, type DossiersTables } from './store.js';
import { initials } from './views.js';
import { pdfText } from '../platform/testing/pdf.js';
import { ACTION_RULES, allowedActions, nextState } from './workflow.js';

const cal = new WorkingCalendar(OFFICIAL_DAYS_2024_2026);

describe('state machine (Decree 118/2025/NĐ-CP)', () => {
  it('leads each action to its state and refuses the others with DOSSIER_ACTION_NOT_ALLOWED', () => {
    expect(nextState('submitted', 'receive')).toBe('received');
    expect(nextState('received', 'assign')).toBe('in_processing');
    expect(nextState('in_processing', 'assign')).toBe('in_processing');
    expect(nextState('approved', 'release_result')).toBe('result_ready');
    expect(nextState('rejected', 'release_result')).toBe('result_ready');
    expect(nextState('in_processing', 'apologize')).toBe('in_processing');
    expect(nextState('returned_for_completion', 'resubmit', 'in_processing')).toBe('in_processing');
    expect(nextState('returned_for_completion', 'resubmit', 'submitted')).toBe('submitted');
    const e = (() => {
      try {
        nextState('submitted', 'approve');
      } catch (err) {
        return err as AppError;
      }
    })();
    expect(e).toMatchObject({ code: 'DOSSIER_ACTION_NOT_ALLOWED', status: 409, params: { action: 'approve', state: 'submitted' } });
    expect(() => nextState('result_returned', 'stop')).toThrow(AppError);
    expect(() => nextState('refused', 'receive')).toThrow(AppError);
    expect(allowedActions('submitted').sort()).toEqual(['receive', 'refuse', 'return_for_completion', 'stop']);
    expect(allowedActions('result_returned')).toEqual([]);
  });

  it('issues the forms of Circular 03/2025/TT-VPCP from their actions', () => {
    expect(Object.fromEntries(Object.entries(ACTION_RULES).filter(([, r]) => r.form).map(([a, r]) => [a, r.form]))).toEqual({ receive: '01', return_for_completion: '02', refuse: '03', apologize: '04', stop: '05' });
  });
});

describe('dossier codes and the clock', () => {
  it('writes {agency}-{yymmdd}-{sequence} with at least four digits', () => {
    expect(formatDossierCode('H15.50.05.13', '2026-10-08', 975)).toBe('H15.50.05.13-261008-0975');
    expect(formatDossierCode(AGENCY, '2026-02-13', 12345)).toBe('H31.10888-260213-12345');
    expect(parseDossierCode('H15.50.05.13-261008-0975')).toEqual({ agencyCode: 'H15.50.05.13', yymmdd: '261008', sequence: 975 });
    expect(parseDossierCode('H15.50.05.13-26100-0975')).toBeUndefined();
  });

  it('counts 5 working days across Tết 2026 from a receipt at 15:30 on Friday 13 February', () => {
    // After the 15:00 cut-off day 0 is the next working day: Monday 23 Feb (Tết 16–20 Feb, weekends around it).
    expect(startClock(cal, '2026-02-13T15:30:00+07:00', 5, '15:00')).toEqual({ startDate: '2026-02-23', dueDate: '2026-03-02' });
    expect(startClock(cal, '2026-02-13T10:00:00+07:00', 5, '15:00')).toEqual({ startDate: '2026-02-13', dueDate: '2026-02-27' });
    expect(workingDaysLeft(cal, '2026-02-24', '2026-03-02')).toBe(4);
    expect(workingDaysLeft(cal, '2026-03-02', '2026-03-02')).toBe(0);
    expect(resumeClock(cal, '2026-02-27T16:00:00+07:00', 4, '15:00')).toBe('2026-03-06');
  });

  it('shows initials only', () => {
    expect(initials('Nguyễn Thị Hoa')).toBe('N.T.H.');
    expect(initials('  đặng   văn  ấn ')).toBe('Đ.V.Ấ.');
  });
});

/**
 * The dossier platform with the colleagues a dossier may be handed to in Xã Cẩm Giang (10888), and
 * accounts it may not: commune police (no `dossier.process`), a disabled officer, and a provincial
 * police account of Thành phố Hải Phòng (31).
 */
async function workflowPlatform(t: TestDatabase) {
  const p = await dossierPlatform(t);
  const db = p.ctx.db;
  const staff: [string, StaffRole, string, string?][] = [
    ['chuyenvien.camgiang', 'COMMUNE_OFFICER', '10888'],
    ['tuphap.camgiang', 'COMMUNE_OFFICER', '10888', 'Vũ Thị Hương'],
    ['congan.camgiang', 'COMMUNE_POLICE', '10888'],
    ['nghiviec.camgiang', 'COMMUNE_OFFICER', '10888'],
    ['congan.haiphong', 'PROVINCIAL_POLICE', '31'],
  ];
  for (const [username, role, unit, displayName] of staff) await createStaff(db, { username, password: PASSWORD, role, unitCode: unit, unitDate: '2025-07-01', ...(displayName && { displayName }) }, CLI, (c) => unitCodeExists(db.as<UnitsTables>(), c));
  await sql`update staff_accounts set disabled = 1 where username = ${'nghiviec.camgiang'}`.execute(db.kysely);
  return p;
}

forEachEngine('dossier workflow', workflowPlatform, (env) => {
  const act = (code: string, action: Parameters<typeof takeAction>[4], now: string) => takeAction(env().env, OFFICER, OFFICER_ACTOR, code, action, { now });
  const call = (method: 'GET' | 'POST', url: string, who?: string, payload?: unknown) => env().app.inject({ method, url, payload: payload as never, headers: who ? { authorization: `Bearer ${env().tokens[who]}` } : {} });
  let code = '';

  it('receives across Tết, stops the clock for completion, resumes it, hands off, apologises and completes on the new date', async () => {
    const { receipt } = await submitDossier(env().env, OFFICER, OFFICER_ACTOR, { serviceCode: 'P.000013', channel: 'counter', data: SAMPLE_FORMS['P.000013'] as Record<string, unknown> }, { now: '2026-02-13T08:20:00Z' });
    code = receipt.code;
    expect(code).toBe(`${AGENCY}-260213-0001`);

    let v = await act(code, { action: 'receive' }, '2026-02-13T08:30:00Z'); // 15:30 in Vietnam
    expect(v).toMatchObject({ state: 'received', startDate: '2026-02-23', dueDate: '2026-03-02', originalDueDate: '2026-03-02', workingDays: 5, forms: ['01', '06'] });

    v = await act(code, { action: 'return_for_completion', reason: 'Bổ sung giấy khám sức khỏe người lái xe còn hiệu lực' }, '2026-02-24T02:00:00Z');
    expect(v).toMatchObject({ state: 'returned_for_completion', clockPaused: true, pausedRemaining: 4, dueDate: '2026-03-02' });
    expect(v.events.at(-1)).toMatchObject({ action: 'return_for_completion', form: '02', reason: 'Bổ sung giấy khám sức khỏe người lái xe còn hiệu lực', data: { clockStopped: true, workingDaysLeft: 4 } });

    // Resubmitted Friday 27 Feb at 16:00, after the cut-off: 4 days from Monday 2 March.
    v = await act(code, { action: 'resubmit' }, '2026-02-27T09:00:00Z');
    expect(v).toMatchObject({ state: 'received', clockPaused: false, dueDate: '2026-03-06', originalDueDate: '2026-03-02' });
    expect(v.events.at(-1)).toMatchObject({ action: 'resubmit', form: '01', data: { previousDueDate: '2026-03-02', dueDate: '2026-03-06' } });

    v = await act(code, { action: 'assign', handler: 'chuyenvien.camgiang', toUnit: 'Bộ phận chuyên môn' }, '2026-03-02T02:00:00Z');
    v = await act(code, { action: 'assign', handler: 'tuphap.camgiang', toUnit: 'Công chức Tư pháp - Hộ tịch xã Cẩm Giang' }, '2026-03-03T02:00:00Z');
    expect(v).toMatchObject({ state: 'in_processing', handler: 'tuphap.camgiang' });
    expect(v.events.at(-1)!.data).toEqual({ handler: 'tuphap.camgiang', previousHandler: 'chuyenvien.camgiang', toUnit: 'Công chức Tư pháp - Hộ tịch xã Cẩm Giang', handOff: true });

    // Form 04 on the due date itself, with a new date that is a working day after it.
    const badDate = await act(code, { action: 'apologize', reason: 'Chờ xác minh', newDueDate: '2026-03-07' }, '2026-03-06T02:00:00Z').catch((e: AppError) => e);
    expect(badDate).toMatchObject({ code: 'DOSSIER_NEW_DUE_DATE_INVALID' });
    v = await act(code, { action: 'apologize', reason: 'Chờ kết quả xác minh giấy phép lái xe cũ', newDueDate: '2026-03-09' }, '2026-03-06T02:00:00Z');
    expect(v).toMatchObject({ state: 'in_processing', dueDate: '2026-03-09', forms: ['01', '02', '04', '06'] });

    v = await act(code, { action: 'approve' }, '2026-03-09T01:00:00Z');
    v = await act(code, { action: 'release_result' }, '2026-03-09T03:00:00Z');
    expect(v).toMatchObject({ state: 'result_ready', onTime: true, completedAt: '2026-03-09T03:00:00Z' });
    v = await act(code, { action: 'return_result' }, '2026-03-10T03:00:00Z');
    expect(v).toMatchObject({ state: 'result_returned', allowedActions: [], closedAt: '2026-03-10T03:00:00Z' });
    expect(v.events.map((e) => `${e.action}:${e.toState}`)).toEqual([
      'submit:submitted',
      'receive:received',
      'return_for_completion:returned_for_completion',
      'resubmit:received',
      'assign:in_processing',
      'assign:in_processing',
      'apologize:in_processing',
      'approve:approved',
      'release_result:result_ready',
      'return_result:result_returned',
    ]);
    expect(v.events.every((e) => e.actor.id === 'canbo.camgiang')).toBe(true);

    const kysely = env().ctx.db.kysely;
    expect(await readIndicator(kysely, { indicator: 'dossiers.apologies', from: '2026-03-06', to: '2026-03-06' })).toEqual([{ unitCode: '10888', day: '2026-03-06', dims: {}, count: 1 }]);
    expect(await readIndicator(kysely, { indicator: 'dossiers.completed', from: '2026-03-09', to: '2026-03-09' })).toEqual([{ unitCode: '10888', day: '2026-03-09', dims: { onTime: 'yes' }, count: 1 }]);
    const apology = await kysely.selectFrom('outbox_messages').select('body').where('dedupe_key', '=', `dossier:${code}:7:sms`).executeTakeFirstOrThrow();
    expect(apology.body).toBe(
      `Cơ quan giải quyết xin lỗi Ông/Bà: hồ sơ ${code} chưa giải quyết xong đúng hẹn ngày 06/03/2026. Lý do: Chờ kết quả xác minh giấy phép lái xe cũ. Ngày hẹn trả kết quả mới: 09/03/2026. Tra cứu: https://dichvucong.haiphong.gov.vn/tra-cuu/${code}`,
    );
  });

  it('keeps transitions append-only in the database itself', async () => {
    const db = env().ctx.db.kysely;
    await expect(sql`update dossier_events set reason = 'sửa' where seq = 1`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from dossier_events`.execute(db)).rejects.toThrow(/append-only/);
  });

  it('prints forms 01, 02, 04 and 06 with the national heading, the dates and the tracking QR', async () => {
    const d = (await dossierByCode(env().ctx.db.as<DossiersTables>(), code))!;
    const f01 = await pdfText(await dossierFormPdf(env().env, d, '01'));
    expect(f01).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(f01).toContain('Độc lập - Tự do - Hạnh phúc');
    expect(f01).toContain('GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ');
    expect(f01).toContain(`Mã hồ sơ: ${code}`);
    expect(f01).toContain('TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ CẨM GIANG');
    expect(f01).toContain('Cấp đổi, cấp lại giấy phép lái xe');
    expect(f01).toContain('15:30 ngày 13/02/2026');
    expect(f01).toContain('ngày hẹn trả kết quả mới là 06/03/2026');
    expect(f01).toContain('Cẩm Giang, ngày 27 tháng 02 năm 2026');
    const f02 = await pdfText(await dossierFormPdf(env().env, d, '02'));
    expect(f02).toContain('PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ');
    expect(f02).toContain('Bổ sung giấy khám sức khỏe người lái xe còn hiệu lực');
    expect(f02).toContain('còn 4 ngày làm việc');
    const f04 = await pdfText(await dossierFormPdf(env().env, d, '04'));
    expect(f04).toContain('VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT');
    expect(f04).toContain('09/03/2026');
    const f06 = await pdfText(await dossierFormPdf(env().env, d, '06'));
    expect(f06).toContain('PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ');
    // People by their names, not their usernames: the handler, and the officer with a display name.
    expect(f06).toContain('cán bộ Vũ Thị Hương, Công chức Tư pháp - Hộ tịch xã Cẩm Giang');
    expect(f06).not.toContain('tuphap.camgiang');
    expect(f06).toContain('chuyenvien.camgiang'); // an account without a display name keeps its username
    expect(f06).toContain('Đúng hạn');
    const missing = await dossierFormPdf(env().env, d, '03').catch((e: AppError) => e);
    expect(missing).toMatchObject({ code: 'DOSSIER_FORM_NOT_AVAILABLE', status: 404 });
    const http = await call('GET', `/api/v1/dossiers/${code}/forms/01.pdf`, 'canbo.camgiang');
    expect(http.statusCode).toBe(200);
    expect(http.headers['content-type']).toBe('application/pdf');
    expect(http.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect((await call('GET', `/api/v1/dossiers/${code}/forms/01.pdf`, 'canbo.camgiangx')).statusCode).toBe(404);
  });

  it('answers an illegal transition with 409 and its code, a missing reason with 400, other units with 404', async () => {
    const r = await call('POST', '/api/v1/dossiers', 'canbo.camgiang', { serviceCode: '1.004194', channel: 'counter', data: SAMPLE_FORMS['1.004194'] });
    const c = r.json().code as string;
    const approve = await call('POST', `/api/v1/dossiers/${c}/actions`, 'canbo.camgiang', { action: 'approve' });
    expect(approve.statusCode).toBe(409);
    expect(approve.json()).toMatchObject({ code: 'DOSSIER_ACTION_NOT_ALLOWED', detail: 'Không thực hiện được thao tác "approve" khi hồ sơ đang ở trạng thái "submitted".' });
    const refuse = await call('POST', `/api/v1/dossiers/${c}/actions`, 'canbo.camgiang', { action: 'refuse' });
    expect(refuse.statusCode).toBe(400);
    expect(refuse.json().errors).toEqual([expect.objectContaining({ field: 'body.reason', code: 'FIELD_REQUIRED' })]);
    expect((await call('POST', `/api/v1/dossiers/${c}/actions`, 'canbo.camgiangx', { action: 'receive' })).json().code).toBe('DOSSIER_NOT_FOUND');
    expect((await call('GET', `/api/v1/dossiers/${c}`, 'canbo.camgiangx')).statusCode).toBe(404);
    expect((await call('GET', `/api/v1/dossiers/${c}`)).statusCode).toBe(401);
    const stale = await call('POST', `/api/v1/dossiers/${c}/actions`, 'canbo.camgiang', { action: 'receive', version: 7 });
    expect(stale.json().code).toBe('DOSSIER_CHANGED_CONCURRENTLY');
    const received = await call('POST', `/api/v1/dossiers/${c}/actions`, 'canbo.camgiang', { action: 'receive', version: 1 });
    expect(received.statusCode).toBe(200);
    expect(received.json()).toMatchObject({ state: 'received', version: 2, allowedActions: ['return_for_completion', 'assign', 'apologize', 'stop'] });
    const refused = await call('POST', `/api/v1/dossiers/${c}/actions`, 'canbo.camgiang', { action: 'refuse', reason: 'Không thuộc thẩm quyền' });
    expect(refused.statusCode).toBe(409);
    const stop = await call('POST', `/api/v1/dossiers/${c}/actions`, 'canbo.camgiang', { action: 'stop', reason: 'Công dân đề nghị dừng giải quyết' });
    expect(stop.json()).toMatchObject({ state: 'stopped', forms: ['01', '05', '06'] });
    const full = await call('GET', `/api/v1/dossiers/${c}`, 'canbo.camgiang');
    expect(full.json()).toMatchObject({ code: c, state: 'stopped', applicant: { fullName: 'Nguyễn Thị Hoa', pin: '031190001234' }, service: { code: '1.004194', version: 1, nameVi: 'Đăng ký tạm trú', nameEn: 'Temporary residence registration' } });
    expect((await call('GET', `/api/v1/dossiers/${c}/forms/05.pdf`, 'canbo.camgiang')).statusCode).toBe(200);
    // Every action answered the applicant's name, number and contacts, and the form printed them:
    // each is in her record's access log, beside the dossier's own trail; refused attempts are not.
    const log = await auditEntriesFor(env().ctx.db, { type: 'citizen', id: '031190001234' }, { offset: 0, limit: 200 });
    const aboutThis = log.items.filter((e) => e.subjects.includes(`dossier:${c}`));
    expect(aboutThis.map((e) => [e.action, e.actorId]).reverse()).toEqual([
      ['dossier.submit', 'canbo.camgiang'],
      ['dossier.receive', 'canbo.camgiang'],
      ['dossier.stop', 'canbo.camgiang'],
      ['dossier.read', 'canbo.camgiang'],
      ['dossier.form', 'canbo.camgiang'],
    ]);
    expect(aboutThis.every((e) => e.subjects.includes('citizen:031190001234'))).toBe(true);
  });

  it('assigns only an enabled officer who processes dossiers within whose unit the dossier was received', async () => {
    const { receipt } = await submitDossier(env().env, OFFICER, OFFICER_ACTOR, { serviceCode: '1.004194', channel: 'counter', data: SAMPLE_FORMS['1.004194'] as Record<string, unknown> }, { now: '2026-03-11T02:00:00Z' });
    const c = receipt.code;
    await act(c, { action: 'receive' }, '2026-03-11T02:10:00Z');
    const assign = (handler: string) => call('POST', `/api/v1/dossiers/${c}/actions`, 'canbo.camgiang', { action: 'assign', handler });
    const nobody = await assign('nobody.here');
    expect([nobody.statusCode, nobody.json().code, nobody.json().detail]).toEqual([422, 'DOSSIER_HANDLER_UNKNOWN', 'Không có tài khoản cán bộ "nobody.here".']);
    // The officer of the neighbouring Xã Cẩm Giàng (10903) cannot reach a dossier received in Cẩm Giang.
    const neighbour = await assign('canbo.camgiangx');
    expect([neighbour.statusCode, neighbour.json().code]).toEqual([422, 'DOSSIER_HANDLER_OUT_OF_SCOPE']);
    expect(neighbour.json().detail).toBe(`Đơn vị của cán bộ "canbo.camgiangx" không quản lý hồ sơ ${c}.`);
    // Police (commune or provincial) and the support team do not process dossiers.
    for (const handler of ['congan.camgiang', 'congan.haiphong', 'hotro.camgiang']) expect((await assign(handler)).json().code).toBe('DOSSIER_HANDLER_NOT_PROCESSOR');
    expect((await assign('nghiviec.camgiang')).json().code).toBe('DOSSIER_HANDLER_DISABLED');
    // Nothing was written by the refusals: still received, version 2, no assignment.
    const before = (await call('GET', `/api/v1/dossiers/${c}`, 'canbo.camgiang')).json();
    expect(before).toMatchObject({ state: 'received', version: 2, handler: null });
    expect(before.events.map((e: { action: string }) => e.action)).toEqual(['submit', 'receive']);
    const ok = await assign('chuyenvien.camgiang');
    expect([ok.statusCode, ok.json().state, ok.json().handler]).toEqual([200, 'in_processing', 'chuyenvien.camgiang']);
    // A hand-off to an administrator (the whole system) is allowed; the logic function refuses like the route.
    expect((await act(c, { action: 'assign', handler: 'admin' }, '2026-03-11T03:00:00Z')).handler).toBe('admin');
    expect(await act(c, { action: 'assign', handler: 'canbo.camgiangx' }, '2026-03-11T03:10:00Z').catch((e: AppError) => e.code)).toBe('DOSSIER_HANDLER_OUT_OF_SCOPE');
  });

  it('lists in allowedActions only the actions the viewer may take: the citizen gets resubmit when asked to complete, staff the desk’s actions', async () => {
    const { receipt } = await submitDossier(env().env, OFFICER, OFFICER_ACTOR, { serviceCode: '1.004194', channel: 'counter', data: SAMPLE_FORMS['1.004194'] as Record<string, unknown> }, { now: '2026-03-12T02:00:00Z' });
    const c = receipt.code;
    // Nguyễn Thị Hoa is the applicant: she reaches the dossier but takes no desk action.
    expect((await readDossier(env().env, HOA_ONLINE, c, HOA_ACTOR)).allowedActions).toEqual([]);
    expect((await call('GET', `/api/v1/dossiers/${c}`, 'canbo.camgiang')).json().allowedActions).toEqual(['receive', 'return_for_completion', 'refuse', 'stop']);
    // The support team files dossiers but does not process them.
    expect((await call('GET', `/api/v1/dossiers/${c}`, 'hotro.camgiang')).json().allowedActions).toEqual([]);
    const returned = await act(c, { action: 'return_for_completion', reason: 'Bổ sung bản sao giấy khai sinh' }, '2026-03-12T03:00:00Z');
    expect(returned.allowedActions).toEqual(['resubmit', 'refuse', 'stop']);
    expect((await readDossier(env().env, HOA_ONLINE, c, HOA_ACTOR)).allowedActions).toEqual(['resubmit']);
    expect((await call('GET', `/api/v1/dossiers/${c}`, 'hotro.camgiang')).json().allowedActions).toEqual(['resubmit']);
    // A desk action by the citizen is still refused; her resubmission answers with what is left to her.
    expect(await takeAction(env().env, HOA_ONLINE, HOA_ACTOR, c, { action: 'stop', reason: 'Không cần nữa' }, { now: '2026-03-12T04:00:00Z' }).catch((e: AppError) => e.code)).toBe('DOSSIER_ACTION_FORBIDDEN');
    const resubmitted = await takeAction(env().env, HOA_ONLINE, HOA_ACTOR, c, { action: 'resubmit' }, { now: '2026-03-12T04:00:00Z' });
    expect(resubmitted).toMatchObject({ state: 'submitted', allowedActions: [] });
  });

  it('flags overdue dossiers once on working days and escalates them to the head of the unit', async () => {
    const { receipt } = await submitDossier(env().env, OFFICER, OFFICER_ACTOR, { serviceCode: '1.004194', channel: 'counter', data: SAMPLE_FORMS['1.004194'] as Record<string, unknown> }, { now: '2026-02-13T02:00:00Z' });
    const c = receipt.code;
    const v = await act(c, { action: 'receive' }, '2026-02-13T03:00:00Z');
    expect(v.dueDate).toBe('2026-02-25');
    await act(c, { action: 'assign', handler: 'chuyenvien.camgiang' }, '2026-02-23T03:00:00Z');
    expect(await flagOverdue(env().ctx, '2026-02-25')).toMatchObject({ workingDay: true, flagged: 0 });
    const run = await flagOverdue(env().ctx, '2026-02-26');
    expect(run).toMatchObject({ date: '2026-02-26', workingDay: true, flagged: 1, escalated: 1, unreachable: 0 });
    expect(await flagOverdue(env().ctx, '2026-02-26')).toMatchObject({ flagged: 0 });
    expect(await flagOverdue(env().ctx, '2026-02-28')).toEqual({ date: '2026-02-28', workingDay: false, flagged: 0, escalated: 0, unreachable: 0 });
    const d = (await dossierByCode(env().ctx.db.as<DossiersTables>(), c))!;
    expect(d.overdue_since).toBe('2026-02-26');
    expect(await escalationsOf(env().ctx.db.as<DossiersTables>(), d.id)).toEqual([expect.objectContaining({ kind: 'overdue', unit_code: '10888', day: '2026-02-26', recipient_masked: expect.stringMatching(/@haiphong\.gov\.vn$/) })]);
    const mail = await env().ctx.db.kysely.selectFrom('outbox_messages').select(['channel', 'kind', 'subject', 'body']).where('dedupe_key', '=', `dossier:${c}:escalation:email`).executeTakeFirstOrThrow();
    expect(mail).toMatchObject({ channel: 'email', kind: 'dossier.escalation', subject: `[Một cửa] Hồ sơ quá hạn ${c}` });
    expect(mail.body).toContain('Kính gửi Chủ tịch UBND xã Cẩm Giang: hồ sơ');
    expect(mail.body).toContain('đã quá hạn giải quyết từ ngày 25/02/2026 (hôm nay 26/02/2026), cán bộ đang xử lý: chuyenvien.camgiang');
    expect(await readIndicator(env().ctx.db.kysely, { indicator: 'dossiers.overdue', from: '2026-02-26', to: '2026-02-26' })).toEqual([{ unitCode: '10888', day: '2026-02-26', dims: {}, count: 1 }]);
    // Too late for form 04; completion counts as late.
    expect(await act(c, { action: 'apologize', reason: 'Chậm', newDueDate: '2026-03-02' }, '2026-02-26T03:00:00Z').catch((e: AppError) => e.code)).toBe('DOSSIER_APOLOGY_TOO_LATE');
    await act(c, { action: 'approve' }, '2026-02-27T02:00:00Z');
    expect(await act(c, { action: 'release_result' }, '2026-02-27T03:00:00Z')).toMatchObject({ onTime: false });
    expect(await readIndicator(env().ctx.db.kysely, { indicator: 'dossiers.completed', from: '2026-02-27', to: '2026-02-27' })).toEqual([{ unitCode: '10888', day: '2026-02-27', dims: { onTime: 'no' }, count: 1 }]);
  });

  it('runs the flagging as a daily job that queues the next day', async () => {
    const { runDueJobs } = await import('../platform/jobs/index.js');
    const today = todayInVietnam();
    const tomorrowEarly = Temporal.PlainDate.from(today).add({ days: 1 }).toZonedDateTime({ timeZone: 'Asia/Ho_Chi_Minh', plainTime: Temporal.PlainTime.from('00:10') }).toInstant().toString();
    const r = await runDueJobs(env().ctx, { [FLAG_OVERDUE_JOB]: flagOverdueJob }, { now: tomorrowEarly });
    expect(r.failed).toBe(0);
    expect(r.done).toBeGreaterThanOrEqual(1);
    const queued = await env().ctx.db.kysely.selectFrom('jobs').select(['dedupe_key']).where('kind', '=', FLAG_OVERDUE_JOB).orderBy('dedupe_key').execute();
    // Today's run, done at 00:10 tomorrow (the clock the job is given), flags as of tomorrow and queues the day after.
    expect(queued.map((j) => j.dedupe_key)).toContain(`${FLAG_OVERDUE_JOB}:${addDays(today, 2)}`);
  });

  it('lists the work queue of the unit with counts per state', async () => {
    const q = await call('GET', '/api/v1/dossiers?pageSize=5', 'canbo.camgiang');
    expect(q.statusCode).toBe(200);
    const body = q.json();
    expect(body.counts).toMatchObject({ result_returned: 1, result_ready: 1, stopped: 1 });
    expect(body.total).toBe(Object.values(body.counts as Record<string, number>).reduce((a, b) => a + b, 0));
    expect(body.items).toHaveLength(Math.min(5, body.total));
    const ready = await call('GET', '/api/v1/dossiers?state=result_ready', 'canbo.camgiang');
    expect(ready.json().items.map((i: { serviceCode: string; applicantPinMasked: string; serviceName: string; serviceNameEn: string | null }) => [i.serviceCode, i.applicantPinMasked, i.serviceName, i.serviceNameEn])).toEqual([['1.004194', '031******234', 'Đăng ký tạm trú', 'Temporary residence registration']]);
    // The list showed her name and masked number: the listing is in her access log, as a registry search would be.
    const [listed] = (await auditEntriesFor(env().ctx.db, { type: 'citizen', id: '031190001234' }, { offset: 0, limit: 1 })).items;
    expect(listed).toMatchObject({ action: 'dossier.queue', actorId: 'canbo.camgiang', summary: 'work queue: 1 of 1 shown, state result_ready' });
    expect(listed!.subjects).toEqual([`dossier:${ready.json().items[0].code}`, 'citizen:031190001234']);
    expect((await call('GET', '/api/v1/dossiers', 'canbo.camgiangx')).json()).toMatchObject({ total: 0, items: [] });
    expect((await call('GET', '/api/v1/dossiers', 'hotro.camgiang')).statusCode).toBe(403);
    expect((await call('GET', '/api/v1/dossiers?state=bogus', 'canbo.camgiang')).json().errors[0]).toMatchObject({ field: 'query.state', code: 'FIELD_NOT_ALLOWED_VALUE' });
  });
});
