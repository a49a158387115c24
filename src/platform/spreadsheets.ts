/**
 * Spreadsheets officials keep (CSV and XLSX): reading them row by row in bounded memory, matching
 * their headers to an import template's columns, and writing templates and reports Excel opens
 * as they are. Shared by every import (citizen lists, desk rosters, equipment lists, help logs):
 * each module keeps its own columns and row rules, this file the file handling.
 *
 * - {@link readSheetRows} reads CSV (UTF-8 with or without BOM, or Windows-1258; comma or
 *   semicolon; CRLF or LF) with `csv-parse` and XLSX with exceljs's streaming reader.
 * - {@link SheetTemplate} matches a header row to template columns by key, Vietnamese or English
 *   header ({@link headerMatchKey}) and writes the downloadable template.
 * - {@link cellText}, {@link normalizeImportDate}, {@link normalizePhone} and {@link maskDigits}
 *   turn cells into the values and report texts the modules store. Every text is Unicode NFC.
 */
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse as parseCsv } from 'csv-parse';
import { lazyRequire } from './lazy.js';

/** exceljs, loaded on first use ({@link lazyRequire}). */
export const excel = lazyRequire<typeof import('exceljs')>('exceljs');
import iconv from 'iconv-lite';
import { isIsoDate } from './dates.js';
import { AppError, type ErrorCode, type ErrorParams } from './errors.js';
import { foldForSearch, normalizeText } from './text.js';

// --- template columns and headers -----------------------------------------------------------------

/** One column of an import template. */
export interface TemplateColumn<K extends string = string> {
  /** Stable column name, also accepted as a header. */
  key: K;
  /** The header officials see (Vietnamese, with diacritics) and its English form; both are accepted. */
  header: { vi: string; en: string };
  /** A required column must be in the file and have a value on every row. */
  required: boolean;
  /** The value of the template's example row (empty: left blank there). */
  example: string;
  /** What to write, in which form. */
  description: { vi: string; en: string };
  /**
   * Digits that must stay text (identification, phone, card and household numbers, unit codes):
   * the XLSX template formats the column as Text, and a number cell in such a column is reported
   * (IMPORT_NUMBER_AS_NUMBER) since Excel drops leading zeros from numbers.
   */
  asText: boolean;
}

/** A template column; `required` and `asText` default to false, `example` to ''. */
export function templateColumn<K extends string>(
  key: K,
  vi: string,
  en: string,
  o: { required?: boolean; asText?: boolean; example?: string; vi: string; en: string },
): TemplateColumn<K> {
  return { key, header: { vi, en }, required: o.required ?? false, example: o.example ?? '', description: { vi: o.vi, en: o.en }, asText: o.asText ?? false };
}

/** How headers compare: case, diacritics, đ/Đ, whitespace and underscores ignored. */
export function headerMatchKey(header: string): string {
  return foldForSearch(header).replace(/[\s_]+/gu, '');
}


/** One broken rule in a row of an import file (the column's key, or the header as written). */
export interface SheetCellError {
  column: string;
  code: ErrorCode;
  /** The cell's text as read (not masked: mask it before it leaves the platform). */
  value?: string;
  params?: ErrorParams;
}

/** What each position of a header row holds: a template column, an ignored (unknown) column, or nothing. */
export interface SheetLayout<K extends string> {
  columns: (K | 'ignored' | undefined)[];
  /** One IMPORT_COLUMN_UNKNOWN notice per unknown column (those columns are ignored). */
  unknown: SheetCellError[];
}

/** The columns of an import template, indexed for reading files and written as a downloadable template. */
export class SheetTemplate<K extends string> {
  private readonly byKey: Map<string, TemplateColumn<K>>;
  private readonly order: Map<string, number>;
  private readonly byHeader: Map<string, K>;

  constructor(readonly columns: readonly TemplateColumn<K>[]) {
    this.byKey = new Map(columns.map((c) => [c.key, c]));
    this.order = new Map(columns.map((c, i) => [c.key, i]));
    this.byHeader = new Map(columns.flatMap((c) => [c.key, c.header.vi, c.header.en].map((h) => [headerMatchKey(h), c.key] as const)));
  }

  /** The column of a key, if it is one of the template's. */
  column(key: string): TemplateColumn<K> | undefined {
    return this.byKey.get(key);
  }

  /** A column's position in the template (unknown columns after every known one), for sorting reports. */
  rank(key: string): number {
    return this.order.get(key) ?? this.order.size;
  }

  /**
   * Matches a header row (cell texts) to the template. Throws for the whole file:
   * IMPORT_COLUMN_DUPLICATE (two headers for one column), IMPORT_COLUMN_MISSING (naming every
   * missing required column, keys in `extensions.columns`).
   */
  layout(headers: readonly string[], file: string): SheetLayout<K> {
    const layout: SheetLayout<K> = { columns: [], unknown: [] };
    const seen = new Set<K>();
    headers.forEach((header, i) => {
      if (header === '') return;
      const key = this.byHeader.get(headerMatchKey(header));
      if (key === undefined) {
        layout.columns[i] = 'ignored';
        layout.unknown.push({ column: header, code: 'IMPORT_COLUMN_UNKNOWN', value: header, params: { column: header } });
      } else if (seen.has(key)) {
        throw new AppError('IMPORT_COLUMN_DUPLICATE', { file, column: this.byKey.get(key)!.header.vi });
      } else {
        seen.add(key);
        layout.columns[i] = key;
      }
    });
    const missing = this.columns.filter((c) => c.required && !seen.has(c.key));
    if (missing.length > 0) {
      throw new AppError('IMPORT_COLUMN_MISSING', { file, columns: missing.map((c) => `"${c.header.vi}" (${c.key})`).join(', ') }, { extensions: { columns: missing.map((c) => c.key) } });
    }
    return layout;
  }

  /**
   * The downloadable template: the header row (Vietnamese headers) and the example rows (default:
   * one row of each column's `example`). CSV: UTF-8 with BOM, CRLF. XLSX: bold frozen header with
   * each column's description as a note, and the `asText` columns formatted as Text so that Excel
   * keeps leading zeros.
   */
  async write(format: 'csv' | 'xlsx', sheetName: string, examples: readonly (readonly string[])[] = [this.columns.map((c) => c.example)]): Promise<Buffer> {
    const rows = examples.map((r) => [...r]);
    if (format === 'csv') return csvBuffer([this.columns.map((c) => c.header.vi), ...rows]);
    const columns = this.columns.map((c) => ({
      header: c.header.vi,
      width: Math.max(14, Math.min(40, c.header.vi.length + 4, c.example.length + 4)),
      asText: c.asText,
      note: c.description.vi,
    }));
    return xlsxBuffer(sheetName, columns, rows);
  }
}

// --- cell values ----------------------------------------------------------------------------------

/** A cell as read: text from CSV; text, number, boolean or date from XLSX; empty as undefined. */
export type CellValue = string | number | boolean | Date | undefined;

/** The text of a cell: NFC, whitespace collapsed, '' when empty. Dates become `YYYY-MM-DD`. */
export function cellText(cell: CellValue): string {
  if (cell === undefined) return '';
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? '' : utcDateText(cell);
  const s = String(cell);
  // Most cells (numbers, codes, dates) are printable ASCII words: already NFC and collapsed.
  return /^[!-~]+(?: [!-~]+)*$/.test(s) ? s : normalizeText(s);
}

/** exceljs gives date cells as JS dates at UTC midnight of the calendar day Excel shows. */
function utcDateText(d: Date): string {
  const p = (n: number, w: number) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}-${p(d.getUTCMonth() + 1, 2)}-${p(d.getUTCDate(), 2)}`;
}

/**
 * A date as officials write it, in ISO form: `YYYY-MM-DD` or `dd/mm/yyyy` (also `d/m/yyyy`, with
 * `.` or `-` between), and with `partial`, also `YYYY-MM`, `mm/yyyy` and `YYYY`. Undefined when the
 * text has none of these forms or names no calendar day (2023-02-30) or month.
 */
export function normalizeImportDate(text: string, options: { partial?: boolean } = {}): string | undefined {
  const s = text.trim();
  const pad = (n: string) => n.padStart(2, '0');
  let iso: string | undefined;
  let m: RegExpMatchArray | null;
  if ((m = s.match(/^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/))) iso = s;
  else if ((m = s.match(/^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/))) iso = `${m[3]}-${pad(m[2]!)}-${pad(m[1]!)}`;
  else if ((m = s.match(/^(\d{1,2})[/.-](\d{4})$/))) iso = `${m[2]}-${pad(m[1]!)}`;
  if (iso === undefined || (iso.length < 10 && !options.partial)) return undefined;
  if (iso.length === 10) return isIsoDate(iso) ? iso : undefined;
  const month = iso.length === 7 ? Number(iso.slice(5)) : 1;
  return Number(iso.slice(0, 4)) >= 1 && month >= 1 && month <= 12 ? iso : undefined;
}

/**
 * A Vietnamese mobile number as `0` + 9 digits (prefixes 03, 05, 07, 08, 09): spaces, dots, dashes
 * and parentheses are dropped and `+84` becomes `0`. Undefined when the result is no such number.
 */
export function normalizePhone(text: string): string | undefined {
  const s = text.replace(/[\s.\-()]/gu, '').replace(/^\+84/, '0');
  return /^0[35789]\d{8}$/.test(s) ? s : undefined;
}

/** Every character but the last three digits becomes `*`: `001203004567` → `*********567`. */
export function maskDigits(value: string): string {
  const chars = [...value];
  let kept = 0;
  for (let i = chars.length - 1; i >= 0; i--) {
    if (kept < 3 && /\d/.test(chars[i]!)) kept++;
    else chars[i] = '*';
  }
  return chars.join('');
}

// --- reading files --------------------------------------------------------------------------------

/**
 * Encoding of a CSV file: `utf8` (BOM optional), `windows-1258` (Vietnamese Windows code page,
 * tones as combining marks) or `auto` (default): UTF-8 when the first 64 KiB are valid UTF-8,
 * Windows-1258 otherwise. A file read as UTF-8 that turns out invalid further on stops with
 * IMPORT_FILE_ENCODING. XLSX files are always UTF-8 inside.
 */
export type CsvEncoding = 'utf8' | 'windows-1258' | 'auto';

/** A row of cells as the file has it, with its 1-based row number. */
export interface SheetRow {
  row: number;
  values: CellValue[];
}

const ZIP_MAGIC = Buffer.from('PK\x03\x04', 'latin1');
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);
/** Bytes looked at to guess a CSV's encoding. */
const SNIFF_BYTES = 64 * 1024;
/** Longest CSV record (characters): an unclosed quote stops the file instead of filling memory. */
const MAX_RECORD_CHARS = 256 * 1024;

/**
 * The rows of a CSV or XLSX file, by content, in memory bounded by one row whatever the file size
 * (XLSX: plus exceljs's table of shared strings; a worksheet stored before that table is spooled to
 * a temporary file). A zip (`PK\x03\x04`) is XLSX, read from its first worksheet; anything else is
 * CSV (UTF-8 with or without BOM, or Windows-1258; comma or semicolon; CRLF or LF; see
 * {@link CsvEncoding}). An old binary .xls, or an .xlsx name without zip content, stops with
 * IMPORT_FILE_FORMAT_UNSUPPORTED; a malformed CSV or zip with IMPORT_FILE_UNREADABLE; invalid
 * UTF-8 with IMPORT_FILE_ENCODING. Rows come as the file has them, empty ones included.
 */
export async function* readSheetRows(stream: NodeJS.ReadableStream, file: string, encoding: CsvEncoding = 'auto'): AsyncGenerator<SheetRow> {
  const chunks = bufferChunks(stream)[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  while (head.length < ZIP_MAGIC.length) {
    const next = await chunks.next();
    if (next.done) break;
    head = Buffer.concat([head, next.value]);
  }
  const all = prepend(head, chunks);
  if (head.subarray(0, 4).equals(ZIP_MAGIC)) yield* xlsxRows(Readable.from(all, { objectMode: false }), file);
  else if (head.subarray(0, 4).equals(OLE_MAGIC) || /\.xlsx?$/i.test(file)) throw new AppError('IMPORT_FILE_FORMAT_UNSUPPORTED', { file });
  else yield* csvRows(all, file, encoding);
}

async function* bufferChunks(stream: NodeJS.ReadableStream): AsyncGenerator<Buffer> {
  for await (const chunk of stream) yield typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
}

async function* prepend<T>(first: T, rest: AsyncIterator<T>): AsyncGenerator<T> {
  yield first;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

/**
 * Mends a race in exceljs 4.4's streaming reader, whose zip parser is unzipper 0.10 (0.12.5 is the
 * same). unzipper's `Parse` emits `end` by hand as soon as its writable side finishes, which
 * happens when it has read the zip's last record, not when its reader has taken the entries it
 * already parsed. exceljs iterates those entries with a paused stream and stops at that `end`: if
 * it is still spooling the worksheet to a temporary file (exceljs does so whenever the worksheet
 * comes before `sharedStrings.xml` or `workbook.xml`, as in every file exceljs itself writes), the
 * entries waiting in the stream's buffer (shared strings, workbook) are dropped and the read fails
 * with "Cannot read properties of undefined (reading 'sheets')" or, worse, loses the shared
 * strings. It happened on a loaded CI machine (a desk help-log import answered
 * IMPORT_FILE_UNREADABLE for a good file) and is exceljs/exceljs#962's intermittent form.
 * Here the hand-made `end` is replaced by ending the readable side (`push(null)`): Node then emits
 * `end` once every buffered entry has been read, and a truncated zip still ends (with unzipper's
 * FILE_ENDED error) instead of hanging. Applied once, to the `unzipper` module exceljs loads; a
 * later unzipper without the hand-made `end` is left as it is (spreadsheets.test.ts keeps the race).
 */
function mendUnzipperEarlyEnd(): void {
  const fromExceljs = createRequire(createRequire(import.meta.url).resolve('exceljs'));
  const unzipper = fromExceljs('unzipper') as { Parse: (opts: object) => NodeJS.EventEmitter & { push(chunk: null): boolean }; __motcuaMended?: true };
  if (unzipper.__motcuaMended) return;
  const parse = unzipper.Parse;
  unzipper.Parse = (opts: object) => {
    const zip = parse(opts);
    // Parse's constructor adds its listener after PullStream's own (which marks the input finished).
    const early = zip.listeners('finish').find((l) => /emit\(['"]end['"]\)/.test(String(l)));
    if (early) {
      zip.removeListener('finish', early as (...args: unknown[]) => void);
      zip.on('finish', () => zip.push(null));
    }
    return zip;
  };
  unzipper.__motcuaMended = true;
}
mendUnzipperEarlyEnd();

/** The first worksheet of an XLSX file, through exceljs's streaming reader. */
async function* xlsxRows(stream: Readable, file: string): AsyncGenerator<SheetRow> {
  // Styles are cached so that date cells come as dates; shared strings must be cached to be resolved.
  const reader = new (excel().stream.xlsx.WorkbookReader)(stream, { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
  try {
    for await (const sheet of reader) {
      for await (const row of sheet) {
        const values = row.values as unknown[];
        yield { row: row.number, values: Array.from({ length: Math.max(0, values.length - 1) }, (_, i) => plainCell(values[i + 1])) };
      }
      return;
    }
  } catch (e) {
    throw e instanceof AppError ? e : new AppError('IMPORT_FILE_UNREADABLE', { file, reason: (e as Error).message }, { cause: e });
  } finally {
    stream.destroy();
  }
}

/** An exceljs cell value as a plain value: rich text joined, a formula's result, a hyperlink's text, an error as its text (#N/A). */
function plainCell(v: unknown): CellValue {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; result?: unknown; text?: unknown; error?: string };
    if (Array.isArray(o.richText)) return o.richText.map((r) => r.text).join('');
    if ('result' in o) return plainCell(o.result);
    if ('text' in o) return plainCell(o.text);
    if (typeof o.error === 'string') return o.error;
  }
  return String(v);
}

/** A CSV file through csv-parse, delimiter (comma or semicolon) taken from the header line. */
async function* csvRows(chunks: AsyncIterable<Buffer>, file: string, encoding: CsvEncoding): AsyncGenerator<SheetRow> {
  const text = decodeText(chunks, file, encoding)[Symbol.asyncIterator]();
  let head = '';
  while (!/[\r\n]/.test(head) && head.length <= MAX_RECORD_CHARS) {
    const next = await text.next();
    if (next.done) break;
    head += next.value;
  }
  const headerLine = head.split(/\r\n|\n|\r/, 1)[0] ?? '';
  const delimiter = (headerLine.match(/;/g)?.length ?? 0) > (headerLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  const parser = parseCsv({ delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false, max_record_size: MAX_RECORD_CHARS });
  const feeding = pipeline(Readable.from(prepend(head, text)), parser);
  feeding.catch(() => undefined); // its error, if any, also ends the loop below
  // csv-parse's `info.lines` counts a CRLF inside a quoted field as two lines (7.0.3), so the
  // physical line is counted here: each record starts one line after the previous one's last.
  let line = 1;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      yield { row: line, values: record };
      line += 1 + record.reduce((n, field) => n + lineBreaks(field), 0);
    }
    await feeding;
  } catch (e) {
    throw e instanceof AppError ? e : new AppError('IMPORT_FILE_UNREADABLE', { file, reason: (e as Error).message }, { cause: e });
  }
}

function lineBreaks(field: string): number {
  if (!field.includes('\n') && !field.includes('\r')) return 0;
  return field.match(/\r\n|\r|\n/g)!.length;
}

/**
 * The text of a CSV file: UTF-8 (BOM dropped, invalid bytes stop the file) or Windows-1258 via
 * iconv-lite. Text is not normalised here: fields are made NFC one by one, after parsing.
 */
async function* decodeText(chunks: AsyncIterable<Buffer>, file: string, encoding: CsvEncoding): AsyncGenerator<string> {
  const it = chunks[Symbol.asyncIterator]();
  const sniffed: Buffer[] = [];
  let chosen = encoding;
  if (encoding === 'auto') {
    let size = 0;
    let ended = false;
    while (size < SNIFF_BYTES) {
      const next = await it.next();
      if (next.done) {
        ended = true;
        break;
      }
      sniffed.push(next.value);
      size += next.value.length;
    }
    chosen = isUtf8(Buffer.concat(sniffed), !ended) ? 'utf8' : 'windows-1258';
  }
  const decoder = chosen === 'utf8' ? utf8Decoder(file) : iconv.getDecoder('windows-1258');
  for (const chunk of sniffed) yield decoder.write(chunk);
  for (let next = await it.next(); !next.done; next = await it.next()) yield decoder.write(next.value);
  yield decoder.end() ?? '';
}

/** True when the bytes are UTF-8 (with `more`, a sequence cut at the end is allowed). */
function isUtf8(bytes: Buffer, more: boolean): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: more });
    return true;
  } catch {
    return false;
  }
}

function utf8Decoder(file: string): { write(b: Buffer): string; end(): string } {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  const guard = (f: () => string, size: number) => {
    try {
      const s = f();
      offset += size;
      return s;
    } catch (e) {
      throw new AppError('IMPORT_FILE_ENCODING', { file, encoding: 'UTF-8', offset }, { cause: e });
    }
  };
  return {
    write: (b) => guard(() => decoder.decode(b, { stream: true }), b.length),
    end: () => guard(() => decoder.decode(), 0),
  };
}

// --- writing files --------------------------------------------------------------------------------

/** A column of a written sheet. */
export interface SheetColumn {
  header: string;
  width: number;
  /** Format as Text (`@`) so that Excel keeps leading zeros. */
  asText?: boolean;
  /** Shown as a note on the header cell. */
  note?: string;
}

/**
 * CSV as Excel opens it without asking: UTF-8 with BOM, CRLF, comma. A cell starting with
 * `= + - @` gets a leading apostrophe so that no spreadsheet runs it as a formula.
 */
export function csvBuffer(rows: string[][]): Buffer {
  const cell = (s: string) => {
    const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
    return /[",\r\n;]|^\s|\s$/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return Buffer.from(`\ufeff${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`, 'utf8');
}

/** One worksheet: bold, frozen header row, Text-formatted columns where asked, every value a string. */
export async function xlsxBuffer(sheetName: string, columns: SheetColumn[], rows: string[][]): Promise<Buffer> {
  const workbook = new (excel().Workbook)();
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({ header: c.header, width: c.width, ...(c.asText && { style: { numFmt: '@' } }) }));
  sheet.addRows(rows);
  const header = sheet.getRow(1);
  header.font = { bold: true };
  columns.forEach((c, i) => {
    if (c.note) header.getCell(i + 1).note = c.note;
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
