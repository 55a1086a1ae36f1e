import { afterEach, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { DEFAULT_FAKE_WALL_MS } from '../../support/fake-clock.js';
import { createAgentFixture, type AgentFixture } from './support/agent-fixture.js';
import { useProxiedServer } from './support/proxied-server.js';

/**
 * An agent uploads part of a segment, goes offline while the client approves the week, and records the rest of the
 * segment: the real uploader and the real server on loopback take the added minutes as a late part of the approved
 * segment (server/src/domain/late-growth.ts), so the agent counts the segment as sent, not refused, and the time
 * reaches the client's week under `late` instead of staying on this computer.
 */
const SEGMENT_SECONDS = 300;
const SEGMENT_START = DEFAULT_FAKE_WALL_MS + 3 * 3_600_000; // Monday 2026-01-05 12:00 UTC (the demo contract runs in UTC)

describe('a segment that grows after its week was approved, through the real uploader', () => {
  const world = useProxiedServer({ segmentSeconds: SEGMENT_SECONDS });
  let agent: AgentFixture | undefined;
  afterEach(() => {
    agent?.close();
    agent = undefined;
  });

  it('is sent, and its added minutes reach the week as late time', async () => {
    agent = createAgentFixture();
    const id = ulid(SEGMENT_START);
    agent.store.segments.openSegment({ id, contractId: world.server.contractId, startedAt: SEGMENT_START / 1000, lengthSeconds: SEGMENT_SECONDS, memo: 'late', policyVersion: 1 });
    const minute = (m: number) =>
      agent!.store.segments.flushMinute(id, { startedAt: SEGMENT_START / 1000 + m * 60, trackedMs: 60_000, keyboard: 5 + m, mouse: 2, idle: false }, [
        { app: 'code', title: 'late.ts', ms: 60_000 },
      ]);
    minute(0);
    minute(1);
    const uploader = agent.uploader(world.server.url, world.freelancerToken, { timeoutMs: 5_000 });
    expect((await uploader.runPass()).sent.segments).toBe(1);

    world.serverClock.setWall(Date.parse('2026-01-12T10:00:00Z'));
    const approved = await world.server.api('POST', `/contracts/${world.server.contractId}/weeks/2026-01-05/approval`, { token: world.clientToken });
    expect(approved.status).toBe(200);
    expect(approved.json.totals.trackedSeconds).toBe(120);

    minute(2);
    minute(3);
    minute(4);
    const report = await uploader.runPass();
    expect([report.sent.segments, report.refused.segments, report.parked]).toEqual([1, 0, 0]);
    expect(agent.store.outbox.counts().pending.segment).toBe(0);

    const review = await world.server.api('GET', `/contracts/${world.server.contractId}/weeks/2026-01-05`, { token: world.clientToken });
    expect([review.json.totals.trackedSeconds, review.json.late.totals.trackedSeconds, review.json.late.segments]).toEqual([120, 180, 1]);
  });
});
