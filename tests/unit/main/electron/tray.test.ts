import { describe, expect, it, vi } from 'vitest';
import { TRAY_ICON_SIZE, trayIconBitmap } from '../../../../src/main/electron/tray-icon.js';
import { formatElapsed, trayIconState, trayMenuTemplate, trayTooltip } from '../../../../src/main/electron/tray.js';
import type { AppState } from '../../../../src/shared/ipc/index.js';

function state(overrides: { tracking?: Partial<AppState['tracking']>; sync?: Partial<AppState['sync']>; signedIn?: boolean } = {}): AppState {
  return {
    account: overrides.signedIn === false ? null : { email: 'f@example.com', serverUrl: 'https://d.example.com' },
    contracts: [
      { id: 'C1', name: 'Website', clientEmail: 'c@example.com', screenshots: 'on', segmentSeconds: 600, policyVersion: 1, stateWords: 'active', trackable: true, whyNot: null },
      { id: 'C2', name: 'App', clientEmail: 'c@example.com', screenshots: 'off', segmentSeconds: 600, policyVersion: 1, stateWords: 'active', trackable: true, whyNot: null },
    ],
    tracking: { status: 'stopped', contractId: null, memo: null, todayMs: 95 * 60_000, weekMs: 10 * 3_600_000, segment: null, ...overrides.tracking },
    recentScreenshots: [],
    sync: { online: true, pendingSegments: 0, pendingScreenshots: 0, parked: [], lastSyncAt: null, lastError: null, signInAgain: false, ...overrides.sync },
    launchAtLogin: false,
    permissions: { notices: [] },
  };
}

const actions = () => ({ start: vi.fn(), stop: vi.fn(), open: vi.fn(), quit: vi.fn(), setLaunchAtLogin: vi.fn() });

describe('tray', () => {
  it('shows tracking, paused and offline states', () => {
    expect(trayIconState(state({ tracking: { status: 'running', contractId: 'C1' } }))).toBe('tracking');
    expect(trayIconState(state({ tracking: { status: 'suspended', contractId: 'C1' } }))).toBe('paused');
    expect(trayIconState(state())).toBe('paused');
    expect(trayIconState(state({ tracking: { status: 'running', contractId: 'C1' }, sync: { online: false } }))).toBe('offline');
    expect(trayIconState(state({ sync: { signInAgain: true } }))).toBe('offline');
  });

  it('draws three different icons: filled dots and a hollow ring', () => {
    const tracking = trayIconBitmap('tracking');
    const paused = trayIconBitmap('paused');
    const offline = trayIconBitmap('offline');
    expect(tracking).toHaveLength(TRAY_ICON_SIZE * TRAY_ICON_SIZE * 4);
    expect(tracking.equals(paused)).toBe(false);
    const centreAlpha = (b: Buffer) => b[(8 * TRAY_ICON_SIZE + 8) * 4 + 3];
    expect(centreAlpha(tracking)).toBe(0xff);
    expect(centreAlpha(offline)).toBe(0);
  });

  it('shows the elapsed time and starts the last contract', () => {
    const a = actions();
    const menu = trayMenuTemplate(state(), 'C2', a);
    expect(menu[0]).toMatchObject({ label: 'Today 1:35 · this week 10:00', enabled: false });
    const start = menu.find((i) => i.id === 'start')!;
    expect(start.label).toBe('Start tracking App');
    start.click?.({} as never, undefined, {} as never);
    expect(a.start).toHaveBeenCalledWith('C2');
    expect(formatElapsed(0)).toBe('0:00');
    expect(trayTooltip(state({ tracking: { status: 'running', contractId: 'C1' } }))).toBe('Worktrace — tracking, 1:35 today');
  });

  it('offers Stop while tracking, and Open, launch at login and Quit always', () => {
    const a = actions();
    const menu = trayMenuTemplate(state({ tracking: { status: 'running', contractId: 'C1' }, sync: { online: false } }), null, a);
    const click = (id: string, checked = false) => menu.find((i) => i.id === id)!.click?.({ checked } as never, undefined, {} as never);
    expect(menu.find((i) => i.id === 'stop')?.label).toBe('Stop tracking Website');
    expect(menu.some((i) => i.id === 'offline')).toBe(true);
    click('stop');
    click('open');
    click('launch-at-login', true);
    click('quit');
    expect(a.stop).toHaveBeenCalledOnce();
    expect(a.open).toHaveBeenCalledOnce();
    expect(a.setLaunchAtLogin).toHaveBeenCalledWith(true);
    expect(a.quit).toHaveBeenCalledOnce();
  });

  it('cannot start before sign-in', () => {
    const signedOut = { ...state({ signedIn: false }), contracts: [] };
    expect(trayMenuTemplate(signedOut, null, actions()).find((i) => i.id === 'start')).toMatchObject({ enabled: false });
  });
});
