import type { SqlExecutor } from './sql.js';

/** A client's dispute of one segment; open while withdrawnAt is null. */
export interface DisputeRow {
  readonly segmentId: string;
  readonly contractId: string;
  readonly note: string;
  readonly disputedAt: number;
  readonly disputedBy: string;
  readonly withdrawnAt: number | null;
}

/** A dispute with what the week review needs of its segment: when it starts and its time, for the totals. */
export interface DisputedSegmentRow extends DisputeRow {
  readonly startedAt: number;
  readonly trackedSeconds: number;
  readonly idleSeconds: number;
  readonly billable: boolean;
}

const COLUMNS = `d.segment_id AS "segmentId", d.contract_id AS "contractId", d.note, d.disputed_at AS "disputedAt",
  d.disputed_by AS "disputedBy", d.withdrawn_at AS "withdrawnAt"`;
const SEGMENT_COLUMNS = `s.started_at AS "startedAt", s.tracked_seconds AS "trackedSeconds", s.idle_seconds AS "idleSeconds", s.billable`;

type Stored<T> = { [K in keyof T]: T[K] extends boolean ? number : T[K] };

// PostgreSQL hands BIGINT columns back as strings.
const fromStored = (r: DisputeRow): DisputeRow => ({ ...r, disputedAt: Number(r.disputedAt), withdrawnAt: r.withdrawnAt === null ? null : Number(r.withdrawnAt) });

function withSegment(r: Stored<DisputedSegmentRow>): DisputedSegmentRow {
  return {
    ...fromStored({ ...r }),
    startedAt: Number(r.startedAt),
    trackedSeconds: Number(r.trackedSeconds),
    idleSeconds: Number(r.idleSeconds),
    billable: Number(r.billable) === 1,
  };
}

/** Segment disputes: a row per disputed segment, rewritten when the note is replaced, kept when withdrawn. */
export class DisputesRepository {
  constructor(private readonly sql: SqlExecutor) {}

  async find(segmentId: string): Promise<DisputeRow | undefined> {
    const row = await this.sql.get<DisputeRow>(`SELECT ${COLUMNS} FROM segment_disputes d WHERE d.segment_id = ?`, [segmentId]);
    return row && fromStored(row);
  }

  /** Opens the segment's dispute, or replaces its note (a withdrawn one is opened again). */
  async put(d: Omit<DisputeRow, 'withdrawnAt'>): Promise<void> {
    await this.sql.run(
      `INSERT INTO segment_disputes (segment_id, contract_id, note, disputed_at, disputed_by, withdrawn_at) VALUES (?, ?, ?, ?, ?, NULL)
        ON CONFLICT (segment_id) DO UPDATE SET note = excluded.note, disputed_at = excluded.disputed_at,
          disputed_by = excluded.disputed_by, withdrawn_at = NULL`,
      [d.segmentId, d.contractId, d.note, d.disputedAt, d.disputedBy],
    );
  }

  /** Withdraws the segment's open dispute; false when it had none open. */
  async withdraw(segmentId: string, at: number): Promise<boolean> {
    const { changes } = await this.sql.run('UPDATE segment_disputes SET withdrawn_at = ? WHERE segment_id = ? AND withdrawn_at IS NULL', [at, segmentId]);
    return changes > 0;
  }

  /** The open disputes of these segments (a diary page's). */
  async openForSegments(segmentIds: readonly string[]): Promise<DisputeRow[]> {
    if (segmentIds.length === 0) return [];
    const marks = segmentIds.map(() => '?').join(', ');
    const rows = await this.sql.all<DisputeRow>(`SELECT ${COLUMNS} FROM segment_disputes d WHERE d.withdrawn_at IS NULL AND d.segment_id IN (${marks})`, segmentIds);
    return rows.map(fromStored);
  }

  /** Every dispute, open or withdrawn, of the contract's segments starting in [from, to), oldest segment first. */
  async ofSegmentsIn(contractId: string, from: number, to: number): Promise<DisputedSegmentRow[]> {
    const rows = await this.sql.all<Stored<DisputedSegmentRow>>(
      `SELECT ${COLUMNS}, ${SEGMENT_COLUMNS} FROM segment_disputes d JOIN segments s ON s.id = d.segment_id
        WHERE d.contract_id = ? AND s.started_at >= ? AND s.started_at < ? ORDER BY s.started_at, s.id`,
      [contractId, from, to],
    );
    return rows.map(withSegment);
  }

  /** The contract's open disputes, newest segment first, at most `limit`. */
  async listOpen(contractId: string, limit: number): Promise<DisputedSegmentRow[]> {
    const rows = await this.sql.all<Stored<DisputedSegmentRow>>(
      `SELECT ${COLUMNS}, ${SEGMENT_COLUMNS} FROM segment_disputes d JOIN segments s ON s.id = d.segment_id
        WHERE d.contract_id = ? AND d.withdrawn_at IS NULL ORDER BY s.started_at DESC, s.id DESC LIMIT ?`,
      [contractId, limit],
    );
    return rows.map(withSegment);
  }
}
