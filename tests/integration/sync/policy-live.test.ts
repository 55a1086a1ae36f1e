import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/main/clock/system-clock.js';
import { createLogger } from '../../../src/main/log.js';
import { openStore, type Store } from '../../../src/main/store/index.js';
import { ApiClient, ServerPolicySource, type PolicyChange } from '../../../src/main/sync/index.js';
import { startLiveServer, type LiveServer } from './support/live-server.js';

/**
 * The policy source against the real server on loopback and the real clock: every change the client makes
 * reaches the agent through the stream. The delays are measured and printed (not asserted: shared machine).
 */
describe('ServerPolicySource following the real server', () => {
  let server: LiveServer;
  let store: Store;
  let source: ServerPolicySource;

  beforeAll(async () => {
    server = await startLiveServer({ segmentSeconds: 60 });
    store = openStore({ file: ':memory:', clock: systemClock, mode: 'server' });
    const client = new ApiClient({ serverUrl: server.url, token: await server.token('freelancer') });
    source = new ServerPolicySource({ client, cache: store.policies, clock: systemClock, logger: createLogger({ level: 'silent' }), contractId: server.contractId });
  });

  afterAll(async () => {
    source?.stop();
    store?.close();
    await server?.close();
  });

  it('starts from the pull, then hears each change through the stream, and caches it', async () => {
    expect(source.current()).toBeNull();
    expect(await source.start()).toBe('changed');
    expect(source.current()).toEqual({ screenshots: 'on', segmentSeconds: 60, version: 1, privateWindows: { readable: true, rules: [] } });
    const clientToken = await server.token('client');
    const delays: number[] = [];
    const modes = ['off', 'blurred', 'on', 'off', 'blurred', 'off'] as const;
    for (const [i, mode] of modes.entries()) {
      const heard = new Promise<PolicyChange>((resolve) => {
        const off = source.onPolicyChange((change) => {
          off();
          resolve(change);
        });
      });
      const sentAt = performance.now();
      const answer = await server.api('PUT', `/contracts/${server.contractId}/policy`, { token: clientToken, json: { screenshots: mode } });
      expect(answer.status).toBe(200);
      const change = await heard;
      delays.push(performance.now() - sentAt);
      expect(change.policy).toMatchObject({ screenshots: mode, version: i + 2 });
      expect(source.current()?.screenshots).toBe(mode);
    }
    delays.sort((a, b) => a - b);
    console.log(`policy change -> agent: min ${delays[0]!.toFixed(0)} ms, median ${delays[3]!.toFixed(0)} ms, max ${delays.at(-1)!.toFixed(0)} ms (bound 5000 ms)`);
    expect(JSON.parse(store.policies.get(server.contractId)!.policyJson)).toMatchObject({ screenshots: 'off', version: 7 });
    // The ETag poll agrees: nothing new to fetch.
    expect(await source.pull()).toBe('unchanged');
  });
});
