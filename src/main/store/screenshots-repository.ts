import type { SqlDatabase, SqlStatement } from './sqlite/driver.js';
import { StoreError, sqliteCode } from './errors.js';
import type { OutboxRepository } from './outbox-repository.js';

/** What the store keeps about a screenshot. The store only ever sees encrypted bytes. */
export interface ScreenshotMeta {
  readonly id: string;
  readonly segmentId: string;
  /** Epoch ms of the capture. */
  readonly takenAt: number;
  readonly width: number;
  readonly height: number;
  /** Size of the plaintext JPEG (what the diary shows); the stored blob is slightly larger. */
  readonly bytes: number;
  readonly blurred: boolean;
  readonly policyVersion: number | null;
  /** Private windows painted out of the image (absent when written: none). */
  readonly redactedWindows?: number;
}

export interface StoredScreenshot extends ScreenshotMeta {
  /** The AES-256-GCM blob from encryptScreenshot(). */
  readonly data: Buffer;
}

export interface DroppedScreenshot extends ScreenshotMeta {
  /** Bytes of disk the blob took. */
  readonly storedBytes: number;
  /** The server had it already: only the local copy went. */
  readonly sent: boolean;
}

/** A freelancer's deletion still to be told to the server (the local screenshot is gone already). */
export interface PendingDeletion {
  readonly screenshotId: string;
  readonly segmentId: string;
  /** Epoch ms. */
  readonly deletedAt: number;
}

/** The capture times of the copies kept here of one contract's uploaded screenshots (epoch ms). */
export interface UploadedCopySpan {
  readonly contractId: string;
  readonly firstTakenAt: number;
  readonly lastTakenAt: number;
  readonly copies: number;
}

export interface ScreenshotsRepositoryOptions {
  /** Server mode: inserting queues the screenshot (and its segment's new reference) for upload. */
  readonly uploads: OutboxRepository | null;
}

interface ScreenshotRow {
  id: string;
  segment_id: string;
  taken_at: number;
  width: number;
  height: number;
  bytes: number;
  blurred: number;
  policy_version: number | null;
  redacted_windows: number;
}

const META_COLUMNS = 'id, segment_id, taken_at, width, height, bytes, blurred, policy_version, redacted_windows';

/**
 * Whether screenshot `s` of segment `seg` is a copy the server already has: its upload left the queue. Screenshots of
 * local contracts ('local:' ids, never uploaded: the only copy there is) are not.
 */
const IS_UPLOADED_COPY = `(NOT EXISTS (SELECT 1 FROM outbox AS o WHERE o.kind = 'screenshot' AND o.item_id = s.id)
  AND seg.contract_id NOT LIKE 'local:%')`;

export class ScreenshotsRepository {
  private readonly uploads: OutboxRepository | null;
  private readonly insertRow: SqlStatement<[Record<string, string | number | null | Buffer>]>;
  private readonly metaById: SqlStatement<[string], ScreenshotRow>;
  private readonly dataById: SqlStatement<[string], ScreenshotRow & { data: Buffer }>;
  private readonly allMeta: SqlStatement<[], ScreenshotRow>;
  private readonly deleteRow: SqlStatement<[string]>;
  private readonly storedBytes: SqlStatement<[], { total: number }>;
  private readonly evictionOrder: SqlStatement<[], ScreenshotRow & { stored: number; sent: number }>;
  private readonly segmentExists: SqlStatement<[string], { one: number }>;
  private readonly idsOfSegment: SqlStatement<[string], { id: string }>;
  private readonly dequeue: SqlStatement<[string]>;
  private readonly insertDeletion: SqlStatement<[string, string, number]>;
  private readonly deletionById: SqlStatement<[string], { segment_id: string; deleted_at: number }>;
  private readonly uploadedSpans: SqlStatement<[string, string], UploadedCopySpan>;

  constructor(
    private readonly db: SqlDatabase,
    options: ScreenshotsRepositoryOptions,
  ) {
    this.uploads = options.uploads;
    this.insertRow = db.prepare(
      `INSERT INTO screenshots (id, segment_id, taken_at, width, height, bytes, blurred, policy_version, redacted_windows, data)
       VALUES (@id, @segmentId, @takenAt, @width, @height, @bytes, @blurred, @policyVersion, @redactedWindows, @data)`,
    );
    this.metaById = db.prepare(`SELECT ${META_COLUMNS} FROM screenshots WHERE id = ?`);
    this.dataById = db.prepare(`SELECT ${META_COLUMNS}, data FROM screenshots WHERE id = ?`);
    this.allMeta = db.prepare(`SELECT ${META_COLUMNS} FROM screenshots ORDER BY taken_at, id`);
    this.deleteRow = db.prepare('DELETE FROM screenshots WHERE id = ?');
    // length() of a blob is read from the record header; the blob itself is not loaded.
    this.storedBytes = db.prepare('SELECT coalesce(sum(length(data)), 0) AS total FROM screenshots');
    // Eviction order: copies the server already has (their queue entry left when the upload succeeded) before any
    // unsent one, each group oldest first. Screenshots of local contracts ('local:' ids, never uploaded: the only
    // copy there is) count as unsent.
    this.evictionOrder = db.prepare(
      `SELECT ${META_COLUMNS.split(', ').map((c) => `s.${c}`).join(', ')}, length(s.data) AS stored,
              ${IS_UPLOADED_COPY} AS sent
         FROM screenshots AS s JOIN segments AS seg ON seg.id = s.segment_id
        ORDER BY sent DESC, s.taken_at, s.id`,
    );
    this.segmentExists = db.prepare('SELECT 1 AS one FROM segments WHERE id = ?');
    this.idsOfSegment = db.prepare('SELECT id FROM screenshots WHERE segment_id = ?');
    // Direct, not through `uploads`: a queue entry left by an earlier server-mode run must go as well.
    this.dequeue = db.prepare("DELETE FROM outbox WHERE kind = 'screenshot' AND item_id = ?");
    this.insertDeletion = db.prepare(
      'INSERT INTO screenshot_deletions (screenshot_id, segment_id, deleted_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    );
    this.deletionById = db.prepare('SELECT segment_id, deleted_at FROM screenshot_deletions WHERE screenshot_id = ?');
    this.uploadedSpans = db.prepare(
      `SELECT seg.contract_id AS contractId, min(s.taken_at) AS firstTakenAt, max(s.taken_at) AS lastTakenAt, count(*) AS copies
         FROM screenshots AS s JOIN segments AS seg ON seg.id = s.segment_id
         JOIN contract_accounts AS ca ON ca.contract_id = seg.contract_id
         JOIN accounts AS a ON a.id = ca.account_id
        WHERE a.server = ? AND a.user_id = ? AND ${IS_UPLOADED_COPY}
        GROUP BY seg.contract_id ORDER BY seg.contract_id`,
    );
  }

  insert(screenshot: StoredScreenshot): void {
    this.db.transaction(() => {
      if (!this.segmentExists.get(screenshot.segmentId)) {
        throw new StoreError('SEGMENT_MISSING', `Segment ${screenshot.segmentId} was never opened: open it before its screenshot.`);
      }
      try {
        this.insertRow.run({
          id: screenshot.id,
          segmentId: screenshot.segmentId,
          takenAt: screenshot.takenAt,
          width: screenshot.width,
          height: screenshot.height,
          bytes: screenshot.bytes,
          blurred: screenshot.blurred ? 1 : 0,
          policyVersion: screenshot.policyVersion,
          redactedWindows: screenshot.redactedWindows ?? 0,
          data: screenshot.data,
        });
      } catch (error) {
        const code = sqliteCode(error);
        if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
          throw new StoreError('SCREENSHOT_CONFLICT', `Segment ${screenshot.segmentId} already has a screenshot (one per segment).`, {
            cause: error,
          });
        }
        throw error;
      }
      // The segment record now carries a screenshot reference: queue it too. An already queued segment
      // keeps its earlier place, a fresh one lands before the screenshot, so the segment goes first.
      this.uploads?.enqueue('segment', screenshot.segmentId);
      this.uploads?.enqueue('screenshot', screenshot.id);
    })();
  }

  meta(id: string): ScreenshotMeta | null {
    const row = this.metaById.get(id);
    return row ? toMeta(row) : null;
  }

  get(id: string): StoredScreenshot | null {
    const row = this.dataById.get(id);
    return row ? { ...toMeta(row), data: row.data } : null;
  }

  /** Every stored screenshot, oldest first, without the image data. */
  list(): ScreenshotMeta[] {
    return this.allMeta.all().map(toMeta);
  }

  /**
   * Deletes a screenshot and its queue entry. The segment and its time stay (callers that must also
   * remove time, as when the freelancer deletes evidence, do that through the segments). Returns false
   * when there was no such screenshot. The segment is queued again (its record no longer names a screenshot)
   * unless `requeueSegment` is false: the server removed the screenshot itself and needs no word of it.
   */
  delete(id: string, options: { requeueSegment: boolean } = { requeueSegment: true }): boolean {
    return this.db.transaction(() => this.deleteOne(id, options))();
  }

  /**
   * Per contract of `account`, the capture times spanned by the copies kept here of screenshots it uploaded: what
   * to ask the server about when learning which of them are gone there.
   */
  uploadedCopySpans(account: { readonly server: string; readonly userId: string }): UploadedCopySpan[] {
    return this.uploadedSpans.all(account.server, account.userId);
  }

  /**
   * The server refused a segment for good (it began after the contract was paused or ended): its screenshot can never
   * be uploaded, so it goes with its queue entry; the segment is not queued again (it would only be refused again).
   * Returns how many went.
   */
  deleteOfRefusedSegment(segmentId: string): number {
    return this.db.transaction(() =>
      this.idsOfSegment.all(segmentId).filter(({ id }) => this.deleteOne(id, { requeueSegment: false })).length,
    )();
  }

  /**
   * The freelancer deletes a screenshot: the row and its queued upload go, and in server mode the deletion is
   * queued for the server in the same transaction, after the segment (whose record changed), so the server drops
   * the image — or, if it never got it, refuses its upload later — and stops billing the segment. Only this path
   * tells the server: a refused upload or the quota drops the local copy alone. `at` is epoch ms.
   */
  deleteByFreelancer(id: string, at: number): boolean {
    return this.db.transaction(() => {
      const row = this.metaById.get(id);
      if (!row || !this.deleteOne(id)) return false;
      if (this.uploads) {
        this.insertDeletion.run(id, row.segment_id, at);
        this.uploads.enqueue('screenshot-deletion', id);
      }
      return true;
    })();
  }

  /** The deletion queued for `screenshotId`, while it waits to reach the server. */
  pendingDeletion(screenshotId: string): PendingDeletion | null {
    const row = this.deletionById.get(screenshotId);
    return row ? { screenshotId, segmentId: row.segment_id, deletedAt: row.deleted_at } : null;
  }

  /** Disk taken by the encrypted blobs, in bytes. */
  totalStoredBytes(): number {
    return this.storedBytes.get()?.total ?? 0;
  }

  /**
   * Enforces the screenshot quota: deletes screenshots until the stored blobs take at most `untilBytes`, and
   * returns what it dropped (for the warning). Copies already uploaded (kept so the freelancer can look at them)
   * go first, oldest first; only then unsent ones, oldest first. Only screenshots are dropped; the segments and
   * their time stay.
   */
  evictForQuota(untilBytes: number): DroppedScreenshot[] {
    return this.db.transaction(() => {
      let total = this.totalStoredBytes();
      const dropped: DroppedScreenshot[] = [];
      if (total <= untilBytes) return dropped;
      for (const row of this.evictionOrder.iterate()) {
        dropped.push({ ...toMeta(row), storedBytes: row.stored, sent: row.sent === 1 });
        total -= row.stored;
        if (total <= untilBytes) break;
      }
      // Deleting while iterating the same table is not allowed; collect first, then delete.
      // A sent copy's segment is not queued again: the server has the segment and the image, only this copy went.
      for (const shot of dropped) this.deleteOne(shot.id, { requeueSegment: !shot.sent });
      return dropped;
    })();
  }

  private deleteOne(id: string, options: { requeueSegment: boolean } = { requeueSegment: true }): boolean {
    const row = this.metaById.get(id);
    if (!row) return false;
    this.deleteRow.run(id);
    this.dequeue.run(id);
    // The segment's screenshot reference is now null; a segment already on the server learns that too.
    if (options.requeueSegment) this.uploads?.enqueue('segment', row.segment_id);
    return true;
  }
}

function toMeta(row: ScreenshotRow): ScreenshotMeta {
  return {
    id: row.id,
    segmentId: row.segment_id,
    takenAt: row.taken_at,
    width: row.width,
    height: row.height,
    bytes: row.bytes,
    blurred: row.blurred === 1,
    policyVersion: row.policy_version,
    redactedWindows: row.redacted_windows,
  };
}
