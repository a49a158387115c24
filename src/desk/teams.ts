/**
 * Online public-service support teams (Tổ hỗ trợ dịch vụ công trực tuyến; in many provinces the
 * community digital technology teams, Tổ công nghệ số cộng đồng): one or more per unit — a commune,
 * or a district or province where they exist — with a founding date, a lead organisation and
 * members. A member is a staff account (who signs in and records help) or a registered volunteer
 * (a name and a phone number, no login), each from an organisation (youth union, women's union,
 * farmers' union, commune police, civil servant, other).
 *
 * Every write is audited in its transaction; every read is limited to the caller's unit through
 * time (a team outside it answers 404 like a missing one).
 */
import { randomBytes } from 'node:crypto';
import { recordAudit } from '../platform/audit/audit.js';
import { inScope } from '../platform/auth.js';
import { sha256Hex } from '../platform/crypto.js';
import { nowUtc, todayInVietnam } from '../platform/dates.js';
import type { Database } from '../platform/db/database.js';
import { AppError, validationError, type FieldError } from '../platform/errors.js';
import { normalizeNote, normalizeText } from '../platform/text.js';
import { staffAccount } from '../identity/index.js';
import { getUnit, unitAreaThroughTime, type UnitsTables } from '../units/index.js';
import type { Organisation } from './model.js';
import type { Member, MemberInput, MemberPatch, Team, TeamDetail, TeamInput, TeamPatch } from './schemas.js';
import { callerSees, placeUnit, unitColumns, type DeskCaller } from './scope.js';
import { countOf, inAreaCondition, withinCondition, type Db, type DeskTables } from './store.js';

type TeamRow = Omit<DeskTables['desk_teams'], 'id'> & { id: number };
type MemberRow = Omit<DeskTables['desk_members'], 'id'> & { id: number };

const k = (db: Database) => db.as<DeskTables>();

function teamOf(r: TeamRow, memberCount: number): Team {
  return {
    id: Number(r.id),
    unitCode: r.unit_code,
    unitDate: r.unit_date,
    name: r.name,
    foundedOn: r.founded_on,
    leadOrganisation: r.lead_org as Organisation,
    note: r.note,
    memberCount,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function memberOf(r: MemberRow): Member {
  return {
    id: Number(r.id),
    teamId: Number(r.team_id),
    kind: r.kind as Member['kind'],
    username: r.staff_username,
    fullName: r.full_name,
    phone: r.phone,
    organisation: r.organisation as Organisation,
    joinedOn: r.joined_on,
    leftOn: r.left_on,
    hasFeed: r.feed_token_hash !== null,
  };
}

/** Members still in their team on `day` (not left before it). */
export function activeOn(r: { joined_on: string | null; left_on: string | null }, day: string): boolean {
  return (r.left_on === null || r.left_on >= day) && (r.joined_on === null || r.joined_on <= day);
}

async function activeCounts(db: Db, teamIds: number[]): Promise<Map<number, number>> {
  if (teamIds.length === 0) return new Map();
  const today = todayInVietnam();
  const rows = await db
    .selectFrom('desk_members')
    .select(['team_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('team_id', 'in', teamIds)
    .where((eb) => eb.or([eb('left_on', 'is', null), eb('left_on', '>=', today)]))
    .groupBy('team_id')
    .execute();
  return new Map(rows.map((r) => [Number(r.team_id), countOf(r)]));
}

/** A team within the caller's unit. Error: DESK_TEAM_NOT_FOUND (404, also outside the unit). */
export async function loadTeam(db: Db, caller: DeskCaller, id: number): Promise<TeamRow> {
  const r = await db.selectFrom('desk_teams').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r || !callerSees(caller, r)) throw new AppError('DESK_TEAM_NOT_FOUND', { id });
  return { ...r, id: Number(r.id) };
}

/** A member (with their team's unit) within the caller's unit. Error: DESK_MEMBER_NOT_FOUND. */
export async function loadMember(db: Db, caller: DeskCaller, id: number): Promise<MemberRow & { team: TeamRow }> {
  const m = await db.selectFrom('desk_members').selectAll().where('id', '=', id).executeTakeFirst();
  if (!m) throw new AppError('DESK_MEMBER_NOT_FOUND', { id });
  const team = await db.selectFrom('desk_teams').selectAll().where('id', '=', m.team_id).executeTakeFirstOrThrow();
  if (!callerSees(caller, team)) throw new AppError('DESK_MEMBER_NOT_FOUND', { id });
  return { ...m, id: Number(m.id), team: { ...team, id: Number(team.id) } };
}

/**
 * Creates a support team in the caller's unit (or a unit inside it). Errors: DESK_UNIT_REQUIRED,
 * DESK_UNIT_UNKNOWN, DESK_OUT_OF_SCOPE, VALIDATION_FAILED (founding date in the future).
 */
export async function createTeam(db: Database, caller: DeskCaller, input: TeamInput): Promise<Team> {
  const unit = await placeUnit(db, caller, input.unitCode, input.unitDate);
  if (input.foundedOn && input.foundedOn > todayInVietnam()) throw validationError([{ field: 'body.foundedOn', code: 'FIELD_OUT_OF_RANGE', params: { field: 'foundedOn', expected: `≤ ${todayInVietnam()}` } }]);
  const now = nowUtc();
  return db.transaction(async (trx) => {
    const row = {
      ...unitColumns(unit),
      name: normalizeText(input.name),
      founded_on: input.foundedOn ?? null,
      lead_org: input.leadOrganisation,
      note: normalizeNote(input.note) ?? null,
      created_at: now,
      updated_at: now,
    };
    const { id } = await (trx as Db).insertInto('desk_teams').values(row).returning('id').executeTakeFirstOrThrow();
    await recordAudit(trx, { actor: caller.actor, action: 'desk.team.create', subjects: [{ type: 'desk-team', id: String(id) }], summary: `team "${row.name}" in ${unit.unitCode}` });
    return teamOf({ ...row, id: Number(id) }, 0);
  });
}

/** Changes a team's name, founding date, lead organisation or note. Errors: DESK_TEAM_NOT_FOUND. */
export async function updateTeam(db: Database, caller: DeskCaller, id: number, patch: TeamPatch): Promise<Team> {
  return db.transaction(async (trx) => {
    const t = trx as Db;
    const before = await loadTeam(t, caller, id);
    const set = {
      ...(patch.name !== undefined && { name: normalizeText(patch.name) }),
      ...(patch.foundedOn !== undefined && { founded_on: patch.foundedOn }),
      ...(patch.leadOrganisation !== undefined && { lead_org: patch.leadOrganisation }),
      ...(patch.note !== undefined && { note: normalizeNote(patch.note) ?? null }),
      updated_at: nowUtc(),
    };
    await t.updateTable('desk_teams').set(set).where('id', '=', id).execute();
    await recordAudit(trx, { actor: caller.actor, action: 'desk.team.update', subjects: [{ type: 'desk-team', id: String(id) }], summary: `changed ${Object.keys(patch).join(', ')}` });
    const after = { ...before, ...set };
    return teamOf(after, (await activeCounts(t, [id])).get(id) ?? 0);
  });
}

/** Teams within the caller's unit (narrowed to `unit`), by unit and name. */
export async function listTeams(db: Database, caller: DeskCaller, q: { unit?: string; offset: number; limit: number }): Promise<{ items: Team[]; total: number }> {
  let query = k(db).selectFrom('desk_teams as t').where(inAreaCondition(caller.area, 't'));
  if (q.unit) query = query.where(withinCondition(q.unit, 't'));
  const [rows, total] = await Promise.all([
    query.selectAll().orderBy('t.unit_code').orderBy('t.name').orderBy('t.id').offset(q.offset).limit(q.limit).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst().then(countOf),
  ]);
  const counts = await activeCounts(k(db), rows.map((r) => Number(r.id)));
  return { items: rows.map((r) => teamOf({ ...r, id: Number(r.id) }, counts.get(Number(r.id)) ?? 0)), total };
}

/** One team with all its members (those who left included, with their leaving date). */
export async function getTeam(db: Database, caller: DeskCaller, id: number): Promise<TeamDetail> {
  const team = await loadTeam(k(db), caller, id);
  const members = await k(db).selectFrom('desk_members').selectAll().where('team_id', '=', id).orderBy('id').execute();
  const today = todayInVietnam();
  return { ...teamOf(team, members.filter((m) => activeOn({ joined_on: null, left_on: m.left_on }, today)).length), members: members.map((m) => memberOf({ ...m, id: Number(m.id) })) };
}

function checkMemberDates(joinedOn: string | null | undefined, leftOn: string | null | undefined, errors: FieldError[]): void {
  if (joinedOn && leftOn && leftOn < joinedOn) errors.push({ field: 'body.leftOn', code: 'FIELD_OUT_OF_RANGE', params: { field: 'leftOn', expected: `≥ ${joinedOn}` } });
}

/**
 * Checks that a staff member may join `team`: an existing, enabled staff account whose unit (at
 * the account's unit date) is the team's unit or lies within it through time — a commune officer
 * or commune police in a commune team, commune or district staff in a district team. An account
 * of a wider unit (a provincial police account in a commune team) or without a unit (system
 * administrator) is refused: the team is the commune's own (Decision 06/QĐ-TTg; the support teams
 * of the commune), and a wider account covering it does not make it a member of it.
 * Errors (422): DESK_MEMBER_STAFF_UNKNOWN, DESK_MEMBER_STAFF_DISABLED, DESK_MEMBER_STAFF_OTHER_UNIT.
 */
async function checkStaffMember(db: Database, team: TeamRow, username: string): Promise<void> {
  const account = await staffAccount(db, username);
  if (!account) throw new AppError('DESK_MEMBER_STAFF_UNKNOWN', { username });
  if (account.disabled) throw new AppError('DESK_MEMBER_STAFF_DISABLED', { username });
  const { unitCode, unitDate } = account.principal;
  const units = db.as<UnitsTables>();
  const refuse = () => new AppError('DESK_MEMBER_STAFF_OTHER_UNIT', { username, unit: unitCode ?? '—', teamUnit: team.unit_code });
  if (unitCode === null) throw refuse();
  const at = unitDate ?? todayInVietnam();
  let path: string[];
  try {
    path = (await getUnit(units, unitCode, at)).path.map((p) => p.code);
  } catch (e) {
    if (!(e instanceof AppError && e.code === 'UNIT_NOT_FOUND')) throw e;
    path = [unitCode];
  }
  const teamArea = await unitAreaThroughTime(units, team.unit_code, team.unit_date);
  if (!inScope(teamArea, path, at)) throw refuse();
}

/**
 * Adds a member: a staff account (`username`; the name defaults to it) or a volunteer (`fullName`,
 * optionally `phone`). Errors: DESK_TEAM_NOT_FOUND, VALIDATION_FAILED (username missing for staff,
 * name missing for a volunteer, a username given for a volunteer, leaving before joining),
 * DESK_MEMBER_EXISTS (409: the account is already in the team), and for a staff member
 * DESK_MEMBER_STAFF_UNKNOWN, DESK_MEMBER_STAFF_DISABLED, DESK_MEMBER_STAFF_OTHER_UNIT (422: the
 * account must exist, be enabled and belong to the team's unit or a unit within it).
 */
export async function addMember(db: Database, caller: DeskCaller, teamId: number, input: MemberInput): Promise<Member> {
  const errors: FieldError[] = [];
  if (input.kind === 'staff' && !input.username) errors.push({ field: 'body.username', code: 'FIELD_REQUIRED', params: { field: 'username' } });
  if (input.kind === 'volunteer' && !input.fullName) errors.push({ field: 'body.fullName', code: 'FIELD_REQUIRED', params: { field: 'fullName' } });
  if (input.kind === 'volunteer' && input.username) errors.push({ field: 'body.username', code: 'FIELD_NOT_ALLOWED_VALUE', params: { field: 'username', expected: 'none for a volunteer' } });
  checkMemberDates(input.joinedOn, input.leftOn, errors);
  if (errors.length > 0) throw validationError(errors);
  if (input.kind === 'staff') await checkStaffMember(db, await loadTeam(k(db), caller, teamId), input.username!);
  return db.transaction(async (trx) => {
    const t = trx as Db;
    await loadTeam(t, caller, teamId);
    const username = input.kind === 'staff' ? input.username! : null;
    if (username && (await t.selectFrom('desk_members').select('id').where('team_id', '=', teamId).where('staff_username', '=', username).executeTakeFirst())) {
      throw new AppError('DESK_MEMBER_EXISTS', { username });
    }
    const row = {
      team_id: teamId,
      kind: input.kind,
      staff_username: username,
      full_name: normalizeText(input.fullName ?? username!),
      phone: input.phone ?? null,
      organisation: input.organisation,
      joined_on: input.joinedOn ?? null,
      left_on: input.leftOn ?? null,
      feed_token_hash: null,
      created_at: nowUtc(),
    };
    const { id } = await t.insertInto('desk_members').values(row).returning('id').executeTakeFirstOrThrow();
    await recordAudit(trx, { actor: caller.actor, action: 'desk.member.add', subjects: [{ type: 'desk-team', id: String(teamId) }, { type: 'desk-member', id: String(id) }], summary: `${input.kind} member (${input.organisation}) added` });
    return memberOf({ ...row, id: Number(id) });
  });
}

/** Changes a member's name, phone, organisation or dates (set `leftOn` when someone leaves). Errors: DESK_MEMBER_NOT_FOUND, VALIDATION_FAILED. */
export async function updateMember(db: Database, caller: DeskCaller, id: number, patch: MemberPatch): Promise<Member> {
  return db.transaction(async (trx) => {
    const t = trx as Db;
    const { team: _team, ...before } = await loadMember(t, caller, id);
    const errors: FieldError[] = [];
    checkMemberDates(patch.joinedOn !== undefined ? patch.joinedOn : before.joined_on, patch.leftOn !== undefined ? patch.leftOn : before.left_on, errors);
    if (errors.length > 0) throw validationError(errors);
    const set = {
      ...(patch.fullName !== undefined && { full_name: normalizeText(patch.fullName) }),
      ...(patch.phone !== undefined && { phone: patch.phone }),
      ...(patch.organisation !== undefined && { organisation: patch.organisation }),
      ...(patch.joinedOn !== undefined && { joined_on: patch.joinedOn }),
      ...(patch.leftOn !== undefined && { left_on: patch.leftOn }),
    };
    if (Object.keys(set).length > 0) await t.updateTable('desk_members').set(set).where('id', '=', id).execute();
    await recordAudit(trx, { actor: caller.actor, action: 'desk.member.update', subjects: [{ type: 'desk-member', id: String(id) }], summary: `changed ${Object.keys(patch).join(', ')}` });
    return memberOf({ ...before, ...set });
  });
}

/** SHA-256 of a feed secret: only the hash is stored. */
export function feedTokenHash(token: string): string {
  return sha256Hex(token);
}

/**
 * Issues the secret of a member's calendar feed (256 random bits, base64url); the previous one
 * stops working. Returns the secret once; only its hash is kept. Error: DESK_MEMBER_NOT_FOUND.
 */
export async function issueFeedToken(db: Database, caller: DeskCaller, memberId: number): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.transaction(async (trx) => {
    const t = trx as Db;
    await loadMember(t, caller, memberId);
    await t.updateTable('desk_members').set({ feed_token_hash: feedTokenHash(token) }).where('id', '=', memberId).execute();
    await recordAudit(trx, { actor: caller.actor, action: 'desk.member.feed', subjects: [{ type: 'desk-member', id: String(memberId) }], summary: 'calendar feed address issued' });
  });
  return token;
}

/** The member of a feed secret, or undefined. */
export async function memberByFeedToken(db: Database, token: string): Promise<MemberRow | undefined> {
  const r = await k(db).selectFrom('desk_members').selectAll().where('feed_token_hash', '=', feedTokenHash(token)).executeTakeFirst();
  return r ? { ...r, id: Number(r.id) } : undefined;
}
