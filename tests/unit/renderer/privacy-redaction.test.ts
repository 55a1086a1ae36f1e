import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppState } from '../../../src/shared/ipc/index.js';
import type { RedactionReport } from '../../../src/shared/privacy/index.js';
import { openStubPage, type StubPage } from './support/stub-page.js';

/**
 * The private-window settings say "painted out of every screenshot … on every monitor": where the session's capturer
 * cannot do that (desktopCapturer), the page says so in a warning, in real Chromium over a stand-in bridge.
 */
const PARTIAL: RedactionReport = {
  redaction: 'focused-window',
  backend: 'electron-desktop-capturer',
  reason:
    'electron-desktop-capturer hands back a picture of the screen and cannot tell where windows are: a screenshot is skipped while a private window is focused, but a private window in the background is not painted out',
};

function signedInState(redaction: RedactionReport | null): AppState {
  return {
    account: { email: 'ana@demo.test', serverUrl: 'http://127.0.0.1:4010' },
    contracts: [],
    tracking: { status: 'stopped', contractId: null, memo: null, todayMs: 0, weekMs: 0, segment: null },
    recentScreenshots: [],
    sync: { online: true, pendingSegments: 0, pendingScreenshots: 0, parked: [], lastSyncAt: null, lastError: null, signInAgain: false },
    launchAtLogin: false,
    permissions: { notices: [] },
    privacy: { rules: [{ kind: 'title', pattern: '*Patient*' }], unreadable: null, keepAppNames: false, redaction },
  };
}

describe('private-window redaction notice in the page (real Chromium)', () => {
  let stub: StubPage;
  let page: Page;

  beforeAll(async () => {
    stub = await openStubPage(signedInState(PARTIAL));
    page = stub.page;
  });
  afterAll(async () => {
    await stub?.close();
  });

  it('says redaction is partial with desktopCapturer, and why', async () => {
    const notice = page.locator('#privacy-partial');
    await expect.poll(() => notice.isVisible()).toBe(true);
    expect(await notice.innerText()).toBe(`Private windows: redaction is PARTIAL here (electron-desktop-capturer): ${PARTIAL.reason}.`);
  });

  it('says nothing more where every window is painted out, or before the first Start', async () => {
    await stub.push(signedInState({ redaction: 'windows', backend: 'native-xshm', reason: 'every window’s frame is read with the pixels' }));
    await expect.poll(() => page.locator('#privacy-partial').isVisible()).toBe(false);
    await stub.push(signedInState(PARTIAL));
    await expect.poll(() => page.locator('#privacy-partial').isVisible()).toBe(true);
    await stub.push(signedInState(null));
    await expect.poll(() => page.locator('#privacy-partial').isVisible()).toBe(false);
  });

  it('says no screenshot is taken while any rule exists where the focused window cannot be read (Wayland)', async () => {
    const reason = 'electron-desktop-capturer cannot tell where windows are and the focused window cannot be read here (Wayland does not tell applications which window is active): while any private-window rule is in force, no screenshot is taken';
    await stub.push(signedInState({ redaction: 'while-any-rule', backend: 'electron-desktop-capturer', reason }));
    const notice = page.locator('#privacy-partial');
    await expect.poll(() => notice.isVisible()).toBe(true);
    expect(await notice.innerText()).toBe(`Private windows: no screenshot while you have any (electron-desktop-capturer): ${reason}.`);
  });
});
