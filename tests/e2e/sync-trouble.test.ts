import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { diarySchema, type Diary } from '../../src/shared/protocol/api/index.js';
import { DEMO_PASSWORDS } from '../integration/sync/support/live-server.js';
import { seriousViolations } from '../support/axe.js';
import { e2eMissing, useE2eWorld } from './support/e2e-world.js';
import { startRefusingProxy, type Refusal, type RefusingProxy } from './support/refusing-proxy.js';

/**
 * The renderer while tracking, when sync meets trouble: an upload the server refuses (parked, listed in words with
 * what to do, the rest drains), a memo edited while tracking (the open segment takes it, on the server too), the
 * Retry button (refused again while the refusal lasts, sent once it stops), and a sign-in the server stops accepting
 * (the UI says so, tracking goes on, nothing queued is lost, signing in again through the UI drains the queue). The
 * app reaches the real server through a loopback proxy that passes everything through except the one answer a test
 * asks it to refuse.
 *
 * One tracking run for all of them, one-minute segments; the tests run in order and build on each other.
 *
 *   sign in, Start ── first screenshot refused (422) ── next minute drains ── memo edited ── Retry ×2 ── token revoked ── 401
 *   └ test 1 ┘        └───────────── test 2 ─────────────────────────────┘   └ test 3 ┘   └ test 4 ┘   └ test 5: sign in again ┘
 */

const missing = e2eMissing();
const FIRST_MEMO = 'Invoices, first draft';
const EDITED_MEMO = 'Invoices: the client asked for the tax column';
/** What a server says about a body that is not the image it claims to be (server/src/domain/screenshots.ts). */
const INVALID_IMAGE: Refusal = { status: 422, code: 'INVALID_IMAGE', message: 'the body is not an image of type image/jpeg' };
const freelancer = DEMO_PASSWORDS.freelancer;

async function submitSignIn(page: Page, serverUrl: string | null): Promise<void> {
  if (serverUrl !== null) {
    await page.getByLabel('Server URL').fill(serverUrl);
    await page.getByLabel('Email').fill(freelancer.email);
  }
  await page.getByLabel('Password').fill(freelancer.password);
  await page.getByLabel('Password').press('Enter');
  await page.getByRole('heading', { name: 'Work', exact: true }).waitFor();
}

/** Waits until the sync panel's summary says `words`; a timeout says what it showed instead. */
async function waitForSummary(page: Page, words: string, timeout = 60_000): Promise<void> {
  try {
    await page.waitForFunction((w) => document.getElementById('sync-summary')?.textContent?.includes(w) ?? false, words, { timeout });
  } catch (error) {
    const shown = await page.locator('#sync-summary').textContent();
    throw new Error(`the sync panel never said "${words}"; it says: "${shown}"`, { cause: error });
  }
}

describe.skipIf(missing !== null)('desktop app renderer when sync meets trouble', () => {
  const world = useE2eWorld({ display: { width: 1024, height: 768 }, xtermTitle: 'Worktrace sync e2e' });
  let proxy: RefusingProxy;
  /** When the open segment of the memo edit started (epoch ms): it and every later segment carry the new memo. */
  let editedSegmentStart = 0;
  let parkedScreenshotId = '';

  beforeAll(async () => {
    proxy = await startRefusingProxy(world.server.url);
  });

  afterAll(async () => {
    await proxy?.close();
  });

  /** The client's view of the diary. */
  async function diary(): Promise<Diary> {
    const { server } = world;
    const window = `from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date(Date.now() + 120_000).toISOString()}`;
    const answer = await server.api('GET', `/contracts/${server.contractId}/diary?${window}`, { token: await server.token('client') });
    expect(answer.status).toBe(200);
    return diarySchema.parse(answer.json);
  }

  it('signs in through the proxy and starts tracking with a memo', async () => {
    const { page } = world;
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await submitSignIn(page, proxy.url);
    await page.getByLabel('Contract').locator('option').first().waitFor({ state: 'attached' });
    // Set before Start, so the refused screenshot is the first segment's and the minutes after it show the rest drain.
    proxy.refuseNext((method, path) => method === 'PUT' && path.startsWith('/api/v1/screenshots/'), INVALID_IMAGE);
    await page.getByLabel('Memo').fill(FIRST_MEMO);
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('button', { name: 'Stop' }).waitFor();
    expect((await world.app.service.state()).tracking).toMatchObject({ status: 'running', memo: FIRST_MEMO });
  });

  it('lists a screenshot the server refused with 422 as parked, in words, and the rest drains', { timeout: 300_000 }, async () => {
    const { page } = world;
    const parked = page.locator('#sync-parked li');
    // One screenshot per one-minute segment, at a random moment inside its tracked part; the background pass that
    // parks it redraws the panel.
    await parked.first().waitFor({ timeout: 180_000 });
    const refusedAt = proxy.exchanges.findIndex((e) => e.refusedByProxy);
    expect(refusedAt).toBeGreaterThanOrEqual(0);
    parkedScreenshotId = proxy.exchanges[refusedAt]!.path.split('/').at(-1)!;
    expect(await parked.count()).toBe(1);
    // A sentence a person understands; the server's own answer only folded away as a detail.
    expect(await parked.first().locator('.parked-words').textContent()).toBe('A screenshot the server would not take: the server could not read it as a picture.');
    const detail = parked.first().locator('details');
    expect(await detail.locator('p').isVisible()).toBe(false);
    await detail.locator('summary').click();
    expect(await detail.locator('p').textContent()).toBe(`The server said: HTTP 422 INVALID_IMAGE: ${INVALID_IMAGE.message}`);
    expect(await parked.first().textContent()).not.toMatch(/[{}[\]"]/); // no raw JSON
    expect(await seriousViolations(page), 'axe: sync trouble, a parked upload').toEqual([]);

    // The items queued after it are not held up: the next minute's segment upload reaches the server.
    await expect
      .poll(() => proxy.exchanges.slice(refusedAt + 1).some((e) => e.method === 'PUT' && e.path.startsWith('/api/v1/segments/') && e.status === 200), {
        timeout: 90_000,
        interval: 500,
      })
      .toBe(true);
    await waitForSummary(page, 'Everything is uploaded.');
    const state = await world.app.service.state();
    expect(state.sync.parked).toEqual([
      {
        kind: 'screenshot',
        error: 'the server could not read it as a picture.',
        todo: 'Nothing to fix on your side; if it keeps failing, report it.',
        retryAt: expect.any(String),
        detail: `HTTP 422 INVALID_IMAGE: ${INVALID_IMAGE.message}`,
      },
    ]);
    // Tried again on its own in about an hour, and the page says so, with the button that tries now.
    expect(Date.parse(state.sync.parked[0]!.retryAt!) - Date.now()).toBeGreaterThan(50 * 60_000);
    expect(await parked.first().locator('.parked-todo').textContent()).toMatch(
      /^Nothing to fix on your side; if it keeps failing, report it\. Tried again on its own at \d\d:\d\d; Retry tries now\.$/,
    );
    expect(await page.getByRole('button', { name: 'Retry' }).isVisible()).toBe(true);
    // Parked is not lost: the freelancer still has the screenshot.
    expect(state.recentScreenshots.map((s) => s.id)).toContain(parkedScreenshotId);

    const local = world.app.segments();
    const owner = local.find((s) => s.screenshot?.id === parkedScreenshotId);
    expect(owner).toBeDefined();
    const onServer = (await diary()).segments;
    expect(onServer.find((s) => s.id === owner!.id)).toMatchObject({ screenshot: null, memo: FIRST_MEMO });
    expect(onServer.map((s) => s.id)).toEqual(local.map((s) => s.id));
  });

  it('puts a memo edited while tracking on the open segment, on the server too', async () => {
    const { page } = world;
    // The edit must land well inside one segment to name "the open one": not in a minute's last seconds.
    const intoMinuteMs = Date.now() % 60_000;
    if (intoMinuteMs > 45_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinuteMs + 2_000));
    const before = (await world.app.service.state()).tracking.segment;
    expect(before).not.toBeNull();
    editedSegmentStart = Date.parse(before!.startedAt);
    await page.getByLabel('Memo').fill(EDITED_MEMO);
    await page.getByLabel('Memo').press('Tab'); // the edit is sent when the field is left, as a person would
    await expect.poll(async () => (await world.app.service.state()).tracking.memo, { timeout: 10_000 }).toBe(EDITED_MEMO);
    // Still the same open segment: the edit landed while it was open.
    expect((await world.app.service.state()).tracking.segment?.startedAt).toBe(before!.startedAt);
    expect(world.app.bridge.calls.map((c) => c.channel)).toContain('tracking:set-memo');

    await page.getByRole('button', { name: 'Sync now' }).click();
    await waitForSummary(page, 'Everything is uploaded.');
    const segments = (await diary()).segments;
    const open = segments.find((s) => Date.parse(s.startedAt) === editedSegmentStart);
    expect(open?.memo).toBe(EDITED_MEMO);
    for (const s of segments) if (Date.parse(s.startedAt) < editedSegmentStart) expect(s.memo).toBe(FIRST_MEMO);
    expect(world.app.segments().find((s) => Date.parse(s.startedAt) === editedSegmentStart)?.memo).toBe(EDITED_MEMO);
  });

  it('Retry tries the parked screenshot now: refused again while the refusal lasts, sent once it stops', async () => {
    const { page } = world;
    const retry = page.getByRole('button', { name: 'Retry' });
    const tries = () => proxy.exchanges.filter((e) => e.method === 'PUT' && e.path.endsWith(`/screenshots/${parkedScreenshotId}`));
    expect(tries()).toHaveLength(1);
    proxy.refuseNext((method, path) => method === 'PUT' && path.endsWith(`/screenshots/${parkedScreenshotId}`), INVALID_IMAGE);
    await retry.click();
    await expect.poll(() => tries().length, { timeout: 30_000 }).toBe(2);
    await expect.poll(async () => (await world.app.service.state()).sync.parked.length).toBe(1);
    expect(tries()[1]!.refusedByProxy).toBe(true);
    expect(await page.locator('#sync-parked li').count()).toBe(1);
    expect(await retry.isVisible()).toBe(true);

    // The refusal is over (the proxy passes it through now): one more click, and the screenshot reaches the client.
    await retry.click();
    await page.locator('#sync-parked li').first().waitFor({ state: 'detached', timeout: 30_000 });
    expect(tries()).toHaveLength(3);
    expect(tries()[2]).toMatchObject({ status: 200, refusedByProxy: false });
    expect(await retry.isVisible()).toBe(false);
    expect((await world.app.service.state()).sync.parked).toEqual([]);
    expect(world.app.bridge.calls.filter((c) => c.channel === 'sync:retry-parked')).toHaveLength(2);
    const owner = world.app.segments().find((s) => s.screenshot?.id === parkedScreenshotId)!;
    expect((await diary()).segments.find((s) => s.id === owner.id)?.screenshot?.id).toBe(parkedScreenshotId);
    const image = await world.server.api('GET', `/screenshots/${parkedScreenshotId}`, { token: await world.server.token('client') });
    expect(image.status).toBe(200);
  });

  it('says "sign in again" when the server refuses the token, keeps tracking and the queue, and drains it after signing in again without stopping', { timeout: 300_000 }, async () => {
    const { page } = world;
    const heard = proxy.exchanges.length;
    const refusedFrom = Date.now();
    // The app's token is revoked on the server (as a sign-out elsewhere or an administrator would); the app is not told.
    const revoked = await world.server.api('DELETE', '/auth/token', { token: world.app.credentials.read()!.token });
    expect(revoked.status).toBe(204);
    const banner = page.locator('#sign-in-again');
    // The next background pass with something to send (the minute flushed at the next boundary) hears 401.
    await banner.waitFor({ state: 'visible', timeout: 90_000 });
    expect(await banner.textContent()).toContain('The server no longer accepts your sign-in. Tracking goes on; uploads wait until you sign in again.');
    await waitForSummary(page, 'Stopped: sign in again to upload.', 10_000);
    expect(await seriousViolations(page), 'axe: sync trouble, sign in again').toEqual([]);
    // One refused upload stopped the pass, and the passes after it wait for a sign-in instead of asking again.
    const refusedPuts = () => proxy.exchanges.slice(heard).filter((e) => e.method === 'PUT' && e.status === 401);
    expect(refusedPuts()).toHaveLength(1);

    // Tracking goes on: a segment opens after the refusal (usually the one whose opening heard the 401), and what
    // was recorded since waits in the queue.
    const openSince = async () => Date.parse((await world.app.service.state()).tracking.segment?.startedAt ?? '') > refusedFrom;
    await expect.poll(openSince, { timeout: 70_000, interval: 500 }).toBe(true);
    const state = await world.app.service.state();
    expect(state.tracking.status).toBe('running');
    expect(await page.locator('#tracking-status').textContent()).toBe('Tracking');
    expect(state.sync.pendingSegments).toBeGreaterThan(0);
    expect(state.sync.signInAgain).toBe(true);

    await page.getByRole('button', { name: 'Sign in again' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    // Signing in again is not signing out: nothing stopped, the account is still shown.
    expect(world.app.bridge.calls.map((c) => c.channel)).not.toContain('auth:sign-out');
    expect((await world.app.service.state()).tracking.status).toBe('running');
    // The form keeps the server and the email; only the password is asked for.
    expect(await page.getByLabel('Server URL').inputValue()).toBe(proxy.url);
    expect(await page.getByLabel('Email').inputValue()).toBe(freelancer.email);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('password');
    expect(refusedPuts()).toHaveLength(1);
    await submitSignIn(page, null);
    await banner.waitFor({ state: 'hidden' });
    await page.getByRole('heading', { name: 'Sign in' }).waitFor({ state: 'hidden' });
    const signedInAgainAt = Date.now();
    // Tracking went on across the new sign-in: the same session (one Start, no sign-out), still running.
    expect(await page.locator('#tracking-status').textContent()).toBe('Tracking');
    expect((await world.app.service.state()).tracking.status).toBe('running');
    expect(world.app.bridge.calls.filter((c) => c.channel === 'tracking:start')).toHaveLength(1);

    // Stop, then the background uploads drain the queue with the new token and redraw the panel on their own
    // (no action of the person's sends a state); nothing is parked any more (Retry sent it).
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.getByRole('button', { name: 'Start' }).waitFor();
    await waitForSummary(page, 'Everything is uploaded.', 60_000);
    const after = await world.app.service.state();
    expect(after.sync).toMatchObject({ pendingSegments: 0, pendingScreenshots: 0, signInAgain: false });
    expect(after.sync.parked).toEqual([]);
    // ... and recorded on after it, up to the Stop.
    const lastMinute = world.app.segments().at(-1)?.minutes.at(-1);
    expect(Date.parse(lastMinute?.startedAt ?? '') + 60_000).toBeGreaterThan(signedInAgainAt);

    // The server's diary equals the app's record: every segment, minute for minute, memo and screenshot.
    const local = world.app.segments();
    const onServer = (await diary()).segments;
    expect(onServer.map((s) => s.id)).toEqual(local.map((s) => s.id));
    expect(local.some((s) => Date.parse(s.startedAt) > refusedFrom)).toBe(true);
    for (const mine of local) {
      const theirs = onServer.find((s) => s.id === mine.id)!;
      expect(theirs.trackedSeconds).toBe(mine.trackedSeconds);
      expect(theirs.minutes).toEqual(mine.minutes);
      expect(theirs.memo).toBe(Date.parse(mine.startedAt) < editedSegmentStart ? FIRST_MEMO : EDITED_MEMO);
      expect(theirs.screenshot?.id ?? null).toBe(mine.screenshot?.id ?? null);
    }
    expect(world.browser.problems).toEqual([]);
  });
});
