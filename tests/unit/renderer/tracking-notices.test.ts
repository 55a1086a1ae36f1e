import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppState } from '../../../src/shared/ipc/index.js';
import { openStubPage, type StubPage } from './support/stub-page.js';

/**
 * What the page shows of the core's notices while tracking, in real Chromium over a stand-in bridge: the open
 * segment's removed time, a full disk, a parked upload in a sentence with the server's answer folded away, and
 * "Sign in again" showing the form without signing out (tracking goes on, as the banner says).
 */
const account = { email: 'ana@demo.test', serverUrl: 'http://127.0.0.1:4010' };
const REMOVED = "This segment's time was removed with its screenshot; tracking counts again from 14:10.";
const DISK_FULL = 'Disk full: screenshots are skipped and 2 minutes are kept in memory until there is room in /data/worktrace. Tracking goes on; free some space there.';

function trackingState(changes: { diskFull?: AppState['tracking']['diskFull']; signInAgain?: boolean } = {}): AppState {
  return {
    account,
    contracts: [{ id: 'c1', name: 'Invoices', clientEmail: 'client@demo.test', screenshots: 'on', segmentSeconds: 600, policyVersion: 1, stateWords: 'active', trackable: true, whyNot: null }],
    tracking: {
      status: 'running',
      contractId: 'c1',
      memo: 'tax column',
      todayMs: 3_600_000,
      weekMs: 7_200_000,
      segment: {
        startedAt: '2026-11-26T14:00:00.000Z',
        activeMinutes: 3,
        trackedMinutes: 4,
        timeRemoved: { countsAgainAt: '2026-11-26T14:10:00.000Z', message: REMOVED },
      },
      diskFull: changes.diskFull === undefined ? { unsavedMinutes: 2, message: DISK_FULL } : changes.diskFull,
    },
    recentScreenshots: [],
    sync: {
      online: true,
      pendingSegments: 0,
      pendingScreenshots: 0,
      parked: [
        {
          kind: 'screenshot',
          error: 'the server could not read it as a picture.',
          todo: 'Nothing to fix on your side; if it keeps failing, report it.',
          retryAt: '2026-11-26T15:05:00.000Z',
          detail: 'HTTP 422 INVALID_IMAGE: the body is not an image of type image/jpeg',
        },
      ],
      lastSyncAt: null,
      lastError: null,
      signInAgain: changes.signInAgain ?? true,
      waiting: [],
    },
    launchAtLogin: false,
    permissions: { notices: [] },
  };
}

describe('tracking notices in the page (real Chromium)', () => {
  let stub: StubPage;
  let page: Page;

  beforeAll(async () => {
    stub = await openStubPage(trackingState());
    page = stub.page;
    await page.getByRole('heading', { name: 'Work', exact: true }).waitFor();
  });
  afterAll(async () => {
    await stub?.close();
  });

  it("shows the open segment's removed time under its figures", async () => {
    const removed = page.locator('#segment-removed');
    expect(await removed.isVisible()).toBe(true);
    expect(await removed.textContent()).toBe(REMOVED);
  });

  it('shows a full disk while it lasts, and takes the notice away when room returns', async () => {
    const notice = page.locator('#disk-full');
    expect(await notice.isVisible()).toBe(true);
    expect(await notice.textContent()).toBe(DISK_FULL);
    await stub.push(trackingState({ diskFull: null }));
    await expect.poll(() => notice.isVisible()).toBe(false);
  });

  it("lists a parked upload as a sentence with what to do and when it is tried again, the server's answer only under Details", async () => {
    const item = page.locator('#sync-parked li');
    expect(await item.locator('.parked-words').textContent()).toBe('A screenshot the server would not take: the server could not read it as a picture.');
    const at = await page.evaluate(() => `${String(new Date('2026-11-26T15:05:00.000Z').getHours()).padStart(2, '0')}:05`);
    expect(await item.locator('.parked-todo').textContent()).toBe(
      `Nothing to fix on your side; if it keeps failing, report it. Tried again on its own at ${at}; Retry tries now.`,
    );
    const detail = item.locator('details p');
    expect(await detail.isVisible()).toBe(false);
    await item.locator('summary').click();
    expect(await detail.textContent()).toBe('The server said: HTTP 422 INVALID_IMAGE: the body is not an image of type image/jpeg');
  });

  it('offers Retry while something is parked, and it asks main to try the parked items now', async () => {
    const retry = page.getByRole('button', { name: 'Retry' });
    expect(await retry.isVisible()).toBe(true);
    await retry.click();
    await expect.poll(async () => (await stub.invokes()).map(([channel]) => channel)).toContain('sync:retry-parked');
    expect((await stub.invokes()).find(([channel]) => channel === 'sync:retry-parked')?.[1]).toEqual({});
  });

  it('"Sign in again" shows the form filled in, signs nobody out, and the form goes once signed in', async () => {
    await page.getByRole('button', { name: 'Sign in again' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Work', exact: true }).isVisible()).toBe(true);
    expect(await page.getByLabel('Server URL').inputValue()).toBe(account.serverUrl);
    expect(await page.getByLabel('Email').inputValue()).toBe(account.email);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('password');
    expect((await stub.invokes()).map(([channel]) => channel)).not.toContain('auth:sign-out');

    await stub.push(trackingState({ diskFull: null })); // a state push while typing keeps the form
    expect(await page.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);
    await page.evaluate((state) => {
      (window as unknown as { __state: AppState }).__state = state; // what main answers the sign-in with
    }, trackingState({ diskFull: null, signInAgain: false }));
    await page.getByLabel('Password').fill('secret');
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor({ state: 'hidden' });
    const signIns = (await stub.invokes()).filter(([channel]) => channel === 'auth:sign-in');
    expect(signIns).toEqual([['auth:sign-in', { serverUrl: account.serverUrl, email: account.email, password: 'secret' }]]);
    expect(await page.getByLabel('Password').inputValue()).toBe('');
    expect(stub.problems).toEqual([]);
  });
});
