/**
 * SQL of the population module. Tables:
 * - `citizens`: one row per personal identification number, the current state of the record,
 *   with a `version` raised by every change; `scope_*` are the commune/district/province codes
 *   of the person's residence (current, else permanent) as of its unit date, for unit scoping;
 *   `name_folded` the search form of the name; `dup_key` the duplicate-detection key.
 * - `citizen_history`: append-only, one row per change: who, when, which source, the changed
 *   fields with their old and new values.
 * - `citizen_duplicates`: records held back because they look like an existing person.
 */
import { CompiledQuery, sql, type Generated, type Kysely, type Migration, type SelectQueryBuilder } from 'kysely';
import { withIdColumn } from '../platform/db/migrations.js';
import { insertRows, isPostgres, runStatement, statementText } from '../platform/db/database.js';

export interface CitizenRow {
  pin: string;
  /** Opaque random reference used by lists, which never show the full number. */
  ref: string;
  full_name: string;
  name_folded: string;
  sort_key: string;
  other_names: string | null;
  date_of_birth: string;
  birth_year: number;
  sex: string;
  nationality: string;
  ethnicity: string | null;
  religion: string | null;
  birth_reg_unit: string | null;
  birth_reg_date: string | null;
  home_town_unit: string | null;
  home_town_date: string | null;
  perm_unit: string | null;
  perm_date: string | null;
  perm_address: string | null;
  perm_since: string | null;
  temp_unit: string | null;
  temp_date: string | null;
  temp_address: string | null;
  temp_since: string | null;
  cur_unit: string | null;
  cur_date: string | null;
  cur_address: string | null;
  cur_since: string | null;
  scope_commune: string | null;
  scope_district: string | null;
  scope_province: string | null;
  /** The date the scope codes refer to (the residence's unit date). */
  scope_date: string | null;
  household_no: string | null;
  household_head_pin: string | null;
  household_relation: string | null;
  father_pin: string | null;
  mother_pin: string | null;
  spouse_pin: string | null;
  phone: string | null;
  email: string | null;
  id_card_number: string | null;
  id_card_issued: string | null;
  id_card_expires: string | null;
  id_card_chip: number;
  status: string;
  deceased_on: string | null;
  dup_key: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface PopulationTables {
  citizens: CitizenRow;
  citizen_history: {
    id: Generated<number>;
    pin: string;
    version: number;
    at: string;
    actor: string;
    source: string;
    changes: string;
  };
  citizen_duplicates: {
    id: Generated<number>;
    pin: string;
    existing_pin: string;
    reason: string;
    data: string;
    status: string;
    source: string;
    created_at: string;
  };
}

type Db = Kysely<PopulationTables>;

const TEXT_COLUMNS = [
  'other_names', 'ethnicity', 'religion', 'birth_reg_unit', 'birth_reg_date', 'home_town_unit', 'home_town_date',
  'perm_unit', 'perm_date', 'perm_address', 'perm_since', 'temp_unit', 'temp_date', 'temp_address', 'temp_since',
  'cur_unit', 'cur_date', 'cur_address', 'cur_since', 'scope_commune', 'scope_district', 'scope_province', 'scope_date',
  'household_no', 'household_head_pin', 'household_relation', 'father_pin', 'mother_pin', 'spouse_pin', 'phone', 'email',
  'id_card_number', 'id_card_issued', 'id_card_expires', 'deceased_on',
] as const satisfies readonly (keyof CitizenRow)[];

export const populationMigrations: Record<string, Migration> = {
  '0300_population': {
    async up(db: Kysely<any>) {
      let t = db.schema
        .createTable('citizens')
        .addColumn('pin', 'text', (c) => c.primaryKey().check(sql`length(pin) = 12`))
        .addColumn('ref', 'text', (c) => c.notNull().unique())
        .addColumn('full_name', 'text', (c) => c.notNull())
        .addColumn('name_folded', 'text', (c) => c.notNull())
        .addColumn('sort_key', 'text', (c) => c.notNull())
        .addColumn('date_of_birth', 'text', (c) => c.notNull())
        .addColumn('birth_year', 'integer', (c) => c.notNull())
        .addColumn('sex', 'text', (c) => c.notNull().check(sql`sex in ('male','female')`))
        .addColumn('nationality', 'text', (c) => c.notNull())
        .addColumn('id_card_chip', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('living','deceased','cancelled','re_established')`))
        .addColumn('dup_key', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull());
      for (const col of TEXT_COLUMNS) t = t.addColumn(col, 'text');
      await t.execute();
      await db.schema.createIndex('citizens_name').on('citizens').columns(['name_folded']).execute();
      await db.schema.createIndex('citizens_scope_commune').on('citizens').columns(['scope_commune', 'sort_key']).execute();
      await db.schema.createIndex('citizens_scope_province').on('citizens').columns(['scope_province', 'sort_key']).execute();
      await db.schema.createIndex('citizens_dup_key').on('citizens').columns(['dup_key']).execute();
      await db.schema.createIndex('citizens_phone').on('citizens').columns(['phone']).execute();
      await db.schema.createIndex('citizens_household').on('citizens').columns(['household_no']).execute();
      await withIdColumn(db, db.schema.createTable('citizen_history'))
        .addColumn('pin', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('changes', 'text', (c) => c.notNull())
        .addUniqueConstraint('citizen_history_version', ['pin', 'version'])
        .execute();
      await withIdColumn(db, db.schema.createTable('citizen_duplicates'))
        .addColumn('pin', 'text', (c) => c.notNull())
        .addColumn('existing_pin', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('citizen_duplicates_pair', ['pin', 'existing_pin'])
        .execute();
    },
  },
};

/**
 * Name search by word prefixes on an engine-native full-text index: SQLite FTS5 (unicode61
 * tokenizer, external content kept in step by triggers) and PostgreSQL GIN over
 * `to_tsvector('simple', name_folded)`. Both index the folded name, so "nguyen van h" finds
 * "Nguyễn Văn Hùng".
 */
export const searchMigrations: Record<string, Migration> = {
  '0302_population_name_search': {
    async up(db: Kysely<any>) {
      if (isPostgres(db)) {
        await sql`create index citizens_name_tsv on citizens using gin (to_tsvector('simple', name_folded))`.execute(db);
        return;
      }
      await sql`create virtual table citizens_fts using fts5(name_folded, content='citizens', content_rowid='rowid', tokenize='unicode61')`.execute(db);
      await sql`create trigger citizens_fts_insert after insert on citizens begin insert into citizens_fts(rowid, name_folded) values (new.rowid, new.name_folded); end`.execute(db);
      await sql`create trigger citizens_fts_delete after delete on citizens begin insert into citizens_fts(citizens_fts, rowid, name_folded) values ('delete', old.rowid, old.name_folded); end`.execute(db);
      await sql`create trigger citizens_fts_update after update of name_folded on citizens begin insert into citizens_fts(citizens_fts, rowid, name_folded) values ('delete', old.rowid, old.name_folded); insert into citizens_fts(rowid, name_folded) values (new.rowid, new.name_folded); end`.execute(db);
      await sql`insert into citizens_fts(citizens_fts) values ('rebuild')`.execute(db);
    },
  },
  /**
   * SQLite: the full-text index also holds the year of birth (a second column), so "given name
   * born in 1985" is answered inside the index instead of reading every person of that given
   * name; positions are no longer kept (`detail=column`: only words and columns are searched,
   * never phrases), which makes the index smaller and its reads faster. And the words of all
   * names (`citizen_name_words`, a few thousand syllables), so that a word typed is looked up as
   * the few whole words it begins ({@link nameWordsStartingWith}) instead of FTS5 merging every
   * word of the prefix on each query. PostgreSQL: nothing (its GIN index answers prefixes).
   */
  '0303_population_name_search_words': {
    async up(db: Kysely<any>) {
      if (isPostgres(db)) return;
      for (const t of ['citizens_fts_insert', 'citizens_fts_delete', 'citizens_fts_update']) await sql`drop trigger if exists ${sql.ref(t)}`.execute(db);
      await sql`drop table if exists citizens_fts`.execute(db);
      await sql`create virtual table citizens_fts using fts5(name_folded, birth_year, content='citizens', content_rowid='rowid', tokenize='unicode61', detail='column')`.execute(db);
      await sql`create trigger citizens_fts_insert after insert on citizens begin insert into citizens_fts(rowid, name_folded, birth_year) values (new.rowid, new.name_folded, new.birth_year); end`.execute(db);
      await sql`create trigger citizens_fts_delete after delete on citizens begin insert into citizens_fts(citizens_fts, rowid, name_folded, birth_year) values ('delete', old.rowid, old.name_folded, old.birth_year); end`.execute(db);
      await sql`create trigger citizens_fts_update after update of name_folded, birth_year on citizens begin insert into citizens_fts(citizens_fts, rowid, name_folded, birth_year) values ('delete', old.rowid, old.name_folded, old.birth_year); insert into citizens_fts(rowid, name_folded, birth_year) values (new.rowid, new.name_folded, new.birth_year); end`.execute(db);
      await sql`insert into citizens_fts(citizens_fts) values ('rebuild')`.execute(db);
      await sql`create table citizen_name_words (word text primary key) without rowid`.execute(db);
      for (let after = 0; ; ) {
        const chunk = (await sql<{ id: number; name_folded: string }>`select rowid as id, name_folded from citizens where rowid > ${after} order by rowid limit 50000`.execute(db)).rows;
        if (chunk.length === 0) break;
        await addNameWords(db, chunk.map((r) => r.name_folded));
        after = Number(chunk[chunk.length - 1]!.id);
      }
    },
  },
  /**
   * SQLite: the registry's distinct full names (`citizen_full_names`: collation key and folded
   * form, a few tens of thousands for a province) with a full-text index of their own, so that a
   * search matching tens of thousands of people lists its first page in collation order from the
   * few names it matches ({@link searchCitizens}) instead of sorting every person. Kept like
   * `citizen_name_words`: every write of a name records it, nothing prunes it. PostgreSQL: nothing.
   */
  '0304_population_full_names': {
    async up(db: Kysely<any>) {
      if (isPostgres(db)) return;
      await sql`create table citizen_full_names (id integer primary key, sort_key text not null, name_folded text not null, unique (sort_key, name_folded))`.execute(db);
      await sql`create virtual table citizen_full_names_fts using fts5(name_folded, content='citizen_full_names', content_rowid='id', tokenize='unicode61', detail='column')`.execute(db);
      await sql`create trigger citizen_full_names_fts_insert after insert on citizen_full_names begin insert into citizen_full_names_fts(rowid, name_folded) values (new.id, new.name_folded); end`.execute(db);
      await sql`insert into citizen_full_names (sort_key, name_folded) select distinct sort_key, name_folded from citizens order by sort_key, name_folded`.execute(db);
    },
  },
};

/** The words of a folded name as the FTS5 `unicode61` tokenizer cuts them (letters and digits). */
function wordsOf(nameFolded: string): string[] {
  return nameFolded.match(/[\p{L}\p{N}\p{Co}]+/gu) ?? [];
}

/** SQLite: records the words of these folded names in `citizen_name_words` (in the caller's transaction). */
async function addNameWords(db: Kysely<any>, names: readonly string[]): Promise<void> {
  if (isPostgres(db) || names.length === 0) return;
  const words = [...new Set(names.flatMap(wordsOf))];
  for (let i = 0; i < words.length; i += 500) {
    const slice = words.slice(i, i + 500);
    await db.executeQuery(CompiledQuery.raw(`insert into citizen_name_words (word) values ${slice.map(() => '(?)').join(', ')} on conflict do nothing`, slice));
  }
}

/**
 * SQLite: records the words of these names ({@link addNameWords}) and the names themselves in
 * `citizen_full_names` (collation key and folded form; in the caller's transaction).
 */
async function addNames(db: Kysely<any>, names: readonly { sort_key: string; name_folded: string }[]): Promise<void> {
  if (isPostgres(db) || names.length === 0) return;
  await addNameWords(db, names.map((n) => n.name_folded));
  const distinct = [...new Map(names.map((n) => [`${n.sort_key}\u0000${n.name_folded}`, n])).values()];
  for (let i = 0; i < distinct.length; i += 400) {
    const slice = distinct.slice(i, i + 400);
    await db.executeQuery(CompiledQuery.raw(`insert into citizen_full_names (sort_key, name_folded) values ${slice.map(() => '(?, ?)').join(', ')} on conflict do nothing`, slice.flatMap((n) => [n.sort_key, n.name_folded])));
  }
}

/** More whole words than this for one typed prefix: FTS5 merges them itself (`"w"*`). */
const MAX_PREFIX_WORDS = 64;

/**
 * SQLite: the whole words of the registry's names that begin with `prefix` (a folded word), or
 * null when there are more than {@link MAX_PREFIX_WORDS} (a one- or two-letter prefix). Every
 * write of a name goes through {@link insertCitizens} or {@link updateCitizen}, which record its
 * words; `citizen_name_words` is never pruned, so a word no longer used only costs a lookup.
 */
export async function nameWordsStartingWith(db: Db, prefix: string): Promise<string[] | null> {
  const end = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
  const r = await db.executeQuery<{ word: string }>(CompiledQuery.raw('select word from citizen_name_words where word >= ? and word < ? order by word limit ?', [prefix, end, MAX_PREFIX_WORDS + 1]));
  return r.rows.length > MAX_PREFIX_WORDS ? null : r.rows.map((w) => w.word);
}

const CITIZEN_BY_PIN = statementText('select * from citizens where pin = ?');
/**
 * One citizen by identification number. The hottest read of the registry (every lookup): its
 * text is built once ({@link statementText}) and run by {@link runStatement}, which spares the
 * query builder's work and, on SQLite, Kysely's executor on every call.
 */
export async function citizenByPin(db: Db, pin: string): Promise<CitizenRow | undefined> {
  return (await runStatement<CitizenRow>(db, CITIZEN_BY_PIN, [pin]))[0];
}

/** The record of a list reference (a UUID, stored in lower case; read in either case, as UUIDs are, RFC 9562 §4). */
export async function citizenByRef(db: Db, ref: string): Promise<CitizenRow | undefined> {
  return db.selectFrom('citizens').selectAll().where('ref', '=', ref.toLowerCase()).executeTakeFirst();
}

export async function citizensByPins(db: Db, pins: string[]): Promise<CitizenRow[]> {
  const out: CitizenRow[] = [];
  for (let i = 0; i < pins.length; i += 500) out.push(...(await db.selectFrom('citizens').selectAll().where('pin', 'in', pins.slice(i, i + 500)).execute()));
  return out;
}

/** People with these duplicate keys (folded name, date of birth, place of birth registration). */
export async function citizensByDupKeys(db: Db, keys: string[]): Promise<{ pin: string; dup_key: string }[]> {
  const out: { pin: string; dup_key: string }[] = [];
  for (let i = 0; i < keys.length; i += 500) out.push(...(await db.selectFrom('citizens').select(['pin', 'dup_key']).where('dup_key', 'in', keys.slice(i, i + 500)).execute()));
  return out;
}

/** Every column of `citizens`, in the order multi-row inserts bind them. */
const CITIZEN_COLUMNS = [
  'pin', 'ref', 'full_name', 'name_folded', 'sort_key', 'date_of_birth', 'birth_year', 'sex', 'nationality', 'id_card_chip',
  'status', 'dup_key', 'version', 'created_at', 'updated_at', ...TEXT_COLUMNS,
] as const satisfies readonly (keyof CitizenRow)[];
const HISTORY_COLUMNS = ['pin', 'version', 'at', 'actor', 'source', 'changes'] as const;
// Compile-time check: a column added to CitizenRow must be added to CITIZEN_COLUMNS too.
type Unlisted = Exclude<keyof CitizenRow, (typeof CITIZEN_COLUMNS)[number]>;
const allCitizenColumnsListed: [Unlisted] extends [never] ? true : Unlisted = true;
void allCitizenColumnsListed;

/** PostgreSQL types of the integer columns written by `insertRows` (every other one is text). */
const INTEGER_COLUMNS = { birth_year: 'integer', id_card_chip: 'integer', version: 'integer' } as const;

/** Multi-row inserts, sized to stay under both engines' bound-parameter limits. */
export async function insertCitizens(db: Db, rows: CitizenRow[]): Promise<void> {
  await insertRows(db, 'citizens', CITIZEN_COLUMNS, rows, { perStatement: 100, types: INTEGER_COLUMNS });
  await addNames(db, rows);
}

export async function updateCitizen(db: Db, pin: string, expectedVersion: number, set: Partial<CitizenRow>): Promise<boolean> {
  const r = await db.updateTable('citizens').set(set).where('pin', '=', pin).where('version', '=', expectedVersion).executeTakeFirst();
  // A name is always written with its collation key (contentColumns in registry.ts).
  if (set.name_folded !== undefined && set.sort_key !== undefined) await addNames(db, [{ name_folded: set.name_folded, sort_key: set.sort_key }]);
  else if (set.name_folded !== undefined || set.sort_key !== undefined) throw new Error('updateCitizen: name_folded and sort_key change together');
  return Number(r.numUpdatedRows) === 1;
}

export async function insertHistory(db: Db, rows: Omit<PopulationTables['citizen_history'], 'id'>[]): Promise<void> {
  await insertRows(db, 'citizen_history', HISTORY_COLUMNS, rows, { perStatement: 500, types: INTEGER_COLUMNS });
}

export async function historyOf(db: Db, pin: string, offset: number, limit: number) {
  const [items, count] = await Promise.all([
    db.selectFrom('citizen_history').selectAll().where('pin', '=', pin).orderBy('version', 'desc').offset(offset).limit(limit).execute(),
    db.selectFrom('citizen_history').select((eb) => eb.fn.countAll<number>().as('n')).where('pin', '=', pin).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number(count.n) };
}

export async function insertDuplicate(db: Db, row: Omit<PopulationTables['citizen_duplicates'], 'id'>): Promise<number> {
  const r = await db
    .insertInto('citizen_duplicates')
    .values(row)
    .onConflict((oc) => oc.columns(['pin', 'existing_pin']).doUpdateSet({ data: row.data }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(r.id);
}

export type DuplicateRow = Omit<PopulationTables['citizen_duplicates'], 'id'> & { id: number };

export async function duplicatesByStatus(db: Db, status: string, offset: number, limit: number): Promise<{ items: DuplicateRow[]; total: number }> {
  const [items, count] = await Promise.all([
    db.selectFrom('citizen_duplicates').selectAll().where('status', '=', status).orderBy('id').offset(offset).limit(limit).execute(),
    db.selectFrom('citizen_duplicates').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', status).executeTakeFirstOrThrow(),
  ]);
  return { items: items.map((r) => ({ ...r, id: Number(r.id) })), total: Number(count.n) };
}

export async function duplicateById(db: Db, id: number): Promise<DuplicateRow | undefined> {
  const r = await db.selectFrom('citizen_duplicates').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? { ...r, id: Number(r.id) } : undefined;
}

/** Closes an open candidate; false when it was not open any more (decided by someone else). */
export async function closeDuplicate(db: Db, id: number, status: 'distinct' | 'same'): Promise<boolean> {
  const r = await db.updateTable('citizen_duplicates').set({ status }).where('id', '=', id).where('status', '=', 'open').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Most people a search counts and lists: a search matching more says so (`totalCapped`) and lists
 * the first {@link SEARCH_TOTAL_CAP} in collation order; narrowing it (year of birth, unit, more
 * words) is the way to the others. Counting every "Nguyễn Văn" of a province (60,000 people of
 * a million) is what made a search slow, and no official reads past the first pages.
 */
export const SEARCH_TOTAL_CAP = 1000;

export interface CitizenSearch {
  /** Folded name tokens; every one must occur in the name. */
  tokens: string[];
  birthYear?: number;
  /** Residence scope: a commune, district or province code. */
  unitCode?: string;
  /** The reader's unit through time (null: everywhere): records whose residence lies in one of these periods. */
  area?: readonly { code: string; validFrom: string; validUntil: string | null }[] | null;
  offset: number;
  limit: number;
  /** Most people counted and listed (default {@link SEARCH_TOTAL_CAP}). */
  cap?: number;
}

export interface CitizenSearchResult {
  items: CitizenRow[];
  /** People matching, at most the cap. */
  total: number;
  /** More people than `total` match; only the first `total` are listed. */
  totalCapped: boolean;
}

/** Unit codes by level: province 2 digits, district 3, commune 5 (GSO). */
const scopeColumn = (code: string) => (code.length === 2 ? 'scope_province' : code.length === 3 ? 'scope_district' : 'scope_commune');

/** The words a name search looks for: the folded tokens' runs of `a-z` and `0-9` (punctuation, symbols and emoji match nothing). */
export function searchWords(tokens: readonly string[]): string[] {
  return tokens.flatMap((t) => t.split(/[^a-z0-9]+/)).filter(Boolean);
}

/**
 * Citizens matching a search, in Vietnamese collation of their names (then by number): every
 * typed word must begin a word of the name ("nguyen v" finds Nguyễn Văn An; "guyen" finds
 * nobody). At most `cap` people are counted and listed ({@link SEARCH_TOTAL_CAP}).
 *
 * With name words on SQLite (measured on 1,000,000 people, one province):
 * - each typed word is looked up as the whole words of the registry it begins
 *   ({@link nameWordsStartingWith}: "quan" is `quan OR quang`), which FTS5 reads as plain word
 *   lists; a `"quan"*` prefix query instead merges the lists of every matching word on each
 *   search, 40–170 ms for a family name of 38 % of the people. A year of birth is a word of the
 *   index's second column, so "given name born in 1985" reads a hundredth of the rows;
 * - the name index drives the search: the condition on a province's or district's scope column is
 *   written `+column = ?`, which keeps SQLite (no statistics) from walking that scope's whole index
 *   in name order and testing each person against the name matches: 200–400 ms a search, against
 *   30–80 ms from the name matches. A commune's index (a few thousand people) is still used;
 * - above a commune, the matches are first counted up to the cap, streaming from the full-text
 *   index (about a millisecond). Past the cap ("nguyen van": 62,634 people), the page comes from
 *   the distinct full names the words match (59 of the registry's 41,914), taken in collation
 *   order, each read through the name index until the page is full ({@link pageByNames}): a few
 *   milliseconds, where reading and sorting every match took 140–290 ms;
 * - otherwise the matches are read once for both the page and the total (a materialised CTE,
 *   sorted on three columns, the page's rows fetched last), not twice.
 * Without name words, or on PostgreSQL, the page and the capped count are two queries.
 */
export async function searchCitizens(db: Db, s: CitizenSearch): Promise<CitizenSearchResult> {
  const cap = s.cap ?? SEARCH_TOTAL_CAP;
  if (s.offset >= cap) {
    const n = await cappedCount(db, s, cap);
    return { items: [], total: Math.min(n, cap), totalCapped: n > cap };
  }
  const limit = Math.min(s.limit, cap - s.offset);
  const postgres = isPostgres(db);
  // Folded words are [a-z0-9] only, so they are safe inside a full-text query (still bound as a
  // parameter); so are the whole words of the vocabulary, which the tokenizer made (letters, digits).
  const words = searchWords(s.tokens);
  const byName = words.length > 0 && !postgres;
  let base = withoutName(db, s, byName);
  if (!byName) {
    if (words.length > 0) base = base.where(sql<boolean>`to_tsvector('simple', name_folded) @@ to_tsquery('simple', ${words.map((w) => `${w}:*`).join(' & ')})`);
    const [items, n] = await Promise.all([base.selectAll().orderBy('sort_key').orderBy('pin').offset(s.offset).limit(limit).execute(), countUpTo(base, cap)]);
    return { items, total: Math.min(n, cap), totalCapped: n > cap };
  }
  // Each typed word as the whole words it begins (an OR), the year of birth inside the index.
  const groups: string[] = [];
  for (const w of words) {
    const whole = await nameWordsStartingWith(db, w);
    if (whole?.length === 0) return { items: [], total: 0, totalCapped: false }; // no name has a word beginning so
    groups.push(whole ? `(${whole.map((t) => `"${t}"`).join(' OR ')})` : `"${w}"*`);
  }
  const nameMatch = `{name_folded} : (${groups.join(' AND ')})`;
  const match = `${nameMatch}${s.birthYear !== undefined ? ` AND {birth_year} : "${s.birthYear}"` : ''}`;
  const inCommune = (s.unitCode !== undefined && scopeColumn(s.unitCode) === 'scope_commune') || (!!s.area && s.area.length > 0 && s.area.every((a) => scopeColumn(a.code) === 'scope_commune'));
  if (!inCommune) {
    const streamed = base.innerJoin(sql<{ fts_id: number }>`(select rowid as fts_id from citizens_fts where citizens_fts match ${match})`.as('f'), (j) => j.on(sql<boolean>`f.fts_id = citizens.rowid`));
    const n = await countUpTo(streamed, cap);
    if (n > cap) return { items: await pageByNames(db, base, nameMatch, s.offset, limit), total: cap, totalCapped: true };
  }
  const q = base.where(sql<boolean>`citizens.rowid in (select rowid from citizens_fts where citizens_fts match ${match})`);
  const matches = q.select([sql<number>`citizens.rowid`.as('id'), 'sort_key', 'pin']);
  const rows = (await (db as unknown as Kysely<any>)
    .with((cte) => cte('m').materialized(), () => matches)
    .selectFrom((eb) => eb.selectFrom('m').select(['id', 'sort_key', 'pin']).orderBy('sort_key').orderBy('pin').offset(s.offset).limit(limit).as('p'))
    .innerJoin('citizens as c', (join) => join.on(sql`c.rowid`, '=', sql.ref('p.id')))
    .selectAll('c')
    .select((eb) => eb.selectFrom('m').select(eb.fn.countAll().as('n')).as('search_total'))
    .orderBy('p.sort_key')
    .orderBy('p.pin')
    .execute()) as (CitizenRow & { search_total: number })[];
  // A page past the last match has no row to carry the total: it is counted apart.
  const n = rows.length > 0 ? Number(rows[0]!.search_total) : s.offset === 0 ? 0 : await countUpTo(q, cap);
  return { items: rows.map(({ search_total: _, ...row }) => row), total: Math.min(n, cap), totalCapped: n > cap };
}

/** `citizens` narrowed by everything of a search but its name words (year of birth, unit, the reader's area). */
function withoutName(db: Db, s: CitizenSearch, byName: boolean) {
  /** `column = code`, the column's index left out when the name drives the search and the unit is large. */
  const scopeIs = (column: 'scope_commune' | 'scope_district' | 'scope_province', code: string) =>
    byName && column !== 'scope_commune' ? sql<boolean>`+${sql.ref(column)} = ${code}` : sql<boolean>`${sql.ref(column)} = ${code}`;
  let q = db.selectFrom('citizens');
  if (s.birthYear !== undefined) q = q.where('birth_year', '=', s.birthYear);
  if (s.unitCode !== undefined) {
    const code = s.unitCode;
    q = q.where((eb) => eb.or([eb('scope_commune', '=', code), scopeIs('scope_district', code), scopeIs('scope_province', code)]));
  }
  if (s.area) {
    const area = s.area;
    q = q.where((eb) =>
      area.length === 0
        ? sql<boolean>`1 = 0` // a unit not in force on the account's date: nothing
        : eb.or(area.map((a) => eb.and([scopeIs(scopeColumn(a.code), a.code), eb('scope_date', '>=', a.validFrom), eb('scope_date', '<=', a.validUntil ?? '9999-12-31')]))),
    );
  }
  return q;
}

/** Rows of `q`, counted up to `cap + 1` (enough to know that there are more than `cap`). */
async function countUpTo(q: SelectQueryBuilder<any, any, any>, cap: number): Promise<number> {
  const r = await q.clearSelect().select(sql<number>`1`.as('one')).limit(cap + 1).execute();
  return r.length;
}

/** The capped count of a search asked for a page past the cap (which lists nobody). */
async function cappedCount(db: Db, s: CitizenSearch, cap: number): Promise<number> {
  const r = await searchCitizens(db, { ...s, offset: 0, limit: 1, cap });
  return r.totalCapped ? cap + 1 : r.total;
}

/**
 * SQLite: a page of a search with many matches, from the distinct full names `nameMatch` matches
 * (`citizen_full_names`, through their own full-text index) in collation order; each name's people
 * (narrowed by `base`: year, unit, area) are read through the name index, in number order, until
 * the page is full. The same order as sorting every match by collation key and number.
 */
async function pageByNames(db: Db, base: ReturnType<typeof withoutName>, nameMatch: string, offset: number, limit: number): Promise<CitizenRow[]> {
  const names = (
    await db.executeQuery<{ sort_key: string; name_folded: string }>(
      CompiledQuery.raw('select n.sort_key, n.name_folded from citizen_full_names_fts f join citizen_full_names n on n.id = f.rowid where citizen_full_names_fts match ? order by n.sort_key, n.name_folded', [nameMatch]),
    )
  ).rows;
  // The page's rows by id first: a whole row costs ~30 µs to hand to JavaScript, its id ~2 µs.
  const ids: number[] = [];
  let skip = offset;
  for (let i = 0; i < names.length && ids.length < limit; ) {
    // Names with one collation key (spelt alike but folded apart, in theory) are one run, sorted by number.
    const key = names[i]!.sort_key;
    const folded: string[] = [];
    for (; i < names.length && names[i]!.sort_key === key; i++) folded.push(names[i]!.name_folded);
    const rows = await base.select(sql<number>`citizens.rowid`.as('id')).where('name_folded', 'in', folded).where('sort_key', '=', key).orderBy('pin').limit(skip + limit - ids.length).execute();
    if (rows.length <= skip) {
      skip -= rows.length;
      continue;
    }
    for (const r of rows.slice(skip)) ids.push(Number(r.id));
    skip = 0;
  }
  if (ids.length === 0) return [];
  const byId = new Map((await db.selectFrom('citizens').selectAll().select(sql<number>`rowid`.as('row_id')).where(sql.ref('rowid'), 'in', ids).execute()).map(({ row_id, ...row }) => [Number(row_id), row as CitizenRow]));
  return ids.map((id) => byId.get(id)!);
}

export async function countCitizens(db: Db): Promise<number> {
  const r = await db.selectFrom('citizens').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** PostgreSQL: the planner's estimate of the rows of `citizens` (0 before its first statistics). */
export async function citizenRowEstimate(db: Db): Promise<number> {
  const r = await sql<{ n: number }>`select greatest(reltuples, 0)::bigint as n from pg_class where oid = 'citizens'::regclass`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

/** PostgreSQL: refreshes the planner statistics of `citizens` (`ANALYZE`: a sample, not a scan). */
export async function analyzeCitizens(db: Db): Promise<void> {
  await sql`analyze citizens`.execute(db);
}
