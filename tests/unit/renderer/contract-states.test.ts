import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppState, ContractView } from '../../../src/shared/ipc/index.js';
import { openStubPage, type StubPage } from './support/stub-page.js';

/**
 * Issue 13 in the app's page (real Chromium over a stand-in bridge): the picker offers only contracts that can be
 * tracked, the others are listed with why not, and a session the client stopped says so until tracking starts again.
 */
const contract = (id: string, name: string, trackable: boolean, stateWords: string, whyNot: string | null): ContractView => ({
  id,
  name,
  clientEmail: 'client@demo.test',
  screenshots: 'on',
  segmentSeconds: 600,
  policyVersion: 1,
  stateWords,
  trackable,
  whyNot,
});
const STOPPED = 'Tracking stopped: “Website” was paused by the client. What was recorded is kept.';

function state(contracts: ContractView[], contractStopped: string | null): AppState {
  return {
    account: { email: 'ana@demo.test', serverUrl: 'http://127.0.0.1:4010' },
    contracts,
    tracking: { status: 'stopped', contractId: null, memo: null, todayMs: 0, weekMs: 0, segment: null, diskFull: null, contractStopped },
    recentScreenshots: [],
    sync: { online: true, pendingSegments: 0, pendingScreenshots: 0, parked: [], lastSyncAt: null, lastError: null, signInAgain: false, waiting: [] },
    launchAtLogin: false,
    permissions: { notices: [] },
  };
}

describe('contract states in the page (real Chromium)', () => {
  let stub: StubPage;
  const all = [
    contract('c1', 'Website', false, 'paused by the client', 'it was paused by the client'),
    contract('c2', 'Invoices', true, 'active', null),
    contract('c3', 'Old shop', false, 'ended by the freelancer', 'it was ended by the freelancer'),
  ];

  beforeAll(async () => {
    stub = await openStubPage(state(all, STOPPED));
    await stub.page.getByRole('heading', { name: 'Work', exact: true }).waitFor();
  });
  afterAll(async () => {
    await stub?.close();
  });

  it('offers only what can be tracked, and says why not for the rest', async () => {
    const { page } = stub;
    expect(await page.locator('#contract option').allTextContents()).toEqual(['Invoices — Screenshots on']);
    expect(await page.locator('#contracts-unavailable li').allTextContents()).toEqual([
      'Website: cannot be tracked, it was paused by the client.',
      'Old shop: cannot be tracked, it was ended by the freelancer.',
    ]);
    expect(await page.getByRole('button', { name: 'Start' }).isEnabled()).toBe(true);
  });

  it('says why tracking stopped, and offers no Start when nothing can be tracked', async () => {
    const { page } = stub;
    const notice = page.locator('#contract-stopped');
    expect(await notice.isVisible()).toBe(true);
    expect(await notice.textContent()).toBe(STOPPED);
    await stub.push(state([all[0]!, all[2]!], null));
    await expect.poll(() => notice.isVisible()).toBe(false);
    await expect.poll(() => page.locator('#contract-policy').textContent()).toBe('None of your contracts can be tracked now.');
    expect(await page.locator('#contract option').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Start' }).isDisabled()).toBe(true);
    expect(stub.problems).toEqual([]);
  });
});
