import type { SqlDatabase, SqlStatement } from './sqlite/driver.js';
import type { Clock } from '../../shared/clock.js';

/**
 * The upload queue. Items drain in `seq` order with their client-generated ids, so a retry re-sends the
 * same record and the server's upsert makes it a no-op. The queue holds references only; the uploader
 * reads the current record when it sends, which is why an item that changes while queued (a segment
 * gaining minutes) bumps `revision` instead of adding a second row.
 *
 * A 'screenshot-deletion' tells the server the freelancer deleted a screenshot here (its local row is gone; what
 * the DELETE needs is kept in screenshot_deletions until the item leaves the queue).
 */
export type OutboxKind = 'segment' | 'screenshot' | 'screenshot-deletion';

/**
 * What the counts say per item: a screenshot's upload and its deletion are both screenshot work still to send
 * (a deletion replaces the upload it cancels, so a screenshot is never counted twice).
 */
export type CountedKind = 'segment' | 'screenshot';

export function countedKind(kind: OutboxKind): CountedKind {
  return kind === 'segment' ? 'segment' : 'screenshot';
}

export interface OutboxItem {
  readonly seq: number;
  readonly kind: OutboxKind;
  readonly itemId: string;
  /** Pass back to markSent: if the item changed after it was read, it stays queued for another send. */
  readonly revision: number;
  readonly attempts: number;
  /** Epoch ms. For a parked item: when it is tried again on its own. */
  readonly nextAttemptAt: number;
  readonly lastError: string | null;
  /** Epoch ms of the first refusal that parked it, while it stays parked; null for an item that is not. */
  readonly parkedAt: number | null;
}

export interface ParkedItem extends OutboxItem {
  readonly parkedAt: number;
}

/** Who an item is sent as: the server and the user it was recorded under. */
export interface OutboxAccount {
  /** The normalised server address (checkServerUrl). */
  readonly server: string;
  readonly userId: string;
  /** For the person to read ("wait for ana@example.com"); refreshed at each sign-in. */
  readonly email: string;
}

/** Whether two accounts are the same person on the same server (the email may have changed). */
export function sameAccount(a: Pick<OutboxAccount, 'server' | 'userId'>, b: Pick<OutboxAccount, 'server' | 'userId'>): boolean {
  return a.server === b.server && a.userId === b.userId;
}

/** Items of one account (pending and parked), for status and the app's sync view. */
export interface AccountQueue {
  readonly account: OutboxAccount;
  readonly pendingSegments: number;
  readonly pendingScreenshots: number;
  readonly parked: number;
}

export interface OutboxCounts {
  readonly pending: Readonly<Record<CountedKind, number>>;
  readonly parked: Readonly<Record<CountedKind, number>>;
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

/** The contract of the item `@kind` `@itemId` names: a segment's own, a screenshot's (or a deleted one's) segment's. */
const CONTRACT_OF_ITEM = `(CASE @kind WHEN 'segment' THEN (SELECT contract_id FROM segments WHERE id = @itemId)
  WHEN 'screenshot' THEN (SELECT g.contract_id FROM screenshots AS s JOIN segments AS g ON g.id = s.segment_id WHERE s.id = @itemId)
  ELSE (SELECT g.contract_id FROM screenshot_deletions AS d JOIN segments AS g ON g.id = d.segment_id WHERE d.screenshot_id = @itemId) END)`;

/** The segment of a queued item `o`: a segment's own id, a screenshot's (or a deleted one's) segment. */
const SEGMENT_OF_ROW = `(CASE o.kind WHEN 'segment' THEN o.item_id
  WHEN 'screenshot' THEN (SELECT s.segment_id FROM screenshots AS s WHERE s.id = o.item_id)
  ELSE (SELECT d.segment_id FROM screenshot_deletions AS d WHERE d.screenshot_id = o.item_id) END)`;

interface ItemRef {
  kind: OutboxKind;
  itemId: string;
  accountId: number | null;
}

interface AccountQueueRow {
  server: string;
  user_id: string;
  email: string;
  id: number;
  kind: OutboxKind;
  parked: number;
  n: number;
}

export class OutboxRepository {
  /**
   * The account new items are recorded under and the only one whose items drain; null until someone signs in
   * (items then wait unassigned, and the next account to sign in adopts them).
   */
  private accountId: number | null = null;
  private readonly upsert: SqlStatement<[ItemRef]>;
  private readonly claimContract: SqlStatement<[ItemRef]>;
  private readonly upsertAccount: SqlStatement<[string, string, string], { id: number }>;
  private readonly accountIdOf: SqlStatement<[string, string], { id: number }>;
  private readonly adoptUnassigned: SqlStatement<[number]>;
  private readonly claimAdoptedContracts: SqlStatement<[{ accountId: number }]>;
  private readonly queueByAccount: SqlStatement<[], AccountQueueRow>;
  private readonly removeItem: SqlStatement<[string, string]>;
  private readonly dueItems: SqlStatement<[{ accountId: number | null; now: number; dueBy: number; limit: number }], OutboxRow>;
  private readonly deleteIfUnchanged: SqlStatement<[number, number]>;
  private readonly unparkAccepted: SqlStatement<[number]>;
  private readonly retry: SqlStatement<[number, string, number]>;
  private readonly parkItem: SqlStatement<[number, number, string, number]>;
  private readonly retryParkedOf: SqlStatement<[{ accountId: number | null }]>;
  private readonly retryParkedOfSegment: SqlStatement<[{ segmentId: string }]>;
  private readonly countRows: SqlStatement<[], { kind: OutboxKind; parked: number; n: number }>;
  private readonly parkedRows: SqlStatement<[number], OutboxRow>;

  constructor(
    private readonly db: SqlDatabase,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    // An item belongs to the account its contract was recorded under, else to the one signed in; an item queued
    // again keeps its account. So a change to one account's record is that account's to send, whoever is signed in.
    this.upsert = db.prepare(
      `INSERT INTO outbox (kind, item_id, account_id)
       VALUES (@kind, @itemId, coalesce((SELECT account_id FROM contract_accounts WHERE contract_id = ${CONTRACT_OF_ITEM}), @accountId))
       ON CONFLICT (kind, item_id) DO UPDATE SET revision = revision + 1,
         next_attempt_at = CASE WHEN parked_at IS NULL THEN next_attempt_at ELSE 0 END`,
    );
    this.claimContract = db.prepare(
      `INSERT OR IGNORE INTO contract_accounts (contract_id, account_id)
       SELECT contract_id, @accountId FROM (SELECT ${CONTRACT_OF_ITEM} AS contract_id)
        WHERE @accountId IS NOT NULL AND contract_id IS NOT NULL`,
    );
    this.upsertAccount = db.prepare(
      `INSERT INTO accounts (server, user_id, email) VALUES (?, ?, ?)
       ON CONFLICT (server, user_id) DO UPDATE SET email = excluded.email
       RETURNING id`,
    );
    this.adoptUnassigned = db.prepare('UPDATE outbox SET account_id = ? WHERE account_id IS NULL');
    this.claimAdoptedContracts = db.prepare(
      `INSERT OR IGNORE INTO contract_accounts (contract_id, account_id)
       SELECT contract_id, @accountId FROM (
         SELECT ${CONTRACT_OF_ITEM.replaceAll('@kind', 'o.kind').replaceAll('@itemId', 'o.item_id')} AS contract_id
           FROM outbox AS o WHERE o.account_id = @accountId ORDER BY o.seq)
        WHERE contract_id IS NOT NULL`,
    );
    this.queueByAccount = db.prepare(
      `SELECT a.id, a.server, a.user_id, a.email, o.kind, o.parked_at IS NOT NULL AS parked, count(*) AS n
         FROM outbox AS o JOIN accounts AS a ON a.id = o.account_id
        GROUP BY a.id, o.kind, o.parked_at IS NOT NULL ORDER BY a.id`,
    );
    this.removeItem = db.prepare('DELETE FROM outbox WHERE kind = ? AND item_id = ?');
    // A screenshot (or its deletion) waits while its segment has an earlier unparked row: the server needs the
    // segment first, and a segment in backoff must not let its screenshot overtake it. A deletion that overtook
    // its segment would be answered 404 and count as done while the segment arrives billable afterwards.
    // A parked item is due when its slow retry is (@now), whatever @dueBy a "send everything now" passes.
    this.dueItems = db.prepare(
      `SELECT ${COLUMNS} FROM outbox AS o
        WHERE o.account_id IS @accountId AND o.next_attempt_at <= (CASE WHEN o.parked_at IS NULL THEN @dueBy ELSE @now END)
          AND NOT (o.kind <> 'segment' AND EXISTS (
                SELECT 1 FROM outbox AS seg
                 WHERE seg.kind = 'segment' AND seg.item_id = ${SEGMENT_OF_ROW} AND seg.seq < o.seq AND seg.parked_at IS NULL))
        ORDER BY o.seq LIMIT @limit`,
    );
    this.deleteIfUnchanged = db.prepare('DELETE FROM outbox WHERE seq = ? AND revision = ?');
    this.unparkAccepted = db.prepare('UPDATE outbox SET parked_at = NULL WHERE seq = ? AND parked_at IS NOT NULL');
    this.retry = db.prepare(
      'UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE seq = ?',
    );
    // Parked again after a retry, an item keeps the time it was first parked: how long it has waited sets the next wait.
    this.parkItem = db.prepare(
      'UPDATE outbox SET attempts = attempts + 1, parked_at = coalesce(parked_at, ?), next_attempt_at = ?, last_error = ? WHERE seq = ?',
    );
    this.retryParkedOf = db.prepare('UPDATE outbox SET next_attempt_at = 0 WHERE parked_at IS NOT NULL AND account_id IS @accountId');
    // What a segment's refusal parked behind it: its screenshot (404 SEGMENT_NOT_FOUND) and its deletion.
    this.retryParkedOfSegment = db.prepare(
      `UPDATE outbox SET next_attempt_at = 0
        WHERE parked_at IS NOT NULL AND (
              (kind = 'screenshot' AND item_id IN (SELECT id FROM screenshots WHERE segment_id = @segmentId))
           OR (kind = 'screenshot-deletion' AND item_id IN (SELECT screenshot_id FROM screenshot_deletions WHERE segment_id = @segmentId)))`,
    );
    this.countRows = db.prepare(
      'SELECT kind, parked_at IS NOT NULL AS parked, count(*) AS n FROM outbox GROUP BY kind, parked_at IS NOT NULL',
    );
    this.parkedRows = db.prepare(
      `SELECT ${COLUMNS} FROM outbox WHERE parked_at IS NOT NULL AND account_id = ? ORDER BY seq`,
    );
    this.accountIdOf = db.prepare('SELECT id FROM accounts WHERE server = ? AND user_id = ?');
  }

  /**
   * Signs the queue in as `account`: items recorded from now on belong to it, only its items drain, and items
   * that belong to nobody yet (queued before accounts were recorded, or while signed out) become its own.
   * Items of other accounts stay queued, untouched, until their account signs in again.
   */
  useAccount(account: OutboxAccount): void {
    this.db.transaction(() => {
      const row = this.upsertAccount.get(account.server, account.userId, account.email);
      if (!row) throw new Error('accounts upsert returned no row');
      this.adoptUnassigned.run(row.id);
      this.claimAdoptedContracts.run({ accountId: row.id });
      this.accountId = row.id;
    })();
  }

  /**
   * Queues an item, or marks an already queued one as changed (it keeps its place in the order). A parked item that
   * changes is due again at once: the change (a memo, a shorter segment) may be what the server was waiting for.
   */
  enqueue(kind: OutboxKind, itemId: string): void {
    const ref: ItemRef = { kind, itemId, accountId: this.accountId };
    this.upsert.run(ref);
    this.claimContract.run(ref);
  }

  /** Drops an item from the queue (its record was deleted locally). */
  remove(kind: OutboxKind, itemId: string): void {
    this.removeItem.run(kind, itemId);
  }

  /**
   * The first item due at `now` (epoch ms) of the account in use, skipping items waiting for their backoff and
   * parked items until their slow retry. `dueBy` (later than now) also takes items whose backoff ends by then: a
   * person asked to send everything now. Parked items go only at their own time (or after retryParked()).
   */
  next(now: number, dueBy = now): OutboxItem | null {
    return this.due(now, 1, dueBy)[0] ?? null;
  }

  /** Up to `limit` due items of the account in use, in queue order (see next()). */
  due(now: number, limit: number, dueBy = now): OutboxItem[] {
    return this.dueItems.all({ accountId: this.accountId, now, dueBy, limit }).map(toItem);
  }

  /**
   * Removes a delivered item. Returns false when the item changed since it was read (a new minute was
   * flushed meanwhile): it then stays queued, and the next pass sends the newer record — no longer parked, since the
   * server took the one before it.
   */
  markSent(item: Pick<OutboxItem, 'seq' | 'revision'>): boolean {
    if (this.deleteIfUnchanged.run(item.seq, item.revision).changes === 1) return true;
    this.unparkAccepted.run(item.seq);
    return false;
  }

  /** A transient failure: try again at `nextAttemptAt` (epoch ms; the uploader computes the backoff). */
  markRetry(seq: number, nextAttemptAt: number, error: string): void {
    this.retry.run(nextAttemptAt, clip(error), seq);
  }

  /**
   * A refusal that needs a person: the item stops draining but stays visible with its error, and is tried again on
   * its own at `retryAt` (epoch ms; the uploader's slow schedule), or sooner (retryParked, a change to it).
   */
  park(seq: number, error: string, retryAt: number): void {
    this.parkItem.run(this.clock.now(), retryAt, clip(error), seq);
  }

  /** Makes every parked item of the account in use due now (sign-in, start, the person's Retry). Returns how many. */
  retryParked(): number {
    return this.retryParkedOf.run({ accountId: this.accountId }).changes;
  }

  /** Makes the parked screenshot and deletion of a segment due now: the segment was just accepted. */
  retryParkedOfSegmentItems(segmentId: string): void {
    this.retryParkedOfSegment.run({ segmentId });
  }

  counts(): OutboxCounts {
    const pending = { segment: 0, screenshot: 0 };
    const parked = { segment: 0, screenshot: 0 };
    for (const row of this.countRows.all()) (row.parked ? parked : pending)[countedKind(row.kind)] += row.n;
    return { pending, parked };
  }

  /**
   * The queue per account, the one in use included, in the order the accounts first signed in. Items nobody has
   * adopted yet are not listed: they go to the next account that signs in.
   */
  byAccount(): AccountQueue[] {
    const queues = new Map<number, { account: OutboxAccount; pendingSegments: number; pendingScreenshots: number; parked: number }>();
    for (const row of this.queueByAccount.all()) {
      const entry = queues.get(row.id) ?? {
        account: { server: row.server, userId: row.user_id, email: row.email },
        pendingSegments: 0,
        pendingScreenshots: 0,
        parked: 0,
      };
      if (row.parked) entry.parked += row.n;
      else if (row.kind === 'segment') entry.pendingSegments += row.n;
      else entry.pendingScreenshots += row.n;
      queues.set(row.id, entry);
    }
    return [...queues.values()];
  }

  /** The queue of one account (none queued: null); what "N wait to upload" must count for the signed-in person. */
  queueOf(account: Pick<OutboxAccount, 'server' | 'userId'>): AccountQueue | null {
    return this.byAccount().find((q) => sameAccount(q.account, account)) ?? null;
  }

  /**
   * The parked items of `account` (the signed-in one): only its own wait for a person here. Another account's
   * parked items are counted with that account's waiting work (byAccount); signed out (null), none are anyone's here.
   */
  parked(account: Pick<OutboxAccount, 'server' | 'userId'> | null): ParkedItem[] {
    const id = account ? (this.accountIdOf.get(account.server, account.userId)?.id ?? null) : null;
    if (id === null) return [];
    return this.parkedRows.all(id).map((row) => ({ ...toItem(row), parkedAt: row.parked_at ?? 0 }));
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
    parkedAt: row.parked_at,
  };
}

function clip(error: string): string {
  return error.length > MAX_ERROR_CHARS ? `${error.slice(0, MAX_ERROR_CHARS - 1)}…` : error;
}
