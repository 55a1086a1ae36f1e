import { existsSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../tests/support/fake-clock.js';
import { seriousViolations } from '../../../tests/support/axe.js';
import { DEMO_ACCOUNTS } from '../../src/domain/demo.js';
import { diaryCell, thumbnailsLoaded, useDashboardBrowser, type WatchedPage } from './support/pages.js';
import { contractPageAt, imageStatus as imageStatusOf, sealedObjectFile, showWeek, weekOf as weekAnswer, weekTableRows } from './support/weeks.js';
import { startE2eServer, uploadPlan, type E2eServer, type PlannedSegment, type UploadedSegment } from './support/world.js';

const [CLIENT, FREELANCER] = DEMO_ACCOUNTS;
const at = (iso: string) => Date.parse(iso);
const shot = (memo: string, minutes = 10): PlannedSegment => ({ memo, app: 'Code', minutes, activeMinutes: minutes, screenshot: true });

/**
 * Issue 14, the week page, in real Chromium against the real server on loopback (SQLite, files on disk). The
 * server's clock is a fake one standing on Wednesday 25 November 2026, 10:00 UTC, and the browser's clock is set
 * to the same moment, so last week (16–22 November) has ended and waits in review until Saturday 28 November.
 * The demo contract counts its weeks in UTC; the browser sits in Auckland (UTC+13), so a page that cut days in
 * the viewer's zone would put Sunday evening's work on Monday.
 */
describe('the week page in Chromium', () => {
  const browser = useDashboardBrowser('wt-e2e-week-', { timezoneId: 'Pacific/Auckland' });
  const clock = new FakeClock({ wallMs: at('2026-11-25T10:00:00Z') });
  let server: E2eServer;
  let monday: UploadedSegment[];
  let sunday: UploadedSegment[];
  let thisWeek: UploadedSegment[];
  const pages: WatchedPage[] = [];

  beforeAll(async () => {
    server = await startE2eServer({ clock });
    monday = await uploadPlan(server, at('2026-11-16T09:00:00Z'), [shot('Schema'), shot('Schema'), shot('Tests')]);
    // Sunday 20:00 UTC: Monday 09:00 in Auckland, still Sunday on the contract's calendar.
    sunday = await uploadPlan(server, at('2026-11-22T20:00:00Z'), [shot('Review'), { memo: null, app: 'Code', minutes: 4, activeMinutes: 2, screenshot: false }]);
    thisWeek = await uploadPlan(server, at('2026-11-25T08:00:00Z'), [shot('This week')]);
    // The freelancer deletes one of Monday's screenshots: its ten minutes are "removed", no longer billable.
    expect((await server.api('DELETE', `screenshots/${monday[2]!.screenshotId}`, server.freelancerToken)).status).toBe(200);
  });
  // Each test's tabs close after it: every tab holds a policy stream open, and Chromium opens at most six
  // connections to one server, so tabs left open would starve the next test's requests.
  afterEach(async () => {
    try {
      for (const watched of pages) {
        // Nothing the page did may have broken the CSP, thrown, or fetched an image without the token.
        expect(watched.problems).toEqual([]);
        expect(watched.unauthorisedImageRequests).toEqual([]);
      }
    } finally {
      for (const watched of pages.splice(0)) await watched.page.close();
    }
  });
  afterAll(async () => server?.close());

  async function signedIn(account: (typeof DEMO_ACCOUNTS)[number]): Promise<WatchedPage> {
    const watched = await contractPageAt(browser.context, server, clock.now(), account);
    pages.push(watched);
    return watched;
  }
  const weekOf = (date: string) => weekAnswer(server, date);
  const tableRows = (watched: WatchedPage) => weekTableRows(watched.page);

  it('shows the running week, then last week in review: the server’s days and totals, its state, the auto-approval date, the placeholders', async () => {
    const watched = await signedIn(CLIENT);
    const { page } = watched;
    // This week (23–29 November): running, nothing to approve yet.
    expect(await page.locator('#diary-title').textContent()).toBe('Work diary, week of 23 November 2026');
    expect(await page.locator('.week-state').textContent()).toBe('Open: the week is running. It approves automatically on Saturday 5 Dec 2026, 00:00 (UTC) unless you approve it first.');
    expect(await page.getByRole('button', { name: 'Approve this week' }).count()).toBe(0);

    await page.getByRole('link', { name: '← Previous week' }).click();
    await page.locator('#diary[data-week="2026-11-16"]').waitFor();
    expect(await page.locator('#diary-title').textContent()).toBe('Work diary, week of 16 November 2026');
    expect(await page.locator('.week-state').textContent()).toBe('In review: approves automatically on Saturday 28 Nov 2026, 00:00 (UTC) unless you approve it first.');
    // The table is the server's week, Monday to Sunday, to the minute; the page sums nothing itself.
    const week = await weekOf('2026-11-16');
    expect(week.totals).toEqual({ trackedSeconds: 44 * 60, billableSeconds: 34 * 60, idleSeconds: 0, removedSeconds: 10 * 60 });
    expect(await tableRows(watched)).toEqual([
      ['Day', 'Tracked', 'Billable', 'Idle', 'Removed'],
      ['Monday 16 November', '0:30 h', '0:20 h', '0:00 h', '0:10 h'],
      ['Tuesday 17 November', '0:00 h', '0:00 h', '0:00 h', '0:00 h'],
      ['Wednesday 18 November', '0:00 h', '0:00 h', '0:00 h', '0:00 h'],
      ['Thursday 19 November', '0:00 h', '0:00 h', '0:00 h', '0:00 h'],
      ['Friday 20 November', '0:00 h', '0:00 h', '0:00 h', '0:00 h'],
      ['Saturday 21 November', '0:00 h', '0:00 h', '0:00 h', '0:00 h'],
      ['Sunday 22 November', '0:14 h', '0:14 h', '0:00 h', '0:00 h'],
      ['Week', '0:44 h', '0:34 h', '0:00 h', '0:10 h'],
    ]);
    expect(await page.locator('.week-totals').textContent()).toBe('Tracked 0:44 h · Billable 0:34 h');
    // Each day's segments under its own day of the contract's calendar, with the server's day totals.
    expect(await page.locator('section.day').evaluateAll((days) => days.map((d) => d.getAttribute('data-date')))).toEqual(['2026-11-16', '2026-11-22']);
    expect(await page.locator('section.day[data-date="2026-11-22"] h3').textContent()).toBe('Sunday 22 November');
    expect(await page.locator('section.day[data-date="2026-11-22"] li.cell').count()).toBe(2);
    expect(await diaryCell(page, sunday[0]!.id).locator('.cell-time strong').textContent()).toBe('20:00–20:10'); // the contract's clock
    expect(await page.locator('.day-totals').allTextContents()).toEqual(['Tracked 0:30 h · Billable 0:20 h', 'Tracked 0:14 h · Billable 0:14 h']);
    expect(await thumbnailsLoaded(page)).toBe(3);
    expect(await diaryCell(page, monday[2]!.id).locator('.placeholder').textContent()).toBe('Removed by the freelancer');
    expect(await diaryCell(page, sunday[1]!.id).locator('.placeholder').textContent()).toBe('No screenshot in this segment');
    expect(await seriousViolations(page), 'axe: a week in review').toEqual([]);
    // The next week link comes back to this one.
    await page.getByRole('link', { name: 'Next week →' }).click();
    await page.locator('#diary[data-week="2026-11-23"]').waitFor();
  });

  it('lets the client dispute one segment with a note, which the freelancer reads as text', async () => {
    const watched = await signedIn(CLIENT);
    const { page } = watched;
    await showWeek(page, server.contract.id, '2026-11-16');
    const target = diaryCell(page, sunday[0]!.id);
    await target.getByRole('button', { name: 'Dispute, segment 20:00–20:10' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.locator('h2').textContent()).toBe('Dispute the segment 20:00–20:10?');
    expect(await seriousViolations(page), 'axe: the dispute form').toEqual([]);
    // Markup in a note stays text: the freelancer's page must not run or render it.
    const note = 'Review on a Sunday evening? <img src=x onerror="document.title=1"> Not agreed.';
    await dialog.getByLabel('Why do you dispute it? The freelancer reads this note.').fill(note);
    await dialog.getByRole('button', { name: 'Dispute this segment' }).click();
    await expect.poll(() => target.locator('.dispute').textContent()).toMatch(/^You disputed this segment · \d{1,2} \w{3} \d{2}:\d{2}/);
    expect(await page.locator('.disputed-time').textContent()).toBe('You dispute 1 segment (0:10 h): approving the week approves everything else, until each dispute is withdrawn.');
    const review = await server.api('GET', `contracts/${server.contract.id}/weeks/2026-11-16`, server.clientToken);
    expect(review.json.disputes.map((d: { segmentId: string; note: string }) => [d.segmentId, d.note])).toEqual([[sunday[0]!.id, note]]);

    const freelancer = await signedIn(FREELANCER);
    await showWeek(freelancer.page, server.contract.id, '2026-11-16');
    const seen = diaryCell(freelancer.page, sunday[0]!.id).locator('.dispute');
    expect(await seen.textContent()).toMatch(new RegExp(`^Disputed by the client · .+${note.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    expect(await seen.locator('img').count()).toBe(0);
    expect(await freelancer.page.title()).not.toBe('1');
    expect(await freelancer.page.getByRole('button', { name: /^Dispute/ }).count()).toBe(0); // only the client disputes
    expect(await freelancer.page.locator('.disputed-time').textContent()).toBe(
      'The client disputes 1 segment (0:10 h): approving the week approves everything else, until each dispute is withdrawn.',
    );
  });

  it('lets the client approve a week in review after one question; the freelancer sees the state and no button', async () => {
    const watched = await signedIn(CLIENT);
    const { page } = watched;
    await page.getByRole('link', { name: '← Previous week' }).click();
    await page.locator('#diary[data-week="2026-11-16"]').waitFor();
    await page.getByRole('button', { name: 'Approve this week' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.locator('h2').textContent()).toBe('Approve the week of 16 November 2026?');
    expect(await dialog.locator('p').textContent()).toBe(
      'You approve 0:34 h billable of 0:44 h tracked. Once approved the week is locked: the freelancer can no longer delete its screenshots or shrink its time. ' +
        'Otherwise it approves automatically on Saturday 28 Nov 2026, 00:00 (UTC).',
    );
    expect(await seriousViolations(page), 'axe: the approval question').toEqual([]);
    // "Not yet" changes nothing.
    await dialog.getByRole('button', { name: 'Not yet' }).click();
    expect((await weekOf('2026-11-16')).state).toBe('in_review');

    await page.getByRole('button', { name: 'Approve this week' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Approve', exact: true }).click();
    await expect.poll(() => page.locator('.week-state').textContent()).toBe('Approved by you on Wednesday 25 Nov 2026, 10:00 (UTC).');
    expect(await page.getByRole('button', { name: 'Approve this week' }).count()).toBe(0);
    const approved = await weekOf('2026-11-16');
    expect(approved.state).toBe('approved');
    expect(approved.totals).toEqual({ trackedSeconds: 44 * 60, billableSeconds: 34 * 60, idleSeconds: 0, removedSeconds: 10 * 60 });
    expect(await seriousViolations(page), 'axe: an approved week').toEqual([]);
    // The disputed segment is left out of the approval; its note can no longer change, the dispute can be withdrawn.
    expect(await page.locator('.disputed-time').textContent()).toBe('You dispute 1 segment (0:10 h): they are not approved with the week, until each dispute is withdrawn.');
    expect(await diaryCell(page, sunday[0]!.id).getByRole('button', { name: /^Change the note/ }).count()).toBe(0);
    await diaryCell(page, sunday[0]!.id).getByRole('button', { name: 'Withdraw the dispute, segment 20:00–20:10' }).click();
    await expect.poll(() => page.locator('.disputed-time').count()).toBe(0);
    expect(await diaryCell(page, sunday[0]!.id).locator('.dispute').count()).toBe(0);

    const freelancer = await signedIn(FREELANCER);
    await freelancer.page.getByRole('link', { name: '← Previous week' }).click();
    await freelancer.page.locator('#diary[data-week="2026-11-16"]').waitFor();
    expect(await freelancer.page.locator('.week-state').textContent()).toBe('Approved by the client on Wednesday 25 Nov 2026, 10:00 (UTC).');
    expect(await freelancer.page.getByRole('button', { name: 'Approve this week' }).count()).toBe(0);
    expect(await diaryCell(freelancer.page, monday[2]!.id).locator('.placeholder').textContent()).toBe('Removed by you');
    expect(await tableRows(freelancer)).toEqual(await tableRows(watched));
    expect(await freelancer.page.locator('button.bulk-delete').count()).toBe(0); // only the client deletes in bulk
    expect(await freelancer.page.getByRole('button', { name: 'Download CSV' }).count()).toBe(1); // both parties export
    expect(await freelancer.page.getByRole('button', { name: 'Save approval settings' }).count()).toBe(0); // nor sets how weeks approve
  });

  const objectFile = (segment: UploadedSegment) => sealedObjectFile(server, segment);
  const imageStatus = (segment: UploadedSegment) => imageStatusOf(server, segment);

  it('deletes a day’s, a week’s and the whole contract’s screenshots after one question stating the count; the time stays billable', async () => {
    const watched = await signedIn(CLIENT);
    const { page } = watched;
    const files = await Promise.all([monday[0]!, monday[1]!, sunday[0]!, thisWeek[0]!].map(objectFile));
    expect(files.every((file) => existsSync(file))).toBe(true);
    await page.getByRole('link', { name: '← Previous week' }).click();
    await page.locator('#diary[data-week="2026-11-16"]').waitFor();
    const rowsBefore = await tableRows(watched);
    const weekBefore = await weekOf('2026-11-16');

    // One day: Monday still has two of its three screenshots (the freelancer deleted one).
    await page.getByRole('button', { name: 'Delete this day’s screenshots, Monday 16 November' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.locator('h2').textContent()).toBe('Delete 2 screenshots of Monday 16 November?');
    expect(await dialog.locator('p').textContent()).toBe(
      'All 2 screenshots of Monday 16 November still stored are deleted for good, from the server and its storage; the diary keeps a placeholder. The time stays billable: no hour changes.',
    );
    expect(await seriousViolations(page), 'axe: the bulk deletion question').toEqual([]);
    await dialog.getByRole('button', { name: 'Delete 2 screenshots' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toBe('Deleted 2 screenshots of Monday 16 November (1 had been deleted already). The time stays billable.');
    for (const segment of [monday[0]!, monday[1]!]) {
      await expect.poll(() => diaryCell(page, segment.id).locator('.placeholder').textContent()).toMatch(/^Removed by you on \d{1,2} \w{3} \d{2}:\d{2}$/);
      expect(await imageStatus(segment)).toBe(410);
    }
    expect([existsSync(files[0]!), existsSync(files[1]!), existsSync(files[2]!)]).toEqual([false, false, true]);
    expect(await tableRows(watched)).toEqual(rowsBefore);
    expect((await weekOf('2026-11-16')).totals).toEqual(weekBefore.totals);
    expect(await page.locator('section.day[data-date="2026-11-16"] button.bulk-delete').count()).toBe(0); // nothing left to delete there

    // The week: what is left of it is Sunday's one; the server also counts the three gone before.
    await page.getByRole('button', { name: 'Delete this week’s screenshots' }).click();
    expect(await page.getByRole('dialog').locator('h2').textContent()).toBe('Delete 1 screenshot of the week of 16 November 2026?');
    await page.getByRole('dialog').getByRole('button', { name: 'Delete 1 screenshot' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toBe(
      'Deleted 1 screenshot of the week of 16 November 2026 (3 had been deleted already). The time stays billable.',
    );
    await expect.poll(() => diaryCell(page, sunday[0]!.id).locator('.placeholder').textContent()).toMatch(/^Removed by you on /);
    expect(existsSync(files[2]!)).toBe(false);
    expect(await page.getByRole('button', { name: 'Delete this week’s screenshots' }).count()).toBe(0);
    expect(await tableRows(watched)).toEqual(rowsBefore);

    // The whole contract: this week's one is all that is left, counted over the contract's whole diary.
    await page.getByRole('button', { name: 'Delete the whole contract’s screenshots' }).click();
    expect(await page.getByRole('dialog').locator('h2').textContent()).toBe('Delete 1 screenshot of this contract?');
    await page.getByRole('dialog').getByRole('button', { name: 'Delete 1 screenshot' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toBe('Deleted 1 screenshot of this contract (4 had been deleted already). The time stays billable.');
    expect(await imageStatus(thisWeek[0]!)).toBe(410);
    expect(existsSync(files[3]!)).toBe(false);
    // Nothing is left: asked again, the page says so without a question.
    await page.getByRole('button', { name: 'Delete the whole contract’s screenshots' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toBe('No screenshot of this contract is stored.');
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect((await weekOf('2026-11-16')).totals).toEqual(weekBefore.totals);
    expect((await weekOf('2026-11-25')).totals.billableSeconds).toBe(10 * 60);
  });
});
