import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../../src/domain/demo.js';
import { seriousViolations } from '../../../tests/support/axe.js';
import { diaryCell, openDiary, openPage, signIn, useDashboardBrowser, type WatchedPage } from './support/pages.js';
import { planStart, startE2eServer, uploadPlan, type E2eServer, type UploadedSegment } from './support/world.js';

const [CLIENT, FREELANCER] = DEMO_ACCOUNTS;
/** A note holding markup and a script: the page must show these characters, and run and draw none of it. */
const NOTE = 'Not this project: <img src=x onerror="document.title=\'owned\'"><b>bold?</b> & <script>document.title="owned"</script>';

/**
 * Issue 14, disputes in the dashboard, in real Chromium against the real server: the client disputes one segment
 * through the API with a note holding markup; the freelancer opens the diary and sees that cell marked "Disputed by
 * the client" with the note beside it, as text; the client sees it as theirs. Withdrawn, the mark goes.
 */
describe('segment disputes in the dashboard', () => {
  const browser = useDashboardBrowser('wt-e2e-disputes-');
  let server: E2eServer;
  let segments: UploadedSegment[];
  let start: number;
  let watched: WatchedPage;

  beforeEach(async () => {
    server = await startE2eServer();
    start = planStart();
    segments = await uploadPlan(server, start, [
      { memo: 'Invoice export', app: 'Code', minutes: 10, activeMinutes: 8, screenshot: false },
      { memo: 'Invoice export', app: 'Browser', minutes: 10, activeMinutes: 6, screenshot: false },
    ]);
    watched = await openPage(browser.context);
  });
  afterEach(async () => {
    try {
      expect(watched.problems).toEqual([]);
    } finally {
      await watched?.page.close();
      await server?.close();
    }
  });

  const disputePath = (segment: UploadedSegment) => `contracts/${server.contract.id}/segments/${segment.id}/dispute`;

  it('the freelancer sees the disputed segment marked, with the note beside it as text', async () => {
    const [kept, disputed] = segments as [UploadedSegment, UploadedSegment];
    expect((await server.api('PUT', disputePath(disputed), server.clientToken, { note: NOTE })).status).toBe(200);
    const { page } = watched;
    await signIn(page, server.baseUrl, FREELANCER.email, FREELANCER.password);
    await openDiary(page, server.contract.id, start);

    const cell = diaryCell(page, disputed.id);
    await expect.poll(() => cell.locator('.dispute-note').textContent()).toBe(NOTE);
    expect(await cell.getAttribute('class')).toMatch(/\bdisputed\b/);
    expect(await cell.getByRole('note', { name: 'Disputed by the client' }).count()).toBe(1);
    expect(await cell.locator('.dispute-head').textContent()).toMatch(/^Disputed by the client · /);
    // Nothing of the markup became an element or ran.
    expect(await cell.locator('.dispute img, .dispute b, .dispute script').count()).toBe(0);
    expect(await page.title()).not.toBe('owned');
    expect(await diaryCell(page, kept.id).locator('.dispute').count()).toBe(0);
    expect(await seriousViolations(page), 'axe: diary with a dispute').toEqual([]);
  });

  it('the client sees the dispute as theirs, and it goes from the cell once withdrawn', async () => {
    const disputed = segments[1]!;
    expect((await server.api('PUT', disputePath(disputed), server.clientToken, { note: 'Which ticket was this?' })).status).toBe(200);
    const { page } = watched;
    await signIn(page, server.baseUrl, CLIENT.email, CLIENT.password);
    await openDiary(page, server.contract.id, start);
    const cell = diaryCell(page, disputed.id);
    await expect.poll(() => cell.locator('.dispute-head').textContent()).toMatch(/^You disputed this segment · /);
    expect(await cell.locator('.dispute-note').textContent()).toBe('Which ticket was this?');

    expect((await server.api('DELETE', disputePath(disputed), server.clientToken)).status).toBe(204);
    await page.reload();
    await page.locator('#diary').waitFor();
    await expect.poll(() => diaryCell(page, disputed.id).count()).toBe(1);
    expect(await diaryCell(page, disputed.id).locator('.dispute').count()).toBe(0);
  });
});
