import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORDS } from '../integration/sync/support/live-server.js';
import { seriousViolations } from '../support/axe.js';
import { screenshotsDir } from './support/app-harness.js';
import { e2eMissing, useE2eWorld } from './support/e2e-world.js';

/**
 * The renderer used from the keyboard alone, up to the idle prompt: the real app service with a one-minute idle
 * threshold, the real input sensor on Xvfb (no input for a minute, then xdotool moves the mouse), real Chromium.
 */

const missing = e2eMissing(['xdotool']);

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
  const world = useE2eWorld({ display: { width: 1024, height: 768 }, idleThresholdMs: IDLE_THRESHOLD_MS });
  let startedAtMs = 0;

  it('signs in and starts with the keyboard only', async () => {
    const { page } = world;
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await tabTo(page, 'server-url');
    await page.keyboard.type(world.server.url);
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
    expect((await world.app.service.state()).tracking.status).toBe('running');
  });

  it('asks "You were idle for N minutes — keep or discard?" after input returns, and Discard answers it', async () => {
    const { page } = world;
    const dialog = page.getByRole('dialog', { name: 'You were away' });
    // No input at all since the start (minute M): idle begins at minute M+1 once the threshold has passed. Input in
    // minute M+1 itself would end an empty stretch (nothing to ask), so it is sent in minute M+2.
    //   M: start ── M+1: idle from here ── M+2: input ──▶ "idle for 1 minute"
    const inputAtMs = Math.floor(startedAtMs / 60_000) * 60_000 + 2 * 60_000 + 2_000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, inputAtMs - Date.now())));
    world.display.run('xdotool', ['mousemove', '200', '200', 'sleep', '0.2', 'mousemove', '300', '300', 'click', '1']);
    await dialog.waitFor({ state: 'visible', timeout: 60_000 });
    expect(await dialog.textContent()).toMatch(/You were idle for \d+ minutes? \(\d\d:\d\d–\d\d:\d\d\) — keep or discard\?/);
    await page.screenshot({ path: join(shotsDir, 'app-idle-prompt.png') });
    expect(await seriousViolations(page), 'axe: idle prompt').toEqual([]);
    // Keep has the focus (the safe choice); Tab reaches Discard.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('idle-keep');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('idle-discard');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    expect(world.app.bridge.calls.map((c) => c.channel)).toContain('idle:decide');
    expect(await page.locator('#error').isVisible()).toBe(false);

    await tabTo(page, 'stop');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Start' }).waitFor();
    expect(world.browser.problems).toEqual([]);
  });
});
