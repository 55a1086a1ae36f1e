import type { SqlExecutor } from './sql.js';
import type { WeekApprovalRow } from './types.js';

const COLUMNS = `contract_id AS "contractId", week, approved_at AS "approvedAt", approved_by AS "approvedBy"`;

/** Approved weeks: a row is written once and never changed, whoever approves first (the client or the server). */
export class WeekApprovalsRepository {
  constructor(private readonly sql: SqlExecutor) {}

  async find(contractId: string, week: string): Promise<WeekApprovalRow | undefined> {
    const row = await this.sql.get<WeekApprovalRow>(`SELECT ${COLUMNS} FROM week_approvals WHERE contract_id = ? AND week = ?`, [contractId, week]);
    return row && { ...row, approvedAt: Number(row.approvedAt) };
  }

  /** Records the approval unless the week has one already; true when this call wrote it. */
  async insertOnce(a: WeekApprovalRow): Promise<boolean> {
    const { changes } = await this.sql.run(
      `INSERT INTO week_approvals (contract_id, week, approved_at, approved_by) VALUES (?, ?, ?, ?) ON CONFLICT (contract_id, week) DO NOTHING`,
      [a.contractId, a.week, a.approvedAt, a.approvedBy],
    );
    return changes > 0;
  }
}
