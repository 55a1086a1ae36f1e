import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DEMO_ACCOUNTS } from '../../src/domain/demo.js';
import { seriousViolations } from '../../../tests/support/axe.js';
import { launchChromium, type Chromium } from './support/chromium.js';
import { buildDashboardClient, openDiary, openPage, signIn, type WatchedPage } from './support/pages.js';
import { startE2eServer, type E2eServer } from './support/world.js';

const [CLIENT] = DEMO_ACCOUNTS;

/**
 * Signing out of the dashboard in real Chromium against the real server: Sign out revokes the page's token on the
 * server (offline, the page says the server could not be told), and Sign out everywhere, after one question, ends
 * every sign-in of the person: another tab with an open diary returns to the sign-in form by itself, and the tokens
 * of agents stop working, while the other party's do not.
 */
describe('dashboard sign-out in Chromium', () => {
  let chromium: Chromium;
  let server: E2eServer;
  const pages: WatchedPage[] = [];

  beforeAll(async () => {
    buildDashboardClient();
    chromium = await launchChromium();
  });
  afterAll(async () => chromium?.close());
  beforeEach(async () => {
    server = await startE2eServer();
  });
  afterEach(async () => {
    for (const watched of pages.splice(0)) await watched.page.close();
    await server?.close();
  });

  async function signedInPage(): Promise<WatchedPage> {
    const watched = await openPage(chromium.context);
    pages.push(watched);
    await signIn(watched.page, server.baseUrl, CLIENT.email, CLIENT.password);
    return watched;
  }
  const tokenOf = (page: Page) => page.evaluate(() => (JSON.parse(sessionStorage.getItem('worktrace.session') ?? 'null') as { token: string } | null)?.token ?? null);
  const statusOf = (page: Page) => page.locator('#status').textContent();
  const contractsWith = async (token: string) => (await server.api('GET', 'contracts', token)).status;

  it('Sign out revokes the session’s token on the server; the person’s other sign-ins keep working', async () => {
    const { page, problems } = await signedInPage();
    const token = await tokenOf(page);
    expect(token).toMatch(/^wt_/);
    expect(await contractsWith(token!)).toBe(200);

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByLabel('Email').waitFor();
    expect(await statusOf(page)).toBe('Signed out: this session no longer works anywhere.');
    expect(await tokenOf(page)).toBeNull();
    expect(await contractsWith(token!)).toBe(401);
    expect(await contractsWith(server.clientToken)).toBe(200);
    expect(await page.getByRole('button', { name: 'Sign out everywhere' }).isHidden()).toBe(true);
    expect(await seriousViolations(page), 'axe: signed out, with its message').toEqual([]);
    expect(problems).toEqual([]);
  });

  it('Sign out when the server cannot be told: signed out here all the same, and told the session stays valid there', async () => {
    const { page, problems } = await signedInPage();
    const token = await tokenOf(page);
    await page.route('**/api/v1/auth/token', (route) => (route.request().method() === 'DELETE' ? route.abort('internetdisconnected') : route.continue()));
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByLabel('Email').waitFor();
    expect(await statusOf(page)).toMatch(/^Signed out in this browser, but the server could not be told \(.+\): this session stays valid there until .+\.$/);
    expect(await tokenOf(page)).toBeNull();
    expect(await contractsWith(token!)).toBe(200);
    expect(problems.filter((p) => !p.includes('ERR_INTERNET_DISCONNECTED'))).toEqual([]);
  });

  it('Sign out everywhere asks once, then ends every sign-in of the person: another tab with an open diary and the agents’ tokens', async () => {
    const here = await signedInPage();
    const there = await signedInPage();
    // The other tab follows the contract's policy (its stream is open).
    const streamOpen = there.page.waitForResponse((r) => r.url().endsWith(`/contracts/${server.contract.id}/policy/stream`) && r.status() === 200);
    await openDiary(there.page, server.contract.id, Date.now());
    await streamOpen;
    const tokens = [await tokenOf(here.page), await tokenOf(there.page), server.clientToken];
    for (const token of tokens) expect(await contractsWith(token!)).toBe(200);

    // Asked once: Cancel changes nothing.
    await here.page.getByRole('button', { name: 'Sign out everywhere' }).click();
    const question = here.page.getByRole('dialog', { name: 'Sign out everywhere?' });
    expect(await question.textContent()).toContain(`Every sign-in of ${CLIENT.email} ends`);
    expect(await seriousViolations(here.page), 'axe: the sign-out-everywhere question').toEqual([]);
    await question.getByRole('button', { name: 'Cancel' }).click();
    await question.waitFor({ state: 'detached' });
    for (const token of tokens) expect(await contractsWith(token!)).toBe(200);

    await here.page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await here.page.getByRole('dialog', { name: 'Sign out everywhere?' }).getByRole('button', { name: 'Sign out everywhere' }).click();
    await here.page.getByLabel('Email').waitFor();
    expect(await statusOf(here.page)).toBe(`Signed out everywhere: every sign-in of ${CLIENT.email} has ended.`);
    for (const token of tokens) expect(await contractsWith(token!)).toBe(401);
    // The other party of the contract is not signed out.
    expect(await contractsWith(server.freelancerToken)).toBe(200);

    // The other tab's stream ended at once; reconnecting, it met the 401 and went back to the sign-in form.
    await there.page.getByLabel('Email').waitFor({ timeout: 20_000 });
    expect(await statusOf(there.page)).toBe('Your session has ended: sign in again.');
    expect(await tokenOf(there.page)).toBeNull();
    expect(here.problems).toEqual([]);
    expect(there.problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
  });
});
