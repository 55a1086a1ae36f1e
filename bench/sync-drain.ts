/**
 * Benchmark (not a test): drain a week of offline work — five days × eight hours = 240 ten-minute segments and
 * 240 screenshots — from the agent's outbox to the real server on loopback, and print seconds and MB/s.
 *
 * Two paths side by side in one run, each against its own fresh server:
 *   project: the Uploader — read each queued item from SQLite, decrypt the screenshot, PUT, mark sent;
 *   plain:   the same bodies prepared in memory beforehand, PUT one after another with a bare axios instance.
 * Absolute times on a shared machine are noise; the ratio is the figure.
 *
 *   npm run bench:sync -- [--segments 240] [--image-kb 150]
 */
import axios from 'axios';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DEFAULT_FAKE_WALL_MS, FakeClock } from '../tests/support/fake-clock.js';
import { createAgentFixture, type RecordedSegment } from '../tests/integration/sync/support/agent-fixture.js';
import { startLiveServer, type LiveServer } from '../tests/integration/sync/support/live-server.js';

const { values } = parseArgs({ options: { segments: { type: 'string', default: '240' }, 'image-kb': { type: 'string', default: '150' } } });
const SEGMENTS = Number(values.segments);
const IMAGE_BYTES = Number(values['image-kb']) * 1024;
const DAY = 86_400_000;
const T0 = DEFAULT_FAKE_WALL_MS;
/** Eight hours a day over five days, in 10-minute segments (48 a day). */
const dayStarts = Array.from({ length: 5 }, (_, d) => T0 - (7 - d) * DAY);

async function freshServer(): Promise<{ server: LiveServer; clock: FakeClock }> {
  const clock = new FakeClock({ wallMs: T0 - 10 * DAY });
  const server = await startLiveServer({ segmentSeconds: 600, clock });
  clock.setWall(T0);
  return { server, clock };
}

async function recordWeek(fixture: ReturnType<typeof createAgentFixture>, contractId: string): Promise<RecordedSegment[]> {
  const perDay = Math.ceil(SEGMENTS / dayStarts.length);
  const all: RecordedSegment[] = [];
  for (const start of dayStarts) {
    const count = Math.min(perDay, SEGMENTS - all.length);
    if (count <= 0) break;
    all.push(...(await fixture.record({ contractId, startMs: start + 9 * 3_600_000, count, segmentSeconds: 600, imageBytes: IMAGE_BYTES })));
  }
  return all;
}

async function projectPath(): Promise<{ seconds: number; bytes: number; passes: number }> {
  const { server } = await freshServer();
  const fixture = createAgentFixture();
  try {
    const recorded = await recordWeek(fixture, server.contractId);
    const token = await server.token('freelancer');
    const bytes = recorded.reduce((sum, r) => sum + (r.screenshot?.jpeg.length ?? 0) + JSON.stringify(fixture.store.segments.getForUpload(r.segmentId)).length, 0);
    const uploader = fixture.uploader(server.url, token);
    const started = performance.now();
    let passes = 0;
    for (;;) {
      const counts = fixture.store.outbox.counts();
      if (counts.pending.segment + counts.pending.screenshot === 0) break;
      const report = await uploader.runPass({ everything: true });
      passes += 1;
      if (report.stoppedBy || report.parked > 0) throw new Error(`drain stopped: ${JSON.stringify(report)}`);
    }
    return { seconds: (performance.now() - started) / 1000, bytes, passes };
  } finally {
    fixture.close();
    await server.close();
  }
}

async function plainPath(): Promise<{ seconds: number; bytes: number }> {
  const { server } = await freshServer();
  const fixture = createAgentFixture();
  try {
    const recorded = await recordWeek(fixture, server.contractId);
    const token = await server.token('freelancer');
    const bodies = recorded.map((r) => ({ segment: fixture.store.segments.getForUpload(r.segmentId)!, shot: r.screenshot! }));
    const bytes = bodies.reduce((sum, b) => sum + b.shot.jpeg.length + JSON.stringify(b.segment).length, 0);
    const http = axios.create({ baseURL: `${server.url}/api/v1`, headers: { authorization: `Bearer ${token}` }, proxy: false });
    const started = performance.now();
    for (const { segment, shot } of bodies) {
      await http.put(`/segments/${segment.id}`, segment);
      await http.put(`/screenshots/${shot.id}`, shot.jpeg, {
        headers: { 'content-type': 'image/jpeg', 'x-worktrace-segment-id': segment.id, 'x-worktrace-captured-at': new Date(shot.takenAt).toISOString() },
      });
    }
    return { seconds: (performance.now() - started) / 1000, bytes };
  } finally {
    fixture.close();
    await server.close();
  }
}

const mb = (bytes: number) => bytes / 1024 / 1024;
const plain = await plainPath();
const project = await projectPath();
console.log(`sync drain: ${SEGMENTS} segments + ${SEGMENTS} screenshots of ${IMAGE_BYTES / 1024} KB to the server on loopback (SQLite)`);
console.log(`  project (outbox -> decrypt -> axios client, validated): ${project.seconds.toFixed(2)} s, ${(mb(project.bytes) / project.seconds).toFixed(1)} MB/s, ${project.passes} pass(es)`);
console.log(`  plain   (prepared bodies, bare axios PUTs):              ${plain.seconds.toFixed(2)} s, ${(mb(plain.bytes) / plain.seconds).toFixed(1)} MB/s`);
console.log(`  ratio project/plain: ${(project.seconds / plain.seconds).toFixed(2)}x  (${mb(project.bytes).toFixed(1)} MB sent)`);
