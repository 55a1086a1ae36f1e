import type { SqlDialect, SqlExecutor } from './sql.js';
import type { PrivateWindowRule } from '../../../src/shared/privacy/index.js';
import type { ApprovalSettingsRow, ContractRow, ContractStateRow, NewContractRow, NewPolicyVersion, PolicyVersionRow } from './types.js';

const CONTRACT_COLUMNS = `c.id, c.name, c.client_id AS "clientId", cu.email AS "clientEmail", cu.name AS "clientName",
  c.freelancer_id AS "freelancerId", fu.email AS "freelancerEmail", fu.name AS "freelancerName",
  c.segment_seconds AS "segmentSeconds", c.created_at AS "createdAt",
  c.hourly_rate_cents AS "hourlyRateCents", c.currency, c.weekly_limit_hours AS "weeklyLimitHours",
  c.time_zone AS "timeZone", c.keep_screenshots_after_end_days AS "keepScreenshotsAfterEndDays",
  c.auto_approve_days AS "autoApproveDays", c.delete_screenshots_on_approval AS "deleteOnApproval",
  s.state, s.seq AS "stateSeq", s.at AS "stateSince", s.by_side AS "stateBy"`;
// The current state is the contract's latest state row (every contract has at least one, from its creation).
const CONTRACT_FROM = `contracts c JOIN users cu ON cu.id = c.client_id LEFT JOIN users fu ON fu.id = c.freelancer_id
  JOIN contract_states s ON s.contract_id = c.id AND s.seq = (SELECT MAX(seq) FROM contract_states WHERE contract_id = c.id)`;
const STATE_COLUMNS = `contract_id AS "contractId", seq, state, at, by_side AS "bySide", by_user_id AS "byUserId"`;
const POLICY_COLUMNS = `contract_id AS "contractId", version, screenshots, retention_days AS "retentionDays",
  effective_from AS "effectiveFrom", private_windows_json AS "privateWindowsJson"`;

const SETTINGS_COLUMNS = `contract_id AS "contractId", seq, effective_from AS "effectiveFrom", auto_approve_days AS "autoApproveDays",
  delete_screenshots_on_approval AS "deleteOnApproval"`;

/** Booleans are stored as 0/1 on both databases. */
type Stored<T extends { deleteScreenshotsOnApproval: boolean }> = Omit<T, 'deleteScreenshotsOnApproval'> & { readonly deleteOnApproval: number };
function withFlag<T extends { deleteScreenshotsOnApproval: boolean }>(row: Stored<T>): T;
function withFlag<T extends { deleteScreenshotsOnApproval: boolean }>(row: Stored<T> | undefined): T | undefined;
function withFlag<T extends { deleteScreenshotsOnApproval: boolean }>(row: Stored<T> | undefined): T | undefined {
  if (!row) return undefined;
  const { deleteOnApproval, ...rest } = row;
  return { ...rest, deleteScreenshotsOnApproval: Number(deleteOnApproval) === 1 } as unknown as T;
}

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

  /** Inserts the contract and its first approval settings; its first state row must follow in the same transaction (addState). */
  async create(c: NewContractRow): Promise<void> {
    await this.sql.run(
      `INSERT INTO contracts (id, name, client_id, freelancer_id, segment_seconds, created_at, hourly_rate_cents, currency,
         weekly_limit_hours, time_zone, keep_screenshots_after_end_days, auto_approve_days, delete_screenshots_on_approval)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        c.id,
        c.name,
        c.clientId,
        c.freelancerId,
        c.segmentSeconds,
        c.createdAt,
        c.hourlyRateCents,
        c.currency,
        c.weeklyLimitHours,
        c.timeZone,
        c.keepScreenshotsAfterEndDays,
        c.autoApproveDays,
        c.deleteScreenshotsOnApproval ? 1 : 0,
      ],
    );
    await this.addApprovalSettings({ contractId: c.id, seq: 1, effectiveFrom: c.createdAt, autoApproveDays: c.autoApproveDays, deleteScreenshotsOnApproval: c.deleteScreenshotsOnApproval });
  }

  /** The client's terms besides the policy (the time zone and the segment length never change). */
  async updateTerms(
    id: string,
    t: Pick<NewContractRow, 'name' | 'hourlyRateCents' | 'currency' | 'weeklyLimitHours' | 'keepScreenshotsAfterEndDays'>,
  ): Promise<void> {
    await this.sql.run(
      `UPDATE contracts SET name = ?, hourly_rate_cents = ?, currency = ?, weekly_limit_hours = ?, keep_screenshots_after_end_days = ?
        WHERE id = ?`,
      [t.name, t.hourlyRateCents, t.currency, t.weeklyLimitHours, t.keepScreenshotsAfterEndDays, id],
    );
  }

  /**
   * New approval settings from `effectiveFrom` on: the contract's current values and a row of their history
   * (domain/approval-settings.ts reads what was in force when). Call inside a transaction holding the contract.
   */
  async addApprovalSettings(row: ApprovalSettingsRow): Promise<void> {
    const flag = row.deleteScreenshotsOnApproval ? 1 : 0;
    await this.sql.run(
      `INSERT INTO approval_settings (contract_id, seq, effective_from, auto_approve_days, delete_screenshots_on_approval) VALUES (?, ?, ?, ?, ?)`,
      [row.contractId, row.seq, row.effectiveFrom, row.autoApproveDays, flag],
    );
    await this.sql.run('UPDATE contracts SET auto_approve_days = ?, delete_screenshots_on_approval = ? WHERE id = ?', [row.autoApproveDays, flag, row.contractId]);
  }

  /** Every approval setting the contract had, oldest first. */
  async approvalSettingsHistory(contractId: string): Promise<ApprovalSettingsRow[]> {
    const rows = await this.sql.all<Stored<ApprovalSettingsRow>>(`SELECT ${SETTINGS_COLUMNS} FROM approval_settings WHERE contract_id = ? ORDER BY seq`, [contractId]);
    return rows.map((r) => withFlag<ApprovalSettingsRow>(r));
  }

  /** The contracts that delete a week's screenshots on approval now, or did at some time (their past weeks may still be due). */
  async listDeletingOnApproval(): Promise<string[]> {
    const rows = await this.sql.all<{ id: string }>('SELECT DISTINCT contract_id AS id FROM approval_settings WHERE delete_screenshots_on_approval = 1 ORDER BY contract_id');
    return rows.map((r) => r.id);
  }

  /** The accepted invitation's account becomes the freelancer; only while there is none. */
  async setFreelancer(id: string, userId: string): Promise<boolean> {
    return (await this.sql.run('UPDATE contracts SET freelancer_id = ? WHERE id = ? AND freelancer_id IS NULL', [userId, id])).changes === 1;
  }

  async addState(row: ContractStateRow): Promise<void> {
    await this.sql.run('INSERT INTO contract_states (contract_id, seq, state, at, by_side, by_user_id) VALUES (?, ?, ?, ?, ?, ?)', [
      row.contractId,
      row.seq,
      row.state,
      row.at,
      row.bySide,
      row.byUserId,
    ]);
  }

  /** Every state the contract went through, oldest first. */
  stateHistory(contractId: string): Promise<ContractStateRow[]> {
    return this.sql.all<ContractStateRow>(`SELECT ${STATE_COLUMNS} FROM contract_states WHERE contract_id = ? ORDER BY seq`, [contractId]);
  }

  async find(id: string): Promise<ContractRow | undefined> {
    return withFlag<ContractRow>(await this.sql.get<Stored<ContractRow>>(`SELECT ${CONTRACT_COLUMNS} FROM ${CONTRACT_FROM} WHERE c.id = ?`, [id]));
  }

  async findByName(clientId: string, name: string): Promise<ContractRow | undefined> {
    const row = await this.sql.get<Stored<ContractRow>>(`SELECT ${CONTRACT_COLUMNS} FROM ${CONTRACT_FROM} WHERE c.client_id = ? AND c.name = ?`, [clientId, name]);
    return withFlag<ContractRow>(row);
  }

  async listForUser(userId: string): Promise<ContractRow[]> {
    const rows = await this.sql.all<Stored<ContractRow>>(
      `SELECT ${CONTRACT_COLUMNS} FROM ${CONTRACT_FROM} WHERE c.client_id = ? OR c.freelancer_id = ? ORDER BY c.created_at, c.id`,
      [userId, userId],
    );
    return rows.map((r) => withFlag<ContractRow>(r));
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
