import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { AppError } from '../platform/errors.js';
import {
  CITIZEN_TEMPLATE_COLUMNS,
  headerMatchKey,
  maskDigits,
  normalizeImportDate,
  normalizePhone,
  readCitizenFile,
  writeCitizenTemplate,
  writeErrorReport,
  type CitizenFileInput,
  type ImportErrorEntry,
  type ParsedRow,
} from './import-file.js';
import type { CitizenInput } from './model.js';

const REFERENCE = '2025-06-30';
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-import-file-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: string | Buffer): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, content);
  return p;
}

async function readAll(input: CitizenFileInput, options: Parameters<typeof readCitizenFile>[1] = { referenceDate: REFERENCE }): Promise<ParsedRow[]> {
  const rows: ParsedRow[] = [];
  for await (const r of readCitizenFile(input, options)) rows.push(r);
  return rows;
}

const citizensOf = (rows: ParsedRow[]) => rows.filter((r) => r.citizen).map((r) => ({ row: r.row, citizen: r.citizen! }));
const errorsOf = (rows: ParsedRow[]) => rows.flatMap((r) => r.errors.map((e) => ({ row: r.row, column: e.column, code: e.code })));

/** CSV text as a spreadsheet writes it: fields quoted when they hold the delimiter, a quote or a newline. */
function csvText(rows: string[][], delimiter: string, eol: string): string {
  const cell = (s: string) => (s.includes(delimiter) || /["\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return rows.map((r) => r.map(cell).join(delimiter)).join(eol) + eol;
}

const nfd = (s: string) => s.normalize('NFD');

/**
 * Vietnamese text in the form Windows-1258 stores it: letters with breve, circumflex and horn
 * (and đ) precomposed, tone marks as separate combining characters.
 */
function cp1258Form(s: string): string {
  return s.normalize('NFD').replace(/(\p{L})(\p{M}+)/gu, (_, base: string, marks: string) => {
    const modifiers = marks.replace(/[^\u0302\u0306\u031b]/gu, '');
    return `${(base + modifiers).normalize('NFC')}${marks.replace(/[\u0302\u0306\u031b]/gu, '')}`;
  });
}

// A commune officer's list (reference date 2025-06-30): names partly in NFD, identification
// numbers with leading zeros, a year-only and dd/mm/yyyy dates, a quoted address broken over two
// lines, an unknown column, an empty line and the usual mistakes.
const HEADER = [
  'Số định danh cá nhân', nfd('  HỌ  VÀ TÊN '), 'Ngày sinh', 'Giới tính', 'Dân tộc', 'Nơi thường trú (mã ĐVHC)', 'Nơi thường trú (địa chỉ)',
  'Số hộ', 'Số định danh chủ hộ', 'Quan hệ với chủ hộ', 'Số điện thoại', 'email', 'so_the_can_cuoc', 'Ngày cấp thẻ', 'Ghi chú',
];
const ROWS: string[][] = [
  ['001203004567', nfd('Nguyễn Văn An'), '15/03/2003', 'Nam', 'Kinh', '00001', 'Số 5, phố Phúc Xá', '0001234', '001203004567', 'Chủ hộ', '0912 345 678', 'an.nguyen@example.vn', '001203004567', '01/07/2021', 'chủ hộ mới'],
  ['001175000123', nfd('Trần Thị Bình'), '1975', 'Nữ', 'Kinh', '00001', nfd('Số 5, phố Phúc Xá'), '0001234', '001203004567', 'Mẹ', '', '', '', '', ''],
  ['001050000001', 'Lê Văn Cường', '06/1950', 'nam', 'Kinh', '00001', 'Số 7,\r\nngõ 12', '', '', '', '', '', '', '', ''], // lines 4–5
  ['00120300456', 'Phạm Văn Dũng', '2003-01-02', 'Nam', 'Kinh', '', '', '', '', '', '', '', '', '', ''], // 11 digits
  ['001303004568', 'Hoàng Văn Em', '2003', 'Nam', '', '', '', '', '', '', '', '', '', '', ''], // digit 4 = 3: a woman
  ['001223000111', 'Vũ Văn Phúc', '2023-02-30', 'Nam', '', '', '', '', '', '', '', '', '', '', ''],
  ['001185000222', 'Đỗ Thị Giang', '1985-07-01', 'Nữ', '', '', '', '0001234', '001203004567', 'Bạn', '', '', '', '', ''],
  ['001090000333', 'Bùi Văn Hải', '1990', 'Nam', '', '', '', '', '', '', '12345', '', '', '', ''],
  ['', '', '', '', '', '', '', '', '', '', '', '', '', '', ''], // line 11: empty, skipped
  ['001090000444', 'Ngô Văn 3', '2030', 'X', 'Kinh', '1234', '', '', '', '', '', 'abc@', '', '', 'nhiều lỗi'],
  ['001195000555', 'Lý Thị Kim', '1995', 'Nữ', '', '', '', '0009999', '', '', '', '', '', '', ''],
  ['066198000777', nfd("H'Hen Niê"), '12.08.1998', 'Nữ', nfd('Ê Đê'), '24121', '', '', '', '', '+84 905.123.456', '', '', '', ''],
];

const EXPECTED_CITIZENS: { row: number; citizen: CitizenInput }[] = [
  {
    row: 2,
    citizen: {
      pin: '001203004567',
      fullName: 'Nguyễn Văn An',
      dateOfBirth: '2003-03-15',
      sex: 'male',
      ethnicity: 'Kinh',
      permanentResidence: { unitCode: '00001', unitDate: REFERENCE, addressLine: 'Số 5, phố Phúc Xá' },
      household: { number: '0001234', headPin: '001203004567', relation: 'head' },
      phone: '0912345678',
      email: 'an.nguyen@example.vn',
      identityCard: { number: '001203004567', issuedOn: '2021-07-01' },
    },
  },
  {
    row: 3,
    citizen: {
      pin: '001175000123',
      fullName: 'Trần Thị Bình',
      dateOfBirth: '1975',
      sex: 'female',
      ethnicity: 'Kinh',
      permanentResidence: { unitCode: '00001', unitDate: REFERENCE, addressLine: 'Số 5, phố Phúc Xá' },
      household: { number: '0001234', headPin: '001203004567', relation: 'parent' },
    },
  },
  {
    row: 4,
    citizen: {
      pin: '001050000001',
      fullName: 'Lê Văn Cường',
      dateOfBirth: '1950-06',
      sex: 'male',
      ethnicity: 'Kinh',
      permanentResidence: { unitCode: '00001', unitDate: REFERENCE, addressLine: 'Số 7, ngõ 12' },
    },
  },
  {
    row: 14,
    citizen: {
      pin: '066198000777',
      fullName: "H'Hen Niê",
      dateOfBirth: '1998-08-12',
      sex: 'female',
      ethnicity: 'Ê Đê',
      permanentResidence: { unitCode: '24121', unitDate: REFERENCE },
      phone: '0905123456',
    },
  },
];

const EXPECTED_ERRORS = [
  { row: 1, column: 'Ghi chú', code: 'IMPORT_COLUMN_UNKNOWN' },
  { row: 6, column: 'so_dinh_danh', code: 'PIN_FORMAT' },
  { row: 7, column: 'so_dinh_danh', code: 'PIN_SEX_MISMATCH' },
  { row: 8, column: 'ngay_sinh', code: 'IMPORT_DATE_INVALID' },
  { row: 9, column: 'quan_he_voi_chu_ho', code: 'IMPORT_RELATION_UNKNOWN' },
  { row: 10, column: 'so_dien_thoai', code: 'IMPORT_PHONE_FORMAT' },
  { row: 12, column: 'ho_ten', code: 'IMPORT_NAME_CHARACTERS' },
  { row: 12, column: 'ngay_sinh', code: 'IMPORT_DATE_IN_FUTURE' },
  { row: 12, column: 'gioi_tinh', code: 'IMPORT_SEX_INVALID' },
  { row: 12, column: 'thuong_tru_ma_dvhc', code: 'IMPORT_UNIT_CODE_FORMAT' },
  { row: 12, column: 'email', code: 'IMPORT_EMAIL_FORMAT' },
  { row: 13, column: 'so_dinh_danh_chu_ho', code: 'IMPORT_HOUSEHOLD_INCOMPLETE' },
  { row: 13, column: 'quan_he_voi_chu_ho', code: 'IMPORT_HOUSEHOLD_INCOMPLETE' },
];

/** Every stored string of a citizen, for the NFC check. */
const strings = (x: unknown): string[] => (typeof x === 'string' ? [x] : x && typeof x === 'object' ? Object.values(x).flatMap(strings) : []);

describe('citizen import files: CSV', () => {
  it('reads a UTF-8 (BOM, CRLF) list: exactly the good citizens, in NFC, and every error by row, column and code', async () => {
    const p = file('danh-sach.csv', `\ufeff${csvText([HEADER, ...ROWS], ',', '\r\n')}\r\n`);
    const rows = await readAll({ path: p });
    expect(citizensOf(rows)).toEqual(EXPECTED_CITIZENS);
    expect(errorsOf(rows)).toEqual(EXPECTED_ERRORS);
    // A row yields a citizen or errors, never both; every text is NFC; partial dates stay partial.
    for (const r of rows) expect(r.citizen === undefined).toBe(r.errors.length > 0);
    for (const { citizen } of citizensOf(rows)) for (const s of strings(citizen)) expect(s).toBe(s.normalize('NFC'));
    // The unknown column is reported once, not on every row; the bad values are kept as read.
    expect(rows.flatMap((r) => r.errors).filter((e) => e.code === 'IMPORT_COLUMN_UNKNOWN')).toHaveLength(1);
    const byRow = new Map(rows.map((r) => [r.row, r.errors]));
    expect(byRow.get(6)![0]).toMatchObject({ value: '00120300456', params: { pin: '00120300456' } });
    expect(byRow.get(7)![0]).toMatchObject({ value: '001303004568', params: { digit: 3, sex: 'male' } });
    expect(byRow.get(8)![0]!.value).toBe('2023-02-30');
    expect(byRow.get(10)![0]!.value).toBe('12345');
  });

  it('reads the same list saved by a Vietnamese Windows (Windows-1258, semicolons) identically, whether detected or declared', async () => {
    const encoded = iconv.encode(cp1258Form(csvText([HEADER, ...ROWS], ';', '\r\n')), 'windows-1258');
    expect(iconv.decode(encoded, 'windows-1258').normalize('NFC')).toBe(csvText([HEADER, ...ROWS], ';', '\r\n').normalize('NFC')); // nothing lost
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(encoded)).toThrow(); // so "auto" has something to detect
    const p = file('danh-sach-1258.csv', encoded);
    const detected = await readAll({ stream: fs.createReadStream(p), name: 'danh-sach-1258.csv' });
    expect(citizensOf(detected)).toEqual(EXPECTED_CITIZENS);
    expect(errorsOf(detected)).toEqual(EXPECTED_ERRORS);
    const declared = await readAll({ path: p }, { referenceDate: REFERENCE, encoding: 'windows-1258' });
    expect(citizensOf(declared)).toEqual(EXPECTED_CITIZENS);
    // Declared UTF-8, the same bytes stop the file with a clear error instead of garbled names.
    await expect(readAll({ path: p }, { referenceDate: REFERENCE, encoding: 'utf8' })).rejects.toMatchObject({ code: 'IMPORT_FILE_ENCODING' });
  });

  it('reads LF files without BOM and counts lines across quoted CRLF, LF and blank lines', async () => {
    const text = csvText([['so_dinh_danh', 'ho_ten', 'ngay_sinh', 'gioi_tinh', 'thuong_tru_ma_dvhc', 'thuong_tru_dia_chi'], ROWS[2]!.slice(0, 4).concat(['00001', 'a\r\n\r\nb']), [], ['001175000123', 'Trần Thị Bình', '1975', 'Nữ', '', ''], ['001050000001', 'X', '1950', 'Nam', '', '']], ',', '\n');
    const rows = await readAll({ path: file('lf.csv', text) });
    expect(rows.map((r) => r.row)).toEqual([2, 6, 7]);
    expect(rows[0]!.citizen!.permanentResidence!.addressLine).toBe('a b');
    expect(errorsOf(rows)).toEqual([{ row: 7, column: 'ho_ten', code: 'IMPORT_NAME_LENGTH' }]);
  });

  it('stops a file that lacks a required column, naming it; reports a value under no header', async () => {
    const missing = file('thieu-cot.csv', csvText([['Số định danh cá nhân', 'Họ và tên', 'Giới tính'], ['001203004567', 'Nguyễn Văn An', 'Nam']], ',', '\r\n'));
    const err = await readAll({ path: missing }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'IMPORT_COLUMN_MISSING', extensions: { columns: ['ngay_sinh'] } });
    expect((err as AppError).localized('vi')).toBe('Tệp thieu-cot.csv thiếu cột bắt buộc: "Ngày sinh" (ngay_sinh).');

    const duplicate = file('trung-cot.csv', 'ho_ten,Họ và tên,so_dinh_danh,ngay_sinh,gioi_tinh\r\n');
    await expect(readAll({ path: duplicate })).rejects.toMatchObject({ code: 'IMPORT_COLUMN_DUPLICATE' });
    await expect(readAll({ path: file('rong.csv', '\ufeff\r\n\r\n') })).rejects.toMatchObject({ code: 'IMPORT_FILE_EMPTY' });
    await expect(readAll({ path: file('cu.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) })).rejects.toMatchObject({ code: 'IMPORT_FILE_FORMAT_UNSUPPORTED' });
    await expect(readAll({ path: file('ngoac.csv', 'so_dinh_danh,ho_ten,ngay_sinh,gioi_tinh\r\n001203004567,"Nguyễn Văn An,2003,Nam\r\n') })).rejects.toMatchObject({ code: 'IMPORT_FILE_UNREADABLE' });

    const extra = await readAll({ path: file('thua.csv', 'so_dinh_danh;ho_ten;ngay_sinh;gioi_tinh\r\n001203004567;Nguyễn Văn An;2003;Nam;;lạc chỗ\r\n') });
    expect(extra).toEqual([{ row: 2, errors: [{ column: '#6', code: 'IMPORT_VALUE_WITHOUT_COLUMN', value: 'lạc chỗ', params: { column: '#6' } }] }]);
  });

  it('reports every missing required value, dependent columns and the head-of-household rule', async () => {
    const header = ['so_dinh_danh', 'ho_ten', 'ngay_sinh', 'gioi_tinh', 'tam_tru_dia_chi', 'so_ho', 'so_dinh_danh_chu_ho', 'quan_he_voi_chu_ho', 'so_dinh_danh_cha', 'ngay_het_han', 'dan_toc'];
    const rows = await readAll({
      path: file(
        'phu-thuoc.csv',
        csvText(
          [
            header,
            ['', '', '', '', 'Phòng 3', '', '', '', '', '2030-01-01', 'x'.repeat(101)],
            ['001203004567', 'Nguyễn Văn An', '2003', 'Nam', '', '01', '001175000123', 'Chủ hộ', '001175000123', '', ''],
          ],
          ',',
          '\r\n',
        ),
      ),
    });
    expect(errorsOf(rows)).toEqual([
      { row: 2, column: 'so_dinh_danh', code: 'IMPORT_VALUE_REQUIRED' },
      { row: 2, column: 'ho_ten', code: 'IMPORT_VALUE_REQUIRED' },
      { row: 2, column: 'ngay_sinh', code: 'IMPORT_VALUE_REQUIRED' },
      { row: 2, column: 'gioi_tinh', code: 'IMPORT_VALUE_REQUIRED' },
      { row: 2, column: 'dan_toc', code: 'IMPORT_TEXT_TOO_LONG' },
      { row: 2, column: 'tam_tru_ma_dvhc', code: 'IMPORT_PLACE_CODE_MISSING' },
      { row: 2, column: 'so_the_can_cuoc', code: 'IMPORT_CARD_NUMBER_MISSING' },
      { row: 3, column: 'so_dinh_danh_chu_ho', code: 'IMPORT_HOUSEHOLD_HEAD_MISMATCH' },
      { row: 3, column: 'so_dinh_danh_cha', code: 'PIN_SEX_MISMATCH' },
    ]);
  });

  it('reads 200,000 rows in bounded memory, every row counted', async () => {
    const p = path.join(dir, 'lon.csv');
    const out = fs.createWriteStream(p);
    out.write('\ufeffSố định danh cá nhân,Họ và tên,Ngày sinh,Giới tính,Nơi thường trú (mã ĐVHC),Nơi thường trú (địa chỉ),Số hộ,Số định danh chủ hộ,Quan hệ với chủ hộ,Số điện thoại,Thư điện tử\r\n');
    const N = 200_000;
    for (let i = 0; i < N; i++) {
      const pin = `001090${String(i).padStart(6, '0')}`;
      const day = String((i % 28) + 1).padStart(2, '0');
      const line = `${pin},Nguyễn Văn An,${day}/05/1990,Nam,10897,"Số ${i}, ngõ ${i % 97}, đường Nguyễn Trãi, thôn Hoàng Đường",${i},${pin},Chủ hộ,09${String(i).padStart(8, '0')},an.nguyen.${i}@example.vn\r\n`;
      if (!out.write(line)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    expect(fs.statSync(p).size).toBeGreaterThan(30_000_000);

    const before = process.memoryUsage().heapUsed;
    let peak = before;
    let citizens = 0;
    let errors = 0;
    let lastRow = 0;
    for await (const r of readCitizenFile({ path: p }, { referenceDate: REFERENCE })) {
      if (r.citizen) citizens++;
      errors += r.errors.length;
      lastRow = r.row;
      if (r.row % 5000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    expect({ citizens, errors, lastRow }).toEqual({ citizens: N, errors: 0, lastRow: N + 1 });
    expect(peak - before).toBeLessThan(100 * 1024 * 1024);
    console.info(`200,000 rows: heap growth at most ${((peak - before) / 1048576).toFixed(1)} MB`);
  }, 180_000);
});

describe('citizen import files: XLSX', () => {
  it('reports a number cell in a digits column (leading zeros lost) and reads text, date and year cells; English headers', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Citizens');
    sheet.addRow(['Personal identification number', 'FULL NAME', 'Date of birth', 'sex', 'Phone number']);
    sheet.addRow(['001203004567', 'Nguyễn Văn An', '15/03/2003', 'male', '0912345678']);
    sheet.addRow([1203004567, nfd('Trần Văn Bảo'), '2003', 'Nam', '']); // Excel took the number and dropped 00
    sheet.addRow(['001175000123', 'Trần Thị Bình', 1975, 'female', 912345678]);
    sheet.addRow([]);
    sheet.addRow(['030190012345', { richText: [{ text: 'Nguyễn ' }, { font: { bold: true }, text: 'Thị Hoa' }] }, new Date(Date.UTC(1990, 4, 12)), 'Nữ', '+84912345678']);
    const p = file('citizens.xlsx', Buffer.from(await workbook.xlsx.writeBuffer()));

    const rows = await readAll({ path: p });
    expect(citizensOf(rows)).toEqual([
      { row: 2, citizen: { pin: '001203004567', fullName: 'Nguyễn Văn An', dateOfBirth: '2003-03-15', sex: 'male', phone: '0912345678' } },
      { row: 6, citizen: { pin: '030190012345', fullName: 'Nguyễn Thị Hoa', dateOfBirth: '1990-05-12', sex: 'female', phone: '0912345678' } },
    ]);
    expect(rows.filter((r) => r.errors.length > 0)).toEqual([
      { row: 3, errors: [{ column: 'so_dinh_danh', code: 'IMPORT_NUMBER_AS_NUMBER', value: '1203004567' }] },
      { row: 4, errors: [{ column: 'so_dien_thoai', code: 'IMPORT_NUMBER_AS_NUMBER', value: '912345678' }] },
    ]);
  });

  it('CSV saved from Excel: numbers that lost their leading zeros are reported as such on their row, never padded', async () => {
    const p = file(
      'mat-so-0.csv',
      csvText(
        [
          ['Số định danh cá nhân', 'Họ và tên', 'Ngày sinh', 'Giới tính', 'Số điện thoại', 'Số định danh của mẹ'],
          ['1203004567', 'Nguyễn Văn An', '15/03/2003', 'Nam', '', ''], // Hà Nội (001): two zeros gone
          ['30190012345', 'Nguyễn Thị Hoa', '12/05/1990', 'Nữ', '912345678', ''],
          ['30190012345', 'Nguyễn Văn Hòa', '12/05/1990', 'Nam', '', ''], // padded it would say female: not a lost zero
          ['001203004567', 'Nguyễn Văn An', '15/03/2003', 'Nam', '0912345678', '1175000123'],
          ['123456789', 'Lê Văn Cường', '1950', 'Nam', '12345', ''], // padded, no valid number either
        ],
        ',',
        '\r\n',
      ),
    );
    const rows = await readAll({ path: p });
    expect(citizensOf(rows)).toEqual([]);
    expect(rows.flatMap((r) => r.errors.map((e) => ({ row: r.row, ...e })))).toEqual([
      { row: 2, column: 'so_dinh_danh', code: 'IMPORT_LEADING_ZERO_LOST', value: '1203004567', params: { digits: 10, expected: 12 } },
      { row: 3, column: 'so_dinh_danh', code: 'IMPORT_LEADING_ZERO_LOST', value: '30190012345', params: { digits: 11, expected: 12 } },
      { row: 3, column: 'so_dien_thoai', code: 'IMPORT_LEADING_ZERO_LOST', value: '912345678', params: { digits: 9, expected: 10 } },
      { row: 4, column: 'so_dinh_danh', code: 'PIN_FORMAT', value: '30190012345', params: { pin: '30190012345' } },
      { row: 5, column: 'so_dinh_danh_me', code: 'IMPORT_LEADING_ZERO_LOST', value: '1175000123', params: { digits: 10, expected: 12 } },
      { row: 6, column: 'so_dinh_danh', code: 'PIN_FORMAT', value: '123456789', params: { pin: '123456789' } },
      { row: 6, column: 'so_dien_thoai', code: 'IMPORT_PHONE_FORMAT', value: '12345' },
    ]);
    const report = (await writeErrorReport([{ row: 2, column: 'so_dinh_danh', code: 'IMPORT_LEADING_ZERO_LOST', value: '1203004567', params: { digits: 10, expected: 12 } }], 'csv', 'vi')).toString('utf8');
    expect(report.split('\r\n')[1]).toBe(
      '2,Số định danh cá nhân,IMPORT_LEADING_ZERO_LOST,"Ô cột ""Số định danh cá nhân"" có 10 chữ số (*******567) thay vì 12: các chữ số 0 ở đầu có lẽ đã mất khi tệp được lưu từ Excel. Hãy định dạng cột là Văn bản (Text), nhập đủ 12 chữ số rồi lưu lại tệp; hệ thống không tự thêm số 0.",*******567',
    );
  });

  it('releases the file when the caller stops early (CSV and XLSX)', async () => {
    const csv = file('dung-som.csv', csvText([HEADER, ...ROWS], ',', '\r\n'));
    const xlsx = file('dung-som.xlsx', await writeCitizenTemplate('xlsx'));
    for (const p of [csv, xlsx]) {
      const stream = fs.createReadStream(p);
      for await (const r of readCitizenFile({ stream, name: path.basename(p) }, { referenceDate: REFERENCE })) {
        expect(r.row).toBeGreaterThan(0);
        break;
      }
      expect(stream.destroyed).toBe(true);
    }
  });

  it('reads an upload stream by content whatever its name, and stops on a broken zip', async () => {
    const p = file('template.xlsx', await writeCitizenTemplate('xlsx'));
    const rows = await readAll({ stream: fs.createReadStream(p), name: 'upload.bin' });
    expect(rows.map((r) => r.row)).toEqual([2]);
    const broken = fs.readFileSync(p).subarray(0, 600);
    await expect(readAll({ path: file('hong.xlsx', broken) })).rejects.toMatchObject({ code: 'IMPORT_FILE_UNREADABLE' });
  });
});

describe('citizen import template', () => {
  const EXAMPLE: CitizenInput = {
    pin: '030190012345',
    fullName: 'Nguyễn Thị Hoa',
    dateOfBirth: '1990-05-12',
    sex: 'female',
    nationality: 'Việt Nam',
    ethnicity: 'Kinh',
    religion: 'Không',
    birthRegistration: { unitCode: '10897', unitDate: '2023-02-28' },
    homeTown: { unitCode: '10897', unitDate: '2023-02-28' },
    permanentResidence: { unitCode: '10897', unitDate: '2023-02-28', addressLine: 'Số 12, thôn Hoàng Đường', since: '2015-03-20' },
    currentResidence: { unitCode: '10897', unitDate: '2023-02-28', addressLine: 'Số 12, thôn Hoàng Đường' },
    household: { number: '0001234', headPin: '030190012345', relation: 'head' },
    fatherPin: '030060001234',
    motherPin: '030165002345',
    spousePin: '030088003456',
    phone: '0912345678',
    email: 'hoa.nguyen@example.vn',
    identityCard: { number: '030190012345', issuedOn: '2021-04-15', expiresOn: '2030-05-12' },
  };

  it('covers CitizenInput in a fixed order, each header matched by key, Vietnamese or English header and nothing else', () => {
    expect(CITIZEN_TEMPLATE_COLUMNS.map((c) => c.key)).toEqual([
      'so_dinh_danh', 'ho_ten', 'ten_goi_khac', 'ngay_sinh', 'gioi_tinh', 'quoc_tich', 'dan_toc', 'ton_giao', 'noi_dang_ky_khai_sinh', 'que_quan',
      'thuong_tru_ma_dvhc', 'thuong_tru_dia_chi', 'thuong_tru_tu_ngay', 'tam_tru_ma_dvhc', 'tam_tru_dia_chi', 'o_hien_tai_ma_dvhc', 'o_hien_tai_dia_chi',
      'so_ho', 'so_dinh_danh_chu_ho', 'quan_he_voi_chu_ho', 'so_dinh_danh_cha', 'so_dinh_danh_me', 'so_dinh_danh_vo_chong', 'so_dien_thoai', 'email',
      'so_the_can_cuoc', 'ngay_cap', 'ngay_het_han', 'ngay_dang_ky',
    ]);
    expect(CITIZEN_TEMPLATE_COLUMNS.filter((c) => c.required).map((c) => c.key)).toEqual(['so_dinh_danh', 'ho_ten', 'ngay_sinh', 'gioi_tinh']);
    const owner = new Map<string, string>();
    for (const c of CITIZEN_TEMPLATE_COLUMNS) {
      for (const h of [c.key, c.header.vi, c.header.en]) {
        expect(owner.get(headerMatchKey(h)) ?? c.key).toBe(c.key); // no two columns share a header
        owner.set(headerMatchKey(h), c.key);
      }
    }
    expect(headerMatchKey(nfd(' SỐ  ĐỊNH danh CÁ nhân'))).toBe(headerMatchKey('Số định danh cá nhân'));
    expect(headerMatchKey('so_dinh_danh')).toBe(headerMatchKey('So dinh danh'));
  });

  it('CSV: UTF-8 with BOM and CRLF, header and example row, read back as its example citizen', async () => {
    const buf = await writeCitizenTemplate('csv');
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = buf.toString('utf8').slice(1);
    expect(text.split('\r\n')).toHaveLength(3); // two lines and the final CRLF
    expect(text).not.toMatch(/[^\r]\n/);
    expect(text.startsWith('Số định danh cá nhân,Họ và tên,Tên gọi khác,Ngày sinh,Giới tính,')).toBe(true);
    expect(await readAll({ path: file('mau.csv', buf) })).toEqual([{ row: 2, citizen: EXAMPLE, errors: [] }]);
  });

  it('XLSX: bold header, digits columns formatted as Text, read back as its example citizen', async () => {
    const buf = await writeCitizenTemplate('xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(buf as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const col = (key: string) => CITIZEN_TEMPLATE_COLUMNS.findIndex((c) => c.key === key) + 1;
    expect(sheet.getRow(1).getCell(1).value).toBe('Số định danh cá nhân');
    expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
    for (const key of ['so_dinh_danh', 'so_dien_thoai', 'so_dinh_danh_chu_ho', 'so_the_can_cuoc', 'thuong_tru_ma_dvhc']) {
      expect(sheet.getColumn(col(key)).numFmt).toBe('@');
      expect(sheet.getRow(2).getCell(col(key)).numFmt).toBe('@');
    }
    expect(sheet.getRow(2).getCell(col('so_dinh_danh')).value).toBe('030190012345');
    expect(sheet.getColumn(col('ho_ten')).numFmt).toBeUndefined();
    expect(await readAll({ path: file('mau.xlsx', buf) })).toEqual([{ row: 2, citizen: EXAMPLE, errors: [] }]);
  });
});

describe('import error report', () => {
  const ENTRIES: ImportErrorEntry[] = [
    { row: 1, column: 'Ghi chú', code: 'IMPORT_COLUMN_UNKNOWN', value: 'Ghi chú', params: { column: 'Ghi chú' } },
    { row: 6, column: 'so_dinh_danh', code: 'PIN_FORMAT', value: '00120300456', params: { pin: '00120300456' } },
    { row: 7, column: 'so_dinh_danh', code: 'PIN_SEX_MISMATCH', value: '001303004568', params: { digit: 3, sex: 'male' } },
    { row: 9, column: 'so_dinh_danh', code: 'PIN_CENTURY_MISMATCH', value: '*********111', params: {} }, // as the importer stores it: masked, no params
    { row: 10, column: 'so_dien_thoai', code: 'IMPORT_PHONE_FORMAT', value: '12345' },
    { row: 3, column: 'so_dinh_danh', code: 'IMPORT_NUMBER_AS_NUMBER', value: '1203004567' },
    { row: 12, column: 'ho_ten', code: 'IMPORT_NAME_LENGTH', value: 'A', params: { min: 2, max: 100 } },
  ];

  it('CSV: Vietnamese messages, identification and phone numbers masked but for the last three digits', async () => {
    const buf = await writeErrorReport(ENTRIES, 'csv', 'vi');
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = buf.toString('utf8').slice(1).split('\r\n');
    expect(lines[0]).toBe('Dòng,Cột,Mã lỗi,Nội dung lỗi,Giá trị');
    expect(lines.slice(1, -1)).toEqual([
      '1,Ghi chú,IMPORT_COLUMN_UNKNOWN,"Cột ""Ghi chú"" không có trong mẫu nên được bỏ qua.",Ghi chú',
      '6,Số định danh cá nhân,PIN_FORMAT,"Số định danh cá nhân ""********456"" phải gồm đúng 12 chữ số.",********456',
      '7,Số định danh cá nhân,PIN_SEX_MISMATCH,Chữ số thứ 4 (3) của số định danh không khớp với giới tính.,*********568',
      '9,Số định danh cá nhân,PIN_CENTURY_MISMATCH,Chữ số thứ 4 của số định danh không khớp với thế kỷ của năm sinh ….,*********111',
      '10,Số điện thoại,IMPORT_PHONE_FORMAT,"Số điện thoại ""**345"" không phải số di động Việt Nam (0 và 9 chữ số, hoặc +84…).",**345',
      '3,Số định danh cá nhân,IMPORT_NUMBER_AS_NUMBER,"Ô cột ""Số định danh cá nhân"" là số (*******567) nên Excel có thể đã bỏ các chữ số 0 ở đầu; hãy định dạng cột là Văn bản (Text) rồi nhập lại.",*******567',
      '12,Họ và tên,IMPORT_NAME_LENGTH,Họ và tên phải có từ 2 đến 100 ký tự.,A',
    ]);
    for (const clear of ['00120300456', '001303004568', '1203004567', '12345']) expect(buf.toString('utf8')).not.toContain(clear);
  });

  it('XLSX: the same lines, in English or Vietnamese, values as text', async () => {
    for (const lang of ['vi', 'en'] as const) {
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load((await writeErrorReport(ENTRIES, 'xlsx', lang)) as unknown as ArrayBuffer);
      const sheet = workbook.worksheets[0]!;
      const values = (r: number) => (sheet.getRow(r).values as unknown[]).slice(1);
      expect(sheet.getRow(1).font?.bold).toBe(true);
      expect(values(1)).toEqual(lang === 'vi' ? ['Dòng', 'Cột', 'Mã lỗi', 'Nội dung lỗi', 'Giá trị'] : ['Row', 'Column', 'Code', 'Message', 'Value']);
      expect(values(3)).toEqual(
        lang === 'vi'
          ? ['6', 'Số định danh cá nhân', 'PIN_FORMAT', 'Số định danh cá nhân "********456" phải gồm đúng 12 chữ số.', '********456']
          : ['6', 'Personal identification number', 'PIN_FORMAT', 'Personal identification number "********456" must be exactly 12 digits.', '********456'],
      );
      expect(values(6)![4]).toBe('**345');
      expect(sheet.getColumn(5).numFmt).toBe('@');
    }
  });
});

describe('import value forms (properties)', () => {
  it('a real calendar day reads the same as YYYY-MM-DD, dd/mm/yyyy and d.m.yyyy; an impossible one is refused', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1900, max: 2100 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), (y, m, d) => {
        const real = new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
        const iso = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
        const expected = real ? iso : undefined;
        expect(normalizeImportDate(iso)).toBe(expected);
        expect(normalizeImportDate(`${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/${y}`)).toBe(expected);
        expect(normalizeImportDate(`${d}.${m}.${y}`)).toBe(expected);
        expect(normalizeImportDate(`${m}/${y}`, { partial: true })).toBe(iso.slice(0, 7));
        expect(normalizeImportDate(`${m}/${y}`)).toBeUndefined(); // partial only where allowed
      }),
    );
    expect(normalizeImportDate('1990', { partial: true })).toBe('1990');
    expect(normalizeImportDate('1990-13', { partial: true })).toBeUndefined();
  });

  it('a mobile number reads the same however spaced, dotted or prefixed; masking keeps only the last three digits', () => {
    fc.assert(
      fc.property(fc.constantFrom('3', '5', '7', '8', '9'), fc.stringMatching(/^\d{8}$/), (p, rest) => {
        const n = `0${p}${rest}`;
        expect(normalizePhone(n)).toBe(n);
        expect(normalizePhone(`+84 ${p}${rest.slice(0, 2)}.${rest.slice(2, 5)}.${rest.slice(5)}`)).toBe(n);
        expect(maskDigits(n)).toBe(`*******${n.slice(-3)}`);
      }),
    );
    expect(normalizePhone('0212345678')).toBeUndefined();
    expect(normalizePhone('091234567')).toBeUndefined();
  });
});
