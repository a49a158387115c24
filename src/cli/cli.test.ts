import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runCli } from './main.js';
import { allMigrations } from '../app/modules.js';

const DATA = path.resolve(import.meta.dirname, '../../../shared/data/admin-units');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-cli-'));
const env = { DATABASE_URL: `sqlite:${path.join(dir, 'cli.sqlite')}`, LOG_LEVEL: 'silent', MOTCUA_LANG: 'en', MOTCUA_DEMO: 'off' };

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    const code = await runCli(['node', 'motcua', ...args], env);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('motcua CLI (SQLite)', () => {
  it('migrates, then reports nothing pending', async () => {
    const first = await run('migrate');
    expect(first.code).toBe(0);
    const applied: string[] = JSON.parse(first.out).applied;
    // every module's migrations, in name order, the platform's first
    expect(applied).toEqual(Object.keys(allMigrations()).sort());
    expect(applied.slice(0, 2)).toEqual(['0001_platform_audit', '0002_platform_indicator_counts']);
    expect(applied).toEqual(expect.arrayContaining(['0010_platform_outbox', '0100_units', '0200_identity_staff', '0300_population', '0400_calendar']));
    expect(JSON.parse((await run('migrate')).out).applied).toEqual([]);
  });

  it('seeds the built-in units and lists Hải Dương districts as they were', async () => {
    expect((await run('seed')).code).toBe(0);
    const r = await run('units', 'list', '--parent', '30', '--at', '2023-02-28');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')).toContain('295\tHuyện Cẩm Giàng\tTỉnh Hải Dương');
    expect(r.err).toBe('12 of 12 units in force on 2023-02-28\n');
  });

  it('imports the 2025 list and its mapping, idempotently', async () => {
    const list = path.join(DATA, 'post2025/vn-units-2level-2025-07-01.json');
    const first = await run('units', 'import', list, '--valid-from', '2025-07-01', '--source', 'QĐ 19/2025/QĐ-TTg');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out)).toMatchObject({ read: 3355, inserted: 3321, unchanged: 34 });
    expect(JSON.parse((await run('units', 'import', list, '--valid-from', '2025-07-01')).out)).toMatchObject({ inserted: 0, unchanged: 3355 });
    const merges = await run('units', 'import-succession', path.join(DATA, 'mapping/new-to-old-merges.json'));
    // the 63 province links are built in already: only the 10,604 commune links are new
    expect(JSON.parse(merges.out)).toMatchObject({ format: 'merges', read: 10667, added: 10604, alreadyPresent: 63 });
    const found = await run('units', 'list', '-q', 'cam giang', '--at', '2025-07-01');
    expect(found.out).toContain('10888\tXã Cẩm Giang\tThành phố Hải Phòng');
  });

  it('reports a bad file by row and field, exits 1 and imports nothing', async () => {
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, '\uFEFFstt,code,name,province_name,province_code\r\n1,10888,Xã Cẩm Giang,Tp Hải Phòng,31\r\n2,1089,Xã Lỗi,Tp Hải Phòng,31\r\n3,10999,Thôn Sai,Tp Hải Phòng,31\r\n');
    const r = await run('units', 'import', bad, '--valid-from', '2027-01-01');
    expect(r.code).toBe(1);
    expect(r.err.split('\n').filter(Boolean)).toEqual([
      'UNIT_IMPORT_REJECTED: File bad.csv has 2 bad rows; nothing was imported.',
      '  - row 3 · code: File bad.csv, row 3, field code: a commune code has 5 digits (got "1089")',
      '  - row 4 · name: File bad.csv, row 4, field name: "Thôn Sai" does not start with a commune type (Phường, Xã, Thị trấn, Đặc khu)',
    ]);
  });

  it('rejects a bad date and an unknown format with their codes', async () => {
    const r = await run('units', 'import', path.join(DATA, 'post2025/gso-915-provinces-2025.csv'), '--valid-from', '2025-02-30');
    expect(r.code).toBe(2);
    expect(r.err).toContain('"2025-02-30" is not a date YYYY-MM-DD');
    const limit = await run('units', 'list', '--limit', 'abc');
    expect(limit.code).toBe(2);
    expect(limit.err).toContain('"abc" is not a whole number from 1 to 100000');
    const level = await run('units', 'list', '--level', 'village');
    expect(level.code).toBe(2);
    const unknown = path.join(dir, 'x.json');
    fs.writeFileSync(unknown, '{"hello": 1}');
    const u = await run('units', 'import', unknown, '--valid-from', '2025-07-01');
    expect(u.err.trim()).toBe('UNIT_IMPORT_FORMAT_UNKNOWN: File x.json is in no known administrative-unit list format.');
  });

  it('verifies the audit chain', async () => {
    const r = await run('audit', 'verify');
    expect(r.code).toBe(0);
    // units seed, calendar seed, services catalog seed, two imports of the list, the mapping; rejected files wrote nothing
    expect(JSON.parse(r.out)).toEqual({ ok: true, checked: 6 });
    expect(r.err).toBe('');
  });

  it('creates a staff account, seeds a synthetic population and imports a citizen list', async () => {
    const staff = await run('staff', 'create', '--username', 'pc06.haiduong', '--password', 'Mot-cua-2023!', '--role', 'PROVINCIAL_POLICE', '--unit', '30');
    expect(staff.code).toBe(0);
    expect(JSON.parse(staff.out)).toMatchObject({ username: 'pc06.haiduong', role: 'PROVINCIAL_POLICE', unitCode: '30' });
    const weak = await run('staff', 'create', '--username', 'x.y', '--password', '123', '--role', 'ADMIN');
    expect(weak.code).toBe(1);
    expect(weak.err).toContain('STAFF_PASSWORD_WEAK');
    const seeded = await run('seed', 'population', '--province', '30', '--count', '300', '--seed', '7');
    expect(seeded.code).toBe(0);
    expect(JSON.parse(seeded.out)).toEqual({ created: 300 });
    const list = path.join(dir, 'list.csv');
    fs.writeFileSync(list, 'so_dinh_danh,ho_ten,ngay_sinh,gioi_tinh,thuong_tru_ma_dvhc\n030090001234,Nguyễn Văn An,1990-05-12,Nam,10897\n030090001235,Sai Giới,1990-05-12,Nữ,10897\n');
    const errorsOut = path.join(dir, 'loi.csv');
    const imported = await run('citizens', 'import', list, '--reference-date', '2023-02-28', '--errors-out', errorsOut);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.out)).toMatchObject({ status: 'done', rowsRead: 2, created: 1, badRows: 1 });
    expect(fs.readFileSync(errorsOut, 'utf8')).toContain('PIN_SEX_MISMATCH');
  });

  it('backs up while the data changes, refuses an unconfirmed restore, and restores with the audit chain checked', async () => {
    const file = path.join(dir, 'backup.sqlite');
    const backup = await run('backup', file);
    expect(backup.code).toBe(0);
    const taken = JSON.parse(backup.out);
    expect(taken).toMatchObject({ engine: 'sqlite', file });
    expect(taken.tables.citizens).toBe(301); // 300 generated + Nguyễn Văn An
    expect((await run('seed', 'population', '--province', '30', '--count', '20', '--seed', '8')).code).toBe(0);
    const unconfirmed = await run('restore', file);
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.err).toContain('RESTORE_NOT_CONFIRMED');
    const restored = await run('restore', file, '--yes');
    expect(restored.code).toBe(0);
    const after = JSON.parse(restored.out);
    expect(after.tables).toEqual(taken.tables);
    expect(after.audit.ok).toBe(true);
  });

  it('shows help and fails on an unknown command with exit code 2', async () => {
    expect((await run('units', 'import', '--help')).code).toBe(0);
    expect((await run('frobnicate')).code).toBe(2);
  });
});

describe('motcua serve', () => {
  it('serves, then shuts down cleanly on SIGTERM with exit code 0', async () => {
    const { spawn } = await import('node:child_process');
    const root = path.resolve(import.meta.dirname, '../..');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/entry.ts', 'serve'], {
      cwd: root,
      env: { PATH: process.env.PATH, ...env, PORT: '0', MOTCUA_SEED: 'none' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const address = await new Promise<string>((resolve, reject) => {
      let err = '';
      child.stderr!.on('data', (d: Buffer) => {
        err += String(d);
        const m = err.match(/serving at (http:\/\/\S+)/);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
    });
    expect((await fetch(`${address}/healthz`).then((r) => r.json())) as unknown).toEqual({ status: 'ok' });
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});
