import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { describePass } from '../../../src/main/cli/commands/sync.js';
import { diarySchema } from '../../../src/shared/protocol/api/index.js';
import { DEFAULT_FAKE_WALL_MS, FakeClock } from '../../support/fake-clock.js';
import { listFiles } from '../../support/files.js';
import { createAgentFixture, type AgentFixture, type RecordedSegment } from './support/agent-fixture.js';
import { useProxiedServer } from './support/proxied-server.js';

/**
 * Screenshots that leave the diary leave the freelancer's disk too: after the client deletes one (any age), the
 * freelancer deletes one elsewhere (the dashboard), or retention purges them, the agent's next sync pass that asks
 * (every 5 minutes, and every "send everything now") learns it from GET /contracts/{id}/screenshots/removed and
 * deletes its encrypted copy — the row, and the ciphertext from the database files — keeping the segment's time.
 * The real server on loopback behind the fault proxy (which logs what is asked); agent and server clocks are fake.
 */
const T0 = DEFAULT_FAKE_WALL_MS;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WORK_START = T0 - 6 * HOUR;

describe('copies of screenshots gone on the server leave the agent', () => {
  const world = useProxiedServer({ segmentSeconds: 60 });
  let agent: AgentFixture | undefined;
  let asked: string[] = [];

  afterEach(() => {
    world.proxy.setChooser(() => 'pass');
    agent?.close();
    agent = undefined;
  });

  const watch = () => {
    asked = [];
    feedQueries = [];
    world.proxy.setChooser((method, path) => {
      const [route = '', query = ''] = path.split('?');
      asked.push(`${method} ${route}`);
      if (route.endsWith('/screenshots/removed')) feedQueries.push(new URLSearchParams(query));
      return 'pass';
    });
  };
  let feedQueries: URLSearchParams[] = [];
  const feedAsks = () => asked.filter((a) => a.endsWith('/screenshots/removed')).length;

  /** Uploads `count` segments with screenshots and returns them with the ciphertext each has in the database. */
  async function uploaded(fixture: AgentFixture, startMs: number, count: number) {
    const recorded = await fixture.record({ contractId: world.server.contractId, startMs, count, imageBytes: 30_000 });
    const uploader = fixture.uploader(world.proxy.url, world.freelancerToken);
    expect((await uploader.runPass()).sent).toEqual({ segments: count, screenshots: count, deletions: 0 });
    return { uploader, shots: recorded.map((r) => ({ ...r, ciphertext: fixture.store.screenshots.get(r.screenshot!.id)!.data })) };
  }

  /**
   * Which of the database's files (main, WAL, shared memory) hold any 32-byte piece of `blob`. The store's screenshot
   * delete scrubs a row from all three before it returns (issue 12 item 8, the store's part: secure_delete and a WAL
   * checkpoint on delete); these tests hold it to that for the copies the server removed.
   */
  function databaseFilesHolding(fixture: AgentFixture, blob: Buffer): string[] {
    const pieces: Buffer[] = [];
    for (let offset = 64; offset + 32 <= blob.length; offset += 997) pieces.push(blob.subarray(offset, offset + 32));
    expect(pieces.length).toBeGreaterThan(20);
    return listFiles(fixture.dataDir)
      .filter((file) => /worktrace\.db/.test(file))
      .filter((file) => {
        const bytes = readFileSync(file);
        return pieces.some((piece) => bytes.includes(piece));
      });
  }

  const screenshotIds = (fixture: AgentFixture) => fixture.store.screenshots.list().map((s) => s.id);
  const localSeconds = (fixture: AgentFixture, shots: readonly RecordedSegment[]) => shots.map((s) => fixture.store.segments.get(s.segmentId)?.trackedSeconds);

  it("the client deletes one through the API: the next pass that asks deletes the copy here, ciphertext and all, and keeps the time", async () => {
    agent = createAgentFixture(new FakeClock({ wallMs: T0 }));
    const { uploader, shots } = await uploaded(agent, WORK_START, 3);
    const [gone, ...kept] = shots as [(typeof shots)[0], ...(typeof shots)[0][]];
    // The search finds what is there: every copy's ciphertext is in the database files now.
    for (const shot of shots) expect(databaseFilesHolding(agent, shot.ciphertext).length).toBeGreaterThan(0);

    const deleted = await world.server.api('DELETE', `/screenshots/${gone.screenshot!.id}`, { token: world.clientToken });
    expect(deleted.status).toBe(200);
    watch();
    agent.clock.advance(60_000);
    expect((await uploader.runPass()).removedOnServer).toBe(0); // asked at the first pass; the next ask is 5 minutes on
    expect(feedAsks()).toBe(0);
    expect(screenshotIds(agent)).toContain(gone.screenshot!.id);

    agent.clock.advance(4 * 60_000);
    const report = await uploader.runPass();
    expect(feedAsks()).toBe(1);
    expect(report.removedOnServer).toBe(1);
    expect(describePass(report)).toContain('1 screenshot(s) gone on the server (deleted by the client or by you, removed on approval of their week, or past retention) were deleted here too.');
    expect(screenshotIds(agent)).toEqual(kept.map((k) => k.screenshot!.id));
    expect(databaseFilesHolding(agent, gone.ciphertext)).toEqual([]);
    for (const shot of kept) expect(databaseFilesHolding(agent, shot.ciphertext).length).toBeGreaterThan(0);
    // The time stays, and nothing is queued again for it: the server knows.
    expect(localSeconds(agent, shots)).toEqual([60, 60, 60]);
    expect(agent.store.outbox.counts().pending).toEqual({ segment: 0, screenshot: 0 });
    expect(asked.filter((a) => a.startsWith('PUT'))).toEqual([]);
  });

  it('the freelancer deletes one elsewhere (the dashboard): a "send everything now" pass asks at once and drops the copy', async () => {
    agent = createAgentFixture(new FakeClock({ wallMs: T0 }));
    const { uploader, shots } = await uploaded(agent, WORK_START + HOUR, 2);
    const deleted = await world.server.api('DELETE', `/screenshots/${shots[1]!.screenshot!.id}`, { token: world.freelancerToken });
    expect(deleted.status).toBe(200);
    expect((await uploader.runPass({ everything: true })).removedOnServer).toBe(1);
    expect(screenshotIds(agent)).toEqual([shots[0]!.screenshot!.id]);
    expect(databaseFilesHolding(agent, shots[1]!.ciphertext)).toEqual([]);
  });

  it('between daily full checks a check asks only what was removed since its last answer (less 15 min); the full check finds the rest', async () => {
    agent = createAgentFixture(new FakeClock({ wallMs: T0 }));
    watch();
    const { uploader, shots } = await uploaded(agent, WORK_START + 3 * HOUR, 3);
    const serverNow = world.serverClock.now();
    expect(feedQueries).toHaveLength(1);
    expect(feedQueries[0]!.get('removedSince')).toBeNull(); // the first check after a start is a full one
    expect(feedQueries[0]!.get('from')).toBe(new Date(shots[0]!.screenshot!.takenAt).toISOString());
    expect(feedQueries[0]!.get('to')).toBe(new Date(shots[2]!.screenshot!.takenAt + 1).toISOString());

    // A removal whose time the server read an hour before that answer (a slow purge batch, say) but which lands after it.
    world.serverClock.setWall(serverNow - HOUR);
    try {
      expect((await world.server.api('DELETE', `/screenshots/${shots[0]!.screenshot!.id}`, { token: world.clientToken })).status).toBe(200);
    } finally {
      world.serverClock.setWall(serverNow);
    }
    agent.clock.advance(5 * 60_000);
    expect((await uploader.runPass()).removedOnServer).toBe(0);
    expect(feedQueries[1]!.get('removedSince')).toBe(new Date(serverNow - 15 * 60_000).toISOString());
    expect(screenshotIds(agent)).toContain(shots[0]!.screenshot!.id);

    // One removed now is found by the next check, a few bytes' answer.
    expect((await world.server.api('DELETE', `/screenshots/${shots[1]!.screenshot!.id}`, { token: world.clientToken })).status).toBe(200);
    agent.clock.advance(5 * 60_000);
    expect((await uploader.runPass()).removedOnServer).toBe(1);

    // A day after the first, a full check again: the late one is found.
    agent.clock.advance(DAY);
    expect((await uploader.runPass()).removedOnServer).toBe(1);
    expect(feedQueries.at(-1)!.get('removedSince')).toBeNull();
    expect(screenshotIds(agent)).toEqual([shots[2]!.screenshot!.id]);
  });

  it('retention purges them on the server: the next pass that asks deletes every purged copy here', async () => {
    agent = createAgentFixture(new FakeClock({ wallMs: T0 }));
    const { uploader, shots } = await uploaded(agent, WORK_START + 2 * HOUR, 3);
    const policy = (retentionDays: number) =>
      world.server.api('PUT', `/contracts/${world.server.contractId}/policy`, { token: world.clientToken, json: { retentionDays } });
    try {
      // The client keeps screenshots for a day: these are older than that by the server's clock, and its hourly purge
      // (it runs on the server's clock) takes them.
      expect((await policy(1)).status).toBe(200);
      world.serverClock.advance(HOUR);
      const range = `from=${new Date(WORK_START).toISOString()}&to=${new Date(T0 + 2 * DAY).toISOString()}`;
      await expect
        .poll(async () => {
          const diary = diarySchema.parse((await world.server.api('GET', `/contracts/${world.server.contractId}/diary?${range}`, { token: world.clientToken })).json);
          return shots.map((s) => diary.segments.find((d) => d.id === s.segmentId)?.screenshotRemoved?.by ?? null);
        })
        .toEqual(['retention', 'retention', 'retention']);

      agent.clock.advance(5 * 60_000);
      expect((await uploader.runPass()).removedOnServer).toBe(3);
      expect(screenshotIds(agent)).toEqual([]);
      for (const shot of shots) expect(databaseFilesHolding(agent, shot.ciphertext)).toEqual([]);
      expect(localSeconds(agent, shots)).toEqual([60, 60, 60]);
    } finally {
      expect((await policy(30)).status).toBe(200);
    }
  });
});
