/**
 * Reviewing duplicate candidates: records held back at creation or import because they look like
 * a person already registered (same folded name, date of birth and place of birth registration).
 * An officer decides: `distinct` — two people after all: the held record is created; `same` — one
 * person: the held record is dropped (the registered one stays). Each decision is audited.
 */
import type { Kysely } from 'kysely';
import { AppError } from '../platform/errors.js';
import { normalizeText } from '../platform/text.js';
import { recordAudit, recordAuditNow, type AuditActor } from '../platform/audit/audit.js';
import type { Database } from '../platform/db/database.js';
import type { UnitsTables } from '../units/index.js';
import type { CitizenInput } from './model.js';
import { checkCitizen, maskPin, saveCitizens, UnitPaths } from './registry.js';
import { closeDuplicate, duplicateById, duplicatesByStatus, type PopulationTables } from './store.js';

type Db = Kysely<PopulationTables>;

export interface DuplicateCandidate {
  id: number;
  /** The held record's number and name. */
  pinMasked: string;
  fullName: string;
  dateOfBirth: string;
  /** The registered person it looks like. */
  existingPinMasked: string;
  reason: string;
  source: string;
  createdAt: string;
  status: string;
}

/** Candidates by status, masked; the read is audited with every person shown. */
export async function listDuplicates(db: Database, status: 'open' | 'distinct' | 'same', page: { offset: number; limit: number }, actor: AuditActor): Promise<{ items: DuplicateCandidate[]; total: number }> {
  const { items, total } = await duplicatesByStatus(db.as<PopulationTables>(), status, page.offset, page.limit);
  await recordAuditNow(db, { actor, action: 'citizen.duplicates-list', subjects: items.flatMap((r) => [{ type: 'citizen', id: r.pin }, { type: 'citizen', id: r.existing_pin }]), summary: `${items.length} of ${total} ${status} duplicate candidates shown, masked` });
  return {
    total,
    items: items.map((r) => {
      const held = JSON.parse(r.data) as CitizenInput;
      return { id: r.id, pinMasked: maskPin(r.pin), fullName: normalizeText(held.fullName), dateOfBirth: held.dateOfBirth, existingPinMasked: maskPin(r.existing_pin), reason: r.reason, source: r.source, createdAt: r.created_at, status: r.status };
    }),
  };
}

/** Decides a candidate. Errors: DUPLICATE_NOT_FOUND (404), DUPLICATE_DECIDED (409), CITIZEN_EXISTS. */
export async function decideDuplicate(db: Database, id: number, decision: 'distinct' | 'same', actor: AuditActor): Promise<{ id: number; decision: string; created: boolean }> {
  const k = db.as<PopulationTables>();
  const candidate = await duplicateById(k, id);
  if (!candidate) throw new AppError('DUPLICATE_NOT_FOUND', { id });
  const held = JSON.parse(candidate.data) as CitizenInput;
  const path = decision === 'distinct' ? await checkCitizen(held, new UnitPaths(db.as<UnitsTables>())) : null;
  return db.transaction(async (trx) => {
    if (!(await closeDuplicate(trx as Db, id, decision))) throw new AppError('DUPLICATE_DECIDED', { id });
    let created = false;
    if (decision === 'distinct') {
      // Two people: write the held record past the look-alike check.
      const [outcome] = await saveCitizens(trx as Db, [{ citizen: held, path }], { mode: 'create', actor: actor.id, source: `duplicate:${id}`, allowLookAlike: true });
      created = outcome?.outcome === 'created';
    }
    await recordAudit(trx, {
      actor,
      action: 'citizen.duplicate-decision',
      subjects: [{ type: 'citizen', id: candidate.pin }, { type: 'citizen', id: candidate.existing_pin }],
      summary: `candidate ${id}: ${decision === 'distinct' ? 'two people, record created' : 'one person, held record dropped'}`,
    });
    return { id, decision, created };
  });
}
