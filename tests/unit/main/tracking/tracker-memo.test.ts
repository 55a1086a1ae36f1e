import { afterEach, describe, expect, it } from 'vitest';
import type { TrackingSink } from '../../../../src/main/tracking/ports.js';
import type { TrackerError } from '../../../../src/main/tracking/events.js';
import { makeStoreRig, work, type StoreRig } from './support/store-rig.js';

const at = (h: number, m: number, s = 0): number => Date.UTC(2026, 0, 5, h, m, s);
const sec = (h: number, m: number): number => at(h, m) / 1000;

function memoOf(rig: StoreRig, startedAtSec: number): string | null | undefined {
  return rig.store.segments.list().find((s) => Date.parse(s.startedAt) / 1000 === startedAtSec)?.memo;
}

/** Whether the segment waits in the upload queue (the memo change must reach the server). */
function queued(rig: StoreRig, segmentId: string): boolean {
  return rig.store.db.prepare("SELECT 1 FROM outbox WHERE kind = 'segment' AND item_id = ?").get(segmentId) !== undefined;
}

describe('Tracker: a memo edited while tracking', () => {
  let rig: StoreRig;
  afterEach(async () => rig?.dispose());

  it('applies to the open segment at once (stored and queued) and to the later ones; earlier ones keep theirs', async () => {
    rig = makeStoreRig({ memo: 'first task' });
    rig.tracker.start(); // 09:00:00, 10-minute segments
    await work(rig, 12 * 60); // 09:12: the 09:00 segment is closed, 09:10 is open
    const open = rig.tracker.snapshot().segment!;
    expect(open.startedAt).toBe(sec(9, 10));
    rig.store.db.prepare('DELETE FROM outbox').run(); // as if everything had been uploaded

    rig.tracker.setMemo('second task');
    // No tick in between: the store has it now, and the segment is queued again for upload.
    expect(memoOf(rig, sec(9, 10))).toBe('second task');
    expect(rig.store.segments.getForUpload(open.id)?.memo).toBe('second task');
    expect(queued(rig, open.id)).toBe(true);
    expect(memoOf(rig, sec(9, 0))).toBe('first task');
    expect(rig.tracker.snapshot().memo).toBe('second task');

    await work(rig, 10 * 60); // into the 09:20 segment
    expect(memoOf(rig, sec(9, 20))).toBe('second task');
    rig.tracker.setMemo(null);
    await rig.tracker.stop();
    expect(rig.store.segments.list().map((s) => s.memo)).toEqual(['first task', 'second task', null]);
  });

  it('leaves the last segment alone once tracking stopped; the next run opens with the new memo', async () => {
    rig = makeStoreRig({ memo: 'before' });
    rig.tracker.start();
    await work(rig, 90);
    await rig.tracker.stop();
    rig.tracker.setMemo('after');
    expect(rig.store.segments.list().map((s) => s.memo)).toEqual(['before']);
    rig.clock.advance(20 * 60_000); // a later segment
    rig.tracker.start();
    await work(rig, 30);
    await rig.tracker.stop();
    expect(rig.store.segments.list().map((s) => s.memo)).toEqual(['before', 'after']);
  });

  it('a memo write that fails is reported and written with the next minute', async () => {
    rig = makeStoreRig({ memo: 'old' });
    const real = rig.store.segments;
    let failNext = false;
    const flaky: TrackingSink = {
      findSegment: (...a) => real.findSegment(...a),
      openSegment: (...a) => real.openSegment(...a),
      flushMinute: (...a) => real.flushMinute(...a),
      saveMinute: (...a) => real.saveMinute(...a),
      markIdle: (...a) => real.markIdle(...a),
      discardMinutes: (...a) => real.discardMinutes(...a),
      setMemo: (...a) => {
        if (failNext) {
          failNext = false;
          throw new Error('SQLITE_FULL');
        }
        real.setMemo(...a);
      },
    };
    const tracker = rig.trackerWithSink(flaky);
    const errors: TrackerError[] = [];
    tracker.on('error', ({ error }) => errors.push(error));
    tracker.start();
    await work(rig, 10);
    failNext = true;
    tracker.setMemo('new');
    expect(errors.map((e) => e.code)).toEqual(['MEMO_WRITE_FAILED']);
    expect(memoOf(rig, sec(9, 0))).toBe('old');
    await work(rig, 60); // the minute ends: the flush writes the memo too
    expect(memoOf(rig, sec(9, 0))).toBe('new');
    expect(errors).toHaveLength(1);
  });
});
