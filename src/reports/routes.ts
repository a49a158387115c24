/**
 * HTTP routes of the reports module, under `/api/v1/reports`. Every route needs `reports.read`
 * (targets: `reports.targets` to change them). A staff member sees the figures of their unit
 * through time only (a commune officer their commune, the provincial working group its province);
 * an account without a unit sees the whole system. Answers are aggregates: no personal data.
 *
 * - `GET /reports/catalogue` — the indicator catalogue with definitions and breakdown labels;
 * - `GET /reports/indicators?indicator=&unit=&from=&to=&groupBy=&boundaries=&breakdown=&sector=&channel=&cumulative=`;
 * - `GET /reports/dashboard?unit=&from=&to=&boundaries=` — cards, series and ranking in one call;
 * - `GET /reports/monthly.xlsx|monthly.pdf?unit=&month=YYYY-MM&boundaries=` — the monthly report;
 * - `GET|PUT /reports/targets`, `DELETE /reports/targets/{id}` — targets per indicator, unit, period;
 * - `GET /reports/archive`, `GET /reports/archive/{id}` — monthly reports generated at month end.
 *
 * Indicators, dashboard and monthly reports read their figures from the read replica when
 * DATABASE_READ_URL is set (`ReportsEnv.read`, src/reports/compute.ts): a count committed a
 * moment ago may show only once the replica has replayed it. Targets' and archive's own pages,
 * and every write, use the primary.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyRequest } from 'fastify';
import { inScope, actorOf, staffOf, type StaffPrincipal } from '../platform/auth.js';
import { todayInVietnam } from '../platform/dates.js';
import { AppError } from '../platform/errors.js';
import type { Api, AppContext } from '../platform/module.js';
import { BREAKDOWN_LABELS, findIndicator, INDICATORS } from './catalogue.js';
import { indicatorAnswer, openScope, reportsEnv, type Filters, type ReportsEnv } from './compute.js';
import { dashboard } from './dashboard.js';
import { monthlyFileName, monthlyPdf, monthlyReport, monthlyXlsx } from './monthly.js';
import { checkRange, monthRange } from './periods.js';
import { UnitTimeline, type Boundaries } from './placement.js';
import type { UnitsTables } from '../units/index.js';
import * as S from './schemas.js';
import { archiveEntries, archiveEntry } from './store.js';
import { listTargets, removeTarget, saveTarget } from './targets.js';

const TAGS = ['reports'];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const PDF = 'application/pdf';

/** `from`..`to` of a query: default the current month to today (Vietnam time), or the month of `reference` (a day before today) to its last day. */
function rangeOf(q: { from?: string; to?: string }, reference?: { day: string; monthEnd: string }): { from: string; to: string } {
  const to = q.to ?? (q.from === undefined && reference ? reference.monthEnd : todayInVietnam());
  const from = q.from ?? `${to.slice(0, 7)}-01`;
  checkRange(from, to);
  return { from, to };
}

/**
 * The default period of a unit that is no longer in force today (a province merged in the 2025
 * reform, e.g. Tỉnh Hải Dương '30', ended 2025-06-30): with historical boundaries its figures
 * can only be shown on days it existed, so a query without `from`/`to` opens on the month of the
 * reader's unit date (the date the account's unit refers to, e.g. 2023-02-28 for the demo staff)
 * when the unit was in force then, else on the last month it was in force; undefined while the
 * unit is in force today, for current boundaries and for an account without a unit (the usual
 * default: this month to today). `monthEnd`: the month's last day, or the unit's last day in force
 * when it ended earlier in that month.
 */
export async function endedUnitReference(env: ReportsEnv, staff: StaffPrincipal, q: { unit?: string; boundaries?: Boundaries }): Promise<{ day: string; monthEnd: string } | undefined> {
  const code = q.unit ?? staff.unitCode;
  if (code === null || q.boundaries === 'current') return undefined;
  const today = todayInVietnam();
  await env.timelines.validate();
  const timeline = new UnitTimeline(env.timelines, env.db.as<UnitsTables>());
  if (await timeline.version(code, today)) return undefined;
  const own = staff.unitDate !== null && staff.unitDate < today && (await timeline.version(code, staff.unitDate)) ? staff.unitDate : undefined;
  const day = own ?? (await timeline.versionOnOrBefore(code, today))?.day;
  if (day === undefined) return undefined; // never in force: openScope answers UNIT_NOT_FOUND
  const last = monthRange(day.slice(0, 7)).to;
  const monthEnd = (await timeline.version(code, last)) ? last : day;
  return { day, monthEnd };
}

function filtersOf(q: { sector?: string; channel?: string }): Filters {
  return { ...(q.sector !== undefined && { sector: q.sector }), ...(q.channel !== undefined && { channel: q.channel }) };
}

export async function reportsRoutes(api: Api, ctx: AppContext): Promise<void> {
  const env = reportsEnv(ctx);
  const scopeOf = (request: FastifyRequest, q: { unit?: string; boundaries?: Boundaries; at?: string }, to: string) => openScope(env, staffOf(request), { unit: q.unit, boundaries: q.boundaries ?? 'historical', to, at: q.at });

  api.get(
    '/reports/catalogue',
    {
      config: { permission: 'reports.read' },
      schema: {
        tags: TAGS,
        summary: 'The Project 06 indicator catalogue',
        description: 'Every indicator with its definition (numerator, denominator, unit of count, records counted, the date that decides the period, legal basis), its source (a roll-up kept by the owning module, or a state function), breakdowns and filters; and the labels of breakdown values.',
        response: { 200: S.CatalogueSchema },
      },
    },
    async () => ({ items: [...INDICATORS], breakdowns: BREAKDOWN_LABELS }),
  );

  api.get(
    '/reports/indicators',
    {
      config: { permission: 'reports.read' },
      schema: {
        tags: TAGS,
        summary: 'One indicator for a unit and period',
        description:
          'The total over `from`..`to` (Vietnam dates; default the current month to today — for a unit no longer in force today, e.g. a province merged in 2025, the month of your account’s unit date, else the last month it was in force), the previous period of equal length (whole months → as many months before; otherwise as many days before) with the change, a time series (`groupBy=day|week|month|quarter|year`; ISO-8601 weeks; quarters from January) or one row per unit directly below (`groupBy=unit`, Vietnamese collation, competition ranks), an optional `breakdown`, and progress against targets of the unit. `boundaries=historical` (default) shows the units as they were on each counted day; `current` re-aggregates onto the units in force on `at` (default today) through succession links. `unit` defaults to your unit; outside it: 403 `REPORTS_OUT_OF_SCOPE`; not in force on the date of the units shown: 404 `UNIT_NOT_FOUND` naming its successors.',
        querystring: S.IndicatorQuerySchema,
        response: { 200: S.IndicatorAnswerSchema },
      },
    },
    async (request) => {
      const q = request.query;
      const def = findIndicator(q.indicator);
      if (!def) throw new AppError('REPORTS_INDICATOR_UNKNOWN', { indicator: q.indicator });
      const { from, to } = rangeOf(q, await endedUnitReference(env, staffOf(request), q));
      const scope = await scopeOf(request, q, to);
      return indicatorAnswer(scope, def, { from, to, groupBy: q.groupBy ?? 'none', breakdown: q.breakdown, cumulative: q.cumulative ?? false, filters: filtersOf(q) });
    },
  );

  api.get(
    '/reports/dashboard',
    {
      config: { permission: 'reports.read' },
      schema: {
        tags: TAGS,
        summary: 'The Project 06 dashboard of a unit',
        description:
          'One call for the dashboard: headline cards (each with the previous period and target progress), time series of the main flows (days up to two months, weeks up to half a year, then months, quarters), and the units directly below with their figures and ranks (Vietnamese collation). `sector` and `channel` apply to the cards that take them. Without `from`/`to`: this month to today, or for a unit no longer in force today the month of your account’s unit date (the demo’s Tỉnh Hải Dương: February 2023). Same scoping and boundaries as /reports/indicators.',
        querystring: S.DashboardQuerySchema,
        response: { 200: S.DashboardSchema },
      },
    },
    async (request) => {
      const q = request.query;
      const { from, to } = rangeOf(q, await endedUnitReference(env, staffOf(request), q));
      return dashboard(await scopeOf(request, q, to), { from, to, cumulative: q.cumulative ?? false, filters: filtersOf(q) });
    },
  );

  for (const format of ['xlsx', 'pdf'] as const) {
    api.get(
      `/reports/monthly.${format}`,
      {
        config: { permission: 'reports.read' },
        schema: {
          tags: TAGS,
          summary: `The monthly Project 06 report as ${format.toUpperCase()}`,
          description:
            format === 'xlsx'
              ? 'Workbook with the report (national heading, issuing body, number, date; the indicators of the month against the previous month, the year to date, the cumulative figure and the target), the ranking of the units below (Vietnamese collation) and the definitions. `unit` defaults to your unit (required for an account without one: 400 `REPORTS_UNIT_REQUIRED`).'
              : 'Administrative document (Decree 30/2020/NĐ-CP layout: national heading, issuing body, number, place and date, signature block) with the indicator table and the ranking of the units below. `unit` defaults to your unit.',
          querystring: S.MonthlyQuerySchema,
        },
      },
      async (request, reply) => {
        const q = request.query;
        const { to } = monthRange(q.month);
        const staff = staffOf(request);
        if (!q.unit && staff.unitCode === null) throw new AppError('REPORTS_UNIT_REQUIRED');
        const scope = await scopeOf(request, q, to);
        const report = await monthlyReport(scope, q.month, q.rankBy);
        const date = q.date ?? todayInVietnam();
        checkRange(date, date);
        const body = format === 'xlsx' ? await monthlyXlsx(report, date) : await monthlyPdf(report, date);
        return reply
          .type(format === 'xlsx' ? XLSX : PDF)
          .header('content-disposition', `attachment; filename="${monthlyFileName(report.unit.code, q.month, scope.boundaries, format)}"`)
          .send(body);
      },
    );
  }

  api.get(
    '/reports/targets',
    {
      config: { permission: 'reports.read' },
      schema: { tags: TAGS, summary: 'Targets within your unit', description: 'Targets per indicator, unit and period whose period overlaps `from`..`to`.', querystring: S.TargetQuerySchema, response: { 200: S.TargetListSchema } },
    },
    async (request) => ({ items: await listTargets(env, staffOf(request), request.query) }),
  );

  api.put(
    '/reports/targets',
    {
      config: { permission: 'reports.targets' },
      schema: {
        tags: TAGS,
        summary: 'Set a target',
        description:
          'Sets (201) or replaces (200) the target of an indicator for a unit (as on `unitDate`, default the period’s last day) and a period. Shares are fractions 0–1, "services deployed" at most 25 (400 `REPORTS_TARGET_VALUE`). Within your unit only (403 `REPORTS_OUT_OF_SCOPE`). Audited.',
        body: S.TargetInputSchema,
        response: { 200: S.TargetSchema, 201: S.TargetSchema },
      },
    },
    async (request, reply) => {
      const { target, created } = await saveTarget(env, staffOf(request), actorOf(request), request.body);
      return reply.code(created ? 201 : 200).send(target);
    },
  );

  api.delete(
    '/reports/targets/:id',
    {
      config: { permission: 'reports.targets' },
      schema: { tags: TAGS, summary: 'Remove a target', description: '404 `REPORTS_TARGET_NOT_FOUND` outside your unit. Audited.', params: S.IdParamsSchema, response: { 204: { type: 'null' } } },
    },
    async (request, reply) => {
      await removeTarget(env, staffOf(request), actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  /** Archive entries the reader may see (their unit through time). */
  const visibleArchive = async (request: FastifyRequest, q: { unit?: string; month?: string }) => {
    const staff = staffOf(request);
    const area = staff.unitCode === null ? null : await env.units.area(staff.unitCode, staff.unitDate ?? todayInVietnam());
    const out = [];
    for (const e of await archiveEntries(env.db.kysely, { unitCodes: q.unit ? [q.unit] : undefined, month: q.month })) {
      const p = await env.units.get(e.unit_code, e.unit_date).then(
        (u) => u.path.map((x) => x.code),
        () => [e.unit_code],
      );
      if (inScope(area, p, e.unit_date)) out.push(e);
    }
    return out;
  };

  api.get(
    '/reports/archive',
    {
      config: { permission: 'reports.read' },
      schema: { tags: TAGS, summary: 'Monthly reports generated at month end', description: 'Files written by the job `reports.monthly` (00:30 on the first day of each month, Vietnam time), within your unit, newest month first.', querystring: S.ArchiveQuerySchema, response: { 200: S.ArchiveListSchema } },
    },
    async (request) => ({
      items: (await visibleArchive(request, request.query)).map((e) => ({ id: e.id, month: e.month, unitCode: e.unit_code, unitDate: e.unit_date, boundaries: e.boundaries as Boundaries, format: e.format as 'xlsx' | 'pdf', sha256: e.sha256, size: e.size, createdAt: e.created_at })),
    }),
  );

  api.get(
    '/reports/archive/:id',
    {
      config: { permission: 'reports.read' },
      schema: { tags: TAGS, summary: 'Download an archived monthly report', description: '404 `REPORTS_ARCHIVE_NOT_FOUND` outside your unit or when the file is gone.', params: S.IdParamsSchema },
    },
    async (request, reply) => {
      const e = await archiveEntry(env.db.kysely, request.params.id);
      const visible = e && (await visibleArchive(request, { unit: e.unit_code, month: e.month })).some((x) => x.id === e.id);
      const file = e && path.join(path.resolve(ctx.config.filesDir), e.file_path);
      if (!e || !visible || !file || !fs.existsSync(file)) throw new AppError('REPORTS_ARCHIVE_NOT_FOUND', { id: request.params.id });
      return reply
        .type(e.format === 'xlsx' ? XLSX : PDF)
        .header('content-length', String(e.size))
        .header('x-content-sha256', e.sha256)
        .header('content-disposition', `attachment; filename="${path.basename(e.file_path)}"`)
        .send(fs.createReadStream(file));
    },
  );
}
