import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openStore, type Store } from '../../../../src/main/store/index.js';
import type { AppState } from '../../../../src/shared/ipc/index.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { DEMO_PASSWORDS, startLiveServer, type LiveServer } from '../../../integration/sync/support/live-server.js';
import { FullDiskSink } from '../tracking/support/full-disk-sink.js';
import { expectOk, openService, type ServiceHarness } from './support.js';

/**
 * A disk that fills while the app tracks, through the real service and store: the store refuses the session's
 * writes with its own DISK_FULL error (FullDiskSink), tracking goes on time only, the state carries a notice with
 * the minutes kept in memory, and when room returns the notice goes and the kept minutes are in the store.
 */
describe('AppService on a full disk', () => {
  let server: LiveServer;
  let h: ServiceHarness;
  let disk: FullDiskSink;
  const clock = new FakeClock({ wallMs: Math.floor(Date.now() / 60_000) * 60_000 + 30_000 });
  const emitted: AppState[] = [];

  /** The service's own store, its segment writes routed through a sink that refuses them while the disk is "full". */
  function fillableStore(options: Parameters<typeof openStore>[0]): Store {
    const store = openStore(options);
    const segments = store.segments;
    const real = {
      findSegment: segments.findSegment.bind(segments),
      openSegment: segments.openSegment.bind(segments),
      flushMinute: segments.flushMinute.bind(segments),
      saveMinute: segments.saveMinute.bind(segments),
      setMemo: segments.setMemo.bind(segments),
      markIdle: segments.markIdle.bind(segments),
      discardMinutes: segments.discardMinutes.bind(segments),
    };
    disk = new FullDiskSink({ db: store.db, segments: real } as unknown as Store);
    Object.assign(segments, {
      openSegment: disk.openSegment.bind(disk),
      flushMinute: disk.flushMinute.bind(disk),
      saveMinute: disk.saveMinute.bind(disk),
      setMemo: disk.setMemo.bind(disk),
      markIdle: disk.markIdle.bind(disk),
      discardMinutes: disk.discardMinutes.bind(disk),
    });
    return store;
  }

  beforeAll(async () => {
    server = await startLiveServer({ clock, segmentSeconds: 60 });
    h = await openService({ clock, openStore: fillableStore });
    h.service.on('state:changed', (state) => emitted.push(state));
  });
  afterAll(async () => {
    await h?.dispose();
    await server?.close();
  });

  async function work(seconds: number): Promise<void> {
    for (let second = 0; second < seconds; second += 1) {
      h.input.add({ keyboard: 1 });
      await clock.advanceAsync(1000);
    }
  }

  it('says "disk full" with the minutes kept in memory, keeps tracking, and clears when room returns', async () => {
    const freelancer = DEMO_PASSWORDS.freelancer;
    expectOk(await h.service.invoke('auth:sign-in', { serverUrl: server.url, email: freelancer.email, password: freelancer.password }));
    expect((await server.api('PUT', `/contracts/${server.contractId}/policy`, { token: await server.token('client'), json: { screenshots: 'on' } })).status).toBe(200);
    const startedAt = clock.now();
    expectOk(await h.service.invoke('tracking:start', { contractId: server.contractId, memo: null }));
    await work(90);
    expect((await h.service.state()).tracking.diskFull).toBeNull();

    disk.fill();
    await work(180);
    const full = await h.service.state();
    expect(full.tracking.status).toBe('running');
    expect(full.tracking.diskFull).toEqual({
      unsavedMinutes: 3,
      message: `Disk full: screenshots are skipped and 3 minutes are kept in memory until there is room in ${h.dataDir}. Tracking goes on; free some space there.`,
    });
    // The page was told without asking, and the count moved with each refused minute.
    const told = emitted.map((s) => s.tracking.diskFull?.unsavedMinutes).filter((n) => n !== undefined && n !== null);
    expect(told).toContain(1);
    expect(told).toContain(3);
    const todayWhileFull = full.tracking.todayMs;

    disk.free();
    await work(60);
    // The kept minutes are saved at the next minute; screenshots resume once one is stored again (its capture
    // encodes in real time, so the fake seconds wait for it). Until then the notice speaks of screenshots only.
    const saved = (await h.service.state()).tracking.diskFull ?? null;
    expect(saved === null || saved.message === `Disk full: screenshots are skipped until there is room in ${h.dataDir}. Your time is still saved.`).toBe(true);
    await vi.waitFor(
      async () => {
        await work(1);
        expect(emitted.at(-1)!.tracking.diskFull).toBeNull();
      },
      { timeout: 20_000, interval: 20 },
    );
    expect((await h.service.state()).tracking.diskFull).toBeNull();
    const stopped = expectOk(await h.service.invoke('tracking:stop', {}));
    // Nothing tracked was lost: every second from start to stop is in the store after the stop.
    expect(stopped.tracking.todayMs).toBeGreaterThan(todayWhileFull);
    expect(stopped.tracking.todayMs).toBe(clock.now() - startedAt);
  });
});
