import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasTool, startDisplay, type TestDisplay } from '../support/display.js';
import { DEMO_PASSWORDS, startLiveServer, type LiveServer } from '../integration/sync/support/live-server.js';
import { buildRenderer, screenshotsDir, startApp, type AppHarness } from './support/app-harness.js';
import { chromiumMissing, openRenderer, type TestBrowser } from './support/chromium.js';

/**
 * The renderer used from the keyboard alone, up to the idle prompt: the real app service with a one-minute idle
 * threshold, the real input sensor on Xvfb (no input for a minute, then xdotool moves the mouse), real Chromium.
 */

const missing = chromiumMissing() ?? (hasTool('Xvfb') && hasTool('xdotool') ? null : 'Xvfb or xdotool is missing');
if (missing !== null && (process.env.CI === 'true' || process.env.CI === '1')) throw new Error(`CI needs it: ${missing}`);

const shotsDir = screenshotsDir();
const IDLE_THRESHOLD_MS = 60_000; // must stay below the two minutes the test waits

/** Presses Tab until the element with this id has the focus: proves it is reachable from the keyboard. */
async function tabTo(page: Page, id: string): Promise<void> {
  for (let i = 0; i < 20; i += 1) {
    if ((await page.evaluate(() => document.activeElement?.id ?? '')) === id) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`#${id} cannot be reached with Tab`);
}

describe.skipIf(missing !== null)('desktop app renderer from the keyboard, idle prompt', () => {
  let display: TestDisplay;
  let server: LiveServer;
  let app: AppHarness;
  let browser: TestBrowser;
  const previousDisplay = process.env.DISPLAY;
  let startedAtMs = 0;

  beforeAll(async () => {
    buildRenderer();
    display = await startDisplay({ width: 1024, height: 768 });
    process.env.DISPLAY = display.display;
    delete process.env.WAYLAND_DISPLAY;
    server = await startLiveServer({ segmentSeconds: 60 });
    app = await startApp({ idleThresholdMs: IDLE_THRESHOLD_MS });
    browser = await openRenderer(app.bridge.url);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await server?.close();
    await display?.stop();
    if (previousDisplay === undefined) delete process.env.DISPLAY;
    else process.env.DISPLAY = previousDisplay;
  });

  it('signs in and starts with the keyboard only', async () => {
    const { page } = browser;
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await tabTo(page, 'server-url');
    await page.keyboard.type(server.url);
    await page.keyboard.press('Tab');
    await page.keyboard.type(DEMO_PASSWORDS.freelancer.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(DEMO_PASSWORDS.freelancer.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Work' }).waitFor();
    await page.getByLabel('Contract').locator('option').first().waitFor({ state: 'attached' });
    await tabTo(page, 'start');
    startedAtMs = Date.now();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Stop' }).waitFor();
    expect((await app.service.state()).tracking.status).toBe('running');
  });

  it('asks "You were idle for N minutes — keep or discard?" after input returns, and Discard answers it', async () => {
    const { page } = browser;
    const dialog = page.getByRole('dialog', { name: 'You were away' });
    // No input at all since the start (minute M): idle begins at minute M+1 once the threshold has passed. Input in
    // minute M+1 itself would end an empty stretch (nothing to ask), so it is sent in minute M+2.
    //   M: start ── M+1: idle from here ── M+2: input ──▶ "idle for 1 minute"
    const inputAtMs = Math.floor(startedAtMs / 60_000) * 60_000 + 2 * 60_000 + 2_000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, inputAtMs - Date.now())));
    display.run('xdotool', ['mousemove', '200', '200', 'sleep', '0.2', 'mousemove', '300', '300', 'click', '1']);
    await dialog.waitFor({ state: 'visible', timeout: 60_000 });
    expect(await dialog.textContent()).toMatch(/You were idle for \d+ minutes? \(\d\d:\d\d–\d\d:\d\d\) — keep or discard\?/);
    await page.screenshot({ path: join(shotsDir, 'app-idle-prompt.png') });
    // Keep has the focus (the safe choice); Tab reaches Discard.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('idle-keep');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('idle-discard');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    expect(app.bridge.calls.map((c) => c.channel)).toContain('idle:decide');
    expect(await page.locator('#error').isVisible()).toBe(false);

    await tabTo(page, 'stop');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Start' }).waitFor();
    expect(browser.problems).toEqual([]);
  });
});
