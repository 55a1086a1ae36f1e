import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { createWorld, segmentBody, segmentStart, startTestServer, uploadScreenshot, type TestServer, type World } from '../support/server.js';
import { openPolicyStream } from '../support/sse.js';

/**
 * Issue 15 on the server: the client's per-contract private-window list, versioned with the policy and pulled with
 * it; a segment whose screenshot the agent skipped for privacy; the count of windows painted out of a screenshot.
 */
describe.each(testBackends())('private windows on $name', (backend) => {
  let server: TestServer;
  let world: World;
  beforeEach(async () => {
    server = await startTestServer(backend);
    world = await createWorld(server);
    server.clock.advance(25 * 60_000);
  });
  afterEach(async () => server.close());

  const policyPath = () => `/api/v1/contracts/${world.contract.id}/policy`;
  const setList = (privateWindows: unknown, token = world.client.token) =>
    server.request('PUT', policyPath(), { token, json: { privateWindows } });
  const LIST = [
    { kind: 'app', pattern: 'Epic Hyperspace' },
    { kind: 'title', pattern: '*Patient*' },
  ];

  it('keeps the list as a new policy version that both parties read, with its history', async () => {
    const set = await setList(LIST);
    expect(set.status).toBe(200);
    expect(set.json).toMatchObject({ version: 2, screenshots: 'on', privateWindows: LIST });
    const read = await server.request('GET', policyPath(), { token: world.freelancer.token });
    expect(read.json).toMatchObject({ version: 2, privateWindows: LIST });
    const contracts = await server.request('GET', '/api/v1/contracts', { token: world.freelancer.token });
    expect(contracts.json.contracts[0].policy.privateWindows).toEqual(LIST);
    // Other terms change without touching the list, and the list can be cleared.
    server.clock.advance(60_000);
    expect((await server.request('PUT', policyPath(), { token: world.client.token, json: { screenshots: 'blurred' } })).json).toMatchObject({ version: 3, privateWindows: LIST });
    server.clock.advance(60_000);
    expect((await setList([])).json).toMatchObject({ version: 4, privateWindows: [] });
    const diary = await server.request('GET', `/api/v1/contracts/${world.contract.id}/diary`, { token: world.client.token });
    expect(diary.json.policyHistory.map((v: { version: number; privateWindows: unknown[] }) => [v.version, v.privateWindows.length])).toEqual([
      [1, 0],
      [2, 2],
      [3, 2],
      [4, 0],
    ]);
  });

  it('takes the same list spelled differently (letter case, spaces, repeats) as no change', async () => {
    expect((await setList(LIST)).json.version).toBe(2);
    const again = await setList([{ kind: 'app', pattern: ' epic hyperspace ' }, { kind: 'title', pattern: '*PATIENT*' }, { kind: 'title', pattern: '*patient*' }]);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ version: 2, privateWindows: LIST });
    // Stored trimmed and without repeats.
    const fresh = await setList([{ kind: 'title', pattern: '  *Chart*  ' }, { kind: 'title', pattern: '*chart*' }]);
    expect(fresh.json).toMatchObject({ version: 3, privateWindows: [{ kind: 'title', pattern: '*Chart*' }] });
  });

  it('lets only the client change it: the freelancer gets 403, a stranger 404, no token 401', async () => {
    expect((await setList(LIST, world.freelancer.token)).json.error.code).toBe('FORBIDDEN');
    expect((await setList(LIST, world.otherClient.token)).status).toBe(404);
    expect((await server.request('PUT', policyPath(), { json: { privateWindows: LIST } })).status).toBe(401);
    expect((await server.request('GET', policyPath(), { token: world.freelancer.token })).json).toMatchObject({ version: 1, privateWindows: [] });
  });

  it.each([
    ['a rule of an unknown kind', [{ kind: 'url', pattern: 'x' }]],
    ['an empty pattern', [{ kind: 'title', pattern: ' ' }]],
    ['a pattern of 129 characters', [{ kind: 'title', pattern: 'x'.repeat(129) }]],
    ['a control character', [{ kind: 'title', pattern: 'a\u0000b' }]],
    ['a trailing escape', [{ kind: 'title', pattern: 'a\\' }]],
    ['an extra field', [{ kind: 'title', pattern: 'x', note: 'y' }]],
    ['101 rules', Array.from({ length: 101 }, (_, i) => ({ kind: 'title', pattern: `p${i}` }))],
    ['not a list', { kind: 'title', pattern: 'x' }],
  ])('refuses %s with 400 VALIDATION_FAILED and keeps the policy as it was', async (_what, list) => {
    const answer = await setList(list);
    expect(answer.status).toBe(400);
    expect(answer.json.error.code).toBe('VALIDATION_FAILED');
    expect((await server.request('GET', policyPath(), { token: world.client.token })).json).toMatchObject({ version: 1, privateWindows: [] });
  });

  it('pushes the new list down the policy stream', async () => {
    const stream = await openPolicyStream(`${server.baseUrl}${policyPath()}/stream`, world.freelancer.token);
    try {
      await stream.received(1);
      await setList(LIST);
      await stream.received(2);
      expect(stream.events[1]).toMatchObject({ version: 2, privateWindows: LIST });
    } finally {
      stream.close();
    }
  });

  /** The largest list the schema takes: 100 rules of 128 characters, most of them two bytes in UTF-8. */
  const LARGEST = Array.from({ length: 100 }, (_, i) => ({ kind: 'title', pattern: `${String(i).padStart(3, '0')}${'é'.repeat(125)}` }));

  it('takes the largest list, and streams it', async () => {
    const stream = await openPolicyStream(`${server.baseUrl}${policyPath()}/stream`, world.freelancer.token);
    try {
      await stream.received(1);
      const answer = await setList(LARGEST);
      expect(answer.status, answer.text.slice(0, 200)).toBe(200);
      await stream.received(2);
      expect(stream.events[1]).toMatchObject({ version: 2, privateWindows: LARGEST });
    } finally {
      stream.close();
    }
  });

  // Only PostgreSQL is shared between server processes. Its notices hold at most 8000 bytes: the list (25 KB here)
  // cannot travel in one, so the notice names the version and the other process reads it from the database.
  if (backend.name === 'postgres') {
    it('pushes the largest list through another server process sharing the database', async () => {
      const second = await startTestServer({ ...backend, databaseUrl: async () => server.databaseUrl });
      const stream = await openPolicyStream(`${second.baseUrl}${policyPath()}/stream`, world.freelancer.token);
      try {
        await stream.received(1);
        expect((await setList(LARGEST)).status).toBe(200);
        await stream.received(2);
        expect(stream.events[1]).toMatchObject({ version: 2, privateWindows: LARGEST });
      } finally {
        stream.close();
        await second.close();
      }
    });
  }

  it('records a segment whose screenshot was skipped for privacy, and a revision can say so later', async () => {
    const start = segmentStart(server.clock.now()) - 600_000;
    const path = (id: string) => `/api/v1/segments/${id}`;
    const skipped = { ...segmentBody({ contractId: world.contract.id, startedAt: start }), screenshotSkipped: 'private-window', revision: 1 };
    expect((await server.request('PUT', path(skipped.id), { token: world.freelancer.token, json: skipped })).json.result).toBe('created');
    const later = { ...segmentBody({ contractId: world.contract.id, startedAt: start - 600_000 }), revision: 1 };
    await server.request('PUT', path(later.id), { token: world.freelancer.token, json: later });
    // The same revision with another content is a conflict; a higher one carries the skip.
    const clash = await server.request('PUT', path(later.id), { token: world.freelancer.token, json: { ...later, screenshotSkipped: 'private-list-unreadable' } });
    expect(clash.json.error.code).toBe('SEGMENT_REVISION_CONFLICT');
    const revised = await server.request('PUT', path(later.id), {
      token: world.freelancer.token,
      json: { ...later, revision: 2, screenshotSkipped: 'private-list-unreadable' },
    });
    expect(revised.json.result).toBe('updated');
    const bad = await server.request('PUT', path(later.id), { token: world.freelancer.token, json: { ...later, revision: 3, screenshotSkipped: 'bored' } });
    expect(bad.status).toBe(400);
    const diary = await server.request('GET', `/api/v1/contracts/${world.contract.id}/diary`, { token: world.client.token });
    const byId = new Map(diary.json.segments.map((s: { id: string; screenshotSkipped: string | null }) => [s.id, s.screenshotSkipped]));
    expect(byId.get(skipped.id)).toBe('private-window');
    expect(byId.get(later.id)).toBe('private-list-unreadable');
  });

  it('keeps how many private windows a screenshot had painted out, and refuses a count that is not one', async () => {
    const start = segmentStart(server.clock.now()) - 600_000;
    const segment = segmentBody({ contractId: world.contract.id, startedAt: start });
    await server.request('PUT', `/api/v1/segments/${segment.id}`, { token: world.freelancer.token, json: segment });
    for (const count of ['-1', '1001', '2.5', 'two', '', '0x2']) {
      const refused = await uploadScreenshot(server, world.freelancer.token, { segmentId: segment.id, capturedAt: start + 60_000, redactedWindows: count });
      expect(refused.status, count).toBe(400);
      expect(refused.json.error.code).toBe('VALIDATION_FAILED');
    }
    const shot = await uploadScreenshot(server, world.freelancer.token, { segmentId: segment.id, capturedAt: start + 60_000, redactedWindows: '2' });
    expect(shot.status).toBe(200);
    const other = segmentBody({ contractId: world.contract.id, startedAt: start - 600_000 });
    await server.request('PUT', `/api/v1/segments/${other.id}`, { token: world.freelancer.token, json: other });
    const plain = await uploadScreenshot(server, world.freelancer.token, { segmentId: other.id, capturedAt: start - 500_000 });
    expect(plain.status).toBe(200);
    const diary = await server.request('GET', `/api/v1/contracts/${world.contract.id}/diary`, { token: world.client.token });
    const counts = new Map(diary.json.segments.map((s: { id: string; screenshot: { redactedWindows: number } }) => [s.id, s.screenshot.redactedWindows]));
    expect(counts.get(segment.id)).toBe(2);
    expect(counts.get(other.id)).toBe(0);
  });
});
