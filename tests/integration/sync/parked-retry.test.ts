import { afterEach, describe, expect, it } from 'vitest';
import { checkServerUrl, CredentialsStore, parkedItemStatus, readSyncStatus } from '../../../src/main/sync/index.js';
import { diarySchema, type DiarySegment } from '../../../src/shared/protocol/api/index.js';
import { assertBuilt } from '../../support/cli.js';
import { DEFAULT_FAKE_WALL_MS, FakeClock } from '../../support/fake-clock.js';
import { FIXTURE_ACCOUNT, createAgentFixture, type AgentFixture } from './support/agent-fixture.js';
import { runCliAsync } from './support/cli-async.js';
import { type Fault } from './support/fault-proxy.js';
import { useProxiedServer } from './support/proxied-server.js';

/**
 * Nothing recorded is stranded: items the server refuses are parked, then tried again — on a slow schedule, when
 * they change, when the person asks (`worktrace sync --retry-parked`) — until the client has them. Temporary trouble
 * is not parked: a clock the server disputes waits with words saying so. A deletion answered by something that is not
 * the API (a proxy's bare 404) is not taken for done. The real server on loopback behind the fault proxy; agent and
 * server clocks are fake (the CLI's is the machine's).
 */
const T0 = DEFAULT_FAKE_WALL_MS;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WORK_START = T0 - 6 * HOUR;

describe('parked uploads reach the client after all', () => {
  const world = useProxiedServer({ segmentSeconds: 60 });
  let agent: AgentFixture | undefined;
  let seen: string[] = [];

  afterEach(() => {
    world.proxy.setChooser(() => 'pass');
    agent?.close();
    agent = undefined;
  });

  /** Records what reaches the proxy; `fault` decides each request's fate (default: passed on). */
  const watch = (fault: (method: string, path: string) => Fault = () => 'pass') => {
    seen = [];
    world.proxy.setChooser((method, path) => {
      seen.push(`${method} ${path.split('?')[0]}`);
      return fault(method, path);
    });
  };

  const diarySegment = async (segmentId: string): Promise<DiarySegment | undefined> => {
    const range = `from=${new Date(WORK_START - DAY).toISOString()}&to=${new Date(T0 + 2 * DAY).toISOString()}`;
    const answer = await world.server.api('GET', `/contracts/${world.server.contractId}/diary?${range}`, { token: world.clientToken });
    expect(answer.status).toBe(200);
    return diarySchema.parse(answer.json).segments.find((s) => s.id === segmentId);
  };

  const parkedIds = (fixture: AgentFixture) => fixture.store.outbox.parked(FIXTURE_ACCOUNT).map((p) => p.itemId);

  it('a screenshot the server keeps refusing is tried again after 1 h, 1 h, 2 h, and sent once the refusal ends: the client has it', async () => {
    agent = createAgentFixture(new FakeClock({ wallMs: T0 }));
    const [recorded] = await agent.record({ contractId: world.server.contractId, startMs: WORK_START, count: 1 });
    const shot = recorded!.screenshot!;
    let refusing = true;
    watch((method, path) => (method === 'PUT' && path.startsWith(`/api/v1/screenshots/${shot.id}`) && refusing ? 'refuse-422' : 'pass'));
    const uploader = agent.uploader(world.proxy.url, world.freelancerToken);
    expect(await uploader.runPass()).toMatchObject({ sent: { segments: 1, screenshots: 0 }, parked: 1 });
    expect(parkedIds(agent)).toEqual([shot.id]);
    expect((await diarySegment(recorded!.segmentId))?.screenshot).toBeNull();
    const tries = () => seen.filter((s) => s === `PUT /api/v1/screenshots/${shot.id}`).length;

    agent.clock.advance(HOUR - 60_000);
    await uploader.runPass({ everything: true });
    expect(tries()).toBe(1); // not before its hour, even when everything is asked for
    agent.clock.advance(60_000);
    expect((await uploader.runPass()).retried).toEqual([{ kind: 'screenshot', itemId: shot.id, result: 'parked', detail: 'HTTP 422 INVALID_IMAGE: injected INVALID_IMAGE' }]);
    expect(tries()).toBe(2);

    agent.clock.advance(HOUR); // parked for an hour: the next wait is an hour
    expect((await uploader.runPass()).retried).toMatchObject([{ itemId: shot.id, result: 'parked' }]);
    expect(tries()).toBe(3);

    refusing = false; // whatever was wrong is fixed; the agent is not told, it tries again on schedule
    agent.clock.advance(HOUR); // parked for two hours: the next wait is two
    await uploader.runPass();
    expect(tries()).toBe(3);
    agent.clock.advance(HOUR);
    expect((await uploader.runPass()).retried).toEqual([{ kind: 'screenshot', itemId: shot.id, result: 'sent', detail: null }]);
    expect(tries()).toBe(4);
    expect(agent.store.outbox.counts()).toEqual({ pending: { segment: 0, screenshot: 0 }, parked: { segment: 0, screenshot: 0 } });
    expect((await diarySegment(recorded!.segmentId))?.screenshot?.id).toBe(shot.id);
    const image = await world.server.api('GET', `/screenshots/${shot.id}`, { token: world.clientToken });
    expect(image.bytes.equals(shot.jpeg)).toBe(true);
  });

  it('a segment refused for now goes the moment it changes (a memo edited), not an hour later', async () => {
    agent = createAgentFixture(new FakeClock({ wallMs: T0 }));
    const [recorded] = await agent.record({ contractId: world.server.contractId, startMs: WORK_START + HOUR, count: 1, screenshots: false });
    let refusing = true;
    watch((method, path) => (method === 'PUT' && path.startsWith('/api/v1/segments/') && refusing ? 'refuse-422' : 'pass'));
    const uploader = agent.uploader(world.proxy.url, world.freelancerToken);
    expect((await uploader.runPass()).parked).toBe(1);
    refusing = false;
    expect(await uploader.runPass()).toMatchObject({ sent: { segments: 0 }, retried: [] });
    agent.store.segments.setMemo(recorded!.segmentId, 'tax column, as the client asked');
    expect(await uploader.runPass()).toMatchObject({ sent: { segments: 1 }, retried: [{ itemId: recorded!.segmentId, result: 'sent' }] });
    expect((await diarySegment(recorded!.segmentId))?.memo).toBe('tax column, as the client asked');
  });

  it("a clock running ahead of the server's: the segment waits (not parked) with words saying by how much, and goes once the clocks agree", async () => {
    const serverNow = world.serverClock.now();
    agent = createAgentFixture(new FakeClock({ wallMs: serverNow + 3 * HOUR }));
    const start = Math.floor((agent.clock.now() - 2 * 60_000) / 60_000) * 60_000;
    const [recorded] = await agent.record({ contractId: world.server.contractId, startMs: start, count: 1, screenshots: false });
    watch();
    const uploader = agent.uploader(world.proxy.url, world.freelancerToken);
    const words = "This computer's clock is 3 h ahead of the server's: set it right (automatic time); uploads go on by themselves once it is.";
    try {
      const report = await uploader.runPass();
      expect(report).toMatchObject({ parked: 0, stoppedBy: { reason: 'clock', detail: words } });
      expect(agent.store.outbox.counts()).toEqual({ pending: { segment: 1, screenshot: 0 }, parked: { segment: 0, screenshot: 0 } });
      // What `worktrace status` and the app read: the words, for this contract.
      expect(readSyncStatus(agent.store, agent.dataDir).contracts.find((c) => c.contractId === world.server.contractId)?.lastError?.message).toBe(words);
      expect(await diarySegment(recorded!.segmentId)).toBeUndefined();

      // The person sets the clock right (here: the server's time reaches the agent's), and it goes on its own.
      world.serverClock.setWall(agent.clock.now());
      agent.clock.advance(report.stoppedBy!.retryAt! - agent.clock.now());
      expect((await uploader.runPass()).sent.segments).toBe(1);
      expect((await diarySegment(recorded!.segmentId))?.trackedSeconds).toBe(60);
    } finally {
      world.serverClock.setWall(serverNow);
    }
  });

  it("a deletion answered by a bare 404 (a proxy, a wrong address) is not done: the image stays on the server until the server deletes it", async () => {
    agent = createAgentFixture(new FakeClock({ wallMs: T0 }));
    const [recorded] = await agent.record({ contractId: world.server.contractId, startMs: WORK_START + 2 * HOUR, count: 1 });
    const shot = recorded!.screenshot!;
    watch();
    const uploader = agent.uploader(world.proxy.url, world.freelancerToken);
    expect((await uploader.runPass()).sent).toEqual({ segments: 1, screenshots: 1, deletions: 0 });
    expect(agent.store.deleteScreenshotWithTime(shot.id)).toBe(true);

    watch((method) => (method === 'DELETE' ? 'bare-404' : 'pass'));
    const report = await uploader.runPass();
    expect(report).toMatchObject({ sent: { segments: 1, deletions: 0 }, parked: 1 });
    expect(parkedIds(agent)).toEqual([shot.id]);
    // Before, that 404 counted as "already deleted": the freelancer believed it gone while the client could see it.
    expect((await world.server.api('GET', `/screenshots/${shot.id}`, { token: world.clientToken })).status).toBe(200);
    expect(agent.store.outbox.parked(FIXTURE_ACCOUNT).map(parkedItemStatus)).toMatchObject([
      {
        kind: 'screenshot-deletion',
        reason: 'the answer did not come from the Worktrace server (HTTP 404 without its error code).',
        todo: 'Check the server address you signed in with and any proxy in between, then retry.',
      },
    ]);

    watch();
    expect((await uploader.retryParked()).retried).toEqual([{ kind: 'screenshot-deletion', itemId: shot.id, result: 'sent', detail: null }]);
    expect((await world.server.api('GET', `/screenshots/${shot.id}`, { token: world.clientToken })).status).toBe(410);
    expect(await diarySegment(recorded!.segmentId)).toMatchObject({ billable: false, screenshotRemoved: { by: 'freelancer' } });
  });

  it('`worktrace sync --retry-parked` (the built CLI) tries parked items now and says what became of each; status says why and what to do', async () => {
    assertBuilt();
    agent = createAgentFixture(new FakeClock({ wallMs: T0 }));
    const [recorded] = await agent.record({ contractId: world.server.contractId, startMs: WORK_START + 3 * HOUR, count: 1 });
    const shot = recorded!.screenshot!;
    const me = await world.server.session('freelancer');
    const server = checkServerUrl(world.proxy.url);
    new CredentialsStore(agent.dataDir).write({ server, email: me.email, userId: me.userId, role: 'freelancer', token: me.token, expiresAt: '2099-01-01T00:00:00.000Z' });
    const env = { ...process.env, WORKTRACE_DATA_DIR: agent.dataDir, DISPLAY: '', WAYLAND_DISPLAY: '' };
    let refusing = true;
    watch((method, path) => (method === 'PUT' && path.startsWith(`/api/v1/screenshots/${shot.id}`) && refusing ? 'refuse-422' : 'pass'));

    const first = await runCliAsync(['sync'], env);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('Sent 1 segment(s) and 0 screenshot(s). 1 parked with an error.');
    const status = await runCliAsync(['status'], env);
    expect(status.stdout).toContain(`  parked screenshot ${shot.id}: the server could not read it as a picture.\n`);
    expect(status.stdout).toMatch(/ {4}What to do: Nothing to fix on your side; if it keeps failing, report it\. Tried again on its own at .+; `worktrace sync --retry-parked` tries now\.\n/);
    expect(status.stdout).toContain('    The server said: HTTP 422 INVALID_IMAGE: injected INVALID_IMAGE\n');

    const stillRefused = await runCliAsync(['sync', '--retry-parked'], env);
    expect(stillRefused.status).toBe(0);
    expect(stillRefused.stdout).toContain(
      `Tried 1 parked item(s) again:\n  screenshot ${shot.id}: still parked: the server could not read it as a picture. Nothing to fix on your side; if it keeps failing, report it.\n`,
    );

    refusing = false;
    const sent = await runCliAsync(['sync', '--retry-parked'], env);
    expect(sent.status).toBe(0);
    expect(sent.stdout).toContain(`Sent 0 segment(s) and 1 screenshot(s).`);
    expect(sent.stdout).toContain(`Tried 1 parked item(s) again:\n  screenshot ${shot.id}: sent.\n`);
    expect(seen.filter((s) => s === `PUT /api/v1/screenshots/${shot.id}`)).toHaveLength(3);
    expect((await diarySegment(recorded!.segmentId))?.screenshot?.id).toBe(shot.id);
    expect((await runCliAsync(['status'], env)).stdout).not.toContain('parked screenshot');
  });
});
