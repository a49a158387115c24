import { expect, it } from 'vitest';
import { sql } from 'kysely';
import { forEachEngine } from '../platform/testing/engines.js';
import { startTestPlatform } from '../platform/testing/app.js';
import { auditEntriesFor, verifyAuditChain } from '../platform/audit/audit.js';
import type { StaffRole } from '../platform/auth.js';
import { createStaff, signInStaff } from '../identity/index.js';
import { unitCodeExists, type UnitsTables } from '../units/index.js';
import { saveCitizen, UnitPaths, checkCitizen } from './registry.js';
import { addDays, todayInVietnam } from '../platform/dates.js';
import { importSuccessions, importUnitList } from '../units/index.js';
import type { PopulationTables } from './store.js';
import type { CitizenInput } from './model.js';

const cli = { kind: 'cli' as const, id: 'cli:test' };
const D = '2023-02-28';
// Nguyễn Văn An, male, born 1990-05-12 in Hải Dương (030), living in Xã Cẩm Hoàng (10897).
const an: CitizenInput = {
  pin: '030090001234',
  fullName: 'Nguye\u0302\u0303n Va\u0306n An', // NFD on input
  dateOfBirth: '1990-05-12',
  sex: 'male',
  ethnicity: 'Kinh',
  birthRegistration: { unitCode: '30', unitDate: D },
  permanentResidence: { unitCode: '10897', unitDate: D, addressLine: 'Thôn Hoàng Xá', since: '2010-01-01' },
  household: { number: 'HD-10897-0001', headPin: '030090001234', relation: 'head' },
  phone: '0912345678',
  identityCard: { number: '030090001234', issuedOn: '2021-04-01', expiresOn: '2030-05-12', chip: true },
};
// Trần Thị Bình, female, born 1950 (year only), living in Phường Phúc Xá, Hà Nội (00001).
const binh: CitizenInput = { pin: '001150000077', fullName: 'Trần Thị Bình', dateOfBirth: '1950', sex: 'female', permanentResidence: { unitCode: '00001', unitDate: D, addressLine: 'Số 5 phố Phúc Xá' } };

async function setup(t: Parameters<typeof startTestPlatform>[0]) {
  const platform = await startTestPlatform(t);
  const tokens: Record<string, string> = {};
  const staff: [string, StaffRole, string | null][] = [
    ['admin', 'ADMIN', null],
    ['congan.camhoang', 'COMMUNE_POLICE', '10897'],
    ['canbo.phucxa', 'COMMUNE_OFFICER', '00001'],
    ['pc06.haiduong', 'PROVINCIAL_POLICE', '30'],
    ['bcd.tinh', 'WORKING_GROUP', '30'],
  ];
  for (const [username, role, unit] of staff) {
    await createStaff(platform.ctx.db, { username, password: 'Mot-cua-2023!', role, unitCode: unit, unitDate: D }, cli, (c) => unitCodeExists(platform.ctx.db.as<UnitsTables>(), c));
    tokens[username] = (await signInStaff(platform.ctx.db, username, 'Mot-cua-2023!', '127.0.0.1')).token;
  }
  return { ...platform, tokens };
}

forEachEngine('population registry', setup, (env) => {
  const call = (method: 'GET' | 'POST', url: string, who?: string, extra: { payload?: unknown; headers?: Record<string, string> } = {}) =>
    env().app.inject({ method, url, payload: extra.payload as never, headers: { ...(who ? { authorization: `Bearer ${env().tokens[who]}` } : {}), ...extra.headers } });
  const purpose = { 'x-purpose': 'DOSSIER_PROCESSING', 'x-dossier-code': '000.00.31.H23-230228-0001' };

  it('creates records through the API, storing names in NFC', async () => {
    const r = await call('POST', '/api/v1/citizens', 'congan.camhoang', { payload: an });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toEqual({ outcome: 'created', pin: '030090001234', version: 1 });
    expect((await call('POST', '/api/v1/citizens', 'admin', { payload: binh })).statusCode).toBe(201);
    const rec = await call('GET', '/api/v1/citizens/030090001234', 'congan.camhoang', { headers: purpose });
    expect(rec.statusCode).toBe(200);
    expect(rec.json()).toMatchObject({ pin: '030090001234', fullName: 'Nguyễn Văn An', dateOfBirth: '1990-05-12', sex: 'male', nationality: 'VN', status: 'living', version: 1, phone: '0912345678' });
    expect(rec.json().fullName).toBe('Nguyễn Văn An'.normalize('NFC'));
  });

  it('keeps a year-only date of birth partial', async () => {
    const rec = await call('GET', '/api/v1/citizens/001150000077', 'admin', { headers: { 'x-purpose': 'DATA_CORRECTION' } });
    expect(rec.json().dateOfBirth).toBe('1950');
  });

  it('refuses an existing number and a number that contradicts sex or birth year, listing every failing field', async () => {
    const dup = await call('POST', '/api/v1/citizens', 'admin', { payload: an });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().code).toBe('CITIZEN_EXISTS');
    const bad = await call('POST', '/api/v1/citizens', 'admin', { payload: { ...binh, pin: '001050000078', dateOfBirth: '1951-02', permanentResidence: { unitCode: '99999', unitDate: D } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { field: string; code: string }) => `${e.field} ${e.code}`)).toEqual([
      'pin PIN_SEX_MISMATCH',
      'pin PIN_BIRTH_YEAR_MISMATCH',
      'permanentResidence.unitCode CITIZEN_UNIT_UNKNOWN',
    ]);
    // A date of birth after today is said to be in the future, not "a date that does not exist".
    const today = todayInVietnam();
    const later = addDays(today, 40);
    const future = await call('POST', '/api/v1/citizens', 'admin', { payload: { ...binh, dateOfBirth: later } });
    expect(future.json().errors.find((e: { field: string }) => e.field === 'dateOfBirth')).toEqual({ field: 'dateOfBirth', code: 'DATE_IN_FUTURE', detail: `Ngày "${later}" ở sau hôm nay (${today}).` });
    const shape = await call('POST', '/api/v1/citizens', 'admin', { payload: { ...binh, pin: '1234', sex: 'x', extra: 1 } });
    expect(shape.json().errors.map((e: { field: string; code: string }) => `${e.field} ${e.code}`).sort()).toEqual(['body.extra FIELD_UNKNOWN', 'body.pin FIELD_FORMAT', 'body.sex FIELD_NOT_ALLOWED_VALUE']);
  });

  it('holds a look-alike of an existing person as a duplicate candidate', async () => {
    const twin = { ...an, pin: '030090009999', household: null, phone: null, identityCard: null };
    const r = await call('POST', '/api/v1/citizens', 'congan.camhoang', { payload: twin });
    expect(r.statusCode).toBe(202);
    expect(r.json()).toMatchObject({ outcome: 'duplicate', pin: '030090009999', duplicateOf: '030******234' });
    const read = await call('GET', '/api/v1/citizens/030090009999', 'admin', { headers: purpose });
    expect(read.statusCode).toBe(404);
  });

  it('lets police review held look-alikes: one person drops the held record, two people creates it, a second decision is refused', async () => {
    const list = await call('GET', '/api/v1/citizen-duplicates', 'congan.camhoang');
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toEqual([expect.objectContaining({ pinMasked: '030******999', existingPinMasked: '030******234', fullName: 'Nguyễn Văn An', status: 'open' })]);
    const id = list.json().items[0].id as number;
    expect((await call('POST', `/api/v1/citizen-duplicates/${id}/decision`, 'congan.camhoang', { payload: { decision: 'same' } })).json()).toEqual({ id, decision: 'same', created: false });
    expect((await call('GET', '/api/v1/citizens/030090009999', 'admin', { headers: { 'x-purpose': 'DATA_CORRECTION' } })).statusCode).toBe(404);
    const again = await call('POST', `/api/v1/citizen-duplicates/${id}/decision`, 'congan.camhoang', { payload: { decision: 'distinct' } });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('DUPLICATE_DECIDED');
    // Another Trần Thị Bình born in 1950 — a different woman, the officer finds.
    const twin = await call('POST', '/api/v1/citizens', 'admin', { payload: { ...binh, pin: '001150000099' } });
    expect(twin.statusCode).toBe(202);
    const second = (await call('GET', '/api/v1/citizen-duplicates', 'admin')).json().items[0].id as number;
    expect((await call('POST', `/api/v1/citizen-duplicates/${second}/decision`, 'admin', { payload: { decision: 'distinct' } })).json()).toEqual({ id: second, decision: 'distinct', created: true });
    expect((await call('GET', '/api/v1/citizens/001150000099', 'admin', { headers: { 'x-purpose': 'DATA_CORRECTION' } })).json().fullName).toBe('Trần Thị Bình');
    expect((await call('GET', '/api/v1/citizen-duplicates', 'canbo.phucxa')).statusCode).toBe(403);
  });

  it('requires a known purpose for every read', async () => {
    const none = await call('GET', '/api/v1/citizens/030090001234', 'congan.camhoang');
    expect(none.statusCode).toBe(400);
    expect(none.json().code).toBe('PURPOSE_REQUIRED');
    const unknown = await call('GET', '/api/v1/citizens/030090001234', 'congan.camhoang', { headers: { 'x-purpose': 'CURIOSITY' } });
    expect(unknown.json().code).toBe('PURPOSE_UNKNOWN');
  });

  it('limits reads to the reader’s unit and hides records outside it', async () => {
    expect((await call('GET', '/api/v1/citizens/030090001234', 'pc06.haiduong', { headers: purpose })).statusCode).toBe(200);
    const other = await call('GET', '/api/v1/citizens/030090001234', 'canbo.phucxa', { headers: purpose });
    expect(other.statusCode).toBe(404);
    expect(other.json().code).toBe('CITIZEN_NOT_FOUND');
    expect((await call('GET', '/api/v1/citizens/001150000077', 'canbo.phucxa', { headers: purpose })).statusCode).toBe(200);
  });

  it('never lets the working group or an anonymous caller read a person', async () => {
    const wg = await call('GET', '/api/v1/citizens/030090001234', 'bcd.tinh', { headers: purpose });
    expect(wg.statusCode).toBe(403);
    expect(wg.json().code).toBe('FORBIDDEN');
    const anon = await call('GET', '/api/v1/citizens/030090001234', undefined, { headers: purpose });
    expect(anon.statusCode).toBe(401);
    expect((await call('GET', '/api/v1/citizens?q=an', 'bcd.tinh', { headers: purpose })).statusCode).toBe(403);
  });

  it('searches by folded name within the unit, masking numbers', async () => {
    const r = await call('GET', '/api/v1/citizens?q=nguyen%20van', 'congan.camhoang', { headers: { 'x-purpose': 'SUPPORT_DESK' } });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ total: 1, totalCapped: false });
    const [item] = r.json().items;
    expect(item).toMatchObject({ pinMasked: '030******234', fullName: 'Nguyễn Văn An', phoneMasked: '091****678', residence: { unitCode: '10897', addressLine: 'Thôn Hoàng Xá' } });
    expect(JSON.stringify(r.json())).not.toContain('030090001234');
    const byRef = await call('GET', `/api/v1/citizens/${item.ref}`, 'congan.camhoang', { headers: purpose });
    expect(byRef.json().pin).toBe('030090001234');
    for (const q of ['Nguyễn Văn An', 'nguyen v', 'an nguyen', 'NGUYEN', "an' or 1=1 --"]) {
      const found = await call('GET', `/api/v1/citizens?q=${encodeURIComponent(q)}`, 'congan.camhoang', { headers: purpose });
      expect(found.statusCode, q).toBe(200);
      expect(found.json().total, q).toBe(q.includes('or 1=1') ? 0 : 1);
    }
    // Words match from their start: a piece from inside a word is no match.
    expect((await call('GET', '/api/v1/citizens?q=guyen', 'congan.camhoang', { headers: purpose })).json().total).toBe(0);
    // A name with nothing to look for in it would list everyone: refused, with the field named.
    for (const q of ['😀', '%%%___***', ' - ']) {
      const empty = await call('GET', `/api/v1/citizens?q=${encodeURIComponent(q)}`, 'congan.camhoang', { headers: purpose });
      expect(empty.statusCode, q).toBe(400);
      expect(empty.json().errors, q).toEqual([{ field: 'query.q', code: 'SEARCH_TERMS_EMPTY', detail: `Từ khóa "${q}" không có chữ cái hay chữ số nào để tìm; hãy nhập họ tên.` }]);
    }
    const outside = await call('GET', '/api/v1/citizens?q=binh', 'congan.camhoang', { headers: purpose });
    expect(outside.json().total).toBe(0);
    const province = await call('GET', '/api/v1/citizens?birthYear=1990&unit=295', 'pc06.haiduong', { headers: purpose });
    expect(province.json().items.map((i: { fullName: string }) => i.fullName)).toEqual(['Nguyễn Văn An']);
  });

  it('keeps a version and history row per change, none for an identical write', async () => {
    const db = env().ctx.db;
    const units = new UnitPaths(db.as<UnitsTables>());
    const path = await checkCitizen(an, units);
    const same = await db.transaction((trx) => saveCitizen(trx as never, an, path, { mode: 'upsert', actor: 'import', source: 'test' }));
    expect(same).toEqual({ outcome: 'unchanged', pin: '030090001234', version: 1 });
    const moved = await db.transaction((trx) => saveCitizen(trx as never, { ...an, phone: '0987654321' }, path, { mode: 'upsert', actor: 'import', source: 'test' }));
    expect(moved).toEqual({ outcome: 'updated', pin: '030090001234', version: 2 });
    const h = await call('GET', '/api/v1/citizens/030090001234/history', 'congan.camhoang', { headers: purpose });
    expect(h.json().items[0]).toMatchObject({ version: 2, actor: 'import', source: 'test', changes: { phone: ['0912345678', '0987654321'] } });
    expect(h.json().total).toBe(2);
    const rows = await db.as<PopulationTables>().selectFrom('citizen_history').select('version').where('pin', '=', '030090001234').execute();
    expect(rows.map((r) => r.version).sort()).toEqual([1, 2]);
  });

  it('shows admins who read a record, with purpose, and the audit chain holds', async () => {
    const log = await call('GET', '/api/v1/citizens/030090001234/access-log?pageSize=50', 'admin');
    expect(log.statusCode).toBe(200);
    const actions = log.json().items.map((e: { actorId: string; action: string; purposeCode: string | null }) => `${e.actorId} ${e.action} ${e.purposeCode ?? '-'}`);
    expect(actions).toContain('canbo.phucxa citizen.read-refused DOSSIER_PROCESSING');
    expect(actions).toContain('pc06.haiduong citizen.read DOSSIER_PROCESSING');
    expect(actions).toContain('congan.camhoang citizen.search SUPPORT_DESK');
    // Each read says what it showed: the history page is not logged as a second full record.
    const summaries = log.json().items.filter((e: { actorId: string; action: string }) => e.actorId === 'congan.camhoang' && e.action === 'citizen.read').map((e: { summary: string }) => e.summary);
    expect(summaries).toContain('change history shown');
    expect(actions[actions.length - 1]).toBe('congan.camhoang citizen.create -');
    expect(log.json().items.find((e: { purposeNote: string | null }) => e.purposeNote?.includes('000.00.31.H23-230228-0001'))).toBeDefined();
    expect((await call('GET', '/api/v1/citizens/030090001234/access-log', 'pc06.haiduong')).statusCode).toBe(403);
    expect((await verifyAuditChain(env().ctx.db)).ok).toBe(true);
  });

  it('pages the access log in one snapshot (upTo): its own reading and other reads meanwhile shift no page', async () => {
    type Page = { items: { seq: number; action: string }[]; total: number; upTo: number };
    const page = async (query: string): Promise<Page> => (await call('GET', `/api/v1/citizens/030090001234/access-log?${query}`, 'admin')).json();
    const first = await page('page=1&pageSize=3');
    expect(first.items).toHaveLength(3);
    expect(first.upTo).toBe(first.items[0]!.seq);
    expect(first.items.map((e) => e.seq)).toEqual([...first.items.map((e) => e.seq)].sort((a, b) => b - a));
    // Someone reads the record meanwhile; and reading page 1 was itself audited.
    await call('GET', '/api/v1/citizens/030090001234', 'pc06.haiduong', { headers: purpose });
    const pages = [first];
    for (let n = 2; n <= Math.ceil(first.total / 3); n++) pages.push(await page(`page=${n}&pageSize=3&upTo=${first.upTo}`));
    const seqs = pages.flatMap((p) => p.items.map((e) => e.seq));
    expect(pages.map((p) => p.total)).toEqual(pages.map(() => first.total));
    expect(pages.every((p) => p.upTo === first.upTo)).toBe(true);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual((await page(`pageSize=200&upTo=${first.upTo}`)).items.map((e) => e.seq));
    // Without upTo the newest entries are there: each page read (audited) and the read meanwhile.
    const now = await page('pageSize=50');
    const since = now.items.filter((e) => e.seq > first.upTo).map((e) => e.action);
    expect(since.filter((a) => a === 'citizen.read')).toHaveLength(1);
    expect(since.filter((a) => a === 'citizen.access-log')).toHaveLength(pages.length + 1);
    expect(now.total).toBe(first.total + since.length);
    const bad = await call('GET', '/api/v1/citizens/030090001234/access-log?upTo=0', 'admin');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('VALIDATION_FAILED');
  });

  it('lets staff create residents of their own unit only', async () => {
    const elsewhere = { ...binh, pin: '001150000088', fullName: 'Lê Thị Cúc' };
    const commune = await call('POST', '/api/v1/citizens', 'congan.camhoang', { payload: elsewhere });
    expect(commune.statusCode).toBe(403);
    expect(commune.json().code).toBe('CITIZEN_OUT_OF_SCOPE');
    const noResidence = await call('POST', '/api/v1/citizens', 'pc06.haiduong', { payload: { ...elsewhere, permanentResidence: null } });
    expect(noResidence.json().code).toBe('CITIZEN_OUT_OF_SCOPE');
    expect((await call('POST', '/api/v1/citizens', 'admin', { payload: elsewhere })).statusCode).toBe(201);
  });

  it('reads a unit code only within its period: an officer of new Xã Cẩm Giang (10888, from 2025) sees the residents of the old communes it absorbed', async () => {
    const { ctx } = env();
    const DATA = new URL('../../../shared/data/admin-units/', import.meta.url).pathname;
    await importUnitList(ctx.db, `${DATA}post2025/vn-units-2level-2025-07-01.json`, { validFrom: '2025-07-01', actor: cli });
    await importSuccessions(ctx.db, `${DATA}mapping/new-to-old-merges.json`, { actor: cli });
    // Code 10888 named Thị trấn Cẩm Giang until 2025-06-30: a resident recorded then.
    const thiTran = { pin: '030085000321', fullName: 'Đinh Văn Tú', dateOfBirth: '1985-01-01', sex: 'male' as const, permanentResidence: { unitCode: '10888', unitDate: D } };
    expect((await call('POST', '/api/v1/citizens', 'admin', { payload: thiTran })).statusCode).toBe(201);
    await createStaff(ctx.db, { username: 'canbo.camgiang', password: 'Mot-cua-2025!', role: 'COMMUNE_OFFICER', unitCode: '10888', unitDate: '2025-07-01' }, cli, async () => true);
    const token = (await signInStaff(ctx.db, 'canbo.camgiang', 'Mot-cua-2025!', null)).token;
    const r = await env().app.inject({ url: '/api/v1/citizens?birthYear=1990', headers: { authorization: `Bearer ${token}`, ...purpose } });
    expect(r.json().items.map((i: { fullName: string }) => i.fullName)).toEqual(['Nguyễn Văn An']);
    const tu = await env().app.inject({ url: '/api/v1/citizens/030085000321', headers: { authorization: `Bearer ${token}`, ...purpose } });
    expect(tu.statusCode).toBe(200);
    const hn = await env().app.inject({ url: '/api/v1/citizens/001150000077', headers: { authorization: `Bearer ${token}`, ...purpose } });
    expect(hn.statusCode).toBe(404);
    // An officer of old commune 10897 as it was in 2023 does not see the 2023 resident of old 10888.
    expect((await call('GET', '/api/v1/citizens/030085000321', 'congan.camhoang', { headers: purpose })).statusCode).toBe(404);
  });

  it('keeps a Vietnamese purpose note whether sent as UTF-8 or percent-encoded', async () => {
    await call('GET', '/api/v1/citizens/030090001234', 'congan.camhoang', { headers: { 'x-purpose': 'SUPPORT_DESK', 'x-purpose-note': encodeURIComponent('Hỗ trợ bà Diệp') } });
    await call('GET', '/api/v1/citizens/030090001234', 'congan.camhoang', { headers: { 'x-purpose': 'SUPPORT_DESK', 'x-purpose-note': Buffer.from('Giúp ông Đức', 'utf8').toString('latin1') } });
    const log = await call('GET', '/api/v1/citizens/030090001234/access-log?pageSize=5', 'admin');
    const notes = log.json().items.map((e: { purposeNote: string | null }) => e.purposeNote);
    expect(notes).toContain('Hỗ trợ bà Diệp');
    expect(notes).toContain('Giúp ông Đức');
  });

  it('keeps the purpose note one line as sent: RFC 8187 form decoded, line breaks folded, text-direction overrides refused', async () => {
    const read = (note: string) => call('GET', '/api/v1/citizens/030090001234', 'congan.camhoang', { headers: { 'x-purpose': 'SUPPORT_DESK', 'x-purpose-note': note } });
    expect((await read(`UTF-8''${encodeURIComponent('Giúp bà Hoà')}`)).statusCode).toBe(200);
    expect((await read(encodeURIComponent('Dòng 1\r\nDòng 2'))).statusCode).toBe(200);
    const notes = (await call('GET', '/api/v1/citizens/030090001234/access-log?pageSize=2', 'admin')).json().items.map((e: { purposeNote: string | null }) => e.purposeNote);
    expect(notes).toEqual(['Dòng 1 Dòng 2', 'Giúp bà Hoà']);
    const before = (await call('GET', '/api/v1/citizens/030090001234/access-log?pageSize=1', 'admin')).json().total;
    const rlo = await read(`${encodeURIComponent('\u202E')}gpj.exe`);
    expect(rlo.statusCode).toBe(400);
    expect(rlo.json().errors).toEqual([{ field: 'headers.x-purpose-note', code: 'FIELD_CONTROL_CHARACTER', detail: expect.stringContaining('U+202E') }]);
    // Refused before anything was read: no entry for it (only the access-log reading above).
    expect((await call('GET', '/api/v1/citizens/030090001234/access-log?pageSize=1', 'admin')).json().total).toBe(before + 1);
  });

  it('opens a record by its list reference in upper or lower case', async () => {
    const ref = (await call('GET', '/api/v1/citizens?q=nguyen%20van%20an', 'congan.camhoang', { headers: purpose })).json().items[0].ref as string;
    for (const key of [ref, ref.toUpperCase()]) {
      const r = await call('GET', `/api/v1/citizens/${key}`, 'congan.camhoang', { headers: purpose });
      expect(r.statusCode).toBe(200);
      expect(r.json().pin).toBe('030090001234');
    }
    expect((await call('GET', `/api/v1/citizens/${ref.toUpperCase()}/access-log?pageSize=1`, 'admin')).statusCode).toBe(200);
  });

  it('answers concurrent reads only once each one’s own audit entry is committed, and fails a read that cannot be audited', async () => {
    const { ctx } = env();
    const ids = Array.from({ length: 12 }, (_, i) => `concurrent-read-${String(i).padStart(2, '0')}`);
    const reads = await Promise.all(ids.map((id) => call('GET', '/api/v1/citizens/030090001234', 'pc06.haiduong', { headers: { ...purpose, 'x-request-id': id } })));
    expect(reads.map((r) => r.statusCode)).toEqual(ids.map(() => 200));
    const log = await auditEntriesFor(ctx.db, { type: 'citizen', id: '030090001234' }, { offset: 0, limit: 12 });
    expect(log.items.map((e) => e.requestId).sort()).toEqual(ids);
    expect(new Set(log.items.map((e) => `${e.actorId} ${e.action} ${e.purposeCode} ${e.summary}`))).toEqual(new Set(['pc06.haiduong citizen.read DOSSIER_PROCESSING full record shown']));
    expect((await verifyAuditChain(ctx.db)).ok).toBe(true);
    // The audit log refuses reads (a trigger): the record is not shown.
    const postgres = ctx.db.engine === 'postgres';
    if (postgres) {
      await sql`create function refuse_reads() returns trigger language plpgsql as $$ begin raise exception 'audit log unavailable'; end $$`.execute(ctx.db.kysely);
      await sql`create trigger refuse_reads before insert on audit_log for each row when (new.action = 'citizen.read') execute function refuse_reads()`.execute(ctx.db.kysely);
    } else {
      await sql`create trigger refuse_reads before insert on audit_log when new.action = 'citizen.read' begin select raise(abort, 'audit log unavailable'); end`.execute(ctx.db.kysely);
    }
    try {
      const refused = await call('GET', '/api/v1/citizens/030090001234', 'pc06.haiduong', { headers: purpose });
      expect(refused.statusCode).toBe(500);
      expect(refused.json().code).toBe('INTERNAL_ERROR');
      expect(refused.body).not.toContain('Nguyễn');
      expect(refused.body).not.toContain('Thôn Hoàng Xá');
    } finally {
      await sql`drop trigger refuse_reads${sql.raw(postgres ? ' on audit_log' : '')}`.execute(ctx.db.kysely);
      if (postgres) await sql`drop function refuse_reads()`.execute(ctx.db.kysely);
    }
    expect((await call('GET', '/api/v1/citizens/030090001234', 'pc06.haiduong', { headers: purpose })).statusCode).toBe(200);
    expect((await verifyAuditChain(ctx.db)).ok).toBe(true);
  });

  it('explains identification numbers publicly', async () => {
    const r = await call('GET', '/api/v1/pins/087084000999');
    expect(r.json()).toMatchObject({ valid: true, facts: { provinceName: 'Đồng Tháp', sex: 'male', birthYear: 1984 } });
    const bad = await call('GET', '/api/v1/pins/003', undefined, { headers: { 'accept-language': 'en' } });
    expect(bad.json()).toEqual({ valid: false, breaches: [{ code: 'PIN_FORMAT', detail: 'Personal identification number "003" must be exactly 12 digits.' }] });
  });
});
