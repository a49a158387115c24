import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { recordAuditNow, verifyAuditChain } from '../audit/audit.js';
import { forEachEngine } from '../testing/engines.js';
import { startTestPlatform } from '../testing/app.js';
import { Database } from './database.js';
import { backupDatabase, restoreDatabase, tableCounts } from './backup.js';

const officer = { kind: 'staff' as const, id: 'canbo.camhoang', unitCode: '10897', sourceIp: '10.0.0.7', requestId: 'req-backup-01' };

forEachEngine('backup and restore', startTestPlatform, (env, engine) => {
  it('restores every row of a backup taken while the platform runs, with the audit chain intact', async () => {
    const { t, ctx } = env();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-backup-'));
    try {
      await recordAuditNow(ctx.db, { actor: officer, action: 'citizen.read', subjects: [{ type: 'citizen', id: '030095001234' }], purposeCode: 'SUPPORT_DESK', summary: 'before backup' });
      const before = await tableCounts(ctx.db);
      expect(before.admin_units).toBeGreaterThan(10_000); // the GSO list of 2023 and the 34 provinces of 2025
      const file = path.join(dir, engine === 'sqlite' ? 'motcua.sqlite' : 'motcua.dump');
      const result = await backupDatabase(ctx.db, t.url, file);
      expect(result.bytes).toBeGreaterThan(100_000);

      // Life goes on after the backup, then the backup is restored.
      await recordAuditNow(ctx.db, { actor: officer, action: 'citizen.read', subjects: [{ type: 'citizen', id: '030095009999' }], purposeCode: 'SUPPORT_DESK', summary: 'after backup' });
      expect((await tableCounts(ctx.db)).audit_log).toBe(before.audit_log! + 1);
      let db = ctx.db;
      if (engine === 'sqlite') await ctx.db.close();
      await restoreDatabase({ url: t.url, searchPath: t.schema }, file);
      if (engine === 'sqlite') db = await Database.open(t.url);
      try {
        expect(await tableCounts(db)).toEqual(before);
        expect(await verifyAuditChain(db)).toEqual({ ok: true, checked: before.audit_log });
      } finally {
        if (engine === 'sqlite') {
          await db.close();
          (t as { db: Database }).db = await Database.open(t.url);
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a file that is not a backup of this engine and changes nothing', async () => {
    const { t } = env();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-backup-'));
    try {
      const bogus = path.join(dir, 'not-a-backup.bin');
      fs.writeFileSync(bogus, 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
      await expect(restoreDatabase({ url: t.url, searchPath: t.schema }, bogus)).rejects.toMatchObject({ code: 'RESTORE_FILE_INVALID' });
      await expect(restoreDatabase({ url: t.url, searchPath: t.schema }, path.join(dir, 'missing'))).rejects.toMatchObject({ code: 'RESTORE_FILE_INVALID', params: { reason: 'no such file' } });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
