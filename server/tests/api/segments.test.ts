import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { testBackends } from '../support/backends.js';
import { createWorld, segmentBody, segmentStart, startTestServer, uploadScreenshot, type TestServer, type World } from '../support/server.js';

describe.each(testBackends())('segment uploads on $name', (backend) => {
  let server: TestServer;
  let world: World;
  beforeEach(async () => {
    server = await startTestServer(backend);
    world = await createWorld(server);
  });
  afterEach(async () => server.close());

  const start = () => segmentStart(server.clock.now()) - 600_000;
  const put = (token: string, body: ReturnType<typeof segmentBody>, id = body.id) =>
    server.request('PUT', `/api/v1/segments/${id}`, { token, json: body });
  const diaryTotals = async () => {
    const from = new Date(start() - 3_600_000).toISOString();
    const to = new Date(start() + 3_600_000).toISOString();
    const diary = await server.request('GET', `/api/v1/contracts/${world.contract.id}/diary?from=${from}&to=${to}`, { token: world.client.token });
    expect(diary.status).toBe(200);
    return diary.json;
  };

  it('creates a segment, answers a retry with "unchanged", and never counts it twice', async () => {
    const body = segmentBody({ contractId: world.contract.id, startedAt: start(), minutes: 4 });
    const first = await put(world.freelancer.token, body);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ id: body.id, result: 'created', trackedSeconds: 240, minutes: 4, billable: true });
    for (let i = 0; i < 3; i += 1) {
      const again = await put(world.freelancer.token, body);
      expect(again.json.result).toBe('unchanged');
    }
    const diary = await diaryTotals();
    expect(diary.segments).toHaveLength(1);
    expect(diary.totals).toEqual({ trackedSeconds: 240, billableSeconds: 240 });
    expect(diary.segments[0]).toMatchObject({ activeMinutes: 4, memo: null, policyVersion: 1, billable: true });
    expect(diary.segments[0].minutes).toHaveLength(4);
  });

  it('extends a segment with a later, longer upload, and ignores a stale shorter one', async () => {
    const short = segmentBody({ contractId: world.contract.id, startedAt: start(), minutes: 3 });
    const long = { ...segmentBody({ contractId: world.contract.id, startedAt: start(), minutes: 7, memo: 'refactor' }), id: short.id };
    expect((await put(world.freelancer.token, short)).json.result).toBe('created');
    const extended = await put(world.freelancer.token, long);
    expect(extended.json).toMatchObject({ result: 'extended', trackedSeconds: 420, minutes: 7 });
    // A retry of the first upload arriving late must not shrink or double anything.
    const stale = await put(world.freelancer.token, short);
    expect(stale.json).toMatchObject({ trackedSeconds: 420, minutes: 7 });
    const diary = await diaryTotals();
    expect(diary.totals.trackedSeconds).toBe(420);
    expect(diary.segments[0].memo).toBe('refactor');
  });

  describe('with revisions (the agent is the only author: its highest revision is kept whole)', () => {
    /** Revision `revision` of one segment holding `minutes` full minutes. */
    const revised = (id: string, minutes: number, revision: number, memo: string | null = null) => ({
      ...segmentBody({ contractId: world.contract.id, startedAt: start(), minutes, memo }),
      id,
      revision,
    });

    it('shrinks the segment when the freelancer discards time already uploaded, in the diary and the billing', async () => {
      const id = ulid();
      expect((await put(world.freelancer.token, revised(id, 7, 1, 'refactor'))).json).toMatchObject({ result: 'created', trackedSeconds: 420, revision: 1 });
      const shrunk = await put(world.freelancer.token, revised(id, 3, 2));
      expect(shrunk.status).toBe(200);
      expect(shrunk.json).toMatchObject({ result: 'reduced', trackedSeconds: 180, minutes: 3, revision: 2 });
      const diary = await diaryTotals();
      expect(diary.totals).toEqual({ trackedSeconds: 180, billableSeconds: 180 });
      expect(diary.segments[0]).toMatchObject({ trackedSeconds: 180, activeMinutes: 3, memo: null });
      expect(diary.segments[0].minutes).toHaveLength(3);
      expect(diary.segments[0].apps).toEqual([{ app: 'code', title: 'main.ts', seconds: 180 }]);
    });

    it('answers a late older revision, a retry and an upload without a revision with what it holds, changing nothing', async () => {
      const id = ulid();
      await put(world.freelancer.token, revised(id, 7, 4));
      await put(world.freelancer.token, revised(id, 2, 5));
      for (const late of [revised(id, 7, 4), revised(id, 9, 3), revised(id, 2, 5), { ...revised(id, 9, 1), revision: undefined }]) {
        const answer = await put(world.freelancer.token, late);
        expect(answer.status).toBe(200);
        expect(answer.json).toMatchObject({ result: 'unchanged', trackedSeconds: 120, minutes: 2, revision: 5 });
      }
      expect((await diaryTotals()).totals).toEqual({ trackedSeconds: 120, billableSeconds: 120 });
    });

    it('refuses the same revision with other content (409) and keeps what it holds', async () => {
      const id = ulid();
      await put(world.freelancer.token, revised(id, 4, 2));
      const reused = await put(world.freelancer.token, revised(id, 5, 2));
      expect(reused.status).toBe(409);
      expect(reused.json.error.code).toBe('SEGMENT_REVISION_CONFLICT');
      expect(await server.repos.segments.find(id)).toMatchObject({ trackedSeconds: 240, revision: 2 });
    });

    it("replaces whole what an older agent's uploads left, memo included", async () => {
      const id = ulid();
      await put(world.freelancer.token, { ...segmentBody({ contractId: world.contract.id, startedAt: start(), minutes: 6, memo: 'old' }), id });
      const replaced = await put(world.freelancer.token, revised(id, 2, 1));
      expect(replaced.json).toMatchObject({ result: 'reduced', trackedSeconds: 120, revision: 1 });
      expect((await diaryTotals()).segments[0]).toMatchObject({ trackedSeconds: 120, memo: null });
    });

    it("keeps the time billed after the client deletes the screenshot, at the latest revision's figure", async () => {
      // Work starts after the contract's first policy: captures before it are refused (fail closed).
      server.clock.advance(25 * 60_000);
      const id = ulid();
      await put(world.freelancer.token, revised(id, 5, 1));
      const shot = await uploadScreenshot(server, world.freelancer.token, { segmentId: id, capturedAt: start() + 90_000 });
      expect(shot.status).toBe(200);
      expect((await server.request('DELETE', `/api/v1/screenshots/${shot.id}`, { token: world.client.token })).status).toBe(200);
      await put(world.freelancer.token, revised(id, 8, 2));
      await put(world.freelancer.token, revised(id, 6, 3));
      const diary = await diaryTotals();
      expect(diary.totals).toEqual({ trackedSeconds: 360, billableSeconds: 360 });
      expect(diary.segments[0].screenshotRemoved).toMatchObject({ by: 'client' });
    });

    it('keeps billing stopped after the freelancer deletes the screenshot, whatever revision arrives later', async () => {
      // Work starts after the contract's first policy: captures before it are refused (fail closed).
      server.clock.advance(25 * 60_000);
      const id = ulid();
      await put(world.freelancer.token, revised(id, 5, 1));
      const shot = await uploadScreenshot(server, world.freelancer.token, { segmentId: id, capturedAt: start() + 90_000 });
      expect((await server.request('DELETE', `/api/v1/screenshots/${shot.id}`, { token: world.freelancer.token })).json.segmentBillable).toBe(false);
      const later = await put(world.freelancer.token, revised(id, 9, 2));
      expect(later.json).toMatchObject({ result: 'extended', trackedSeconds: 540, billable: false });
      const diary = await diaryTotals();
      expect(diary.totals).toEqual({ trackedSeconds: 540, billableSeconds: 0 });
      expect(diary.segments[0].screenshotRemoved).toMatchObject({ by: 'freelancer' });
    });

    it('ends at the highest revision when revisions race each other', async () => {
      const id = ulid();
      await put(world.freelancer.token, revised(id, 1, 1));
      const racing = [3, 9, 2, 7, 5, 8, 4, 6].map((revision) => put(world.freelancer.token, revised(id, 10 - revision, revision)));
      for (const answer of await Promise.all(racing)) expect(answer.status).toBe(200);
      expect(await server.repos.segments.find(id)).toMatchObject({ revision: 9, trackedSeconds: 60 });
      expect((await diaryTotals()).totals).toEqual({ trackedSeconds: 60, billableSeconds: 60 });
    });

    it('are described in the OpenAPI document: an optional whole revision in the body, the held one in the answer', async () => {
      const doc = await server.request('GET', '/api/v1/openapi.json');
      const put = doc.json.paths['/api/v1/segments/{id}'].put;
      const body = put.requestBody.content['application/json'].schema;
      expect(body.properties.revision).toMatchObject({ type: 'integer', minimum: 1, maximum: 2_147_483_647 });
      expect(body.required).not.toContain('revision');
      expect(put.summary).toMatch(/revision/);
      const answer = put.responses['200'].content['application/json'].schema;
      expect(answer.properties.result.enum).toContain('reduced');
      expect(answer.properties).toHaveProperty('revision');
    });

    it.each([0, -1, 1.5, 2_147_483_648, '2', null])('refuses revision %s with 400 and stores nothing', async (revision) => {
      const body = { ...segmentBody({ contractId: world.contract.id, startedAt: start() }), revision };
      const response = await put(world.freelancer.token, body as unknown as ReturnType<typeof segmentBody>);
      expect(response.status).toBe(400);
      expect(response.json.error.code).toBe('VALIDATION_FAILED');
      expect(await server.repos.segments.find(body.id)).toBeUndefined();
    });
  });

  it('refuses a second segment id over the same minutes (409), so time is never counted twice', async () => {
    await put(world.freelancer.token, segmentBody({ contractId: world.contract.id, startedAt: start() }));
    const twin = await put(world.freelancer.token, segmentBody({ contractId: world.contract.id, startedAt: start() }));
    expect(twin.status).toBe(409);
    expect(twin.json.error.code).toBe('TIME_ALREADY_BILLED');
    expect((await diaryTotals()).totals.trackedSeconds).toBe(180);
  });

  it('refuses changing the start of a known segment id (409)', async () => {
    const body = segmentBody({ contractId: world.contract.id, startedAt: start() });
    await put(world.freelancer.token, body);
    const moved = await put(world.freelancer.token, { ...segmentBody({ contractId: world.contract.id, startedAt: start() - 600_000 }), id: body.id });
    expect(moved.status).toBe(409);
  });

  it.each([
    ['a misaligned start', (s: number) => ({ startedAt: new Date(s + 60_000).toISOString() })],
    ['a length other than the contract segment', () => ({ lengthSeconds: 300 })],
    ['more tracked time than the segment', () => ({ trackedSeconds: 601 })],
    ['idle time above tracked time', () => ({ idleSeconds: 500 })],
    ['a minute outside the segment', (s: number) => ({ minutes: [{ startedAt: new Date(s + 600_000).toISOString(), trackedSeconds: 60, keyboard: 1, mouse: 1, active: true, idle: false }] })],
    ['a start in the future', () => ({ startedAt: new Date(segmentStart(Date.UTC(2027, 0, 1))).toISOString() })],
  ])('refuses %s with 422 and stores nothing', async (_name, change) => {
    const body = { ...segmentBody({ contractId: world.contract.id, startedAt: start() }), ...change(start()) };
    const response = await put(world.freelancer.token, body);
    expect(response.status).toBe(422);
    expect(response.json.error.code).toBe('SEGMENT_OUT_OF_BOUNDS');
    expect(await server.repos.segments.find(body.id)).toBeUndefined();
  });

  it.each([
    ['an unknown field', (b: Record<string, unknown>) => ({ ...b, billable: false })],
    ['a bad timestamp', (b: Record<string, unknown>) => ({ ...b, startedAt: '2026-01-05 09:00' })],
    ['a negative count', (b: Record<string, unknown>) => ({ ...b, trackedSeconds: -1 })],
    ['a missing field', (b: Record<string, unknown>) => ({ ...b, minutes: undefined })],
    ['an array instead of an object', () => []],
  ])('refuses %s with 400 VALIDATION_FAILED', async (_name, change) => {
    const body = segmentBody({ contractId: world.contract.id, startedAt: start() });
    const response = await server.request('PUT', `/api/v1/segments/${body.id}`, { token: world.freelancer.token, json: change(body) });
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe('VALIDATION_FAILED');
    expect(await server.repos.segments.find(body.id)).toBeUndefined();
  });

  it('refuses a body id that differs from the path id, malformed JSON, and the wrong content type', async () => {
    const body = segmentBody({ contractId: world.contract.id, startedAt: start() });
    expect((await put(world.freelancer.token, body, ulid())).json.error.code).toBe('ID_MISMATCH');
    const malformed = await server.request('PUT', `/api/v1/segments/${body.id}`, {
      token: world.freelancer.token,
      body: '{"id": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.code).toBe('INVALID_JSON');
    const wrongType = await server.request('PUT', `/api/v1/segments/${body.id}`, {
      token: world.freelancer.token,
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/xml' },
    });
    expect(wrongType.status).toBe(415);
    expect(wrongType.json.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const invalidId = await server.request('PUT', '/api/v1/segments/not-a-ulid', { token: world.freelancer.token, json: body });
    expect(invalidId.status).toBe(400);
    expect(await server.repos.segments.find(body.id)).toBeUndefined();
  });

  it('refuses an oversized body with 413', async () => {
    const body = { ...segmentBody({ contractId: world.contract.id, startedAt: start() }), memo: 'x'.repeat(2 * 1024 * 1024) };
    const response = await put(world.freelancer.token, body);
    expect(response.status).toBe(413);
    expect(response.json.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('lets only the contract freelancer upload: the client gets 403, strangers 404', async () => {
    const body = segmentBody({ contractId: world.contract.id, startedAt: start() });
    expect((await put(world.client.token, body)).status).toBe(403);
    expect((await put(world.otherFreelancer.token, body)).status).toBe(404);
    expect((await put(world.otherClient.token, body)).status).toBe(404);
    expect((await server.request('PUT', `/api/v1/segments/${body.id}`, { json: body })).status).toBe(401);
    expect(await server.repos.segments.find(body.id)).toBeUndefined();
    // Another freelancer cannot overwrite this freelancer's segment through their own contract either.
    await put(world.freelancer.token, body);
    const hijack = await put(world.otherFreelancer.token, { ...body, contractId: world.otherContract.id });
    expect(hijack.status).toBe(404);
    expect((await server.repos.segments.find(body.id))?.contractId).toBe(world.contract.id);
  });

  it('takes concurrent uploads of one segment without a 500 or double counting', async () => {
    const body = segmentBody({ contractId: world.contract.id, startedAt: start(), minutes: 5 });
    const results = await Promise.all(Array.from({ length: 12 }, () => put(world.freelancer.token, body)));
    expect(results.map((r) => r.status)).toEqual(Array(12).fill(200));
    expect(results.filter((r) => r.json.result === 'created')).toHaveLength(1);
    expect((await diaryTotals()).totals.trackedSeconds).toBe(300);
  });
});
