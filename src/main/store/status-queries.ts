import type { SqlDatabase, SqlStatement } from './sqlite/driver.js';
import type { OutboxCounts, OutboxKind, OutboxRepository } from './outbox-repository.js';

/** What `worktrace status` shows about the local store. */
export interface StoreCounts {
  readonly segments: number;
  readonly minutes: number;
  readonly screenshots: number;
  /** Disk taken by encrypted screenshot blobs. */
  readonly screenshotStoredBytes: number;
  readonly outbox: OutboxCounts;
}

export interface ContractQueue {
  readonly contractId: string;
  readonly pendingSegments: number;
  readonly pendingScreenshots: number;
  readonly parked: number;
}

interface QueueRow {
  contract_id: string;
  kind: OutboxKind;
  parked: number;
  n: number;
}

/** Read-only counts for the status command and the app; one query each, no table scans of blobs. */
export class StatusQueries {
  private readonly totals: SqlStatement<
    [],
    { segments: number; minutes: number; screenshots: number; stored: number }
  >;
  private readonly queueByContract: SqlStatement<[], QueueRow>;

  constructor(
    db: SqlDatabase,
    private readonly outbox: OutboxRepository,
  ) {
    this.totals = db.prepare(
      `SELECT (SELECT count(*) FROM segments) AS segments,
              (SELECT count(*) FROM minutes) AS minutes,
              (SELECT count(*) FROM screenshots) AS screenshots,
              (SELECT coalesce(sum(length(data)), 0) FROM screenshots) AS stored`,
    );
    // A screenshot's contract (or a deleted one's) is its segment's; a queued item whose record is gone counts
    // under ''. A deletion counts as a pending screenshot item (countedKind).
    this.queueByContract = db.prepare(
      `SELECT coalesce(seg.contract_id, shot_seg.contract_id, del_seg.contract_id, '') AS contract_id, o.kind,
              o.parked_at IS NOT NULL AS parked, count(*) AS n
         FROM outbox AS o
         LEFT JOIN segments AS seg ON o.kind = 'segment' AND seg.id = o.item_id
         LEFT JOIN screenshots AS shot ON o.kind = 'screenshot' AND shot.id = o.item_id
         LEFT JOIN segments AS shot_seg ON shot_seg.id = shot.segment_id
         LEFT JOIN screenshot_deletions AS del ON o.kind = 'screenshot-deletion' AND del.screenshot_id = o.item_id
         LEFT JOIN segments AS del_seg ON del_seg.id = del.segment_id
        GROUP BY 1, 2, 3 ORDER BY 1`,
    );
  }

  counts(): StoreCounts {
    const totals = this.totals.get() ?? { segments: 0, minutes: 0, screenshots: 0, stored: 0 };
    return {
      segments: totals.segments,
      minutes: totals.minutes,
      screenshots: totals.screenshots,
      screenshotStoredBytes: totals.stored,
      outbox: this.outbox.counts(),
    };
  }

  /** Queue sizes per contract (issue 4's status: pending segments and screenshots, parked items). */
  queueByContractId(): ContractQueue[] {
    const byContract = new Map<string, { pendingSegments: number; pendingScreenshots: number; parked: number }>();
    for (const row of this.queueByContract.all()) {
      const entry = byContract.get(row.contract_id) ?? { pendingSegments: 0, pendingScreenshots: 0, parked: 0 };
      if (row.parked) entry.parked += row.n;
      else if (row.kind === 'segment') entry.pendingSegments += row.n;
      else entry.pendingScreenshots += row.n;
      byContract.set(row.contract_id, entry);
    }
    return [...byContract].map(([contractId, entry]) => ({ contractId, ...entry }));
  }
}
