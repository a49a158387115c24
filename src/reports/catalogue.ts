/**
 * The catalogue of Project 06 indicators (chỉ tiêu Đề án 06) the reports module computes: what each
 * counts, over which records, which date decides its period, and where the figure comes from —
 * a roll-up kept by the module that owns the records (src/platform/rollups.ts), or a function of
 * that module reading its current state (deployments, the registry, rosters, the inventory).
 *
 * Sources of the list: shared/domain.md §8.1 (what provincial Project 06 reports contain: e-ID
 * applications and level-2 activations, dossiers by channel with the online share, on-time rate,
 * apology letters, self-service and assisted counts, equipment per commune centre) and Directive
 * 24/CT-TTg (the 25 essential public services).
 *
 * Every figure is traceable: a roll-up indicator is recounted from its records by the owning
 * module (`motcua reports verify`), a state indicator is read from the records on each request.
 */
import { CHANNELS } from '../dossiers/index.js';
import { SECTORS } from '../services/index.js';

/** A text in Vietnamese and English. */
export interface Text {
  vi: string;
  en: string;
}

/** Keeps roll-up rows whose breakdown `dim` is one of `values` (or none of them, `negate`). */
export interface DimFilter {
  dim: string;
  values: string[];
  negate?: boolean;
}

/** A sum over one roll-up indicator's counter rows, optionally filtered by breakdown values. */
export interface RollupRef {
  /** The roll-up indicator as counted by its module (`eid.applications`, `dossiers.received`…). */
  indicator: string;
  where?: DimFilter[];
}

/** State functions of other modules the catalogue reads (src/reports/state.ts). */
export type StateReader = 'services.deployed' | 'population.citizens' | 'desk.duty' | 'desk.coverage' | 'desk.computers';

export type Measure =
  /** The sum of a roll-up over the units and days of a cell. */
  | { kind: 'sum'; of: RollupRef }
  /** Sum of `numerator` over sum of `denominator` in the same cell; null when the denominator is 0. */
  | { kind: 'ratio'; numerator: RollupRef; denominator: RollupRef }
  /**
   * Read from a module's records. `additive`: per-unit figures add up over child units (citizens,
   * shifts); otherwise the figure is evaluated for each unit itself (services deployed at or
   * above a unit). `history`: false when the module keeps only the current state, so every period
   * shows today's figure (the desk's inventory keeps its history: read as of a period's last day).
   */
  | { kind: 'state'; reader: StateReader; ratio: boolean; additive: boolean; history: boolean };

export type IndicatorFormat = 'count' | 'percent' | 'of-total';

/** Query filters an indicator accepts. */
export type FilterName = 'sector' | 'channel';

export interface IndicatorDefinition {
  /** Stable id used in the API, targets and reports. */
  id: string;
  group: 'eid' | 'services' | 'dossiers' | 'desk' | 'population';
  name: Text;
  definition: {
    numerator: Text;
    /** Null for a plain count. */
    denominator: Text | null;
    /** What one is (đơn vị tính). */
    unitOfCount: Text;
    /** Which records are counted. */
    records: Text;
    /** Which date of a record decides its period. */
    periodDate: Text;
    /** The legal or technical source of the indicator. */
    basis: string;
  };
  measure: Measure;
  format: IndicatorFormat;
  /** Breakdowns available (`breakdown=`): roll-up dims, or `sectorGroup` (police | other). */
  breakdowns: string[];
  filters: FilterName[];
  /** Values `channel=` accepts for this indicator. */
  channels?: string[];
  /** A stock (value at the end of a period: citizens, services deployed) rather than a flow. */
  stock: boolean;
}

/** e-ID application channels (src/identity/eid/model.ts `CHANNELS`, not exported by the identity module). */
const EID_CHANNELS = ['online', 'police_desk', 'campaign'];
const DOSSIER_CHANNELS: string[] = [...CHANNELS];
/** Dossiers received through the online system: every channel but the paper counter. */
const FILED_ONLINE: DimFilter = { dim: 'channel', values: ['online', 'on_behalf', 'mobile'] };

const DECREE_69 = 'Nghị định 69/2024/NĐ-CP; Quyết định 06/QĐ-TTg (Đề án 06)';
const DECREE_118 = 'Nghị định 118/2025/NĐ-CP; Thông tư 03/2025/TT-VPCP; Quyết định 06/QĐ-TTg';

const t = (vi: string, en: string): Text => ({ vi, en });

const APPLICATION = t('hồ sơ đề nghị', 'application');
const ACCOUNT = t('tài khoản', 'account');
const DOSSIER = t('hồ sơ', 'dossier');
const PERCENT = t('%', '%');

export const INDICATORS: readonly IndicatorDefinition[] = [
  {
    id: 'eid.applications',
    group: 'eid',
    name: t('Hồ sơ đề nghị cấp tài khoản định danh điện tử đã tiếp nhận', 'e-ID account applications received'),
    definition: {
      numerator: t('Số hồ sơ đề nghị cấp tài khoản định danh điện tử mức độ 1 và 2 được tiếp nhận', 'Applications for level-1 and level-2 e-ID accounts received'),
      denominator: null,
      unitOfCount: APPLICATION,
      records: t('Hồ sơ đề nghị cấp tài khoản (qua VNeID, tại Công an xã, tại đợt thu nhận lưu động), theo xã tiếp nhận', 'e-ID applications (VNeID, police desk, collection campaign), by receiving commune'),
      periodDate: t('Ngày tiếp nhận hồ sơ (giờ Việt Nam)', 'Date the application was received (Vietnam time)'),
      basis: DECREE_69,
    },
    measure: { kind: 'sum', of: { indicator: 'eid.applications' } },
    format: 'count',
    breakdowns: ['channel', 'level'],
    filters: ['channel'],
    channels: EID_CHANNELS,
    stock: false,
  },
  {
    id: 'eid.approved',
    group: 'eid',
    name: t('Hồ sơ đề nghị cấp tài khoản định danh điện tử được phê duyệt', 'e-ID account applications approved'),
    definition: {
      numerator: t('Số hồ sơ đề nghị được cơ quan Công an phê duyệt', 'Applications approved by the police'),
      denominator: null,
      unitOfCount: APPLICATION,
      records: t('Quyết định phê duyệt hồ sơ đề nghị cấp tài khoản', 'Approval decisions on e-ID applications'),
      periodDate: t('Ngày phê duyệt', 'Date of the approval'),
      basis: DECREE_69,
    },
    measure: { kind: 'sum', of: { indicator: 'eid.decisions', where: [{ dim: 'outcome', values: ['approved'] }] } },
    format: 'count',
    breakdowns: ['level'],
    filters: [],
    stock: false,
  },
  {
    id: 'eid.rejected',
    group: 'eid',
    name: t('Hồ sơ đề nghị cấp tài khoản định danh điện tử bị từ chối', 'e-ID account applications rejected'),
    definition: {
      numerator: t('Số hồ sơ đề nghị bị từ chối', 'Applications rejected'),
      denominator: null,
      unitOfCount: APPLICATION,
      records: t('Quyết định từ chối hồ sơ đề nghị cấp tài khoản', 'Rejection decisions on e-ID applications'),
      periodDate: t('Ngày từ chối', 'Date of the rejection'),
      basis: DECREE_69,
    },
    measure: { kind: 'sum', of: { indicator: 'eid.decisions', where: [{ dim: 'outcome', values: ['rejected'] }] } },
    format: 'count',
    breakdowns: ['level'],
    filters: [],
    stock: false,
  },
  {
    id: 'eid.activated',
    group: 'eid',
    name: t('Tài khoản định danh điện tử đã kích hoạt', 'e-ID accounts activated'),
    definition: {
      numerator: t('Số tài khoản định danh điện tử được kích hoạt lần đầu', 'e-ID accounts activated for the first time'),
      denominator: null,
      unitOfCount: ACCOUNT,
      records: t('Tài khoản định danh điện tử, theo xã tiếp nhận hồ sơ đề nghị', 'e-ID accounts, by the commune that received the application'),
      periodDate: t('Ngày kích hoạt', 'Date of activation'),
      basis: DECREE_69,
    },
    measure: { kind: 'sum', of: { indicator: 'eid.activations' } },
    format: 'count',
    breakdowns: ['level', 'channel'],
    filters: ['channel'],
    channels: EID_CHANNELS,
    stock: false,
  },
  {
    id: 'eid.activationRatio',
    group: 'eid',
    name: t('Tỷ lệ tài khoản được kích hoạt trên hồ sơ đề nghị', 'Accounts activated per application received'),
    definition: {
      numerator: t('Số tài khoản được kích hoạt trong kỳ', 'Accounts activated in the period'),
      denominator: t('Số hồ sơ đề nghị tiếp nhận trong kỳ', 'Applications received in the period'),
      unitOfCount: PERCENT,
      records: t('Tài khoản và hồ sơ đề nghị cấp tài khoản định danh điện tử', 'e-ID accounts and applications'),
      periodDate: t('Tử số: ngày kích hoạt; mẫu số: ngày tiếp nhận (lũy kế: từ đầu đến cuối kỳ)', 'Numerator: activation date; denominator: date received (cumulative: from the start to the end of the period)'),
      basis: DECREE_69,
    },
    measure: { kind: 'ratio', numerator: { indicator: 'eid.activations' }, denominator: { indicator: 'eid.applications' } },
    format: 'percent',
    breakdowns: ['level', 'channel'],
    filters: ['channel'],
    channels: EID_CHANNELS,
    stock: false,
  },
  {
    id: 'services.deployed',
    group: 'services',
    name: t('Dịch vụ công thiết yếu đã triển khai', 'Essential public services deployed'),
    definition: {
      numerator: t('Số dịch vụ công thiết yếu (danh mục 25 dịch vụ) đang triển khai tại đơn vị hoặc cấp trên của đơn vị', 'Essential services (the list of 25) deployed at the unit or a unit above it'),
      denominator: t('25 dịch vụ công thiết yếu', 'The 25 essential public services'),
      unitOfCount: t('dịch vụ', 'service'),
      records: t('Các giai đoạn triển khai dịch vụ theo đơn vị hành chính', 'Deployment periods of services per administrative unit'),
      periodDate: t('Trạng thái vào ngày cuối kỳ', 'State on the last day of the period'),
      basis: 'Chỉ thị 24/CT-TTg; Kế hoạch 02-KH/BCĐTW',
    },
    measure: { kind: 'state', reader: 'services.deployed', ratio: false, additive: false, history: true },
    format: 'of-total',
    breakdowns: [],
    filters: [],
    stock: true,
  },
  {
    id: 'dossiers.received',
    group: 'dossiers',
    name: t('Hồ sơ thủ tục hành chính tiếp nhận', 'Dossiers received'),
    definition: {
      numerator: t('Số hồ sơ thủ tục hành chính được nộp (mọi kênh)', 'Dossiers filed (every channel)'),
      denominator: null,
      unitOfCount: DOSSIER,
      records: t('Hồ sơ thủ tục hành chính, theo đơn vị tiếp nhận', 'Dossiers, by receiving unit'),
      periodDate: t('Ngày nộp hồ sơ', 'Date the dossier was filed'),
      basis: DECREE_118,
    },
    measure: { kind: 'sum', of: { indicator: 'dossiers.received' } },
    format: 'count',
    breakdowns: ['channel', 'sector', 'sectorGroup', 'service', 'filedBy'],
    filters: ['sector', 'channel'],
    channels: DOSSIER_CHANNELS,
    stock: false,
  },
  {
    id: 'dossiers.onlineShare',
    group: 'dossiers',
    name: t('Tỷ lệ hồ sơ tiếp nhận trực tuyến', 'Share of dossiers received online'),
    definition: {
      numerator: t('Số hồ sơ nộp qua hệ thống trực tuyến (công dân tự nộp, được hỗ trợ nộp thay, tổ lưu động)', 'Dossiers filed through the online system (by the citizen, on their behalf, by a mobile team)'),
      denominator: t('Tổng số hồ sơ tiếp nhận (kể cả nộp trực tiếp tại bộ phận một cửa)', 'All dossiers received (including paper dossiers at the one-stop counter)'),
      unitOfCount: PERCENT,
      records: t('Hồ sơ thủ tục hành chính, theo lĩnh vực (Công an / các ngành khác)', 'Dossiers, by sector (police / other sectors)'),
      periodDate: t('Ngày nộp hồ sơ', 'Date the dossier was filed'),
      basis: DECREE_118,
    },
    measure: { kind: 'ratio', numerator: { indicator: 'dossiers.received', where: [FILED_ONLINE] }, denominator: { indicator: 'dossiers.received' } },
    format: 'percent',
    breakdowns: ['sectorGroup', 'sector', 'service'],
    filters: ['sector'],
    stock: false,
  },
  {
    id: 'dossiers.completed',
    group: 'dossiers',
    name: t('Hồ sơ đã giải quyết xong', 'Dossiers completed'),
    definition: {
      numerator: t('Số hồ sơ đã trả kết quả hoặc kết thúc giải quyết', 'Dossiers whose result was returned or whose handling ended'),
      denominator: null,
      unitOfCount: DOSSIER,
      records: t('Hồ sơ thủ tục hành chính, theo đơn vị tiếp nhận', 'Dossiers, by receiving unit'),
      periodDate: t('Ngày hoàn thành', 'Date of completion'),
      basis: DECREE_118,
    },
    measure: { kind: 'sum', of: { indicator: 'dossiers.completed' } },
    format: 'count',
    breakdowns: ['onTime'],
    filters: [],
    stock: false,
  },
  {
    id: 'dossiers.onTimeShare',
    group: 'dossiers',
    name: t('Tỷ lệ hồ sơ giải quyết đúng hạn', 'Share of dossiers completed on time'),
    definition: {
      numerator: t('Số hồ sơ hoàn thành không muộn hơn ngày hẹn trả kết quả', 'Dossiers completed no later than their due date'),
      denominator: t('Số hồ sơ hoàn thành trong kỳ', 'Dossiers completed in the period'),
      unitOfCount: PERCENT,
      records: t('Hồ sơ thủ tục hành chính đã hoàn thành', 'Completed dossiers'),
      periodDate: t('Ngày hoàn thành', 'Date of completion'),
      basis: DECREE_118,
    },
    measure: { kind: 'ratio', numerator: { indicator: 'dossiers.completed', where: [{ dim: 'onTime', values: ['yes'] }] }, denominator: { indicator: 'dossiers.completed' } },
    format: 'percent',
    breakdowns: [],
    filters: [],
    stock: false,
  },
  {
    id: 'dossiers.overdue',
    group: 'dossiers',
    name: t('Hồ sơ quá hạn', 'Dossiers overdue'),
    definition: {
      numerator: t('Số hồ sơ trở thành quá hạn (quá ngày hẹn trả mà chưa hoàn thành)', 'Dossiers that became overdue (past their due date, not completed)'),
      denominator: null,
      unitOfCount: DOSSIER,
      records: t('Hồ sơ thủ tục hành chính được gắn cờ quá hạn', 'Dossiers flagged overdue'),
      periodDate: t('Ngày gắn cờ quá hạn (ngày làm việc đầu tiên sau ngày hẹn)', 'Date flagged overdue (the first working day after the due date)'),
      basis: DECREE_118,
    },
    measure: { kind: 'sum', of: { indicator: 'dossiers.overdue' } },
    format: 'count',
    breakdowns: [],
    filters: [],
    stock: false,
  },
  {
    id: 'dossiers.apologies',
    group: 'dossiers',
    name: t('Văn bản xin lỗi và hẹn lại ngày trả kết quả', 'Apology slips issued'),
    definition: {
      numerator: t('Số văn bản xin lỗi và đề nghị gia hạn (mẫu 04) đã phát hành', 'Apology and extension letters (form 04) issued'),
      denominator: null,
      unitOfCount: t('văn bản', 'letter'),
      records: t('Mẫu 04 của hồ sơ thủ tục hành chính', 'Form 04 of dossiers'),
      periodDate: t('Ngày phát hành', 'Date issued'),
      basis: 'Thông tư 03/2025/TT-VPCP, Phụ lục I, mẫu 04',
    },
    measure: { kind: 'sum', of: { indicator: 'dossiers.apologies' } },
    format: 'count',
    breakdowns: [],
    filters: [],
    stock: false,
  },
  {
    id: 'dossiers.selfServiceShare',
    group: 'dossiers',
    name: t('Tỷ lệ công dân tự nộp hồ sơ trực tuyến', 'Self-service share of online dossiers'),
    definition: {
      numerator: t('Số hồ sơ trực tuyến do công dân tự nộp bằng tài khoản định danh điện tử của mình', 'Online dossiers filed by the citizen alone with their own e-ID account'),
      denominator: t('Số hồ sơ nộp qua hệ thống trực tuyến (tự nộp, nộp thay, tổ lưu động)', 'Dossiers filed through the online system (alone, on their behalf, by a mobile team)'),
      unitOfCount: PERCENT,
      records: t('Hồ sơ thủ tục hành chính, theo người nộp', 'Dossiers, by who filed them'),
      periodDate: t('Ngày nộp hồ sơ', 'Date the dossier was filed'),
      basis: DECREE_118,
    },
    measure: {
      kind: 'ratio',
      numerator: { indicator: 'dossiers.received', where: [FILED_ONLINE, { dim: 'filedBy', values: ['self'] }] },
      denominator: { indicator: 'dossiers.received', where: [FILED_ONLINE] },
    },
    format: 'percent',
    breakdowns: ['sectorGroup', 'sector'],
    filters: ['sector'],
    stock: false,
  },
  {
    id: 'desk.help',
    group: 'desk',
    name: t('Lượt hỗ trợ công dân tại điểm hỗ trợ', 'Help given to citizens at desks'),
    definition: {
      numerator: t('Số lượt hỗ trợ được ghi sổ (không tính lượt đã hủy)', 'Help entries logged (voided entries excluded)'),
      denominator: null,
      unitOfCount: t('lượt', 'entry'),
      records: t('Sổ ghi nhận hỗ trợ của tổ hỗ trợ, theo đơn vị của điểm hỗ trợ', "The support teams' help log, by the desk's unit"),
      periodDate: t('Ngày hỗ trợ', 'Date of the help'),
      basis: 'Quyết định 06/QĐ-TTg; tổ công nghệ số cộng đồng',
    },
    measure: { kind: 'sum', of: { indicator: 'desk.help' } },
    format: 'count',
    breakdowns: ['kind', 'outcome'],
    filters: [],
    stock: false,
  },
  {
    id: 'desk.dutyCoverage',
    group: 'desk',
    name: t('Tỷ lệ ca trực có người trực', 'Duty coverage'),
    definition: {
      numerator: t('Số ca trực (buổi) có ít nhất một thành viên được phân công', 'Half-day shifts with at least one member assigned'),
      denominator: t('Số ca trực đã lập lịch', 'Shifts scheduled'),
      unitOfCount: PERCENT,
      records: t('Lịch trực của các quầy, theo đơn vị của điểm hỗ trợ', 'Desk rosters, by the site unit'),
      periodDate: t('Ngày của ca trực', 'Day of the shift'),
      basis: 'Chỉ thị 24/CT-TTg (bố trí người hỗ trợ tại bộ phận một cửa)',
    },
    measure: { kind: 'state', reader: 'desk.duty', ratio: true, additive: true, history: true },
    format: 'percent',
    breakdowns: [],
    filters: [],
    stock: false,
  },
  {
    id: 'desk.equipmentCoverage',
    group: 'desk',
    name: t('Tỷ lệ thôn, khu dân cư có điểm kết nối', 'Equipment coverage of villages'),
    definition: {
      numerator: t('Số nhà văn hóa thôn, khu dân cư có kết nối Internet và ít nhất một máy tính hoạt động', 'Village cultural houses with an internet connection and at least one working computer'),
      denominator: t('Số nhà văn hóa thôn, khu dân cư đang hoạt động', 'Village cultural houses in use'),
      unitOfCount: PERCENT,
      records: t('Danh mục điểm hỗ trợ và thiết bị, với lịch sử kết nối và trạng thái', 'The inventory of sites and devices, with the history of connections and statuses'),
      periodDate: t('Hiện trạng vào ngày cuối kỳ', 'The state on the last day of the period'),
      basis: 'Chỉ thị 24/CT-TTg (trang bị thiết bị tại điểm hỗ trợ)',
    },
    measure: { kind: 'state', reader: 'desk.coverage', ratio: true, additive: true, history: true },
    format: 'percent',
    breakdowns: [],
    filters: [],
    stock: true,
  },
  {
    id: 'desk.computers',
    group: 'desk',
    name: t('Máy tính đang hoạt động tại các điểm hỗ trợ', 'Working computers at sites'),
    definition: {
      numerator: t('Số máy tính ở trạng thái đang hoạt động tại các điểm hỗ trợ', 'Computers in working order at the sites'),
      denominator: null,
      unitOfCount: t('máy', 'device'),
      records: t('Danh mục thiết bị, với lịch sử trạng thái', 'The device inventory, with the history of statuses'),
      periodDate: t('Trạng thái vào ngày cuối kỳ', 'The status on the last day of the period'),
      basis: 'Chỉ thị 24/CT-TTg',
    },
    measure: { kind: 'state', reader: 'desk.computers', ratio: false, additive: true, history: true },
    format: 'count',
    breakdowns: [],
    filters: [],
    stock: true,
  },
  {
    id: 'population.citizens',
    group: 'population',
    name: t('Công dân trong cơ sở dữ liệu dân cư', 'Citizens in the population registry'),
    definition: {
      numerator: t('Số công dân còn sống có trong cơ sở dữ liệu (không tính số định danh đã hủy)', 'Living citizens on record (cancelled numbers excluded)'),
      denominator: null,
      unitOfCount: t('người', 'person'),
      records: t('Cơ sở dữ liệu dân cư, theo xã nơi cư trú', 'The population registry, by commune of residence'),
      periodDate: t('Ghi vào cơ sở dữ liệu không muộn hơn ngày cuối kỳ', 'Entered into the registry no later than the last day of the period'),
      basis: 'Luật Căn cước 2023; Nghị định 137/2015/NĐ-CP',
    },
    measure: { kind: 'state', reader: 'population.citizens', ratio: false, additive: true, history: true },
    format: 'count',
    breakdowns: [],
    filters: [],
    stock: true,
  },
];

const BY_ID = new Map(INDICATORS.map((i) => [i.id, i]));

/** The indicator `id`, or undefined. */
export function findIndicator(id: string): IndicatorDefinition | undefined {
  return BY_ID.get(id);
}

/** The roll-up indicators the catalogue reads (those `motcua reports rebuild` may recount). */
export function rollupIndicatorsRead(): string[] {
  const out = new Set<string>();
  for (const i of INDICATORS) {
    if (i.measure.kind === 'sum') out.add(i.measure.of.indicator);
    if (i.measure.kind === 'ratio') {
      out.add(i.measure.numerator.indicator);
      out.add(i.measure.denominator.indicator);
    }
  }
  return [...out].sort();
}

/** Labels of breakdown names and values (`breakdown=`), for answers and exports. */
export const BREAKDOWN_LABELS: Record<string, { name: Text; values: Record<string, Text> }> = {
  channel: {
    name: t('Kênh', 'Channel'),
    values: {
      online: t('Trực tuyến (công dân tự nộp)', 'Online (by the citizen)'),
      police_desk: t('Tại Công an xã', 'At commune police'),
      campaign: t('Đợt thu nhận lưu động', 'Collection campaign'),
      counter: t('Trực tiếp tại bộ phận một cửa', 'At the one-stop counter'),
      on_behalf: t('Hỗ trợ nộp trực tuyến thay', 'Filed online on the citizen’s behalf'),
      mobile: t('Tổ lưu động', 'Mobile team'),
    },
  },
  level: { name: t('Mức độ', 'Level'), values: { '1': t('Mức độ 1', 'Level 1'), '2': t('Mức độ 2', 'Level 2') } },
  outcome: {
    name: t('Kết quả', 'Outcome'),
    values: {
      approved: t('Phê duyệt', 'Approved'),
      rejected: t('Từ chối', 'Rejected'),
      completed: t('Hoàn thành', 'Completed'),
      pending: t('Chưa xong, hẹn lại', 'Not finished'),
      referred: t('Chuyển nơi khác', 'Referred'),
      failed: t('Không thực hiện được', 'Could not be done'),
    },
  },
  sectorGroup: { name: t('Nhóm lĩnh vực', 'Sector group'), values: { police: t('Lĩnh vực Công an', 'Police services'), other: t('Các ngành khác', 'Other sectors') } },
  sector: {
    name: t('Lĩnh vực', 'Sector'),
    values: {
      police: t('Công an', 'Police'),
      justice: t('Tư pháp', 'Justice'),
      social_insurance: t('Bảo hiểm xã hội', 'Social insurance'),
      land: t('Đất đai', 'Land'),
      education: t('Giáo dục', 'Education'),
      labour: t('Lao động, việc làm', 'Labour'),
      electricity: t('Điện lực', 'Electricity'),
      inter_agency: t('Liên thông', 'Inter-agency bundle'),
      health: t('Y tế', 'Health'),
    },
  },
  filedBy: { name: t('Người nộp', 'Filed by'), values: { self: t('Công dân tự nộp', 'The citizen'), on_behalf: t('Nộp thay', 'On their behalf') } },
  onTime: { name: t('Đúng hạn', 'On time'), values: { yes: t('Đúng hạn', 'On time'), no: t('Quá hạn', 'Late') } },
  kind: {
    name: t('Loại hỗ trợ', 'Kind of help'),
    values: {
      vneid_install: t('Cài đặt ứng dụng VNeID', 'Installed VNeID'),
      account_activation: t('Kích hoạt tài khoản định danh điện tử', 'Activated an e-ID account'),
      guided_self_filing: t('Hướng dẫn tự nộp trực tuyến', 'Guided to file online alone'),
      filed_on_behalf: t('Nộp trực tuyến thay', 'Filed on behalf'),
      information_lookup: t('Tra cứu thông tin', 'Looked up information'),
      other: t('Khác', 'Other'),
    },
  },
  service: { name: t('Thủ tục', 'Procedure'), values: {} },
};

/** The value of breakdown `name` of a counter row's dims (`sectorGroup` derived from `sector`). */
export function breakdownValue(name: string, dims: Record<string, string>): string {
  if (name === 'sectorGroup') return dims.sector === undefined ? 'unknown' : dims.sector === 'police' ? 'police' : 'other';
  return dims[name] ?? 'unknown';
}

/** Values `sector=` accepts: a sector code, or `other` for every sector but the police. */
export const SECTOR_FILTER_VALUES: readonly string[] = [...SECTORS, 'other'];
