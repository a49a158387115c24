/**
 * The Project 06 dashboard (`/reports?unit=&period=&value=&from=&to=&boundaries=&sector=&channel=&cumulative=`):
 * headline cards with the previous period and target progress, the series of the main flows
 * (ECharts), a choropleth of provinces when a boundary file is configured, and the ranking of the
 * units below (server's Vietnamese collation, sortable) with the monthly report to download.
 * Clicking a unit (row or map area) drills down; the breadcrumb goes back up. Everything comes from
 * one call, `GET /api/v1/reports/dashboard`; the state lives in the URL (back, reload, sharing).
 */
import { useMemo, type ReactNode } from 'react';
import { Breadcrumb, DatePicker, Progress, Select, Switch, Table, Typography, type TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { getUnit } from '../../api.js';
import { DownloadButton } from '../../components/DownloadButton.js';
import { ProblemAlert } from '../../components/ProblemAlert.js';
import { RequireStaff } from '../../components/RequireStaff.js';
import { formatPartialDate, parseIsoDate, todayInVietnam } from '../../dates.js';
import { useI18n, type Lang, type MessageKey, type Translate } from '../../i18n.js';
import { hrefOf, Link, navigate, useLocation } from '../../router.js';
import { useSession } from '../../session.js';
import { useRemote } from '../../useRemote.js';
import { getBoundaries, getCatalogue, getDashboard, getMaps, monthlyPath, type Boundaries, type DashboardCardDto, type DashboardDto, type IndicatorFormat, type RankingRowDto } from './api.js';
import { ChoroplethMap, SeriesChart } from './charts.js';
import './reports.css';

// --- the view in the URL ------------------------------------------------------------------------------

const PERIODS = ['month', 'quarter', 'year', 'custom'] as const;
type PeriodKind = (typeof PERIODS)[number];

export interface DashboardView {
  unit?: string;
  period: PeriodKind;
  /** `YYYY-MM`, `YYYY-Qn` or `YYYY` for month, quarter, year; absent: the current one. */
  value?: string;
  from?: string;
  to?: string;
  boundaries: Boundaries;
  sector?: string;
  channel?: string;
  cumulative: boolean;
}

const UNIT = /^(\d{2}|\d{3}|\d{5})$/;
const VALUE: Record<Exclude<PeriodKind, 'custom'>, RegExp> = { month: /^\d{4}-(0[1-9]|1[0-2])$/, quarter: /^\d{4}-Q[1-4]$/, year: /^\d{4}$/ };
const TOKEN = /^[a-z_]{1,40}$/;

function viewOf(search: URLSearchParams): DashboardView {
  const period = (PERIODS as readonly string[]).includes(search.get('period') ?? '') ? (search.get('period') as PeriodKind) : 'month';
  const value = search.get('value') ?? '';
  const unit = search.get('unit') ?? '';
  const sector = search.get('sector') ?? '';
  const channel = search.get('channel') ?? '';
  return {
    unit: UNIT.test(unit) ? unit : undefined,
    period,
    value: period !== 'custom' && VALUE[period].test(value) ? value : undefined,
    from: period === 'custom' ? parseIsoDate(search.get('from')) : undefined,
    to: period === 'custom' ? parseIsoDate(search.get('to')) : undefined,
    boundaries: search.get('boundaries') === 'current' ? 'current' : 'historical',
    sector: TOKEN.test(sector) ? sector : undefined,
    channel: TOKEN.test(channel) ? channel : undefined,
    cumulative: search.get('cumulative') === '1',
  };
}

export function dashboardHref(v: Partial<DashboardView>): string {
  return hrefOf('/reports', {
    unit: v.unit,
    period: v.period && v.period !== 'month' ? v.period : undefined,
    value: v.value,
    from: v.from,
    to: v.to,
    boundaries: v.boundaries === 'current' ? 'current' : undefined,
    sector: v.sector,
    channel: v.channel,
    cumulative: v.cumulative ? '1' : undefined,
  });
}

const lastDayOfMonth = (ym: string) => dayjs(`${ym}-01`).endOf('month').format('YYYY-MM-DD');

/** The days of the view's period, the end capped at today (a running period counts to date). */
export function rangeOf(v: DashboardView, today: string): { from: string; to: string } {
  const cap = (to: string) => (to > today ? today : to);
  if (v.period === 'custom') {
    const to = v.to ?? today;
    return { from: v.from && v.from <= to ? v.from : `${to.slice(0, 7)}-01`, to };
  }
  if (v.period === 'year') {
    const y = v.value ?? today.slice(0, 4);
    return { from: `${y}-01-01`, to: cap(`${y}-12-31`) };
  }
  if (v.period === 'quarter') {
    const [y, q] = v.value ? [v.value.slice(0, 4), Number(v.value.slice(6))] : [today.slice(0, 4), Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1];
    const first = `${y}-${String(q * 3 - 2).padStart(2, '0')}`;
    return { from: `${first}-01`, to: cap(lastDayOfMonth(`${y}-${String(q * 3).padStart(2, '0')}`)) };
  }
  const ym = v.value ?? today.slice(0, 7);
  return { from: `${ym}-01`, to: cap(lastDayOfMonth(ym)) };
}

// --- formatting ---------------------------------------------------------------------------------------

export function formatFigure(value: number | null, format: IndicatorFormat, lang: Lang, denominator?: number | null): string {
  if (value === null) return '–';
  if (format === 'percent') return `${(value * 100).toLocaleString(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} %`;
  if (format === 'of-total') return `${value.toLocaleString(lang)}/${(denominator ?? 25).toLocaleString(lang)}`;
  return value.toLocaleString(lang);
}

function signed(n: number, lang: Lang, digits = 0): string {
  const s = Math.abs(n).toLocaleString(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return n > 0 ? `+${s}` : n < 0 ? `−${s}` : s;
}

const fmtDate = (d: string) => formatPartialDate(d);

// --- the page -----------------------------------------------------------------------------------------

export function DashboardPage() {
  return (
    <RequireStaff permission="reports.read">
      <Dashboard />
    </RequireStaff>
  );
}

function Dashboard() {
  const { t, lang } = useI18n();
  const { search } = useLocation();
  const view = viewOf(search);
  const today = todayInVietnam();
  // The default view (this month) leaves the period to the server: a unit that has ended (a
  // province merged in 2025) opens on the month of the account's unit date instead of failing.
  const chosen = view.period !== 'month' || view.value !== undefined;
  const asked = rangeOf(view, today);
  const query = { unit: view.unit, ...(chosen && asked), boundaries: view.boundaries, sector: view.sector, channel: view.channel, cumulative: view.cumulative || undefined };
  const remote = useRemote(JSON.stringify([query, lang]), (signal) => getDashboard(query, { lang, signal }));
  const catalogue = useRemote(`catalogue:${lang}`, (signal) => getCatalogue({ lang, signal }));
  const data = remote.data;
  const { from, to } = !chosen && data ? { from: data.from, to: data.to } : asked;

  return (
    <div className="reports-page">
      <Typography.Title level={1} className="page-title">
        {t('reports.title')}
      </Typography.Title>
      <Typography.Paragraph className="page-intro">{t('reports.intro')}</Typography.Paragraph>
      <Filters view={view} range={{ from, to }} catalogue={catalogue.data} />
      {remote.error ? (
        <ProblemAlert error={remote.error} onRetry={remote.retry} />
      ) : !data ? (
        <p className="page-loading" role="status">
          {t('reports.loading')}
        </p>
      ) : (
        <div aria-busy={remote.loading}>
          <Trail data={data} view={view} />
          <Typography.Paragraph className="reports-period">
            <strong>{t('reports.periodOf', { unit: data.unit?.fullName ?? t('reports.wholeSystem'), from: fmtDate(data.from), to: fmtDate(data.to) })}</strong>
            <br />
            <span className="muted">{t('reports.previousOf', { from: fmtDate(data.previous.from), to: fmtDate(data.previous.to) })}</span>
          </Typography.Paragraph>
          <Cards data={data} />
          <Series data={data} />
          <MapSection data={data} view={view} />
          <Ranking data={data} view={view} />
          <Notes data={data} />
        </div>
      )}
    </div>
  );
}

// --- filters ------------------------------------------------------------------------------------------

function Field({ id, label, children, grow }: { id: string; label: string; children: ReactNode; grow?: boolean }) {
  return (
    <div className={grow ? 'field field-grow' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children}
    </div>
  );
}

function Filters({ view, range, catalogue }: { view: DashboardView; range: { from: string; to: string }; catalogue: import('./api.js').CatalogueDto | undefined }) {
  const { t, lang } = useI18n();
  const go = (change: Partial<DashboardView>) => navigate(dashboardHref({ ...view, ...change }));
  const sectors = Object.entries(catalogue?.breakdowns.sector?.values ?? {}).map(([value, text]) => ({ value, label: text[lang] }));
  const channelValues = new Set((catalogue?.items ?? []).flatMap((i) => i.channels ?? []));
  const channels = [...channelValues].map((value) => ({ value, label: catalogue?.breakdowns.channel?.values[value]?.[lang] ?? value }));
  const start = dayjs(range.from);

  const picker = (() => {
    if (view.period === 'custom') {
      return (
        <DatePicker.RangePicker
          id="reports-range"
          format="DD/MM/YYYY"
          allowClear={false}
          value={[dayjs(range.from), dayjs(range.to)]}
          onChange={(v) => v?.[0] && v[1] && go({ from: v[0].format('YYYY-MM-DD'), to: v[1].format('YYYY-MM-DD') })}
        />
      );
    }
    const fmt = { month: 'MM/YYYY', quarter: '[Q]Q/YYYY', year: 'YYYY' }[view.period];
    const toValue = (d: Dayjs): string => (view.period === 'month' ? d.format('YYYY-MM') : view.period === 'year' ? d.format('YYYY') : `${d.format('YYYY')}-Q${Math.floor(d.month() / 3) + 1}`);
    return <DatePicker id="reports-value" picker={view.period} format={fmt} allowClear={false} value={start} onChange={(d) => d && go({ value: toValue(d) })} />;
  })();

  return (
    <section className="filters reports-filters" aria-label={t('reports.filters')}>
      <Field id="reports-period" label={t('reports.period')}>
        <Select<PeriodKind>
          id="reports-period"
          value={view.period}
          options={PERIODS.map((p) => ({ value: p, label: t(`reports.period.${p}` as MessageKey) }))}
          onChange={(p) => go(p === 'custom' ? { period: p, value: undefined, from: range.from, to: range.to } : { period: p, value: undefined, from: undefined, to: undefined })}
          style={{ minWidth: 120 }}
        />
      </Field>
      <Field id={view.period === 'custom' ? 'reports-range' : 'reports-value'} label={view.period === 'custom' ? t('reports.period.range') : t('reports.period.pick')}>
        {picker}
      </Field>
      <Field id="reports-boundaries" label={t('reports.boundaries')}>
        <Select<Boundaries>
          id="reports-boundaries"
          value={view.boundaries}
          options={[
            { value: 'historical', label: t('reports.boundaries.historical') },
            { value: 'current', label: t('reports.boundaries.current') },
          ]}
          onChange={(b) => go({ boundaries: b })}
          popupMatchSelectWidth={false}
        />
      </Field>
      <Field id="reports-sector" label={t('reports.sector')}>
        <Select<string>
          id="reports-sector"
          value={view.sector ?? ''}
          options={[{ value: '', label: t('reports.sector.all') }, ...sectors, { value: 'other', label: t('reports.sector.other') }]}
          onChange={(s) => go({ sector: s || undefined })}
          popupMatchSelectWidth={false}
          style={{ minWidth: 160 }}
        />
      </Field>
      <Field id="reports-channel" label={t('reports.channel')}>
        <Select<string>
          id="reports-channel"
          value={view.channel ?? ''}
          options={[{ value: '', label: t('reports.channel.all') }, ...channels]}
          onChange={(c) => go({ channel: c || undefined })}
          popupMatchSelectWidth={false}
          style={{ minWidth: 160 }}
        />
      </Field>
      <Field id="reports-cumulative" label={t('reports.cumulative')}>
        <Switch id="reports-cumulative" checked={view.cumulative} onChange={(c) => go({ cumulative: c })} />
      </Field>
    </section>
  );
}

// --- where we are -------------------------------------------------------------------------------------

/** Province → district → commune from the officer's own unit down to the unit shown. */
function Trail({ data, view }: { data: DashboardDto; view: DashboardView }) {
  const { t, lang } = useI18n();
  const session = useSession();
  const own = session.staff?.unitCode ?? null;
  const code = data.unit?.code;
  const detail = useRemote(code ? `${code}@${data.unitsAt}:${lang}` : null, (signal) => getUnit(code!, data.unitsAt, { lang, signal }));
  const path = detail.data?.path ?? (data.unit ? [{ code: data.unit.code, name: data.unit.fullName, fullName: data.unit.fullName }] : []);
  const from = own ? Math.max(0, path.findIndex((p) => p.code === own)) : 0;
  const shown = path.slice(from);
  const items = [
    ...(own === null ? [{ key: 'root', title: code ? <Link href={dashboardHref({ ...view, unit: undefined })}>{t('reports.wholeSystem')}</Link> : t('reports.wholeSystem') }] : []),
    ...shown.map((p, i) => ({ key: p.code, title: i === shown.length - 1 ? <span aria-current="page">{p.fullName}</span> : <Link href={dashboardHref({ ...view, unit: p.code === own ? undefined : p.code })}>{p.fullName}</Link> })),
  ];
  return (
    <nav aria-label={t('reports.trail')} className="trail">
      <Breadcrumb items={items} />
    </nav>
  );
}

// --- cards --------------------------------------------------------------------------------------------

/** The headline cards of issue 8, in this order; the other cards follow. */
const HEADLINE = ['eid.applications', 'eid.activated', 'eid.activationRatio', 'services.deployed', 'dossiers.onlineShare.police', 'dossiers.onlineShare.other', 'dossiers.selfServiceShare', 'desk.equipmentCoverage', 'population.citizens'];

function Cards({ data }: { data: DashboardDto }) {
  const { t } = useI18n();
  const byKey = new Map(data.cards.map((c) => [c.key, c]));
  const headline = HEADLINE.map((k) => byKey.get(k)).filter((c): c is DashboardCardDto => c !== undefined);
  const others = data.cards.filter((c) => !HEADLINE.includes(c.key));
  return (
    <>
      <section aria-labelledby="reports-cards">
        <h2 id="reports-cards" className="section-heading">
          {t('reports.cards')}
        </h2>
        <ul className="reports-cards plain-list">
          {headline.map((c) => (
            <Card key={c.key} card={c} />
          ))}
        </ul>
      </section>
      {others.length > 0 && (
        <section aria-labelledby="reports-more">
          <h2 id="reports-more" className="section-heading">
            {t('reports.moreCards')}
          </h2>
          <ul className="reports-cards reports-cards-small plain-list">
            {others.map((c) => (
              <Card key={c.key} card={c} />
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

function changeText(card: DashboardCardDto, t: Translate, lang: Lang): { text: string; trend: 'up' | 'down' | 'same' | 'none' } {
  const p = card.previous;
  if (p.change === null || p.value === null) return { text: t('reports.change.none'), trend: 'none' };
  const previous = formatFigure(p.value, card.format, lang, p.denominator);
  const size = card.format === 'percent' ? t('reports.points', { value: signed(p.change * 100, lang, 1).replace(/^[+−]/, '') }) : Math.abs(p.change).toLocaleString(lang);
  if (p.change === 0) return { text: t('reports.change.same', { previous }), trend: 'same' };
  return { text: t(p.change > 0 ? 'reports.change.up' : 'reports.change.down', { change: size, previous }), trend: p.change > 0 ? 'up' : 'down' };
}

function Card({ card }: { card: DashboardCardDto }) {
  const { t, lang } = useI18n();
  const change = changeText(card, t, lang);
  const id = `card-${card.key.replace(/\./g, '-')}`;
  return (
    <li className="reports-card" data-key={card.key} aria-labelledby={id}>
      <div id={id} className="reports-card-name">
        {card.name[lang]}
      </div>
      <div className="reports-card-value">{card.value === null ? <span className="muted">{t('reports.noValue')}</span> : formatFigure(card.value, card.format, lang, card.denominator)}</div>
      {card.format === 'percent' && card.denominator !== null && card.denominator > 0 && (
        <div className="muted reports-card-ratio">{t('reports.ratioOf', { numerator: card.numerator.toLocaleString(lang), denominator: card.denominator.toLocaleString(lang) })}</div>
      )}
      <div className={`reports-card-change reports-trend-${change.trend}`}>
        <span aria-hidden="true">{change.trend === 'up' ? '▲ ' : change.trend === 'down' ? '▼ ' : ''}</span>
        {change.text}
      </div>
      {card.targets.map((target) => (
        <div key={target.id} className="reports-card-target">
          <div className="muted">
            {t('reports.target', {
              target: formatFigure(target.target, card.format, lang, card.denominator),
              from: fmtDate(target.from),
              to: fmtDate(target.to),
              progress: target.progress === null ? '–' : `${Math.round(target.progress * 100).toLocaleString(lang)} %`,
            })}
          </div>
          <Progress percent={Math.min(100, Math.round((target.progress ?? 0) * 100))} showInfo={false} size="small" aria-label={t('reports.targetProgress')} strokeColor={(target.progress ?? 0) >= target.elapsed ? '#1e8e3e' : '#b06000'} />
        </div>
      ))}
    </li>
  );
}

// --- series -------------------------------------------------------------------------------------------

function Series({ data }: { data: DashboardDto }) {
  const { t, lang } = useI18n();
  const { granularity, buckets, lines } = data.series;
  const title = `${t('reports.series')} (${t(`reports.series.${granularity}` as MessageKey)})`;
  const chartLines = useMemo(() => lines.map((l) => ({ name: l.name[lang], percent: l.format === 'percent', values: l.values })), [lines, lang]);
  const labels = useMemo(() => buckets.map((b) => b.label), [buckets]);
  return (
    <section aria-labelledby="reports-series" className="reports-panel">
      <h2 id="reports-series" className="section-heading">
        {title}
      </h2>
      <SeriesChart labels={labels} lines={chartLines} countAxis={t('reports.series.counts')} shareAxis={t('reports.series.shares')} label={title} lang={lang} />
    </section>
  );
}

// --- map ----------------------------------------------------------------------------------------------

function MapSection({ data, view }: { data: DashboardDto; view: DashboardView }) {
  const { t, lang } = useI18n();
  const maps = useRemote('maps', (signal) => getMaps({ lang, signal }));
  const provinces = data.ranking.rows.length > 0 && data.ranking.rows.every((r) => r.unit.level === 'province');
  const file = maps.data?.provinces ?? null;
  const geo = useRemote(file && provinces ? file : null, (signal) => getBoundaries(file!, { lang, signal }));
  const columns = data.ranking.columns;
  const search = useLocation().search;
  const metric = columns.find((c) => c.key === search.get('map'))?.key ?? 'eid.activated';
  const column = columns.find((c) => c.key === metric) ?? columns[0];

  if (maps.error || !maps.data) return null;
  if (!file) return <p className="muted reports-map-note">{t('reports.map.notConfigured')}</p>;
  if (!provinces) return data.unit === null ? <p className="muted reports-map-note">{t('reports.map.provincesOnly')}</p> : null;
  if (!column) return null;
  const values = new Map(data.ranking.rows.map((r) => [r.unit.code, r.values[column.key] ?? null]));
  const label = t('reports.map.caption', { indicator: column.name[lang] });
  return (
    <section aria-labelledby="reports-map" className="reports-panel">
      <h2 id="reports-map" className="section-heading">
        {t('reports.map')}
      </h2>
      <div className="field reports-map-metric">
        <label htmlFor="reports-map-metric">{t('reports.map.metric')}</label>
        <Select<string>
          id="reports-map-metric"
          value={column.key}
          options={columns.map((c) => ({ value: c.key, label: c.name[lang] }))}
          onChange={(k) => navigate(`${dashboardHref(view)}${dashboardHref(view).includes('?') ? '&' : '?'}map=${encodeURIComponent(k)}`)}
          popupMatchSelectWidth={false}
          style={{ minWidth: 220 }}
        />
      </div>
      {geo.error ? (
        <ProblemAlert error={geo.error} onRetry={geo.retry}>
          <p className="alert-text">{t('reports.map.failed')}</p>
        </ProblemAlert>
      ) : geo.data ? (
        <>
          <p className="muted">{label}</p>
          <ChoroplethMap geoKey={file} geo={geo.data} values={values} percent={column.format === 'percent'} label={label} noData={t('reports.map.noData')} lang={lang} onPick={(code) => values.has(code) && navigate(dashboardHref({ ...view, unit: code }))} />
          <p className="muted reports-credit">{t('reports.map.credit')}</p>
        </>
      ) : (
        <p role="status">{t('reports.loading')}</p>
      )}
    </section>
  );
}

// --- ranking ------------------------------------------------------------------------------------------

function Ranking({ data, view }: { data: DashboardDto; view: DashboardView }) {
  const { t, lang } = useI18n();
  const unitName = data.unit?.fullName ?? t('reports.wholeSystem');
  const month = view.period === 'month' && view.value ? view.value : data.to.slice(0, 7);
  const exportUnit = data.unit?.code;
  const hrefOfUnit = (code: string) => dashboardHref({ ...view, unit: code });
  const columns: TableColumnsType<RankingRowDto> = [
    {
      key: 'unit',
      title: t('reports.ranking.unit'),
      fixed: 'left',
      width: 180,
      render: (_, r) => (
        <Link href={hrefOfUnit(r.unit.code)} className="unit-name">
          {r.unit.fullName}
        </Link>
      ),
    },
    ...data.ranking.columns.map((c) => ({
      key: c.key,
      title: c.name[lang],
      align: 'right' as const,
      width: 150,
      sorter: (a: RankingRowDto, b: RankingRowDto) => (a.values[c.key] ?? -Infinity) - (b.values[c.key] ?? -Infinity),
      sortDirections: ['descend' as const, 'ascend' as const],
      render: (_: unknown, r: RankingRowDto) => {
        const rank = r.ranks[c.key];
        return (
          <>
            <span className="number">{formatFigure(r.values[c.key] ?? null, c.format, lang, c.format === 'of-total' ? 25 : null)}</span>
            {rank !== null && rank !== undefined && <div className="muted reports-rank">{t('reports.ranking.rank', { rank })}</div>}
          </>
        );
      },
    })),
  ];
  return (
    <section aria-labelledby="reports-ranking" className="reports-panel">
      <div className="reports-ranking-head">
        <h2 id="reports-ranking" className="section-heading">
          {t('reports.ranking')}
        </h2>
        {exportUnit && (
          <div className="reports-exports" role="group" aria-label={t('reports.export', { month: formatPartialDate(month) })}>
            <span className="muted">{t('reports.export', { month: formatPartialDate(month) })}</span>
            <DownloadButton path={monthlyPath('xlsx', { unit: exportUnit, month, boundaries: data.boundaries })} fallbackName={`bao-cao-${exportUnit}-${month}.xlsx`} label={t('reports.export.xlsx')} />
            <DownloadButton path={monthlyPath('pdf', { unit: exportUnit, month, boundaries: data.boundaries })} fallbackName={`bao-cao-${exportUnit}-${month}.pdf`} label={t('reports.export.pdf')} />
          </div>
        )}
      </div>
      <Table<RankingRowDto>
        className="unit-table reports-ranking"
        caption={t('reports.ranking.caption', { unit: unitName, count: data.ranking.rows.length })}
        rowKey={(r) => r.unit.code}
        size="middle"
        columns={columns}
        dataSource={data.ranking.rows}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <p className="empty">{t(data.unit?.level === 'commune' ? 'reports.ranking.lowest' : 'reports.ranking.empty')}</p> }}
        onRow={(r) => ({ onClick: (e) => !(e.target as HTMLElement).closest('a, button, .ant-table-column-sorters') && navigate(hrefOfUnit(r.unit.code)) })}
      />
      {data.ranking.unassigned && (
        <p className="muted">
          {t('reports.ranking.unassigned', { unit: unitName })}:{' '}
          {data.ranking.columns
            .filter((c) => data.ranking.unassigned?.[c.key] !== undefined)
            .map((c) => `${c.name[lang]} ${formatFigure(data.ranking.unassigned![c.key] ?? null, c.format, lang)}`)
            .join(' · ')}
        </p>
      )}
    </section>
  );
}

function Notes({ data }: { data: DashboardDto }) {
  const { t, lang } = useI18n();
  const n = data.notes;
  if (n.unplacedRecords + n.approximateRecords + n.liftedRecords === 0) return null;
  return <p className="muted reports-notes">{t('reports.notes', { unplaced: n.unplacedRecords.toLocaleString(lang), approximate: n.approximateRecords.toLocaleString(lang), lifted: n.liftedRecords.toLocaleString(lang) })}</p>;
}
