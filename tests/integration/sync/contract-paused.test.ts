import { afterEach, describe, expect, it } from 'vitest';
import { diarySchema } from '../../../src/shared/protocol/api/index.js';
import { syncProblemWords } from '../../../src/main/app/sync-words.js';
import { readSyncStatus } from '../../../src/main/sync/index.js';
import { DEFAULT_FAKE_WALL_MS, FakeClock } from '../../support/fake-clock.js';
import { createAgentFixture, type AgentFixture } from './support/agent-fixture.js';
import { startLiveServer, type LiveServer } from './support/live-server.js';

const DAY = 86_400_000;
const MIN = 60_000;
const WORK_START = DEFAULT_FAKE_WALL_MS - 6 * 3_600_000;

/**
 * Issue 13, the offline agent: it recorded four one-minute segments without hearing that the client paused the
 * contract after the second. When it comes back, the two from before the pause are taken, the two after are refused
 * with 409 CONTRACT_NOT_ACTIVE, which the uploader treats as final: nothing is parked or retried, their screenshots
 * (taken while the client had stopped the contract) leave this machine, and the sync status says why in words.
 */
describe('an offline agent whose contract was paused meanwhile', () => {
  let server: LiveServer | undefined;
  let agent: AgentFixture | undefined;
  afterEach(async () => {
    agent?.close();
    await server?.close();
  });

  it('delivers the work from before the pause and drops the rest for good, saying why', async () => {
    const serverClock = new FakeClock({ wallMs: WORK_START - DAY });
    server = await startLiveServer({ segmentSeconds: 60, clock: serverClock });
    const clientToken = await server.token('client');
    const freelancerToken = await server.token('freelancer');
    serverClock.setWall(WORK_START + 2 * MIN);
    expect((await server.api('PUT', `/contracts/${server.contractId}/state`, { token: clientToken, json: { state: 'paused' } })).status).toBe(200);
    serverClock.setWall(DEFAULT_FAKE_WALL_MS);

    agent = createAgentFixture();
    const recorded = await agent.record({ contractId: server.contractId, startMs: WORK_START, count: 4 });
    const report = await agent.uploader(server.url, freelancerToken).runPass();
    expect(report.sent).toMatchObject({ segments: 2, screenshots: 2 });
    expect(report.refused).toMatchObject({ segments: 2, screenshots: 0 });
    expect(report.parked).toBe(0);
    const counts = agent.store.outbox.counts();
    expect(counts.pending.segment + counts.pending.screenshot + counts.parked.segment + counts.parked.screenshot).toBe(0);

    // The refused segments' screenshots are gone from this machine; their recorded time stays in the local record.
    for (const r of recorded.slice(2)) {
      expect(agent.store.screenshots.meta(r.screenshot!.id)).toBeNull();
      expect(agent.store.segments.getForUpload(r.segmentId)?.trackedSeconds).toBe(60);
    }
    for (const r of recorded.slice(0, 2)) expect(agent.store.screenshots.meta(r.screenshot!.id)).not.toBeNull();

    const range = `from=${new Date(WORK_START - MIN).toISOString()}&to=${new Date(WORK_START + 10 * MIN).toISOString()}`;
    const diary = diarySchema.parse((await server.api('GET', `/contracts/${server.contractId}/diary?${range}`, { token: clientToken })).json);
    expect(diary.segments.map((s) => s.id)).toEqual(recorded.slice(0, 2).map((r) => r.segmentId));
    expect(diary.segments.every((s) => s.screenshot !== null)).toBe(true);

    const status = readSyncStatus(agent.store, agent.dataDir).contracts.find((c) => c.contractId === server!.contractId);
    expect(status?.lastError?.message).toMatch(/refused: HTTP 409 CONTRACT_NOT_ACTIVE/);
    expect(syncProblemWords(status!.lastError!.message)).toBe(
      'Time recorded after the contract was paused or ended was refused by the server; work that began before it is kept.',
    );
    // A second pass sends nothing again: the refusal was final.
    const again = await agent.uploader(server.url, freelancerToken).runPass();
    expect(again.sent).toMatchObject({ segments: 0, screenshots: 0 });
    expect(again.refused).toMatchObject({ segments: 0, screenshots: 0 });
  });
});
