import { createHash } from 'node:crypto';
import type { Clock } from '../../../src/shared/clock.js';
import type { Repositories } from '../repository/index.js';
import { BoundedMap } from '../support/bounded-map.js';

/**
 * Where the sign-in limits keep their counts: one small JSON record per (kind, key). In this process's memory for
 * one server on SQLite; in the database when several instances share PostgreSQL, so that a guesser who spreads
 * attempts over the instances behind a load balancer meets the same limits as one who does not.
 *
 * `update` is the only way to change a record, and changes of one record are one at a time: in memory trivially,
 * in the database under the row's lock (SELECT … FOR UPDATE in a transaction), so a burst of parallel attempts
 * spread over instances still cannot overshoot a limit.
 */
export interface LimitRecords {
  /** Runs `change` on the record (a `fresh` one when there is none) and keeps what it leaves; returns its result. */
  update<R extends object, T>(kind: string, key: string, fresh: () => R, change: (record: R) => T): Promise<T>;
  /** The record as it is, without creating or changing it. */
  peek<R extends object>(kind: string, key: string): Promise<R | undefined>;
}

/** At most `capacity` records per kind, the least recently used forgotten first (an attacker cycling keys cannot grow memory). */
export function memoryLimitRecords(capacity = 10_000): LimitRecords {
  const kinds = new Map<string, BoundedMap<string, object>>();
  const of = (kind: string) => {
    let map = kinds.get(kind);
    if (!map) kinds.set(kind, (map = new BoundedMap(capacity)));
    return map;
  };
  return {
    update: async <R extends object, T>(kind: string, key: string, fresh: () => R, change: (record: R) => T) => change(of(kind).use(key, fresh) as R),
    peek: async <R extends object>(kind: string, key: string) => of(kind).peek(key) as R | undefined,
  };
}

/**
 * Records in the sign_in_limits table, shared by every instance on the database. Keys are stored as their SHA-256
 * (the emails people mistype and attackers guess are not kept in clear); records untouched for a day are dropped by
 * the purge.
 */
export function databaseLimitRecords(repos: Repositories, clock: Clock): LimitRecords {
  const hashed = (kind: string, key: string) => createHash('sha256').update(`${kind}\n${key}`).digest('hex');
  return {
    update: <R extends object, T>(kind: string, key: string, fresh: () => R, change: (record: R) => T) =>
      repos.transaction(async (tx) => {
        const id = hashed(kind, key);
        const now = clock.now();
        const text = await tx.signInLimits.lock(kind, id, now);
        const record = text ? (JSON.parse(text) as R) : fresh();
        const result = change(record);
        await tx.signInLimits.save(kind, id, JSON.stringify(record), now);
        return result;
      }),
    peek: async <R extends object>(kind: string, key: string) => {
      const text = await repos.signInLimits.find(kind, hashed(kind, key));
      return text ? (JSON.parse(text) as R) : undefined;
    },
  };
}

/** The records a server uses: shared through PostgreSQL, in memory on SQLite (one process by design). */
export function limitRecordsFor(repos: Repositories, clock: Clock): LimitRecords {
  return repos.dialect === 'postgres' ? databaseLimitRecords(repos, clock) : memoryLimitRecords();
}
