import type { Database, Statement } from 'better-sqlite3';
import type { Clock } from '../../shared/clock.js';

/**
 * The upload queue. Items drain in `seq` order with their client-generated ids, so a retry re-sends the
 * same record and the server's upsert makes it a no-op. The queue holds references only; the uploader
 * reads the current record when it sends, which is why an item that changes while queued (a segment
 * gaining minutes) bumps `revision` instead of adding a second row.
 */
export type OutboxKind = 'segment' | 'screenshot';

export interface OutboxItem {
  readonly seq: number;
  readonly kind: OutboxKind;
  readonly itemId: string;
  /** Pass back to markSent: if the item changed after it was read, it stays queued for another send. */
  readonly revision: number;
  readonly attempts: number;
  /** Epoch ms. */
  readonly nextAttemptAt: number;
  readonly lastError: string | null;
}

export interface ParkedItem extends OutboxItem {
  /** Epoch ms. */
  readonly parkedAt: number;
}

export interface OutboxCounts {
  readonly pending: Readonly<Record<OutboxKind, number>>;
  readonly parked: Readonly<Record<OutboxKind, number>>;
}

/** Long server messages are cut: the error is for a person to read in `status`, not a body dump. */
const MAX_ERROR_CHARS = 500;

interface OutboxRow {
  seq: number;
  kind: OutboxKind;
  item_id: string;
  revision: number;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  parked_at: number | null;
}

const COLUMNS = 'seq, kind, item_id, revision, attempts, next_attempt_at, last_error, parked_at';

export class OutboxRepository {
  private readonly upsert: Statement<[string, string]>;
  private readonly removeItem: Statement<[string, string]>;
  private readonly dueItems: Statement<[number, number], OutboxRow>;
  private readonly deleteIfUnchanged: Statement<[number, number]>;
  private readonly retry: Statement<[number, string, number]>;
  private readonly parkItem: Statement<[number, string, number]>;
  private readonly unparkItem: Statement<[number]>;
  private readonly countRows: Statement<[], { kind: OutboxKind; parked: number; n: number }>;
  private readonly parkedRows: Statement<[], OutboxRow>;

  constructor(
    db: Database,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    this.upsert = db.prepare(
      `INSERT INTO outbox (kind, item_id) VALUES (?, ?)
       ON CONFLICT (kind, item_id) DO UPDATE SET revision = revision + 1`,
    );
    this.removeItem = db.prepare('DELETE FROM outbox WHERE kind = ? AND item_id = ?');
    // A screenshot waits while its segment has an earlier unparked row: the server needs the segment
    // first, and a segment in backoff must not let its screenshot overtake it.
    this.dueItems = db.prepare(
      `SELECT ${COLUMNS} FROM outbox AS o
        WHERE o.parked_at IS NULL AND o.next_attempt_at <= ?
          AND NOT (o.kind = 'screenshot' AND EXISTS (
                SELECT 1 FROM screenshots AS s JOIN outbox AS seg
                    ON seg.kind = 'segment' AND seg.item_id = s.segment_id
                 WHERE s.id = o.item_id AND seg.seq < o.seq AND seg.parked_at IS NULL))
        ORDER BY o.seq LIMIT ?`,
    );
    this.deleteIfUnchanged = db.prepare('DELETE FROM outbox WHERE seq = ? AND revision = ?');
    this.retry = db.prepare(
      'UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE seq = ?',
    );
    this.parkItem = db.prepare(
      'UPDATE outbox SET attempts = attempts + 1, parked_at = ?, last_error = ? WHERE seq = ?',
    );
    this.unparkItem = db.prepare('UPDATE outbox SET parked_at = NULL, next_attempt_at = 0 WHERE seq = ?');
    this.countRows = db.prepare(
      'SELECT kind, parked_at IS NOT NULL AS parked, count(*) AS n FROM outbox GROUP BY kind, parked_at IS NOT NULL',
    );
    this.parkedRows = db.prepare(`SELECT ${COLUMNS} FROM outbox WHERE parked_at IS NOT NULL ORDER BY seq`);
  }

  /** Queues an item, or marks an already queued one as changed (it keeps its place in the order). */
  enqueue(kind: OutboxKind, itemId: string): void {
    this.upsert.run(kind, itemId);
  }

  /** Drops an item from the queue (its record was deleted locally). */
  remove(kind: OutboxKind, itemId: string): void {
    this.removeItem.run(kind, itemId);
  }

  /** The first item due at `now` (epoch ms), skipping parked items and items waiting for their backoff. */
  next(now: number): OutboxItem | null {
    return this.due(now, 1)[0] ?? null;
  }

  /** Up to `limit` due items in queue order. */
  due(now: number, limit: number): OutboxItem[] {
    return this.dueItems.all(now, limit).map(toItem);
  }

  /**
   * Removes a delivered item. Returns false when the item changed since it was read (a new minute was
   * flushed meanwhile): it then stays queued, and the next pass sends the newer record.
   */
  markSent(item: Pick<OutboxItem, 'seq' | 'revision'>): boolean {
    return this.deleteIfUnchanged.run(item.seq, item.revision).changes === 1;
  }

  /** A transient failure: try again at `nextAttemptAt` (epoch ms; the uploader computes the backoff). */
  markRetry(seq: number, nextAttemptAt: number, error: string): void {
    this.retry.run(nextAttemptAt, clip(error), seq);
  }

  /** A final failure that needs a person: the item stops draining but stays visible with its error. */
  park(seq: number, error: string): void {
    this.parkItem.run(this.clock.now(), clip(error), seq);
  }

  /** Puts a parked item back into the queue, due now. */
  unpark(seq: number): void {
    this.unparkItem.run(seq);
  }

  counts(): OutboxCounts {
    const pending = { segment: 0, screenshot: 0 };
    const parked = { segment: 0, screenshot: 0 };
    for (const row of this.countRows.all()) (row.parked ? parked : pending)[row.kind] = row.n;
    return { pending, parked };
  }

  parked(): ParkedItem[] {
    return this.parkedRows.all().map((row) => ({ ...toItem(row), parkedAt: row.parked_at ?? 0 }));
  }
}

function toItem(row: OutboxRow): OutboxItem {
  return {
    seq: row.seq,
    kind: row.kind,
    itemId: row.item_id,
    revision: row.revision,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
  };
}

function clip(error: string): string {
  return error.length > MAX_ERROR_CHARS ? `${error.slice(0, MAX_ERROR_CHARS - 1)}…` : error;
}
