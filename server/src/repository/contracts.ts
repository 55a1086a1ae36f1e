import type { SqlDialect, SqlExecutor } from './sql.js';
import type { ContractRow, PolicyVersionRow } from './types.js';

const CONTRACT_COLUMNS = `c.id, c.name, c.client_id AS "clientId", cu.email AS "clientEmail",
  c.freelancer_id AS "freelancerId", fu.email AS "freelancerEmail",
  c.segment_seconds AS "segmentSeconds", c.created_at AS "createdAt"`;
const CONTRACT_FROM = 'contracts c JOIN users cu ON cu.id = c.client_id JOIN users fu ON fu.id = c.freelancer_id';
const POLICY_COLUMNS = `contract_id AS "contractId", version, screenshots, retention_days AS "retentionDays",
  effective_from AS "effectiveFrom"`;

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

  async addPolicyVersion(p: PolicyVersionRow): Promise<void> {
    await this.sql.run(
      'INSERT INTO policy_versions (contract_id, version, screenshots, retention_days, effective_from) VALUES (?, ?, ?, ?, ?)',
      [p.contractId, p.version, p.screenshots, p.retentionDays, p.effectiveFrom],
    );
  }

  currentPolicy(contractId: string): Promise<PolicyVersionRow | undefined> {
    return this.sql.get<PolicyVersionRow>(
      `SELECT ${POLICY_COLUMNS} FROM policy_versions WHERE contract_id = ? ORDER BY version DESC LIMIT 1`,
      [contractId],
    );
  }

  /** Every version, oldest first: what was in force when is read from it (domain/policy-history.ts). */
  policyHistory(contractId: string): Promise<PolicyVersionRow[]> {
    return this.sql.all<PolicyVersionRow>(`SELECT ${POLICY_COLUMNS} FROM policy_versions WHERE contract_id = ? ORDER BY version`, [
      contractId,
    ]);
  }
}
