import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppState } from '../../../../src/shared/ipc/index.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { DEMO_PASSWORDS, startLiveServer, type LiveServer } from '../../../integration/sync/support/live-server.js';
import { expectOk, openService, untilPageShows as pageShows, type ServiceHarness } from './support.js';

const NOTE = 'The screenshot shows <b>another</b> client’s project & a <script>alert(1)</script>';

/**
 * Issue 14: the client's disputes reach the freelancer's app on its sync schedule, through the real service and its
 * API client against the real server on loopback (fake clock): the client disputes a segment the app uploaded, and
 * the page is given it with the contract's name, the segment's start and the note, with no action of the
 * freelancer's; "Sync now" asks at once; withdrawn, it leaves the page.
 */
describe('AppService: disputes reach the page on the sync schedule', () => {
  let server: LiveServer;
  let h: ServiceHarness;
  let clientToken: string;
  const clock = new FakeClock({ wallMs: Math.floor(Date.now() / 60_000) * 60_000 + 1_000 });
  const emitted: AppState[] = [];

  beforeAll(async () => {
    server = await startLiveServer({ clock, segmentSeconds: 60 });
    h = await openService({ clock });
    h.service.on('state:changed', (state) => emitted.push(state));
    clientToken = await server.token('client');
  });
  afterAll(async () => {
    await h?.dispose();
    await server?.close();
  });

  const untilPageShows = (check: (state: AppState) => boolean) => pageShows(clock, emitted, check);

  const disputePath = (segmentId: string) => `/contracts/${server.contractId}/segments/${segmentId}/dispute`;
  let segment: { id: string; startedAt: string };

  it('shows a dispute of an uploaded segment, note and all, after the next check, with no action of the freelancer', async () => {
    const { freelancer } = DEMO_PASSWORDS;
    expectOk(await h.service.invoke('auth:sign-in', { serverUrl: server.url, email: freelancer.email, password: freelancer.password }));
    expectOk(await h.service.invoke('tracking:start', { contractId: server.contractId, memo: 'disputed work' }));
    for (let second = 0; second < 65; second += 1) {
      h.input.add({ keyboard: 2, moves: 1 });
      await clock.advanceAsync(1000);
    }
    expectOk(await h.service.invoke('tracking:stop', {}));
    await untilPageShows((s) => s.sync.pendingSegments === 0);
    const diary = await server.api('GET', `/contracts/${server.contractId}/diary`, { token: clientToken });
    segment = diary.json.segments[0];
    expect(segment?.id).toMatch(/^[0-9A-Z]{26}$/);
    expect(emitted.at(-1)!.disputes).toEqual([]);

    expect((await server.api('PUT', disputePath(segment.id), { token: clientToken, json: { note: NOTE } })).status).toBe(200);
    const shown = await untilPageShows((s) => (s.disputes ?? []).length === 1);
    expect(shown.disputes).toEqual([
      { contractId: server.contractId, contractName: 'Demo contract', segmentId: segment.id, startedAt: segment.startedAt, note: NOTE, at: expect.stringMatching(/^\d{4}-/) },
    ]);
  });

  it('"Sync now" asks at once; a withdrawn dispute leaves the page', async () => {
    expect((await server.api('DELETE', disputePath(segment.id), { token: clientToken })).status).toBe(204);
    const now = expectOk(await h.service.invoke('sync:now', {}));
    expect(now.disputes).toEqual([]);
  });
});
