import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from '../../../tests/support/axe.js';
import { FakeClock } from '../../../tests/support/fake-clock.js';
import { DEMO_ACCOUNTS } from '../../src/domain/demo.js';
import { csvRecords } from '../support/csv.js';
import { diaryCell, thumbnailsLoaded, useDashboardBrowser, type WatchedPage } from './support/pages.js';
import { contractPageAt, imageStatus, sealedObjectFile, showWeek, weekOf, weekTableRows } from './support/weeks.js';
import { startE2eServer, uploadPlan, type E2eServer, type PlannedSegment, type UploadedSegment } from './support/world.js';

const [CLIENT] = DEMO_ACCOUNTS;
const at = (iso: string) => Date.parse(iso);
const shot = (memo: string): PlannedSegment => ({ memo, app: 'Code', minutes: 10, activeMinutes: 9, screenshot: true });

/**
 * Issue 14 end to end, in real Chromium against the real server on loopback (SQLite, sealed objects on disk): the
 * client reviews last week with its screenshots, deletes one day's in bulk (the count shown, the time unchanged) and
 * approves the week; the deleted images answer 410, their sealed objects are gone from the store, billable time is
 * unchanged and the page shows the placeholders. The server's clock is a fake one on Wednesday 25 November 2026,
 * the browser's set alike: last week (16–22 November) has ended and waits in review.
 */
describe('the client reviews and approves a week, in Chromium', () => {
  const browser = useDashboardBrowser('wt-e2e-week-review-');
  const clock = new FakeClock({ wallMs: at('2026-11-25T10:00:00Z') });
  let server: E2eServer;
  let tuesday: UploadedSegment[];
  let thursday: UploadedSegment[];
  let watched: WatchedPage | undefined;

  beforeAll(async () => {
    server = await startE2eServer({ clock });
    tuesday = await uploadPlan(server, at('2026-11-17T09:00:00Z'), [shot('Importer'), shot('Importer'), shot('Importer: tests')]);
    thursday = await uploadPlan(server, at('2026-11-19T14:00:00Z'), [shot('Review'), shot('Release notes')]);
  });
  afterAll(async () => {
    try {
      expect(watched?.problems).toEqual([]);
      expect(watched?.unauthorisedImageRequests).toEqual([]);
    } finally {
      await watched?.page.close();
      await server?.close();
    }
  });

  it('bulk-deletes a day (count shown, time unchanged), approves the week: 410, no sealed object, billable unchanged, placeholders', async () => {
    watched = await contractPageAt(browser.context, server, clock.now(), CLIENT);
    const { page } = watched;
    await showWeek(page, server.contract.id, '2026-11-16');
    expect(await thumbnailsLoaded(page)).toBe(5);
    const rowsBefore = await weekTableRows(page);
    const before = await weekOf(server, '2026-11-16');
    expect(before.totals).toEqual({ trackedSeconds: 50 * 60, billableSeconds: 50 * 60, idleSeconds: 0, removedSeconds: 0 });
    expect(rowsBefore.at(-1)).toEqual(['Week', '0:50 h', '0:50 h', '0:00 h', '0:00 h']);
    const tuesdayFiles = await Promise.all(tuesday.map((s) => sealedObjectFile(server, s)));
    expect(tuesdayFiles.every((file) => existsSync(file))).toBe(true);

    // Tuesday's three screenshots, in one action with one question that states the count.
    await page.getByRole('button', { name: 'Delete this day’s screenshots, Tuesday 17 November' }).click();
    const question = page.getByRole('dialog');
    expect(await question.locator('h2').textContent()).toBe('Delete 3 screenshots of Tuesday 17 November?');
    expect(await question.locator('p').textContent()).toMatch(/The time stays billable: no hour changes\.$/);
    await question.getByRole('button', { name: 'Delete 3 screenshots' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toBe('Deleted 3 screenshots of Tuesday 17 November. The time stays billable.');
    for (const segment of tuesday) {
      await expect.poll(() => diaryCell(page, segment.id).locator('.placeholder').textContent()).toMatch(/^Removed by you on /);
      expect(await imageStatus(server, segment)).toBe(410);
    }
    expect(tuesdayFiles.filter((file) => existsSync(file))).toEqual([]);
    expect(await weekTableRows(page)).toEqual(rowsBefore);
    expect((await weekOf(server, '2026-11-16')).totals).toEqual(before.totals);

    // What is left of the week is Thursday's two, whole.
    const thursdayFiles = await Promise.all(thursday.map((s) => sealedObjectFile(server, s)));
    expect(thursdayFiles.every((file) => existsSync(file))).toBe(true);
    for (const segment of thursday) expect(await imageStatus(server, segment)).toBe(200);

    // "Delete screenshots when a week is approved", turned on in the contract's settings: the week says so in advance.
    expect(await page.locator('.deletion-notice').count()).toBe(0);
    await page.getByLabel('Delete screenshots when a week is approved').check();
    await page.getByRole('button', { name: 'Save approval settings' }).click();
    await expect.poll(() => page.locator('.delete-on-approval').textContent()).toBe('the week’s screenshots are deleted; its time stays billable');
    expect(await page.locator('.deletion-notice').textContent()).toBe(
      'Screenshots of this week (2 screenshots) will be deleted when you approve it, at the latest on Saturday 28 Nov 2026, 00:00 (UTC). The time stays billable.',
    );
    expect(await seriousViolations(page), 'axe: the approval settings and the notice').toEqual([]);

    // The week is approved after one question, which says what goes.
    await page.getByRole('button', { name: 'Approve this week' }).click();
    expect(await page.getByRole('dialog').locator('p').textContent()).toMatch(/ Approving deletes its 2 screenshots for good; the time stays billable\.$/);
    await page.getByRole('dialog').getByRole('button', { name: 'Approve', exact: true }).click();
    await expect.poll(() => page.locator('.week-state').textContent()).toBe('Approved by you on Wednesday 25 Nov 2026, 10:00 (UTC).');
    const approved = await weekOf(server, '2026-11-16');
    expect(approved.state).toBe('approved');
    expect(approved.totals).toEqual(before.totals);
    expect(await weekTableRows(page)).toEqual(rowsBefore);
    // Thursday's two went with the approval: placeholders, 410, no sealed object left.
    for (const segment of thursday) {
      await expect.poll(() => diaryCell(page, segment.id).locator('.placeholder').textContent()).toMatch(/^Removed on approval on /);
      expect(await imageStatus(server, segment)).toBe(410);
    }
    expect(thursdayFiles.filter((file) => existsSync(file))).toEqual([]);
    expect((await weekOf(server, '2026-11-16')).screenshots).toMatchObject({ stored: 0, deleteOnApproval: true });
    expect(await seriousViolations(page), 'axe: the approved week with its placeholders').toEqual([]);

    // The CSV the page downloads adds up to what the page shows, and to the server's week to the second.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('timesheet-2026-11-16-to-2026-11-22.csv');
    const records = csvRecords(readFileSync(await download.path(), 'utf8'));
    const weekRow = records.find((r) => r.kind === 'week');
    expect(weekRow).toMatchObject({ week: '2026-11-16', state: 'approved' });
    const csvTotals = { trackedSeconds: Number(weekRow!.tracked_seconds), billableSeconds: Number(weekRow!.billable_seconds), idleSeconds: Number(weekRow!.idle_seconds), removedSeconds: Number(weekRow!.removed_seconds) };
    expect(csvTotals).toEqual(approved.totals);
    const hm = (seconds: number) => `${Math.floor(seconds / 3600)}:${String(Math.round((seconds % 3600) / 60)).padStart(2, '0')} h`;
    expect(['Week', ...Object.values(csvTotals).map(hm)]).toEqual((await weekTableRows(page)).at(-1));
    expect(records.filter((r) => r.kind === 'day').map((r) => Number(r.billable_seconds))).toEqual(approved.days.map((d) => d.totals.billableSeconds));
  });
});
