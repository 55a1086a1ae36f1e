import { afterEach, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { diarySchema, type Diary } from '../../../src/shared/protocol/api/index.js';
import { DEFAULT_FAKE_WALL_MS } from '../../support/fake-clock.js';
import { FIXTURE_ACCOUNT, createAgentFixture, type AgentFixture, type RecordedSegment } from './support/agent-fixture.js';
import { FAULTS, REFUSALS, type Fault } from './support/fault-proxy.js';
import { useProxiedServer } from './support/proxied-server.js';
import { seededRandom } from '../../support/seeded-random.js';

/**
 * The uploader against the real server on loopback, through a proxy that drops, resets, delays and spoils
 * requests and answers. The agent's clock is fake (backoff waits cost no real time); the server's clock is fake
 * too, set a day after the recorded work, with the contract created a day before it.
 */
const T0 = DEFAULT_FAKE_WALL_MS;
const DAY = 86_400_000;
const WORK_START = T0 - 6 * 3_600_000;


describe('uploads through a faulty network', () => {
  const world = useProxiedServer({ segmentSeconds: 60 });
  let agent: AgentFixture | undefined;

  afterEach(() => {
    world.proxy.setChooser(() => 'pass');
    agent?.close();
    agent = undefined;
  });

  const diary = async (): Promise<Diary> => {
    const from = new Date(WORK_START - DAY).toISOString();
    const to = new Date(T0 + DAY).toISOString();
    const answer = await world.server.api('GET', `/contracts/${world.server.contractId}/diary?from=${from}&to=${to}`, { token: world.clientToken });
    expect(answer.status).toBe(200);
    return diarySchema.parse(answer.json);
  };

  /** The server has every recorded segment once, minute for minute, and exactly the recorded screenshot bytes. */
  const expectDelivered = async (fixture: AgentFixture, recorded: readonly RecordedSegment[], withScreenshots: (r: RecordedSegment) => boolean) => {
    const d = await diary();
    const ids = recorded.map((r) => r.segmentId);
    expect(d.segments.map((s) => s.id)).toEqual(ids);
    for (const r of recorded) {
      const mine = fixture.store.segments.getForUpload(r.segmentId)!;
      const theirs = d.segments.find((s) => s.id === r.segmentId)!;
      expect(theirs.minutes).toEqual(mine.minutes);
      expect(theirs.trackedSeconds).toBe(mine.trackedSeconds);
      expect(theirs.apps).toEqual(mine.apps);
      if (withScreenshots(r) && r.screenshot) {
        expect(theirs.screenshot?.id).toBe(r.screenshot.id);
        const image = await world.server.api('GET', `/screenshots/${r.screenshot.id}`, { token: world.clientToken });
        expect(image.status).toBe(200);
        expect(image.bytes.equals(r.screenshot.jpeg)).toBe(true);
      } else {
        expect(theirs.screenshot).toBeNull();
      }
    }
    expect(d.totals.trackedSeconds).toBe(recorded.length * 60);
  };

  /** Runs passes until the queue is empty, moving the agent's clock to each retry time. */
  const drain = async (fixture: AgentFixture, uploader: ReturnType<AgentFixture['uploader']>, maxPasses = 2_000) => {
    let passes = 0;
    for (; passes < maxPasses; passes += 1) {
      const counts = fixture.store.outbox.counts();
      if (counts.pending.segment + counts.pending.screenshot + counts.parked.segment + counts.parked.screenshot === 0) break;
      const report = await uploader.runPass();
      expect(report.parked).toBe(0);
      expect(report.stoppedBy?.reason).not.toBe('unauthorized');
      if (report.stoppedBy?.retryAt) fixture.clock.advance(Math.max(0, report.stoppedBy.retryAt - fixture.clock.now()));
    }
    return passes;
  };

  it('loses nothing and duplicates nothing under drops, resets, 5xx, 429, latency and spoiled answers', { timeout: 180_000 }, async () => {
    agent = createAgentFixture();
    const recorded = await agent.record({ contractId: world.server.contractId, startMs: WORK_START, count: 60, imageBytes: 20_000 });
    const random = seededRandom(20261126);
    const faulty = FAULTS.filter((f) => !REFUSALS.includes(f) && f !== 'pass');
    let latencies = 0;
    world.proxy.setChooser(() => {
      if (random() < 0.45) return 'pass';
      let fault: Fault = faulty[Math.floor(random() * faulty.length)]!;
      // Each latency fault costs real seconds: a few are enough to cover the timeout path.
      if (fault === 'latency' && ++latencies > 4) fault = 'pass';
      return fault;
    });
    const uploader = agent.uploader(world.proxy.url, world.freelancerToken, { timeoutMs: 2_000 });
    const passes = await drain(agent, uploader);
    world.proxy.setChooser(() => 'pass');
    console.log(`drained 60 segments + 60 screenshots through the faulty proxy in ${passes} passes; faults: ${JSON.stringify(world.proxy.counts)}`);
    for (const fault of faulty) expect(world.proxy.counts[fault], fault).toBeGreaterThan(0);
    expect(agent.store.outbox.counts()).toEqual({ pending: { segment: 0, screenshot: 0 }, parked: { segment: 0, screenshot: 0 } });
    // The latency faults' late requests reach the server after the agent moved on; let them land first.
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    await expectDelivered(agent, recorded, () => true);
  });

  it('a 401 halfway through a pass stops it cleanly and leaves the queue intact', async () => {
    agent = createAgentFixture();
    const recorded = await agent.record({ contractId: world.server.contractId, startMs: WORK_START + 3_600_000, count: 10 });
    let requests = 0;
    world.proxy.setChooser(() => (++requests > 7 ? 'unauthorized' : 'pass'));
    const uploader = agent.uploader(world.proxy.url, world.freelancerToken);
    let told = '';
    uploader.onUnauthorized((detail) => (told = detail));
    const report = await uploader.runPass();
    expect(report.stoppedBy?.reason).toBe('unauthorized');
    expect(told).toMatch(/401/);
    expect(report.sent).toEqual({ segments: 4, screenshots: 3, deletions: 0 });
    // Nothing was parked, dropped or counted as an attempt: the next item is due at once, as before.
    const counts = agent.store.outbox.counts();
    expect(counts).toEqual({ pending: { segment: 6, screenshot: 7 }, parked: { segment: 0, screenshot: 0 } });
    const next = agent.store.outbox.next(agent.clock.now())!;
    expect(next).toMatchObject({ attempts: 0, lastError: null });
    expect(agent.store.screenshots.list()).toHaveLength(10);
    expect((await diary()).segments.filter((s) => recorded.some((r) => r.segmentId === s.id))).toHaveLength(4);

    // Signed in again (here: the proxy lets requests through again), the same queue drains completely.
    world.proxy.setChooser(() => 'pass');
    const again = await uploader.runPass();
    expect(again.stoppedBy).toBeNull();
    expect(again.sent).toEqual({ segments: 6, screenshots: 7, deletions: 0 });
  });

  it('"off" set while the agent was offline: later screenshots are refused by the server and deleted locally', async () => {
    agent = createAgentFixture();
    const start = WORK_START + 2 * 3_600_000;
    // The client switches screenshots off at start + 100 s (world.server time): after shots 0 and 1 were taken.
    world.serverClock.setWall(start + 100_000);
    const off = await world.server.api('PUT', `/contracts/${world.server.contractId}/policy`, { token: world.clientToken, json: { screenshots: 'off' } });
    expect(off.status).toBe(200);
    const on = async () => {
      world.serverClock.setWall(start + 4 * 60_000 + 30_000);
      expect((await world.server.api('PUT', `/contracts/${world.server.contractId}/policy`, { token: world.clientToken, json: { screenshots: 'on' } })).status).toBe(200);
      world.serverClock.setWall(T0 + DAY);
    };
    try {
      world.serverClock.setWall(T0 + DAY);
      // The offline agent knew only "on": it recorded four segments with a screenshot each.
      const recorded = await agent.record({ contractId: world.server.contractId, startMs: start, count: 4 });
      const report = await agent.uploader(world.server.url, world.freelancerToken).runPass();
      // Deleting a refused screenshot changes its segment's record (no screenshot any more): it is sent again.
      expect(report.sent).toEqual({ segments: 6, screenshots: 2, deletions: 0 });
      expect(report.refused).toEqual({ segments: 0, screenshots: 2, deletions: 0 });
      const kept = agent.store.screenshots.list().map((s) => s.id);
      expect(kept).toEqual([recorded[0]!.screenshot!.id, recorded[1]!.screenshot!.id]);
      // The time stays, on both sides.
      expect(agent.store.segments.list().map((s) => s.trackedSeconds)).toEqual([60, 60, 60, 60]);
      const d = await diary();
      const mine = d.segments.filter((s) => recorded.some((r) => r.segmentId === s.id));
      expect(mine.map((s) => s.screenshot?.id ?? null)).toEqual([recorded[0]!.screenshot!.id, recorded[1]!.screenshot!.id, null, null]);
      expect(mine.map((s) => s.trackedSeconds)).toEqual([60, 60, 60, 60]);
      expect(agent.store.outbox.counts().pending).toEqual({ segment: 0, screenshot: 0 });
    } finally {
      await on();
    }
  });

  it('another 4xx parks the item with its error and the rest still drains', async () => {
    agent = createAgentFixture();
    const stranger = await agent.record({ contractId: ulid(), startMs: WORK_START + 3 * 3_600_000, count: 1, screenshots: false });
    const recorded = await agent.record({ contractId: world.server.contractId, startMs: WORK_START + 3 * 3_600_000, count: 3 });
    const report = await agent.uploader(world.server.url, world.freelancerToken).runPass();
    expect(report.parked).toBe(1);
    expect(report.sent).toEqual({ segments: 3, screenshots: 3, deletions: 0 });
    const parked = agent.store.outbox.parked(FIXTURE_ACCOUNT);
    expect(parked.map((p) => p.itemId)).toEqual([stranger[0]!.segmentId]);
    expect(parked[0]!.lastError).toMatch(/404/);
    expect((await diary()).segments.filter((s) => recorded.some((r) => r.segmentId === s.id))).toHaveLength(3);
  });

  it('keeps local screenshots under the quota by dropping the oldest first, never time', async () => {
    agent = createAgentFixture();
    const recorded = await agent.record({ contractId: world.server.contractId, startMs: WORK_START, count: 5, imageBytes: 10_000 });
    const perShot = agent.store.screenshots.totalStoredBytes() / 5;
    const uploader = agent.uploader(world.server.url, world.freelancerToken, { quotaBytes: Math.floor(perShot * 3.5) });
    expect(uploader.enforceQuota()).toBe(2);
    expect(agent.store.screenshots.list().map((s) => s.id)).toEqual(recorded.slice(2).map((r) => r.screenshot!.id));
    expect(agent.store.segments.list()).toHaveLength(5);
    expect(agent.store.segments.list().every((s) => s.trackedSeconds === 60)).toBe(true);
  });
});
