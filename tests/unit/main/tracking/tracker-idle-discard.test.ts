import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../../src/main/store/index.js';
import { makeStoreRig, work, type StoreRig } from './support/store-rig.js';

const MIN = 60_000;
const at = (h: number, m: number, s = 0): number => Date.UTC(2026, 0, 5, h, m, s);
const iso = (h: number, m: number): string => new Date(at(h, m)).toISOString();
/** The window left open while the freelancer was away: its title must not outlive a discard anywhere. */
const AWAY = { app: 'Browser', title: 'Bank — account 4921 7730' };
const EDITOR = { app: 'Editor', title: 'main.ts' };

/** Every row of every table (outbox, segments, minutes, app time, ...) that mentions the away window. */
function rowsMentioning(store: Store, text: string): string[] {
  const tables = store.db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[];
  return tables.flatMap(({ name }) =>
    (store.db.prepare(`SELECT * FROM "${name}"`).all() as unknown[]).map((row) => `${name}: ${JSON.stringify(row)}`).filter((row) => row.includes(text)),
  );
}

/** Each segment as recorded and as the uploader would send it: its apps add up to its time; the titles it shows. */
function expectAppsFollowTime(store: Store): string[] {
  const titles = new Set<string>();
  for (const record of store.segments.list()) {
    const upload = store.segments.getForUpload(record.id)!;
    for (const shape of [record, upload]) {
      expect(shape.apps.reduce((sum, a) => sum + a.seconds, 0), record.startedAt).toBe(shape.trackedSeconds);
      for (const a of shape.apps) titles.add(a.title);
    }
  }
  return [...titles];
}

/**
 * No input: `awayMs` with the away window in front, then `backMs` with the editor in front again (the freelancer
 * is back at the desk but has not typed yet). A stretch ends with the minute of the first input, and that minute is
 * kept whole: so the away window is left before that minute starts (window samples come every 5 s).
 */
async function away(rig: StoreRig, awayMs: number, backMs: number): Promise<void> {
  rig.window.next = () => AWAY;
  for (let t = 0; t < awayMs; t += 1000) await rig.clock.advanceAsync(1000);
  rig.window.next = () => EDITOR;
  for (let t = 0; t < backMs; t += 1000) await rig.clock.advanceAsync(1000);
}

describe('Tracker: a discarded idle stretch leaves no window title behind (real store)', () => {
  let rig: StoreRig;
  afterEach(async () => rig.dispose());

  it('removes the stretch’s app time from the segment it ends in and from a segment it covers whole', async () => {
    rig = makeStoreRig({ idle: 'discard', tracker: { idleThresholdMs: 5 * MIN } });
    rig.window.next = () => EDITOR;
    rig.tracker.start();
    await work(rig, 120); // 09:00–09:02, in the editor
    await away(rig, 22 * MIN + 30_000, MIN); // idle from 09:02; 09:10–09:20 is idle from start to end
    await work(rig, 60); // typing again at 09:25:30: the stretch [09:02, 09:25) is discarded
    await rig.tracker.stop();

    expect(rowsMentioning(rig.store, AWAY.title)).toEqual([]);
    expect(expectAppsFollowTime(rig.store)).toEqual([EDITOR.title]);
    const segments = rig.store.segments.list();
    expect(segments.map((s) => [s.startedAt, s.trackedSeconds])).toEqual([
      [iso(9, 0), 120],
      [iso(9, 10), 0],
      [iso(9, 20), 90],
    ]);
    expect(segments.map((s) => s.apps)).toEqual([[{ ...EDITOR, seconds: 120 }], [], [{ ...EDITOR, seconds: 90 }]]);
  });

  it('after a restart, the continued minute keeps the earlier run’s app time and loses only the stretch’s', async () => {
    rig = makeStoreRig({ idle: 'discard', tracker: { idleThresholdMs: 5 * MIN } });
    rig.window.next = () => EDITOR;
    rig.tracker.start();
    await work(rig, 90); // 09:00:00–09:01:30
    const second = await rig.restart(); // stopped and started again at once: 09:01 is continued
    second.start();
    await work(rig, 30); // to 09:02
    await away(rig, 11 * MIN + 30_000, MIN); // idle from 09:02
    await work(rig, 30); // typing again at 09:14:30: [09:02, 09:14) is discarded
    await second.stop();

    expect(rowsMentioning(rig.store, AWAY.title)).toEqual([]);
    expect(expectAppsFollowTime(rig.store)).toEqual([EDITOR.title]);
    expect(rig.store.segments.list().map((s) => s.apps)).toEqual([[{ ...EDITOR, seconds: 120 }], [{ ...EDITOR, seconds: 60 }]]);
  });

  it('keep: the stretch stays with its titles, flagged idle (the control for the two above)', async () => {
    rig = makeStoreRig({ idle: 'keep', tracker: { idleThresholdMs: 5 * MIN } });
    rig.window.next = () => EDITOR;
    rig.tracker.start();
    await work(rig, 120);
    await away(rig, 9 * MIN + 30_000, MIN);
    await work(rig, 10);
    await rig.tracker.stop();
    expect(rowsMentioning(rig.store, AWAY.title)).not.toEqual([]);
    expect(expectAppsFollowTime(rig.store).sort()).toEqual([AWAY.title, EDITOR.title].sort());
  });
});
