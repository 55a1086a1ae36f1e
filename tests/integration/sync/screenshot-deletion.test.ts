import { afterEach, describe, expect, it } from 'vitest';
import { describePass } from '../../../src/main/cli/commands/sync.js';
import { ApiClient, ApiRequestError } from '../../../src/main/sync/index.js';
import { diarySchema, type Diary, type DiarySegment } from '../../../src/shared/protocol/api/index.js';
import { DEFAULT_FAKE_WALL_MS, FakeClock } from '../../support/fake-clock.js';
import { createAgentFixture, type AgentFixture } from './support/agent-fixture.js';
import { type Fault } from './support/fault-proxy.js';
import { useProxiedServer } from './support/proxied-server.js';

/**
 * The freelancer's screenshot deletion reaches the real server on loopback as an outbox item: the image goes (or,
 * deleted before its upload, never goes up), the segment is no longer billable, and the diary keeps the "removed by
 * freelancer" placeholder. Requests pass through the fault proxy, which both records them and loses or refuses the
 * ones a test picks. Agent and server clocks are fake, as in uploads.test.ts.
 */
const T0 = DEFAULT_FAKE_WALL_MS;
const DAY = 86_400_000;
const WORK_START = T0 - 6 * 3_600_000;

describe('screenshot deletion by the freelancer, through sync', () => {
  const world = useProxiedServer({ segmentSeconds: 60 });
  let agent: AgentFixture | undefined;
  let seen: string[] = [];

  afterEach(() => {
    agent?.close();
    agent = undefined;
  });

  /** Records every request that reaches the proxy; `fault` picks what happens to it (default: passed on). */
  const watch = (fault: (method: string, path: string) => Fault = () => 'pass') => {
    seen = [];
    world.proxy.setChooser((method, path) => {
      seen.push(`${method} ${path}`);
      return fault(method, path);
    });
  };

  /** The queue in its order, whatever is due. */
  const queued = (fixture: AgentFixture): [string, string][] =>
    fixture.store.db
      .prepare<[], { kind: string; item_id: string }>('SELECT kind, item_id FROM outbox ORDER BY seq')
      .all()
      .map((row) => [row.kind, row.item_id]);

  const diarySegment = async (segmentId: string): Promise<{ segment: DiarySegment; diary: Diary }> => {
    const range = `from=${new Date(WORK_START - DAY).toISOString()}&to=${new Date(T0 + DAY).toISOString()}`;
    const answer = await world.server.api('GET', `/contracts/${world.server.contractId}/diary?${range}`, { token: world.clientToken });
    expect(answer.status).toBe(200);
    const diary = diarySchema.parse(answer.json);
    const segment = diary.segments.find((s) => s.id === segmentId);
    if (!segment) throw new Error(`segment ${segmentId} is not in the diary`);
    return { segment, diary };
  };

  /** What DESIGN asks of a freelancer's deletion, as the client sees it: no image, no billed time, the placeholder. */
  const expectRemovedByFreelancer = async (segmentId: string, screenshotId: string) => {
    const { segment } = await diarySegment(segmentId);
    expect(segment).toMatchObject({ billable: false, screenshot: null, trackedSeconds: 0, screenshotRemoved: { by: 'freelancer' } });
    const image = await world.server.api('GET', `/screenshots/${screenshotId}`, { token: world.clientToken });
    expect(image.status).toBe(410);
  };

  it('an uploaded screenshot: deleted on the server, its segment no longer billed; a lost answer is retried and 410 ends it', async () => {
    agent = createAgentFixture(new FakeClock({ wallMs: T0 }));
    const [gone, kept] = await agent.record({ contractId: world.server.contractId, startMs: WORK_START, count: 2 });
    const uploader = agent.uploader(world.proxy.url, world.freelancerToken);
    watch();
    expect((await uploader.runPass()).sent).toEqual({ segments: 2, screenshots: 2, deletions: 0 });
    expect((await diarySegment(gone!.segmentId)).segment.billable).toBe(true);

    expect(agent.store.deleteScreenshotWithTime(gone!.screenshot!.id)).toBe(true);
    // The emptied segment and the deletion, in that order, each counted once.
    expect(queued(agent)).toEqual([
      ['segment', gone!.segmentId],
      ['screenshot-deletion', gone!.screenshot!.id],
    ]);
    expect(agent.store.outbox.counts().pending).toEqual({ segment: 1, screenshot: 1 });

    // The server deletes, then the answer is lost: the agent cannot know, so it tries again later.
    let deletes = 0;
    watch((method) => (method === 'DELETE' && ++deletes === 1 ? 'drop-after' : 'pass'));
    const lost = await uploader.runPass();
    expect(lost).toMatchObject({ sent: { segments: 1, deletions: 0 }, stoppedBy: { reason: 'transient' } });
    expect(agent.store.screenshots.pendingDeletion(gone!.screenshot!.id)).toMatchObject({ segmentId: gone!.segmentId });
    expect(seen).toEqual([`PUT /api/v1/segments/${gone!.segmentId}`, `DELETE /api/v1/screenshots/${gone!.screenshot!.id}?segmentId=${gone!.segmentId}`]);
    watch();
    agent.clock.advance(60 * 60_000);
    const again = await uploader.runPass();
    expect(again).toMatchObject({ sent: { segments: 0, screenshots: 0, deletions: 1 }, parked: 0, stoppedBy: null });
    // The deletion again, then (five minutes on) the pass asks which uploaded screenshots are gone on the server.
    expect(seen).toEqual([
      `DELETE /api/v1/screenshots/${gone!.screenshot!.id}?segmentId=${gone!.segmentId}`,
      expect.stringMatching(new RegExp(`^GET /api/v1/contracts/${world.server.contractId}/screenshots/removed\\?`)),
    ]);
    expect(agent.store.outbox.counts()).toEqual({ pending: { segment: 0, screenshot: 0 }, parked: { segment: 0, screenshot: 0 } });
    expect(agent.store.screenshots.pendingDeletion(gone!.screenshot!.id)).toBeNull();

    await expectRemovedByFreelancer(gone!.segmentId, gone!.screenshot!.id);
    const { segment: other, diary } = await diarySegment(kept!.segmentId);
    expect(other).toMatchObject({ billable: true, screenshot: { id: kept!.screenshot!.id }, screenshotRemoved: null, trackedSeconds: 60 });
    expect(diary.totals.billableSeconds).toBe(60);
  });

  it('a screenshot deleted before its upload: the image is never sent, the server keeps a placeholder and refuses it later', async () => {
    agent = createAgentFixture(new FakeClock({ wallMs: T0 }));
    const [shot] = await agent.record({ contractId: world.server.contractId, startMs: WORK_START + 3_600_000, count: 1 });
    expect(agent.store.deleteScreenshotWithTime(shot!.screenshot!.id)).toBe(true);
    expect(queued(agent).map(([kind]) => kind)).toEqual(['segment', 'screenshot-deletion']);

    watch();
    const report = await agent.uploader(world.proxy.url, world.freelancerToken).runPass();
    expect(report).toMatchObject({ sent: { segments: 1, screenshots: 0, deletions: 1 }, parked: 0, stoppedBy: null });
    expect(describePass(report)).toBe('Sent 1 segment(s) and 0 screenshot(s). The server was told of 1 screenshot(s) you deleted.');
    // The segment first (the server needs it to record the placeholder), then the deletion; never the image.
    expect(seen).toEqual([
      `PUT /api/v1/segments/${shot!.segmentId}`,
      `DELETE /api/v1/screenshots/${shot!.screenshot!.id}?segmentId=${shot!.segmentId}`,
    ]);
    await expectRemovedByFreelancer(shot!.segmentId, shot!.screenshot!.id);

    // An agent that still had the image (an older copy of this data directory) could not bring it back.
    const client = new ApiClient({ serverUrl: world.server.url, token: world.freelancerToken });
    const refused = await client
      .putScreenshot({ id: shot!.screenshot!.id, segmentId: shot!.segmentId, capturedAt: shot!.screenshot!.takenAt, jpeg: shot!.screenshot!.jpeg })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiRequestError);
    expect((refused as ApiRequestError).failure).toMatchObject({ kind: 'http', status: 410, code: 'SCREENSHOT_DELETED' });
  });

  it('a 401 on the deletion stops sync with the queue untouched; network trouble retries it; it drains once both pass', async () => {
    agent = createAgentFixture(new FakeClock({ wallMs: T0 }));
    const [shot] = await agent.record({ contractId: world.server.contractId, startMs: WORK_START + 2 * 3_600_000, count: 1 });
    const uploader = agent.uploader(world.proxy.url, world.freelancerToken);
    watch();
    await uploader.runPass();
    expect(agent.store.deleteScreenshotWithTime(shot!.screenshot!.id)).toBe(true);

    watch((method) => (method === 'DELETE' ? 'unauthorized' : 'pass'));
    const stopped = await uploader.runPass();
    expect(stopped).toMatchObject({ sent: { segments: 1, deletions: 0 }, stoppedBy: { reason: 'unauthorized' } });
    expect(agent.store.outbox.due(T0, 10)).toMatchObject([{ kind: 'screenshot-deletion', attempts: 0, lastError: null }]);

    watch((method) => (method === 'DELETE' ? 'drop-before' : 'pass'));
    const offline = await uploader.runPass();
    expect(offline.stoppedBy).toMatchObject({ reason: 'transient' });
    const [waiting] = agent.store.outbox.due(Number.MAX_SAFE_INTEGER, 10);
    expect(waiting).toMatchObject({ kind: 'screenshot-deletion', attempts: 1 });
    expect(waiting!.nextAttemptAt).toBeGreaterThan(agent.clock.now());
    expect((await diarySegment(shot!.segmentId)).segment).toMatchObject({ billable: true, screenshotRemoved: null });

    watch();
    agent.clock.advance(60 * 60_000);
    expect(await uploader.runPass()).toMatchObject({ sent: { deletions: 1 }, stoppedBy: null });
    expect(agent.store.outbox.counts().pending).toEqual({ segment: 0, screenshot: 0 });
    await expectRemovedByFreelancer(shot!.segmentId, shot!.screenshot!.id);
  });

  it('a deletion the server has nothing for (404) is done, and the rest goes on', async () => {
    agent = createAgentFixture(new FakeClock({ wallMs: T0 }));
    const [mine] = await agent.record({ contractId: world.server.contractId, startMs: WORK_START + 4 * 3_600_000, count: 1, screenshots: false });
    // A deletion naming a segment the server never had (its upload was parked, say): the server has nothing to delete.
    agent.store.db.prepare('INSERT INTO screenshot_deletions (screenshot_id, segment_id, deleted_at) VALUES (?, ?, ?)').run('01JD0000000000000000000000', '01JD0000000000000000000001', T0);
    agent.store.outbox.enqueue('screenshot-deletion', '01JD0000000000000000000000');
    agent.store.outbox.enqueue('segment', mine!.segmentId);
    watch();
    const report = await agent.uploader(world.proxy.url, world.freelancerToken).runPass();
    expect(report).toMatchObject({ sent: { segments: 1, deletions: 1 }, parked: 0, stoppedBy: null });
    expect(seen).toEqual([
      `PUT /api/v1/segments/${mine!.segmentId}`,
      'DELETE /api/v1/screenshots/01JD0000000000000000000000?segmentId=01JD0000000000000000000001',
    ]);
    expect(agent.store.outbox.counts().pending).toEqual({ segment: 0, screenshot: 0 });
  });
});
