import type { AppUsage, MinuteRecord } from '../../../src/shared/protocol/index.js';
import type { SqlExecutor } from './sql.js';
import type { SegmentRow } from './types.js';

interface StoredSegment extends Omit<SegmentRow, 'minutes' | 'apps' | 'billable'> {
  readonly minutesJson: string;
  readonly appsJson: string;
  readonly billable: number;
}

const COLUMNS = `id, contract_id AS "contractId", started_at AS "startedAt", length_seconds AS "lengthSeconds",
  tracked_seconds AS "trackedSeconds", idle_seconds AS "idleSeconds", memo, minutes_json AS "minutesJson",
  apps_json AS "appsJson", policy_version AS "policyVersion", revision, billable, created_at AS "createdAt", updated_at AS "updatedAt"`;

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

  /** Another segment of the contract whose time overlaps [start, end): accepting both would count time twice. */
  async findOverlapping(contractId: string, start: number, end: number, exceptId: string): Promise<SegmentRow | undefined> {
    const row = await this.sql.get<StoredSegment>(
      `SELECT ${COLUMNS} FROM segments
        WHERE contract_id = ? AND id <> ? AND started_at < ? AND started_at + length_seconds * CAST(1000 AS BIGINT) > ?
        LIMIT 1`,
      [contractId, exceptId, end, start],
    );
    return row && fromStored(row);
  }

  async insert(s: SegmentRow): Promise<void> {
    await this.sql.run(
      `INSERT INTO segments (id, contract_id, started_at, length_seconds, tracked_seconds, idle_seconds, memo,
         minutes_json, apps_json, policy_version, revision, billable, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
        s.createdAt,
        s.updatedAt,
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
         policy_version = ?, revision = ?, updated_at = ? WHERE id = ?`,
      [
        s.trackedSeconds,
        s.idleSeconds,
        s.memo,
        JSON.stringify(s.minutes),
        JSON.stringify(s.apps),
        s.policyVersion,
        s.revision,
        s.updatedAt,
        s.id,
      ],
    );
  }

  async setBillable(id: string, billable: boolean, at: number): Promise<void> {
    await this.sql.run('UPDATE segments SET billable = ?, updated_at = ? WHERE id = ?', [billable ? 1 : 0, at, id]);
  }

  /** Segments of a contract starting in [from, to), oldest first. */
  async listInRange(contractId: string, from: number, to: number): Promise<SegmentRow[]> {
    const rows = await this.sql.all<StoredSegment>(
      `SELECT ${COLUMNS} FROM segments WHERE contract_id = ? AND started_at >= ? AND started_at < ? ORDER BY started_at, id`,
      [contractId, from, to],
    );
    return rows.map(fromStored);
  }
}
