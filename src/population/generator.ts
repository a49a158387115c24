/**
 * Deterministic synthetic population (dân cư giả lập) for seeding, demos and benchmarks:
 * `motcua seed population --province CODE --count N --seed S`, and the demo data (20,000 people
 * in Tỉnh Hải Dương as of February 2023).
 *
 * People come in households placed in real communes. Every record is a {@link CitizenInput} whose
 * personal identification number agrees with its sex and year of birth (pin.ts, Decree 137/2015
 * Art. 13, Circular 07/2016 Art. 7). Names, ages, households and the rest follow approximate real
 * shares, stated beside each table below; none of it describes a real person.
 *
 * Determinism: one xoroshiro128+ stream from `pure-rand` (no home-made PRNG), integer draws only
 * (`uniformInt`, and a 32-bit comparison for probabilities), no transcendental maths, no clock, no
 * locale. The same options give the same people on any machine and Node version.
 * Calendar facts (month lengths) come from the Temporal polyfill, once per run, into a day table;
 * all further date arithmetic is integer arithmetic on that table's day numbers.
 */
import { Temporal } from 'temporal-polyfill';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { skipN } from 'pure-rand/utils/skipN';
import { isIsoDate } from '../platform/dates.js';
import { foldForSearch } from '../platform/text.js';
import type { CitizenInput, HouseholdRelation, IdentityCard, Residence } from './model.js';
import { centurySexDigit, PIN_PROVINCES, type Sex } from './pin.js';

/** A commune to place households in, as read from the units registry (codes as strings: `10507`, `288`, `30`). */
export interface GeneratorCommune {
  /** Commune (xã/phường/thị trấn) code, e.g. '10507'. */
  code: string;
  /** Its district's code before 2025 ('288'); null for the two-level units after 2025-07-01. */
  districtCode: string | null;
  /** Its province's unit code, e.g. '30' (Hải Dương); padded to 3 digits it is the PIN province prefix. */
  provinceCode: string;
}

/** Options of {@link generatePopulation}. */
export interface GenerateOptions {
  /** Real units to place people in (the caller reads them from the units registry); non-empty when count > 0. */
  communes: GeneratorCommune[];
  /** Number of people to yield (an integer ≥ 0). */
  count: number;
  /** PRNG seed, an integer 0 … 4,294,967,295: same seed + same inputs ⇒ identical output, on any machine. */
  seed: number;
  /** `YYYY-MM-DD`: the date ages are reckoned on and unit codes refer to (e.g. '2023-02-28'). */
  referenceDate: string;
}

// ---------------------------------------------------------------------------------------------
// Name tables (NFC). Exported so that tests and callers can check names against them.

/**
 * Family names (họ) with their share of the population in percent: approximate published shares
 * (the commonly cited figures: Nguyễn ≈ 38 %, Trần ≈ 11 %, Lê ≈ 9.5 %, Phạm ≈ 7 %, Hoàng/Huỳnh ≈ 5 %,
 * Phan ≈ 4.5 %, Vũ/Võ ≈ 3.9 %, Đặng ≈ 2.1 %, Bùi ≈ 2 %, Đỗ ≈ 1.4 %, Hồ ≈ 1.3 %, Ngô ≈ 1.3 %,
 * Dương ≈ 1 %, Lý ≈ 0.5 %), not census counts. Hoàng/Huỳnh and Vũ/Võ are one name each, written the
 * northern and the southern way; the split between the spellings, and the tail of rarer names
 * (11.5 % in all), are this generator's own rough choice. Shares sum to 100.
 * Children take their father's family name (their mother's when only she is in the household).
 */
export const FAMILY_NAMES: readonly (readonly [name: string, percent: number])[] = [
  ['Nguyễn', 38], ['Trần', 11], ['Lê', 9.5], ['Phạm', 7], ['Hoàng', 3.5], ['Huỳnh', 1.5], ['Phan', 4.5],
  ['Vũ', 2.6], ['Võ', 1.3], ['Đặng', 2.1], ['Bùi', 2], ['Đỗ', 1.4], ['Hồ', 1.3], ['Ngô', 1.3], ['Dương', 1], ['Lý', 0.5],
  ['Đinh', 1], ['Trịnh', 1], ['Đoàn', 0.9], ['Trương', 0.9], ['Lương', 0.7], ['Mai', 0.7], ['Cao', 0.7], ['Hà', 0.7],
  ['Đào', 0.7], ['Lâm', 0.5], ['Tạ', 0.4], ['Chu', 0.4], ['Tô', 0.4], ['Phùng', 0.4], ['Lưu', 0.4], ['Vương', 0.3],
  ['Quách', 0.3], ['Kiều', 0.3], ['Khúc', 0.2], ['Nghiêm', 0.2], ['Triệu', 0.2], ['Lại', 0.2],
];

/**
 * Middle names (tên đệm) by sex, with relative weights for people born before 1985 and from 1985:
 * "Văn" and "Thị" dominate older generations and are rarer among younger ones. Female entries may
 * be two words ("Thị Thu"). The weights are this generator's rough choice, not measured shares.
 */
export const MIDDLE_NAMES: Readonly<Record<Sex, readonly (readonly [name: string, before1985: number, from1985: number])[]>> = {
  male: [
    ['Văn', 48, 20], ['Đức', 8, 12], ['Minh', 6, 14], ['Quang', 6, 9], ['Hữu', 8, 5], ['Xuân', 5, 4], ['Công', 5, 5],
    ['Đình', 6, 5], ['Trọng', 3, 4], ['Thanh', 3, 4], ['Ngọc', 2, 3], ['Tiến', 0, 4], ['Duy', 0, 5], ['Gia', 0, 6],
  ],
  female: [
    ['Thị', 70, 30], ['Thị Thu', 5, 2], ['Thị Ngọc', 3, 1], ['Ngọc', 3, 10], ['Thu', 4, 7], ['Thanh', 4, 6],
    ['Phương', 2, 7], ['Kim', 3, 3], ['Hồng', 3, 3], ['Minh', 1, 6], ['Khánh', 0, 5], ['Bảo', 0, 5], ['Thùy', 1, 6],
    ['Hải', 1, 4], ['Diệu', 0, 3],
  ],
};

/**
 * Given names (tên) by sex, drawn uniformly. The two lists share no name, so a record's sex can be
 * checked against its given name.
 */
export const GIVEN_NAMES: Readonly<Record<Sex, readonly string[]>> = {
  male: [
    'An', 'Bình', 'Cường', 'Chiến', 'Dũng', 'Duy', 'Đạt', 'Đông', 'Hải', 'Hậu', 'Hiếu', 'Hòa', 'Hoàng', 'Hùng', 'Hưng',
    'Huy', 'Khánh', 'Khoa', 'Kiên', 'Lâm', 'Lộc', 'Long', 'Mạnh', 'Nam', 'Nghĩa', 'Phong', 'Phúc', 'Quân', 'Quyết',
    'Sơn', 'Tài', 'Thái', 'Thắng', 'Thành', 'Thịnh', 'Toàn', 'Trung', 'Tú', 'Tuấn', 'Tùng', 'Việt', 'Vinh', 'Bảo', 'Tiến',
  ],
  female: [
    'Anh', 'Chi', 'Diệp', 'Dung', 'Duyên', 'Giang', 'Hà', 'Hằng', 'Hạnh', 'Hiền', 'Hoa', 'Hồng', 'Hương', 'Huyền',
    'Lan', 'Liên', 'Linh', 'Loan', 'Ly', 'Mai', 'My', 'Nga', 'Ngân', 'Nhung', 'Nhàn', 'Oanh', 'Phương', 'Quyên',
    'Quỳnh', 'Thảo', 'Thơm', 'Thủy', 'Trang', 'Trâm', 'Tuyết', 'Uyên', 'Vân', 'Vy', 'Yến', 'Nhi',
  ],
};

// Other tables (internal). Shares are approximate and stated with their basis.

/** Household size 1…7 (%): roughly the 2019 Population and Housing Census mix (average ≈ 3.5 people). */
const HOUSEHOLD_SIZES: readonly (readonly [number, number])[] = [[1, 11], [2, 18], [3, 21], [4, 27], [5, 12], [6, 7], [7, 4]];

/** Ethnic groups (dân tộc), a lowland-province mix: Kinh ≈ 95 %, then the larger minorities. One per household. */
const ETHNICITIES: readonly (readonly [string, number])[] = [
  ['Kinh', 95], ['Tày', 1], ['Thái', 0.8], ['Mường', 0.8], ['Hoa', 0.6], ['Nùng', 0.6], ['Khmer', 0.4], ['Mông', 0.4], ['Dao', 0.4],
];

/** Religion (tôn giáo); null = not recorded. About 86 % without religion (2019 census), then Catholic and Buddhist. One per household. */
const RELIGIONS: readonly (readonly [string | null, number])[] = [[null, 46], ['Không', 40], ['Công giáo', 6.5], ['Phật giáo', 6.5], ['Tin lành', 1]];

/**
 * Mobile prefixes (the two digits after the leading 0) of the 10-digit numbering in force since
 * the 2018 conversion from 11 digits, by carrier, with rough market shares: Viettel ≈ 55 %,
 * VinaPhone ≈ 25 %, MobiFone ≈ 17 %, Vietnamobile, Gmobile, Itelecom, Reddi ≈ 3 %.
 */
const MOBILE_PREFIXES: readonly (readonly [prefixes: readonly number[], percent: number])[] = [
  [[32, 33, 34, 35, 36, 37, 38, 39, 86, 96, 97, 98], 55],
  [[81, 82, 83, 84, 85, 88, 91, 94], 25],
  [[70, 76, 77, 78, 79, 89, 90, 93], 17],
  [[52, 56, 58, 92, 59, 99, 87, 55], 3],
];

/** Email domains: the reserved example domains of RFC 2606, so that no seeded address reaches anyone. */
const EMAIL_DOMAINS = ['example.com', 'example.net', 'example.org'] as const;

const VILLAGES = [
  'Đông', 'Đoài', 'Nam', 'Bắc', 'Thượng', 'Hạ', 'Trung', 'An Lạc', 'Phú Lộc', 'Đại Đồng', 'Tiền Phong', 'Hòa Bình',
  'Cao Xá', 'Lạc Thành', 'Văn Xá', 'Kim Đôi', 'Tân Hưng', 'Phượng Hoàng', 'Mỹ Xá', 'Vĩnh Lại',
] as const;

const STREETS = [
  'Trần Hưng Đạo', 'Lê Lợi', 'Nguyễn Trãi', 'Hai Bà Trưng', 'Quang Trung', 'Lý Thường Kiệt', 'Nguyễn Lương Bằng',
  'Thanh Niên', 'Chi Lăng', 'Bạch Đằng', 'Điện Biên Phủ', 'Ngô Quyền', 'Tuệ Tĩnh', 'Phạm Ngũ Lão', 'Trần Phú',
  'Nguyễn Du', 'Lê Thanh Nghị', 'Yết Kiêu', 'Nguyễn Văn Linh', 'Thống Nhất',
] as const;

// Ages in whole years, as bands [from, to, weight]. They shape the age pyramid together with the
// household mix. Result at 2023-02-28: about 24 % under 15 and 10 % aged 65 and over (the 2019
// census had 24 % and 8 %; the population has aged since), nobody over 95.
const YOUNGEST_CHILD_AGE: AgeBands = [[0, 5, 40], [6, 11, 25], [12, 17, 18], [18, 24, 12], [25, 32, 5]];
const YOUNGEST_GRANDCHILD_AGE: AgeBands = [[0, 5, 55], [6, 11, 28], [12, 17, 13], [18, 22, 4]];
const SINGLE_AGE: AgeBands = [[18, 29, 24], [30, 44, 15], [45, 59, 16], [60, 74, 25], [75, 95, 20]];
const CHILDLESS_COUPLE_HEAD_AGE: AgeBands = [[20, 29, 30], [30, 44, 10], [45, 59, 22], [60, 74, 27], [75, 92, 11]];
const ADULT_CHILD_AGE: AgeBands = [[20, 29, 40], [30, 44, 30], [45, 60, 30]];

type AgeBands = readonly (readonly [from: number, to: number, weight: number])[];

/** Probability of each household kind by size (1 person: always alone). */
const KINDS_BY_SIZE: Readonly<Record<'two' | 'more', readonly (readonly [HouseholdKind, number])[]>> = {
  two: [['couple', 55], ['nuclear', 25], ['extended', 20]],
  more: [['nuclear', 62], ['extended', 38]],
};
type HouseholdKind = 'alone' | 'couple' | 'nuclear' | 'extended';

// Card rules. Law on Citizen Identification 2014 (59/2014/QH13) Art. 21 and Law on Identity 2023
// Art. 21: a card is renewed at 25, 40 and 60; one issued within the two years before such an age
// stays valid until the next one; one issued from 58 on has no expiry. First card at 14.
const CARD_FIRST_AGE = 14;
const CARD_RENEWAL_AGES = [25, 40, 60] as const;
const CARD_GRACE_YEARS = 2;
/** Chip cards (CCCD gắn chip) were issued from early 2021; bar-code CCCD cards from 2016 to the end of 2020. */
const CHIP_CARDS_FROM = '2021-01-01';
const BARCODE_CARDS = ['2016-01-01', '2020-12-31'] as const;
/** The last day the 63 provinces existed (Resolution 202/2025/QH15 took effect 2025-07-01; shared/domain.md §6). */
const LAST_DAY_OF_63_PROVINCES = '2025-06-30';

const MAX_AGE = 95;
const ADULT_AGE = 18;
/** Born before this year, a date of birth may be recorded partially (year only, or year and month). */
const PARTIAL_DOB_BEFORE_YEAR = 1950;
/** More than 19 calendar years: the parent's birth year is at most the child's − 19, so the parent is ≥ 18 years older even on year-only dates. */
const MIN_PARENT_GAP_DAYS = 19 * 366;
const DAYS_PER_YEAR = 365.2425;
const yearsToDays = (years: number): number => Math.round(years * DAYS_PER_YEAR);

// ---------------------------------------------------------------------------------------------

/**
 * Yields `count` synthetic citizens (each a {@link CitizenInput}), household by household, head first. Each is a full
 * record: a 12-digit number valid for the person's sex and year of birth and unique in the run; name by sex and generation; date of birth `YYYY-MM-DD` (for some born before 1950 only
 * `YYYY` or `YYYY-MM`), ages 0–95 on `referenceDate`; household {number, headPin, relation} and
 * father/mother/spouse numbers inside the household (parents ≥ 18 years older than their children,
 * spouses pointing at each other); birth registration in a given commune of the person's province,
 * or for about 10 % in another province (its 2-digit unit code, the number's first three digits
 * without the leading 0); permanent and current residence in a given commune, a temporary
 * residence elsewhere for a few; nationality 'VN'; ethnicity and religion per household; a unique
 * mobile number for most people aged 16 and over and an email (reserved example domains) for some;
 * the identity card for most aged 14 and over (mostly chip cards); about 0.5 % deceased.
 * `homeTown` and `otherNames` are left null. Unit dates are `referenceDate`, except another
 * province's code after the 2025 merger: dated 2025-06-30, the last day the 63 provinces existed.
 *
 * Sources: number structure, Decree 137/2015/NĐ-CP Art. 13 and Circular 07/2016/TT-BCA Art. 7;
 * card ages, Law on Citizen Identification 2014 Art. 21 and Law on Identity 2023 Art. 21; household
 * sizes, age structure and religion, approximately the 2019 Population and Housing Census; names,
 * commonly cited shares (see {@link FAMILY_NAMES}); the rest is stated beside each table.
 *
 * Streams: memory does not grow with `count` except for the sets of numbers and phones already
 * used (two `Set<number>`, about 65 MB at 1,000,000 people). When `count` ends inside a household,
 * that last household is generated smaller, so every reference still points inside the output
 * (a run is therefore not a prefix of a longer run with the same seed: only its last household differs).
 * Throws RangeError on invalid options (bad date, seed or count, no communes, a province without a
 * PIN code), on the first `next()` as generator functions do.
 */
export function* generatePopulation(options: GenerateOptions): Generator<CitizenInput> {
  const run = new PopulationRun(options);
  let left = options.count;
  while (left > 0) {
    const household = run.household(left);
    left -= household.length;
    yield* household;
  }
}

// ---------------------------------------------------------------------------------------------
// Randomness: a thin layer over pure-rand.

class Random {
  private readonly rng: RandomGenerator;

  constructor(seed: number) {
    this.rng = xoroshiro128plus(seed | 0);
    // The first outputs of xoroshiro128+ from a small seed are poorly mixed: discard them.
    skipN(this.rng, 32);
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return uniformInt(this.rng, min, max);
  }

  /** True with probability p (0 ≤ p ≤ 1). */
  chance(p: number): boolean {
    return this.rng.next() >>> 0 < p * 4294967296;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }
}

/** Values with non-negative weights (any scale), drawn by integer cumulative weights. */
class Weighted<T> {
  private readonly values: T[] = [];
  private readonly cumulative: number[] = [];
  private readonly total: number;

  constructor(entries: Iterable<readonly [T, number]>) {
    let total = 0;
    for (const [value, weight] of entries) {
      const w = Math.round(weight * 1000);
      if (w <= 0) continue;
      total += w;
      this.values.push(value);
      this.cumulative.push(total);
    }
    if (total === 0) throw new RangeError('Weighted: no positive weight');
    this.total = total;
  }

  draw(random: Random): T {
    const r = random.int(0, this.total - 1);
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return this.values[lo]!;
  }
}


/** Ages in days: a band [from, to] years by weight, then a uniform day within it. */
class AgeTable {
  private readonly bands: Weighted<readonly [number, number]>;

  constructor(bands: AgeBands) {
    this.bands = new Weighted(bands.map(([from, to, weight]) => [[from, to] as const, weight] as const));
  }

  draw(random: Random): number {
    const [from, to] = this.bands.draw(random);
    return random.int(yearsToDays(from), yearsToDays(to + 1) - 1);
  }
}

// ---------------------------------------------------------------------------------------------
// Calendar: day numbers (0 = 1 January of the first year) ↔ ISO dates, built once per run with Temporal.

class DayTable {
  private readonly iso: string[] = [];
  private readonly year: number[] = [];
  private readonly month: number[] = [];
  private readonly day: number[] = [];
  /** Day number of the first of each month, indexed (year − firstYear) × 12 + month − 1. */
  private readonly monthStart: number[] = [];
  private readonly monthLength: number[] = [];

  constructor(
    private readonly firstYear: number,
    private readonly lastYear: number,
  ) {
    for (let y = firstYear; y <= lastYear; y++) {
      for (let m = 1; m <= 12; m++) {
        const length = Temporal.PlainYearMonth.from({ year: y, month: m }).daysInMonth;
        this.monthStart.push(this.iso.length);
        this.monthLength.push(length);
        const prefix = `${y}-${String(m).padStart(2, '0')}-`;
        for (let d = 1; d <= length; d++) {
          this.iso.push(prefix + String(d).padStart(2, '0'));
          this.year.push(y);
          this.month.push(m);
          this.day.push(d);
        }
      }
    }
  }

  /** Day number of a date; a day past the month's end is constrained to its last day (as Temporal does). */
  dayOf(year: number, month: number, day: number): number {
    const k = (year - this.firstYear) * 12 + month - 1;
    const start = this.monthStart[k];
    if (start === undefined) throw new RangeError(`${year}-${month} is outside the generator's calendar`);
    return start + Math.min(day, this.monthLength[k]!) - 1;
  }

  /** Day number of `YYYY-MM-DD`; −Infinity / +Infinity for a date before / after the table. */
  parse(iso: string): number {
    const year = Number(iso.slice(0, 4));
    if (year < this.firstYear) return -Infinity;
    if (year > this.lastYear) return Infinity;
    return this.dayOf(year, Number(iso.slice(5, 7)), Number(iso.slice(8, 10)));
  }

  /** The same day `years` years later (29 February → 28 February in common years). */
  addYears(n: number, years: number): number {
    return this.dayOf(this.year[n]! + years, this.month[n]!, this.day[n]!);
  }

  /** Whole years from `from` to `to` (an age). */
  yearsBetween(from: number, to: number): number {
    const years = this.year[to]! - this.year[from]!;
    return this.addYears(from, years) > to ? years - 1 : years;
  }

  isoOf(n: number): string {
    return this.iso[n]!;
  }

  yearOf(n: number): number {
    return this.year[n]!;
  }
}

// ---------------------------------------------------------------------------------------------
// Households.

/** A household member before numbers and names: dates are day numbers, links are member indexes (−1: none). */
interface Member {
  sex: Sex;
  dob: number;
  father: number;
  mother: number;
  spouse: number;
  /** Latest date of birth of this member's children in the household (−1: none). */
  lastChildDob: number;
}

interface Draft {
  members: Member[];
  head: number;
}

/** A person's names, NFC like the tables they come from. */
interface Names {
  family: string;
  middle: string;
  given: string;
}

/** Where a birth was registered, and the PIN province prefix it gives. */
interface BirthPlace {
  unitCode: string;
  unitDate: string;
  pinProvince: string;
}

/** True when a parent lives in the same household (the member was born into it). */
function bornInHousehold(m: Member): boolean {
  return m.father >= 0 || m.mother >= 0;
}

function otherSex(sex: Sex): Sex {
  return sex === 'male' ? 'female' : 'male';
}

/** The head's relation to each member, from the parent and spouse links. */
function relationToHead(members: readonly Member[], head: number, i: number): HouseholdRelation {
  if (i === head) return 'head';
  const h = members[head]!;
  const m = members[i]!;
  const isHeadCouple = (k: number) => k >= 0 && (k === head || k === h.spouse);
  const isHeadChild = (k: number) => k >= 0 && (isHeadCouple(members[k]!.father) || isHeadCouple(members[k]!.mother));
  if (h.spouse === i) return 'spouse';
  if (isHeadChild(i)) return 'child';
  if (h.father === i || h.mother === i) return 'parent';
  if (isHeadChild(m.father) || isHeadChild(m.mother)) return 'grandchild';
  return 'other';
}

class PopulationRun {
  private readonly random: Random;
  private readonly calendar: DayTable;
  private readonly referenceDate: string;
  private readonly today: number;
  private readonly communes: readonly GeneratorCommune[];
  /** Earliest date of birth of someone aged ≤ 95 on the reference date. */
  private readonly earliestDob: number;
  /** Latest date of birth of an adult (≥ 18) on the reference date. */
  private readonly latestAdultDob: number;
  private readonly chipFrom: number;
  private readonly barcodeFrom: number;
  private readonly barcodeUntil: number;
  /** Unit date for another province's code: the reference date, or the last day the 63 provinces existed. */
  private readonly otherProvinceUnitDate: string;
  private readonly pinProvinces = Object.keys(PIN_PROVINCES);
  private readonly usedPins = new Set<number>();
  private readonly usedPhones = new Set<number>();
  private households = 0;

  private readonly tables = {
    size: new Weighted(HOUSEHOLD_SIZES),
    kindOfTwo: new Weighted(KINDS_BY_SIZE.two),
    kindOfMore: new Weighted(KINDS_BY_SIZE.more),
    family: new Weighted(FAMILY_NAMES),
    middle: {
      male: [middleTable(MIDDLE_NAMES.male, 1), middleTable(MIDDLE_NAMES.male, 2)],
      female: [middleTable(MIDDLE_NAMES.female, 1), middleTable(MIDDLE_NAMES.female, 2)],
    },
    ethnicity: new Weighted(ETHNICITIES),
    religion: new Weighted(RELIGIONS),
    phonePrefix: new Weighted(MOBILE_PREFIXES.flatMap(([prefixes, share]) => prefixes.map((p) => [p, share / prefixes.length] as const))),
    youngestChild: new AgeTable(YOUNGEST_CHILD_AGE),
    youngestGrandchild: new AgeTable(YOUNGEST_GRANDCHILD_AGE),
    single: new AgeTable(SINGLE_AGE),
    childlessCouple: new AgeTable(CHILDLESS_COUPLE_HEAD_AGE),
    adultChild: new AgeTable(ADULT_CHILD_AGE),
  };

  constructor(options: GenerateOptions) {
    const { communes, count, seed, referenceDate } = options;
    if (!isIsoDate(referenceDate)) throw new RangeError(`referenceDate must be a date YYYY-MM-DD, got ${referenceDate}`);
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be an integer ≥ 0, got ${count}`);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`seed must be an integer 0…4294967295, got ${seed}`);
    if (count > 0 && communes.length === 0) throw new RangeError('communes must not be empty');
    for (const c of communes) {
      if (!PIN_PROVINCES[pinProvinceOf(c)]) throw new RangeError(`commune ${c.code}: province ${c.provinceCode} has no PIN province code`);
    }
    const year = Number(referenceDate.slice(0, 4));
    this.random = new Random(seed);
    // From the oldest possible birth to the last card expiry (the 60th birthday of someone born on the reference date).
    this.calendar = new DayTable(year - MAX_AGE - 2, year + CARD_RENEWAL_AGES[CARD_RENEWAL_AGES.length - 1]! + 1);
    this.referenceDate = referenceDate;
    this.today = this.calendar.parse(referenceDate);
    this.communes = communes;
    this.earliestDob = this.calendar.addYears(this.today, -(MAX_AGE + 1)) + 1;
    this.latestAdultDob = this.calendar.addYears(this.today, -ADULT_AGE);
    this.chipFrom = this.calendar.parse(CHIP_CARDS_FROM);
    this.barcodeFrom = this.calendar.parse(BARCODE_CARDS[0]);
    this.barcodeUntil = this.calendar.parse(BARCODE_CARDS[1]);
    this.otherProvinceUnitDate = referenceDate > LAST_DAY_OF_63_PROVINCES ? LAST_DAY_OF_63_PROVINCES : referenceDate;
  }

  /** One household of at most `maxSize` people, as finished records (head first). */
  household(maxSize: number): CitizenInput[] {
    const size = Math.min(this.tables.size.draw(this.random), maxSize);
    return this.records(this.draftHousehold(size));
  }

  // -- structure and ages ----------------------------------------------------------------------

  private draftHousehold(size: number): Draft {
    const kind: HouseholdKind = size === 1 ? 'alone' : (size === 2 ? this.tables.kindOfTwo : this.tables.kindOfMore).draw(this.random);
    // Draw again until everyone fits in ages 0–95 (the household is shifted younger when it can be); rarely needed.
    for (;;) {
      const draft = this.draftOfKind(kind, size);
      if (this.fitAges(draft.members)) return draft;
    }
  }

  private draftOfKind(kind: HouseholdKind, size: number): Draft {
    const { random, tables } = this;
    const members: Member[] = [];
    switch (kind) {
      case 'alone': {
        const age = tables.single.draw(random);
        const maleShare = age >= yearsToDays(60) ? 0.3 : 0.58;
        return { members, head: this.addMember(members, random.chance(maleShare) ? 'male' : 'female', this.today - age) };
      }
      case 'couple': {
        const head = this.addMember(members, random.chance(0.85) ? 'male' : 'female', this.today - tables.childlessCouple.draw(random));
        this.addSpouse(members, head);
        return { members, head };
      }
      case 'nuclear': {
        const bothParents = size >= 3 && random.chance(0.86);
        const children = this.addChildren(members, size - (bothParents ? 2 : 1), tables.youngestChild);
        const loneFather = random.chance(0.2);
        const [father, mother] = this.addParents(members, children, bothParents || loneFather, bothParents || !loneFather);
        return { members, head: father >= 0 && (mother < 0 || random.chance(0.82)) ? father : mother };
      }
      case 'extended': {
        // An adult child (the anchor), maybe with a spouse and children, living with one or both of their parents.
        const oldParents = size >= 4 && random.chance(0.55) ? 2 : 1;
        const rest = size - 1 - oldParents;
        const withSpouse = rest >= 1 && random.chance(0.85);
        const grandchildren = rest - (withSpouse ? 1 : 0);
        let anchor: number;
        if (grandchildren > 0) {
          const children = this.addChildren(members, grandchildren, tables.youngestGrandchild);
          const sonStays = random.chance(0.78);
          const [father, mother] = this.addParents(members, children, withSpouse || sonStays, withSpouse || !sonStays);
          anchor = sonStays ? father : mother;
        } else {
          anchor = this.addMember(members, random.chance(0.75) ? 'male' : 'female', this.today - tables.adultChild.draw(random));
          if (withSpouse) this.addSpouse(members, anchor);
        }
        const oldFather = oldParents === 2 || random.chance(0.3);
        const [grandfather, grandmother] = this.addParents(members, [anchor], oldFather, oldParents === 2 || !oldFather);
        return { members, head: random.chance(0.55) ? (grandfather >= 0 ? grandfather : grandmother) : anchor };
      }
    }
  }

  private addMember(members: Member[], sex: Sex, dob: number): number {
    members.push({ sex, dob, father: -1, mother: -1, spouse: -1, lastChildDob: -1 });
    return members.length - 1;
  }

  private marry(members: Member[], a: number, b: number): void {
    members[a]!.spouse = b;
    members[b]!.spouse = a;
  }

  /** A spouse of the other sex and similar age (the husband −2 to +7 years older), adult. */
  private addSpouse(members: Member[], partner: number): void {
    const p = members[partner]!;
    const husbandOlderBy = this.random.int(yearsToDays(-2), yearsToDays(7));
    const dob = Math.min(p.sex === 'male' ? p.dob + husbandOlderBy : p.dob - husbandOlderBy, this.latestAdultDob);
    this.marry(members, partner, this.addMember(members, otherSex(p.sex), dob));
  }

  /** `count` siblings: the youngest's age from `youngest`, each older one born 15 months to 6 years before the next. */
  private addChildren(members: Member[], count: number, youngest: AgeTable): number[] {
    const out: number[] = [];
    let dob = this.today - youngest.draw(this.random);
    for (let k = 0; k < count; k++) {
      if (k > 0) dob -= this.random.int(455, yearsToDays(6));
      out.push(this.addMember(members, this.random.chance(0.512) ? 'male' : 'female', dob));
    }
    return out;
  }

  /**
   * The father and/or mother of `children` (member indexes), married when both: the mother 19.5–34
   * years older than the eldest child, the father usually a little older than her and always more
   * than {@link MIN_PARENT_GAP_DAYS} older than the eldest. Returns [father, mother], −1 when absent.
   */
  private addParents(members: Member[], children: readonly number[], withFather: boolean, withMother: boolean): [number, number] {
    let eldest = Infinity;
    let youngest = -Infinity;
    for (const c of children) {
      eldest = Math.min(eldest, members[c]!.dob);
      youngest = Math.max(youngest, members[c]!.dob);
    }
    const motherDob = eldest - this.random.int(yearsToDays(19.5), yearsToDays(34));
    const fatherDob = Math.min(motherDob - this.random.int(yearsToDays(-2), yearsToDays(7)), eldest - MIN_PARENT_GAP_DAYS);
    const father = withFather ? this.addMember(members, 'male', fatherDob) : -1;
    const mother = withMother ? this.addMember(members, 'female', motherDob) : -1;
    for (const p of [father, mother]) if (p >= 0) members[p]!.lastChildDob = youngest;
    for (const c of children) {
      members[c]!.father = father;
      members[c]!.mother = mother;
    }
    if (father >= 0 && mother >= 0) this.marry(members, father, mother);
    return [father, mother];
  }

  /** Shifts the household younger when its eldest is over 95; false when its youngest would then be unborn. */
  private fitAges(members: Member[]): boolean {
    let oldest = Infinity;
    let youngest = -Infinity;
    for (const m of members) {
      oldest = Math.min(oldest, m.dob);
      youngest = Math.max(youngest, m.dob);
    }
    const shift = Math.max(0, this.earliestDob - oldest);
    if (youngest + shift > this.today) return false;
    if (shift > 0) {
      for (const m of members) {
        m.dob += shift;
        if (m.lastChildDob >= 0) m.lastChildDob += shift;
      }
    }
    return true;
  }

  // -- records -----------------------------------------------------------------------------------

  private records(draft: Draft): CitizenInput[] {
    const { members, head } = draft;
    const { random, calendar } = this;
    const commune = random.pick(this.communes);
    const number = `${commune.code}${String(++this.households).padStart(7, '0')}`;
    const addressLine = this.addressLine();
    const ethnicity = this.tables.ethnicity.draw(random);
    const religion = this.tables.religion.draw(random);
    const householdSince = random.int(Math.min(members[head]!.dob + yearsToDays(ADULT_AGE), this.today), this.today);

    // Numbers and names first, since records point at each other; eldest first, so that children inherit family names.
    const order = members.map((_, i) => i).sort((a, b) => members[a]!.dob - members[b]!.dob);
    const births: BirthPlace[] = [];
    const pins: string[] = [];
    const names: Names[] = [];
    const fullNames: string[] = [];
    for (const i of order) {
      const m = members[i]!;
      births[i] = this.birthPlace(commune, bornInHousehold(m));
      pins[i] = this.pin(births[i]!.pinProvince, m.sex, calendar.yearOf(m.dob));
      const inherited = m.father >= 0 ? names[m.father]!.family : m.mother >= 0 && m.dob > this.latestAdultDob ? names[m.mother]!.family : undefined;
      let name: Names;
      let full: string;
      do {
        name = { family: inherited ?? this.tables.family.draw(random), ...this.personalName(m) };
        full = `${name.family} ${name.middle} ${name.given}`;
      } while (fullNames.includes(full));
      names[i] = name;
      fullNames[i] = full;
    }

    const headPin = pins[head]!;
    const out: CitizenInput[] = [];
    for (const i of [head, ...order.filter((k) => k !== head)]) {
      const m = members[i]!;
      const age = calendar.yearsBetween(m.dob, this.today);
      const relation = relationToHead(members, head, i);
      // Born here: since birth; married or moved in: since the household began, as an adult at the earliest.
      const since = Math.max(householdSince, bornInHousehold(m) ? m.dob : calendar.addYears(m.dob, ADULT_AGE));
      const deceasedOn = relation === 'head' ? -1 : this.deathDate(m, age, since);
      const alive = deceasedOn < 0;
      const birth = births[i]!;
      const permanentResidence: Residence = { unitCode: commune.code, unitDate: this.referenceDate, addressLine, since: calendar.isoOf(since) };
      const temporaryResidence = alive ? this.temporaryResidence(m, age) : null;
      out.push({
        pin: pins[i]!,
        fullName: fullNames[i]!,
        otherNames: null,
        dateOfBirth: this.dateOfBirth(m.dob),
        sex: m.sex,
        nationality: 'VN',
        ethnicity,
        religion,
        birthRegistration: { unitCode: birth.unitCode, unitDate: birth.unitDate },
        homeTown: null,
        permanentResidence,
        temporaryResidence,
        currentResidence: { ...(temporaryResidence ?? permanentResidence) },
        household: { number, headPin, relation },
        fatherPin: m.father >= 0 ? pins[m.father]! : null,
        motherPin: m.mother >= 0 ? pins[m.mother]! : null,
        spousePin: m.spouse >= 0 ? pins[m.spouse]! : null,
        phone: alive ? this.phone(age) : null,
        email: alive ? this.email(m, age, names[i]!) : null,
        identityCard: this.identityCard(m, pins[i]!, alive ? this.today : deceasedOn),
        status: alive ? 'living' : 'deceased',
        deceasedOn: alive ? null : calendar.isoOf(deceasedOn),
      });
    }
    return out;
  }

  /**
   * Where a birth was registered: for 10 % another province (people who moved in), given by its
   * 2-digit unit code; otherwise the household's commune (95 % of people whose parent is in the
   * household, 70 % of the others) or another given commune.
   */
  private birthPlace(home: GeneratorCommune, bornHere: boolean): BirthPlace {
    const random = this.random;
    if (random.chance(0.1)) {
      const own = pinProvinceOf(home);
      let province: string;
      do province = random.pick(this.pinProvinces);
      while (province === own);
      return { unitCode: province.slice(1), unitDate: this.otherProvinceUnitDate, pinProvince: province };
    }
    const commune = random.chance(bornHere ? 0.95 : 0.7) ? home : random.pick(this.communes);
    return { unitCode: commune.code, unitDate: this.referenceDate, pinProvince: pinProvinceOf(commune) };
  }

  /** `PPP G YY RRRRRR`, the six random digits drawn again until the number is new in this run. */
  private pin(province: string, sex: Sex, year: number): string {
    const prefix = Number(`${province}${centurySexDigit(sex, year)}${String(year % 100).padStart(2, '0')}`) * 1e6;
    for (let attempt = 0; attempt < 10_000; attempt++) {
      const value = prefix + this.random.int(0, 999_999);
      if (!this.usedPins.has(value)) {
        this.usedPins.add(value);
        return String(value).padStart(12, '0');
      }
    }
    throw new RangeError(`no free number left for ${province}, ${sex}, ${year}`);
  }

  /** Middle and given name by sex and generation, never ending twice on the same word ("Thu Thu"). */
  private personalName(m: Member): { middle: string; given: string } {
    const middle = this.tables.middle[m.sex][this.calendar.yearOf(m.dob) < 1985 ? 0 : 1]!.draw(this.random);
    let given: string;
    do given = this.random.pick(GIVEN_NAMES[m.sex]);
    while (middle.endsWith(given));
    return { middle, given };
  }

  /** Full date, or for some born before 1950 only the year (about a third) or the year and month (15 %). */
  private dateOfBirth(dob: number): string {
    const iso = this.calendar.isoOf(dob);
    if (this.calendar.yearOf(dob) >= PARTIAL_DOB_BEFORE_YEAR) return iso;
    const r = this.random.int(0, 99);
    return r < 33 ? iso.slice(0, 4) : r < 48 ? iso.slice(0, 7) : iso;
  }

  /**
   * Death within the last three years for a few (14 % of those 80 and over, 4.5 % at 60–79, 0.2 %
   * younger: about 0.5 % of everyone), never a head; not before moving in or a child's birth. −1: living.
   */
  private deathDate(m: Member, age: number, since: number): number {
    if (!this.random.chance(age >= 80 ? 0.14 : age >= 60 ? 0.045 : 0.002)) return -1;
    return this.random.int(Math.max(since, m.lastChildDob, this.today - yearsToDays(3)), this.today);
  }

  /** A temporary residence (working or studying away) in a given commune for 5 % of adults under 46. */
  private temporaryResidence(m: Member, age: number): Residence | null {
    if (age < ADULT_AGE || age > 45 || !this.random.chance(0.05)) return null;
    const since = this.random.int(Math.max(this.calendar.addYears(m.dob, ADULT_AGE), this.today - yearsToDays(3)), this.today);
    return { unitCode: this.random.pick(this.communes).code, unitDate: this.referenceDate, addressLine: this.addressLine(), since: this.calendar.isoOf(since) };
  }

  /** A village, hamlet or residential group (40/15/25 %), or a street address (20 %). */
  private addressLine(): string {
    const random = this.random;
    const style = random.int(0, 99);
    if (style < 40) return `Thôn ${random.pick(VILLAGES)}`;
    if (style < 55) return `Xóm ${random.int(1, 18)}`;
    if (style < 80) return `Tổ dân phố ${random.int(1, 30)}`;
    const street = random.pick(STREETS);
    return random.chance(0.3) ? `Số ${random.int(1, 80)}, ngõ ${random.int(1, 200)}, đường ${street}` : `Số ${random.int(1, 250)}, đường ${street}`;
  }

  /** A mobile number `0` + 9 digits, unique in the run, for 92 % of people aged 16–69 and 55 % of those 70 and over. */
  private phone(age: number): string | null {
    if (age < 16 || !this.random.chance(age < 70 ? 0.92 : 0.55)) return null;
    const prefix = this.tables.phonePrefix.draw(this.random) * 1e7;
    for (;;) {
      const value = prefix + this.random.int(0, 9_999_999);
      if (!this.usedPhones.has(value)) {
        this.usedPhones.add(value);
        return `0${value}`;
      }
    }
  }

  /** `given.family` + birth year's last two digits + two random digits, at a reserved example domain: 25 % of people aged 16–60, 5 % of those older. */
  private email(m: Member, age: number, name: Names): string | null {
    if (age < 16 || !this.random.chance(age <= 60 ? 0.25 : 0.05)) return null;
    const yy = String(this.calendar.yearOf(m.dob) % 100).padStart(2, '0');
    return `${ascii(name.given)}.${ascii(name.family)}${yy}${this.random.int(10, 99)}@${this.random.pick(EMAIL_DOMAINS)}`;
  }

  /**
   * The card in force on `lastDay` (the reference date, or the day of death) for people aged 14 or
   * more: a chip card for 88 %, a bar-code CCCD (issued 2016–2020) for 5 %, none for the rest (or
   * when no such card could have been issued yet). It was issued no earlier than two years before
   * the last renewal age reached, so it is still valid; it expires on the next renewal birthday, or
   * never when issued from 58.
   */
  private identityCard(m: Member, pin: string, lastDay: number): IdentityCard | null {
    const calendar = this.calendar;
    const first = calendar.addYears(m.dob, CARD_FIRST_AGE);
    if (first > lastDay) return null;
    const r = this.random.int(0, 99);
    if (r >= 93) return null;
    let earliest = first;
    for (const age of CARD_RENEWAL_AGES) {
      if (calendar.addYears(m.dob, age) <= lastDay) earliest = calendar.addYears(m.dob, age - CARD_GRACE_YEARS);
    }
    const chipWindow = [Math.max(earliest, this.chipFrom), lastDay] as const;
    const barcodeWindow = [Math.max(earliest, this.barcodeFrom), Math.min(this.barcodeUntil, lastDay)] as const;
    const chipPossible = chipWindow[0] <= chipWindow[1];
    const barcode = barcodeWindow[0] <= barcodeWindow[1] && (r >= 88 || !chipPossible);
    if (!barcode && !chipPossible) return null;
    const [from, to] = barcode ? barcodeWindow : chipWindow;
    const issued = this.random.int(from, to);
    const renewalAge = CARD_RENEWAL_AGES.find((age) => issued < calendar.addYears(m.dob, age - CARD_GRACE_YEARS));
    return {
      number: pin,
      issuedOn: calendar.isoOf(issued),
      expiresOn: renewalAge === undefined ? null : calendar.isoOf(calendar.addYears(m.dob, renewalAge)),
      chip: !barcode,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers.

/** The 3-digit PIN province prefix of a commune ('30' → '030'). */
function pinProvinceOf(c: GeneratorCommune): string {
  return c.provinceCode.padStart(3, '0');
}

function middleTable(rows: readonly (readonly [string, number, number])[], column: 1 | 2): Weighted<string> {
  return new Weighted(rows.map((row) => [row[0], row[column]] as const));
}

const asciiCache = new Map<string, string>();

/** A name folded to lower-case ASCII for an email address ("Nguyễn" → "nguyen", "Thị Thu" → "thithu"). */
function ascii(name: string): string {
  let out = asciiCache.get(name);
  if (out === undefined) {
    out = foldForSearch(name).replace(/[^a-z]/g, '');
    asciiCache.set(name, out);
  }
  return out;
}
