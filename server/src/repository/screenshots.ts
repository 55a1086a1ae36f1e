import type { RemovalActor } from '../../../src/shared/protocol/api/index.js';
import type { SqlExecutor } from './sql.js';
import type { ScreenshotRow } from './types.js';

const columns = (t: string): string => `${t}id, ${t}segment_id AS "segmentId", ${t}contract_id AS "contractId",
  ${t}taken_at AS "takenAt", ${t}content_type AS "contentType", ${t}byte_size AS "byteSize", ${t}sha256,
  ${t}storage_key AS "storageKey", ${t}uploaded_at AS "uploadedAt", ${t}removed_by AS "removedBy", ${t}removed_at AS "removedAt",
  ${t}redacted_windows AS "redactedWindows"`;
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
         uploaded_at, removed_by, removed_at, redacted_windows) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [s.id, s.segmentId, s.contractId, s.takenAt, s.contentType, s.byteSize, s.sha256, s.storageKey, s.uploadedAt, s.removedBy, s.removedAt, s.redactedWindows ?? 0],
    );
  }

  /** Keeps only the placeholder: who removed it and when. Returns false when it was already removed. */
  async markRemoved(id: string, by: RemovalActor, at: number): Promise<boolean> {
    const result = await this.sql.run(
      `UPDATE screenshots SET content_type = NULL, byte_size = NULL, sha256 = NULL, storage_key = NULL,
         removed_by = ?, removed_at = ? WHERE id = ? AND removed_at IS NULL`,
      [by, at, id],
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
}
