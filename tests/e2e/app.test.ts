import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORDS } from '../integration/sync/support/live-server.js';
import { seriousViolations } from '../support/axe.js';
import { screenshotsDir } from './support/app-harness.js';
import { e2eMissing, useE2eWorld } from './support/e2e-world.js';

/**
 * The desktop app's renderer as a web page in real Chromium, with window.worktrace supplied by the test bridge,
 * which hosts the real app service (src/main/app) with the real sensors on a real X display, talking to the real
 * work-diary server on loopback. Only Electron itself is missing.
 *
 * UPDATE_DOCS_SCREENSHOTS=1 writes the screenshots of the main states into docs/app-*.png (for the README);
 * otherwise they go to a temporary directory, so a test run never dirties the tree.
 */

const missing = e2eMissing();
const shotsDir = screenshotsDir();

describe.skipIf(missing !== null)('desktop app renderer against the real core and server', () => {
  const world = useE2eWorld({ display: { width: 1280, height: 800 }, xtermTitle: 'Worktrace app e2e' });

  it('signs in, refusing a URL that is not one and a wrong password in words', async () => {
    const { page } = world;
    await page.getByRole('heading', { name: 'Sign in' }).waitFor({ state: 'visible' });
    await page.screenshot({ path: join(shotsDir, 'app-sign-in.png') });
    expect(await seriousViolations(page), 'axe: signed out').toEqual([]);

    const freelancer = DEMO_PASSWORDS.freelancer;
    await page.getByLabel('Server URL').fill('not a url');
    await page.getByLabel('Email').fill(freelancer.email);
    await page.getByLabel('Password').fill(freelancer.password);
    await page.getByRole('button', { name: 'Sign in' }).press('Enter');
    const alert = page.locator('#error');
    await alert.waitFor({ state: 'visible' });
    expect(await alert.textContent()).toMatch(/\S/);
    expect(await seriousViolations(page), 'axe: signed out, with an error').toEqual([]);
    expect(await page.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);

    await page.getByLabel('Server URL').fill(world.server.url);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForFunction(() => /password|sign/i.test(document.getElementById('error')?.textContent ?? ''));
    expect(await page.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);

    await page.getByLabel('Password').fill(freelancer.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Work' }).waitFor({ state: 'visible' });
    // The state event may arrive before the answer that clears the error: wait for the answer.
    await alert.waitFor({ state: 'hidden' });
    expect(await page.locator('#account').textContent()).toContain(freelancer.email);
    // The password never lingers in the page.
    expect(await page.getByLabel('Password').inputValue()).toBe('');
  });

  it('keeps private windows on this computer: adds a title pattern, refuses a bad one in words, removes one', async () => {
    const { page } = world;
    const section = page.getByRole('region', { name: 'Private windows' });
    await section.waitFor({ state: 'visible' });
    expect(await section.locator('#privacy-empty').isVisible()).toBe(true);
    await section.getByLabel('Match by').selectOption('title');
    await section.getByLabel('Pattern').fill('ends with a lone \\');
    await section.getByRole('button', { name: 'Add' }).click();
    await page.waitForFunction(() => /pattern: a pattern cannot end with a lone/.test(document.getElementById('error')?.textContent ?? ''));
    await section.getByLabel('Pattern').fill('*APP E2E*'); // the terminal on the screen: "Worktrace app e2e"
    await section.getByRole('button', { name: 'Add' }).click();
    await section.getByLabel('Match by').selectOption('app');
    await section.getByLabel('Pattern').fill('keepassxc');
    await section.getByRole('button', { name: 'Add' }).click();
    await expect.poll(() => section.locator('#privacy-list li span').allTextContents()).toEqual(['Window title “*APP E2E*”', 'Application “keepassxc”']);
    expect(await section.getByLabel('Pattern').inputValue()).toBe('');
    await section.getByRole('button', { name: 'Remove Application “keepassxc”' }).click();
    await expect.poll(() => section.locator('#privacy-list li span').allTextContents()).toEqual(['Window title “*APP E2E*”']);
    expect((await world.app.service.state()).privacy?.rules).toEqual([{ kind: 'title', pattern: '*APP E2E*' }]);
  });

  it('shows the demo contract with its policy in words and starts tracking it', async () => {
    const { page } = world;
    const picker = page.getByLabel('Contract');
    await picker.locator('option').first().waitFor({ state: 'attached' });
    const options = await picker.locator('option').allTextContents();
    expect(options).toContain('Demo contract — Screenshots on');
    await picker.selectOption(world.server.contractId);
    expect(await page.locator('#contract-policy').textContent()).toMatch(/^Screenshots on · 1-minute segments/);
    await page.getByLabel('Memo').fill('Renderer e2e');
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('button', { name: 'Stop' }).waitFor({ state: 'visible' });
    expect(await page.locator('#tracking-status').textContent()).toBe('Tracking');
    expect(await picker.isDisabled()).toBe(true);
    expect(await seriousViolations(page), 'axe: tracking').toEqual([]);
    const tracking = (await world.app.service.state()).tracking;
    expect(tracking).toMatchObject({ status: 'running', contractId: world.server.contractId, memo: 'Renderer e2e' });
  });

  it('shows a notice with the thumbnail when a screenshot is taken, and Delete warns, then removes it', async () => {
    const { page } = world;
    const notice = page.getByRole('region', { name: 'Screenshot taken' });
    // One screenshot per one-minute segment, at a random moment inside it.
    await notice.waitFor({ state: 'visible', timeout: 180_000 });
    const src = await page.locator('#shot-notice-image').getAttribute('src');
    expect(src).toMatch(/^data:image\/jpeg;base64,\/9j\//); // a JPEG (FF D8 FF), decrypted in memory only
    // The terminal matched the private window added above: painted out, and the notice says so.
    expect(await page.locator('#shot-notice-text').textContent()).toMatch(/^Taken at \d\d:\d\d\. 1 private window hidden\. Delete it/);
    const shown = (await world.app.service.state()).recentScreenshots;
    expect(shown.length).toBeGreaterThan(0);
    const shot = shown[0]!;
    await page.locator(`#recent-list li[data-screenshot-id="${shot.id}"]`).waitFor();
    await page.screenshot({ path: join(shotsDir, 'app-screenshot-notice.png'), fullPage: true });
    expect(await seriousViolations(page), 'axe: screenshot notice').toEqual([]);

    await notice.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this screenshot?' });
    await dialog.waitFor({ state: 'visible' });
    expect(await dialog.textContent()).toContain("also removes this segment's time");
    // The safe choice has the focus: Enter alone never deletes.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('delete-cancel');
    await page.screenshot({ path: join(shotsDir, 'app-delete-warning.png') });
    expect(await seriousViolations(page), 'axe: screenshot deletion warning').toEqual([]);
    await dialog.getByRole('button', { name: 'Delete screenshot and time' }).click();

    await notice.waitFor({ state: 'hidden' });
    await page.locator(`#recent-list li[data-screenshot-id="${shot.id}"]`).waitFor({ state: 'detached' });
    const after = await world.app.service.state();
    expect(after.recentScreenshots.map((s) => s.id)).not.toContain(shot.id);
    expect(await page.locator('#error').isVisible()).toBe(false);
  });

  it('shows a banner when the client turns screenshots off through the API', async () => {
    const { page } = world;
    const clientToken = await world.server.token('client');
    const flipped = await world.server.api('PUT', `/contracts/${world.server.contractId}/policy`, { token: clientToken, json: { screenshots: 'off' } });
    expect(flipped.status).toBe(200);
    const banner = page.locator('#policy-banner');
    await banner.waitFor({ state: 'visible', timeout: 60_000 });
    expect(await banner.textContent()).toMatch(/The client turned screenshots off for this contract at \d\d:\d\d\./);
    await page.waitForFunction(() => document.getElementById('contract-policy')?.textContent?.startsWith('Time only — no screenshots'));
    await page.screenshot({ path: join(shotsDir, 'app-policy-banner.png'), fullPage: true });
    expect(await seriousViolations(page), 'axe: policy banner').toEqual([]);
    await page.getByRole('button', { name: 'Dismiss the policy notice' }).click();
    expect(await banner.isVisible()).toBe(false);
  });

  it('stops, shows the sync status in words, and had no script or CSP error', async () => {
    const { page } = world;
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.getByRole('button', { name: 'Start' }).waitFor({ state: 'visible' });
    expect(await page.locator('#tracking-status').textContent()).toBe('Stopped');
    expect((await world.app.service.state()).tracking.status).toBe('stopped');
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.waitForFunction(() => /Last sync at \d\d:\d\d/.test(document.getElementById('sync-summary')?.textContent ?? ''));
    expect(await page.locator('#today').textContent()).toMatch(/^\d+ (min|h \d\d min)$/);
    await page.screenshot({ path: join(shotsDir, 'app-stopped.png'), fullPage: true });
    expect(await seriousViolations(page), 'axe: stopped, synced').toEqual([]);
    expect(world.browser.problems).toEqual([]);
    // Every action went through the contract's channels.
    expect(new Set(world.app.bridge.calls.map((c) => c.channel))).toEqual(
      // weeks:show: the Weeks view asks for the picked contract's week on its own.
      new Set(['state:get', 'auth:sign-in', 'weeks:show', 'privacy:add', 'privacy:remove', 'tracking:start', 'screenshots:delete', 'tracking:stop', 'sync:now']),
    );
  });
});
