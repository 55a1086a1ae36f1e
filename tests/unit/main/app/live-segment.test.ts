import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { databasePath } from '../../../../src/main/store/index.js';
import { appStateSchema, type AppState, type EventPayload } from '../../../../src/shared/ipc/index.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { DEMO_PASSWORDS, startLiveServer, type LiveServer } from '../../../integration/sync/support/live-server.js';
import { expectOk, openService, type ServiceHarness } from './support.js';

const SEGMENT_S = 300;
/** Local noon today plus 10 s: a segment boundary (UTC offsets are whole quarter hours) far from midnight. */
function localNoonPlus10s(): number {
  const noon = new Date();
  noon.setHours(12, 0, 10, 0);
  return noon.getTime();
}
const segStartMs = localNoonPlus10s() - 10_000;
const segEndMs = segStartMs + SEGMENT_S * 1000;

/**
 * The open segment as the app shows it, through the real AppService, store, capture pipeline and the real server on
 * loopback (5-minute segments): totals current to the second, the open segment's screenshot deleted (its time goes
 * and it credits nothing until its end, and the state says so), and a memo edit that reaches the open segment.
 */
describe('AppService: the open segment, live', () => {
  let server: LiveServer;
  let h: ServiceHarness;
  const clock = new FakeClock({ wallMs: segStartMs + 10_000 });

  async function track(seconds: number): Promise<void> {
    for (let i = 0; i < seconds; i += 1) {
      h.input.add({ keyboard: 1 });
      await clock.advanceAsync(1000);
    }
  }
  const state = async (): Promise<AppState> => appStateSchema.parse(expectOk(await h.service.invoke('state:get', {})));
  /** Segment memos as stored right now (read from the database file, as another reader would). */
  function storedMemos(): (string | null)[] {
    const db = new Database(databasePath(h.dataDir), { readonly: true });
    try {
      return (db.prepare('SELECT memo FROM segments ORDER BY started_at').all() as { memo: string | null }[]).map((r) => r.memo);
    } finally {
      db.close();
    }
  }

  beforeAll(async () => {
    server = await startLiveServer({ clock, segmentSeconds: SEGMENT_S });
    h = await openService({ clock });
    const clientToken = await server.token('client');
    await server.api('PUT', `/contracts/${server.contractId}/policy`, { token: clientToken, json: { screenshots: 'on' } });
    const { email, password } = DEMO_PASSWORDS.freelancer;
    expectOk(await h.service.invoke('auth:sign-in', { serverUrl: server.url, email, password }));
  });
  afterAll(async () => {
    await h?.dispose();
    await server?.close();
  });

  it('today and this week include the minute not yet written: 30 s of tracking shows 30 s', async () => {
    expectOk(await h.service.invoke('tracking:start', { contractId: server.contractId, memo: 'first task' }));
    await track(30); // 12:00:40 local: the minute that started at 12:00 is still open, nothing is written yet
    const now = await state();
    expect(now.tracking.todayMs).toBe(30_000);
    expect(now.tracking.weekMs).toBe(30_000);
    expect(now.tracking.segment).toMatchObject({ activeMinutes: 1, trackedMinutes: 1, timeRemoved: null });
    // Today reaches a whole minute at 12:01:10, between the tracker's flushes (12:01:00, 12:02:00): the UI hears of it
    // within the second, and not every second.
    const heard: number[] = [];
    const off = h.service.on('state:changed', (changed) => heard.push(changed.tracking.todayMs));
    await track(45); // 12:01:25: one minute written (50 s), 25 s open
    off();
    expect((await state()).tracking.todayMs).toBe(75_000);
    expect(heard.some((ms) => ms >= 60_000 && ms <= 61_000)).toBe(true);
    expect(heard.length, `states heard: ${heard.join(', ')}`).toBeLessThanOrEqual(4);
  });

  it('deleting the open segment\'s screenshot removes its time, credits nothing until its end, and says so', async () => {
    const shots: EventPayload<'screenshot:taken'>[] = [];
    const off = h.service.on('screenshot:taken', (view) => shots.push(view));
    // The moment is the middle of the tracked part (random 0.5): 12:02:35.
    await track(75);
    await vi.waitFor(() => expect(shots).toHaveLength(1), { timeout: 10_000, interval: 20 });
    off();
    expect(clock.now()).toBeLessThan(segEndMs);
    expect((await state()).tracking.todayMs).toBe(150_000);

    const after = appStateSchema.parse(expectOk(await h.service.invoke('screenshots:delete', { id: shots[0]!.id })));
    const endsAt = new Date(segEndMs);
    const hhmm = `${String(endsAt.getHours()).padStart(2, '0')}:${String(endsAt.getMinutes()).padStart(2, '0')}`;
    expect(after.tracking).toMatchObject({ status: 'running', todayMs: 0, weekMs: 0 });
    expect(after.tracking.segment).toMatchObject({
      activeMinutes: 0,
      trackedMinutes: 0,
      timeRemoved: {
        countsAgainAt: endsAt.toISOString(),
        message: `This segment's time was removed with its screenshot; tracking counts again from ${hhmm}.`,
      },
    });

    await track(Math.round((segEndMs - clock.now()) / 1000) - 1); // typing until one second before its end
    const late = await state();
    expect(late.tracking.todayMs).toBe(0);
    expect(late.tracking.segment?.timeRemoved?.countsAgainAt).toBe(endsAt.toISOString());

    await track(31); // 30 s into the next segment: it counts again
    const next = await state();
    expect(next.tracking.segment).toMatchObject({ startedAt: endsAt.toISOString(), timeRemoved: null, trackedMinutes: 1 });
    expect(next.tracking.todayMs).toBe(30_000);
  });

  it('a memo edited while tracking is stored on the open segment at once; the earlier segment keeps its memo', async () => {
    expect(storedMemos()).toEqual(['first task', 'first task']);
    const edited = expectOk(await h.service.invoke('tracking:set-memo', { memo: 'second task' }));
    expect(edited.tracking.memo).toBe('second task');
    expect(storedMemos()).toEqual(['first task', 'second task']);

    await track(10);
    expectOk(await h.service.invoke('tracking:stop', {}));
    expectOk(await h.service.invoke('sync:now', {}));
    const token = await server.token('freelancer');
    const from = new Date(segStartMs - 60_000).toISOString();
    const to = new Date(segEndMs + 3_600_000).toISOString();
    const diary = await server.api('GET', `/contracts/${server.contractId}/diary?from=${from}&to=${to}`, { token });
    expect(diary.status).toBe(200);
    const memos = (diary.json.segments as { startedAt: string; memo: string | null }[]).map((s) => [s.startedAt, s.memo]);
    expect(memos).toEqual([
      [new Date(segStartMs).toISOString(), 'first task'],
      [new Date(segEndMs).toISOString(), 'second task'],
    ]);
  });
});
