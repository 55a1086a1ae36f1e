import { afterEach, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { MAX_DIARY_PAGE_SEGMENTS } from '../../../src/shared/protocol/api/index.js';
import { createContract } from '../../src/domain/demo.js';
import type { SegmentRow } from '../../src/repository/index.js';
import { testBackends } from '../support/backends.js';
import { createWorld, segmentBody, segmentStart, startTestServer, uploadScreenshot, type TestServer, type World } from '../support/server.js';

const DAY = 86_400_000;

/**
 * Issue 12 item 10: the diary is answered a page at a time, bounded in segments and in size, so a week of many
 * segments is a few pages and never one answer too large to build; the totals are the whole window's on every page.
 */
describe.each(testBackends())('the diary, a page at a time, on $name', (backend) => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
  });

  async function start(overrides: Parameters<typeof startTestServer>[1] = {}): Promise<{ server: TestServer; world: World }> {
    const server = await startTestServer(backend, overrides);
    servers.push(server);
    const world = await createWorld(server);
    server.clock.advance(3 * 3_600_000);
    return { server, world };
  }

  /** Every page of the window, following nextCursor; each answer checked as it comes. */
  async function allPages(s: TestServer, w: World, query: string) {
    const pages = [];
    let cursor: string | null = null;
    do {
      const answer = await s.request('GET', `/api/v1/contracts/${w.contract.id}/diary?${query}${cursor ? `&cursor=${cursor}` : ''}`, { token: w.client.token });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      pages.push(answer.json);
      cursor = answer.json.nextCursor;
    } while (cursor !== null && pages.length < 100);
    return pages;
  }

  it('follows nextCursor through every segment exactly once, in order, with the whole window totals on every page', async () => {
    const { server: s, world: w } = await start({ diaryPageSegments: 4 });
    const base = segmentStart(s.clock.now()) - 11 * 600_000;
    const ids: string[] = [];
    for (let i = 0; i < 11; i += 1) {
      const body = segmentBody({ contractId: w.contract.id, startedAt: base + i * 600_000, minutes: 1 + (i % 5) });
      expect((await s.request('PUT', `/api/v1/segments/${body.id}`, { token: w.freelancer.token, json: body })).status).toBe(200);
      ids.push(body.id);
    }
    // A screenshot on a segment of the last page comes with it.
    const shot = await uploadScreenshot(s, w.freelancer.token, { segmentId: ids[9]!, capturedAt: base + 9 * 600_000 + 1000 });
    expect(shot.status).toBe(200);
    const window = `from=${new Date(base).toISOString()}&to=${new Date(base + 11 * 600_000).toISOString()}`;
    const tracked = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].reduce((sum, i) => sum + (1 + (i % 5)) * 60, 0);

    for (const [query, sizes] of [
      [window, [4, 4, 3]],
      [`${window}&limit=5`, [5, 5, 1]],
      [`${window}&limit=1`, Array(11).fill(1)],
      [`${window}&limit=${MAX_DIARY_PAGE_SEGMENTS}`, [11]],
    ] as const) {
      const pages = await allPages(s, w, query);
      expect(pages.map((p) => p.segments.length)).toEqual(sizes);
      expect(pages.flatMap((p) => p.segments.map((x: { id: string }) => x.id))).toEqual(ids);
      for (const p of pages) expect(p.totals).toEqual({ trackedSeconds: tracked, billableSeconds: tracked });
      expect(pages.at(-1).nextCursor).toBeNull();
      expect(pages.flatMap((p) => p.segments).find((x: { id: string }) => x.id === ids[9]).screenshot.id).toBe(shot.id);
    }
  });

  it('cuts a page early when its segments are large, never below one segment', async () => {
    const { server: s, world: w } = await start({ diaryPageChars: 12_000 });
    const base = segmentStart(s.clock.now()) - 6 * 600_000;
    const apps = Array.from({ length: 20 }, (_, i) => ({ app: 'browser', title: `${'t'.repeat(200)} ${i}`, seconds: 9 }));
    for (let i = 0; i < 6; i += 1) {
      const body = { ...segmentBody({ contractId: w.contract.id, startedAt: base + i * 600_000 }), apps: i === 2 ? [...apps, ...apps.map((a) => ({ ...a, app: 'other' }))] : apps };
      expect((await s.request('PUT', `/api/v1/segments/${body.id}`, { token: w.freelancer.token, json: body })).status).toBe(200);
    }
    // About 4 700 characters each, the third twice that: two fit under 12 000, the big one alone.
    const pages = await allPages(s, w, `from=${new Date(base).toISOString()}&to=${new Date(base + 6 * 600_000).toISOString()}`);
    expect(pages.map((p) => p.segments.length)).toEqual([2, 1, 2, 1]);
    const tiny = await start({ diaryPageChars: 10 });
    const one = await allPages(tiny.server, tiny.world, '');
    expect(one.every((p) => p.segments.length <= 1)).toBe(true);
  });

  it('answers a week of 1 500 one-minute segments in bounded pages, without a 5xx', async () => {
    const { server: s, world: w } = await start();
    const weekAgo = s.clock.now() - 7 * DAY;
    const contract = await createContract(s.repos, s.clock, {
      name: 'Busy',
      clientId: w.client.id,
      freelancerId: w.freelancer.id,
      segmentSeconds: 60,
      screenshots: 'on',
      retentionDays: 30,
      startsAt: weekAgo,
    });
    const first = segmentStart(weekAgo, 60) + 60_000;
    await s.repos.transaction(async (tx) => {
      for (let i = 0; i < 1500; i += 1) await tx.segments.insert(oneMinute(contract.id, first + i * 6 * 60_000));
    });
    const pages = await allPages(s, { ...w, contract }, `from=${new Date(weekAgo).toISOString()}&to=${new Date(s.clock.now()).toISOString()}`);
    expect(pages.map((p) => p.segments.length)).toEqual([...Array(7).fill(200), 100]);
    expect(new Set(pages.flatMap((p) => p.segments.map((x: { id: string }) => x.id))).size).toBe(1500);
    expect(pages[0].totals).toEqual({ trackedSeconds: 1500 * 60, billableSeconds: 1500 * 60 });
  });

  it('refuses a bad limit or cursor with 400 and a code', async () => {
    const { server: s, world: w } = await start();
    for (const query of ['limit=0', `limit=${MAX_DIARY_PAGE_SEGMENTS + 1}`, 'limit=ten', 'limit=1.5', 'cursor=abc', `cursor=1_${ulid().toLowerCase()}`, 'cursor=']) {
      const answer = await s.request('GET', `/api/v1/contracts/${w.contract.id}/diary?${query}`, { token: w.client.token });
      expect(answer.status, query).toBe(400);
      expect(answer.json.error.code).toBe('VALIDATION_FAILED');
    }
  });
});

/** A stored one-minute segment, as an upload would leave it. */
function oneMinute(contractId: string, startedAt: number): SegmentRow {
  return {
    id: ulid(startedAt),
    contractId,
    startedAt,
    lengthSeconds: 60,
    trackedSeconds: 60,
    idleSeconds: 0,
    memo: null,
    minutes: [{ startedAt: new Date(startedAt).toISOString(), trackedSeconds: 60, keyboard: 5, mouse: 5, active: true, idle: false }],
    apps: [{ app: 'code', title: 'main.ts', seconds: 60 }],
    policyVersion: 1,
    revision: 1,
    billable: true,
    screenshotSkipped: null,
    createdAt: startedAt,
    updatedAt: startedAt,
  };
}
