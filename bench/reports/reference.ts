/**
 * The reference of the reports-dashboard benchmark: the roll-up figures of the dashboard for a unit
 * of the province and a period (with its previous period, which the dashboard's cards compare
 * against) computed by GROUP BY over the records themselves — dossiers, e-ID applications and
 * accounts — with the days, units and breakdowns the modules count (the recount of
 * ./data.ts), on the indexes the record tables have in the project. Each query answers rows per
 * commune, Vietnam day and breakdown: what the dashboard's engine needs for its cards, daily
 * series and ranking of the units below (placing the rows on units, summing and ranking them in
 * JavaScript is left out of the reference's time: the reference is timed lower than a real
 * GROUP BY dashboard would be).
 */
import type SQLite from 'better-sqlite3';

export type ReferenceIndicator = 'dossiers.received' | 'dossiers.completed' | 'dossiers.overdue' | 'eid.applications' | 'eid.activations';

/** Where a query looks: the province, or one of its districts (by the records' scope columns). */
export interface ReferenceScope {
  level: 'province' | 'district';
  code: string;
}

/** `YYYY-MM-DD` Vietnam midnight as the ISO UTC timestamp the records store. */
export function vnMidnightUtc(day: string): string {
  return new Date(`${day}T00:00:00+07:00`).toISOString();
}

/** The day after `day`. */
export function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

const scopeColumn = (s: ReferenceScope, alias = '') => `${alias}${s.level === 'province' ? 'scope_province' : 'scope_district'} = @unit`;

/** The GROUP BY of each indicator over `from`..`to` (Vietnam dates, inclusive); each row has a count `n`. */
function statements(scope: ReferenceScope): Record<ReferenceIndicator, string> {
  return {
    'dossiers.received': `select unit_code, unit_date as day, sector, channel, filed_by, count(*) as n from dossiers
      where submitted_at >= @fromUtc and submitted_at < @toUtc and ${scopeColumn(scope)} group by 1, 2, 3, 4, 5`,
    'dossiers.completed': `select unit_code, date(completed_at, '+7 hours') as day, on_time, count(*) as n from dossiers
      where completed_at >= @fromUtc and completed_at < @toUtc and ${scopeColumn(scope)} group by 1, 2, 3`,
    'dossiers.overdue': `select unit_code, overdue_since as day, count(*) as n from dossiers
      where overdue_since >= @from and overdue_since <= @to and ${scopeColumn(scope)} group by 1, 2`,
    'eid.applications': `select unit_code, date(created_at, '+7 hours') as day, channel, level, count(*) as n from eid_applications
      where created_at >= @fromUtc and created_at < @toUtc and ${scopeColumn(scope)} group by 1, 2, 3, 4`,
    'eid.activations': `select p.unit_code, date(a.activated_at, '+7 hours') as day, a.level, p.channel, count(*) as n
      from eid_accounts a join eid_applications p on p.id = a.application_id
      where a.activated_at >= @fromUtc and a.activated_at < @toUtc and ${scopeColumn(scope, 'p.')} group by 1, 2, 3, 4`,
  };
}

/** A row of a reference query: a commune, a Vietnam day, breakdown columns, and the count. */
export interface ReferenceRow {
  unit_code: string;
  day: string;
  n: number;
}

/** Prepared reference queries over one connection, by scope. */
export class Reference {
  private readonly prepared = new Map<string, Record<ReferenceIndicator, SQLite.Statement>>();
  constructor(private readonly db: SQLite.Database) {}

  private of(scope: ReferenceScope): Record<ReferenceIndicator, SQLite.Statement> {
    const k = `${scope.level}:${scope.code}`;
    let p = this.prepared.get(k);
    if (!p) {
      p = Object.fromEntries(Object.entries(statements(scope)).map(([i, q]) => [i, this.db.prepare(q)])) as Record<ReferenceIndicator, SQLite.Statement>;
      this.prepared.set(k, p);
    }
    return p;
  }

  /** Rows of every indicator for `from`..`to`, and the time each query took (ms). */
  figures(scope: ReferenceScope, from: string, to: string): { rows: Record<ReferenceIndicator, ReferenceRow[]>; ms: Record<ReferenceIndicator, number> } {
    const params = { unit: scope.code, from, to, fromUtc: vnMidnightUtc(from), toUtc: vnMidnightUtc(nextDay(to)) };
    const rows = {} as Record<ReferenceIndicator, ReferenceRow[]>;
    const ms = {} as Record<ReferenceIndicator, number>;
    for (const [i, st] of Object.entries(this.of(scope)) as [ReferenceIndicator, SQLite.Statement][]) {
      const t = performance.now();
      rows[i] = st.all(params) as ReferenceRow[];
      ms[i] = performance.now() - t;
    }
    return { rows, ms };
  }
}
