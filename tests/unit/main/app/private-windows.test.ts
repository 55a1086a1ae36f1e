import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appStateSchema } from '../../../../src/shared/ipc/index.js';
import { MAX_PRIVATE_RULES } from '../../../../src/shared/privacy/index.js';
import { ContractsCache } from '../../../../src/main/app/contracts.js';
import { openStore } from '../../../../src/main/store/index.js';
import { expectError, expectOk, openService, type ServiceHarness } from './support.js';

/** The app's private-window settings: the same device list as `worktrace private`, through the IPC contract. */
describe('AppService: private windows', () => {
  let h: ServiceHarness;
  beforeAll(async () => {
    h = await openService();
  });
  afterAll(async () => h.dispose());

  it('adds, lists and removes the freelancer’s rules, and keeps application names only when asked', async () => {
    expect(expectOk(await h.service.invoke('state:get', {})).privacy).toEqual({ rules: [], unreadable: null, keepAppNames: false });
    expectOk(await h.service.invoke('privacy:add', { kind: 'title', pattern: ' *Patient* ' }));
    expectOk(await h.service.invoke('privacy:add', { kind: 'app', pattern: 'keepassxc' }));
    const again = expectOk(await h.service.invoke('privacy:add', { kind: 'title', pattern: '*PATIENT*' }));
    expect(again.privacy?.rules).toEqual([
      { kind: 'title', pattern: '*Patient*' },
      { kind: 'app', pattern: 'keepassxc' },
    ]);
    expect(expectOk(await h.service.invoke('privacy:remove', { kind: 'app', pattern: 'KeePassXC' })).privacy?.rules).toEqual([{ kind: 'title', pattern: '*Patient*' }]);
    const kept = expectOk(await h.service.invoke('privacy:keep-app-names', { enabled: true }));
    expect(kept.privacy).toEqual({ rules: [{ kind: 'title', pattern: '*Patient*' }], unreadable: null, keepAppNames: true });
    expect(appStateSchema.safeParse(kept).success).toBe(true);
  });

  it('refuses a pattern that is not one in words, without echoing it, and a full list with its code', async () => {
    for (const pattern of ['', 'x'.repeat(129), 'ends\\', 'bell\u0007', 'half \ud800']) {
      const error = expectError(await h.service.invoke('privacy:add', { kind: 'title', pattern }));
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message).toMatch(/^Worktrace could not use this request \(pattern: /);
      if (pattern.length > 20) expect(error.message).not.toContain(pattern);
    }
    expect(expectError(await h.service.invoke('privacy:add', { kind: 'window', pattern: 'x' })).code).toBe('BAD_REQUEST');
    for (let i = 0; i < MAX_PRIVATE_RULES; i += 1) await h.service.invoke('privacy:add', { kind: 'title', pattern: `rule ${i}` });
    const full = expectError(await h.service.invoke('privacy:add', { kind: 'title', pattern: 'one too many' }));
    expect(full.code).toBe('PRIVATE_LIST_FULL');
    expect(full.message).toMatch(/remove one first/);
  });

  it('shows each contract’s list as its client set it, and null for one this agent cannot read', () => {
    const store = openStore({ file: ':memory:', clock: h.clock, mode: 'server' });
    try {
      const policy = { contractId: '01KCONTRACTAAAAAAAAAAAAAAA', screenshots: 'on' as const, segmentSeconds: 600, retentionDays: 30, version: 2, updatedAt: '2026-11-26T05:00:00.000Z' };
      const summary = (id: string, privateWindows: unknown) => ({
        id,
        name: id.slice(-4),
        client: { id: 'c', email: 'client@example.com' },
        freelancer: { id: 'f', email: 'f@example.com' },
        role: 'freelancer' as const,
        policy: { ...policy, contractId: id, privateWindows },
      });
      const cache = new ContractsCache(store);
      cache.replace([summary('01KCONTRACTAAAAAAAAAAAAAAA', [{ kind: 'app', pattern: 'Epic Hyperspace' }]), summary('01KCONTRACTBBBBBBBBBBBBBBB', [{ kind: 'url', pattern: 'x' }])]);
      expect(cache.list().map((c) => c.privateWindows)).toEqual([[{ kind: 'app', pattern: 'Epic Hyperspace' }], null]);
    } finally {
      store.close();
    }
  });
});
