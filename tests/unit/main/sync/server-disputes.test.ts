import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../../src/main/log.js';
import { ApiClient, ServerDisputes } from '../../../../src/main/sync/index.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { startScriptedServer, type ScriptedServer } from './answers-corpus.js';

const A = '01JD3C00000000000000000CA1';
const B = '01JD3C00000000000000000CB2';
const dispute = (segmentId: string, startedAt: string, note: string) => ({ segmentId, startedAt, note, at: '2026-11-27T09:00:00.000Z' });

/**
 * What the agent knows of the client's disputes (ServerDisputes over the real ApiClient and a loopback server scripted
 * per contract, fake clock): asked at most once a minute unless asked now; server trouble or a refused token keeps
 * what was known; a contract the server no longer answers about (404) is forgotten, and so is one no longer listed.
 */
describe('ServerDisputes', () => {
  let server: ScriptedServer;
  const answers = new Map<string, { status: number; body: unknown }>();

  beforeAll(async () => {
    server = await startScriptedServer();
    server.answerWith((req: IncomingMessage) => (_req: IncomingMessage, res: ServerResponse) => {
      const id = /\/contracts\/([^/]+)\/disputes$/.exec(req.url ?? '')?.[1] ?? '';
      const answer = answers.get(id) ?? { status: 404, body: { error: { code: 'NOT_FOUND', message: 'contract not found' } } };
      const body = JSON.stringify(answer.body);
      res.writeHead(answer.status, { connection: 'close', 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    });
  });
  afterAll(async () => server?.close());

  it('keeps the newest first, asks once a minute, keeps what it knew through trouble, forgets a contract that is gone', async () => {
    const clock = new FakeClock({ wallMs: Date.parse('2026-11-27T10:00:00Z') });
    const disputes = new ServerDisputes({ client: new ApiClient({ serverUrl: server.url, token: 't' }), clock, logger: createLogger({ level: 'silent' }) });
    answers.set(A, { status: 200, body: { contractId: A, disputes: [dispute('S1', '2026-11-26T05:00:00.000Z', 'older')], more: false } });
    answers.set(B, { status: 200, body: { contractId: B, disputes: [dispute('S2', '2026-11-26T06:00:00.000Z', 'newer')], more: false } });

    expect(await disputes.refresh([A, B])).toBe(true);
    expect(disputes.current().map((d) => [d.contractId, d.note])).toEqual([
      [B, 'newer'],
      [A, 'older'],
    ]);
    const asked = server.requests.length;
    clock.advance(30_000);
    expect(await disputes.refresh([A, B])).toBe(false);
    expect(server.requests.length).toBe(asked); // not due yet: nothing asked

    // Trouble: a 503 for A and a 401 keep what was known.
    answers.set(A, { status: 503, body: { error: { code: 'NOT_READY', message: 'starting' } } });
    clock.advance(30_000);
    expect(await disputes.refresh([A, B])).toBe(false);
    answers.set(A, { status: 401, body: { error: { code: 'UNAUTHENTICATED', message: 'sign in' } } });
    expect(await disputes.refresh([A, B], { now: true })).toBe(false);
    expect(disputes.current()).toHaveLength(2);

    // A contract the server no longer answers about is forgotten; one no longer listed too.
    answers.delete(A);
    expect(await disputes.refresh([A, B], { now: true })).toBe(true);
    expect(disputes.current().map((d) => d.contractId)).toEqual([B]);
    expect(await disputes.refresh([], { now: true })).toBe(true);
    expect(disputes.current()).toEqual([]);
  });
});
