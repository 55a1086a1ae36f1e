import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { policySchema } from '../../../../src/shared/protocol/index.js';
import type { Store } from '../../../../src/main/store/index.js';
import { T0, WallClock, makeTempDir, openTestStore, type TestDir } from './store-fixtures.js';

describe('PolicyCacheRepository and SettingsRepository', () => {
  let dir: TestDir;
  let clock: WallClock;
  let store: Store;
  const file = () => join(dir.path, 'worktrace.db');
  beforeEach(() => {
    dir = makeTempDir();
    clock = new WallClock(T0 * 1000);
    store = openTestStore(file(), 'server', clock);
  });
  afterEach(() => {
    store.close();
    dir.remove();
  });

  const policy = (version: number) =>
    JSON.stringify({
      contractId: 'c-1',
      screenshots: 'blurred',
      segmentSeconds: 600,
      retentionDays: 30,
      version,
      updatedAt: '2026-01-05T08:00:00.000Z',
      contract: { state: 'active', seq: 1, since: '2026-01-05T08:00:00.000Z', by: null },
    });

  it('keeps the last policy per contract with its ETag and fetch time, across a restart', () => {
    expect(store.policies.get('c-1')).toBeNull();
    store.policies.put('c-1', policy(1), '"v1"');
    clock.ms += 60_000;
    store.policies.put('c-1', policy(2), '"v2"');
    store.policies.put('c-2', policy(1), null);
    store.close();
    store = openTestStore(file(), 'server', clock);
    const cached = store.policies.get('c-1');
    expect(cached).toEqual({ contractId: 'c-1', policyJson: policy(2), etag: '"v2"', fetchedAt: T0 * 1000 + 60_000 });
    expect(policySchema.parse(JSON.parse(cached!.policyJson)).version).toBe(2);
    expect(store.policies.get('c-2')?.etag).toBeNull();
    store.policies.delete('c-2');
    expect(store.policies.get('c-2')).toBeNull();
  });

  it('keeps a policy only if it is newer by version or by state change, and reads back only what validates', () => {
    const withState = (version: number, seq: number, state = 'active') =>
      ({ ...(JSON.parse(policy(version)) as object), contract: { state, seq, since: '2026-01-05T08:00:00.000Z', by: 'client' } }) as Parameters<typeof store.policies.putIfNewer>[0];
    expect(store.policies.putIfNewer(withState(2, 1), '"a"')).toBe(true);
    expect(store.policies.putIfNewer(withState(2, 2, 'paused'), null)).toBe(true);
    expect(store.policies.putIfNewer(withState(2, 1), '"stale"')).toBe(false);
    expect(store.policies.putIfNewer(withState(3, 1), null)).toBe(false); // a state went back: not newer
    expect(store.policies.policy('c-1')?.policy.contract?.state).toBe('paused');
    store.policies.put('c-1', JSON.stringify({ ...withState(4, 3), screenshots: 'sometimes' }), null);
    expect(store.policies.policy('c-1')).toBeNull();
  });

  it('refuses text that is not JSON and keeps the previous policy', () => {
    store.policies.put('c-1', policy(1), '"v1"');
    expect(() => store.policies.put('c-1', '<html>502 Bad Gateway</html>', null)).toThrow(/CHECK/);
    expect(store.policies.get('c-1')?.policyJson).toBe(policy(1));
  });

  it('stores settings as strings by key', () => {
    expect(store.settings.get('lastSyncAt')).toBeNull();
    store.settings.set('lastSyncAt', '2026-01-05T09:00:00.000Z');
    store.settings.set('lastSyncAt', '2026-01-05T09:01:00.000Z');
    expect(store.settings.get('lastSyncAt')).toBe('2026-01-05T09:01:00.000Z');
    store.settings.delete('lastSyncAt');
    expect(store.settings.get('lastSyncAt')).toBeNull();
  });

  it('status counts an empty store as zeros', () => {
    expect(store.status.counts()).toEqual({
      segments: 0,
      minutes: 0,
      screenshots: 0,
      screenshotStoredBytes: 0,
      outbox: { pending: { segment: 0, screenshot: 0 }, parked: { segment: 0, screenshot: 0 } },
    });
    expect(store.status.queueByContractId()).toEqual([]);
  });
});
