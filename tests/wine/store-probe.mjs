/* global process, Buffer, setImmediate -- run by the Windows node.exe 22 under Wine (tests/integration/wine/agent-store.test.ts) */
// The agent's store as it runs for a freelancer on Windows, answering a Linux test's calls (probe-client.ts): the
// data directory the agent resolves on win32 (%LOCALAPPDATA%), the store opened there on the node:sqlite driver
// (better-sqlite3 has no win32 binary here: native/README.md) with its migrations and encrypted screenshots, a
// crash-test writer, and the tracker ticking on the native Windows backends into it. The modules are dist/'s: the
// same the agent runs.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createTrackingAgent, openAgentBase } from '../../dist/main/agent/create-agent.js';
import { FixedPolicySource } from '../../dist/main/agent/fixed-policy.js';
import { systemClock } from '../../dist/main/clock/system-clock.js';
import { resolveDataDir } from '../../dist/main/config/data-dir.js';
import { KEY_FILE_NAME, decryptScreenshot, encryptScreenshot } from '../../dist/main/crypto/index.js';
import { createLogger } from '../../dist/main/log.js';
import { createNativeSensors } from '../../dist/main/sensors/native/index.js';
import { DATABASE_FILE_NAME, SCHEMA_VERSION, databasePath, nodeSqliteDriver } from '../../dist/main/store/index.js';
import { answerCalls } from './support/answer-calls.mjs';

/** 2026-01-05 09:00 UTC: a past segment boundary, so the written segments never meet the tracker's own. */
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0) / 1000;
const APPS = [
  { app: 'notepad', title: 'Notepad', ms: 40_000 },
  { app: 'explorer', title: 'Explorer', ms: 20_000 },
];
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const dataDir = resolveDataDir(undefined, process.env);
let base = null;
let agent = null;
let idSeq = 0;
/** ULID-shaped ids that sort in creation order (the tracker's are real ULIDs; these only need to be unique here). */
const newId = () => `01JWINE${String(process.pid).padStart(6, '0')}${String((idSeq += 1)).padStart(13, '0')}`.slice(0, 26);

const opened = () => {
  if (!base) throw new Error('store not open');
  return base;
};

function segmentWithMinutes(store, contractId, startedAt, minutes) {
  const id = newId();
  store.segments.openSegment({ id, contractId, startedAt, lengthSeconds: 600, memo: null, policyVersion: 1 });
  for (let m = 0; m < minutes; m += 1) {
    store.segments.flushMinute(id, { startedAt: startedAt + m * 60, trackedMs: 60_000, keyboard: 10 + m, mouse: 20 + m, idle: false }, APPS);
  }
  return id;
}

const crash = { committed: 0, running: false };

const handlers = {
  paths: () => ({ platform: process.platform, node: process.version, localAppData: process.env.LOCALAPPDATA, appData: process.env.APPDATA, dataDir, file: databasePath(dataDir) }),
  /** A fresh start in the prefix's own profile: no store or key from an earlier run. */
  reset: () => {
    for (const name of [DATABASE_FILE_NAME, `${DATABASE_FILE_NAME}-wal`, `${DATABASE_FILE_NAME}-shm`, KEY_FILE_NAME]) rmSync(join(dataDir, name), { force: true });
    return { files: readdirSync(dataDir) };
  },
  open: () => {
    base = openAgentBase({ dataDir, clock: systemClock, mode: 'server', driver: nodeSqliteDriver });
    const { db } = base.store;
    return {
      driver: nodeSqliteDriver.name,
      userVersion: db.pragma('user_version', { simple: true }),
      schemaVersion: SCHEMA_VERSION,
      journalMode: db.pragma('journal_mode', { simple: true }),
      integrity: base.store.checkIntegrity(),
    };
  },
  /** One segment of three minutes and a native screenshot, encrypted with the data directory's key. */
  write: async () => {
    const { store, keys } = opened();
    const segmentId = segmentWithMinutes(store, 'contract-wine', T0, 3);
    const native = createNativeSensors({ channels: 3, area: 'all', output: 'jpeg' });
    if (!native.ok) throw Object.assign(new Error(native.reason), { code: native.code });
    let jpeg;
    try {
      jpeg = (await native.sensors.capturer.capture({ blur: false })).data;
    } finally {
      native.sensors.close();
    }
    const shotId = newId();
    const data = encryptScreenshot(await keys.loadOrCreate(), shotId, jpeg);
    store.screenshots.insert({ id: shotId, segmentId, takenAt: (T0 + 90) * 1000, width: 1280, height: 800, bytes: jpeg.length, blurred: false, policyVersion: 1, data });
    return { segmentId, shotId, jpegSha256: sha256(jpeg), jpegHead: jpeg.subarray(0, 64).toString('base64'), queued: store.outbox.counts() };
  },
  close: () => {
    opened().close();
    base = null;
    return { closed: true };
  },
  /** Everything the store holds for a contract, the screenshots decrypted, and whether any plaintext JPEG is on disk. */
  read: async ({ contractId, jpegHead }) => {
    const { store, keys } = opened();
    const segments = store.segments.list({ contractId });
    const ids = new Set(segments.map((segment) => segment.id));
    // Only real sealed screenshots are opened (the crash writer's stand-ins are random bytes): with jpegHead given.
    const key = jpegHead && existsSync(join(dataDir, KEY_FILE_NAME)) ? await keys.loadOrCreate() : null;
    const shots = store.screenshots.list().filter((meta) => ids.has(meta.segmentId)).map((meta) => {
      const stored = store.screenshots.get(meta.id);
      return { id: meta.id, segmentId: meta.segmentId, sha256: key && stored ? sha256(decryptScreenshot(key, meta.id, stored.data)) : null };
    });
    const head = jpegHead ? Buffer.from(jpegHead, 'base64') : null;
    const files = readdirSync(dataDir).filter((name) => name.startsWith(DATABASE_FILE_NAME));
    return {
      segments,
      shots,
      queued: store.outbox.counts(),
      integrity: store.checkIntegrity(),
      foreignKeys: store.db.pragma('foreign_key_check'),
      plaintextOnDisk: head ? files.some((name) => readFileSync(join(dataDir, name)).includes(head)) : null,
    };
  },
  /** Writes without end (a minute per transaction, a new segment with a screenshot every ten) until killed. */
  'crash.start': () => {
    const { store } = opened();
    crash.running = true;
    let segmentId = null;
    const step = () => {
      const n = crash.committed;
      const startedAt = T0 + 86_400 + Math.floor(n / 10) * 600;
      if (n % 10 === 0) {
        segmentId = newId();
        store.segments.openSegment({ id: segmentId, contractId: 'contract-crash', startedAt, lengthSeconds: 600, memo: null, policyVersion: 1 });
        store.screenshots.insert({ id: newId(), segmentId, takenAt: startedAt * 1000, width: 1280, height: 800, bytes: 40_000, blurred: false, policyVersion: 1, data: randomBytes(40_028) });
      }
      store.segments.flushMinute(segmentId, { startedAt: startedAt + (n % 10) * 60, trackedMs: 60_000, keyboard: 1, mouse: 1, idle: false }, APPS);
      crash.committed = n + 1;
      setImmediate(step); // lets the socket answer crash.progress between writes
    };
    setImmediate(step);
    return { started: true, pid: process.pid };
  },
  'crash.progress': () => ({ committed: crash.committed, pid: process.pid }),
  /** The tracker as `worktrace track` builds it (createTrackingAgent), on the native Windows backends, into this store. */
  'track.start': async ({ contractId }) => {
    agent = createTrackingAgent(opened(), {
      clock: systemClock,
      logger: createLogger(),
      contractId,
      memo: 'under Wine',
      policy: new FixedPolicySource({ screenshots: 'off', segmentSeconds: 600, version: null }),
      decideIdle: () => 'keep',
      idleThresholdMs: 300_000,
    });
    await agent.sensors.input.start();
    agent.tracker.start();
    return { report: agent.sensors.report.map((row) => [row.sensor, row.backend, row.status]) };
  },
  'track.stop': async ({ contractId }) => {
    await agent.stop();
    agent = null;
    return { segments: opened().store.segments.list({ contractId }) };
  },
};

answerCalls(Number(process.argv[2]), handlers, async () => {
  await agent?.stop();
  base?.close();
});
