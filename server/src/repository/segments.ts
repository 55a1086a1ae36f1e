import type { AppUsage, MinuteRecord } from '../../../src/shared/protocol/index.js';
import type { SqlExecutor } from './sql.js';
import type { SegmentRow } from './types.js';

/** A billable segment's minutes, for the rule that bills a minute once (domain/billed-once.ts). */
export interface BilledMinutes {
  readonly id: string;
  readonly contractId: string;
  readonly minutes: readonly MinuteRecord[];
}

/** Where a page of segments starts after: the last segment of the page before (segments are ordered by start, then id). */
export interface SegmentCursor {
  readonly startedAt: number;
  readonly id: string;
}

/** What the diary totals are made of: the time of one segment, or the summed time of segments alike in `billable`. */
export interface SegmentTimes {
  readonly trackedSeconds: number;
  readonly idleSeconds: number;
  readonly billable: boolean;
}

/** Which segments a sum covers: all, those on time for their week's approval, or those that arrived after it (late). */
export type SegmentPart = 'all' | 'on-time' | 'late';
const PART_FILTER: Record<SegmentPart, string> = {
  all: '',
  'on-time': ' AND arrived_after_approval_at IS NULL',
  late: ' AND arrived_after_approval_at IS NOT NULL',
};

/** A late segment as its approval sees it (domain/late-approval.ts). */
export interface LateRow {
  readonly id: string;
  readonly arrivedAt: number;
  readonly approvedAt: number | null;
  /** Null with approvedAt set: the server's approval, recorded. */
  readonly approvedBy: string | null;
  readonly disputed: boolean;
}

/** One page of a contract's segments, and whether more follow in the window. */
export interface SegmentPage {
  readonly rows: SegmentRow[];
  readonly more: boolean;
}

interface StoredSegment extends Omit<SegmentRow, 'minutes' | 'apps' | 'billable'> {
  readonly minutesJson: string;
  readonly appsJson: string;
  readonly billable: number;
}

const COLUMNS = `id, contract_id AS "contractId", started_at AS "startedAt", length_seconds AS "lengthSeconds",
  tracked_seconds AS "trackedSeconds", idle_seconds AS "idleSeconds", memo, minutes_json AS "minutesJson",
  apps_json AS "appsJson", policy_version AS "policyVersion", revision, billable, screenshot_skipped AS "screenshotSkipped",
  created_at AS "createdAt", updated_at AS "updatedAt", arrived_after_approval_at AS "arrivedAfterApprovalAt",
  late_approved_at AS "lateApprovedAt", late_approved_by AS "lateApprovedBy", late_part_of AS "latePartOf"`;

function fromStored(s: StoredSegment): SegmentRow {
  const { minutesJson, appsJson, billable, ...rest } = s;
  return {
    ...rest,
    minutes: JSON.parse(minutesJson) as MinuteRecord[],
    apps: JSON.parse(appsJson) as AppUsage[],
    // PostgreSQL hands integers back as they are, but keep the null/number contract explicit.
    revision: rest.revision === null ? null : Number(rest.revision),
    billable: Number(billable) === 1,
  };
}

export class SegmentsRepository {
  constructor(private readonly sql: SqlExecutor) {}

  async find(id: string): Promise<SegmentRow | undefined> {
    const row = await this.sql.get<StoredSegment>(`SELECT ${COLUMNS} FROM segments WHERE id = ?`, [id]);
    return row && fromStored(row);
  }

  /**
   * The billable segments of a freelancer, in any of their contracts, other than `exceptId`, whose window
   * overlaps [start, end): the only ones that can hold a minute of that window.
   */
  /** The late parts of a segment (the time it added after its week's approval), oldest first. */
  async lateParts(segmentId: string): Promise<SegmentRow[]> {
    const rows = await this.sql.all<StoredSegment>(`SELECT ${COLUMNS} FROM segments WHERE late_part_of = ? ORDER BY arrived_after_approval_at, id`, [segmentId]);
    return rows.map(fromStored);
  }

  async listBilledOverlapping(freelancerId: string, start: number, end: number, exceptId: string): Promise<BilledMinutes[]> {
    const rows = await this.sql.all<{ id: string; contractId: string; minutesJson: string }>(
      `SELECT s.id, s.contract_id AS "contractId", s.minutes_json AS "minutesJson"
         FROM segments s JOIN contracts c ON c.id = s.contract_id
        WHERE c.freelancer_id = ? AND s.id <> ? AND s.billable = 1
          AND s.started_at < ? AND s.started_at + s.length_seconds * CAST(1000 AS BIGINT) > ?`,
      [freelancerId, exceptId, end, start],
    );
    return rows.map((r) => ({ id: r.id, contractId: r.contractId, minutes: JSON.parse(r.minutesJson) as MinuteRecord[] }));
  }

  async insert(s: SegmentRow): Promise<void> {
    await this.sql.run(
      `INSERT INTO segments (id, contract_id, started_at, length_seconds, tracked_seconds, idle_seconds, memo,
         minutes_json, apps_json, policy_version, revision, billable, screenshot_skipped, created_at, updated_at, arrived_after_approval_at, late_part_of)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        s.id,
        s.contractId,
        s.startedAt,
        s.lengthSeconds,
        s.trackedSeconds,
        s.idleSeconds,
        s.memo,
        JSON.stringify(s.minutes),
        JSON.stringify(s.apps),
        s.policyVersion,
        s.revision,
        s.billable ? 1 : 0,
        s.screenshotSkipped,
        s.createdAt,
        s.updatedAt,
        s.arrivedAfterApprovalAt ?? null,
        s.latePartOf ?? null,
      ],
    );
  }

  /**
   * Replaces what an upload may change, its revision included; contract, start, length and billable stay
   * as they are (a freelancer's deletion keeps a segment unbillable whatever revision comes later).
   */
  async updateRecorded(s: SegmentRow): Promise<void> {
    await this.sql.run(
      `UPDATE segments SET tracked_seconds = ?, idle_seconds = ?, memo = ?, minutes_json = ?, apps_json = ?,
         policy_version = ?, revision = ?, screenshot_skipped = ?, updated_at = ? WHERE id = ?`,
      [
        s.trackedSeconds,
        s.idleSeconds,
        s.memo,
        JSON.stringify(s.minutes),
        JSON.stringify(s.apps),
        s.policyVersion,
        s.revision,
        s.screenshotSkipped,
        s.updatedAt,
        s.id,
      ],
    );
  }

  async setBillable(id: string, billable: boolean, at: number): Promise<void> {
    await this.sql.run('UPDATE segments SET billable = ?, updated_at = ? WHERE id = ?', [billable ? 1 : 0, at, id]);
  }

  /**
   * One page of a contract's segments starting in [from, to), oldest first, after `cursor`: at most `limit`
   * segments, and fewer once their stored text passes `maxChars` (never fewer than one). Sizes are read
   * first, so a page of large segments is never loaded whole only to be cut.
   */
  async page(contractId: string, from: number, to: number, cursor: SegmentCursor | null, limit: number, maxChars: number): Promise<SegmentPage> {
    const sizes = await this.sql.all<{ id: string; size: number }>(
      `SELECT id, LENGTH(minutes_json) + LENGTH(apps_json) + COALESCE(LENGTH(memo), 0) AS size FROM segments
        WHERE contract_id = ? AND started_at >= ? AND started_at < ? AND (started_at > ? OR (started_at = ? AND id > ?))
        ORDER BY started_at, id LIMIT ?`,
      [contractId, from, to, cursor?.startedAt ?? Number.MIN_SAFE_INTEGER, cursor?.startedAt ?? Number.MIN_SAFE_INTEGER, cursor?.id ?? '', limit + 1],
    );
    const ids: string[] = [];
    let chars = 0;
    for (const { id, size } of sizes.slice(0, limit)) {
      chars += Number(size);
      if (ids.length > 0 && chars > maxChars) break;
      ids.push(id);
    }
    if (ids.length === 0) return { rows: [], more: false };
    const marks = ids.map(() => '?').join(', ');
    const rows = await this.sql.all<StoredSegment>(`SELECT ${COLUMNS} FROM segments WHERE id IN (${marks}) ORDER BY started_at, id`, ids);
    return { rows: rows.map(fromStored), more: sizes.length > ids.length };
  }

  /**
   * The distinct memos of a contract's segments starting in [from, to), in the order they were first written,
   * at most `limit` of them (a timesheet's memo digest shows a few, not a day of repeats).
   */
  async distinctMemos(contractId: string, from: number, to: number, limit: number): Promise<string[]> {
    const rows = await this.sql.all<{ memo: string }>(
      `SELECT memo, MIN(started_at) AS first FROM segments
        WHERE contract_id = ? AND started_at >= ? AND started_at < ? AND memo IS NOT NULL AND memo <> ''
        GROUP BY memo ORDER BY first, memo LIMIT ?`,
      [contractId, from, to, limit],
    );
    return rows.map((r) => r.memo);
  }

  /**
   * The tracked and idle seconds of a contract's segments starting in [from, to), summed by the database in one
   * group per billable flag: what the diary totals rule (src/shared/diary/totals.ts) folds, without reading
   * every segment (a year of them is one indexed scan, not fifty thousand rows).
   */
  async timeSums(contractId: string, from: number, to: number, part: SegmentPart = 'all'): Promise<SegmentTimes[]> {
    const rows = await this.sql.all<{ billable: number; tracked: number; idle: number }>(
      `SELECT billable, SUM(tracked_seconds) AS tracked, SUM(idle_seconds) AS idle FROM segments
        WHERE contract_id = ? AND started_at >= ? AND started_at < ?${PART_FILTER[part]} GROUP BY billable`,
      [contractId, from, to],
    );
    return rows.map((r) => ({ trackedSeconds: Number(r.tracked), idleSeconds: Number(r.idle), billable: Number(r.billable) === 1 }));
  }

  /** The late segments (and late parts) starting in [from, to), with their approval if recorded and whether the client disputes them. */
  async lateRows(contractId: string, from: number, to: number): Promise<LateRow[]> {
    const rows = await this.sql.all<{ id: string; arrivedAt: number; approvedAt: number | null; approvedBy: string | null; disputed: number }>(
      `SELECT id, arrived_after_approval_at AS "arrivedAt", late_approved_at AS "approvedAt", late_approved_by AS "approvedBy",
              CASE WHEN id IN (SELECT segment_id FROM segment_disputes WHERE contract_id = segments.contract_id AND withdrawn_at IS NULL) THEN 1 ELSE 0 END AS disputed
         FROM segments WHERE contract_id = ? AND started_at >= ? AND started_at < ? AND arrived_after_approval_at IS NOT NULL
        ORDER BY arrived_after_approval_at, id`,
      [contractId, from, to],
    );
    return rows.map((r) => ({
      id: r.id,
      arrivedAt: Number(r.arrivedAt),
      approvedAt: r.approvedAt == null ? null : Number(r.approvedAt),
      approvedBy: r.approvedBy,
      disputed: Number(r.disputed) === 1,
    }));
  }

  /** Records the approval of one late segment not approved yet (`by` null: the server's); returns 1, or 0 when it was. */
  async recordLateApproval(id: string, at: number, by: string | null): Promise<number> {
    const result = await this.sql.run('UPDATE segments SET late_approved_at = ?, late_approved_by = ? WHERE id = ? AND late_approved_at IS NULL', [at, by, id]);
    return result.changes;
  }

  /**
   * The client approves every late segment of [from, to) not approved yet, but those it disputes (as a week's approval
   * leaves its disputed segments out); returns how many. Call inside a transaction holding the contract.
   */
  async approveLate(contractId: string, from: number, to: number, by: string, at: number): Promise<number> {
    const result = await this.sql.run(
      `UPDATE segments SET late_approved_at = ?, late_approved_by = ?
        WHERE contract_id = ? AND started_at >= ? AND started_at < ? AND arrived_after_approval_at IS NOT NULL AND late_approved_at IS NULL
          AND id NOT IN (SELECT segment_id FROM segment_disputes WHERE contract_id = segments.contract_id AND withdrawn_at IS NULL)`,
      [at, by, contractId, from, to],
    );
    return result.changes;
  }

}
