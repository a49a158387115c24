import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readUnitList } from './formats.js';

describe('unit list formats', () => {
  it('reports a repeated code at the row where it repeats, naming the first', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-formats-')), 'dup.json');
    fs.writeFileSync(
      file,
      JSON.stringify([
        { Code: '98', Name: 'Thử', FullName: 'Tỉnh Thử', AdministrativeUnitId: 2, Wards: [
          { Code: '99001', Name: 'A', FullName: 'Xã A', AdministrativeUnitId: 4, ProvinceCode: '98' },
          { Code: '99002', Name: 'B', FullName: 'Xã B', AdministrativeUnitId: 4, ProvinceCode: '98' },
          { Code: '99001', Name: 'C', FullName: 'Phường C', AdministrativeUnitId: 3, ProvinceCode: '98' },
        ] },
      ]),
    );
    const r = readUnitList(file, { validFrom: '2027-01-01', validUntil: null, source: 'test' });
    expect(r.errors).toEqual([{ row: 4, location: '[0].Wards[2]', field: 'Code', code: 'FIELD_INVALID', reason: 'code 99001 appears more than once (first at row 2)' }]);
    expect(r.units.map((u) => u.code)).toEqual(['98', '99001', '99002']);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  it('normalises a lower-case type prefix ("xã Bắc Sơn" in the 2026 list)', () => {
    const r = readUnitList(path.resolve(import.meta.dirname, '../../../shared/data/admin-units/post2025/vn-units-2level-2026-04-30.json'), { validFrom: '2026-04-30', validUntil: null, source: 'test' });
    expect(r.errors).toEqual([]);
    expect(r.units.find((u) => u.code === '06325')).toMatchObject({ fullName: 'Xã Bắc Sơn', type: 'Xã', name: 'Bắc Sơn' });
    expect(r.units.find((u) => u.code === '06970')?.name).toBe('Ba Chẽ');
  });
});
