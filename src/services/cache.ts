/**
 * A per-process cache of the two catalog answers every dossier submission needs: the entry in
 * force for a procedure code (parsed from its JSON once, not on every request) and whether a
 * service is deployed at a unit on a date.
 *
 * The catalog changes a few times a year — administrators' edits, deployments, a release's
 * built-in catalog — and every such write raises `services_revision` in its own transaction
 * (src/services/store.ts). The cache checks that revision at most once per `revalidateMs`
 * (default 1 s; `MOTCUA_UNITS_CACHE_MS`, 0 in tests: every call), the way the units registry's
 * cache does (src/units/registry.ts `UnitCache`): a change made through any app copy is seen by
 * every copy within that time, and by this copy at once ({@link catalogChanged}, called by the
 * writers once they have committed). Bounded to `maxEntries` answers of each kind.
 */
import type { Kysely } from 'kysely';
import type { ServiceVersion } from './model.js';
import { catalogRevision, deploymentsOn, type ServicesDb } from './store.js';
import { currentServiceVersion } from './versions.js';

/** The caches of each database handle in this process, told at once about changes written through it. */
const live = new WeakMap<Kysely<any>, Set<WeakRef<CatalogCache>>>();

/**
 * Tells this process's caches over `db` that the catalog changed (after the change committed), so
 * their next call reads the revision again instead of waiting for `revalidateMs`.
 */
export function catalogChanged(db: Kysely<any>): void {
  const refs = live.get(db);
  if (!refs) return;
  for (const ref of refs) {
    const cache = ref.deref();
    if (cache) cache.expire();
    else refs.delete(ref);
  }
}

export class CatalogCache {
  private readonly versions = new Map<string, ServiceVersion | null>();
  private readonly deployed = new Map<string, boolean>();
  private revision = -1;
  private checkedAt = 0;
  private checking: Promise<void> | undefined;
  /** Raised by {@link expire}: a revision check begun before it is not trusted. */
  private generation = 0;

  constructor(
    private readonly db: Kysely<any>,
    private readonly options: { maxEntries?: number; revalidateMs?: number } = {},
  ) {
    let refs = live.get(db);
    if (!refs) live.set(db, (refs = new Set()));
    refs.add(new WeakRef(this));
  }

  /** Makes the next call read the revision again. */
  expire(): void {
    this.generation++;
    this.checkedAt = 0;
    this.checking = undefined;
  }

  private async revalidate(): Promise<void> {
    if (this.checkedAt !== 0 && Date.now() - this.checkedAt < (this.options.revalidateMs ?? 1000)) return;
    const generation = this.generation;
    const check = (this.checking ??= catalogRevision(this.db as ServicesDb)
      .then((r) => {
        if (generation !== this.generation) return;
        if (r !== this.revision) {
          this.versions.clear();
          this.deployed.clear();
        }
        this.revision = r;
        this.checkedAt = Date.now();
      })
      .finally(() => {
        if (this.checking === check) this.checking = undefined;
      }));
    await check;
  }

  private remember<V>(map: Map<string, V>, key: string, value: V): void {
    if (map.size >= (this.options.maxEntries ?? 5_000)) map.delete(map.keys().next().value as string);
    map.set(key, value);
  }

  /**
   * As {@link currentServiceVersion}: the entry in force for `code`, or undefined for an unknown
   * code. The answer is shared by every caller: do not change it.
   */
  async current(code: string): Promise<ServiceVersion | undefined> {
    await this.revalidate();
    let hit = this.versions.get(code);
    if (hit === undefined) {
      const revision = this.revision;
      hit = (await currentServiceVersion(this.db, code)) ?? null;
      // A change that landed while reading leaves the answer to the next revision's cache.
      if (revision === this.revision) this.remember(this.versions, code, hit);
    }
    return hit ?? undefined;
  }

  /**
   * True when `code` is deployed on `onDate` (`YYYY-MM-DD`, Vietnam time) at one of `unitChain`:
   * the receiving unit and the units above it on that date (a unit's `path` from the units
   * registry), as src/services/deployments.ts `isServiceDeployed` decides.
   */
  async deployedAt(code: string, unitChain: readonly string[], onDate: string): Promise<boolean> {
    await this.revalidate();
    const key = `${code}|${onDate}|${unitChain.join(',')}`;
    let hit = this.deployed.get(key);
    if (hit === undefined) {
      const revision = this.revision;
      hit = (await deploymentsOn(this.db as ServicesDb, unitChain, onDate, code)).length > 0;
      if (revision === this.revision) this.remember(this.deployed, key, hit);
    }
    return hit;
  }
}
