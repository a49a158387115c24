/**
 * The monthly Project 06 report (báo cáo kết quả thực hiện Đề án 06 hằng tháng) of a unit, as
 * XLSX (exceljs) and PDF (src/platform/documents, the administrative layout of Decree
 * 30/2020/NĐ-CP: national heading, issuing body, number, place and date, signature block):
 * I. the indicators of the month against the previous month, the year to date, the cumulative
 * figure and the target; II. a ranking of the units below, in Vietnamese collation with ranks,
 * and a bar chart of the ranked indicator per unit ({@link rankingChart}: vector in the PDF, a
 * PNG under the indicator table in the workbook); and, in the workbook, the definition of every
 * indicator.
 *
 * Generated at month end by the job `reports.monthly` (queued for 00:30 on the 1st, Vietnam time,
 * once per month among app copies; each run queues the next month's first) for every province
 * with counted records in the month; the files go under `MOTCUA_FILES_DIR/reports/` and are
 * listed by GET /reports/archive.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Font } from 'exceljs';
import { Temporal } from 'temporal-polyfill';
import { nowUtc, todayInVietnam, VIETNAM_TIME_ZONE } from '../platform/dates.js';
import { renderDocument, type DocumentBlock } from '../platform/documents/index.js';
import { AppError } from '../platform/errors.js';
import { excel } from '../platform/spreadsheets.js';
import { enqueueJob, type JobHandler } from '../platform/jobs/index.js';
import type { Kysely } from 'kysely';
import { barChartSvg, chartPng, type RenderedChart } from './chart.js';
import { findIndicator, INDICATORS, type IndicatorDefinition, type IndicatorFormat, type Text } from './catalogue.js';
import { childFigures, compare, figureFor, filterConditions, openScope, ranksOf, ReportEngine, targetProgress, targetSpan, type Comparison, type Figure, reportsEnv, type ReportsEnv, type ReportScope, type ReportUnit, type TargetProgress } from './compute.js';
import { DASHBOARD_CARDS, DASHBOARD_RANKING } from './dashboard.js';
import { daysBetween, monthRange, nextMonth, previousPeriod } from './periods.js';
import type { Boundaries } from './placement.js';
import { saveArchiveEntry, sumCounters, targetsFor } from './store.js';

export interface MonthlyLine {
  no: number;
  key: string;
  name: Text;
  indicator: IndicatorDefinition;
  format: IndicatorFormat;
  month: Figure;
  previous: Comparison;
  /** From 1 January to the month's end; null for a stock (citizens, services deployed). */
  yearToDate: Figure | null;
  /** From the first record to the month's end; null for a stock. */
  cumulative: Figure | null;
  /** The target whose period holds the month (the shortest such), with progress to the month's end. */
  target: TargetProgress | null;
}

export interface MonthlyReport {
  unit: ReportUnit;
  /** The province above the unit (the unit itself for a province), as on `unitsAt`. */
  province: ReportUnit;
  boundaries: Boundaries;
  unitsAt: string;
  month: string;
  from: string;
  to: string;
  previousMonth: { from: string; to: string };
  lines: MonthlyLine[];
  ranking: {
    rankBy: string;
    columns: { key: string; name: Text; format: IndicatorFormat }[];
    rows: { unit: ReportUnit; values: Record<string, number | null>; rank: number | null }[];
  };
}

/** Columns of the ranking a monthly report ranks by (`rankBy=`). */
export const RANKING_KEYS = DASHBOARD_RANKING;

/** The figures of a monthly report for the scope's unit (which must be set). */
export async function monthlyReport(scope: ReportScope, month: string, rankBy = 'eid.activated'): Promise<MonthlyReport> {
  const root = scope.root;
  if (!root) throw new AppError('REPORTS_UNIT_REQUIRED');
  if (!RANKING_KEYS.includes(rankBy)) throw new AppError('REPORTS_INDICATOR_UNKNOWN', { indicator: rankBy });
  const { from, to } = monthRange(month);
  const prev = previousPeriod(from, to);
  const yearStart = `${month.slice(0, 4)}-01-01`;
  const targets = await targetsFor(scope.env.read.kysely, { unitCode: root.code, from, to });
  const engine = new ReportEngine(scope, { slices: [{ from, to }, prev, { from: yearStart, to }, ...targets.map((t) => targetSpan(t, to))], cumulative: true });
  for (const c of DASHBOARD_CARDS) {
    const def = findIndicator(c.indicator)!;
    engine.plan(def, filterConditions(def, c.filters ?? {}));
  }
  const lines: MonthlyLine[] = [];
  const cards = new Map(DASHBOARD_CARDS.map((c) => [c.key, c]));
  for (const [i, c] of DASHBOARD_CARDS.entries()) {
    const def = findIndicator(c.indicator)!;
    const conditions = filterConditions(def, c.filters ?? {});
    const now = await figureFor(engine, def, { from, to }, conditions, false);
    const before = await figureFor(engine, def, prev, conditions, false);
    const covering = targets.filter((t) => t.indicator === def.id && t.period_from <= from && to <= t.period_to && !c.filters).sort((a, b) => daysBetween(a.period_from, a.period_to) - daysBetween(b.period_from, b.period_to));
    const progress = covering.length > 0 ? await targetProgress(engine, def, { to, cumulative: false }, conditions, covering.slice(0, 1)) : [];
    lines.push({
      no: i + 1,
      key: c.key,
      name: c.name,
      indicator: def,
      format: def.format,
      month: now,
      previous: compare(now, before, prev),
      yearToDate: def.stock ? null : await figureFor(engine, def, { from: yearStart, to }, conditions, false),
      cumulative: def.stock ? null : await figureFor(engine, def, { from, to }, conditions, true),
      target: progress[0] ?? null,
    });
  }
  const children = await engine.childUnits(new Map());
  const rows = children.map((unit) => ({ unit, values: {} as Record<string, number | null>, rank: null as number | null }));
  for (const key of RANKING_KEYS) {
    const c = cards.get(key)!;
    const def = findIndicator(c.indicator)!;
    const figures = await childFigures(engine, def, { from, to }, filterConditions(def, c.filters ?? {}), false, children);
    rows.forEach((r) => (r.values[key] = figures.get(r.unit.code)?.value ?? null));
  }
  const ranks = ranksOf(rows.map((r) => r.values[rankBy] ?? null));
  rows.forEach((r, i) => (r.rank = ranks[i]!));
  const provinceCode = root.path[0]!;
  const province = provinceCode === root.code ? root : await scope.timeline.version(provinceCode, scope.ref);
  return {
    unit: { code: root.code, level: root.level, name: root.name, fullName: root.fullName },
    province: province ? { code: province.code, level: province.level, name: province.name, fullName: province.fullName } : { code: root.code, level: root.level, name: root.name, fullName: root.fullName },
    boundaries: scope.boundaries,
    unitsAt: scope.ref,
    month,
    from,
    to,
    previousMonth: prev,
    lines,
    ranking: { rankBy, columns: RANKING_KEYS.map((key) => ({ key, name: cards.get(key)!.name, format: findIndicator(cards.get(key)!.indicator)!.format })), rows },
  };
}

// --- formatting ---------------------------------------------------------------------------------------

const viNumber = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 0 });
const viPercent = new Intl.NumberFormat('vi-VN', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** A value as Vietnamese reports write it: 617.000; 71,0%; 23/25; "—" for none. */
export function formatValue(format: IndicatorFormat, value: number | null, denominator?: number | null): string {
  if (value === null) return '—';
  if (format === 'percent') return `${viPercent.format(value * 100)}%`;
  if (format === 'of-total') return `${viNumber.format(value)}/${denominator ?? 25}`;
  return viNumber.format(value);
}

/** A change: "+12", "−3", "+2,5 điểm %" for shares. */
export function formatChange(format: IndicatorFormat, change: number | null): string {
  if (change === null) return '—';
  const sign = change > 0 ? '+' : change < 0 ? '−' : '';
  const abs = Math.abs(change);
  return format === 'percent' ? `${sign}${viPercent.format(abs * 100)} điểm %` : `${sign}${viNumber.format(abs)}`;
}

const monthLabel = (month: string) => `${month.slice(5, 7)}/${month.slice(0, 4)}`;

function boundariesNote(r: MonthlyReport): string {
  return r.boundaries === 'historical'
    ? `Số liệu tổng hợp theo địa giới hành chính tại thời điểm phát sinh (đơn vị hành chính ngày ${viDate(r.unitsAt)}).`
    : `Số liệu được quy đổi về địa giới hành chính hiện hành (đơn vị hành chính ngày ${viDate(r.unitsAt)}) theo danh mục kế thừa đơn vị hành chính.`;
}

const viDate = (d: string) => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;

const LINE_HEADERS = (r: MonthlyReport) => ['STT', 'Chỉ tiêu', 'Đơn vị tính', `Tháng ${monthLabel(r.month)}`, `Tháng ${monthLabel(r.previousMonth.from.slice(0, 7))}`, 'Tăng, giảm', 'Lũy kế từ đầu năm', 'Lũy kế', 'Chỉ tiêu giao', 'Tỷ lệ hoàn thành'];

/** Issuer lines: the People's Committee of the unit and the Project 06 working group. */
function issuerOf(r: MonthlyReport): { parent: string; name: string } {
  return { parent: `Ủy ban nhân dân ${r.unit.fullName}`.toLocaleUpperCase('vi'), name: 'TỔ CÔNG TÁC TRIỂN KHAI ĐỀ ÁN 06' };
}

/**
 * The chart of the report: a horizontal bar per unit below the report's unit (the ranking's rows,
 * in their Vietnamese collation), for the indicator the ranking ranks by, values written as the
 * tables write them; titled "{indicator} tháng MM/YYYY – các đơn vị trực thuộc {unit}". Null when
 * there is no unit below or no unit has a value.
 */
export function rankingChart(r: MonthlyReport): RenderedChart | null {
  const column = r.ranking.columns.find((c) => c.key === r.ranking.rankBy)!;
  return barChartSvg({
    title: `${column.name.vi} tháng ${monthLabel(r.month)} – các đơn vị trực thuộc ${r.unit.fullName}`,
    labels: r.ranking.rows.map((u) => u.unit.fullName),
    values: r.ranking.rows.map((u) => u.values[column.key] ?? null),
    format: (v) => formatValue(column.format, v),
    ...(column.format === 'percent' ? { max: 1 } : column.format === 'of-total' ? { max: 25 } : {}),
  });
}

// --- XLSX ---------------------------------------------------------------------------------------------

const NUMBER_FORMAT: Record<IndicatorFormat, string> = { count: '#,##0', percent: '0.0%', 'of-total': '0"/25"' };

function cellValue(f: Figure | null): number | string {
  if (!f || f.value === null) return '—';
  return f.value;
}

/**
 * The monthly report as an XLSX workbook: sheet "Báo cáo" (heading, the indicator table and,
 * below it, the ranking chart as a PNG image when there are units below with values), "Xếp hạng"
 * (the units below, Vietnamese collation, with ranks) and "Định nghĩa" (definitions).
 * Numbers are numbers (formats `#,##0`, `0.0%`, `0"/25"`); unit codes are text.
 */
export async function monthlyXlsx(r: MonthlyReport, date: string): Promise<Buffer> {
  const wb = new (excel().Workbook)();
  wb.creator = 'motcua';
  wb.created = new Date(`${date}T00:00:00+07:00`);
  const issuer = issuerOf(r);
  const sheet = wb.addWorksheet('Báo cáo', { pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  sheet.columns = [6, 48, 12, 14, 14, 16, 16, 16, 14, 14].map((width) => ({ width }));
  const put = (row: number, from: string, to: string, text: string, font: Partial<Font> = {}) => {
    sheet.mergeCells(`${from}${row}:${to}${row}`);
    const c = sheet.getCell(`${from}${row}`);
    c.value = text;
    c.font = { name: 'Times New Roman', size: 12, ...font };
    c.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  };
  put(1, 'A', 'C', issuer.parent);
  put(1, 'E', 'J', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', { bold: true });
  put(2, 'A', 'C', issuer.name, { bold: true });
  put(2, 'E', 'J', 'Độc lập - Tự do - Hạnh phúc', { bold: true });
  put(3, 'A', 'C', 'Số:      /BC-TCTĐA06');
  put(3, 'E', 'J', `${r.unit.name}, ngày ${date.slice(8, 10)} tháng ${Number(date.slice(5, 7)) <= 2 ? date.slice(5, 7) : String(Number(date.slice(5, 7)))} năm ${date.slice(0, 4)}`, { italic: true });
  put(5, 'A', 'J', 'BÁO CÁO', { bold: true, size: 14 });
  put(6, 'A', 'J', `Kết quả thực hiện Đề án 06 tháng ${monthLabel(r.month)} – ${r.unit.fullName}`, { bold: true });
  put(7, 'A', 'J', boundariesNote(r), { italic: true, size: 11 });
  sheet.getRow(7).height = 30;
  const header = sheet.getRow(9);
  header.values = LINE_HEADERS(r);
  header.font = { bold: true };
  header.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  header.height = 32;
  let row = 10;
  for (const l of r.lines) {
    const x = sheet.getRow(row++);
    x.values = [
      l.no,
      l.name.vi,
      l.indicator.definition.unitOfCount.vi,
      cellValue(l.month),
      cellValue(l.previous),
      l.previous.change ?? '—',
      cellValue(l.yearToDate),
      cellValue(l.cumulative),
      l.target ? l.target.target : '—',
      l.target?.progress ?? '—',
    ];
    for (const col of [4, 5, 7, 8, 9]) x.getCell(col).numFmt = NUMBER_FORMAT[l.format];
    x.getCell(6).numFmt = l.format === 'percent' ? '+0.0%;-0.0%;0.0%' : '+#,##0;-#,##0;0';
    x.getCell(10).numFmt = '0.0%';
    x.getCell(2).alignment = { wrapText: true, vertical: 'top' };
  }
  for (let i = 9; i < row; i++) for (let c = 1; c <= 10; c++) sheet.getRow(i).getCell(c).border = { top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' } };
  const chart = rankingChart(r);
  if (chart) {
    // exceljs writes no native charts: the chart goes in as a PNG (twice its size, shown at 1:1) under the table.
    // exceljs types `buffer` with its own Buffer interface (an ArrayBuffer); it takes a Node Buffer at run time.
    const image = wb.addImage({ buffer: chartPng(chart) as unknown as ArrayBuffer, extension: 'png' });
    // Anchors are 0-based: column B, one empty row under the table (`row` is the first free row, 1-based).
    sheet.addImage(image, { tl: { col: 1, row }, ext: { width: chart.width, height: chart.height }, editAs: 'oneCell' });
  }

  const rank = wb.addWorksheet('Xếp hạng', { views: [{ state: 'frozen', ySplit: 1 }] });
  rank.columns = [{ header: 'Mã đơn vị', width: 11, style: { numFmt: '@' } }, { header: 'Đơn vị', width: 32 }, ...r.ranking.columns.map((c) => ({ header: c.name.vi, width: 18 })), { header: `Xếp hạng (${r.ranking.columns.find((c) => c.key === r.ranking.rankBy)!.name.vi})`, width: 18 }];
  rank.getRow(1).font = { bold: true };
  rank.getRow(1).alignment = { wrapText: true, vertical: 'middle', horizontal: 'center' };
  for (const u of r.ranking.rows) {
    const x = rank.addRow([u.unit.code, u.unit.fullName, ...r.ranking.columns.map((c) => u.values[c.key] ?? '—'), u.rank ?? '—']);
    r.ranking.columns.forEach((c, i) => (x.getCell(3 + i).numFmt = NUMBER_FORMAT[c.format]));
  }

  const defs = wb.addWorksheet('Định nghĩa');
  defs.columns = [
    { header: 'Mã chỉ tiêu', width: 26 },
    { header: 'Tên chỉ tiêu', width: 40 },
    { header: 'Tử số', width: 50 },
    { header: 'Mẫu số', width: 40 },
    { header: 'Đơn vị tính', width: 12 },
    { header: 'Hồ sơ được tính', width: 40 },
    { header: 'Ngày xác định kỳ', width: 32 },
    { header: 'Căn cứ', width: 36 },
  ];
  defs.getRow(1).font = { bold: true };
  for (const d of INDICATORS) defs.addRow([d.id, d.name.vi, d.definition.numerator.vi, d.definition.denominator?.vi ?? '', d.definition.unitOfCount.vi, d.definition.records.vi, d.definition.periodDate.vi, d.definition.basis]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

// --- PDF ----------------------------------------------------------------------------------------------

/** PDF columns of the ranking (A4 portrait holds seven). */
const PDF_RANKING = ['eid.activated', 'services.deployed', 'dossiers.received', 'dossiers.onlineShare.police', 'dossiers.onlineShare.other', 'dossiers.selfServiceShare'];

/**
 * The monthly report as an administrative document (Decree 30/2020/NĐ-CP): issued by the unit's
 * Project 06 working group under its People's Committee, number left blank for registration,
 * dated `date`, signed by the group's head.
 */
export async function monthlyPdf(r: MonthlyReport, date: string): Promise<Buffer> {
  const blocks: DocumentBlock[] = [
    {
      kind: 'paragraph',
      text: `Thực hiện Quyết định số 06/QĐ-TTg ngày 06/01/2022 của Thủ tướng Chính phủ phê duyệt Đề án phát triển ứng dụng dữ liệu về dân cư, định danh và xác thực điện tử phục vụ chuyển đổi số quốc gia giai đoạn 2022–2025, tầm nhìn đến năm 2030 (Đề án 06), Tổ công tác báo cáo kết quả thực hiện tháng ${monthLabel(r.month)} trên địa bàn ${r.unit.fullName} như sau:`,
    },
    { kind: 'heading', text: 'I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU' },
    {
      kind: 'table',
      size: 9,
      columns: [
        { header: 'STT', width: 0.5, align: 'center' },
        { header: 'Chỉ tiêu', width: 3.2 },
        { header: `Tháng ${monthLabel(r.month)}`, width: 1.2, align: 'right' },
        { header: 'Tháng trước', width: 1.2, align: 'right' },
        { header: 'Tăng, giảm', width: 1.2, align: 'right' },
        { header: 'Lũy kế', width: 1.2, align: 'right' },
        { header: 'Chỉ tiêu giao (hoàn thành)', width: 1.4, align: 'right' },
      ],
      rows: r.lines.map((l) => [
        String(l.no),
        `${l.name.vi} (${l.indicator.definition.unitOfCount.vi})`,
        formatValue(l.format, l.month.value, l.month.denominator),
        formatValue(l.format, l.previous.value, l.previous.denominator),
        formatChange(l.format, l.previous.change),
        l.cumulative ? formatValue(l.format, l.cumulative.value) : '—',
        l.target ? `${formatValue(l.format, l.target.target)} (${l.target.progress === null ? '—' : `${viPercent.format(l.target.progress * 100)}%`})` : '—',
      ]),
    },
    { kind: 'paragraph', text: boundariesNote(r), style: 'italic', size: 11, align: 'left' },
  ];
  if (r.ranking.rows.length > 0) {
    const cols = PDF_RANKING.map((k) => r.ranking.columns.find((c) => c.key === k)!);
    blocks.push(
      { kind: 'heading', text: 'II. KẾT QUẢ CỦA CÁC ĐƠN VỊ TRỰC THUỘC' },
      {
        kind: 'table',
        size: 8,
        columns: [{ header: 'Đơn vị', width: 2.2 }, ...cols.map((c) => ({ header: c.name.vi, width: 1.1, align: 'right' as const })), { header: 'Xếp hạng', width: 0.8, align: 'center' }],
        rows: r.ranking.rows.map((u) => [u.unit.fullName, ...cols.map((c) => formatValue(c.format, u.values[c.key] ?? null)), u.rank === null ? '—' : String(u.rank)]),
      },
      { kind: 'paragraph', text: `Xếp hạng theo chỉ tiêu "${r.ranking.columns.find((c) => c.key === r.ranking.rankBy)!.name.vi}"; các đơn vị xếp theo thứ tự chữ cái tiếng Việt.`, style: 'italic', size: 11, align: 'left' },
    );
    const chart = rankingChart(r);
    if (chart) blocks.push({ kind: 'figure', svg: chart.svg, width: chart.width, height: chart.height });
  }
  const issuer = issuerOf(r);
  return renderDocument({
    issuer,
    number: '      /BC-TCTĐA06',
    place: r.unit.name,
    date,
    title: 'Báo cáo',
    subject: `Kết quả thực hiện Đề án 06 tháng ${monthLabel(r.month)}`,
    blocks,
    signature: { authority: 'TM. Tổ công tác', title: 'Tổ trưởng' },
    recipients: ['Tổ công tác triển khai Đề án 06 của Chính phủ (để báo cáo)', `Ủy ban nhân dân ${r.province.fullName} (để báo cáo)`, 'Lưu: VT'],
    meta: { subject: `Báo cáo Đề án 06 tháng ${monthLabel(r.month)} – ${r.unit.fullName}`, keywords: `de-an-06 ${r.unit.code} ${r.month}` },
  });
}

/** The file name of a monthly report: `bao-cao-de-an-06-{unit}-{YYYY-MM}[-hien-hanh].{ext}` (ASCII). */
export function monthlyFileName(unitCode: string, month: string, boundaries: Boundaries, format: 'xlsx' | 'pdf'): string {
  return `bao-cao-de-an-06-${unitCode}-${month}${boundaries === 'current' ? '-hien-hanh' : ''}.${format}`;
}

// --- month-end generation ---------------------------------------------------------------------------

export const MONTHLY_JOB = 'reports.monthly';

/** Queues the generation of `month`'s reports for 00:30 on the next month's first day, Vietnam time (once per month). */
export async function scheduleMonthlyReports(db: Kysely<any>, month: string): Promise<void> {
  const runAt = Temporal.PlainDate.from(`${nextMonth(month)}-01`).toZonedDateTime({ timeZone: VIETNAM_TIME_ZONE, plainTime: Temporal.PlainTime.from('00:30') }).toInstant().toString();
  await enqueueJob(db, { kind: MONTHLY_JOB, payload: { month }, runAt, dedupeKey: `${MONTHLY_JOB}:${month}` });
}

/** Provinces (as they were) holding counted records of the catalogue's roll-ups in `month`. */
async function provincesWithRecords(env: ReportsEnv, scope: ReportScope, month: string): Promise<string[]> {
  const { from, to } = monthRange(month);
  const out = new Set<string>();
  const indicators = new Set(INDICATORS.flatMap((d) => (d.measure.kind === 'sum' ? [d.measure.of.indicator] : d.measure.kind === 'ratio' ? [d.measure.numerator.indicator, d.measure.denominator.indicator] : [])));
  for (const indicator of indicators) {
    for (const r of await sumCounters(env.read.kysely, { indicator, from, to, byDims: false })) {
      const p = await scope.timeline.place(r.unitCode, r.day, 'historical', to);
      if (p?.path[0]) out.add(p.path[0]);
    }
  }
  return [...out].sort();
}

/**
 * Generates and archives the monthly reports (XLSX and PDF, historical boundaries) of every
 * province with records in `month`; replaces earlier files of the same month (idempotent).
 * Returns the archive ids.
 */
export async function generateMonthlyReports(env: ReportsEnv, filesDir: string, month: string, date: string = todayInVietnam()): Promise<number[]> {
  const { to } = monthRange(month);
  const system = await openScope(env, null, { boundaries: 'historical', to });
  const ids: number[] = [];
  for (const province of await provincesWithRecords(env, system, month)) {
    const scope = await openScope(env, null, { unit: province, boundaries: 'historical', to });
    const report = await monthlyReport(scope, month);
    for (const format of ['xlsx', 'pdf'] as const) {
      const content = format === 'xlsx' ? await monthlyXlsx(report, date) : await monthlyPdf(report, date);
      const rel = path.join('reports', month, monthlyFileName(province, month, 'historical', format));
      const abs = path.join(path.resolve(filesDir), rel);
      await fs.promises.mkdir(path.dirname(abs), { recursive: true });
      await fs.promises.writeFile(`${abs}.tmp`, content);
      await fs.promises.rename(`${abs}.tmp`, abs);
      const sha256 = createHash('sha256').update(content).digest('hex');
      ids.push(
        await env.db.transaction((trx) => saveArchiveEntry(trx, { month, unit_code: province, unit_date: to, boundaries: 'historical', format, file_path: rel, sha256, size: content.length, created_at: nowUtc() })),
      );
    }
  }
  return ids;
}

/** The month before the Vietnam date `today`, `YYYY-MM`. */
export function monthBefore(today: string): string {
  return Temporal.PlainYearMonth.from(today.slice(0, 7)).subtract({ months: 1 }).toString();
}

/** The job: queue next month's run first (a failure never breaks the chain), then generate `payload.month`. */
export const monthlyJob: JobHandler = {
  async run(payload, job) {
    const month = (payload as { month?: string } | null)?.month ?? monthBefore(todayInVietnam());
    await scheduleMonthlyReports(job.ctx.db.kysely, nextMonth(month));
    const ids = await generateMonthlyReports(reportsEnv(job.ctx), job.ctx.config.filesDir, month);
    job.ctx.logger.info({ month, files: ids.length }, 'monthly Project 06 reports generated');
  },
};
