import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, ApiRequestError, SseParser, type PolicyAnswer } from '../../../../src/main/sync/index.js';
import type { SegmentUpload } from '../../../../src/shared/protocol/index.js';
import {
  CONTRACT_ID,
  ENDPOINTS,
  badAnswers,
  expectedFailure,
  startScriptedServer,
  type EndpointSpec,
  type Expected,
  type ScriptedServer,
} from './answers-corpus.js';

/**
 * Issue 8, bad input from the server: every endpoint the ApiClient calls answers with a generated corpus of bad
 * answers (wrong statuses, HTML, truncated JSON, wrong types, bodies past the cap, wrong content types, redirects,
 * dribbled, cut-short, reset, not-HTTP and never-ending answers). Each must end as an ApiRequestError classified
 * network / http(status) / invalid exactly as the sync layer branches on it, and a redirect must never be followed
 * (the token would go with it). The uploader, policy source and sign-in are driven in answers-corpus-agent.test.ts.
 */
const RUNS_PER_ENDPOINT = 150;
const SEED = 20261126;
/** The deadline of the client that meets answers which never come: short, so the corpus stays quick. */
const TIMEOUT_MS = 400;
/**
 * Every other answer comes, whole or in pieces, within milliseconds; its client waits longer, so a loaded CI
 * machine that is slow to serve one is not mistaken for a hang (a 303 was once classified 'network' that way).
 */
const PATIENT_TIMEOUT_MS = 10_000;
const TOKEN = 'secret-token-never-forwarded';

/** What the uploader would send; the scripted server ignores it. */
const segment: SegmentUpload = {
  id: '01JD3C0000000000000000SEG0',
  contractId: CONTRACT_ID,
  startedAt: '2026-11-26T05:00:00.000Z',
  lengthSeconds: 600,
  trackedSeconds: 60,
  idleSeconds: 0,
  memo: null,
  minutes: [],
  apps: [],
  screenshot: null,
  policyVersion: 1,
};

function call(client: ApiClient, spec: EndpointSpec): Promise<unknown> {
  switch (spec.name) {
    case 'login':
      return client.login('f@example.com', 'correct horse battery');
    case 'contracts':
      return client.contracts();
    case 'policy':
      return client.policy(CONTRACT_ID, null);
    case 'putSegment':
      return client.putSegment(segment);
    case 'putScreenshot':
      return client.putScreenshot({ id: '01JD3C0000000000000000SH0T', segmentId: segment.id, capturedAt: 1_795_650_010_000, jpeg: Buffer.from([0xff, 0xd8, 0xff, 0xd9]) });
    case 'deleteScreenshot':
      return client.deleteScreenshot('01JD3C0000000000000000SH0T', segment.id);
    case 'disputes':
      return client.disputes(CONTRACT_ID);
  }
}

function expectClassified(outcome: { value?: unknown; error?: unknown }, expected: Expected): void {
  if ('unchanged' in expected) {
    expect(outcome.error).toBeUndefined();
    expect(outcome.value as PolicyAnswer).toEqual({ status: 'unchanged' });
    return;
  }
  expect(outcome.error).toBeInstanceOf(ApiRequestError);
  const error = outcome.error as ApiRequestError;
  expect(error.code).toBe('API_REQUEST_FAILED');
  expect(error.failure.kind).toBe(expected.kind);
  if (expected.status !== undefined && error.failure.kind !== 'network') expect(error.failure.status).toBe(expected.status);
  if (expected.detail !== undefined) expect(error.failure.detail).toBe(expected.detail);
  expect(error.message.length).toBeLessThan(400); // a huge body never becomes a huge message
  expect(error.message).not.toContain(TOKEN);
}

describe('ApiClient against a generated corpus of bad answers', () => {
  let server: ScriptedServer;
  let trap: ScriptedServer;
  let client: ApiClient;
  let patientClient: ApiClient;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    server = await startScriptedServer();
    trap = await startScriptedServer();
    client = new ApiClient({ serverUrl: server.url, token: TOKEN, timeoutMs: TIMEOUT_MS });
    patientClient = new ApiClient({ serverUrl: server.url, token: TOKEN, timeoutMs: PATIENT_TIMEOUT_MS });
    process.on('unhandledRejection', onUnhandled);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await server?.close();
    await trap?.close();
  });

  for (const spec of ENDPOINTS) {
    it(`${spec.name}: ${RUNS_PER_ENDPOINT} bad answers, each classified as the sync layer expects`, async () => {
      await fc.assert(
        fc.asyncProperty(badAnswers(spec, trap.url, { hang: true }), async (answer) => {
          server.answerWith(() => answer);
          const outcome = await call(answer.delivery === 'hang' ? client : patientClient, spec).then(
            (value) => ({ value }),
            (error: unknown) => ({ error }),
          );
          expectClassified(outcome, expectedFailure(spec, answer));
        }),
        { numRuns: RUNS_PER_ENDPOINT, seed: SEED },
      );
      expect(trap.requests).toEqual([]); // no redirect was followed: the token never left for another address
    });
  }

  it('cuts an answer that dribbles in for longer than the timeout, even if each piece comes in time', async () => {
    server.answerWith(() => (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 400 });
      const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(' ')), TIMEOUT_MS / 4);
      res.once('close', () => clearInterval(timer));
    });
    const outcome = await client.contracts().then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    expectClassified(outcome, { kind: 'network', detail: 'timed out' });
  });

  it('reads no line out of the tail of an over-long stream line (it could complete a broken policy event)', () => {
    const parser = new SseParser();
    const policy = JSON.stringify({ ...ENDPOINTS.find((e) => e.name === 'policy')!.valid, version: 99 });
    expect(parser.feed(`event: policy\ndata: ${'x'.repeat(300 * 1024)}`)).toEqual([]);
    expect(parser.feed(`data: ${policy}\n\n`)).toEqual([]);
    expect(parser.feed(`event: policy\ndata: ${policy}\n\n`)).toEqual([{ event: 'policy', data: policy, id: null }]);
  });

  it('left no unhandled rejection behind', () => {
    expect(unhandled).toEqual([]);
  });
});
