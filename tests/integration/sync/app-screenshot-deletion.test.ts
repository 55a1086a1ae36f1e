import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { diarySchema, type Diary } from '../../../src/shared/protocol/api/index.js';
import type { EventPayload } from '../../../src/shared/ipc/index.js';
import { FakeClock } from '../../support/fake-clock.js';
import { expectOk, openService, type ServiceHarness } from '../../unit/main/app/support.js';
import { startFaultProxy, type Fault, type FaultProxy } from './support/fault-proxy.js';
import { DEMO_PASSWORDS, startLiveServer, type LiveServer } from './support/live-server.js';

const SEGMENT_S = 60;
/** A minute boundary an hour ago plus 5 s: the fake clocks start there. */
const segStartMs = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000;

/**
 * The app's Delete on a screenshot notice (AppService 'screenshots:delete', the real store, capture pipeline and
 * uploader) against the real server on loopback, through the fault proxy that records what reaches the server:
 * a screenshot already uploaded and one whose upload had not gone through yet both end as "removed by freelancer"
 * with the segment unbillable, and the second one's image is never sent.
 */
describe('AppService: deleting a screenshot reaches the server', () => {
  let server: LiveServer;
  let proxy: FaultProxy;
  let h: ServiceHarness;
  let seen: string[] = [];
  const clock = new FakeClock({ wallMs: segStartMs + 5_000 });
  const shots: EventPayload<'screenshot:taken'>[] = [];

  const watch = (fault: (method: string, path: string) => Fault = () => 'pass') => {
    seen = [];
    proxy.setChooser((method, path) => {
      seen.push(`${method} ${path.split('?')[0]}`);
      return fault(method, path);
    });
  };
  /**
   * Types until `untilMs` past the first segment's start, then waits (real time: the capture pipeline runs on the
   * thread pool) for the `count`-th screenshot. Each stretch holds one screenshot moment (random 0.5: the middle of
   * the segment's tracked part), so no later one can come first.
   */
  async function trackUntilShot(untilMs: number, count: number): Promise<EventPayload<'screenshot:taken'>> {
    while (clock.now() < segStartMs + untilMs) {
      h.input.add({ keyboard: 1 });
      await clock.advanceAsync(1000);
    }
    await vi.waitFor(() => expect(shots).toHaveLength(count), { timeout: 20_000, interval: 20 });
    return shots[count - 1]!;
  }
  async function diary(): Promise<Diary> {
    const token = await server.token('client');
    const range = `from=${new Date(segStartMs - 60_000).toISOString()}&to=${new Date(segStartMs + 3_600_000).toISOString()}`;
    const answer = await server.api('GET', `/contracts/${server.contractId}/diary?${range}`, { token });
    expect(answer.status).toBe(200);
    return diarySchema.parse(answer.json);
  }

  beforeAll(async () => {
    server = await startLiveServer({ clock, segmentSeconds: SEGMENT_S });
    proxy = await startFaultProxy(server.url);
    watch();
    h = await openService({ clock });
    h.service.on('screenshot:taken', (view) => shots.push(view));
    await server.api('PUT', `/contracts/${server.contractId}/policy`, { token: await server.token('client'), json: { screenshots: 'on' } });
    const { email, password } = DEMO_PASSWORDS.freelancer;
    expectOk(await h.service.invoke('auth:sign-in', { serverUrl: proxy.url, email, password }));
    expectOk(await h.service.invoke('tracking:start', { contractId: server.contractId, memo: 'deletion test' }));
  });
  afterAll(async () => {
    await h?.dispose();
    await proxy?.close();
    await server?.close();
  });

  it('an uploaded screenshot: the image goes from the server and its segment is no longer billed', async () => {
    const shot = await trackUntilShot(65_000, 1); // the first segment's moment (~32 s) and its end, its minute written
    expectOk(await h.service.invoke('sync:now', {}));
    const before = (await diary()).segments.find((s) => s.screenshot?.id === shot.id);
    expect(before).toMatchObject({ billable: true, trackedSeconds: expect.any(Number) });
    expect(before!.trackedSeconds).toBeGreaterThan(0);

    expectOk(await h.service.invoke('screenshots:delete', { id: shot.id }));
    watch();
    expectOk(await h.service.invoke('sync:now', {}));
    expect(seen).toContain(`DELETE /api/v1/screenshots/${shot.id}`);
    expect((await diary()).segments.find((s) => s.id === before!.id)).toMatchObject({ billable: false, screenshot: null, trackedSeconds: 0, screenshotRemoved: { by: 'freelancer' } });
    expect((await server.api('GET', `/screenshots/${shot.id}`, { token: await server.token('client') })).status).toBe(410);
  });

  it('a screenshot whose upload has not gone through: its image is never sent, the server keeps the placeholder', async () => {
    // Every screenshot upload is lost on the way from now on (dropped before it reaches the server).
    watch((method, path) => (method === 'PUT' && path.startsWith('/api/v1/screenshots/') ? 'drop-before' : 'pass'));
    const shot = await trackUntilShot(115_000, 2); // the second segment's moment, ~90 s
    expectOk(await h.service.invoke('screenshots:delete', { id: shot.id }));
    expectOk(await h.service.invoke('tracking:stop', {}));

    watch();
    expectOk(await h.service.invoke('sync:now', {}));
    expect(seen).toContain(`DELETE /api/v1/screenshots/${shot.id}`);
    expect(seen).not.toContain(`PUT /api/v1/screenshots/${shot.id}`);
    const token = await server.token('client');
    const after = await diary();
    const removed = after.segments.filter((s) => s.screenshotRemoved !== null);
    expect(removed).toHaveLength(2);
    expect(removed.every((s) => s.screenshotRemoved?.by === 'freelancer' && !s.billable && s.screenshot === null)).toBe(true);
    expect((await server.api('GET', `/screenshots/${shot.id}`, { token })).status).toBe(410);
    expect(after.totals.billableSeconds).toBe(after.segments.filter((s) => s.billable).reduce((sum, s) => sum + s.trackedSeconds, 0));
  });
});
