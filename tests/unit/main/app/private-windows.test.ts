import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { appStateSchema } from '../../../../src/shared/ipc/index.js';
import { MAX_PRIVATE_RULES } from '../../../../src/shared/privacy/index.js';
import { ContractsCache } from '../../../../src/main/app/contracts.js';
import { DesktopScreenCapturer } from '../../../../src/main/sensors/index.js';
import { openStore } from '../../../../src/main/store/index.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { fakeElectron } from '../../../support/fake-electron.js';
import { BLUE, GREEN, quadrantPicture, RED, YELLOW } from '../../../support/screen-pictures.js';
import { DEMO_PASSWORDS, startLiveServer, type LiveServer } from '../../../integration/sync/support/live-server.js';
import { expectError, expectOk, openService, type ServiceHarness } from './support.js';

vi.mock('electron', async () => (await import('../../../support/fake-electron.js')).fakeElectron.module);
const { electronScreenSources } = await import('../../../../src/main/electron/desktop-capturer.js');

/** The app's private-window settings: the same device list as `worktrace private`, through the IPC contract. */
describe('AppService: private windows', () => {
  let h: ServiceHarness;
  beforeAll(async () => {
    h = await openService();
  });
  afterAll(async () => h.dispose());

  it('adds, lists and removes the freelancer’s rules, and keeps application names only when asked', async () => {
    expect(expectOk(await h.service.invoke('state:get', {})).privacy).toEqual({ rules: [], unreadable: null, keepAppNames: false, redaction: null });
    expectOk(await h.service.invoke('privacy:add', { kind: 'title', pattern: ' *Patient* ' }));
    expectOk(await h.service.invoke('privacy:add', { kind: 'app', pattern: 'keepassxc' }));
    const again = expectOk(await h.service.invoke('privacy:add', { kind: 'title', pattern: '*PATIENT*' }));
    expect(again.privacy?.rules).toEqual([
      { kind: 'title', pattern: '*Patient*' },
      { kind: 'app', pattern: 'keepassxc' },
    ]);
    expect(expectOk(await h.service.invoke('privacy:remove', { kind: 'app', pattern: 'KeePassXC' })).privacy?.rules).toEqual([{ kind: 'title', pattern: '*Patient*' }]);
    const kept = expectOk(await h.service.invoke('privacy:keep-app-names', { enabled: true }));
    expect(kept.privacy).toEqual({ rules: [{ kind: 'title', pattern: '*Patient*' }], unreadable: null, keepAppNames: true, redaction: null });
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
      const policy = {
        contractId: '01KCONTRACTAAAAAAAAAAAAAAA',
        screenshots: 'on' as const,
        segmentSeconds: 600,
        retentionDays: 30,
        version: 2,
        updatedAt: '2026-11-26T05:00:00.000Z',
        contract: { state: 'active', seq: 1, since: '2026-11-26T05:00:00.000Z', by: null },
      };
      const summary = (id: string, privateWindows: unknown) => ({
        id,
        name: id.slice(-4),
        client: { id: 'c', email: 'client@example.com', name: 'Client' },
        freelancer: { id: 'f', email: 'f@example.com', name: 'Freelancer' },
        role: 'freelancer' as const,
        policy: { ...policy, contractId: id, privateWindows },
        terms: { hourlyRate: null, weeklyLimitHours: null, timeZone: 'UTC', keepScreenshotsAfterEndDays: 30, autoApproveDays: 5, deleteScreenshotsOnApproval: false },
        screenshotsPurgedAt: null,
        invitation: null,
      });
      const cache = new ContractsCache(store);
      cache.replace([summary('01KCONTRACTAAAAAAAAAAAAAAA', [{ kind: 'app', pattern: 'Epic Hyperspace' }]), summary('01KCONTRACTBBBBBBBBBBBBBBB', [{ kind: 'url', pattern: 'x' }])]);
      expect(cache.list().map((c) => c.privateWindows)).toEqual([[{ kind: 'app', pattern: 'Epic Hyperspace' }], null]);
    } finally {
      store.close();
    }
  });
});

/**
 * Screenshots through Electron's desktopCapturer (the fake electron module plays it) cannot paint a window out: the
 * app's state says redaction is partial there and why, from the running session's capturer, and still after Stop.
 */
describe('AppService: how private windows are kept out with the session’s capturer', () => {
  let server: LiveServer;
  let h: ServiceHarness;
  const clock = new FakeClock({ wallMs: Math.floor(Date.now() / 60_000) * 60_000 + 1_000 });

  beforeAll(async () => {
    fakeElectron.screen.displays = [{ id: 1, bounds: { x: 0, y: 0, width: 320, height: 200 }, scaleFactor: 1, picture: quadrantPicture(320, 200, [RED, GREEN, BLUE, YELLOW]) }];
    const sources = electronScreenSources(fakeElectron.module as never, 'linux');
    server = await startLiveServer({ clock, segmentSeconds: 60 });
    h = await openService({ clock, capturer: new DesktopScreenCapturer({ sources, env: { platform: 'linux', vars: { DISPLAY: ':0' }, hasCommand: () => true } }) });
  });
  afterAll(async () => {
    await h?.dispose();
    await server?.close();
  });

  it('says nothing before the first Start, partial (and why) while tracking and after Stop', async () => {
    const { email, password } = DEMO_PASSWORDS.freelancer;
    expect(expectOk(await h.service.invoke('auth:sign-in', { serverUrl: server.url, email, password })).privacy?.redaction).toBeNull();
    const tracking = expectOk(await h.service.invoke('tracking:start', { contractId: server.contractId, memo: null }));
    expect(tracking.privacy?.redaction).toEqual({
      redaction: 'focused-window',
      backend: 'electron-desktop-capturer',
      reason:
        'electron-desktop-capturer hands back a picture of the screen and cannot tell where windows are: a screenshot is skipped while a private window is focused, but a private window in the background is not painted out',
    });
    expect(appStateSchema.parse(tracking)).toEqual(tracking);
    const stopped = expectOk(await h.service.invoke('tracking:stop', {}));
    expect(stopped.tracking.status).toBe('stopped');
    expect(stopped.privacy?.redaction).toEqual(tracking.privacy?.redaction);
  });
});
