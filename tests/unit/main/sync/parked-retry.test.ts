import { chmodSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ulid } from 'ulid';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readSyncStatus } from '../../../../src/main/sync/index.js';
import { FIXTURE_ACCOUNT, createAgentFixture, type AgentFixture } from '../../../integration/sync/support/agent-fixture.js';
import { ENDPOINTS, startScriptedServer, type ScriptedServer } from './answers-corpus.js';

/**
 * Parked items are not stranded: the uploader (real store file, real HTTP client, the fake clock) against a loopback
 * server scripted per request. A parked item is tried again on a slow schedule whose waits grow, at once when it
 * changes, when an uploader starts (sign-in, start) and when the person asks; a clock the server disputes and a key
 * that cannot be read are temporary, not parked; a deletion is finished only by the API's own answer.
 */
const HOUR = 3_600_000;
const valid = (name: string) => ENDPOINTS.find((e) => e.name === name)!.valid;

type Answer = { status: number; code?: string | null; body?: unknown; date?: number };
type Route = 'segment' | 'screenshot' | 'deletion' | 'removed';

/** Decides each answer by what is asked; logs what was asked. */
function script(server: ScriptedServer, decide: (route: Route, id: string) => Answer): { asked: { route: Route; id: string }[] } {
  const asked: { route: Route; id: string }[] = [];
  server.answerWith((req: IncomingMessage) => (_req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '';
    const [, path = '', id = ''] = /^\/api\/v1\/(segments|screenshots|contracts)\/([^/?]+)/.exec(url) ?? [];
    const route: Route = url.includes('/screenshots/removed') ? 'removed' : path === 'segments' ? 'segment' : req.method === 'DELETE' ? 'deletion' : 'screenshot';
    asked.push({ route, id });
    const answer = route === 'removed' ? { status: 200, body: { contractId: id, removed: [], more: false } } : decide(route, id);
    const body = JSON.stringify(
      answer.body ?? (answer.status === 200 ? valid(route === 'segment' ? 'putSegment' : route === 'screenshot' ? 'putScreenshot' : 'deleteScreenshot') : undefined) ??
        (answer.code === null ? undefined : { error: { code: answer.code, message: 'scripted' } }),
    ) ?? '<html><body>404 Not Found</body></html>';
    const headers: Record<string, string | number> = { connection: 'close', 'content-type': answer.code === null ? 'text/html' : 'application/json' };
    if (answer.date !== undefined) headers.date = new Date(answer.date).toUTCString();
    res.writeHead(answer.status, { ...headers, 'content-length': Buffer.byteLength(body) }).end(body);
  });
  return { asked };
}

describe('parked uploads are retried, and temporary trouble is not parked', () => {
  let server: ScriptedServer;
  let agent: AgentFixture;
  const contractId = ulid();

  beforeAll(async () => {
    server = await startScriptedServer();
  });
  afterAll(async () => server?.close());
  afterEach(() => agent?.close());

  const parkedIds = () => agent.store.outbox.parked(FIXTURE_ACCOUNT).map((p) => p.itemId);
  const queued = () => agent.store.db.prepare('SELECT item_id AS id FROM outbox ORDER BY seq').all().map((r) => (r as { id: string }).id);

  it('tries a parked item again after 1, 1, 2, 4 hours, not before, and it goes once the server takes it', async () => {
    agent = createAgentFixture();
    const [segment] = await agent.record({ contractId, startMs: agent.clock.now() - 2 * HOUR, count: 1, screenshots: false });
    let accept = false;
    const { asked } = script(server, () => (accept ? { status: 200 } : { status: 422, code: 'INVALID_JSON' }));
    const uploader = agent.uploader(server.url, 'token');
    expect((await uploader.runPass()).parked).toBe(1);
    expect(parkedIds()).toEqual([segment!.segmentId]);
    const tries = () => asked.filter((a) => a.route === 'segment').length;
    for (const waitHours of [1, 1, 2, 4]) {
      agent.clock.advance(waitHours * HOUR - 60_000);
      await uploader.runPass();
      await uploader.runPass({ everything: true }); // "send everything now" does not hurry a parked item
      const before = tries();
      agent.clock.advance(60_000);
      const report = await uploader.runPass();
      expect(tries(), `after ${waitHours} h more`).toBe(before + 1);
      expect(report.retried).toEqual([{ kind: 'segment', itemId: segment!.segmentId, result: 'parked', detail: 'HTTP 422 INVALID_JSON: scripted' }]);
    }
    // Parked since 8 h: it stays parked from its first refusal, with the latest error.
    const [parked] = agent.store.outbox.parked(FIXTURE_ACCOUNT);
    expect(parked!.nextAttemptAt - agent.clock.now()).toBe(8 * HOUR);
    accept = true;
    agent.clock.advance(8 * HOUR);
    const report = await uploader.runPass();
    expect(report.sent.segments).toBe(1);
    expect(report.retried).toEqual([{ kind: 'segment', itemId: segment!.segmentId, result: 'sent', detail: null }]);
    expect(queued()).toEqual([]);
  });

  it('tries a parked segment at once when it changes (a memo edited), and its parked screenshot right after it', async () => {
    agent = createAgentFixture();
    const [recorded] = await agent.record({ contractId, startMs: agent.clock.now() - HOUR, count: 1 });
    let segmentAccepted = false;
    const { asked } = script(server, (route) => {
      // Out of bounds with the clocks agreeing (the server's Date is ours): the record's fault, so it parks.
      if (route === 'segment') return segmentAccepted ? { status: 200 } : { status: 422, code: 'SEGMENT_OUT_OF_BOUNDS', date: agent.clock.now() };
      return segmentAccepted ? { status: 200 } : { status: 404, code: 'SEGMENT_NOT_FOUND' };
    });
    const uploader = agent.uploader(server.url, 'token');
    expect((await uploader.runPass()).parked).toBe(2);
    expect(await uploader.runPass()).toMatchObject({ parked: 0, retried: [] });
    segmentAccepted = true;
    agent.store.segments.setMemo(recorded!.segmentId, 'the client asked for the tax column');
    const report = await uploader.runPass();
    expect(report.retried.map((r) => [r.kind, r.result])).toEqual([
      ['segment', 'sent'],
      ['screenshot', 'sent'],
    ]);
    expect(asked.filter((a) => a.route !== 'removed').map((a) => a.route)).toEqual(['segment', 'screenshot', 'segment', 'screenshot']);
    expect(queued()).toEqual([]);
  });

  it('tries every parked item when an uploader starts (sign-in, start), and when the person asks, reporting each', async () => {
    agent = createAgentFixture();
    const recorded = await agent.record({ contractId, startMs: agent.clock.now() - HOUR, count: 2, screenshots: false });
    const [first, second] = recorded.map((r) => r.segmentId) as [string, string];
    let acceptFirst = false;
    script(server, (_route, id) => (id === first && acceptFirst ? { status: 200 } : { status: 403, code: 'FORBIDDEN' }));
    const before = agent.uploader(server.url, 'token');
    expect((await before.runPass()).parked).toBe(2);
    await before.stop();

    // The person asks: each parked item is tried now, and said what became of it.
    const retried = await agent.uploader(server.url, 'token').retryParked();
    expect(retried.retried.map((r) => [r.itemId, r.result])).toEqual([
      [first, 'parked'],
      [second, 'parked'],
    ]);

    // A new sign-in (a new uploader, started): its first pass tries them, without waiting an hour.
    acceptFirst = true;
    const after = agent.uploader(server.url, 'token');
    after.start(60_000);
    await expect.poll(() => parkedIds()).toEqual([second]);
    await after.stop();
    expect(queued()).toEqual([second]);
  });

  it('a screenshot whose key cannot be read waits (not parked) while time goes up, and goes once the key is readable', async () => {
    agent = createAgentFixture();
    await agent.record({ contractId, startMs: agent.clock.now() - HOUR, count: 2 });
    const { asked } = script(server, () => ({ status: 200 }));
    const keyFile = `${agent.dataDir}/screenshot.key`;
    chmodSync(keyFile, 0o644); // readable by others: the key store refuses to use it
    const uploader = agent.uploader(server.url, 'token');
    const report = await uploader.runPass({ everything: true });
    expect(report).toMatchObject({ sent: { segments: 2, screenshots: 0 }, parked: 0, stoppedBy: null });
    expect(asked.filter((a) => a.route === 'screenshot')).toEqual([]);
    expect(agent.store.outbox.counts()).toEqual({ pending: { segment: 0, screenshot: 2 }, parked: { segment: 0, screenshot: 0 } });
    const status = readSyncStatus(agent.store, agent.dataDir).contracts.find((c) => c.contractId === contractId);
    expect(status?.lastError?.message).toMatch(/^Screenshots wait: the key that unlocks them on this computer cannot be read \(.*chmod 600.*\)\. Time is still sent/);

    chmodSync(keyFile, 0o600);
    agent.clock.advance(5 * 60_000); // past the backoff
    expect((await uploader.runPass()).sent.screenshots).toBe(2);
    expect(queued()).toEqual([]);
  });

  it("a clock the server disputes is temporary: the pass stops with words saying by how much, and goes when it is right", async () => {
    agent = createAgentFixture();
    // This computer's clock runs three hours ahead: it recorded a segment the server sees in its future.
    const serverNow = agent.clock.now() - 3 * HOUR;
    const [segment] = await agent.record({ contractId, startMs: agent.clock.now() - 2 * 60_000, count: 1, screenshots: false });
    let clockRight = false;
    script(server, () => (clockRight ? { status: 200 } : { status: 422, code: 'SEGMENT_OUT_OF_BOUNDS', date: serverNow }));
    const uploader = agent.uploader(server.url, 'token');
    const report = await uploader.runPass();
    expect(report.parked).toBe(0);
    expect(report.stoppedBy).toMatchObject({
      reason: 'clock',
      detail: "This computer's clock is 3 h ahead of the server's: set it right (automatic time); uploads go on by themselves once it is.",
    });
    expect(agent.store.outbox.counts().parked.segment).toBe(0);
    expect(queued()).toEqual([segment!.segmentId]);
    clockRight = true;
    agent.clock.advance(report.stoppedBy!.retryAt! - agent.clock.now());
    expect((await uploader.runPass()).sent.segments).toBe(1);
  });

  it('a deletion is finished only by the API\'s own answer: a bare 404 (a proxy, a wrong address) parks it', async () => {
    agent = createAgentFixture();
    const recorded = await agent.record({ contractId, startMs: agent.clock.now() - HOUR, count: 3 });
    script(server, () => ({ status: 200 }));
    const uploader = agent.uploader(server.url, 'token');
    await uploader.runPass();
    for (const r of recorded) agent.store.deleteScreenshotWithTime(r.screenshot!.id);
    const [bare, coded, notFound] = recorded.map((r) => r.screenshot!.id) as [string, string, string];
    script(server, (route, id) => {
      if (route !== 'deletion') return { status: 200 };
      if (id === bare) return { status: 404, code: null };
      if (id === coded) return { status: 404, code: 'SEGMENT_NOT_FOUND' };
      return id === notFound ? { status: 404, code: 'NOT_FOUND' } : { status: 200 };
    });
    const report = await uploader.runPass();
    expect(report.sent.deletions).toBe(1);
    expect(report.parked).toBe(2);
    expect(parkedIds()).toEqual([bare, notFound]);
    const [parked] = agent.store.outbox.parked(FIXTURE_ACCOUNT);
    expect(parked!.lastError).toBe('HTTP 404: <html><body>404 Not Found</body></html>');
  });

  it('a bare 410 for a screenshot upload parks it and keeps the image: only the server\'s SCREENSHOT_DELETED drops it', async () => {
    agent = createAgentFixture();
    const [bare, coded] = (await agent.record({ contractId, startMs: agent.clock.now() - HOUR, count: 2 })).map((r) => r.screenshot!.id) as [string, string];
    script(server, (route, id) => (route !== 'screenshot' ? { status: 200 } : id === bare ? { status: 410, code: null } : { status: 410, code: 'SCREENSHOT_DELETED' }));
    const report = await agent.uploader(server.url, 'token').runPass();
    expect(report).toMatchObject({ parked: 1, refused: { screenshots: 1 } });
    expect(agent.store.screenshots.list().map((s) => s.id)).toEqual([bare]);
    expect(agent.store.screenshots.meta(coded)).toBeNull();
    expect(parkedIds()).toEqual([bare]);
  });
});
