import { expect } from 'vitest';
import { isDiskFull } from '../../../../../src/main/store/errors.js';
import type { Store } from '../../../../../src/main/store/index.js';
import type { AppTime, MinuteBucket, SegmentHeader, StoredSegment, TrackingSink } from '../../../../../src/main/tracking/ports.js';

/**
 * The store's segments on a disk that can be filled and emptied. On a real full disk every write is refused (the
 * WAL cannot grow by one frame), but SQLite's max_page_count only refuses writes that need new pages; so while
 * full, this sink refuses each segment write with the store's own DISK_FULL error, taken from a real refused write
 * (SQLITE_FULL inside), and images are refused by SQLite itself. The tmpfs version with the built CLI is
 * tests/integration/reliability/full-disk.test.ts.
 */
export class FullDiskSink implements TrackingSink {
  #refusal: unknown = null;

  constructor(private readonly store: Store) {}

  fill(): void {
    const db = this.store.db;
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    try {
      // Any write that needs new pages now gets DISK_FULL from the store: segment writes get that same error.
      db.transaction(() => db.prepare('CREATE TABLE filler AS SELECT randomblob(200000) AS b').run())();
    } catch (error) {
      this.#refusal = error;
    }
    expect(isDiskFull(this.#refusal)).toBe(true);
  }

  free(): void {
    this.store.db.pragma('max_page_count = 4294967294');
    this.#refusal = null;
  }

  findSegment(contractId: string, startedAt: number): StoredSegment | null {
    return this.store.segments.findSegment(contractId, startedAt);
  }

  openSegment(header: SegmentHeader): void {
    this.#refuse();
    this.store.segments.openSegment(header);
  }

  flushMinute(segmentId: string, minute: MinuteBucket, apps: readonly AppTime[]): void {
    this.#refuse();
    this.store.segments.flushMinute(segmentId, minute, apps);
  }

  saveMinute(segmentId: string, minute: MinuteBucket, apps: readonly AppTime[]): void {
    this.#refuse();
    this.store.segments.saveMinute(segmentId, minute, apps);
  }

  setMemo(segmentId: string, memo: string | null): void {
    this.#refuse();
    this.store.segments.setMemo(segmentId, memo);
  }

  markIdle(contractId: string, fromSec: number, toSec: number): void {
    this.#refuse();
    this.store.segments.markIdle(contractId, fromSec, toSec);
  }

  discardMinutes(contractId: string, fromSec: number, toSec: number): void {
    this.#refuse();
    this.store.segments.discardMinutes(contractId, fromSec, toSec);
  }

  #refuse(): void {
    if (this.#refusal !== null) throw this.#refusal;
  }
}
