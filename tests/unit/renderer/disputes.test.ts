import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppState, DisputeView } from '../../../src/shared/ipc/index.js';
import { seriousViolations } from '../../support/axe.js';
import { quietState } from './support/app-state.js';
import { openStubPage, type StubPage } from './support/stub-page.js';

/** A note holding markup and a script: the page must show these characters, and draw and run none of it. */
const NOTE = 'Not this project: <img src=x onerror="document.title=\'owned\'"><b>bold?</b>\n<script>document.title="owned"</script>';
const DISPUTES: DisputeView[] = [
  { contractId: 'C1', contractName: 'Landing page', segmentId: '01KAAAAAAAAAAAAAAAAAAAAAA2', startedAt: '2026-01-07T12:00:00.000Z', note: NOTE, at: '2026-01-08T09:30:00.000Z' },
  { contractId: 'C1', contractName: 'Landing page', segmentId: '01KAAAAAAAAAAAAAAAAAAAAAA1', startedAt: '2026-01-06T12:00:00.000Z', note: 'Which ticket?', at: '2026-01-08T09:31:00.000Z' },
];

function state(disputes: DisputeView[] | undefined, signedIn = true): AppState {
  return quietState(disputes === undefined ? {} : { disputes }, signedIn);
}

/**
 * Issue 14: the app page lists the segments the client disputes ("Disputed by the client"), each with its contract,
 * the segment's time and the client's note, as text; in real Chromium over a stand-in bridge (the page runs in UTC).
 */
describe('disputes in the app page (real Chromium)', () => {
  let stub: StubPage;
  let page: Page;

  beforeAll(async () => {
    stub = await openStubPage(state(DISPUTES));
    page = stub.page;
    await page.getByRole('heading', { name: 'Disputed by the client' }).waitFor();
  });
  afterAll(async () => {
    await stub?.close();
  });

  it('lists each disputed segment with its contract, time and the note as text, newest first', async () => {
    const items = page.locator('#disputes-list > li');
    expect(await items.count()).toBe(2);
    expect(await items.nth(0).locator('.dispute-segment').textContent()).toMatch(/^Landing page: the segment of Wed 7 Jan, \d\d:00$/);
    expect(await items.nth(0).locator('.dispute-note').textContent()).toBe(NOTE);
    expect(await items.nth(0).locator('.dispute-at').textContent()).toMatch(/^Disputed Thu 8 Jan, \d\d:30$/);
    expect(await items.nth(1).locator('.dispute-note').textContent()).toBe('Which ticket?');
    expect(await items.nth(0).getAttribute('data-segment-id')).toBe('01KAAAAAAAAAAAAAAAAAAAAAA2');
    // Nothing of the markup became an element or ran.
    expect(await page.locator('#disputes img, #disputes b, #disputes script').count()).toBe(0);
    expect(await page.title()).not.toBe('owned');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('follows the state: a withdrawn dispute leaves the list, none (or signed out) hides the section', async () => {
    await stub.push(state(DISPUTES.slice(1)));
    await expect.poll(() => page.locator('#disputes-list > li').count()).toBe(1);
    await stub.push(state([]));
    await expect.poll(() => page.locator('#disputes').isVisible()).toBe(false);
    await stub.push(state(DISPUTES));
    await expect.poll(() => page.locator('#disputes').isVisible()).toBe(true);
    await stub.push(state(DISPUTES, false));
    await expect.poll(() => page.locator('#disputes').isVisible()).toBe(false);
    expect(stub.problems).toEqual([]);
  });
});
