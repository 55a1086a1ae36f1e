import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppState, DesktopNotice } from '../../../src/shared/ipc/index.js';
import { openStubPage, type StubPage } from './support/stub-page.js';

/** The permission notice in real Chromium over a stand-in bridge (support/stub-page.ts). */
function signedOutState(notices: DesktopNotice[]): AppState {
  return {
    account: null,
    contracts: [],
    tracking: { status: 'stopped', contractId: null, memo: null, todayMs: 0, weekMs: 0, segment: null },
    recentScreenshots: [],
    sync: { online: true, pendingSegments: 0, pendingScreenshots: 0, parked: [], lastSyncAt: null, lastError: null, signInAgain: false },
    launchAtLogin: false,
    permissions: { notices },
  };
}

describe('permission notice in the page (real Chromium)', () => {
  let stub: StubPage;
  let page: Page;

  beforeAll(async () => {
    const notices: DesktopNotice[] = [{ kind: 'screen-recording', status: 'denied' }, { kind: 'accessibility' }];
    stub = await openStubPage(signedOutState(notices));
    page = stub.page;
  });
  afterAll(async () => {
    await stub?.close();
  });

  it('tells the person what is missing and where to allow it, before sign-in too', async () => {
    const notices = page.locator('#permissions-list > li');
    await expect.poll(() => notices.count()).toBe(2);
    expect(await page.locator('#permissions').isVisible()).toBe(true);
    const screen = page.locator('li[data-notice="screen-recording"]');
    expect(await screen.innerText()).toContain('screenshots cannot be taken until you allow it: System Settings > Privacy & Security > Screen Recording');
    expect(await page.locator('li[data-notice="accessibility"]').innerText()).toContain('Privacy & Security > Accessibility');
    expect(await page.locator('#sign-in').isVisible()).toBe(true);
  });

  it('its button asks main to open the pane by name (never a URL)', async () => {
    await page.getByRole('button', { name: 'Open Screen Recording settings' }).click();
    await expect
      .poll(async () => (await stub.invokes()).filter(([channel]) => channel === 'permissions:open-settings'))
      .toEqual([['permissions:open-settings', { pane: 'screen-recording' }]]);
  });

  it('a granted permission takes its notice away; a Wayland session shows one with no button', async () => {
    await stub.push(signedOutState([]));
    await expect.poll(() => page.locator('#permissions').isVisible()).toBe(false);
    await stub.push(signedOutState([{ kind: 'wayland-session' }]));
    const wayland = page.locator('li[data-notice="wayland-session"]');
    await expect.poll(() => wayland.count()).toBe(1);
    expect(await wayland.innerText()).toContain('show as unavailable here, never guessed');
    expect(await wayland.locator('button').count()).toBe(0);
    expect(stub.problems).toEqual([]);
  });
});
