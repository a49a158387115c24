import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { readSheetRows, type SheetRow } from './spreadsheets.js';

// exceljs spools a worksheet stored before the shared strings to a temporary file through `tmp`;
// slowing that file's creation gives unzipper time to read the whole zip meanwhile, which is what
// a loaded machine did to a desk help-log import in CI.
const fromExceljs = createRequire(createRequire(import.meta.url).resolve('exceljs'));
const tmp = fromExceljs('tmp') as { file: (cb: (...args: unknown[]) => void) => void };
const tmpFile = tmp.file;
afterEach(() => {
  tmp.file = tmpFile;
});

const HELP_LOG = [
  ['Thời gian', 'Quầy', 'Nội dung hỗ trợ', 'Kết quả'],
  ['20/02/2023 08:15', 'Quầy hỗ trợ số 1', 'Cài đặt ứng dụng VNeID', 'Hoàn thành'],
  ['2023-02-20 09:00', 'Quầy thôn Hoàng Xá', 'Nộp hồ sơ trực tuyến thay công dân', 'Hoàn thành'],
];

async function workbook(rows: string[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('Sheet1');
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function rowsOf(file: Buffer, name = 'help.xlsx'): Promise<SheetRow[]> {
  const rows: SheetRow[] = [];
  for await (const row of readSheetRows(Readable.from([file]), name)) rows.push(row);
  return rows;
}

describe('readSheetRows on XLSX', () => {
  it('reads every row, shared strings resolved, even when the zip is read before the worksheet is spooled', async () => {
    const file = await workbook(HELP_LOG);
    tmp.file = (cb) => setTimeout(() => tmpFile(cb), 50);
    for (let i = 0; i < 3; i++) {
      expect(await rowsOf(file)).toEqual([
        { row: 1, values: HELP_LOG[0] },
        { row: 2, values: HELP_LOG[1] },
        { row: 3, values: HELP_LOG[2] },
      ]);
    }
  });

  it('stops a truncated XLSX with IMPORT_FILE_UNREADABLE instead of waiting for the rest', async () => {
    const file = await workbook(HELP_LOG);
    await expect(rowsOf(file.subarray(0, Math.floor(file.length * 0.6)))).rejects.toMatchObject({ code: 'IMPORT_FILE_UNREADABLE' });
  });
});
