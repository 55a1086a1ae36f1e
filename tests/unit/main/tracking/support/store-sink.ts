import { openStore, type Store } from '../../../../../src/main/store/index.js';
import type { AppTime, MinuteBucket, SegmentHeader, StoredSegment, TrackingSink } from '../../../../../src/main/tracking/ports.js';
import type { Clock } from '../../../../../src/shared/clock.js';

/** A recorded segment as the tracker tests read it: minutes by start, and its apps summed over them (exact ms). */
export interface RecordedSegment {
  readonly header: SegmentHeader;
  readonly minutes: ReadonlyMap<number, MinuteBucket>;
  readonly apps: readonly AppTime[];
  readonly hasScreenshot: boolean;
}

/**
 * The tracker's sink in the tracker tests: the real SQLite store (in memory; server mode, so each write also queues
 * its upload, as in the app), with a log of the calls the tracker made and the readers the tests need. It replaces
 * an in-memory double that replaced a segment's app totals where the store upserted them, which hid a discarded
 * idle stretch's titles staying in the store (issue 12 item 4): the tracker is now tested against the store itself.
 */
export class StoreSink implements TrackingSink {
  readonly store: Store;
  readonly calls: string[] = [];
  #screenshots = 0;

  constructor(clock: Pick<Clock, 'now'>) {
    this.store = openStore({ file: ':memory:', clock, mode: 'server' });
  }

  findSegment(contractId: string, startedAt: number): StoredSegment | null {
    return this.store.segments.findSegment(contractId, startedAt);
  }

  openSegment(header: SegmentHeader): void {
    this.calls.push(`open ${header.startedAt}`);
    this.store.segments.openSegment(header);
  }

  flushMinute(segmentId: string, minute: MinuteBucket, apps: readonly AppTime[]): void {
    this.calls.push(`flush ${minute.startedAt}`);
    this.store.segments.flushMinute(segmentId, minute, apps);
  }

  saveMinute(segmentId: string, minute: MinuteBucket, apps: readonly AppTime[]): void {
    this.calls.push(`save ${minute.startedAt}`);
    this.store.segments.saveMinute(segmentId, minute, apps);
  }

  setMemo(segmentId: string, memo: string | null): void {
    this.calls.push(`memo ${this.#startOf(segmentId)}`);
    this.store.segments.setMemo(segmentId, memo);
  }

  markIdle(contractId: string, fromSec: number, toSec: number): void {
    this.calls.push(`markIdle ${fromSec} ${toSec}`);
    this.store.segments.markIdle(contractId, fromSec, toSec);
  }

  discardMinutes(contractId: string, fromSec: number, toSec: number): void {
    this.calls.push(`discard ${fromSec} ${toSec}`);
    this.store.segments.discardMinutes(contractId, fromSec, toSec);
  }

  /** What a screenshot taker stores for a capture (the bytes stand in for the ciphertext). */
  markScreenshot(segmentId: string, takenAt: number): void {
    this.#screenshots += 1;
    this.store.screenshots.insert({
      id: `shot-${this.#screenshots}-${segmentId}`,
      segmentId,
      takenAt,
      width: 16,
      height: 9,
      bytes: 100,
      blurred: false,
      policyVersion: null,
      data: Buffer.alloc(128, 7),
    });
  }

  /** Forgets everything recorded (a test that starts over on the same sink). */
  clear(): void {
    this.store.db.prepare('DELETE FROM segments').run();
    this.store.db.prepare('DELETE FROM outbox').run();
  }

  segment(id: string): RecordedSegment | null {
    const row = this.store.db.prepare('SELECT contract_id, started_at FROM segments WHERE id = ?').get(id) as { contract_id: string; started_at: number } | undefined;
    return row ? this.#recorded(row.contract_id, row.started_at) : null;
  }

  orderedSegments(contractId = 'c1'): RecordedSegment[] {
    const starts = this.store.db.prepare('SELECT started_at FROM segments WHERE contract_id = ? ORDER BY started_at').all(contractId) as { started_at: number }[];
    return starts.map(({ started_at }) => this.#recorded(contractId, started_at));
  }

  /** All minutes of all segments, in time order. */
  allMinutes(contractId = 'c1'): MinuteBucket[] {
    return this.orderedSegments(contractId)
      .flatMap((s) => [...s.minutes.values()])
      .sort((a, b) => a.startedAt - b.startedAt);
  }

  totalTrackedMs(contractId = 'c1'): number {
    return this.allMinutes(contractId).reduce((sum, m) => sum + m.trackedMs, 0);
  }

  #recorded(contractId: string, startedAt: number): RecordedSegment {
    const stored = this.store.segments.findSegment(contractId, startedAt);
    if (!stored) throw new Error(`no segment of ${contractId} at ${startedAt}`);
    const apps = new Map<string, { app: string; title: string; ms: number }>();
    for (const a of stored.apps) {
      const key = `${a.app}\u0000${a.title}`;
      const total = apps.get(key) ?? { app: a.app, title: a.title, ms: 0 };
      total.ms += a.ms;
      apps.set(key, total);
    }
    return {
      header: stored.header,
      minutes: new Map(stored.minutes.map((m) => [m.startedAt, m])),
      apps: [...apps.values()],
      hasScreenshot: stored.hasScreenshot,
    };
  }

  #startOf(segmentId: string): number {
    return this.segment(segmentId)?.header.startedAt ?? Number.NaN;
  }
}
