import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { todayInVietnam } from '../platform/dates.js';
import { centurySexDigit, explainPin, PIN_PROVINCES } from './pin.js';

describe('personal identification number', () => {
  it('explains the worked example of Circular 07/2016: 087084000999', () => {
    expect(explainPin('087084000999')).toEqual({
      valid: true,
      breaches: [],
      facts: { pin: '087084000999', provinceCode: '087', provinceName: 'Đồng Tháp', century: 1900, sex: 'male', birthYearDigits: '84', birthYear: 1984 },
    });
  });

  it('knows exactly the 63 historical province codes of shared/data/cccd-province-codes.json', () => {
    const file = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../../shared/data/cccd-province-codes.json'), 'utf8')) as { code: string; province_vi: string }[];
    expect(Object.entries(PIN_PROVINCES)).toEqual(file.map((p) => [p.code, p.province_vi]));
  });

  it('names each broken rule with its own code', () => {
    expect(explainPin('08708400099').breaches.map((b) => b.code)).toEqual(['PIN_FORMAT']);
    expect(explainPin('08708400099x').breaches.map((b) => b.code)).toEqual(['PIN_FORMAT']);
    expect(explainPin('003084000999').breaches.map((b) => b.code)).toEqual(['PIN_PROVINCE_UNKNOWN']);
    expect(explainPin('030195001234', { sex: 'male', dateOfBirth: '1995-03-02' }).breaches.map((b) => b.code)).toEqual(['PIN_SEX_MISMATCH']);
    expect(explainPin('030095001234', { sex: 'male', dateOfBirth: '2095-03-02' }).breaches.map((b) => b.code)).toEqual(['PIN_CENTURY_MISMATCH']);
    expect(explainPin('030095001234', { sex: 'male', dateOfBirth: '1996' }).breaches).toEqual([{ code: 'PIN_BIRTH_YEAR_MISMATCH', params: { digits: '95', year: 1996 } }]);
    expect(explainPin('099395001234', { sex: 'male', dateOfBirth: '1996-05' }).breaches.map((b) => b.code)).toEqual(['PIN_PROVINCE_UNKNOWN', 'PIN_BIRTH_YEAR_FUTURE', 'PIN_SEX_MISMATCH', 'PIN_CENTURY_MISMATCH', 'PIN_BIRTH_YEAR_MISMATCH']);
  });

  it('refuses a year of birth after the current year, which digit 4 can encode (up to 2399)', () => {
    expect(explainPin('030999001122').breaches).toEqual([{ code: 'PIN_BIRTH_YEAR_FUTURE', params: { digits: '999', year: 2399 } }]);
    expect(explainPin('030299001122').breaches).toEqual([{ code: 'PIN_BIRTH_YEAR_FUTURE', params: { digits: '299', year: 2099 } }]);
    const thisYear = Number(todayInVietnam().slice(0, 4));
    const born = (year: number) => `030${centurySexDigit('female', year)}${String(year % 100).padStart(2, '0')}001122`;
    expect(explainPin(born(thisYear)).valid).toBe(true);
    expect(explainPin(born(thisYear + 1)).breaches.map((b) => b.code)).toEqual(['PIN_BIRTH_YEAR_FUTURE']);
  });

  it('accepts a girl born in 2007 in Hải Dương and a man born in 1950 with a year-only date of birth', () => {
    expect(explainPin('030307004321', { sex: 'female', dateOfBirth: '2007-11-30' }).valid).toBe(true);
    expect(explainPin('030050000001', { sex: 'male', dateOfBirth: '1950' }).valid).toBe(true);
  });

  it('any number built from a province, sex and year is valid for that person (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(PIN_PROVINCES)),
        fc.constantFrom('male' as const, 'female' as const),
        fc.integer({ min: 1900, max: Number(todayInVietnam().slice(0, 4)) }),
        fc.stringMatching(/^\d{6}$/),
        (province, sex, year, rest) => {
          const pin = `${province}${centurySexDigit(sex, year)}${String(year % 100).padStart(2, '0')}${rest}`;
          const e = explainPin(pin, { sex, dateOfBirth: String(year) });
          return e.valid && e.facts!.birthYear === year && e.facts!.sex === sex;
        },
      ),
      { seed: 6, numRuns: 500 },
    );
  });
});
