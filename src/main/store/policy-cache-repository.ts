import type { SqlDatabase, SqlStatement } from './sqlite/driver.js';
import type { Clock } from '../../shared/clock.js';
import { isNewerPolicy, receivedPolicySchema, type ReceivedPolicy } from '../../shared/protocol/index.js';

/**
 * The last good policy of each contract (with the contract's state), for offline starts. It stores the server's JSON
 * as received after validation by the sync layer; readers validate again (receivedPolicySchema, through policy())
 * and treat anything they cannot parse as "no policy known": time only, and not trackable.
 */
export interface CachedPolicy {
  readonly contractId: string;
  readonly policyJson: string;
  readonly etag: string | null;
  /** Epoch ms. */
  readonly fetchedAt: number;
}

interface PolicyRow {
  contract_id: string;
  policy: string;
  etag: string | null;
  fetched_at: number;
}

export class PolicyCacheRepository {
  private readonly byContract: SqlStatement<[string], PolicyRow>;
  private readonly upsert: SqlStatement<[string, string, string | null, number]>;
  private readonly removeRow: SqlStatement<[string]>;
  private readonly ids: SqlStatement<[], { contract_id: string }>;

  constructor(
    db: SqlDatabase,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    this.byContract = db.prepare('SELECT contract_id, policy, etag, fetched_at FROM policy_cache WHERE contract_id = ?');
    this.upsert = db.prepare(
      `INSERT INTO policy_cache (contract_id, policy, etag, fetched_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (contract_id) DO UPDATE SET policy = excluded.policy, etag = excluded.etag, fetched_at = excluded.fetched_at`,
    );
    this.removeRow = db.prepare('DELETE FROM policy_cache WHERE contract_id = ?');
    this.ids = db.prepare('SELECT contract_id FROM policy_cache ORDER BY contract_id');
  }

  /** The contracts with a cached policy. */
  contractIds(): string[] {
    return this.ids.all().map((row) => row.contract_id);
  }

  get(contractId: string): CachedPolicy | null {
    const row = this.byContract.get(contractId);
    return row ? { contractId: row.contract_id, policyJson: row.policy, etag: row.etag, fetchedAt: row.fetched_at } : null;
  }

  /** Stores a policy (the table refuses text that is not JSON). */
  put(contractId: string, policyJson: string, etag: string | null): void {
    this.upsert.run(contractId, policyJson, etag, this.clock.now());
  }

  /** The cached policy, validated; null when there is none or it cannot be read (which is the same: unknown). */
  policy(contractId: string): { readonly policy: ReceivedPolicy; readonly etag: string | null } | null {
    const cached = this.get(contractId);
    if (!cached) return null;
    let json: unknown;
    try {
      json = JSON.parse(cached.policyJson);
    } catch {
      return null;
    }
    const parsed = receivedPolicySchema.safeParse(json);
    return parsed.success && parsed.data.contractId === contractId ? { policy: parsed.data, etag: cached.etag } : null;
  }

  /** Keeps `policy` unless the cache holds a newer one (isNewerPolicy); returns whether it was kept. */
  putIfNewer(policy: ReceivedPolicy, etag: string | null): boolean {
    if (!isNewerPolicy(policy, this.policy(policy.contractId)?.policy ?? null)) return false;
    this.put(policy.contractId, JSON.stringify(policy), etag);
    return true;
  }

  delete(contractId: string): void {
    this.removeRow.run(contractId);
  }
}
