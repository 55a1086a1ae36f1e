import type { SqlExecutor } from './sql.js';
import type { InvitationRow } from './types.js';

const COLUMNS = `id, contract_id AS "contractId", email, token_hash AS "tokenHash", created_by AS "createdBy",
  created_at AS "createdAt", expires_at AS "expiresAt", closed_as AS "closedAs", closed_at AS "closedAt", closed_by AS "closedBy"`;

/** Invitations to be a contract's freelancer. Only the token's SHA-256 is stored: a copy of the database invites nobody. */
export class InvitationsRepository {
  constructor(private readonly sql: SqlExecutor) {}

  async insert(i: InvitationRow): Promise<void> {
    await this.sql.run(
      `INSERT INTO invitations (id, contract_id, email, token_hash, created_by, created_at, expires_at, closed_as, closed_at, closed_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [i.id, i.contractId, i.email, i.tokenHash, i.createdBy, i.createdAt, i.expiresAt, i.closedAs, i.closedAt, i.closedBy],
    );
  }

  find(id: string): Promise<InvitationRow | undefined> {
    return this.sql.get<InvitationRow>(`SELECT ${COLUMNS} FROM invitations WHERE id = ?`, [id]);
  }

  findByTokenHash(tokenHash: string): Promise<InvitationRow | undefined> {
    return this.sql.get<InvitationRow>(`SELECT ${COLUMNS} FROM invitations WHERE token_hash = ?`, [tokenHash]);
  }

  /** A contract's invitations, newest first. */
  listForContract(contractId: string): Promise<InvitationRow[]> {
    return this.sql.all<InvitationRow>(`SELECT ${COLUMNS} FROM invitations WHERE contract_id = ? ORDER BY created_at DESC, id DESC`, [contractId]);
  }

  /** Closes an open invitation (accepted, declined, revoked). Returns false when it was closed already. */
  async close(id: string, as: NonNullable<InvitationRow['closedAs']>, at: number, by: string | null): Promise<boolean> {
    return (
      (await this.sql.run('UPDATE invitations SET closed_as = ?, closed_at = ?, closed_by = ? WHERE id = ? AND closed_as IS NULL', [as, at, by, id])).changes ===
      1
    );
  }

  /** Revokes every open invitation of the contract (a new one replaces them). */
  async revokeOpen(contractId: string, at: number, by: string): Promise<number> {
    return (
      await this.sql.run("UPDATE invitations SET closed_as = 'revoked', closed_at = ?, closed_by = ? WHERE contract_id = ? AND closed_as IS NULL", [
        at,
        by,
        contractId,
      ])
    ).changes;
  }
}
