import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { DEMO_ACCOUNTS } from '../../../src/domain/demo.js';
import { openPage, signIn, type WatchedPage } from './pages.js';
import type { E2eServer, UploadedSegment } from './world.js';

/**
 * For the week page's tests, whose server runs on a fake clock: a new tab (its own session) whose clock stands
 * where the server's does, signed in and showing the demo contract.
 */
export async function contractPageAt(context: BrowserContext, server: E2eServer, now: number, account: (typeof DEMO_ACCOUNTS)[number]): Promise<WatchedPage> {
  const watched = await openPage(context);
  await watched.page.clock.setFixedTime(now);
  await signIn(watched.page, server.baseUrl, account.email, account.password);
  await watched.page.locator(`li.contract[data-contract-id="${server.contract.id}"] h2 a`).click();
  await watched.page.locator('#diary').waitFor();
  return watched;
}

/** Shows the week whose Monday is `monday` ("2026-11-16"), through the address as a bookmark would. */
export async function showWeek(page: Page, contractId: string, monday: string): Promise<void> {
  await page.evaluate(([id, week]) => (location.hash = `#/contracts/${id}?week=${week}`), [contractId, monday]);
  await page.locator(`#diary[data-week="${monday}"]`).waitFor();
}

/** The week table's rows as the page shows them: [day, tracked, billable, idle, removed], the header and the total too. */
export const weekTableRows = (page: Page): Promise<string[][]> =>
  page.locator('table.week-days tr').evaluateAll((rows) => rows.map((row) => Array.from(row.children, (cell) => cell.textContent ?? '')));

export interface WeekAnswer {
  readonly state: string;
  readonly totals: Record<string, number>;
  readonly days: { date: string; totals: Record<string, number> }[];
  readonly screenshots: { stored: number; deleteOnApproval: boolean; deletedAtLatest: string | null };
}

/** GET /contracts/{id}/weeks/{date} as the client. */
export async function weekOf(server: E2eServer, date: string): Promise<WeekAnswer> {
  const answer = await server.api('GET', `contracts/${server.contract.id}/weeks/${date}`, server.clientToken);
  if (answer.status !== 200) throw new Error(`GET week ${date}: ${answer.status} ${JSON.stringify(answer.json)}`);
  return answer.json as WeekAnswer;
}

/** The file the disk store keeps a screenshot's sealed object in, while it has one (read before a deletion: the row forgets it). */
export async function sealedObjectFile(server: E2eServer, segment: UploadedSegment): Promise<string> {
  const key = (await server.repos.screenshots.find(segment.screenshotId!))?.storageKey;
  if (!key) throw new Error(`screenshot ${segment.screenshotId} has no stored object`);
  return join(server.storageDir, key);
}

/** The status of GET /screenshots/{id} for the client. */
export async function imageStatus(server: E2eServer, segment: UploadedSegment): Promise<number> {
  return (await fetch(`${server.baseUrl}/api/v1/screenshots/${segment.screenshotId}`, { headers: { authorization: `Bearer ${server.clientToken}` } })).status;
}
