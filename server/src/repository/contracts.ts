import type { SqlDialect, SqlExecutor } from './sql.js';
import type { PrivateWindowRule } from '../../../src/shared/privacy/index.js';
import type { ContractRow, NewPolicyVersion, PolicyVersionRow } from './types.js';

const CONTRACT_COLUMNS = `c.id, c.name, c.client_id AS "clientId", cu.email AS "clientEmail",
  c.freelancer_id AS "freelancerId", fu.email AS "freelancerEmail",
  c.segment_seconds AS "segmentSeconds", c.created_at AS "createdAt"`;
const CONTRACT_FROM = 'contracts c JOIN users cu ON cu.id = c.client_id JOIN users fu ON fu.id = c.freelancer_id';
const POLICY_COLUMNS = `contract_id AS "contractId", version, screenshots, retention_days AS "retentionDays",
  effective_from AS "effectiveFrom", private_windows_json AS "privateWindowsJson"`;

type StoredPolicyVersion = Omit<PolicyVersionRow, 'privateWindows'> & { readonly privateWindowsJson: string };

/** The list is written only from a validated update (policyUpdateSchema), so it reads back as rules. */
const fromStored = ({ privateWindowsJson, ...rest }: StoredPolicyVersion): PolicyVersionRow => ({
  ...rest,
  privateWindows: JSON.parse(privateWindowsJson) as PrivateWindowRule[],
});

/** Contracts and their policy history (every version kept, with the moment it took effect). */
export class ContractsRepository {
  constructor(
    private readonly sql: SqlExecutor,
    private readonly dialect: SqlDialect,
  ) {}

  async create(contract: Omit<ContractRow, 'clientEmail' | 'freelancerEmail'>): Promise<void> {
    await this.sql.run(
      'INSERT INTO contracts (id, name, client_id, freelancer_id, segment_seconds, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      [contract.id, contract.name, contract.clientId, contract.freelancerId, contract.segmentSeconds, contract.createdAt],
    );
  }

  find(id: string): Promise<ContractRow | undefined> {
    return this.sql.get<ContractRow>(`SELECT ${CONTRACT_COLUMNS} FROM ${CONTRACT_FROM} WHERE c.id = ?`, [id]);
  }

  findByName(clientId: string, name: string): Promise<ContractRow | undefined> {
    return this.sql.get<ContractRow>(`SELECT ${CONTRACT_COLUMNS} FROM ${CONTRACT_FROM} WHERE c.client_id = ? AND c.name = ?`, [
      clientId,
      name,
    ]);
  }

  listForUser(userId: string): Promise<ContractRow[]> {
    return this.sql.all<ContractRow>(
      `SELECT ${CONTRACT_COLUMNS} FROM ${CONTRACT_FROM} WHERE c.client_id = ? OR c.freelancer_id = ? ORDER BY c.created_at, c.id`,
      [userId, userId],
    );
  }

  async listIds(): Promise<string[]> {
    return (await this.sql.all<{ id: string }>('SELECT id FROM contracts ORDER BY id')).map((r) => r.id);
  }

  /**
   * Inside a transaction: holds the contract's row until commit, so concurrent writers of one contract
   * (policy versions, segment merges, screenshot rules) take turns on PostgreSQL. SQLite transactions
   * are already serial.
   */
  async lock(id: string): Promise<boolean> {
    const suffix = this.dialect === 'postgres' ? ' FOR UPDATE' : '';
    return (await this.sql.get(`SELECT id FROM contracts WHERE id = ?${suffix}`, [id])) !== undefined;
  }

  async addPolicyVersion(p: NewPolicyVersion): Promise<void> {
    await this.sql.run(
      'INSERT INTO policy_versions (contract_id, version, screenshots, retention_days, effective_from, private_windows_json) VALUES (?, ?, ?, ?, ?, ?)',
      [p.contractId, p.version, p.screenshots, p.retentionDays, p.effectiveFrom, JSON.stringify(p.privateWindows ?? [])],
    );
  }

  async currentPolicy(contractId: string): Promise<PolicyVersionRow | undefined> {
    const row = await this.sql.get<StoredPolicyVersion>(
      `SELECT ${POLICY_COLUMNS} FROM policy_versions WHERE contract_id = ? ORDER BY version DESC LIMIT 1`,
      [contractId],
    );
    return row && fromStored(row);
  }

  /** Every version, oldest first: what was in force when is read from it (domain/policy-history.ts). */
  async policyHistory(contractId: string): Promise<PolicyVersionRow[]> {
    const rows = await this.sql.all<StoredPolicyVersion>(`SELECT ${POLICY_COLUMNS} FROM policy_versions WHERE contract_id = ? ORDER BY version`, [
      contractId,
    ]);
    return rows.map(fromStored);
  }
}
