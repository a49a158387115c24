/**
 * Client of the one-stop desk API (`/api/v1/desk/…`, src/desk/routes.ts). Shapes are the server's
 * TypeBox schemas (src/desk/schemas.ts); failures throw as every call of web/src/api.ts does.
 */
import type { Static } from 'typebox';
import type {
  AssignmentResultSchema,
  Campaign,
  CampaignInput,
  CampaignPatch,
  CampaignResults,
  Conflict,
  CoverageSchema,
  DayInfo,
  Desk,
  DeskInput,
  DeskPatch,
  Device,
  DeviceInput,
  DevicePatch,
  EquipmentPerSiteSchema,
  FeedSchema,
  HelpEntry,
  HelpInput,
  ImportKind,
  ImportReport,
  Member,
  MemberInput,
  MemberPatch,
  OnDutySchema,
  Roster,
  Shift,
  Site,
  SiteInput,
  SitePatch,
  Team,
  TeamDetail,
  TeamInput,
  WeekGeneratedSchema,
} from '../../../../src/desk/schemas.js';
import { asciiFileName, call, importContentType, type CallOptions } from '../../api.js';

export type { Campaign, CampaignInput, CampaignResults, Conflict, DayInfo, Desk, DeskInput, Device, DeviceInput, HelpEntry, HelpInput, ImportKind, ImportReport, Member, MemberInput, Roster, Shift, Site, SiteInput, Team, TeamDetail, TeamInput };
export type OnDuty = Static<typeof OnDutySchema>;
export type Coverage = Static<typeof CoverageSchema>;
export type EquipmentPerSite = Static<typeof EquipmentPerSiteSchema>;
export type WeekGenerated = Static<typeof WeekGeneratedSchema>;
export type AssignmentResult = Static<typeof AssignmentResultSchema>;
export type Feed = Static<typeof FeedSchema>;
export interface Page<T> {
  items: T[];
  total: number;
}

const BASE = '/api/v1/desk';
/** The largest page the API gives: a commune's teams, sites, desks and devices fit in one. */
const ALL = { page: 1, pageSize: 200 };

// --- teams ----------------------------------------------------------------------------------------

export const listTeams = (o: CallOptions, unit?: string) => call<Page<Team>>(`${BASE}/teams`, { ...o, query: { ...ALL, unit } });
export const getTeam = (id: number, o: CallOptions) => call<TeamDetail>(`${BASE}/teams/${id}`, o);
export const createTeam = (input: TeamInput, o: CallOptions) => call<Team>(`${BASE}/teams`, { ...o, method: 'POST', json: input });
export const addMember = (teamId: number, input: MemberInput, o: CallOptions) => call<Member>(`${BASE}/teams/${teamId}/members`, { ...o, method: 'POST', json: input });
export const updateMember = (id: number, patch: MemberPatch, o: CallOptions) => call<Member>(`${BASE}/members/${id}`, { ...o, method: 'PATCH', json: patch });
export const issueFeed = (memberId: number, o: CallOptions) => call<Feed>(`${BASE}/members/${memberId}/feed`, { ...o, method: 'POST' });
/** Path of a member's shifts as an iCalendar file (needs the session: download it with `downloadFromApi`). */
export const memberCalendarPath = (memberId: number, from?: string, to?: string) => {
  const q = new URLSearchParams();
  if (from) q.set('from', from);
  if (to) q.set('to', to);
  const qs = q.toString();
  return `${BASE}/members/${memberId}/shifts.ics${qs ? `?${qs}` : ''}`;
};

/** Every team within the officer's unit with its members (a commune has one or a few). */
export async function teamsWithMembers(o: CallOptions): Promise<TeamDetail[]> {
  const teams = await listTeams(o);
  return Promise.all(teams.items.map((t) => getTeam(t.id, o)));
}

// --- sites, desks, devices --------------------------------------------------------------------------

export const listSites = (o: CallOptions) => call<Page<Site>>(`${BASE}/sites`, { ...o, query: ALL });
export const createSite = (input: SiteInput, o: CallOptions) => call<Site>(`${BASE}/sites`, { ...o, method: 'POST', json: input });
export const updateSite = (id: number, patch: SitePatch, o: CallOptions) => call<Site>(`${BASE}/sites/${id}`, { ...o, method: 'PATCH', json: patch });
export const listDesks = (o: CallOptions) => call<Page<Desk>>(`${BASE}/desks`, { ...o, query: ALL });
export const createDesk = (input: DeskInput, o: CallOptions) => call<Desk>(`${BASE}/desks`, { ...o, method: 'POST', json: input });
export const updateDesk = (id: number, patch: DeskPatch, o: CallOptions) => call<Desk>(`${BASE}/desks/${id}`, { ...o, method: 'PATCH', json: patch });
export const listDevices = (o: CallOptions, siteId?: number) => call<Page<Device>>(`${BASE}/devices`, { ...o, query: { ...ALL, siteId } });
export const createDevice = (input: DeviceInput, o: CallOptions) => call<Device>(`${BASE}/devices`, { ...o, method: 'POST', json: input });
export const updateDevice = (id: number, patch: DevicePatch, o: CallOptions) => call<Device>(`${BASE}/devices/${id}`, { ...o, method: 'PATCH', json: patch });
export const getCoverage = (o: CallOptions) => call<Coverage>(`${BASE}/indicators/coverage`, o);
export const getEquipment = (o: CallOptions) => call<EquipmentPerSite>(`${BASE}/indicators/equipment`, o);

// --- rosters ---------------------------------------------------------------------------------------

export const getRoster = (weekStart: string, deskId: number | undefined, o: CallOptions) => call<Roster>(`${BASE}/roster`, { ...o, query: { weekStart, deskId } });
export const generateWeek = (weekStart: string, deskId: number | undefined, o: CallOptions) => call<WeekGenerated>(`${BASE}/roster/weeks`, { ...o, method: 'POST', json: { weekStart, ...(deskId ? { deskId } : {}) } });
export const rosterPdfPath = (weekStart: string, deskId?: number) => `${BASE}/roster.pdf?weekStart=${weekStart}${deskId ? `&deskId=${deskId}` : ''}`;
export const addShift = (deskId: number, day: string, period: Shift['period'], o: CallOptions) => call<Shift>(`${BASE}/desks/${deskId}/shifts`, { ...o, method: 'POST', json: { day, period } });
export const assignMember = (shiftId: number, memberId: number, o: CallOptions) => call<AssignmentResult>(`${BASE}/shifts/${shiftId}/assignments`, { ...o, method: 'POST', json: { memberId } });
export const unassignMember = (shiftId: number, memberId: number, o: CallOptions) => call<void>(`${BASE}/shifts/${shiftId}/assignments/${memberId}`, { ...o, method: 'DELETE' });
export const getOnDuty = (o: CallOptions) => call<OnDuty>(`${BASE}/on-duty`, o);

// --- help log --------------------------------------------------------------------------------------

export const recordHelp = (input: HelpInput, o: CallOptions) => call<HelpEntry>(`${BASE}/help`, { ...o, method: 'POST', json: input });
export const listHelp = (q: { from: string; to: string; deskId?: number }, o: CallOptions) => call<Page<HelpEntry>>(`${BASE}/help`, { ...o, query: { ...q, ...ALL } });
export const voidHelp = (id: number, reason: string, o: CallOptions) => call<HelpEntry>(`${BASE}/help/${id}/void`, { ...o, method: 'POST', json: { reason } });

// --- campaigns -------------------------------------------------------------------------------------

export const listCampaigns = (o: CallOptions) => call<Page<Campaign>>(`${BASE}/campaigns`, { ...o, query: ALL });
export const getCampaign = (id: string, o: CallOptions) => call<Campaign>(`${BASE}/campaigns/${id}`, o);
export const createCampaign = (input: CampaignInput, o: CallOptions) => call<Campaign>(`${BASE}/campaigns`, { ...o, method: 'POST', json: input });
export const updateCampaign = (id: string, patch: CampaignPatch, o: CallOptions) => call<Campaign>(`${BASE}/campaigns/${id}`, { ...o, method: 'PATCH', json: patch });
export const getCampaignResults = (id: string, o: CallOptions) => call<CampaignResults>(`${BASE}/campaigns/${id}/results`, o);

// --- imports ---------------------------------------------------------------------------------------

export const templatePath = (kind: ImportKind, format: 'xlsx' | 'csv') => `${BASE}/imports/${kind}/template.${format}`;

/** Uploads a roster, equipment or help-log file; the answer is the whole report (the import is done). */
export function importDeskFile(kind: ImportKind, file: File, o: CallOptions): Promise<ImportReport> {
  return call<ImportReport>(`${BASE}/imports/${kind}`, { ...o, method: 'POST', headers: { 'content-type': importContentType(file.name), 'x-file-name': asciiFileName(file.name) }, body: file });
}
