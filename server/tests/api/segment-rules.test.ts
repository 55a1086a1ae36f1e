import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_SEGMENT_APPS } from '../../../src/shared/protocol/index.js';
import { createContract } from '../../src/domain/demo.js';
import type { ContractRow } from '../../src/repository/index.js';
import { testBackends } from '../support/backends.js';
import { createWorld, segmentBody, segmentStart, startTestServer, uploadScreenshot, type TestServer, type World } from '../support/server.js';

type Body = ReturnType<typeof segmentBody>;

/** The body with exactly these minutes (index from the segment start → tracked seconds), and the tracked total to match. */
function withMinutes(body: Body, minutes: Readonly<Record<number, number>>): Body {
  const start = Date.parse(body.startedAt);
  const list = Object.entries(minutes).map(([index, seconds]) => ({
    startedAt: new Date(start + Number(index) * 60_000).toISOString(),
    trackedSeconds: seconds,
    keyboard: 3,
    mouse: 2,
    active: seconds > 0,
    idle: false,
  }));
  const tracked = list.reduce((sum, m) => sum + m.trackedSeconds, 0);
  return { ...body, minutes: list, trackedSeconds: tracked, apps: [{ app: 'code', title: 'main.ts', seconds: tracked }] };
}

/**
 * Issue 12 items 2, 3, 9 and 10 (segments): one freelancer's minute is billed once across contracts and
 * devices; no time from before the contract; the policy version is the history's, not the agent's; minutes
 * keyed by instant, app lists capped; uploads limited per contract.
 */
const backends = testBackends();

describe.each(backends)('segment rules on $name', (backend) => {
  let server: TestServer;
  let world: World;
  /** A second contract of the same freelancer, with another client. */
  let second: ContractRow;
  beforeEach(async () => {
    server = await startTestServer(backend, { contractUploadLimits: { segments: { max: 1000, windowMs: 60_000 }, screenshots: { max: 1000, windowMs: 60_000 } } });
    world = await createWorld(server);
    second = await contractOf(world, 'Second');
  });
  afterEach(async () => server.close());

  const contractOf = (w: World, name: string, startsAt = server.clock.now() - 86_400_000) =>
    createContract(server.repos, server.clock, { name, clientId: w.otherClient.id, freelancerId: w.freelancer.id, segmentSeconds: 600, screenshots: 'on', retentionDays: 30, startsAt });
  const start = () => segmentStart(server.clock.now()) - 600_000;
  const put = (body: Body & { revision?: number }, token = world.freelancer.token) => server.request('PUT', `/api/v1/segments/${body.id}`, { token, json: body });
  const fresh = (contractId: string, minutes: Readonly<Record<number, number>>, at = start()) => withMinutes(segmentBody({ contractId, startedAt: at }), minutes);
  const diary = async (contractId: string, token = world.freelancer.token) => {
    const range = `from=${new Date(start() - 3_600_000).toISOString()}&to=${new Date(start() + 3_600_000).toISOString()}`;
    const answer = await server.request('GET', `/api/v1/contracts/${contractId}/diary?${range}`, { token });
    expect(answer.status).toBe(200);
    return answer.json;
  };

  describe('a minute is billed once (item 2)', () => {
    it('refuses minutes the freelancer bills in another contract (409 TIME_ALREADY_BILLED) and keeps nothing of the upload', async () => {
      expect((await put(fresh(world.contract.id, { 0: 60, 1: 60, 2: 60, 3: 60 }))).status).toBe(200);
      const twice = fresh(second.id, { 3: 60, 4: 60 });
      const refused = await put(twice);
      expect(refused.status).toBe(409);
      expect(refused.json.error.code).toBe('TIME_ALREADY_BILLED');
      expect(refused.json.error.message).toContain(`contract ${world.contract.id}`);
      expect(await server.repos.segments.find(twice.id)).toBeUndefined();
      // The minutes after it are free: billed.
      expect((await put(fresh(second.id, { 4: 60, 5: 60 }))).json).toMatchObject({ result: 'created', trackedSeconds: 120 });
      expect((await diary(second.id)).totals).toEqual({ trackedSeconds: 120, billableSeconds: 120 });
      expect((await diary(world.contract.id)).totals).toEqual({ trackedSeconds: 240, billableSeconds: 240 });
    });

    it('takes two devices on one contract over the same segment window when their minutes differ, even one minute shared at the move', async () => {
      const deviceA = fresh(world.contract.id, { 0: 60, 1: 60, 2: 40 });
      const deviceB = fresh(world.contract.id, { 2: 20, 3: 60, 4: 60 }); // moved to B at 00:02:40
      expect((await put(deviceA)).status).toBe(200);
      expect((await put(deviceB)).json).toMatchObject({ result: 'created', trackedSeconds: 140 });
      const both = await diary(world.contract.id, world.client.token);
      expect(both.segments.map((s: { id: string }) => s.id).sort()).toEqual([deviceA.id, deviceB.id].sort());
      expect(both.totals).toEqual({ trackedSeconds: 300, billableSeconds: 300 });
      // But the same minute tracked whole on both is refused, on the same contract too.
      const again = await put(fresh(world.contract.id, { 4: 60 }));
      expect(again.status).toBe(409);
      expect(again.json.error.code).toBe('TIME_ALREADY_BILLED');
    });

    it('keeps revisions of a segment working, and refuses a revision that grows into minutes billed elsewhere, keeping what it held', async () => {
      const own = { ...fresh(world.contract.id, { 0: 60, 1: 60 }), revision: 1 };
      expect((await put(own)).status).toBe(200);
      expect((await put({ ...fresh(world.contract.id, { 0: 60, 1: 60, 2: 60 }), id: own.id, revision: 2 })).json).toMatchObject({ result: 'extended', revision: 2 });
      expect((await put({ ...fresh(world.contract.id, { 0: 60, 1: 60, 2: 60 }), id: own.id, revision: 2 })).json.result).toBe('unchanged');
      expect((await put(fresh(second.id, { 5: 60 }))).status).toBe(200);
      const grown = await put({ ...fresh(world.contract.id, { 0: 60, 1: 60, 2: 60, 5: 60 }), id: own.id, revision: 3 });
      expect(grown.status).toBe(409);
      expect(grown.json.error.code).toBe('TIME_ALREADY_BILLED');
      expect(await server.repos.segments.find(own.id)).toMatchObject({ revision: 2, trackedSeconds: 180 });
      expect((await put({ ...fresh(world.contract.id, { 0: 60 }), id: own.id, revision: 4 })).json).toMatchObject({ result: 'reduced', trackedSeconds: 60 });
    });

    it("frees time whose segment the freelancer stripped of its evidence, and never mixes two freelancers' time", async () => {
      server.clock.advance(25 * 60_000);
      const first = fresh(world.contract.id, { 0: 60, 1: 60 });
      expect((await put(first)).status).toBe(200);
      const shot = await uploadScreenshot(server, world.freelancer.token, { segmentId: first.id, capturedAt: start() + 30_000 });
      expect((await server.request('DELETE', `/api/v1/screenshots/${shot.id}`, { token: world.freelancer.token })).json.segmentBillable).toBe(false);
      expect((await put(fresh(second.id, { 0: 60, 1: 60 }))).status).toBe(200);
      // Another freelancer's minutes are theirs.
      expect((await put(fresh(world.otherContract.id, { 0: 60, 1: 60 }), world.otherFreelancer.token)).status).toBe(200);
    });

    it('lets exactly one of many concurrent uploads of the same minutes in different contracts win', async () => {
      const contracts = [world.contract, second, ...(await Promise.all([1, 2, 3, 4].map((n) => contractOf(world, `Parallel ${n}`))))];
      for (let round = 0; round < 3; round += 1) {
        const at = start() - round * 600_000;
        const answers = await Promise.all(contracts.map((c) => put(fresh(c.id, { 0: 60, 1: 60, 2: 60 }, at))));
        expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
        for (const a of answers.filter((x) => x.status === 409)) expect(a.json.error.code).toBe('TIME_ALREADY_BILLED');
      }
      let billed = 0;
      for (const c of contracts) billed += (await diary(c.id)).totals.billableSeconds;
      expect(billed).toBe(3 * 180);
    });
  });

  describe('no time from before the contract (item 3)', () => {
    it('refuses a segment from before the contract started (409 TIME_BEFORE_CONTRACT), and accepts the first one from its start', async () => {
      const begun = start() + 3 * 60_000 + 20_000; // 00:03:20 into the segment
      const late = await contractOf(world, 'Late', begun);
      const before = fresh(late.id, { 0: 60 }, start() - 600_000);
      const refused = await put(before);
      expect(refused.status).toBe(409);
      expect(refused.json.error.code).toBe('TIME_BEFORE_CONTRACT');
      expect(await server.repos.segments.find(before.id)).toBeUndefined();
      const straddling = await put(fresh(late.id, { 2: 60, 3: 40 }));
      expect(straddling.status).toBe(409);
      expect(straddling.json.error.code).toBe('TIME_BEFORE_CONTRACT');
      expect((await put(fresh(late.id, { 3: 40, 4: 60 }))).json).toMatchObject({ result: 'created', trackedSeconds: 100 });
    });
  });

  describe("the policy version is the history's (item 9)", () => {
    it('stores and shows the version in force at the first tracked minute, whatever the agent says', async () => {
      server.clock.advance(20 * 60_000);
      const offAt = server.clock.now();
      const off = await server.request('PUT', `/api/v1/contracts/${world.contract.id}/policy`, { token: world.client.token, json: { screenshots: 'off' } });
      expect(off.json.version).toBe(2);
      server.clock.advance(20 * 60_000);
      // Recorded under "on" (v1), claimed as "Time only" (v2), and the other way round.
      const underOn = { ...fresh(world.contract.id, { 0: 60 }, segmentStart(offAt) - 600_000), policyVersion: 2 };
      const underOff = { ...fresh(world.contract.id, { 0: 60 }, segmentStart(offAt) + 600_000), policyVersion: 1 };
      for (const body of [underOn, underOff]) expect((await put(body)).status).toBe(200);
      expect((await server.repos.segments.find(underOn.id))?.policyVersion).toBe(1);
      expect((await server.repos.segments.find(underOff.id))?.policyVersion).toBe(2);
      const shown = await diary(world.contract.id, world.client.token);
      const version = (id: string) => shown.segments.find((s: { id: string }) => s.id === id).policyVersion;
      expect([version(underOn.id), version(underOff.id)]).toEqual([1, 2]);
      // A version never issued is still bad input.
      const bogus = await put({ ...fresh(world.contract.id, { 0: 60 }, segmentStart(offAt) - 1_200_000), policyVersion: 3 });
      expect(bogus.status).toBe(422);
    });

    it("shows the history's version for a segment stored with the agent's word before this rule", async () => {
      const body = fresh(world.contract.id, { 0: 60 });
      await put(body);
      const row = (await server.repos.segments.find(body.id))!;
      await server.repos.segments.updateRecorded({ ...row, policyVersion: 7 }); // as an older server stored it
      const shown = await diary(world.contract.id, world.client.token);
      expect(shown.segments[0].policyVersion).toBe(1);
    });
  });

  describe('bounded merges (item 10)', () => {
    it('keys minutes by instant: the same minute spelled "…:00Z" is one minute, not a second one', async () => {
      const body = fresh(world.contract.id, { 0: 60, 1: 60 });
      body.minutes = body.minutes.map((m) => ({ ...m, trackedSeconds: 30 }));
      body.trackedSeconds = 60;
      expect((await put(body)).status).toBe(200);
      const respelled = withMinutes({ ...body }, { 0: 60, 1: 60 });
      respelled.minutes = respelled.minutes.map((m) => ({ ...m, startedAt: m.startedAt.replace('.000Z', 'Z') }));
      expect((await put(respelled)).json).toMatchObject({ result: 'extended', trackedSeconds: 120, minutes: 2 });
      const row = (await server.repos.segments.find(body.id))!;
      expect(row.minutes.map((m) => m.startedAt)).toEqual(body.minutes.map((m) => m.startedAt));
      expect(row.minutes.map((m) => m.trackedSeconds)).toEqual([60, 60]);
    });

    it(`caps the merged app list at ${MAX_SEGMENT_APPS}, as the protocol says`, async () => {
      const body = fresh(world.contract.id, { 0: 60, 1: 60, 2: 60 });
      const apps = (tag: string, seconds: number) => Array.from({ length: MAX_SEGMENT_APPS }, (_, i) => ({ app: tag, title: `${tag} ${i}`, seconds }));
      for (const [tag, seconds] of [['a', 10], ['b', 20], ['c', 30]] as const) expect((await put({ ...body, apps: apps(tag, seconds) })).status).toBe(200);
      const kept = (await diary(world.contract.id)).segments[0].apps as { app: string }[];
      expect(kept).toHaveLength(MAX_SEGMENT_APPS);
      expect(new Set(kept.map((a) => a.app))).toEqual(new Set(['c']));
      const doc = (await server.request('GET', '/api/v1/openapi.json')).json;
      expect(doc.paths['/api/v1/segments/{id}'].put.requestBody.content['application/json'].schema.properties.apps.maxItems).toBe(MAX_SEGMENT_APPS);
    });
  });
});

describe.each(backends)('upload limits per contract on $name (item 10)', (backend) => {
  let server: TestServer;
  let world: World;
  beforeEach(async () => {
    server = await startTestServer(backend, { contractUploadLimits: { segments: { max: 3, windowMs: 60_000 }, screenshots: { max: 2, windowMs: 60_000 } } });
    world = await createWorld(server);
    server.clock.advance(60 * 60_000);
  });
  afterEach(async () => server.close());

  const segmentAt = (contractId: string, back: number) => segmentBody({ contractId, startedAt: segmentStart(server.clock.now()) - back * 600_000 });
  const put = (body: Body, token = world.freelancer.token) => server.request('PUT', `/api/v1/segments/${body.id}`, { token, json: body });

  it('answers 429 RATE_LIMITED with Retry-After past the limit, for that contract only, until the window ends', async () => {
    const bodies = [1, 2, 3, 4].map((n) => segmentAt(world.contract.id, n));
    for (const body of bodies.slice(0, 3)) expect((await put(body)).status).toBe(200);
    const limited = await put(bodies[3]!);
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await server.repos.segments.find(bodies[3]!.id)).toBeUndefined();
    // Another contract is not held up; strangers cannot spend this contract's budget (they are refused first).
    expect((await put(segmentAt(world.otherContract.id, 1), world.otherFreelancer.token)).status).toBe(200);
    server.clock.advance(61_000);
    for (let i = 0; i < 5; i += 1) expect((await put(segmentAt(world.contract.id, 9), world.otherFreelancer.token)).status).toBe(404);
    expect((await put(bodies[3]!)).status).toBe(200);
  });

  it('limits screenshot uploads per contract the same way', async () => {
    const segments = [1, 2, 3].map((n) => segmentAt(world.contract.id, n));
    for (const s of segments) expect((await put(s)).status).toBe(200);
    const shots = [];
    for (const s of segments) shots.push(await uploadScreenshot(server, world.freelancer.token, { segmentId: s.id, capturedAt: Date.parse(s.startedAt) + 1000 }));
    expect(shots.map((s) => s.status)).toEqual([200, 200, 429]);
    expect(shots[2]!.json.error.code).toBe('RATE_LIMITED');
    expect(shots[2]!.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await server.repos.screenshots.find(shots[2]!.id)).toBeUndefined();
    const doc = (await server.request('GET', '/api/v1/openapi.json')).json;
    expect(Object.keys(doc.paths['/api/v1/screenshots/{id}'].put.responses)).toContain('429');
    expect(Object.keys(doc.paths['/api/v1/segments/{id}'].put.responses)).toContain('429');
  });
});
