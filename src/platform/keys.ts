/**
 * Rotation of the data key (`motcua keys rotate`; NIST SP 800-57 Part 1 Rev. 5 §5.3, OWASP ASVS
 * 5.0 §11.2.2 "replace keys and re-encrypt data"): every value sealed under
 * `MOTCUA_DATA_KEY_PREVIOUS` in the columns the modules declare ({@link SealedColumn}, the
 * `sealed` member of a module) is opened and sealed again under `MOTCUA_DATA_KEY`, in one
 * transaction with an audit entry: after a failure nothing has changed, and a second run finds
 * nothing left to do. Keyed hashes are not touched: they are made with `MOTCUA_MAC_KEY` (see
 * src/platform/crypto.ts {@link keyRing}).
 *
 * App copies keep serving during a rotation when they run with the same key ring (both variables
 * set): they open either key's values and seal new ones under the new key. A value a copy changes
 * while the rotation runs is left as that copy wrote it (the update only replaces the value read).
 */
import { recordAudit, type AuditActor } from './audit/audit.js';
import { sealedKeyId, type KeyRing } from './crypto.js';
import type { Database } from './db/database.js';
import { AppError } from './errors.js';

/** A column of sealed values (text `v1.<keyId>.…`, or null), as a module declares it. */
export interface SealedColumn {
  table: string;
  /** The table's primary key column (rows are read in its order). */
  key: string;
  /** The column holding sealed values. */
  column: string;
  /** A column recording the id of the key that sealed the value, updated along with it. */
  keyIdColumn?: string;
  /** Further columns the context is made of. */
  columns?: readonly string[];
  /** The context the value was sealed with (see `DataCipher.seal`), from its row. */
  context(row: Record<string, unknown>): string;
}

export interface ColumnRotation {
  table: string;
  column: string;
  /** Sealed values found. */
  sealed: number;
  /** Values sealed again under the new key (the others already were under it). */
  resealed: number;
}

export interface RotationReport {
  /** Id (first 8 hex digits of the SHA-256) of the key everything is now sealed with. */
  keyId: string;
  /** Ids of the keys values were moved from. */
  from: string[];
  columns: ColumnRotation[];
  resealed: number;
}

/** Rows read (and held in memory) at a time. */
const BATCH = 500;

/**
 * Seals every value of `columns` that `ring` can open with a previous key again under its current
 * key, in one transaction, with an audit entry `keys.rotate` by `actor`. Errors (nothing changed):
 * KEYS_SEALED_UNKNOWN_KEY for a value sealed with a key the ring does not hold (a third key, or
 * the wrong previous key given); KEYS_SEALED_UNREADABLE for a value that does not open (altered,
 * or bound to another row).
 */
export async function rotateSealedColumns(db: Database, columns: readonly SealedColumn[], ring: KeyRing, actor: AuditActor): Promise<RotationReport> {
  const previous = new Set(ring.previous.map((c) => c.keyId));
  return db.transaction(async (trx) => {
    const report: ColumnRotation[] = [];
    for (const col of columns) {
      const done: ColumnRotation = { table: col.table, column: col.column, sealed: 0, resealed: 0 };
      let after: unknown;
      for (;;) {
        let q = trx
          .selectFrom(col.table)
          .select([col.key, col.column, ...(col.columns ?? [])])
          .where(col.column, 'is not', null)
          .orderBy(col.key)
          .limit(BATCH);
        if (after !== undefined) q = q.where(col.key, '>', after);
        const rows = (await q.execute()) as Record<string, unknown>[];
        for (const row of rows) {
          done.sealed++;
          const value = String(row[col.column]);
          const keyId = sealedKeyId(value);
          if (keyId === ring.keyId) continue;
          const where = { table: col.table, column: col.column, id: String(row[col.key]) };
          if (keyId === undefined || !previous.has(keyId)) throw new AppError('KEYS_SEALED_UNKNOWN_KEY', { ...where, keyId: keyId ?? '?' });
          const context = col.context(row);
          let plain: Buffer;
          try {
            plain = ring.open(value, context);
          } catch (cause) {
            throw new AppError('KEYS_SEALED_UNREADABLE', where, { cause });
          }
          const set: Record<string, string> = { [col.column]: ring.seal(plain, context) };
          plain.fill(0);
          if (col.keyIdColumn) set[col.keyIdColumn] = ring.keyId;
          // Only the value read is replaced: one an app copy wrote meanwhile is already under the new key.
          const r = await trx.updateTable(col.table).set(set).where(col.key, '=', row[col.key]).where(col.column, '=', value).executeTakeFirst();
          done.resealed += Number(r.numUpdatedRows);
        }
        if (rows.length < BATCH) break;
        after = rows.at(-1)![col.key];
      }
      report.push(done);
    }
    const resealed = report.reduce((n, c) => n + c.resealed, 0);
    const from = [...previous];
    await recordAudit(trx, {
      actor,
      action: 'keys.rotate',
      subjects: [{ type: 'data-key', id: ring.keyId }],
      summary: `data key ${from.join(', ') || '—'} → ${ring.keyId}: ${resealed} value(s) sealed again (${report.map((c) => `${c.table}.${c.column} ${c.resealed}/${c.sealed}`).join('; ')})`,
    });
    return { keyId: ring.keyId, from, columns: report, resealed };
  });
}
