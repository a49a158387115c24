/**
 * Vietnamese text: normalisation, diacritic folding, tone-placement-insensitive name keys and a
 * collation key that sorts like the Vietnamese alphabet.
 *
 * Why this lives here (DESIGN.md §3): every module stores Vietnamese text in Unicode NFC, searches
 * with diacritics and đ/Đ folded, compares unit names after normalising both the Unicode form and
 * the tone-mark placement ("Hòa" = "Hoà", "Thủy" = "Thuỷ"), and sorts in Vietnamese collation.
 * Databases cannot do the last one portably (SQLite has no ICU collation), so records carry a
 * precomputed {@link collationKey} whose plain byte order equals `Intl.Collator('vi')` order;
 * `text.test.ts` checks this against ICU on every real unit name.
 */

/** Combining tone marks (dấu thanh): huyền, sắc, hỏi, ngã, nặng — in that order of collation. */
const TONE_MARKS = ['\u0300', '\u0301', '\u0309', '\u0303', '\u0323'] as const;
const TONE_RE = /[\u0300\u0301\u0303\u0309\u0323]/g;
/** All combining marks (tones and the breve, circumflex and horn of ă â ê ô ơ ư). */
const COMBINING_RE = /[\u0300-\u036f]/g;

/** Unicode NFC with whitespace collapsed and trimmed; `null`/`undefined` stay as they are. */
export function normalizeText(s: string): string;
export function normalizeText(s: string | null | undefined): string | null | undefined;
export function normalizeText(s: string | null | undefined): string | null | undefined {
  if (s == null) return s;
  return s.normalize('NFC').replace(/\s+/gu, ' ').trim();
}

/**
 * Multi-line free text typed into a text area (a note, a reason): as {@link normalizeText} line by
 * line — NFC, runs of spaces and tabs made one space, each line trimmed — but the line breaks kept
 * (CRLF and CR made LF), at most one empty line in a row, the whole trimmed.
 */
export function normalizeNote(s: string): string;
export function normalizeNote(s: string | null | undefined): string | null | undefined;
export function normalizeNote(s: string | null | undefined): string | null | undefined {
  if (s == null) return s;
  return s
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => normalizeText(line))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Search folding: lower case, every diacritic removed, đ/Đ → d, whitespace collapsed.
 * "Xã Cẩm Hoàng" → "xa cam hoang"; "Đặc khu" → "dac khu".
 */
export function foldForSearch(s: string): string {
  return s
    .normalize('NFD')
    .replace(COMBINING_RE, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/gu, ' ')
    .trim();
}

/**
 * A key for comparing Vietnamese names whatever their Unicode form and tone-mark placement:
 * each word keeps its letters (with breve, circumflex, horn and đ) and its tone, but not where
 * the tone sits. "Thủy" and "Thuỷ", "Hòa" and "Hoà" (NFC or NFD) give the same key; "Hòa" and
 * "Hóa" do not. Case and surrounding whitespace are ignored.
 */
export function nameKey(s: string): string {
  return s
    .normalize('NFD')
    .toLowerCase()
    .trim()
    .split(/\s+/u)
    .map((word) => {
      const tone = word.match(TONE_RE)?.[0];
      const bare = word.replace(TONE_RE, '').normalize('NFC');
      return tone ? `${bare}${TONE_MARKS.indexOf(tone as (typeof TONE_MARKS)[number]) + 1}` : bare;
    })
    .join(' ');
}

// --- Vietnamese collation key ------------------------------------------------------------------
// Primary: the 29 letters of the Vietnamese alphabet in order (a ă â b c d đ e ê g h i k l m n o
// ô ơ p q r s t u ư v x y; f j w z from foreign words sort among them as in the Latin alphabet),
// digits before letters, spaces and punctuation before digits. Secondary: the tone (none < huyền <
// hỏi < ngã < sắc < nặng, as CLDR's Vietnamese tailoring orders them). Tertiary: lower before upper.
const LETTER_ORDER = [
  'a', 'a\u0306', 'a\u0302', 'b', 'c', 'd', 'đ', 'e', 'e\u0302', 'f', 'g', 'h', 'i', 'j', 'k', 'l',
  'm', 'n', 'o', 'o\u0302', 'o\u031b', 'p', 'q', 'r', 's', 't', 'u', 'u\u031b', 'v', 'w', 'x', 'y', 'z',
];
const LETTER_RANK = new Map(LETTER_ORDER.map((l, i) => [l, i]));
/** CLDR "vi" secondary order of the tone marks. */
const TONE_RANK = new Map<string, number>([
  ['\u0300', 1], // huyền
  ['\u0309', 2], // hỏi
  ['\u0303', 3], // ngã
  ['\u0301', 4], // sắc
  ['\u0323', 5], // nặng
]);
const MODIFIERS = new Set(['\u0306', '\u0302', '\u031b']);
/** Punctuation and symbols in the order of the CLDR root collation (they sort before digits). */
const PUNCTUATION_ORDER = '_-,;:!?.\'"()[]{}@*/\\&#%`^+<=>|~$';

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}

/**
 * A string whose plain code-unit (binary, "C") order equals Vietnamese collation order, for
 * `ORDER BY` in any database. Made of hex digits only, so even a database whose default
 * collation is linguistic (en_US) orders it the same way.
 */
export function collationKey(input: string): string {
  const s = input.normalize('NFD');
  const primary: string[] = [];
  const secondary: string[] = [];
  const tertiary: string[] = [];
  const chars = [...s];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (TONE_RANK.has(ch) || MODIFIERS.has(ch)) continue; // consumed with their base letter
    let lower = ch.toLowerCase();
    const upper = lower !== ch;
    let tone = 0;
    // Gather the combining marks that follow this base character.
    for (let j = i + 1; j < chars.length; j++) {
      const m = chars[j]!;
      if (MODIFIERS.has(m)) lower += m;
      else if (TONE_RANK.has(m)) tone = TONE_RANK.get(m)!;
      else if (/\p{M}/u.test(m)) continue;
      else break;
    }
    if (lower === 'đ' || lower === 'd\u0335') lower = 'đ';
    const rank = LETTER_RANK.get(lower);
    let weight: number;
    if (rank !== undefined) weight = 0x0300 + rank * 4;
    else if (/\d/u.test(lower)) weight = 0x0200 + Number(lower);
    else if (/\s/u.test(lower)) weight = 0x0001;
    else if (PUNCTUATION_ORDER.includes(lower)) weight = 0x0010 + PUNCTUATION_ORDER.indexOf(lower);
    else if (/\p{P}|\p{S}/u.test(lower)) weight = 0x0040 + (lower.codePointAt(0)! % 0x01c0);
    else weight = 0x1000 + (lower.codePointAt(0)! & 0xefff);
    primary.push(hex4(weight));
    secondary.push(tone.toString(16));
    tertiary.push(upper ? '1' : '0');
  }
  return `${primary.join('')}0000${secondary.join('')}0${tertiary.join('')}`;
}

/** Compare two strings in Vietnamese collation (ICU "vi"); for sorting in memory. */
export const vietnameseCollator = new Intl.Collator('vi', { usage: 'sort', sensitivity: 'variant' });
