import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weekReviewSchema, type WeekReview } from '../../src/shared/protocol/api/index.js';
import { segmentBody } from '../../server/tests/support/server.js';
import { elapsed } from '../../src/renderer/words.js';
import { DEMO_PASSWORDS } from '../integration/sync/support/live-server.js';
import { seriousViolations } from '../support/axe.js';
import { e2eMissing, useE2eWorld } from './support/e2e-world.js';
import { startRefusingProxy, type RefusingProxy } from './support/refusing-proxy.js';

/**
 * The freelancer's side of the weekly review in the app page, in real Chromium over the test bridge, with the real
 * app service and the real server on loopback behind a proxy that refuses what a test asks it to. One world for the
 * whole file; the tests run in order and build on each other:
 *
 *   3 segments uploaded ── sign in: this week shown ── back / forward ── server trouble: cached week, fetched when
 */

const missing = e2eMissing();
const freelancer = DEMO_PASSWORDS.freelancer;
const SEGMENTS = 3;

describe.skipIf(missing !== null)('the Weeks view in the app page', () => {
  const world = useE2eWorld({ display: { width: 1024, height: 768 } });
  let proxy: RefusingProxy;
  let clientToken = '';
  const serverWeek = async (week: string): Promise<WeekReview> =>
    weekReviewSchema.parse((await world.server.api('GET', `/contracts/${world.server.contractId}/weeks/${week}`, { token: clientToken })).json);

  beforeAll(async () => {
    proxy = await startRefusingProxy(world.server.url);
    clientToken = await world.server.token('client');
    // Three one-minute segments tracked in the last hour, uploaded as the agent would: the server's figures.
    const token = await world.server.token('freelancer');
    const hourAgo = Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000;
    for (let i = 0; i < SEGMENTS; i += 1) {
      const segment = segmentBody({ contractId: world.server.contractId, startedAt: hourAgo + i * 60_000, lengthSeconds: 60, minutes: 1 });
      expect((await world.server.api('PUT', `/segments/${segment.id}`, { token, json: segment })).status).toBe(200);
    }
  });
  afterAll(async () => {
    await proxy?.close();
  });

  it("signs in and shows the picked contract's week running now, with the server's figures, passing axe", async () => {
    const { page } = world;
    await page.getByLabel('Server URL').fill(proxy.url);
    await page.getByLabel('Email').fill(freelancer.email);
    await page.getByLabel('Password').fill(freelancer.password);
    await page.getByLabel('Password').press('Enter');
    const weeks = page.getByRole('region', { name: 'Weeks' });
    await weeks.locator('#weeks-review').waitFor({ state: 'visible' });
    const shown = (await world.app.service.state()).weeks!;
    const review = await serverWeek(shown.week);
    expect(shown).toMatchObject({ contractId: world.server.contractId, current: true, unavailable: null, review });
    expect(review.totals.trackedSeconds).toBeGreaterThanOrEqual(60); // segments of the last hour; the week may have begun since
    expect(await weeks.locator('#weeks-tracked').textContent()).toBe(elapsed(review.totals.trackedSeconds * 1000));
    expect(await weeks.locator('#weeks-billable').textContent()).toBe(elapsed(review.totals.billableSeconds * 1000));
    expect(await weeks.locator('#weeks-removed').textContent()).toBe('0 min');
    expect(await weeks.locator('#weeks-state').textContent()).toMatch(/^Open: the week is running\. Unless the client approves it first, the server approves it on \w{3} \d{1,2} \w{3} \d{4}, \d\d:\d\d\.$/);
    expect(await weeks.locator('#weeks-screenshots').textContent()).toMatch(/^Screenshots are kept after approval/);
    expect(await weeks.locator('#weeks-disputes-summary').textContent()).toBe('No open disputes this week.');
    expect(await weeks.getByRole('button', { name: 'Next week' }).isDisabled()).toBe(true);
    expect(await seriousViolations(page), 'axe: the Weeks view').toEqual([]);
  });

  it('pages back a week and forward again, each week as the server says', async () => {
    const { page } = world;
    const weeks = page.getByRole('region', { name: 'Weeks' });
    const current = (await world.app.service.state()).weeks!.week;
    await weeks.getByRole('button', { name: 'Previous week' }).click();
    await expect.poll(async () => (await world.app.service.state()).weeks?.week).not.toBe(current);
    const previous = (await world.app.service.state()).weeks!;
    expect(previous.review).toEqual(await serverWeek(previous.week));
    expect(previous.current).toBe(false);
    await expect.poll(() => weeks.locator('#weeks-range').textContent()).toMatch(/^Week of Mon /);
    expect(await weeks.getByRole('button', { name: 'Next week' }).isDisabled()).toBe(false);
    await weeks.getByRole('button', { name: 'Next week' }).click();
    await expect.poll(async () => (await world.app.service.state()).weeks?.week).toBe(current);
    await expect.poll(() => weeks.getByRole('button', { name: 'Next week' }).isDisabled()).toBe(true);
  });

  it("when the server cannot answer, shows the week as last fetched and says when", async () => {
    const { page } = world;
    const weeks = page.getByRole('region', { name: 'Weeks' });
    const before = (await world.app.service.state()).weeks!;
    proxy.refuseNext((method, path) => method === 'GET' && path.includes('/weeks/'), { status: 503, code: 'UNAVAILABLE', message: 'down for maintenance' });
    await weeks.getByRole('button', { name: 'Refresh' }).click();
    const banner = weeks.locator('#weeks-unavailable');
    await banner.waitFor({ state: 'visible' });
    expect(await banner.textContent()).toMatch(/^The weeks cannot be fetched now: the server cannot answer now \(HTTP 503\)\. Shown as fetched on .+, \d\d:\d\d\.$/);
    expect((await world.app.service.state()).weeks).toEqual({ ...before, unavailable: 'the server cannot answer now (HTTP 503)' });
    expect(await weeks.locator('#weeks-tracked').textContent()).toBe(elapsed(before.review!.totals.trackedSeconds * 1000));
    expect(await seriousViolations(page), 'axe: the Weeks view offline').toEqual([]);
    await weeks.getByRole('button', { name: 'Refresh' }).click();
    await banner.waitFor({ state: 'hidden' });
    expect(world.browser.problems).toEqual([]);
  });
});
