/**
 * Child of bench/store-drivers.ts: writes the queue's typical batches into a real store on one driver and prints
 * its figures as one JSON line. A batch is one tracked segment as the tracker leaves it: the segment opened, ten
 * minutes flushed (each with three applications), one encrypted screenshot (~43 KB, what the Windows capture
 * makes of a 1280-px screen), all queued for upload (server mode); then the drain's reads and acknowledgements.
 *
 *   node --import tsx bench/store-drivers/write-batches.ts <better-sqlite3|node:sqlite> <segments> <dataDir>
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { monotonicFactory } from 'ulid';
import { betterSqlite3Driver, nodeSqliteDriver, openStore } from '../../src/main/store/index.js';

const [driverName, segmentsArg, dataDir] = process.argv.slice(2);
if (!dataDir || (driverName !== 'better-sqlite3' && driverName !== 'node:sqlite')) throw new Error('usage: write-batches <driver> <segments> <dataDir>');
const driver = driverName === 'node:sqlite' ? nodeSqliteDriver : betterSqlite3Driver;
const SEGMENTS = Number(segmentsArg);
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0) / 1000;
const newId = monotonicFactory();
const SHOT = randomBytes(43_000);
const APPS = [
  { app: 'code', title: 'store.ts - worktrace', ms: 30_000 },
  { app: 'chromium', title: 'node:sqlite | Node.js documentation', ms: 20_000 },
  { app: 'notepad', title: 'notes.txt - Notepad', ms: 10_000 },
];

const cpu = (): number => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
};
const now = (): number => performance.now();

const store = openStore({ file: join(dataDir, 'worktrace.db'), mode: 'server', clock: { now: () => T0 * 1000 }, driver });
store.outbox.useAccount({ server: 'https://diary.example', userId: 'bench', email: 'bench@example.com' });
const written = { wallMs: 0, cpuMs: 0 };
for (let s = 0; s < SEGMENTS; s += 1) {
  const startedAt = T0 + s * 600;
  const id = newId();
  const [wall, used] = [now(), cpu()];
  store.segments.openSegment({ id, contractId: 'contract-bench', startedAt, lengthSeconds: 600, memo: null, policyVersion: 1 });
  for (let m = 0; m < 10; m += 1) {
    store.segments.flushMinute(id, { startedAt: startedAt + m * 60, trackedMs: 60_000, keyboard: 40 + m, mouse: 90 + m, idle: false }, APPS);
  }
  store.screenshots.insert({ id: newId(), segmentId: id, takenAt: (startedAt + 123) * 1000, width: 1280, height: 800, bytes: SHOT.length - 28, blurred: false, policyVersion: 1, data: SHOT });
  written.wallMs += now() - wall;
  written.cpuMs += cpu() - used;
}

const drained = { wallMs: 0, cpuMs: 0, items: 0 };
const [wall, used] = [now(), cpu()];
for (let item = store.outbox.next(T0 * 1000); item; item = store.outbox.next(T0 * 1000)) {
  if (item.kind === 'segment') store.segments.getForUpload(item.itemId);
  else if (item.kind === 'screenshot') store.screenshots.get(item.itemId);
  if (!store.outbox.markSent(item)) throw new Error(`item ${item.seq} not acknowledged`);
  drained.items += 1;
}
drained.wallMs = now() - wall;
drained.cpuMs = cpu() - used;
const sqliteVersion = store.db.prepare<[], { v: string }>('SELECT sqlite_version() AS v').get()?.v;
store.close();
console.log(JSON.stringify({ driver: driver.name, node: process.version, sqliteVersion, segments: SEGMENTS, written, drained }));
