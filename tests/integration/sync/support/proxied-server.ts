import { afterAll, beforeAll } from 'vitest';
import { DEFAULT_FAKE_WALL_MS, FakeClock } from '../../../support/fake-clock.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { startLiveServer, type LiveServer } from './live-server.js';

const DAY = 86_400_000;

export interface ProxiedServer {
  readonly server: LiveServer;
  /** The server's own clock: a day after the agent's recorded work, the contract created a day before it. */
  readonly serverClock: FakeClock;
  /** Between the agent and the server; passes everything until a test chooses a fault. */
  readonly proxy: FaultProxy;
  readonly freelancerToken: string;
  readonly clientToken: string;
}

/**
 * The real server on loopback behind the fault proxy, started once for a describe block (its hooks are registered
 * here) and stopped after it. Read the fields inside tests: they are set in beforeAll.
 */
export function useProxiedServer(options: { segmentSeconds: number }): ProxiedServer {
  const world = {} as { -readonly [K in keyof ProxiedServer]: ProxiedServer[K] };
  beforeAll(async () => {
    world.serverClock = new FakeClock({ wallMs: DEFAULT_FAKE_WALL_MS - DAY });
    world.server = await startLiveServer({ segmentSeconds: options.segmentSeconds, clock: world.serverClock });
    world.serverClock.setWall(DEFAULT_FAKE_WALL_MS + DAY);
    world.freelancerToken = await world.server.token('freelancer');
    world.clientToken = await world.server.token('client');
    world.proxy = await startFaultProxy(world.server.url);
  });
  afterAll(async () => {
    await world.proxy?.close();
    await world.server?.close();
  });
  return world;
}
