import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { DEMO_ACCOUNTS } from '../../src/domain/demo.js';
import { seriousViolations } from '../../../tests/support/axe.js';
import { filesContaining } from '../support/files.js';
import { diaryCell, hideStatus, openDiary, openPage, screenshotPath, signIn, thumbnailsLoaded, useDashboardBrowser, type WatchedPage } from './support/pages.js';
import { planStart, SEGMENT_SECONDS, startE2eServer, uploadPlan, utcWeekStart, WORKING_HOUR, type E2eServer, type UploadedSegment } from './support/world.js';

const [CLIENT, FREELANCER] = DEMO_ACCOUNTS;
const DAY_MS = 86_400_000;

/**
 * The client dashboard in real Chromium against the real server on loopback (SQLite, files on disk),
 * with the last hour's work uploaded through the API as the agent uploads it: five 10-minute
 * segments with real JPEG screenshots and a short one without (54 tracked minutes).
 */
describe('client dashboard in Chromium', () => {
  const browser = useDashboardBrowser('wt-e2e-shots-');
  let server: E2eServer;
  let start: number;
  let segments: UploadedSegment[];
  let watched: WatchedPage;


  beforeEach(async () => {
    server = await startE2eServer();
    start = planStart();
    segments = await uploadPlan(server, start, WORKING_HOUR);
    watched = await openPage(browser.context);
  });
  afterEach(async () => {
    try {
      // Nothing the page did may have broken the CSP, thrown, or fetched an image without the token.
      expect(watched.problems).toEqual([]);
      expect(watched.unauthorisedImageRequests).toEqual([]);
    } finally {
      await watched?.page.close();
      await server?.close();
    }
  });

  const cell = (segment: UploadedSegment) => diaryCell(watched.page, segment.id);
  const weekTotals = () => watched.page.locator('.week-totals').textContent();
  const diaryTotals = async (token: string) => {
    const from = new Date(utcWeekStart(start)).toISOString();
    const to = new Date(utcWeekStart(start) + 7 * DAY_MS).toISOString();
    const diary = await server.api('GET', `contracts/${server.contract.id}/diary?from=${from}&to=${to}`, token);
    expect(diary.status).toBe(200);
    return diary.json.totals as { trackedSeconds: number; billableSeconds: number };
  };
  const imageStatus = async (segment: UploadedSegment, token: string) =>
    (await fetch(`${server.baseUrl}/api/v1/screenshots/${segment.screenshotId}`, { headers: { authorization: `Bearer ${token}` } })).status;
  /** A slice of the JPEG's entropy-coded data, unique to this image. */
  const marker = (segment: UploadedSegment) => segment.jpeg!.subarray(segment.jpeg!.length - 400, segment.jpeg!.length - 300);
  /** The file the disk store keeps a screenshot's sealed object in (never the image's bytes); null once none. */
  const objectFile = async (segment: UploadedSegment): Promise<string | null> => {
    const key = (await server.repos.screenshots.find(segment.screenshotId!))?.storageKey;
    return key ? join(server.storageDir, key) : null;
  };
  const stored = (file: string | null): boolean => file !== null && existsSync(file);

  it('signs the client in: contracts with this week’s hours and policy, then the diary as a grid of segment cells', async () => {
    const { page } = watched;
    await page.goto(`${server.baseUrl}/`);
    await page.getByLabel('Email').waitFor();
    expect(await seriousViolations(page), 'axe: sign-in').toEqual([]);
    await signIn(page, server.baseUrl, CLIENT.email, CLIENT.password);
    const card = page.locator(`li.contract[data-contract-id="${server.contract.id}"]`);
    await expect.poll(() => card.locator('h2').textContent()).toBe('Demo contract');
    expect(await seriousViolations(page), 'axe: contract list').toEqual([]);
    expect(await card.locator('.policy-mode').textContent()).toBe('Screenshots on, kept 30 days');
    // "This week" is the browser's current week, whichever that is relative to the uploads.
    const now = Date.now();
    const thisWeek = await server.api(
      'GET',
      `contracts/${server.contract.id}/diary?from=${new Date(utcWeekStart(now)).toISOString()}&to=${new Date(utcWeekStart(now) + 7 * DAY_MS).toISOString()}`,
      server.clientToken,
    );
    const minutes = Math.round(thisWeek.json.totals.trackedSeconds / 60);
    expect(await card.locator('.week-tracked').textContent()).toBe(`${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')} h tracked`);

    await card.getByRole('link', { name: 'Demo contract' }).click();
    await page.locator('#diary').waitFor();
    await openDiary(page, server.contract.id, start);
    expect(await page.locator('li.cell').count()).toBe(6);
    expect(await thumbnailsLoaded(page)).toBe(5);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true); // 1280x800: no sideways scrolling
    // Every image is a blob: URL made from an authorised fetch, never the API's URL itself.
    const sources = await page.locator('img.thumb').evaluateAll((imgs) => imgs.map((img) => (img as HTMLImageElement).src));
    expect(sources.every((src) => src.startsWith('blob:'))).toBe(true);

    const first = cell(segments[0]!);
    expect(await first.locator('.activity').getAttribute('aria-label')).toBe('8 of 10 minutes active');
    expect(await first.locator('.memo').textContent()).toBe('Invoice export: schema');
    expect(await first.locator('.app').textContent()).toBe('Code');
    expect(await first.locator('.purge').textContent()).toMatch(/^Purged in 30 days \(\d{1,2} \w{3} \d{4}\)$/);
    expect(await cell(segments[2]!).locator('.app').textContent()).toBe('Firefox');
    expect(await cell(segments[5]!).locator('.placeholder').textContent()).toBe('No screenshot in this segment');
    expect(await weekTotals()).toBe('Tracked 0:54 h · Billable 0:54 h');
    expect(await seriousViolations(page), 'axe: diary with its policy form').toEqual([]);
    expect(await page.locator('.day-totals').allTextContents()).toHaveLength(new Set(segments.map((s) => new Date(s.startedAt).toISOString().slice(0, 10))).size);
  });

  it('switches the demo contract to Time only: the history says so, later captures are refused, the diary shows it', async () => {
    const { page } = watched;
    await signIn(page, server.baseUrl, CLIENT.email, CLIENT.password);
    await openDiary(page, server.contract.id, start);
    const history = page.locator('ul.history li');
    expect(await history.allTextContents()).toEqual([expect.stringMatching(/^Contract started with screenshots on, screenshots kept 30 days, on /)]);

    await page.getByRole('radio', { name: /^Time only/ }).check();
    await page.getByRole('button', { name: 'Save policy' }).click();
    await expect.poll(() => history.first().textContent()).toMatch(/^Screenshots turned off \(time only\) by the client on \d{1,2} \w{3} \d{2}:\d{2}$/);
    expect(await page.getByRole('radio', { name: /^Time only/ }).isChecked()).toBe(true);
    const policy = await server.api('GET', `contracts/${server.contract.id}/policy`, server.freelancerToken);
    expect(policy.json).toMatchObject({ screenshots: 'off', version: 2 });
    expect(await seriousViolations(page), 'axe: policy changed, with its history').toEqual([]);
    await hideStatus(page);
    await page.locator('#policy').screenshot({ path: screenshotPath('dashboard-policy.png', browser.scratch) });

    // The agent's next segment comes under version 2 (the server reads the version from the history at the
    // segment's first minute, after the switch), without a screenshot ...
    const current = Math.floor(Date.now() / (SEGMENT_SECONDS * 1000)) * SEGMENT_SECONDS * 1000;
    const [timeOnly] = await uploadPlan(server, current + SEGMENT_SECONDS * 1000, [
      { memo: 'Invoice export: review', app: 'Code', minutes: 10, activeMinutes: 5, screenshot: false },
    ], 2);
    // ... and a capture made after the switch is refused, whatever an agent still believes.
    const [inProgress] = await uploadPlan(server, current, [{ memo: null, app: 'Code', minutes: 1, activeMinutes: 1, screenshot: false }], 2);
    const refused = await fetch(`${server.baseUrl}/api/v1/screenshots/${ulid()}`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${server.freelancerToken}`,
        'content-type': 'image/jpeg',
        'x-worktrace-segment-id': inProgress!.id,
        'x-worktrace-captured-at': new Date().toISOString(),
      },
      body: new Uint8Array(segments[0]!.jpeg!),
    });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('SCREENSHOTS_DISABLED');
    // Its week (the next one only when this is the last segment of a Sunday), drawn again.
    await openDiary(page, server.contract.id, timeOnly!.startedAt);
    await page.reload();
    await page.locator('#diary').waitFor();
    await expect.poll(() => cell(timeOnly!).locator('.placeholder').textContent()).toBe('Time only');
    // Earlier screenshots stay until their own retention.
    expect(await thumbnailsLoaded(page)).toBe(utcWeekStart(timeOnly!.startedAt) === utcWeekStart(start) ? 5 : 0);
  });

  it('client deletes a screenshot: asked once, the image answers 410, its bytes leave storage, billable time stays', async () => {
    const { page } = watched;
    const target = segments[3]!;
    const file = await objectFile(target);
    expect(stored(file)).toBe(true); // its sealed object is there while it exists
    expect(filesContaining(server.storageDir, marker(target))).toEqual([]); // sealed at rest: never the image's bytes
    expect(await imageStatus(target, server.clientToken)).toBe(200);
    const before = await diaryTotals(server.clientToken);

    await signIn(page, server.baseUrl, CLIENT.email, CLIENT.password);
    await openDiary(page, server.contract.id, start);
    await thumbnailsLoaded(page);
    await cell(target).getByRole('button', { name: /^Open screenshot/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await page.waitForFunction(() => (document.querySelector('dialog img.large') as HTMLImageElement | null)?.naturalWidth === 1280);
    expect(await dialog.locator('.purge').textContent()).toMatch(/^Purged in 30 days/);
    await dialog.getByRole('button', { name: 'Delete screenshot' }).click();
    expect(await dialog.locator('#confirm-text').textContent()).toBe('Delete this screenshot? It is removed for good. The segment’s time stays billable.');
    await dialog.getByRole('button', { name: 'Delete for good' }).click();
    await expect.poll(() => cell(target).locator('.placeholder').textContent()).toMatch(/^Removed by you on \d{1,2} \w{3} \d{2}:\d{2}$/);
    expect(await page.getByRole('dialog').count()).toBe(0);

    expect([404, 410]).toContain(await imageStatus(target, server.clientToken));
    expect(stored(file)).toBe(false);
    expect(stored(await objectFile(segments[2]!))).toBe(true); // only that one went
    expect(await diaryTotals(server.clientToken)).toEqual(before);
    expect(await weekTotals()).toBe('Tracked 0:54 h · Billable 0:54 h');
    expect(await cell(target).locator('.flag').count()).toBe(0);
    // The redraw after the deletion reused the images it had: each was downloaded once, the large view included.
    expect(watched.imageRequests.filter((url) => url.endsWith(`/screenshots/${target.screenshotId}`))).toHaveLength(1);
    expect(watched.imageRequests).toHaveLength(5);
  });

  it('the freelancer deletes their own screenshot after a clear warning, and the segment’s time stops being billable', async () => {
    const { page } = watched;
    const target = segments[4]!;
    const file = await objectFile(target);
    expect(stored(file)).toBe(true);
    await signIn(page, server.baseUrl, FREELANCER.email, FREELANCER.password);
    const card = page.locator(`li.contract[data-contract-id="${server.contract.id}"]`);
    await expect.poll(() => card.locator('p.muted').textContent()).toBe(`Client: ${CLIENT.email}`);
    await openDiary(page, server.contract.id, start);
    // The freelancer reads the policy; only the client may change it.
    expect(await page.getByRole('button', { name: 'Save policy' }).count()).toBe(0);
    expect(await page.locator('.policy-now').textContent()).toMatch(/^Screenshots on: /);

    await thumbnailsLoaded(page);
    await cell(target).getByRole('button', { name: /^Open screenshot/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Delete screenshot' }).click();
    const warning = dialog.locator('#confirm-text');
    expect(await warning.textContent()).toBe(
      'Delete this screenshot? Deleting your screenshot also removes this segment’s time (0:10 h) from the billable hours. This cannot be undone.',
    );
    expect(await warning.getAttribute('class')).toBe('warning');
    expect(await seriousViolations(page), 'axe: the freelancer’s deletion warning').toEqual([]);
    await dialog.getByRole('button', { name: 'Delete for good' }).click();
    await expect.poll(() => cell(target).locator('.placeholder').textContent()).toBe('Removed by you');
    expect(await cell(target).locator('.flag').textContent()).toBe('Not billable');
    expect(await weekTotals()).toBe('Tracked 0:54 h · Billable 0:44 h');
    expect(await diaryTotals(server.clientToken)).toEqual({ trackedSeconds: 54 * 60, billableSeconds: 44 * 60 });
    expect([404, 410]).toContain(await imageStatus(target, server.clientToken));
    expect(stored(file)).toBe(false);
  });

  it('retention: the client shortens it in the form, purge dates follow, and purged screenshots say after how long', async () => {
    const { page } = watched;
    await signIn(page, server.baseUrl, CLIENT.email, CLIENT.password);
    await openDiary(page, server.contract.id, start);
    await page.getByLabel('Keep screenshots for (days)').fill('7');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await expect.poll(() => page.locator('ul.history li').first().textContent()).toMatch(/^Retention changed from 30 days to 7 days by the client on /);
    await thumbnailsLoaded(page);
    expect(new Set(await page.locator('li.cell .purge').allTextContents())).toEqual(new Set([expect.stringMatching(/^Purged in 7 days \(/)]));

    await page.getByLabel('Keep screenshots for (days)').fill('1');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await expect.poll(() => page.locator('ul.history li').first().textContent()).toMatch(/^Retention changed from 7 days to 1 day by the client on /);
    const files = await Promise.all(segments.filter((s) => s.screenshotId).map(objectFile));
    expect(files.map(stored)).toEqual(files.map(() => true));
    expect(await server.purgeLater(2 * DAY_MS)).toBe(5); // the hourly purge, two days on
    await page.reload();
    await page.locator('#diary').waitFor();
    const shot = segments.filter((s) => s.screenshotId);
    for (const segment of shot) {
      expect(await cell(segment).locator('.placeholder').textContent()).toBe('Purged after 1 day');
      expect([404, 410]).toContain(await imageStatus(segment, server.clientToken));
    }
    expect(files.map(stored)).toEqual(files.map(() => false)); // every sealed object left the store
    expect(await weekTotals()).toBe('Tracked 0:54 h · Billable 0:54 h');
  });

  it('shows every kind of cell in one week: screenshots, time only, removed by the client, removed by the freelancer', async () => {
    const { page } = watched;
    expect((await server.api('DELETE', `screenshots/${segments[1]!.screenshotId}`, server.clientToken)).status).toBe(200);
    expect((await server.api('DELETE', `screenshots/${segments[3]!.screenshotId}`, server.freelancerToken)).status).toBe(200);
    // Time only since the segment after the working hour: a policy version the client made then, seeded as the past is.
    const offFrom = start + WORKING_HOUR.length * SEGMENT_SECONDS * 1000;
    await server.repos.contracts.addPolicyVersion({ contractId: server.contract.id, version: 2, screenshots: 'off', retentionDays: 30, effectiveFrom: offFrom });
    const [timeOnly] = await uploadPlan(server, offFrom, [
      { memo: 'Invoice export: review', app: 'Code', minutes: 10, activeMinutes: 5, screenshot: false },
    ], 2);

    await signIn(page, server.baseUrl, CLIENT.email, CLIENT.password);
    await openDiary(page, server.contract.id, start);
    expect(await thumbnailsLoaded(page)).toBe(3);
    expect(await cell(segments[1]!).locator('.placeholder').textContent()).toMatch(/^Removed by you on /);
    expect(await cell(segments[3]!).locator('.placeholder').textContent()).toBe('Removed by the freelancer');
    expect(await cell(segments[3]!).locator('.flag').textContent()).toBe('Not billable');
    expect(await cell(segments[5]!).locator('.placeholder').textContent()).toBe('No screenshot in this segment');
    expect(await cell(timeOnly!).locator('.placeholder').textContent()).toBe('Time only');
    expect(await weekTotals()).toBe('Tracked 1:04 h · Billable 0:54 h');
    expect(await seriousViolations(page), 'axe: every kind of cell').toEqual([]);
    await hideStatus(page);
    await page.locator('#diary').screenshot({ path: screenshotPath('dashboard-diary.png', browser.scratch) });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: screenshotPath('dashboard-1280x800.png', browser.scratch) });
  });

  it('an open diary follows a policy change made elsewhere, without a reload (the policy stream, read through fetch)', async () => {
    const { page } = watched;
    await signIn(page, server.baseUrl, FREELANCER.email, FREELANCER.password);
    // The stream is open (its headers arrived) before the change is made.
    const streamOpen = page.waitForResponse((r) => r.url().endsWith(`/contracts/${server.contract.id}/policy/stream`) && r.status() === 200);
    await openDiary(page, server.contract.id, start);
    await streamOpen;
    expect(await page.locator('.policy-now').textContent()).toMatch(/^Screenshots on: /);
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

    expect((await server.api('PUT', `contracts/${server.contract.id}/policy`, server.clientToken, { screenshots: 'blurred' })).status).toBe(200);
    await expect.poll(() => page.locator('.policy-now').textContent()).toMatch(/^Blurred: blurred on the freelancer’s device/);
    expect(await page.locator('ul.history li').first().textContent()).toMatch(/^Screenshots set to blurred by the client on /);
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  });

  it('works in a narrow window from the keyboard: no sideways scrolling, a screenshot opens with Enter and closes with Escape', async () => {
    const { page } = watched;
    await page.setViewportSize({ width: 390, height: 800 });
    await signIn(page, server.baseUrl, CLIENT.email, CLIENT.password);
    await openDiary(page, server.contract.id, start);
    await thumbnailsLoaded(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    const open = cell(segments[1]!).getByRole('button', { name: /^Open screenshot/ });
    await open.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    expect(await seriousViolations(page), 'axe: the screenshot viewer, narrow').toEqual([]);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    // Every form control and button on the page has a name a screen reader can say.
    const unnamed = await page.evaluate(() =>
      Array.from(document.querySelectorAll('input, button, select, textarea')).filter((el) => {
        const labelled = (el as HTMLInputElement).labels?.length || el.getAttribute('aria-label') || el.textContent?.trim();
        return !labelled;
      }).length,
    );
    expect(unnamed).toBe(0);
    await hideStatus(page);
    await page.screenshot({ path: screenshotPath('dashboard-narrow.png', browser.scratch) });
  });
});
