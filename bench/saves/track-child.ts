/**
 * Child of bench/minute-saves.ts: tracks `hours` of typing into a real SQLite store in `dataDir` (server mode, WAL,
 * synchronous=FULL, as the agent runs it), on the fake clock so that an hour takes seconds, with the open minute
 * saved every 10 s ('saves') or written only at its end ('minute-end'). Prints one JSON line: the CPU this process
 * spent tracking, the writes it made and the uploads it queued. Its fsyncs are counted from outside (strace -c).
 *
 *   node --import tsx bench/saves/track-child.ts <saves|minute-end> <hours> <dataDir>
 */
import { monotonicFactory } from 'ulid';
import { openStore, databasePath } from '../../src/main/store/index.js';
import type { InputCounts, SensorState } from '../../src/main/sensors/types.js';
import { Tracker } from '../../src/main/tracking/tracker.js';
import { FakeClock } from '../../tests/support/fake-clock.js';

const [variant, hoursArg, dataDir] = process.argv.slice(2);
if ((variant !== 'saves' && variant !== 'minute-end') || !hoursArg || !dataDir) throw new Error('usage: track-child <saves|minute-end> <hours> <dataDir>');
const hours = Number(hoursArg);

const clock = new FakeClock();
const store = openStore({ file: databasePath(dataDir), clock, mode: 'server' });
const counts = { flushes: 0, saves: 0, uploadsQueued: 0 };
const { flushMinute, saveMinute } = store.segments;
Object.assign(store.segments, {
  flushMinute: (...args: Parameters<typeof flushMinute>) => {
    counts.flushes += 1;
    flushMinute(...args);
  },
  saveMinute: (...args: Parameters<typeof saveMinute>) => {
    counts.saves += 1;
    saveMinute(...args);
  },
});
const enqueue = store.outbox.enqueue.bind(store.outbox);
store.outbox.enqueue = (kind, itemId) => {
  if (kind === 'segment') counts.uploadsQueued += 1;
  enqueue(kind, itemId);
};
const ok: SensorState = { status: 'ok', backend: 'bench' };
const typing: InputCounts = { keyboard: 3, clicks: 0, wheel: 0, moves: 1 };
const tracker = new Tracker(
  {
    clock,
    input: { start: async () => undefined, stop: async () => undefined, drain: () => typing, state: () => ok },
    window: { sample: async () => ({ app: 'Editor', title: 'main.ts — worktrace' }), state: () => ok },
    sink: store.segments,
    screenshots: { take: () => Promise.reject(new Error('time only: no screenshots in this benchmark')) },
    policy: { current: () => ({ screenshots: 'off', segmentSeconds: 600, version: 1 }), onChange: () => () => undefined },
    decideIdle: () => 'keep',
    random: Math.random,
    newId: monotonicFactory(),
  },
  { contractId: 'bench-contract', saveOpenMinuteEveryMs: variant === 'saves' ? undefined : null },
);

const cpuBefore = process.cpuUsage();
tracker.start();
for (let second = 0; second < hours * 3600; second += 1) await clock.advanceAsync(1000);
await tracker.stop();
const cpu = process.cpuUsage(cpuBefore);
const trackedSeconds = store.segments.list().reduce((sum, s) => sum + s.trackedSeconds, 0);
store.close();
console.log(JSON.stringify({ variant, hours, trackedSeconds, cpuMs: (cpu.user + cpu.system) / 1000, ...counts }));
