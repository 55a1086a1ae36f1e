import type { SqlDatabase, SqlStatement } from './sqlite/driver.js';
import type { ScreenshotSkipReason, SegmentRecord, SegmentUpload } from '../../shared/protocol/index.js';
import type { AppTime, MinuteBucket, SegmentHeader, StoredSegment, TrackingSink } from '../tracking/ports.js';
import { StoreError, sqliteCode } from './errors.js';
import type { OutboxRepository } from './outbox-repository.js';
import {
  MAX_APPS_PER_SEGMENT,
  MAX_MEMO_CHARS,
  clipText,
  normaliseApps,
  toSegmentRecord,
  toStoredSegment,
  type AppRow,
  type MinuteAppRow,
  type MinuteRow,
  type ScreenshotRefRow,
  type SegmentRow,
  type SegmentSummaryRow,
} from './segment-record.js';

export interface SegmentsRepositoryOptions {
  /**
   * Server mode: every change to a segment (open, flush, idle marking, memo) queues it for upload in the
   * same transaction. Local mode passes null and nothing is queued.
   */
  readonly uploads: OutboxRepository | null;
}

export interface SegmentQuery {
  /** Epoch seconds: segments that end after this moment (so the one containing it is included). */
  readonly since?: number;
  readonly contractId?: string;
}

const SEGMENT_COLUMNS = 's.id, s.contract_id, s.started_at, s.length_s, s.memo, s.policy_version, s.time_removed, s.revision, s.screenshot_skipped';
// Totals derived from the minutes at read time; `(ms + 500) / 1000` rounds each minute like Math.round.
const SUMMARY_COLUMNS = `${SEGMENT_COLUMNS},
  (SELECT coalesce(sum((m.tracked_ms + 500) / 1000), 0) FROM minutes AS m WHERE m.segment_id = s.id) AS tracked_s,
  (SELECT coalesce(sum((m.tracked_ms + 500) / 1000), 0) FROM minutes AS m WHERE m.segment_id = s.id AND m.idle = 1) AS idle_s`;
// Minutes of one contract starting in [from, to): used by the idle decisions.
const MINUTES_IN_RANGE = `started_at >= @from AND started_at < @to
  AND segment_id IN (SELECT id FROM segments WHERE contract_id = @contractId
                      AND started_at < @to AND started_at + length_s > @from)`;

interface RangeParams {
  contractId: string;
  from: number;
  to: number;
}

/**
 * Segments with their minutes and each minute's app time. Implements the tracker's TrackingSink; every logical
 * write is one transaction, so a crash leaves whole minutes or nothing. Every write that changes a
 * segment raises its revision in that same transaction (opening one starts it at 1), so one revision
 * number always names one content: the server keeps the highest revision whole, which is what lets a
 * segment shrink there after it was uploaded.
 */
export class SegmentsRepository implements TrackingSink {
  private readonly uploads: OutboxRepository | null;
  private readonly insertSegment: SqlStatement<[Omit<SegmentRow, 'time_removed' | 'revision' | 'screenshot_skipped'>]>;
  private readonly segmentById: SqlStatement<[string], SegmentRow>;
  private readonly segmentByStart: SqlStatement<[string, number], SegmentRow>;
  private readonly summaryById: SqlStatement<[string], SegmentSummaryRow>;
  private readonly summaries: SqlStatement<[{ since: number | null; contractId: string | null }], SegmentSummaryRow>;
  private readonly minutesOf: SqlStatement<[string], MinuteRow>;
  private readonly appsOf: SqlStatement<[string, number], AppRow>;
  private readonly minuteAppsOf: SqlStatement<[string], MinuteAppRow>;
  private readonly screenshotOf: SqlStatement<[string], ScreenshotRefRow>;
  private readonly upsertMinute: SqlStatement<[Record<string, string | number>]>;
  private readonly deleteMinuteApps: SqlStatement<[string, number]>;
  private readonly insertMinuteApp: SqlStatement<[string, number, string, string, number]>;
  private readonly updateMemo: SqlStatement<[string | null, string]>;
  private readonly segmentsInRange: SqlStatement<[RangeParams], { segment_id: string }>;
  private readonly flagIdle: SqlStatement<[RangeParams]>;
  private readonly deleteMinutes: SqlStatement<[RangeParams]>;
  private readonly deleteAllMinutes: SqlStatement<[string]>;
  private readonly flagTimeRemoved: SqlStatement<[string]>;
  private readonly raiseRevision: SqlStatement<[string]>;
  private readonly flagScreenshotSkipped: SqlStatement<[string, string]>;
  private readonly raiseRevisionOwingUpload: SqlStatement<[string]>;
  private readonly raiseRevisionsInRange: SqlStatement<[RangeParams]>;
  private readonly owedUploads: SqlStatement<[], { id: string }>;
  private readonly clearOwedUploads: SqlStatement<[]>;

  readonly flushMinute: (segmentId: string, minute: MinuteBucket, apps: readonly AppTime[]) => void;
  readonly saveMinute: (segmentId: string, minute: MinuteBucket, apps: readonly AppTime[]) => void;

  constructor(
    private readonly db: SqlDatabase,
    options: SegmentsRepositoryOptions,
  ) {
    this.uploads = options.uploads;
    this.insertSegment = db.prepare(
      `INSERT INTO segments (id, contract_id, started_at, length_s, memo, policy_version)
       VALUES (@id, @contract_id, @started_at, @length_s, @memo, @policy_version)
       ON CONFLICT (id) DO NOTHING`,
    );
    this.segmentById = db.prepare(`SELECT ${SEGMENT_COLUMNS} FROM segments AS s WHERE s.id = ?`);
    this.segmentByStart = db.prepare(`SELECT ${SEGMENT_COLUMNS} FROM segments AS s WHERE s.contract_id = ? AND s.started_at = ?`);
    this.summaryById = db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM segments AS s WHERE s.id = ?`);
    this.summaries = db.prepare(
      `SELECT ${SUMMARY_COLUMNS} FROM segments AS s
        WHERE (@since IS NULL OR s.started_at + s.length_s > @since)
          AND (@contractId IS NULL OR s.contract_id = @contractId)
        ORDER BY s.started_at, s.contract_id`,
    );
    this.minutesOf = db.prepare(
      `SELECT started_at, tracked_ms, (tracked_ms + 500) / 1000 AS tracked_s, idle, keyboard, mouse
         FROM minutes WHERE segment_id = ? ORDER BY started_at`,
    );
    // A segment's app list is the sum of its minutes' app time (migration 007): whatever minutes went, their apps went.
    this.appsOf = db.prepare(
      `SELECT app, title, sum(ms) AS ms FROM minute_apps WHERE segment_id = ?
        GROUP BY app, title ORDER BY ms DESC, app, title LIMIT ?`,
    );
    this.minuteAppsOf = db.prepare('SELECT minute_at, app, title, ms FROM minute_apps WHERE segment_id = ? ORDER BY minute_at, app, title');
    this.screenshotOf = db.prepare('SELECT id, taken_at, width, height, bytes, redacted_windows FROM screenshots WHERE segment_id = ?');
    this.upsertMinute = db.prepare(
      `INSERT INTO minutes (segment_id, started_at, tracked_ms, idle, keyboard, mouse)
       VALUES (@segmentId, @startedAt, @trackedMs, @idle, @keyboard, @mouse)
       ON CONFLICT (segment_id, started_at) DO UPDATE SET
         tracked_ms = excluded.tracked_ms, idle = excluded.idle, keyboard = excluded.keyboard, mouse = excluded.mouse`,
    );
    this.deleteMinuteApps = db.prepare('DELETE FROM minute_apps WHERE segment_id = ? AND minute_at = ?');
    this.insertMinuteApp = db.prepare('INSERT INTO minute_apps (segment_id, minute_at, app, title, ms) VALUES (?, ?, ?, ?, ?)');
    this.updateMemo = db.prepare('UPDATE segments SET memo = ? WHERE id = ?');
    this.segmentsInRange = db.prepare(`SELECT DISTINCT segment_id FROM minutes WHERE ${MINUTES_IN_RANGE}`);
    this.flagIdle = db.prepare(`UPDATE minutes SET idle = 1 WHERE ${MINUTES_IN_RANGE}`);
    this.deleteMinutes = db.prepare(`DELETE FROM minutes WHERE ${MINUTES_IN_RANGE}`);
    this.deleteAllMinutes = db.prepare('DELETE FROM minutes WHERE segment_id = ?');
    this.flagTimeRemoved = db.prepare('UPDATE segments SET time_removed = 1 WHERE id = ?');
    // Every write that queues the segment raises its revision and settles what a save left owed (upload_owed).
    this.raiseRevision = db.prepare('UPDATE segments SET revision = revision + 1, upload_owed = 0 WHERE id = ?');
    this.flagScreenshotSkipped = db.prepare('UPDATE segments SET screenshot_skipped = ? WHERE id = ? AND screenshot_skipped IS NULL');
    this.raiseRevisionOwingUpload = db.prepare('UPDATE segments SET revision = revision + 1, upload_owed = 1 WHERE id = ?');
    // Run before the range changes, while its minutes still name the segments they belong to.
    this.raiseRevisionsInRange = db.prepare(
      `UPDATE segments SET revision = revision + 1, upload_owed = 0
        WHERE id IN (SELECT DISTINCT segment_id FROM minutes WHERE ${MINUTES_IN_RANGE})`,
    );
    this.owedUploads = db.prepare('SELECT id FROM segments WHERE upload_owed = 1 ORDER BY started_at, id');
    this.clearOwedUploads = db.prepare('UPDATE segments SET upload_owed = 0 WHERE upload_owed = 1');

    // Properties rather than methods so the transaction wrappers are built once.
    this.flushMinute = db.transaction((segmentId: string, minute: MinuteBucket, apps: readonly AppTime[]) => {
      if (!this.writeMinute(segmentId, minute, apps)) return;
      this.raiseRevision.run(segmentId);
      this.uploads?.enqueue('segment', segmentId);
    });
    this.saveMinute = db.transaction((segmentId: string, minute: MinuteBucket, apps: readonly AppTime[]) => {
      if (!this.writeMinute(segmentId, minute, apps)) return;
      // Changed content, a new revision; the upload is owed, not queued: the minute's end queues it (queueOwedUploads).
      (this.uploads ? this.raiseRevisionOwingUpload : this.raiseRevision).run(segmentId);
    });
  }

  /**
   * Queues every segment a save changed after it was last queued: what a crash left between a save and the end of
   * its minute. The store runs it at open (server mode), so a saved minute reaches the server whatever happens next.
   * Returns how many were queued.
   */
  queueOwedUploads(): number {
    if (!this.uploads) return 0;
    const uploads = this.uploads;
    return this.db.transaction(() => {
      const owed = this.owedUploads.all();
      for (const { id } of owed) uploads.enqueue('segment', id);
      this.clearOwedUploads.run();
      return owed.length;
    })();
  }

  /** Upserts a minute and its app time (inside the caller's transaction); false if the segment takes no more time. */
  private writeMinute(segmentId: string, minute: MinuteBucket, apps: readonly AppTime[]): boolean {
    const segment = this.requireSegment(segmentId);
    // The freelancer removed this segment's time with its screenshot: it takes no more, whoever writes.
    if (segment.time_removed === 1) return false;
    if (minute.startedAt < segment.started_at || minute.startedAt >= segment.started_at + segment.length_s) {
      throw new StoreError(
        'MINUTE_OUTSIDE_SEGMENT',
        `Minute ${minute.startedAt} is outside segment ${segmentId} (${segment.started_at}+${segment.length_s}s).`,
      );
    }
    this.upsertMinute.run({
      segmentId,
      startedAt: minute.startedAt,
      trackedMs: Math.round(minute.trackedMs),
      idle: minute.idle ? 1 : 0,
      keyboard: minute.keyboard,
      mouse: minute.mouse,
    });
    // The minute's app time is absolute, like its counts: it replaces what the minute held.
    this.deleteMinuteApps.run(segmentId, minute.startedAt);
    for (const app of normaliseApps(apps)) this.insertMinuteApp.run(segmentId, minute.startedAt, app.app, app.title, app.ms);
    return true;
  }

  findSegment(contractId: string, startedAt: number): StoredSegment | null {
    const row = this.segmentByStart.get(contractId, startedAt);
    if (!row) return null;
    // A screenshot skipped for privacy was the segment's one moment: a restarted agent does not try again.
    const hadScreenshot = this.screenshotOf.get(row.id) !== undefined || row.screenshot_skipped !== null;
    return toStoredSegment(row, this.minutesOf.all(row.id), this.minuteAppsOf.all(row.id), hadScreenshot);
  }

  /** Creates the segment; opening the same id again is a no-op. */
  openSegment(header: SegmentHeader): void {
    this.db.transaction(() => {
      let inserted: number;
      try {
        inserted = this.insertSegment.run({
          id: header.id,
          contract_id: header.contractId,
          started_at: header.startedAt,
          length_s: header.lengthSeconds,
          memo: header.memo === null ? null : clipText(header.memo, MAX_MEMO_CHARS),
          policy_version: header.policyVersion,
        }).changes;
      } catch (error) {
        if (sqliteCode(error) === 'SQLITE_CONSTRAINT_UNIQUE') {
          throw new StoreError(
            'SEGMENT_CONFLICT',
            `Contract ${header.contractId} already has a segment starting at ${header.startedAt}: continue it (findSegment) instead.`,
            { cause: error },
          );
        }
        throw error;
      }
      // Queued at open, before any screenshot of it can be: the server needs the segment first.
      if (inserted === 1) this.uploads?.enqueue('segment', header.id);
    })();
  }

  setMemo(segmentId: string, memo: string | null): void {
    this.db.transaction(() => {
      this.requireSegment(segmentId);
      this.updateMemo.run(memo === null ? null : clipText(memo, MAX_MEMO_CHARS), segmentId);
      this.raiseRevision.run(segmentId);
      this.uploads?.enqueue('segment', segmentId);
    })();
  }

  /** Flags the minutes of an idle stretch the freelancer kept. Returns how many minutes changed. */
  markIdle(contractId: string, fromSec: number, toSec: number): number {
    return this.changeRange({ contractId, from: fromSec, to: toSec }, this.flagIdle);
  }

  /**
   * Removes the minutes of an idle stretch the freelancer discarded, and with them (ON DELETE CASCADE) the app
   * time and window titles they saw: nothing of the stretch is stored or uploaded. Returns how many were removed.
   */
  discardMinutes(contractId: string, fromSec: number, toSec: number): number {
    return this.changeRange({ contractId, from: fromSec, to: toSec }, this.deleteMinutes);
  }

  /**
   * Removes all time of a segment (its minutes and their app time) but keeps the segment row, so the diary
   * still shows the slot and a later upload tells the server it is now empty. Used when the freelancer
   * deletes the segment's screenshot: evidence cannot be hidden while its time stays billed. The segment
   * is flagged, so later minute writes for it are ignored (the tracker may still be inside it).
   */
  clearTime(segmentId: string): void {
    this.db.transaction(() => {
      this.requireSegment(segmentId);
      this.deleteAllMinutes.run(segmentId); // their app time goes with them (ON DELETE CASCADE)
      this.flagTimeRemoved.run(segmentId);
      this.raiseRevision.run(segmentId);
      this.uploads?.enqueue('segment', segmentId);
    })();
  }

  /**
   * The segment's screenshot was skipped for privacy (a private window active where windows cannot be painted out,
   * or a private list that could not be read): recorded, so the diary says so instead of "no screenshot".
   */
  markScreenshotSkipped(segmentId: string, reason: ScreenshotSkipReason): void {
    this.db.transaction(() => {
      this.requireSegment(segmentId);
      if (this.flagScreenshotSkipped.run(reason, segmentId).changes === 0) return;
      this.raiseRevision.run(segmentId);
      this.uploads?.enqueue('segment', segmentId);
    })();
  }

  /** Segments in start order, in the shared SegmentRecord shape (what `worktrace segments --json` prints). */
  list(query: SegmentQuery = {}): SegmentRecord[] {
    const rows = this.summaries.all({ since: query.since ?? null, contractId: query.contractId ?? null });
    return rows.map((row) => this.record(row));
  }

  get(id: string): SegmentRecord | null {
    const row = this.summaryById.get(id);
    return row ? this.record(row) : null;
  }

  /**
   * The PUT body the uploader sends: the record with the policy version in force when it was recorded
   * and its revision. Read in one transaction, so the revision and the content belong together.
   */
  getForUpload(id: string): SegmentUpload | null {
    return this.db.transaction(() => {
      const row = this.summaryById.get(id);
      return row ? { ...this.record(row), policyVersion: row.policy_version, revision: row.revision } : null;
    })();
  }

  private record(row: SegmentSummaryRow): SegmentRecord {
    return toSegmentRecord(
      row,
      this.minutesOf.all(row.id),
      this.appsOf.all(row.id, MAX_APPS_PER_SEGMENT),
      this.screenshotOf.get(row.id),
    );
  }

  private changeRange(range: RangeParams, statement: SqlStatement<[RangeParams]>): number {
    return this.db.transaction(() => {
      const touched = this.uploads ? this.segmentsInRange.all(range) : [];
      this.raiseRevisionsInRange.run(range);
      const changes = statement.run(range).changes;
      for (const { segment_id } of touched) this.uploads?.enqueue('segment', segment_id);
      return changes;
    })();
  }

  private requireSegment(segmentId: string): SegmentRow {
    const segment = this.segmentById.get(segmentId);
    if (!segment) {
      throw new StoreError('SEGMENT_MISSING', `Segment ${segmentId} was never opened: open it before writing to it.`);
    }
    return segment;
  }
}
