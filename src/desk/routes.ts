/**
 * HTTP routes of the one-stop desk, under `/api/v1/desk`. Permissions: `desk.manage` (teams,
 * sites, desks, equipment, rosters, campaigns, imports), `desk.help-log` (the help log and reading
 * rosters, desks and devices to record help), `reports.read` (the aggregate indicators). Every
 * record is limited to the caller's unit through time; one outside it answers 404 like a missing one.
 *
 * - teams: `POST /desk/teams`, `GET /desk/teams`, `GET|PATCH /desk/teams/{id}`,
 *   `POST /desk/teams/{id}/members`, `PATCH /desk/members/{id}`, `POST /desk/members/{id}/feed`,
 *   `GET /desk/members/{id}/shifts.ics`, `GET /desk/feeds/{secret}` (public, the secret is the key);
 * - sites and equipment: `POST|GET /desk/sites`, `GET|PATCH /desk/sites/{id}`, `POST|GET /desk/desks`,
 *   `GET|PATCH /desk/desks/{id}`, `POST|GET /desk/devices`, `PATCH /desk/devices/{id}`;
 * - rosters: `POST /desk/roster/weeks`, `GET /desk/roster`, `GET /desk/roster.pdf`, `GET /desk/roster/conflicts`,
 *   `POST /desk/desks/{id}/shifts`, `DELETE /desk/shifts/{id}`, `POST /desk/shifts/{id}/assignments`,
 *   `DELETE /desk/shifts/{id}/assignments/{memberId}`, `GET /desk/on-duty`;
 * - help log: `POST|GET /desk/help`, `GET /desk/help/{id}`, `GET /desk/help/{id}/citizen`,
 *   `POST /desk/help/{id}/void`;
 * - campaigns: `POST|GET /desk/campaigns`, `GET|PATCH /desk/campaigns/{id}`, `GET /desk/campaigns/{id}/results`;
 * - indicators: `GET /desk/indicators/{help|duty|coverage|equipment|campaigns}`;
 * - imports: `GET /desk/imports/{kind}/template.{xlsx|csv}`, `POST /desk/imports/{kind}`.
 */
import { Transform } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { Temporal } from 'temporal-polyfill';
import { Type } from 'typebox';
import { actorOf, staffOf } from '../platform/auth.js';
import { AppError } from '../platform/errors.js';
import { decodeHeaderText } from '../platform/http/headers.js';
import { pageWindow } from '../platform/http/pagination.js';
import { languageOf } from '../platform/http/problem.js';
import type { Api, AppContext } from '../platform/module.js';
import { campaignResults, createCampaign, getCampaign, listCampaigns, updateCampaign } from './campaigns.js';
import { getHelp, listHelp, readHelpCitizen, recordHelp, voidHelp } from './help.js';
import { importDeskFile, writeDeskTemplate } from './imports.js';
import { coveragePerUnit, dutyCoverage, equipmentPerSite, helpByKindAndOutcome, resultsPerCampaign, selfServiceShare } from './indicators.js';
import { addShift, assignMember, deleteShift, findConflicts, generateWeek, memberShifts, onDuty, rosterPdf, rosterWeek, shiftsCalendar, unassignMember } from './roster.js';
import * as S from './schemas.js';
import { deskCaller, placeUnit } from './scope.js';
import { PurposeHeadersSchema, purposeOf } from '../population/index.js';
import { getUnit, type UnitsTables } from '../units/index.js';
import { todayInVietnam } from '../platform/dates.js';
import { createDesk, createDevice, createSite, getDesk, getSite, listDesks, listDevices, listSites, updateDesk, updateDevice, updateSite } from './sites.js';
import { addMember, getTeam, issueFeedToken, listTeams, loadMember, memberByFeedToken, updateMember, updateTeam, createTeam } from './teams.js';
import type { DeskTables } from './store.js';

const TAG = ['desk'];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const CALENDAR = 'text/calendar; charset=utf-8';
const Format = Type.Unsafe<'csv' | 'xlsx'>({ type: 'string', enum: ['csv', 'xlsx'] });

export async function deskRoutes(api: Api, ctx: AppContext): Promise<void> {
  const db = ctx.db;
  const who = (request: FastifyRequest) => deskCaller(db, staffOf(request), actorOf(request));
  // Spreadsheet uploads arrive as a stream (the population module may have registered the same parser).
  for (const ct of ['text/csv', XLSX, 'application/octet-stream']) if (!api.hasContentTypeParser(ct)) api.addContentTypeParser(ct, (_req, payload, done) => done(null, payload));

  // --- support teams ---------------------------------------------------------------------------------
  api.post('/desk/teams', { config: { permission: 'desk.manage' }, schema: { tags: TAG, summary: 'Create a support team (Tổ hỗ trợ dịch vụ công trực tuyến)', description: 'In your unit by default, or in `unitCode` (inside your unit) as of `unitDate`. 403 `DESK_OUT_OF_SCOPE` outside your unit; 400 `DESK_UNIT_UNKNOWN` for a code not in force on the date.', body: S.TeamInputSchema, response: { 201: S.TeamSchema } } }, async (request, reply) =>
    reply.code(201).send(await createTeam(db, await who(request), request.body)),
  );
  api.get('/desk/teams', { config: { permission: 'desk.help-log' }, schema: { tags: TAG, summary: 'Support teams within your unit', querystring: S.TeamListQuerySchema, response: { 200: S.TeamListSchema } } }, async (request) =>
    listTeams(db, await who(request), { unit: request.query.unit, ...pageWindow(request.query) }),
  );
  api.get('/desk/teams/:id', { config: { permission: 'desk.help-log' }, schema: { tags: TAG, summary: 'A support team with its members', params: S.IdParamsSchema, response: { 200: S.TeamDetailSchema } } }, async (request) =>
    getTeam(db, await who(request), request.params.id),
  );
  api.patch('/desk/teams/:id', { config: { permission: 'desk.manage' }, schema: { tags: TAG, summary: 'Change a support team', params: S.IdParamsSchema, body: S.TeamPatchSchema, response: { 200: S.TeamSchema } } }, async (request) =>
    updateTeam(db, await who(request), request.params.id, request.body),
  );
  api.post('/desk/teams/:id/members', { config: { permission: 'desk.manage' }, schema: { tags: TAG, summary: 'Add a member: a staff account or a registered volunteer', description: 'A staff member names their `username`; a volunteer (no login) their `fullName` and usually a `phone`. 409 `DESK_MEMBER_EXISTS` for an account already in the team.', params: S.IdParamsSchema, body: S.MemberInputSchema, response: { 201: S.MemberSchema } } }, async (request, reply) =>
    reply.code(201).send(await addMember(db, await who(request), request.params.id, request.body)),
  );
  api.patch('/desk/members/:id', { config: { permission: 'desk.manage' }, schema: { tags: TAG, summary: 'Change a member (set `leftOn` when they leave)', params: S.IdParamsSchema, body: S.MemberPatchSchema, response: { 200: S.MemberSchema } } }, async (request) =>
    updateMember(db, await who(request), request.params.id, request.body),
  );
  api.post('/desk/members/:id/feed', { config: { permission: 'desk.manage' }, schema: { tags: TAG, summary: 'Issue the address of a member’s calendar feed', description: 'For volunteers without a login: a secret address a phone calendar subscribes to (iCalendar, RFC 5545). Shown once; a new one ends the old.', params: S.IdParamsSchema, response: { 201: S.FeedSchema } } }, async (request, reply) =>
    reply.code(201).send({ path: `/api/v1/desk/feeds/${await issueFeedToken(db, await who(request), request.params.id)}` }),
  );
  api.get('/desk/members/:id/shifts.ics', { config: { permission: 'desk.help-log' }, schema: { tags: TAG, summary: 'A member’s shifts as an iCalendar file (text/calendar)', params: S.IdParamsSchema, querystring: S.CalendarRangeQuerySchema } }, async (request, reply) => {
    const member = await loadMember(db.as<DeskTables>(), await who(request), request.params.id);
    return reply.type(CALENDAR).header('content-disposition', `attachment; filename="lich-truc-${member.id}.ics"`).send(shiftsCalendar(member.full_name, await memberShifts(db, member.id, request.query)));
  });
  api.get('/desk/feeds/:secret', { schema: { tags: TAG, summary: 'A member’s calendar feed by its secret address (iCalendar; no sign-in)', description: 'Shifts from 30 days back to 90 days ahead. 404 `DESK_FEED_NOT_FOUND` for an unknown or replaced address.', params: Type.Object({ secret: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }) }, { additionalProperties: false }) } }, async (request, reply) => {
    const member = await memberByFeedToken(db, request.params.secret);
    if (!member) throw new AppError('DESK_FEED_NOT_FOUND');
    return reply.type(CALENDAR).header('cache-control', 'private, max-age=300').send(shiftsCalendar(member.full_name, await memberShifts(db, member.id)));
  });

  // --- sites, desks and devices ------------------------------------------------------------------------
  api.post('/desk/sites', { config: { permission: 'desk.manage' }, schema: { tags: TAG, summary: 'Register a site (commune office, service centre, village cultural house)', body: S.SiteInputSchema, response: { 201: S.SiteSchema } } }, async (request, reply) =>
    reply.code(201).send(await createSite(db, await who(request), request.body)),
  );
  api.get('/desk/sites', { config: { permission: 'desk.manage' }, schema: { tags: TAG, summary: 'Sites within your unit', querystring: S.SiteListQuerySchema, response: { 200: S.SiteListSchema } } }, async (request) =>
    listSites(db, await who(request), { unit: request.query.unit, kind: request.query.kind, ...pageWindow(request.query) }),
  );
  api.get('/desk/sites/:id', { config: { permission: 'desk.manage' }, schema: { tags: TAG, summary: 'A site', params: S.IdParamsSchema, response: { 200: S.SiteSchema } } }, async (request) => getSite(db, await who(request), request.params.id));
  api.patch('/desk/sites/:id', { config: { permission: 'desk.manage' }, schema: { tags: TAG, summary: 'Change a site (its connection, say)', params: S.IdParamsSchema, body: S.SitePatchSchema, response: { 200: S.SiteSchema } } }, async (request) =>
    updateSite(db, await who(request), request.params.id, request.body),
  );
  api.post('/desk/desks', { config: { permission: 'desk.manage' }, schema: { tags: TAG, summary: 'Open a desk at a site', description: '400 `DESK_SHIFT_TIMES` for hours that do not follow each other.', body: S.DeskInputSchema, response: { 201: S.DeskSchema } } }, async (request, reply) =>
    reply.code(201).send(await createDesk(db, await who(request), request.body)),
  );
  api.get('/desk/desks', { config: { permission: 'desk.help-log' }, schema: { tags: TAG, summary: 'Desks within your unit', querystring: S.DeskListQuerySchema, response: { 200: S.DeskListSchema } } }, async (request) =>
    listDesks(db, await who(request), { unit: request.query.unit, siteId: request.query.siteId, ...pageWindow(request.query) }),
  );
  api.get('/desk/desks/:id', { config: { permission: 'desk.help-log' }, schema: { tags: TAG, summary: 'A desk', params: S.IdParamsSchema, response: { 200: S.DeskSchema } } }, async (request) => getDesk(db, await who(request), request.params.id));
  api.patch('/desk/desks/:id', { config: { permission: 'desk.manage' }, schema: { tags: TAG, summary: 'Change a desk (hours apply to shifts generated afterwards)', params: S.IdParamsSchema, body: S.DeskPatchSchema, response: { 200: S.DeskSchema } } }, async (request) =>
    updateDesk(db, await who(request), request.params.id, request.body),
  );
  api.post('/desk/devices', { config: { permission: 'desk.manage' }, schema: { tags: TAG, summary: 'Record a device at a site', body: S.DeviceInputSchema, response: { 201: S.DeviceSchema } } }, async (request, reply) =>
    reply.code(201).send(await createDevice(db, await who(request), request.body)),
  );
  api.get('/desk/devices', { config: { permission: 'desk.help-log' }, schema: { tags: TAG, summary: 'Devices within your unit', querystring: S.DeviceListQuerySchema, response: { 200: S.DeviceListSchema } } }, async (request) => {
    const { unit, siteId, kind, status } = request.query;
    return listDevices(db, await who(request), { unit, siteId, kind, status, ...pageWindow(request.query) });
  });
  api.patch('/desk/devices/:id', { config: { permission: 'desk.manage' }, schema: { tags: TAG, summary: 'Change a device (status after a breakdown or repair…)', params: S.IdParamsSchema, body: S.DevicePatchSchema, response: { 200: S.DeviceSchema } } }, async (request) =>
    updateDevice(db, await who(request), request.params.id, request.body),
  );

  // --- rosters -----------------------------------------------------------------------------------------
  api.post('/desk/roster/weeks', { config: { permission: 'desk.manage' }, schema: { tags: TAG, summary: 'Generate a week of shifts', description: 'Morning and afternoon on every working day of the week (the working-day calendar: no shift on holidays and official days off, shifts on make-up Saturdays), for one desk or every active desk within your unit. Existing shifts are kept. 400 `DESK_WEEK_START` when `weekStart` is not a Monday.', body: S.WeekInputSchema, response: { 200: S.WeekGeneratedSchema } } }, async (request) =>
    generateWeek(db, await who(request), request.body),
  );
  api.get('/desk/roster', { config: { permission: 'desk.help-log' }, schema: { tags: TAG, summary: 'A week’s roster with conflicts and coverage', querystring: S.RosterQuerySchema, response: { 200: S.RosterSchema } } }, async (request) =>
    rosterWeek(db, await who(request), request.query),
  );
  api.get('/desk/roster.pdf', { config: { permission: 'desk.help-log' }, schema: { tags: TAG, summary: 'The printable weekly roster (PDF)', description: 'The week’s shifts with their members and the days without shifts with their reasons, in the administrative-document layout of Decree 30/2020/NĐ-CP, issued in the name of the People’s Committee of `unit` (default: your unit, or the desk’s).', querystring: S.RosterQuerySchema } }, async (request, reply) => {
    const caller = await who(request);
    const roster = await rosterWeek(db, caller, request.query);
    const principal = staffOf(request);
    let code = request.query.unit ?? principal.unitCode;
    let date = code === principal.unitCode ? (principal.unitDate ?? todayInVietnam()) : todayInVietnam();
    if (!code && request.query.deskId) {
      const desk = await getDesk(db, caller, request.query.deskId);
      code = desk.unitCode;
      date = (await getSite(db, caller, desk.siteId)).unitDate;
    }
    if (!code) throw new AppError('DESK_UNIT_REQUIRED');
    const unit = await placeUnit(db, caller, code, date);
    const detail = await getUnit(db.as<UnitsTables>(), unit.unitCode, unit.unitDate);
    const parent = detail.path.length >= 2 ? detail.path[detail.path.length - 2]!.fullName : null;
    const pdf = await rosterPdf(roster, { unitName: detail.fullName, parentName: parent, place: detail.name }, principal.displayName, todayInVietnam());
    return reply.type('application/pdf').header('content-disposition', `attachment; filename="lich-truc-${roster.weekStart}.pdf"`).send(pdf);
  });
  api.get('/desk/roster/conflicts', { config: { permission: 'desk.help-log' }, schema: { tags: TAG, summary: 'Roster conflicts in a period', description: '`double_booked`: a person (staff account, or volunteer by phone) on two overlapping shifts; `unstaffed`: a shift with nobody. At most 366 days.', querystring: S.ConflictQuerySchema, response: { 200: S.ConflictListSchema } } }, async (request) => {
    const { from, to, unit } = request.query;
    checkRange(from, to, 366);
    const items = await findConflicts(db, await who(request), { from, to, unit });
    return { items, total: items.length };
  });
  api.post('/desk/desks/:id/shifts', { config: { permission: 'desk.manage' }, schema: { tags: TAG, summary: 'Add one shift to a desk (any day, e.g. an extra Saturday session)', params: S.IdParamsSchema, body: S.ShiftInputSchema, response: { 201: S.ShiftSchema } } }, async (request, reply) =>
    reply.code(201).send(await addShift(db, await who(request), request.params.id, request.body)),
  );
  api.delete('/desk/shifts/:id', { config: { permission: 'desk.manage' }, schema: { tags: TAG, summary: 'Remove a shift and its assignments', params: S.IdParamsSchema, response: { 204: Type.Null() } } }, async (request, reply) => {
    await deleteShift(db, await who(request), request.params.id);
    return reply.code(204).send(null);
  });
  api.post('/desk/shifts/:id/assignments', { config: { permission: 'desk.manage' }, schema: { tags: TAG, summary: 'Assign a member to a shift', description: 'Kept even when it makes a conflict; the answer lists the conflicts. 409 `DESK_MEMBER_INACTIVE` (left the team), `DESK_MEMBER_OUTSIDE_UNIT`, `DESK_ASSIGNMENT_EXISTS`.', params: S.IdParamsSchema, body: S.AssignmentInputSchema, response: { 201: S.AssignmentResultSchema } } }, async (request, reply) =>
    reply.code(201).send(await assignMember(db, await who(request), request.params.id, request.body.memberId)),
  );
  api.delete('/desk/shifts/:id/assignments/:memberId', { config: { permission: 'desk.manage' }, schema: { tags: TAG, summary: 'Take a member off a shift', params: S.AssignmentParamsSchema, response: { 204: Type.Null() } } }, async (request, reply) => {
    await unassignMember(db, await who(request), request.params.id, request.params.memberId);
    return reply.code(204).send(null);
  });
  api.get('/desk/on-duty', { config: { permission: 'desk.help-log' }, schema: { tags: TAG, summary: 'Who is on duty now at each desk (Vietnam time)', querystring: S.OnDutyQuerySchema, response: { 200: S.OnDutySchema } } }, async (request) =>
    onDuty(db, await who(request), request.query),
  );

  // --- help log ------------------------------------------------------------------------------------------
  api.post('/desk/help', { config: { permission: 'desk.help-log' }, schema: { tags: TAG, summary: 'Record help given (quick entry)', description: 'Needs only `deskId`, `kind` and `outcome`; the time defaults to now and the helper to your own membership. A citizen’s identification number only with `consent: true` (400 `DESK_CONSENT_REQUIRED`). Answers 201, or 200 with the entry already recorded for a repeated `clientRef`.', body: S.HelpInputSchema, response: { 200: S.HelpEntrySchema, 201: S.HelpEntrySchema } } }, async (request, reply) => {
    const { entry, created } = await recordHelp(db, await who(request), request.body);
    return reply.code(created ? 201 : 200).send(entry);
  });
  api.get('/desk/help', { config: { permission: 'desk.help-log' }, schema: { tags: TAG, summary: 'The help log within your unit (numbers masked)', description: 'The citizen’s identification number as `citizenPinMasked`; identification and phone numbers written in notes (9 or more digits, spaces or dots allowed) masked to their last 3 digits.', querystring: S.HelpListQuerySchema, response: { 200: S.HelpListSchema } } }, async (request) => {
    const { from, to, deskId, kind, outcome, unit } = request.query;
    return listHelp(db, await who(request), { from, to, deskId, kind, outcome, unit, ...pageWindow(request.query) });
  });
  api.get('/desk/help/:id', { config: { permission: 'desk.help-log' }, schema: { tags: TAG, summary: 'One help entry (number masked)', params: S.IdParamsSchema, response: { 200: S.HelpEntrySchema } } }, async (request) => getHelp(db, await who(request), request.params.id));
  api.get('/desk/help/:id/citizen', { config: { permission: 'desk.help-log' }, schema: { tags: TAG, summary: 'The citizen’s identification number of a help entry, in full (audited)', description: 'Requires `X-Purpose` (see `/api/v1/purposes`; 400 `PURPOSE_REQUIRED` / `PURPOSE_UNKNOWN`), optionally `X-Purpose-Note` and `X-Dossier-Code`. Each read is written to the audit log with the citizen as subject and the purpose. 404 `DESK_HELP_NO_CITIZEN` when none was recorded.', params: S.IdParamsSchema, headers: PurposeHeadersSchema, response: { 200: S.HelpCitizenSchema } } }, async (request) =>
    readHelpCitizen(db, await who(request), request.params.id, purposeOf(request.headers)),
  );
  api.post('/desk/help/:id/void', { config: { permission: 'desk.help-log' }, schema: { tags: TAG, summary: 'Void an entry recorded by mistake (kept, taken out of the counts)', params: S.IdParamsSchema, body: S.VoidInputSchema, response: { 200: S.HelpEntrySchema } } }, async (request) =>
    voidHelp(db, await who(request), request.params.id, request.body.reason),
  );

  // --- collection campaigns ----------------------------------------------------------------------------------
  api.post('/desk/campaigns', { config: { permission: 'desk.manage' }, schema: { tags: TAG, summary: 'Plan or record a police collection session at a site', description: 'The answer’s `id` (a string) is what the e-ID module records as `collectionPoint.campaignId`.', body: S.CampaignInputSchema, response: { 201: S.CampaignSchema } } }, async (request, reply) =>
    reply.code(201).send(await createCampaign(db, await who(request), request.body)),
  );
  api.get('/desk/campaigns', { config: { permission: 'desk.manage' }, schema: { tags: TAG, summary: 'Collection campaigns within your unit', querystring: S.CampaignListQuerySchema, response: { 200: S.CampaignListSchema } } }, async (request) => {
    const { from, to, unit } = request.query;
    return listCampaigns(db, await who(request), { from, to, unit, ...pageWindow(request.query) });
  });
  api.get('/desk/campaigns/:id', { config: { permission: 'desk.manage' }, schema: { tags: TAG, summary: 'A collection campaign', params: S.CampaignParamsSchema, response: { 200: S.CampaignSchema } } }, async (request) =>
    getCampaign(db, await who(request), Number(request.params.id)),
  );
  api.patch('/desk/campaigns/:id', { config: { permission: 'desk.manage' }, schema: { tags: TAG, summary: 'Change a campaign (status held or cancelled, officers, devices…)', params: S.CampaignParamsSchema, body: S.CampaignPatchSchema, response: { 200: S.CampaignSchema } } }, async (request) =>
    updateCampaign(db, await who(request), Number(request.params.id), request.body),
  );
  api.get('/desk/campaigns/:id/results', { config: { permission: 'desk.manage' }, schema: { tags: TAG, summary: 'Results of a campaign', description: 'e-ID applications taken at the campaign and activations among them, from the e-ID module (applications recorded with `collectionPoint.campaignId` = this id), and help-log entries at the site that day.', params: S.CampaignParamsSchema, response: { 200: S.CampaignResultsSchema } } }, async (request) =>
    campaignResults(db, await who(request), Number(request.params.id)),
  );

  // --- indicators (aggregates only) ------------------------------------------------------------------
  const periodOf = async (request: FastifyRequest<{ Querystring: { from: string; to: string; unit?: string } }>) => {
    checkRange(request.query.from, request.query.to, 1100);
    return { from: request.query.from, to: request.query.to, unit: request.query.unit, area: (await who(request)).area };
  };
  api.get('/desk/indicators/help', { config: { permission: 'reports.read' }, schema: { tags: TAG, summary: 'Help given by kind and outcome, and the self-service share, per unit', description: 'From the `desk.help` roll-up, and for the dossier part of the self-service share from the dossiers’ `dossiers.received` roll-up. Self-service share of the help log = guided to file alone / (guided + filed on behalf); of dossier channels = filed online by the citizen alone / all filed through the online system (`online`, `on_behalf`, `mobile`). A share is null when both its figures are 0.', querystring: S.PeriodQuerySchema, response: { 200: S.HelpIndicatorSchema } } }, async (request) => {
    const f = await periodOf(request);
    return { byKindOutcome: await helpByKindAndOutcome(db, f), selfService: await selfServiceShare(db, f) };
  });
  api.get('/desk/indicators/duty', { config: { permission: 'reports.read' }, schema: { tags: TAG, summary: 'Duty coverage per unit: shifts staffed / shifts scheduled', querystring: S.PeriodQuerySchema, response: { 200: S.DutyCoverageSchema } } }, async (request) => dutyCoverage(db, await periodOf(request)));
  api.get('/desk/indicators/coverage', { config: { permission: 'reports.read' }, schema: { tags: TAG, summary: 'Villages with a connected computer per unit', description: 'Village or residential-area cultural houses in use with an internet connection and a working computer, of all in use, as of `at` (default today): the states of sites and devices in effect that day.', querystring: S.InventoryQuerySchema, response: { 200: S.CoverageSchema } } }, async (request) =>
    coveragePerUnit(db, { unit: request.query.unit, area: (await who(request)).area }, request.query.at),
  );
  api.get('/desk/indicators/equipment', { config: { permission: 'reports.read' }, schema: { tags: TAG, summary: 'Devices per site and kind (working and total, retired left out)', description: 'As of `at` (default today): devices acquired by then, with the status in effect that day.', querystring: S.InventoryQuerySchema, response: { 200: S.EquipmentPerSiteSchema } } }, async (request) =>
    equipmentPerSite(db, { unit: request.query.unit, area: (await who(request)).area }, request.query.at),
  );
  api.get('/desk/indicators/campaigns', { config: { permission: 'reports.read' }, schema: { tags: TAG, summary: 'Results per collection campaign in a period', querystring: S.PeriodQuerySchema, response: { 200: Type.Array(Type.Object({ ...S.CampaignResultsSchema.properties, unitCode: Type.String(), day: Type.String(), siteId: Type.Integer() })) } } }, async (request) =>
    resultsPerCampaign(db, await periodOf(request)),
  );

  // --- imports ---------------------------------------------------------------------------------------------
  api.get('/desk/imports/:kind/template.:format', { config: { permission: 'desk.manage' }, schema: { tags: TAG, summary: 'The template of a roster, equipment or help-log import', params: Type.Object({ kind: S.ImportKindSchema, format: Format }, { additionalProperties: false }) } }, async (request, reply) => {
    const { kind, format } = request.params;
    return reply
      .type(format === 'xlsx' ? XLSX : 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="mau-${kind}.${format}"`)
      .send(await writeDeskTemplate(kind, format));
  });
  api.post(
    '/desk/imports/:kind',
    {
      config: { permission: 'desk.manage' },
      schema: {
        tags: TAG,
        summary: 'Import a roster, equipment list or help log (XLSX or CSV body)',
        description: `The file is the body (\`${XLSX}\`, \`text/csv\` or \`application/octet-stream\`; name in \`X-File-Name\`), at most MOTCUA_IMPORT_MAX_BYTES. Good rows are kept, bad ones reported by row and column; names are looked up within \`unitCode\` (default: your unit).`,
        params: Type.Object({ kind: S.ImportKindSchema }, { additionalProperties: false }),
        querystring: S.ImportQuerySchema,
        headers: Type.Object({ 'x-file-name': Type.Optional(Type.String({ maxLength: 200 })) }),
        response: { 200: S.ImportReportSchema },
      },
    },
    async (request) => {
      const body = request.body as NodeJS.ReadableStream | undefined;
      if (!body || typeof body.pipe !== 'function') throw new AppError('MEDIA_TYPE_UNSUPPORTED', { mediaType: String(request.headers['content-type'] ?? '') });
      const caller = await who(request);
      const unit = await placeUnit(db, caller, request.query.unitCode, request.query.unitDate);
      let bytes = 0;
      const limit = ctx.config.importMaxBytes;
      const counted = body.pipe(
        new Transform({
          transform(chunk: Buffer, _enc, cb) {
            bytes += chunk.length;
            cb(bytes > limit ? new AppError('BODY_TOO_LARGE', { limit }) : null, chunk);
          },
        }),
      );
      const name = (decodeHeaderText(request.headers['x-file-name']) ?? `upload.${String(request.headers['content-type']).includes('csv') ? 'csv' : 'xlsx'}`).replace(/[^\p{L}\p{N} ._-]/gu, '_');
      return importDeskFile(db, caller, unit, request.params.kind, { stream: counted, name }, languageOf(request));
    },
  );
}

/** A period of at most `max` days, `from` not after `to`. Error: CALENDAR_RANGE_TOO_LONG, VALIDATION_FAILED. */
function checkRange(from: string, to: string, max: number): void {
  if (to < from) throw new AppError('VALIDATION_FAILED', { count: 1 }, { fieldErrors: [{ field: 'query.to', code: 'FIELD_OUT_OF_RANGE', params: { field: 'to', expected: `≥ ${from}` } }] });
  const days = Temporal.PlainDate.from(from).until(Temporal.PlainDate.from(to)).days;
  if (days > max) throw new AppError('CALENDAR_RANGE_TOO_LONG', { max });
}
