import type { RemovalActor } from '../../../src/shared/protocol/api/index.js';
import type { SqlExecutor } from './sql.js';
import type { ScreenshotRow } from './types.js';

const columns = (t: string): string => `${t}id, ${t}segment_id AS "segmentId", ${t}contract_id AS "contractId",
  ${t}taken_at AS "takenAt", ${t}content_type AS "contentType", ${t}byte_size AS "byteSize", ${t}sha256,
  ${t}storage_key AS "storageKey", ${t}key_id AS "keyId", ${t}wrapped_key AS "wrappedKey", ${t}uploaded_at AS "uploadedAt",
  ${t}removed_by AS "removedBy", ${t}removed_at AS "removedAt", ${t}redacted_windows AS "redactedWindows"`;
const COLUMNS = columns('');

const DAY_MS = 86_400_000;

/** A screenshot row of which only the placeholder is left. */
export type RemovedScreenshotRow = ScreenshotRow & { readonly removedBy: RemovalActor; readonly removedAt: number };

/** Screenshot metadata. The image itself lives in the ScreenshotStorage, never in the database. */
export class ScreenshotsRepository {
  constructor(private readonly sql: SqlExecutor) {}

  find(id: string): Promise<ScreenshotRow | undefined> {
    return this.sql.get<ScreenshotRow>(`SELECT ${COLUMNS} FROM screenshots WHERE id = ?`, [id]);
  }

  findBySegment(segmentId: string): Promise<ScreenshotRow | undefined> {
    return this.sql.get<ScreenshotRow>(`SELECT ${COLUMNS} FROM screenshots WHERE segment_id = ?`, [segmentId]);
  }

  async insert(s: ScreenshotRow): Promise<void> {
    await this.sql.run(
      `INSERT INTO screenshots (id, segment_id, contract_id, taken_at, content_type, byte_size, sha256, storage_key,
         key_id, wrapped_key, uploaded_at, removed_by, removed_at, redacted_windows) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [s.id, s.segmentId, s.contractId, s.takenAt, s.contentType, s.byteSize, s.sha256, s.storageKey, s.keyId, s.wrappedKey, s.uploadedAt, s.removedBy, s.removedAt, s.redactedWindows ?? 0],
    );
  }

  /**
   * Keeps only the placeholder: who removed it and when. The screenshot's wrapped key goes with the rest, so its
   * object can no longer be opened wherever its bytes linger; the object's key is queued for deletion from the store
   * in the same statement's transaction (storage_deletions), so a deletion from the store that fails is retried.
   * Returns false when it was already removed. Call inside a transaction.
   */
  async markRemoved(id: string, by: RemovalActor, at: number): Promise<boolean> {
    await this.sql.run(
      `INSERT INTO storage_deletions (storage_key, queued_at)
         SELECT storage_key, ? FROM screenshots WHERE id = ? AND removed_at IS NULL AND storage_key IS NOT NULL
       ON CONFLICT (storage_key) DO NOTHING`,
      [at, id],
    );
    const result = await this.sql.run(
      `UPDATE screenshots SET content_type = NULL, byte_size = NULL, sha256 = NULL, storage_key = NULL, key_id = NULL,
         wrapped_key = NULL, removed_by = ?, removed_at = ? WHERE id = ? AND removed_at IS NULL`,
      [by, at, id],
    );
    return result.changes === 1;
  }

  /** Object keys whose rows are gone, oldest first: the store still has to delete them. */
  async queuedDeletions(limit: number): Promise<string[]> {
    const rows = await this.sql.all<{ key: string }>('SELECT storage_key AS key FROM storage_deletions ORDER BY queued_at, storage_key LIMIT ?', [limit]);
    return rows.map((r) => r.key);
  }

  /** The store confirmed the object's deletion. */
  async deletionDone(storageKey: string): Promise<void> {
    await this.sql.run('DELETE FROM storage_deletions WHERE storage_key = ?', [storageKey]);
  }

  /** Stored screenshots (an object in the store) after `afterId`, in id order: key rotation and storage migration walk them. */
  listStored(afterId: string, limit: number): Promise<ScreenshotRow[]> {
    return this.sql.all<ScreenshotRow>(
      `SELECT ${COLUMNS} FROM screenshots WHERE id > ? AND storage_key IS NOT NULL AND removed_at IS NULL ORDER BY id LIMIT ?`,
      [afterId, limit],
    );
  }

  /** Screenshots whose key each server key wraps now (what may be dropped once rotation is done). */
  countByServerKey(): Promise<{ keyId: string | null; count: number }[]> {
    return this.sql.all(
      `SELECT key_id AS "keyId", COUNT(*) AS count FROM screenshots WHERE storage_key IS NOT NULL AND removed_at IS NULL GROUP BY key_id ORDER BY key_id`,
    );
  }

  /**
   * Replaces the sealing of a stored screenshot if it is still as `expected` says (key rotation, sealing what was
   * stored before sealing existed). Returns false when it changed meanwhile (deleted, rotated by someone else).
   */
  async replaceSealing(
    id: string,
    expected: { storageKey: string; keyId: string | null },
    next: { storageKey: string; keyId: string; wrappedKey: string },
  ): Promise<boolean> {
    const sameKey = expected.keyId === null ? 'key_id IS NULL' : 'key_id = ?';
    const result = await this.sql.run(
      `UPDATE screenshots SET storage_key = ?, key_id = ?, wrapped_key = ? WHERE id = ? AND removed_at IS NULL AND storage_key = ? AND ${sameKey}`,
      [next.storageKey, next.keyId, next.wrappedKey, id, expected.storageKey, ...(expected.keyId === null ? [] : [expected.keyId])],
    );
    return result.changes === 1;
  }

  listForSegments(segmentIds: readonly string[]): Promise<ScreenshotRow[]> {
    if (segmentIds.length === 0) return Promise.resolve([]);
    const marks = segmentIds.map(() => '?').join(', ');
    return this.sql.all<ScreenshotRow>(`SELECT ${COLUMNS} FROM screenshots WHERE segment_id IN (${marks})`, segmentIds);
  }

  /**
   * Removed screenshots of a contract captured in [from, to) and removed at or after `removedSince`, in (taken_at, id)
   * order, starting after the entry (from, afterId) — afterId '' starts at `from` itself. Served by the
   * (contract_id, taken_at) index.
   */
  listRemoved(
    contractId: string,
    window: { from: number; to: number; afterId: string; removedSince: number },
    limit: number,
  ): Promise<RemovedScreenshotRow[]> {
    return this.sql.all<RemovedScreenshotRow>(
      `SELECT ${COLUMNS} FROM screenshots
        WHERE contract_id = ? AND removed_at >= ? AND removed_by IS NOT NULL AND taken_at < ? AND (taken_at > ? OR (taken_at = ? AND id > ?))
        ORDER BY taken_at, id LIMIT ?`,
      [contractId, window.removedSince, window.to, window.from, window.from, window.afterId, limit],
    );
  }

  /**
   * Stored screenshots whose purge time (domain/retention.ts, screenshotPurgeAt) came at `now`: past the retention of
   * the contract's current policy (so lowering it purges older screenshots right away), or past the days the client
   * keeps screenshots after the contract's end. In (taken_at, id) order after `after`: a page at a time, so a
   * screenshot the purge could not delete is passed over rather than met again.
   */
  listExpired(now: number, after: { readonly takenAt: number; readonly id: string } | null, limit: number): Promise<ScreenshotRow[]> {
    const from = after?.takenAt ?? Number.MIN_SAFE_INTEGER;
    return this.sql.all<ScreenshotRow>(
      `SELECT ${columns('s.')} FROM screenshots s
        JOIN policy_versions p ON p.contract_id = s.contract_id
         AND p.version = (SELECT MAX(version) FROM policy_versions WHERE contract_id = s.contract_id)
        JOIN contracts c ON c.id = s.contract_id
        LEFT JOIN contract_states e ON e.contract_id = s.contract_id AND e.state = 'ended'
       WHERE s.removed_at IS NULL
         AND (s.taken_at + p.retention_days * CAST(${DAY_MS} AS BIGINT) <= ?
              OR e.at + c.keep_screenshots_after_end_days * CAST(${DAY_MS} AS BIGINT) <= ?)
         AND (s.taken_at > ? OR (s.taken_at = ? AND s.id > ?))
       ORDER BY s.taken_at, s.id LIMIT ?`,
      [now, now, from, from, after?.id ?? '', limit],
    );
  }

  /** Which of these storage keys a screenshot row names (index screenshots_storage_key). */
  async namedStorageKeys(keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const marks = keys.map(() => '?').join(', ');
    const rows = await this.sql.all<{ key: string }>(`SELECT storage_key AS "key" FROM screenshots WHERE storage_key IN (${marks})`, keys);
    return new Set(rows.map((r) => r.key));
  }

  /**
   * Bulk deletion and deletion on approval, step one: every screenshot still present whose segment starts in
   * [from, to) is removed by `by` as markRemoved removes one (its key destroyed, its object queued for deletion).
   * `segments` 'approved' leaves out the segments that arrived after their week's approval and wait for the client's
   * separate approval of them (late segments). Call inside a transaction: each row is then removed or untouched,
   * never half. Returns how many were removed.
   */
  async markRemovedInRange(contractId: string, from: number, to: number, by: RemovalActor, at: number, segments: 'all' | 'approved' = 'all'): Promise<number> {
    // 'approved': what an approval covers, so not a late segment waiting for its own approval, nor a disputed one
    // (its screenshot is the dispute's evidence; it goes with the rest once the dispute is withdrawn).
    const approvedOnly =
      segments === 'approved'
        ? ` AND (arrived_after_approval_at IS NULL OR late_approved_at IS NOT NULL)
            AND id NOT IN (SELECT segment_id FROM segment_disputes WHERE contract_id = segments.contract_id AND withdrawn_at IS NULL)`
        : '';
    const inRange = `contract_id = ? AND removed_at IS NULL
          AND segment_id IN (SELECT id FROM segments WHERE contract_id = ? AND started_at >= ? AND started_at < ?${approvedOnly})`;
    await this.sql.run(
      `INSERT INTO storage_deletions (storage_key, queued_at)
         SELECT storage_key, ? FROM screenshots WHERE storage_key IS NOT NULL AND ${inRange}
       ON CONFLICT (storage_key) DO NOTHING`,
      [at, contractId, contractId, from, to],
    );
    const result = await this.sql.run(
      `UPDATE screenshots SET content_type = NULL, byte_size = NULL, sha256 = NULL, storage_key = NULL, key_id = NULL,
         wrapped_key = NULL, removed_by = ?, removed_at = ? WHERE ${inRange}`,
      [by, at, contractId, contractId, from, to],
    );
    return result.changes;
  }

  /** The earliest start, at or after `from`, of a segment of the contract whose screenshot is still stored. */
  async firstStoredSegmentStart(contractId: string, from: number): Promise<number | undefined> {
    const row = await this.sql.get<{ start: number | null }>(
      `SELECT MIN(g.started_at) AS start FROM screenshots s JOIN segments g ON g.id = s.segment_id
        WHERE s.contract_id = ? AND s.removed_at IS NULL AND g.started_at >= ?`,
      [contractId, from],
    );
    return row?.start == null ? undefined : Number(row.start);
  }

  /** How many screenshots whose segment starts in [from, to) are still stored (not removed). */
  async countStoredInRange(contractId: string, from: number, to: number): Promise<number> {
    const row = await this.sql.get<{ n: number }>(
      `SELECT COUNT(*) AS n FROM screenshots s JOIN segments g ON g.id = s.segment_id
        WHERE s.contract_id = ? AND s.removed_at IS NULL AND g.started_at >= ? AND g.started_at < ?`,
      [contractId, from, to],
    );
    return Number(row?.n ?? 0);
  }

  /** How many screenshots whose segment starts in [from, to) are removed (by anyone, at any time). */
  async countRemovedInRange(contractId: string, from: number, to: number): Promise<number> {
    const row = await this.sql.get<{ n: number }>(
      `SELECT COUNT(*) AS n FROM screenshots s JOIN segments g ON g.id = s.segment_id
        WHERE s.contract_id = ? AND s.removed_at IS NOT NULL AND g.started_at >= ? AND g.started_at < ?`,
      [contractId, from, to],
    );
    return Number(row?.n ?? 0);
  }
}
