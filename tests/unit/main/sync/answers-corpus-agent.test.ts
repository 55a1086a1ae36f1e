import fc from 'fast-check';
import type { Readable } from 'node:stream';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../../src/main/log.js';
import { API_ERROR_CODES } from '../../../../src/shared/protocol/api/index.js';
import { ApiClient, ServerPolicySource } from '../../../../src/main/sync/index.js';
import type { TrackingPolicy } from '../../../../src/main/tracking/ports.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { createAgentFixture, type AgentFixture } from '../../../integration/sync/support/agent-fixture.js';
import { recordedContents } from '../app/ipc-corpus.js';
import { expectError, openService, type ServiceHarness } from '../app/support.js';
import { ENDPOINTS, badAnswers, deliver, expectedFailure, startScriptedServer, type BadAnswer, type EndpointSpec, type ScriptedServer } from './answers-corpus.js';
import { sseAnswers, writeSse } from './answers-corpus-sse.js';

/**
 * The agent's parts that talk to the server, against the generated corpus of bad answers (answers-corpus.ts):
 * - the Uploader over a real store file with segments, minutes and encrypted screenshots: nothing is marked sent,
 *   every item ends exactly where its last answer puts it (queued for retry, parked, or refused for good on
 *   409/410), and the recorded time is never touched;
 * - the ServerPolicySource pulling and following the stream: no bad answer or stream event ever changes the policy,
 *   so with no good policy seen it stays time-only, and a cached one stays;
 * - sign-in through the app service: an error envelope with the right code, still signed out, nothing written.
 */
const SEED = 20261126;
const TIMEOUT_MS = 400;
const spec = (name: EndpointSpec['name']): EndpointSpec => ENDPOINTS.find((e) => e.name === name)!;
const logger = createLogger({ level: 'silent' });

describe('the agent against a generated corpus of bad server answers', () => {
  let server: ScriptedServer;
  let trap: ScriptedServer;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    server = await startScriptedServer();
    trap = await startScriptedServer();
    process.on('unhandledRejection', onUnhandled);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await server?.close();
    await trap?.close();
  });

  it('Uploader: nothing marked sent, each item where its last answer puts it, the time untouched (40 runs)', async () => {
    const perRequest = fc.record({ segment: badAnswers(spec('putSegment'), trap.url, { hang: true }), screenshot: badAnswers(spec('putScreenshot'), trap.url) });
    await fc.assert(
      fc.asyncProperty(fc.array(perRequest, { minLength: 1, maxLength: 6 }), async (script) => {
        const agent = createAgentFixture();
        try {
          const recorded = await agent.record({ contractId: ulid(), startMs: Date.UTC(2026, 10, 26, 5), count: 3 });
          const before = recordedContents(agent.dataDir);
          const answered: { kind: 'segment' | 'screenshot'; id: string; answer: BadAnswer }[] = [];
          server.answerWith((req) => {
            const [, kind, id] = /\/api\/v1\/(segments|screenshots)\/([^/?]+)/.exec(req.url ?? '') ?? [];
            const step = script[answered.length];
            const answer: BadAnswer = step ? (kind === 'segments' ? step.segment : step.screenshot) : { status: 0, contentType: null, body: '', delivery: 'reset', location: null };
            answered.push({ kind: kind === 'segments' ? 'segment' : 'screenshot', id: id ?? '', answer });
            return answer;
          });
          const uploader = agent.uploader(server.url, 'secret-token', { timeoutMs: TIMEOUT_MS });
          for (let pass = 0; pass < script.length + 2 && answered.length < script.length; pass += 1) {
            const report = await uploader.runPass({ everything: true });
            expect(report.sent).toEqual({ segments: 0, screenshots: 0, deletions: 0 });
          }
          await uploader.stop();
          expectOutboxWhereAnswersPutIt(agent, recorded.map((r) => [r.segmentId, r.screenshot!.id]), answered);
          const after = recordedContents(agent.dataDir);
          for (const table of ['segments', 'minutes', 'minute_apps']) expect(after[table], table).toEqual(before[table]);
        } finally {
          agent.close();
        }
      }),
      { numRuns: 40, seed: SEED },
    );
    expect(trap.requests).toEqual([]);
  });

  it('ServerPolicySource: no bad pull or stream answer changes the policy; none seen means time only (60 runs)', async () => {
    const agent = createAgentFixture();
    try {
      const run = fc.record({
        pull: badAnswers(spec('policy'), trap.url, { hang: true }),
        stream: sseAnswers(),
        cached: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(run, async ({ pull, stream, cached }) => {
          const contractId = ulid();
          const cachedPolicy = { contractId, screenshots: 'off', segmentSeconds: 600, retentionDays: 30, version: 2, updatedAt: '2026-11-26T04:00:00.000Z' };
          if (cached) agent.store.policies.put(contractId, JSON.stringify(cachedPolicy), '"v2"');
          const cacheBefore = agent.store.policies.get(contractId);
          server.answerWith((req) => (_req, res) => {
            if (req.url?.endsWith('/policy/stream')) writeSse(stream(contractId), res);
            else deliver(pull, res);
          });
          const clock = new FakeClock();
          const client = new StreamWatchingClient({ serverUrl: server.url, token: 'secret-token', timeoutMs: TIMEOUT_MS });
          const source = new ServerPolicySource(
            { client, cache: agent.store.policies, clock, logger, contractId, random: () => 0.5 },
            { pollMs: 60_000, reconnectMs: 60_000 },
          );
          const changes: (TrackingPolicy | null)[] = [];
          source.onChange((p) => changes.push(p));
          try {
            const outcome = await source.start();
            expect(['unchanged', 'unreachable', 'refused']).toContain(outcome);
            await client.streamOver;
            expect(changes).toEqual([]);
            expect(source.current()).toEqual(cached ? { screenshots: 'off', segmentSeconds: 600, version: 2, privateWindows: { readable: true, rules: [] } } : null);
            expect(agent.store.policies.get(contractId)).toEqual(cacheBefore);
          } finally {
            source.stop();
          }
        }),
        { numRuns: 60, seed: SEED },
      );
    } finally {
      agent.close();
    }
  });

  it('ServerPolicySource: a stream request the server takes and never answers is given up and tried again', async () => {
    const store = createAgentFixture();
    const streams: string[] = [];
    server.answerWith((req) => (_req, res) => {
      if (req.url?.endsWith('/policy/stream')) streams.push(req.url); // never answered
      else deliver({ status: 503, contentType: null, body: '', delivery: 'whole', location: null }, res);
    });
    const clock = new FakeClock();
    const source = new ServerPolicySource(
      { client: new ApiClient({ serverUrl: server.url, token: 'secret-token', timeoutMs: TIMEOUT_MS }), cache: store.store.policies, clock, logger, contractId: ulid(), random: () => 0.5 },
      { pollMs: 60_000, streamIdleMs: 30_000, reconnectMs: 1_000, maxReconnectMs: 1_000 },
    );
    try {
      expect(await source.start()).toBe('unreachable');
      await vi.waitFor(() => expect(streams).toHaveLength(1));
      await clock.advanceAsync(30_000 + 1_000); // the watchdog, then the reconnect delay
      await vi.waitFor(() => expect(streams).toHaveLength(2));
      expect(source.current()).toBeNull();
    } finally {
      source.stop();
      store.close();
    }
  });

  describe('sign-in through the app service', () => {
    let h: ServiceHarness;
    beforeAll(async () => {
      h = await openService();
    });
    afterAll(async () => {
      await h?.dispose();
    });

    it('answers each bad sign-in answer with the right error code and stays signed out (60 runs)', async () => {
      const password = 'correct horse battery staple';
      await fc.assert(
        fc.asyncProperty(badAnswers(spec('login'), trap.url), async (answer) => {
          server.answerWith(() => answer);
          const before = recordedContents(h.dataDir);
          const error = expectError(await h.service.invoke('auth:sign-in', { serverUrl: server.url, email: 'f@example.com', password }));
          expect(error.code).toBe(signInCode(answer));
          expect(error.message).not.toContain(password);
          expect(error.message.length).toBeLessThanOrEqual(500);
          expect((await h.service.state()).account).toBeNull();
          expect(recordedContents(h.dataDir)).toEqual(before);
        }),
        { numRuns: 60, seed: SEED },
      );
    });
  });

  it('left no unhandled rejection and never followed a redirect', () => {
    expect(unhandled).toEqual([]);
    expect(trap.requests).toEqual([]);
  });
});

/** Tells the test when the policy stream it opened is over: every event in it has reached the source by then. */
class StreamWatchingClient extends ApiClient {
  #over: () => void = () => undefined;
  readonly streamOver = new Promise<void>((resolve) => (this.#over = resolve));

  override async openPolicyStream(contractId: string, signal: AbortSignal): Promise<Readable> {
    try {
      const body = await super.openPolicyStream(contractId, signal);
      body.once('close', () => setImmediate(this.#over)); // after the source's own 'end'/'close' handlers
      return body;
    } catch (error) {
      setImmediate(this.#over);
      throw error;
    }
  }
}

/** The code the person sees for a bad answer to sign-in (toUserError's mapping of the client's classification). */
function signInCode(answer: BadAnswer): string {
  const expected = expectedFailure(spec('login'), answer);
  if ('unchanged' in expected) throw new Error('sign-in has no "unchanged"');
  switch (expected.kind) {
    case 'network':
      return 'SERVER_UNREACHABLE';
    case 'invalid':
      return 'BAD_ANSWER';
    case 'http': {
      const body = typeof answer.body === 'string' ? answer.body : '';
      const status = expected.status ?? 0;
      if (status !== 204 && body.includes('"code":"INVALID_CREDENTIALS"') && isApiError(body)) return 'INVALID_CREDENTIALS';
      if (status === 401) return 'SIGN_IN_AGAIN';
      if (status === 429) return 'SERVER_REFUSED';
      if (status === 403 || status === 404 || status === 405) return 'BAD_ANSWER'; // not a Worktrace server
      return 'SERVER_REFUSED';
    }
  }
}

/** An error body of the API naming one of its own codes (what makes a 409/410 the server's final word). */
function carriesApiCode(body: string | Uint8Array): boolean {
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  return isApiError(text) && (API_ERROR_CODES as readonly string[]).includes((JSON.parse(text) as { error: { code: string } }).error.code);
}

function isApiError(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
    return Object.keys(parsed).length === 1 && typeof parsed.error?.code === 'string' && typeof parsed.error.message === 'string';
  } catch {
    return false;
  }
}

/**
 * Replays the answers each item got, in order, and checks the queue ends where they put it: a transient answer
 * (network, unreadable, 408/429/5xx) or a 401 leaves it queued, a 409/410 in the API's error shape with one of its
 * codes removes it for good (a screenshot with its local copy), any other status parks it.
 */
function expectOutboxWhereAnswersPutIt(
  agent: AgentFixture,
  items: readonly (readonly [segmentId: string, screenshotId: string])[],
  answered: readonly { kind: 'segment' | 'screenshot'; id: string; answer: BadAnswer }[],
): void {
  const fate = new Map<string, 'queued' | 'parked' | 'gone'>();
  for (const [segmentId, screenshotId] of items) {
    fate.set(`segment:${segmentId}`, 'queued');
    fate.set(`screenshot:${screenshotId}`, 'queued');
  }
  for (const { kind, id, answer } of answered) {
    const key = `${kind}:${id}`;
    expect(fate.get(key), `${key} was sent after it was settled`).toBe('queued');
    const expected = expectedFailure(spec(kind === 'segment' ? 'putSegment' : 'putScreenshot'), answer);
    if ('unchanged' in expected || expected.kind !== 'http') continue;
    const status = expected.status ?? 0;
    // Final only when the Worktrace server said so: a 409/410 without the API's own error code (a proxy) parks.
    if ((status === 409 || status === 410) && carriesApiCode(answer.body)) fate.set(key, 'gone');
    else if (status !== 401 && status !== 408 && status !== 429 && status < 500) fate.set(key, 'parked');
  }
  const rows = agent.store.db.prepare('SELECT kind, item_id AS id, parked_at IS NOT NULL AS parked FROM outbox').all() as { kind: string; id: string; parked: number }[];
  const actual = new Map(rows.map((r) => [`${r.kind}:${r.id}`, r.parked ? 'parked' : 'queued']));
  for (const [key, expected] of fate) expect(actual.get(key) ?? 'gone', key).toBe(expected);
  const shots = new Set(agent.store.screenshots.list().map((s) => s.id));
  for (const [, screenshotId] of items) expect(shots.has(screenshotId), screenshotId).toBe(fate.get(`screenshot:${screenshotId}`) !== 'gone');
}
