/**
 * Readers for the administrative-unit lists officials and open data use (formats described in
 * shared/data/admin-units/README.md):
 * - three-level JSON (province → `District` → `Ward`), as of 2025-03-01;
 * - two-level JSON (province → `Wards`, `AdministrativeUnitId` 1–5), from 2025-07-01;
 * - GSO letter 915/CTK-CSCL provinces CSV (`Stt,Mã số,Tên 34 tỉnh sau sáp nhập`);
 * - GSO letter 1027/CTK-CSCL communes CSV (`stt,code,name,province_name,province_code`);
 * - the GSO web export CSV (`Tỉnh Thành Phố, Mã TP, Quận Huyện, Mã QH, Phường Xã, Mã PX, Cấp`);
 * - succession mappings: `new-to-old-merges.json` (with full/partial) and `old-to-new-splits.json`.
 *
 * Every reader validates each row and reports bad ones by row and field instead of stopping at
 * the first; the caller imports nothing from a file with a bad row. Codes are always read as
 * strings; names are normalised to NFC with whitespace collapsed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { AppError, type ErrorCode } from '../platform/errors.js';
import { normalizeText } from '../platform/text.js';
import { englishName } from './builtin.js';
import { CODE_LENGTH, TYPES_BY_LEVEL, type SuccessionKind, type UnitLevel, type UnitRecord, type UnitType } from './model.js';

/** Largest unit-list file read (the national lists are 2–3 MB). */
export const MAX_UNIT_FILE_BYTES = 64 * 1024 * 1024;

export interface RowError {
  /** 1-based row: CSV line number (header is line 1) or the record's ordinal in a JSON file. */
  row: number;
  /** Where the row sits in a JSON file, e.g. `[12].District[3].Ward[0]`. */
  location?: string;
  field: string;
  code: ErrorCode;
  reason: string;
}

export interface ParsedUnitList {
  format: string;
  units: UnitRecord[];
  errors: RowError[];
}

/** A unit row before dates and source are attached. */
type UnitRow = Omit<UnitRecord, 'validFrom' | 'validUntil' | 'source'>;
/** Where a parsed unit stands in its file. */
type RowRef = { row: number; location?: string };
/** Units read from a file with, for each, where it stands; and the bad rows. */
type Parsed = { units: UnitRow[]; rows: RowRef[]; errors: RowError[] };

/** Type prefixes of full names by level, longest first (matched case-insensitively). */
const PREFIXES: Record<UnitLevel, [string, UnitType][]> = {
  province: [['Thành phố', 'Thành phố trực thuộc trung ương'], ['Tỉnh', 'Tỉnh']],
  district: [['Thành phố', 'Thành phố'], ['Thị xã', 'Thị xã'], ['Quận', 'Quận'], ['Huyện', 'Huyện']],
  commune: [['Thị trấn', 'Thị trấn'], ['Đặc khu', 'Đặc khu'], ['Phường', 'Phường'], ['Xã', 'Xã']],
};

/** Known code errata of published lists, corrected on import (README of shared/data/admin-units). */
const CODE_ERRATA: Record<string, string> = {
  // Xã Ba Chẽ (Quảng Ninh): official code 06970; thanglequoc v3.0.2 wrote 06978, reverted upstream in August 2026.
  '06978': '06970',
};

/** Splits "Xã Cẩm Hoàng" into its type and bare name at a level; undefined when no prefix fits. */
export function splitFullName(fullName: string, level: UnitLevel): { type: UnitType; prefix: string; name: string } | undefined {
  const s = normalizeText(fullName);
  for (const [prefix, type] of PREFIXES[level]) {
    if (s.toLocaleLowerCase('vi').startsWith(`${prefix.toLocaleLowerCase('vi')} `)) return { type, prefix, name: s.slice(prefix.length + 1).trim() };
  }
  return undefined;
}

class RowChecker {
  readonly errors: RowError[] = [];
  constructor(
    readonly row: number,
    readonly location?: string,
  ) {}
  fail(field: string, code: ErrorCode, reason: string): void {
    this.errors.push({ row: this.row, location: this.location, field, code, reason });
  }
  code(field: string, value: unknown, level: UnitLevel): string | undefined {
    if (typeof value === 'number') {
      this.fail(field, 'FIELD_TYPE', `code must be text (got the number ${value}: leading zeros may be lost)`);
      return undefined;
    }
    if (typeof value !== 'string' || value.trim() === '') {
      this.fail(field, 'FIELD_REQUIRED', 'code is missing');
      return undefined;
    }
    const code = value.trim();
    if (!new RegExp(`^\\d{${CODE_LENGTH[level]}}$`).test(code)) {
      this.fail(field, 'FIELD_FORMAT', `a ${level} code has ${CODE_LENGTH[level]} digits (got "${code}")`);
      return undefined;
    }
    return CODE_ERRATA[code] ?? code;
  }
  text(field: string, value: unknown, max = 200): string | undefined {
    if (typeof value !== 'string' || normalizeText(value) === '') {
      this.fail(field, 'FIELD_REQUIRED', 'text is missing');
      return undefined;
    }
    const t = normalizeText(value);
    if (t.length > max) {
      this.fail(field, 'FIELD_TOO_LONG', `longer than ${max} characters`);
      return undefined;
    }
    return t;
  }
}

function unitFromFullName(
  c: RowChecker,
  level: UnitLevel,
  fields: { code: [string, unknown]; fullName: [string, unknown]; name?: [string, unknown]; nameEn?: unknown; type?: UnitType },
  parentCode: string | null,
): UnitRow | undefined {
  const code = c.code(fields.code[0], fields.code[1], level);
  const fullName = c.text(fields.fullName[0], fields.fullName[1]);
  if (!code || !fullName) return undefined;
  const split = splitFullName(fullName, level);
  const type = fields.type ?? split?.type ?? (level === 'province' ? 'Tỉnh' : undefined);
  if (!type || !TYPES_BY_LEVEL[level].includes(type)) {
    c.fail(fields.fullName[0], 'FIELD_FORMAT', `"${fullName}" does not start with a ${level} type (${TYPES_BY_LEVEL[level].join(', ')})`);
    return undefined;
  }
  const name = fields.name ? c.text(fields.name[0], fields.name[1]) : (split?.name ?? fullName);
  if (!name) return undefined;
  // Canonical full name: the type prefix written as the law writes it ("xã Bắc Sơn" → "Xã Bắc Sơn").
  const prefix = split?.prefix ?? (type === 'Tỉnh' ? 'Tỉnh' : undefined);
  const canonicalFull = prefix ? `${prefix} ${split ? split.name : name}` : fullName;
  const nameEn = typeof fields.nameEn === 'string' && fields.nameEn.trim() !== '' ? normalizeText(fields.nameEn) : englishName(name);
  return { code, level, type, name, fullName: canonicalFull, nameEn, parentCode };
}

function readJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new AppError('UNIT_IMPORT_FILE_UNREADABLE', { file: path.basename(file), reason: (e as Error).message });
  }
}

function threeLevel(data: unknown[]): Parsed {
  const units: UnitRow[] = [];
  const rows: RowRef[] = [];
  const errors: RowError[] = [];
  let row = 0;
  const take = (c: RowChecker, u: UnitRow | undefined) => {
    errors.push(...c.errors);
    if (u) {
      units.push(u);
      rows.push({ row: c.row, location: c.location });
    }
    return u;
  };
  data.forEach((p: any, pi) => {
    const pc = new RowChecker(++row, `[${pi}]`);
    const prov = take(pc, unitFromFullName(pc, 'province', { code: ['Code', p?.Code], fullName: ['FullName', p?.FullName], name: ['Name', p?.Name], nameEn: p?.NameEn }, null));
    const districts: any[] = Array.isArray(p?.District) ? p.District : [];
    districts.forEach((d: any, di) => {
      const dc = new RowChecker(++row, `[${pi}].District[${di}]`);
      const dist = take(dc, unitFromFullName(dc, 'district', { code: ['Code', d?.Code], fullName: ['FullName', d?.FullName], name: ['Name', d?.Name], nameEn: d?.NameEn }, prov?.code ?? null));
      if (dist && d?.ProvinceCode !== undefined && prov && String(d.ProvinceCode) !== prov.code) {
        dc.fail('ProvinceCode', 'FIELD_INVALID', `ProvinceCode ${d.ProvinceCode} differs from the enclosing province ${prov.code}`);
        errors.push(...dc.errors.slice(-1));
      }
      const wards: any[] = Array.isArray(d?.Ward) ? d.Ward : []; // island districts have "Ward": null
      wards.forEach((w: any, wi) => {
        const wc = new RowChecker(++row, `[${pi}].District[${di}].Ward[${wi}]`);
        take(wc, unitFromFullName(wc, 'commune', { code: ['Code', w?.Code], fullName: ['FullName', w?.FullName], name: ['Name', w?.Name], nameEn: w?.NameEn }, dist?.code ?? null));
      });
    });
  });
  return { units, rows, errors };
}

const ADMINISTRATIVE_UNIT_ID: Record<number, UnitType> = {
  1: 'Thành phố trực thuộc trung ương',
  2: 'Tỉnh',
  3: 'Phường',
  4: 'Xã',
  5: 'Đặc khu',
};

function twoLevel(data: unknown[]): Parsed {
  const units: UnitRow[] = [];
  const rows: RowRef[] = [];
  const errors: RowError[] = [];
  let row = 0;
  const typeOf = (c: RowChecker, level: UnitLevel, id: unknown): UnitType | undefined => {
    const t = typeof id === 'number' ? ADMINISTRATIVE_UNIT_ID[id] : undefined;
    if (!t || !TYPES_BY_LEVEL[level].includes(t)) {
      c.fail('AdministrativeUnitId', 'FIELD_NOT_ALLOWED_VALUE', `${String(id)} is not a ${level} type (1–5)`);
      return undefined;
    }
    return t;
  };
  data.forEach((p: any, pi) => {
    const pc = new RowChecker(++row, `[${pi}]`);
    const ptype = typeOf(pc, 'province', p?.AdministrativeUnitId);
    const prov = ptype
      ? unitFromFullName(pc, 'province', { code: ['Code', p?.Code], fullName: ['FullName', p?.FullName], name: ['Name', p?.Name], nameEn: p?.NameEn, type: ptype }, null)
      : undefined;
    errors.push(...pc.errors);
    if (prov) {
      units.push(prov);
      rows.push({ row: pc.row, location: pc.location });
    }
    const wards: any[] = Array.isArray(p?.Wards) ? p.Wards : [];
    wards.forEach((w: any, wi) => {
      const wc = new RowChecker(++row, `[${pi}].Wards[${wi}]`);
      const wtype = typeOf(wc, 'commune', w?.AdministrativeUnitId);
      const u = wtype
        ? unitFromFullName(wc, 'commune', { code: ['Code', w?.Code], fullName: ['FullName', w?.FullName], name: ['Name', w?.Name], nameEn: w?.NameEn, type: wtype }, prov?.code ?? null)
        : undefined;
      if (u && w?.ProvinceCode !== undefined && prov && String(w.ProvinceCode) !== prov.code) {
        wc.fail('ProvinceCode', 'FIELD_INVALID', `ProvinceCode ${w.ProvinceCode} differs from the enclosing province ${prov.code}`);
      }
      errors.push(...wc.errors);
      if (u && wc.errors.length === 0) {
        units.push(u);
        rows.push({ row: wc.row, location: wc.location });
      }
    });
  });
  return { units, rows, errors };
}

type CsvRecord = Record<string, string>;

function readCsv(file: string, text: string): CsvRecord[] {
  try {
    return parseCsv(text, { bom: true, columns: (h: string[]) => h.map((x) => normalizeText(x)), skip_empty_lines: true, trim: true, relax_column_count: false }) as CsvRecord[];
  } catch (e) {
    throw new AppError('UNIT_IMPORT_FILE_UNREADABLE', { file: path.basename(file), reason: (e as Error).message });
  }
}

function csvUnits(records: CsvRecord[], toUnits: (r: CsvRecord, c: RowChecker) => (UnitRow | undefined)[]): Parsed {
  // A GSO export repeats the province and district on every commune row: one unit per code.
  const units = new Map<string, { unit: UnitRow; row: RowRef }>();
  const errors: RowError[] = [];
  records.forEach((r, i) => {
    const c = new RowChecker(i + 2); // line 1 is the header
    const found = toUnits(r, c);
    errors.push(...c.errors);
    if (c.errors.length === 0) for (const u of found) if (u && !units.has(u.code)) units.set(u.code, { unit: u, row: { row: c.row } });
  });
  return { units: [...units.values()].map((x) => x.unit), rows: [...units.values()].map((x) => x.row), errors };
}

/** Reads a unit list file and detects its format. Errors: UNIT_IMPORT_FILE_UNREADABLE, UNIT_IMPORT_FORMAT_UNKNOWN. */
export function readUnitList(file: string, dates: { validFrom: string; validUntil: string | null; source: string }): ParsedUnitList {
  let text: string;
  try {
    const size = fs.statSync(file).size;
    if (size > MAX_UNIT_FILE_BYTES) throw new Error(`larger than ${MAX_UNIT_FILE_BYTES} bytes`);
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new AppError('UNIT_IMPORT_FILE_UNREADABLE', { file: path.basename(file), reason: (e as Error).message });
  }
  let format: string;
  let parsed: Parsed;
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    const data = readJson(file, text);
    const first = Array.isArray(data) ? (data[0] as Record<string, unknown> | undefined) : undefined;
    if (first && 'District' in first) [format, parsed] = ['json-3level', threeLevel(data as unknown[])];
    else if (first && 'Wards' in first) [format, parsed] = ['json-2level', twoLevel(data as unknown[])];
    else throw new AppError('UNIT_IMPORT_FORMAT_UNKNOWN', { file: path.basename(file) });
  } else {
    const records = readCsv(file, text);
    const header = Object.keys(records[0] ?? {});
    const has = (...cols: string[]) => cols.every((c) => header.includes(c));
    if (has('Mã số', 'Tên 34 tỉnh sau sáp nhập')) {
      format = 'gso-915-provinces';
      parsed = csvUnits(records, (r, c) => [unitFromFullName(c, 'province', { code: ['Mã số', r['Mã số']], fullName: ['Tên 34 tỉnh sau sáp nhập', r['Tên 34 tỉnh sau sáp nhập']] }, null)]);
    } else if (has('code', 'name', 'province_code')) {
      format = 'gso-1027-communes';
      parsed = csvUnits(records, (r, c) => {
        const province = c.code('province_code', r.province_code, 'province');
        return [unitFromFullName(c, 'commune', { code: ['code', r.code], fullName: ['name', r.name] }, province ?? null)];
      });
    } else if (has('Mã TP', 'Tỉnh Thành Phố', 'Mã QH', 'Quận Huyện', 'Mã PX', 'Phường Xã')) {
      format = 'gso-export';
      parsed = csvUnits(records, (r, c) => {
        const p = unitFromFullName(c, 'province', { code: ['Mã TP', r['Mã TP']], fullName: ['Tỉnh Thành Phố', r['Tỉnh Thành Phố']] }, null);
        const d = unitFromFullName(c, 'district', { code: ['Mã QH', r['Mã QH']], fullName: ['Quận Huyện', r['Quận Huyện']] }, p?.code ?? null);
        const hasCommune = (r['Mã PX'] ?? '') !== '';
        const w = hasCommune ? unitFromFullName(c, 'commune', { code: ['Mã PX', r['Mã PX']], fullName: ['Phường Xã', r['Phường Xã']] }, d?.code ?? null) : undefined;
        return [p, d, w];
      });
    } else {
      throw new AppError('UNIT_IMPORT_FORMAT_UNKNOWN', { file: path.basename(file) });
    }
  }
  // The same code twice in one list is a bad row (the second one).
  const seen = new Map<string, number>();
  const units: UnitRecord[] = [];
  parsed.units.forEach((u, i) => {
    const row = parsed.rows[i]!;
    const first = seen.get(u.code);
    if (first !== undefined) {
      parsed.errors.push({ row: row.row, location: row.location, field: 'Code', code: 'FIELD_INVALID', reason: `code ${u.code} appears more than once (first at row ${first})` });
      return;
    }
    seen.set(u.code, row.row);
    units.push({ ...u, validFrom: dates.validFrom, validUntil: dates.validUntil, source: dates.source });
  });
  parsed.errors.sort((a, b) => a.row - b.row);
  return { format, units, errors: parsed.errors };
}

export interface ParsedSuccessions {
  format: string;
  links: { predecessorCode: string; successorCode: string; kind: SuccessionKind }[];
  errors: RowError[];
}

/**
 * Reads an old ↔ new mapping: `new-to-old-merges.json` (new units with `merges: [{old_id, type}]`,
 * provinces and communes) or `old-to-new-splits.json` (old units with `splits: [{new_id}]`; an
 * old unit going to one new unit is `full`, to several `partial`).
 */
export function readSuccessionMapping(file: string): ParsedSuccessions {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new AppError('UNIT_IMPORT_FILE_UNREADABLE', { file: path.basename(file), reason: (e as Error).message });
  }
  const doc = readJson(file, text) as { data?: unknown[] };
  const data = Array.isArray(doc?.data) ? doc.data : undefined;
  const first = data?.[0] as Record<string, unknown> | undefined;
  const links: ParsedSuccessions['links'] = [];
  const errors: RowError[] = [];
  let row = 0;
  const codeOf = (c: RowChecker, field: string, v: unknown) => {
    const s = typeof v === 'string' ? v.trim() : v;
    const level = typeof s === 'string' ? (s.length === 2 ? 'province' : s.length === 3 ? 'district' : 'commune') : 'commune';
    return c.code(field, s, level);
  };
  if (first && 'merges' in first) {
    data!.forEach((p: any, pi) => {
      const units: [any, string][] = [[p, `data[${pi}]`], ...((p?.level2s ?? []) as any[]).map((u, i): [any, string] => [u, `data[${pi}].level2s[${i}]`])];
      for (const [u, loc] of units) {
        const c = new RowChecker(++row, loc);
        const successor = codeOf(c, u === p ? 'level1_id' : 'level2_id', u === p ? u?.level1_id : u?.level2_id);
        const merges: any[] = Array.isArray(u?.merges) ? u.merges : [];
        merges.forEach((m, mi) => {
          const predecessor = codeOf(c, `merges[${mi}].old_id`, m?.old_id);
          if (m?.type !== 'full' && m?.type !== 'partial') c.fail(`merges[${mi}].type`, 'FIELD_NOT_ALLOWED_VALUE', 'type is full or partial');
          if (successor && predecessor && (m?.type === 'full' || m?.type === 'partial')) links.push({ predecessorCode: predecessor, successorCode: successor, kind: m.type });
        });
        errors.push(...c.errors);
      }
    });
    return { format: 'merges', links, errors };
  }
  if (first && 'splits' in first) {
    data!.forEach((p: any, pi) => {
      const units: [any, string, string][] = [
        [p, `data[${pi}]`, 'level1_id'],
        ...((p?.level2s ?? []) as any[]).map((u, i): [any, string, string] => [u, `data[${pi}].level2s[${i}]`, 'level2_id']),
        ...((p?.level3s ?? []) as any[]).map((u, i): [any, string, string] => [u, `data[${pi}].level3s[${i}]`, 'level3_id']),
      ];
      for (const [u, loc, idField] of units) {
        const c = new RowChecker(++row, loc);
        const predecessor = codeOf(c, idField, u?.[idField]);
        const splits: any[] = Array.isArray(u?.splits) ? u.splits : [];
        const kind: SuccessionKind = splits.length > 1 ? 'partial' : 'full';
        splits.forEach((s, si) => {
          const successor = codeOf(c, `splits[${si}].new_id`, s?.new_id);
          if (predecessor && successor) links.push({ predecessorCode: predecessor, successorCode: successor, kind });
        });
        errors.push(...c.errors);
      }
    });
    return { format: 'splits', links, errors };
  }
  throw new AppError('UNIT_IMPORT_FORMAT_UNKNOWN', { file: path.basename(file) });
}
