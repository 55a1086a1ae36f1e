import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../../src/domain/demo.js';
import { diaryCell, hideStatus, openDiary, openPage, screenshotPath, signIn, useDashboardBrowser, type WatchedPage } from './support/pages.js';
import { planStart, startE2eServer, uploadPlan, type E2eServer, type UploadedSegment } from './support/world.js';

const [CLIENT, FREELANCER] = DEMO_ACCOUNTS;

/**
 * Private windows in the client dashboard, in real Chromium against the real server: the client sets the
 * contract's list (a new policy version), the freelancer reads it, and the diary says what the agent did about
 * them: "2 private windows hidden" under a screenshot, "Skipped for privacy" where it took none.
 */
describe('private windows in the dashboard', () => {
  const browser = useDashboardBrowser('wt-e2e-private-');
  let server: E2eServer;
  let segments: UploadedSegment[];
  let start: number;
  let watched: WatchedPage;

  beforeEach(async () => {
    server = await startE2eServer();
    start = planStart();
    segments = await uploadPlan(server, start, [
      { memo: 'Chart review', app: 'Epic', minutes: 10, activeMinutes: 9, screenshot: true, redactedWindows: 2 },
      { memo: 'Chart review', app: 'Private', minutes: 10, activeMinutes: 8, screenshot: false, skipped: 'private-window' },
      { memo: 'Billing', app: 'Code', minutes: 10, activeMinutes: 7, screenshot: true },
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

  it('the client sets the list one per line; it becomes a policy version the history names; a line too long is refused in words', async () => {
    const { page } = watched;
    await signIn(page, server.baseUrl, CLIENT.email, CLIENT.password);
    await openDiary(page, server.contract.id, start);
    await page.getByLabel(/^Window titles/).fill('x'.repeat(129));
    await page.getByRole('button', { name: 'Save private windows' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toMatch(/at most 128 characters/);
    expect((await server.api('GET', `contracts/${server.contract.id}/policy`, server.clientToken)).json.version).toBe(1);

    await page.getByLabel(/^Applications/).fill('Epic Hyperspace\n\n  keepassxc  ');
    await page.getByLabel(/^Window titles/).fill('*Patient*');
    await page.getByRole('button', { name: 'Save private windows' }).click();
    await expect.poll(() => page.locator('ul.history li').first().textContent()).toMatch(/^Private windows set to 3 rules by the client on /);
    const policy = await server.api('GET', `contracts/${server.contract.id}/policy`, server.freelancerToken);
    expect(policy.json).toMatchObject({
      version: 2,
      privateWindows: [
        { kind: 'app', pattern: 'Epic Hyperspace' },
        { kind: 'app', pattern: 'keepassxc' },
        { kind: 'title', pattern: '*Patient*' },
      ],
    });
    // Drawn again from the server's answer: the form holds what was saved.
    expect(await page.getByLabel(/^Applications/).inputValue()).toBe('Epic Hyperspace\nkeepassxc');
    await hideStatus(page);
    await page.locator('#private-windows').screenshot({ path: screenshotPath('dashboard-private-windows.png', browser.scratch) });
  });

  it('the diary cell says how many private windows a screenshot hides, and when a screenshot was skipped for privacy', async () => {
    const { page } = watched;
    await signIn(page, server.baseUrl, CLIENT.email, CLIENT.password);
    await openDiary(page, server.contract.id, start);
    const [hidden, skipped, plain] = segments.map((s) => diaryCell(page, s.id));
    await expect.poll(() => hidden!.locator('.hidden-windows').textContent()).toBe('2 private windows hidden');
    expect(await skipped!.locator('.placeholder').textContent()).toBe('Skipped for privacy: a private window was in front');
    expect(await plain!.locator('.hidden-windows').count()).toBe(0);
  });

  it('the freelancer reads the client’s list, and cannot change it', async () => {
    await server.api('PUT', `contracts/${server.contract.id}/policy`, server.clientToken, { privateWindows: [{ kind: 'title', pattern: '*Patient*' }] });
    const { page } = watched;
    await signIn(page, server.baseUrl, FREELANCER.email, FREELANCER.password);
    await openDiary(page, server.contract.id, start);
    const panel = page.locator('#private-windows');
    await expect.poll(() => panel.locator('li').allTextContents()).toEqual(['Window title “*Patient*”']);
    expect(await panel.locator('textarea').count()).toBe(0);
    expect(await panel.textContent()).toContain('never reach this server');
  });
});
