/**
 * The demo story of `npm start` (issue 8 item 8): Tỉnh Hải Dương (GSO '30') in February 2023, told
 * as records written by the modules' own functions, so that the dashboard computes every figure
 * from roll-ups and state rather than reading them:
 *
 * - e-ID: applications received and level-2 accounts activated cumulatively in the province's
 *   real ratio (about 617,000 applications and 232,000 activations for 1,936,000 people, scaled to
 *   `MOTCUA_DEMO_POPULATION`: 20,000 people → about 6,370 and 2,400), taken from the demo
 *   population's people (identity: `applyInPerson`, `applyOnline`, `decideApplication`,
 *   `activateRecorded`);
 * - 23 of the 25 essential public services deployed at the province (services: `deployService`);
 * - dossiers received (dossiers: `saveAgency`, `submitDossier`): 71 % of police-service dossiers
 *   and 56 % of other sectors' dossiers filed online, about half of the online ones in Xã Cẩm
 *   Hoàng ('10897') filed by the citizens alone;
 * - 46 sites with 56 working computers, each with a scanner (desk: `createSite`, `createDevice`);
 * - the support team of Xã Cẩm Hoàng, its desk and its help log: every online dossier there guided
 *   or filed on the citizen's behalf, VNeID installed for about a third of its activated accounts
 *   (desk: `createTeam`, `addMember`, `createDesk`, `recordHelp`).
 *
 * Records are dated July 2022 – February 2023, most of them in February 2023 (the dashboard's
 * month). Recorded after the fact: no SMS or e-mail goes out. Runs once (an audit entry
 * `demo.story` marks it written), only with `MOTCUA_DEMO=on`, and does nothing for a demo
 * population of 0. `motcua serve` writes it in the background once listening; `motcua seed` in the foreground.
 *
 * Sources of the figures: reports of the Hải Dương provincial Project 06 working group for
 * February 2023 as summarised in issue 8 (617,000 e-ID applications, 232,000 activated; 23/25
 * essential services; 71 % / 56 % online; 56 computers with scanners at 46 sites).
 */
import { sql } from 'kysely';
import { recordAudit, type AuditActor } from '../platform/audit/audit.js';
import { CITIZEN_PERMISSIONS, type CitizenPrincipal, type StaffPrincipal } from '../platform/auth.js';
import { AppError } from '../platform/errors.js';
import { silentProgress, type AppContext, type Progress } from '../platform/module.js';
import { seededRandom } from '../platform/random.js';
import { foldMonthRows } from '../platform/rollups.js';
import { addDays, todayInVietnam } from '../platform/dates.js';
import { ROLE_PERMISSIONS, createEidService } from '../identity/index.js';
import { applyInPerson, applyOnline, decideApplication } from '../identity/eid/applications.js';
import { activateRecorded } from '../identity/eid/activation.js';
import { hashPassword } from '../identity/passwords.js';
import { citizenRecord } from '../population/index.js';
import { communesOf, DEMO_DATE, DEMO_PROVINCE } from '../population/demo.js';
import { BUILTIN_CATALOG, deployService, SAMPLE_FORMS } from '../services/index.js';
import { dossierEnv, saveAgency, submitDossier } from '../dossiers/index.js';
import { createDesk, createDevice, createSite, listDevices, listSites } from '../desk/sites.js';
import { addMember, createTeam } from '../desk/teams.js';
import { recordHelp } from '../desk/help.js';
import { UnitCache, type UnitsTables } from '../units/index.js';

/** Hải Dương's population the real figures refer to (2022 statistics, rounded). */
export const STORY_REAL_POPULATION = 1_936_000;
/** Cumulative e-ID figures of the province at the end of February 2023. */
export const STORY_EID = { applications: 617_000, activated: 232_000 } as const;
export const STORY_SERVICES_DEPLOYED = 23;
export const STORY_ONLINE_SHARE = { police: 0.71, other: 0.56 } as const;
/** The commune whose online dossiers are about half filed by the citizens alone. */
export const STORY_COMMUNE = '10897';
export const STORY_SELF_SHARE = 0.5;
export const STORY_DESK = { sites: 46, computers: 56 } as const;
/** The volunteers of the story commune's support team (Tổ hỗ trợ dịch vụ công trực tuyến). */
const STORY_TEAM: [string, 'youth_union' | 'women_union' | 'farmers_union'][] = [
  ['Nguyễn Văn Hiếu', 'youth_union'],
  ['Trần Thị Thu Hà', 'women_union'],
  ['Phạm Văn Tuấn', 'farmers_union'],
];
/** Dossiers received per person of the demo population (over the whole story). */
const DOSSIERS_PER_PERSON = 0.05;

const ACTOR: AuditActor = { kind: 'system', id: 'demo-story' };
const START = '2022-07-01';
const FEBRUARY = '2023-02-01';


const DAY_MS = 86_400_000;
const dayNumber = (d: string) => Date.parse(`${d}T00:00:00Z`) / DAY_MS;
const dayOf = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);

/** A working-hours instant (08:00–16:30 Vietnam time) on a day, as ISO-8601 UTC. */
function instantOn(day: string, random: () => number): string {
  const minutes = 60 + Math.floor(random() * 510); // 01:00Z..09:30Z = 08:00..16:30 ICT
  return new Date(Date.parse(`${day}T00:00:00Z`) + minutes * 60_000).toISOString();
}

/** A day of the story: `february` of them in February 2023, the rest spread July 2022 – January 2023. */
function storyDay(random: () => number, februaryShare: number): string {
  if (random() < februaryShare) return dayOf(dayNumber(FEBRUARY) + Math.floor(random() * 28));
  return dayOf(dayNumber(START) + Math.floor(random() * (dayNumber(FEBRUARY) - dayNumber(START))));
}

/** An instant `days` after `at` (plus some hours), never after the story's last day. */
function later(at: string, days: number, random: () => number): string {
  const day = dayOf(Math.min(dayNumber(at.slice(0, 10)) + days, dayNumber(DEMO_DATE)));
  const t = instantOn(day, random);
  return t > at ? t : new Date(Date.parse(at) + 60_000).toISOString();
}

/** The targets of the story for a demo population. */
export function storyTargets(population: number) {
  const f = population / STORY_REAL_POPULATION;
  return { applications: Math.round(STORY_EID.applications * f), activated: Math.round(STORY_EID.activated * f), dossiers: Math.round(population * DOSSIERS_PER_PERSON) };
}

/** A PNG of one grey pixel (the built-in biometric plug-ins store images without verifying them). */
const PIXEL = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010800000000376ef9240000000a49444154789c6360000000020001e221bc330000000049454e44ae426082', 'hex');
const FMR = Buffer.concat([Buffer.from('FMR\0 20\0', 'latin1'), Buffer.alloc(64, 0x2a)]);

function staff(role: 'PROVINCIAL_POLICE' | 'COMMUNE_OFFICER' | 'SUPPORT_TEAM', unitCode: string): StaffPrincipal {
  return { kind: 'staff', id: 0, username: 'demo-story', displayName: 'Dữ liệu minh họa', role, unitCode, unitDate: DEMO_DATE, permissions: new Set(ROLE_PERMISSIONS[role]) };
}

/** The audit action that marks the story as written, at its end. */
const STORY_MARK = 'demo.story';

const siteKind = (i: number) => (i % 4 === 3 ? 'cultural_house' : 'commune_office');
const kindName = (i: number) => (siteKind(i) === 'cultural_house' ? 'Nhà văn hóa, điểm hỗ trợ' : 'Điểm hỗ trợ dịch vụ công');

/**
 * True when the story is there already (its mark in the audit log), or when another one was begun
 * and stopped half-way (e-ID applications exist without the mark): that one is not written over,
 * a warning says to start from an empty database to have the whole story.
 */
async function told(ctx: AppContext): Promise<boolean> {
  const marked = await sql<{ n: number }>`select count(*) as n from audit_log where action = ${STORY_MARK}`.execute(ctx.db.kysely);
  if (Number(marked.rows[0]?.n ?? 0) > 0) return true;
  const r = await sql<{ n: number }>`select count(*) as n from eid_applications`.execute(ctx.db.kysely);
  if (Number(r.rows[0]?.n ?? 0) === 0) return false;
  ctx.logger.warn('demo story not written: this database has e-ID applications but no complete demo story (a start stopped while writing it?); start from an empty database to load it');
  return true;
}

/**
 * `motcua serve`: writes the story after the server has started listening, so the platform answers
 * at once and the dashboard fills within a minute or two; logs when it is done or why it failed.
 * `stop()` (at shutdown) ends it at the next record and waits for that.
 */
export function seedDemoStoryInBackground(ctx: AppContext): { stop(): Promise<void> } {
  if (!ctx.config.demo || ctx.config.demoPopulation === 0) return { stop: async () => undefined };
  const abort = new AbortController();
  ctx.logger.info('demo story: writing in the background (e-ID applications, dossiers, sites of Tỉnh Hải Dương, February 2023)');
  const work = seedDemoStory(ctx, silentProgress, abort.signal).then(
    () => undefined,
    (err: unknown) => {
      if (abort.signal.aborted) ctx.logger.warn('demo story stopped before its end by the shutdown');
      else ctx.logger.error({ err }, 'demo story failed; the platform works without it');
    },
  );
  return {
    stop: async () => {
      abort.abort();
      await work;
    },
  };
}

export interface StoryResult {
  applications: number;
  activated: number;
  services: number;
  dossiers: number;
  sites: number;
  computers: number;
  /** Entries of the help log of the story's commune. */
  helped: number;
}

/**
 * Writes the story once (see the module comment). Answers what it wrote, or null when it did
 * nothing (demo off, population 0, already told).
 */
export async function seedDemoStory(ctx: AppContext, progress: Progress = silentProgress, signal?: AbortSignal): Promise<StoryResult | null> {
  if (!ctx.config.demo || ctx.config.demoPopulation === 0 || (await told(ctx))) return null;
  const target = storyTargets(ctx.config.demoPopulation);
  const random = seededRandom(20230228); // the same story at every start
  const communes = (await communesOf(ctx.db.as<UnitsTables>(), DEMO_PROVINCE, DEMO_DATE)).map((c) => c.code);
  const units = new UnitCache(ctx.db.as<UnitsTables>());
  /** A commune's name as it was on the story's last day ("Xã Cẩm Hoàng") and its address line with district and province. */
  const place = async (code: string) => {
    const u = await units.get(code, DEMO_DATE);
    return { name: u.fullName, address: [...u.path].reverse().map((x) => x.fullName).join(', ') };
  };
  const out: StoryResult = { applications: 0, activated: 0, services: 0, dossiers: 0, sites: 0, computers: 0, helped: 0 };
  const ms: Record<string, number> = {};
  let mark = performance.now();
  const phase = (name: string) => {
    const t = performance.now();
    ms[name] = Math.round(t - mark);
    mark = t;
  };

  // 1. Services: 23 of the 25 essential ones deployed at the province (the last two later).
  const essential = BUILTIN_CATALOG.filter((s) => s.essentialNo !== null && s.essentialNo <= STORY_SERVICES_DEPLOYED);
  for (const s of essential) await deployService(ctx.db, s.code, DEMO_PROVINCE, START, ACTOR);
  out.services = essential.length;
  phase('services');

  // 2. e-ID: people of the registry with a chip card, in a fixed order.
  const people = (
    await sql<{ pin: string; commune: string }>`select pin, scope_commune as commune from citizens where status = 'living' and id_card_chip = 1 and scope_province = ${DEMO_PROVINCE} order by pin`.execute(ctx.db.kysely)
  ).rows;
  const svc = createEidService(ctx);
  const police = staff('PROVINCIAL_POLICE', DEMO_PROVINCE);
  const secret = `demo-${Math.random()}-${Date.now()}`;
  const hashes = { passwordHash: await hashPassword(secret), passcodeHash: await hashPassword(secret.slice(-6)) };
  const activated: { pin: string; commune: string; accountId: number; at: string }[] = [];
  progress.start('demo e-ID', target.applications);
  for (const p of people) {
    if (out.applications >= target.applications) break;
    signal?.throwIfAborted();
    const citizen = await citizenRecord(ctx.db, p.pin);
    if (!citizen?.phone || !p.commune) continue;
    const at = instantOn(storyDay(random, 0.3), random);
    const online = random() < 0.2;
    let app;
    try {
      app = online
        ? await applyOnline(svc, { pin: p.pin, fullName: citizen.fullName, dateOfBirth: citizen.dateOfBirth, sex: citizen.sex, phone: citizen.phone, faceImage: { bytes: PIXEL, mediaType: 'image/png', sha256: 'demo' } }, ACTOR, { at, notify: false })
        : await applyInPerson(
            svc,
            police,
            { pin: p.pin, phone: citizen.phone, portrait: { bytes: PIXEL, mediaType: 'image/png', sha256: 'demo' }, fingerprints: [{ position: 2, bytes: FMR, mediaType: 'application/x-iso19794-2', sha256: 'demo' }], consent: true, collectionPoint: { kind: 'police_office', unitCode: p.commune, unitDate: DEMO_DATE } },
            { ...ACTOR, unitCode: DEMO_PROVINCE },
            { at, notify: false },
          );
    } catch (e) {
      if (e instanceof AppError) continue; // not eligible on that day (age, card), phone shared…
      throw e;
    }
    out.applications++;
    progress.update(out.applications);
    const remaining = target.activated - out.activated;
    const left = target.applications - out.applications + 1;
    // Level-2 applications become activated accounts at the rate that meets the target; others wait.
    if (app.level !== 2 || remaining <= 0 || random() > Math.min(1, (remaining / left) * 1.25)) continue;
    const decided = later(at, 1 + Math.floor(random() * 3), random);
    const done = later(decided, Math.floor(random() * 4), random);
    try {
      await decideApplication(svc, police, app.id, { decision: 'approve' }, ACTOR, { at: decided, notify: false });
      await activateRecorded(svc, { pin: p.pin, ...hashes }, { at: done });
    } catch (e) {
      if (e instanceof AppError) continue;
      throw e;
    }
    out.activated++;
    if (app.accountId === null) {
      const acc = await sql<{ id: number }>`select id from eid_accounts where pin = ${p.pin} and status = 'active'`.execute(ctx.db.kysely);
      if (acc.rows[0]) activated.push({ pin: p.pin, commune: p.commune, accountId: Number(acc.rows[0].id), at: done });
    }
  }
  progress.stop();

  phase('eid');
  // 3. Dossiers: agencies of the communes, then submissions on the four channels.
  const env = dossierEnv(ctx);
  const policeServices = essential.filter((s) => s.sector === 'police').map((s) => s.code);
  const otherServices = essential.filter((s) => s.sector !== 'police').map((s) => s.code);
  const usable = new Set<string>();
  for (const code of communes) {
    const { name } = await place(code);
    await saveAgency(env, code, { agencyCode: `H30.${code}`, nameVi: `Bộ phận Một cửa ${name}`, headTitle: `Chủ tịch UBND ${name}` }, ACTOR, DEMO_DATE);
    usable.add(code);
  }
  const byCommune = new Map<string, typeof activated>();
  for (const a of activated) byCommune.set(a.commune, [...(byCommune.get(a.commune) ?? []), a]);
  const applicantOf = async (pin: string, commune: string) => {
    const c = await citizenRecord(ctx.db, pin);
    // The officer writes down the citizen's own phone (and email, if any): someone without a phone
    // in the registry is not drawn (the sample form's contact belongs to its sample citizen).
    if (!c?.phone) return undefined;
    const home = c.permanentResidence;
    const unit = await place(home?.unitCode ?? commune).catch(() => place(commune));
    return { fullName: c.fullName, pin: c.pin, dateOfBirth: c.dateOfBirth, sex: c.sex, phone: c.phone, email: c.email, permanentAddress: [home?.addressLine, unit.address].filter(Boolean).join(', ') };
  };
  const counts: Record<string, { all: number; online: number }> = {};
  const story = [STORY_COMMUNE, ...communes.filter((c) => c !== STORY_COMMUNE && byCommune.has(c))];
  progress.start('demo dossiers', target.dossiers);
  let attempts = 0;
  const tally = { self: 0, online: 0 };
  /** What the support team of the story's commune did for its online dossiers (the help log). */
  const helped: { at: string; kind: 'guided_self_filing' | 'filed_on_behalf'; serviceCode: string }[] = [];
  while (out.dossiers < target.dossiers && attempts < target.dossiers * 3) {
    signal?.throwIfAborted();
    attempts++;
    const group: 'police' | 'other' = random() < 0.45 ? 'police' : 'other';
    const at = instantOn(storyDay(random, 0.45), random);
    // Online while below the story's share of the group, else at the counter (the dates are drawn
    // independently, so February's shares come out about the same).
    const c = (counts[group] ??= { all: 0, online: 0 });
    const online = c.online < Math.round((c.all + 1) * STORY_ONLINE_SHARE[group]);
    const commune = random() < 0.15 ? STORY_COMMUNE : story[Math.floor(random() * story.length)]!;
    const accounts = byCommune.get(commune) ?? [];
    const services = group === 'police' ? policeServices : otherServices;
    const serviceCode = services[Math.floor(random() * services.length)]!;
    if (!SAMPLE_FORMS[serviceCode] || !usable.has(commune)) continue;
    const ready = accounts.filter((a) => a.at < at);
    const person = ready.length > 0 ? ready[Math.floor(random() * ready.length)] : accounts[Math.floor(random() * accounts.length)];
    // In the story's commune every other online dossier is filed alone; elsewhere three in five.
    // (A citizen files alone only after their account was activated: never moved in time, which would bias February.)
    const wantSelf = online && (commune === STORY_COMMUNE ? tally.self < Math.round((tally.online + 1) * STORY_SELF_SHARE) : random() < 0.6);
    const canSelf = person !== undefined && at > person.at;
    // The story's commune keeps its half exactly: a dossier that should be filed alone but has no
    // activated account yet on its date is drawn again.
    if (wantSelf && !canSelf && commune === STORY_COMMUNE) continue;
    const self = wantSelf && canSelf;
    const form = structuredClone(SAMPLE_FORMS[serviceCode]) as Record<string, unknown>;
    try {
      if (self) {
        const prefilled = BUILTIN_CATALOG.find((s) => s.code === serviceCode)!.prefill;
        const applicant = { ...(form.applicant as Record<string, unknown>) };
        for (const pointer of Object.keys(prefilled)) delete applicant[pointer.split('/')[1]!];
        const principal: CitizenPrincipal = { kind: 'citizen', accountId: person.accountId, pin: person.pin, level: 2, sessionId: 'demo-story', amr: ['pwd'], permissions: CITIZEN_PERMISSIONS };
        await submitDossier(env, principal, { kind: 'citizen', id: `eid:${person.accountId}` }, { serviceCode, channel: 'online', unitCode: commune, data: { ...form, applicant } }, { now: at, notify: false });
      } else {
        const pin = person?.pin ?? people[Math.floor(random() * people.length)]!.pin;
        const applicant = await applicantOf(pin, commune);
        if (!applicant) continue;
        const channel = !online ? 'counter' : random() < 0.85 ? 'on_behalf' : 'mobile';
        const officer = staff(channel === 'counter' ? 'COMMUNE_OFFICER' : 'SUPPORT_TEAM', commune);
        const assistance = channel === 'counter' ? undefined : { site: `Bộ phận Một cửa ${(await place(commune)).name}`, equipmentId: 'MT-01', consent: { given: true, method: 'signed_paper' as const }, ...(channel === 'mobile' && { campaign: 'Tổ lưu động tháng 2/2023' }) };
        const { email, ...contact } = applicant;
        const written: Record<string, unknown> = { ...(form.applicant as Record<string, unknown>), ...contact };
        if (email) written.email = email;
        else delete written.email;
        await submitDossier(env, officer, { ...ACTOR, unitCode: commune }, { serviceCode, channel, unitCode: commune, data: { ...form, applicant: written }, ...(assistance && { assistance }) }, { now: at, notify: false });
      }
    } catch (e) {
      if (e instanceof AppError) continue;
      throw e;
    }
    c.all++;
    if (online) c.online++;
    if (online && commune === STORY_COMMUNE) {
      tally.online++;
      if (self) tally.self++;
      helped.push({ at, kind: self ? 'guided_self_filing' : 'filed_on_behalf', serviceCode });
    }
    out.dossiers++;
    progress.update(out.dossiers);
  }
  progress.stop();

  phase('dossiers');
  // 4. Desk: 46 sites, 56 working computers, each with a scanner.
  const caller = { actor: ACTOR, area: null };
  const siteCommunes = [STORY_COMMUNE, ...communes.filter((c) => c !== STORY_COMMUNE)].slice(0, STORY_DESK.sites);
  for (const [i, code] of siteCommunes.entries()) {
    const opened = dayOf(dayNumber(START) + i * 3);
    const site = await createSite(ctx.db, caller, { unitCode: code, unitDate: DEMO_DATE, kind: siteKind(i), name: `${kindName(i)} ${(await place(code)).name}`, internet: 'fixed_broadband', effectiveOn: opened });
    out.sites++;
    const computers = i < STORY_DESK.computers - STORY_DESK.sites ? 2 : 1;
    for (let k = 0; k < computers; k++) {
      await createDevice(ctx.db, caller, { siteId: site.id, kind: 'computer', status: 'working', acquiredOn: opened, funding: 'provincial_budget' });
      await createDevice(ctx.db, caller, { siteId: site.id, kind: 'scanner', status: 'working', acquiredOn: opened, funding: 'provincial_budget' });
      out.computers++;
    }
  }
  // 5. The support team of the story's commune at its one-stop desk, and its help log: each online
  // dossier filed there was either guided (the citizen filed alone) or filed on the citizen's behalf;
  // a VNeID installation for about one activated account in three of the commune.
  const storySite = (await listSites(ctx.db, caller, { unit: STORY_COMMUNE, offset: 0, limit: 1 })).items[0];
  if (storySite) {
    const team = await createTeam(ctx.db, caller, { unitCode: STORY_COMMUNE, unitDate: DEMO_DATE, name: `Tổ hỗ trợ dịch vụ công trực tuyến ${(await place(STORY_COMMUNE)).name}`, foundedOn: START, leadOrganisation: 'youth_union' });
    const members = [];
    for (const [fullName, organisation] of STORY_TEAM) members.push(await addMember(ctx.db, caller, team.id, { kind: 'volunteer', fullName, organisation, joinedOn: START }));
    const desk = await createDesk(ctx.db, caller, { siteId: storySite.id, name: 'Quầy hỗ trợ dịch vụ công trực tuyến', teamId: team.id });
    const computer = (await listDevices(ctx.db, caller, { siteId: storySite.id, kind: 'computer', offset: 0, limit: 1 })).items[0];
    const installs = (byCommune.get(STORY_COMMUNE) ?? []).filter((_, i) => i % 3 === 0).map((a) => ({ at: a.at, kind: 'vneid_install' as const, serviceCode: undefined }));
    for (const [i, h] of [...helped, ...installs].sort((a, b) => a.at.localeCompare(b.at)).entries()) {
      await recordHelp(ctx.db, caller, { deskId: desk.id, kind: h.kind, outcome: 'completed', at: h.at, deviceId: computer?.id ?? null, helperMemberId: members[i % members.length]!.id, serviceCode: h.serviceCode ?? null });
      out.helped++;
    }
  }
  phase('desk');
  // The story's days are long past: their counts go into the month rows now, not at the next nightly fold.
  await foldMonthRows(ctx.db, addDays(todayInVietnam(), -1));
  await ctx.db.transaction((trx) => recordAudit(trx, { actor: ACTOR, action: STORY_MARK, summary: `demo story written: ${JSON.stringify(out)}` }));
  ctx.logger.info({ story: out, ms }, 'demo story written (Tỉnh Hải Dương, February 2023)');
  return out;
}
