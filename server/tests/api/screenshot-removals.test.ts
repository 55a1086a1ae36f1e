import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { REMOVED_SCREENSHOTS_PAGE, removedScreenshotsSchema, type RemovedScreenshots } from '../../../src/shared/protocol/api/index.js';
import { testBackends, type Backend } from '../support/backends.js';
import { rowFromUpload } from '../support/segment-rows.js';
import { createWorld, segmentBody, segmentStart, startTestServer, uploadScreenshot, type TestServer, type World } from '../support/server.js';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * GET /contracts/{id}/screenshots/removed: the freelancer's agent learns which of its uploaded screenshots are gone on
 * the server — deleted by the client, by the freelancer elsewhere (the dashboard), or purged by retention — so it can
 * delete its own copies. The window is on capture time; answers are paged in (takenAt, id) order.
 */
describe.each(testBackends())('removed screenshots feed on $name', (backend: Backend) => {
  let server: TestServer;
  let world: World;

  beforeEach(async () => {
    server = await startTestServer(backend, { tokenTtlMs: 400 * DAY });
    world = await createWorld(server, { retentionDays: 30 });
    server.clock.advance(DAY);
  });
  afterEach(async () => server.close());

  /** `count` consecutive segments with a screenshot each, ending before now; returns them oldest first. */
  async function segmentsWithScreenshots(count: number) {
    const first = segmentStart(server.clock.now()) - count * 600_000;
    const shots: { id: string; segmentId: string; takenAt: number }[] = [];
    for (let i = 0; i < count; i += 1) {
      const start = first + i * 600_000;
      const segment = segmentBody({ contractId: world.contract.id, startedAt: start });
      expect((await server.request('PUT', `/api/v1/segments/${segment.id}`, { token: world.freelancer.token, json: segment })).status).toBe(200);
      const shot = await uploadScreenshot(server, world.freelancer.token, { segmentId: segment.id, capturedAt: start + 90_000 });
      expect(shot.status).toBe(200);
      shots.push({ id: shot.id, segmentId: segment.id, takenAt: start + 90_000 });
    }
    return shots;
  }

  async function feed(query: Record<string, string>, token = world.freelancer.token): Promise<RemovedScreenshots> {
    const answer = await server.request('GET', `/api/v1/contracts/${world.contract.id}/screenshots/removed?${new URLSearchParams(query)}`, { token });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('private, no-store');
    return removedScreenshotsSchema.parse(answer.json);
  }

  it('lists what the client deleted, what the freelancer deleted and what retention purged, never what is still stored', async () => {
    const shots = await segmentsWithScreenshots(4);
    const [byClient, byFreelancer, kept, purgedLater] = shots as [(typeof shots)[0], (typeof shots)[0], (typeof shots)[0], (typeof shots)[0]];
    const window = { from: iso(shots[0]!.takenAt), to: iso(shots.at(-1)!.takenAt + 1) };
    expect(await feed(window)).toEqual({ contractId: world.contract.id, removed: [], more: false, asOf: iso(server.clock.now()) });

    server.clock.advance(60_000);
    const clientAt = server.clock.now();
    expect((await server.request('DELETE', `/api/v1/screenshots/${byClient.id}`, { token: world.client.token })).status).toBe(200);
    server.clock.advance(60_000);
    const freelancerAt = server.clock.now();
    expect((await server.request('DELETE', `/api/v1/screenshots/${byFreelancer.id}`, { token: world.freelancer.token })).status).toBe(200);
    expect((await feed(window)).removed).toEqual([
      { id: byClient.id, segmentId: byClient.segmentId, takenAt: iso(byClient.takenAt), removed: { by: 'client', at: iso(clientAt) } },
      { id: byFreelancer.id, segmentId: byFreelancer.segmentId, takenAt: iso(byFreelancer.takenAt), removed: { by: 'freelancer', at: iso(freelancerAt) } },
    ]);

    // A month on, the hourly purge takes the two left: they join the feed as removed by retention.
    server.clock.advance(30 * DAY + 3_600_000);
    await expect.poll(async () => (await feed(window)).removed.length, { timeout: 10_000 }).toBe(4);
    const removed = (await feed(window)).removed;
    expect(removed.map((r) => [r.id, r.removed.by])).toEqual([
      [byClient.id, 'client'],
      [byFreelancer.id, 'freelancer'],
      [kept.id, 'retention'],
      [purgedLater.id, 'retention'],
    ]);
  });

  it('with removedSince, lists only what was removed since then; asOf is the server clock to ask from next time', async () => {
    const shots = await segmentsWithScreenshots(3);
    const window = { from: iso(shots[0]!.takenAt), to: iso(shots.at(-1)!.takenAt + 1) };
    expect((await server.request('DELETE', `/api/v1/screenshots/${shots[0]!.id}`, { token: world.client.token })).status).toBe(200);
    server.clock.advance(3_600_000);
    const first = await feed(window);
    expect(first.asOf).toBe(iso(server.clock.now()));
    expect(first.removed.map((r) => r.id)).toEqual([shots[0]!.id]);
    server.clock.advance(60_000);
    expect((await server.request('DELETE', `/api/v1/screenshots/${shots[2]!.id}`, { token: world.client.token })).status).toBe(200);
    // Since the first answer: only the later removal; since before both (or without): both.
    expect((await feed({ ...window, removedSince: first.asOf })).removed.map((r) => r.id)).toEqual([shots[2]!.id]);
    expect((await feed({ ...window, removedSince: iso(0) })).removed.map((r) => r.id)).toEqual([shots[0]!.id, shots[2]!.id]);
    expect((await feed({ ...window, removedSince: iso(server.clock.now() + 1) })).removed).toEqual([]);
  });

  it('keeps to the capture-time window [from, to)', async () => {
    const shots = await segmentsWithScreenshots(3);
    for (const s of shots) expect((await server.request('DELETE', `/api/v1/screenshots/${s.id}`, { token: world.client.token })).status).toBe(200);
    const ids = async (from: number, to: number) => (await feed({ from: iso(from), to: iso(to) })).removed.map((r) => r.id);
    expect(await ids(shots[0]!.takenAt, shots[2]!.takenAt + 1)).toEqual(shots.map((s) => s.id));
    expect(await ids(shots[0]!.takenAt + 1, shots[2]!.takenAt)).toEqual([shots[1]!.id]);
    expect(await ids(shots[2]!.takenAt + 1, shots[2]!.takenAt + DAY)).toEqual([]);
    // Another contract's removals never show, whatever the window.
    expect(await ids(0, server.clock.now() + DAY)).toEqual(shots.map((s) => s.id));
  });

  it('pages in (takenAt, id) order, ties at one capture time included, without gaps or repeats', async () => {
    // More removed placeholders than a page holds, written straight to the database; several share a capture time.
    const base = segmentStart(server.clock.now()) - 10 * DAY;
    const total = REMOVED_SCREENSHOTS_PAGE + 37;
    const expected: string[] = [];
    for (let i = 0; i < total; i += 1) {
      const startedAt = base + i * 600_000;
      const upload = { ...segmentBody({ contractId: world.contract.id, startedAt }), revision: 1 };
      await server.repos.segments.insert(rowFromUpload(upload, server.clock.now()));
      const id = ulid();
      const takenAt = base + Math.floor(i / 3) * 600_000; // three by three at the same moment
      await server.repos.screenshots.insert({
        id,
        segmentId: upload.id,
        contractId: world.contract.id,
        takenAt,
        contentType: null,
        byteSize: null,
        sha256: null,
        storageKey: null,
        redactedWindows: 0,
        keyId: null,
        wrappedKey: null,
        uploadedAt: server.clock.now(),
        removedBy: 'client',
        removedAt: server.clock.now(),
      });
      expected.push(`${String(takenAt).padStart(15, '0')} ${id}`);
    }
    expected.sort();
    const seen: string[] = [];
    let query: Record<string, string> = { from: iso(base), to: iso(base + 400 * DAY) };
    for (let pages = 1; ; pages += 1) {
      const page = await feed(query);
      expect(page.removed.length).toBeLessThanOrEqual(REMOVED_SCREENSHOTS_PAGE);
      seen.push(...page.removed.map((r) => `${String(Date.parse(r.takenAt)).padStart(15, '0')} ${r.id}`));
      if (!page.more) {
        expect(pages).toBe(2);
        break;
      }
      const last = page.removed.at(-1)!;
      query = { ...query, from: last.takenAt, after: last.id };
    }
    expect(seen).toEqual(expected);
  });

  it('answers only the freelancer: the client 403, strangers 404, no token 401; bad windows 400', async () => {
    const query = `from=${iso(0)}&to=${iso(server.clock.now())}`;
    const path = (contractId: string) => `/api/v1/contracts/${contractId}/screenshots/removed?${query}`;
    const code = async (p: string, token?: string) => {
      const answer = await server.request('GET', p, { token });
      return [answer.status, answer.json?.error?.code];
    };
    expect(await code(path(world.contract.id), world.client.token)).toEqual([403, 'FORBIDDEN']);
    expect(await code(path(world.contract.id), world.otherFreelancer.token)).toEqual([404, 'NOT_FOUND']);
    expect(await code(path(world.contract.id), world.otherClient.token)).toEqual([404, 'NOT_FOUND']);
    expect(await code(path(ulid()), world.freelancer.token)).toEqual([404, 'NOT_FOUND']);
    expect(await code(path(world.contract.id))).toEqual([401, 'UNAUTHENTICATED']);
    const base = `/api/v1/contracts/${world.contract.id}/screenshots/removed`;
    for (const bad of [
      '',
      `from=${iso(0)}`,
      `from=${iso(10)}&to=${iso(10)}`,
      `from=${iso(20)}&to=${iso(10)}`,
      `from=yesterday&to=${iso(10)}`,
      `from=${iso(0)}&to=${iso(10)}&after=not-an-id`,
      `from=${iso(0)}&to=${iso(10)}&limit=5`,
      `from=${iso(0)}&to=${iso(10)}&removedSince=last-week`,
    ]) {
      expect(await code(`${base}?${bad}`, world.freelancer.token), bad).toEqual([400, 'VALIDATION_FAILED']);
    }
  });
});
