import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium, type Chromium } from './chromium.js';

const REPOSITORY = join(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** Compiles the dashboard's client modules (incrementally: a no-op when they are current). */
export function buildDashboardClient(): void {
  execFileSync(join(REPOSITORY, 'node_modules/.bin/tsc'), ['-b', join(REPOSITORY, 'server/src/dashboard/client')], { stdio: 'pipe' });
}

/**
 * Where the docs screenshots go: docs/ when WORKTRACE_UPDATE_DOCS=1 (how the README's images are
 * made), else a scratch directory, so a test run does not rewrite tracked files.
 */
export function screenshotPath(name: string, scratch: string): string {
  const dir = process.env.WORKTRACE_UPDATE_DOCS === '1' ? join(REPOSITORY, 'docs') : scratch;
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}

/**
 * For a test file: the dashboard's modules built and Chromium started once before its tests, with a scratch
 * directory for the pictures they take; both gone after them.
 */
export function useDashboardBrowser(scratchPrefix: string, options: { readonly timezoneId?: string } = {}): { readonly context: BrowserContext; readonly scratch: string } {
  let chromium: Chromium | undefined;
  let scratch: string | undefined;
  beforeAll(async () => {
    buildDashboardClient();
    chromium = await launchChromium(options);
    scratch = mkdtempSync(join(tmpdir(), scratchPrefix));
  });
  afterAll(async () => {
    await chromium?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('Chromium is not started (or failed to start)');
    return value;
  };
  return {
    get context() {
      return started(chromium).context;
    },
    get scratch() {
      return started(scratch);
    },
  };
}

export interface WatchedPage {
  readonly page: Page;
  /** Console errors, uncaught exceptions and CSP violations seen so far. */
  readonly problems: string[];
  /** Screenshot requests made without a Bearer token (there must be none). */
  readonly unauthorisedImageRequests: string[];
  /** Every screenshot download (GET) the page made. */
  readonly imageRequests: string[];
}

export async function openPage(context: BrowserContext): Promise<WatchedPage> {
  const page = await context.newPage();
  const problems: string[] = [];
  const unauthorisedImageRequests: string[] = [];
  const imageRequests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('request', (request) => {
    if (!request.url().includes('/api/v1/screenshots/')) return;
    if (request.method() === 'GET') imageRequests.push(request.url());
    if (!/^Bearer /.test(request.headers()['authorization'] ?? '')) unauthorisedImageRequests.push(request.url());
  });
  return { page, problems, unauthorisedImageRequests, imageRequests };
}

/** Signs in through the form with the keyboard only: type, Tab, type, Enter. */
export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('Email').waitFor();
  await page.getByLabel('Email').focus();
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Contracts' }).waitFor();
}

/** Opens a contract's diary at the week holding `at` (the browser runs in UTC). */
export async function openDiary(page: Page, contractId: string, at: number): Promise<void> {
  await page.evaluate(([id, week]) => (location.hash = `#/contracts/${id}?week=${week}`), [contractId, new Date(at).toISOString().slice(0, 10)]);
  await page.locator('#diary').waitFor();
}

/** One segment's cell in the open diary. */
export function diaryCell(page: Page, segmentId: string): Locator {
  return page.locator(`li.cell[data-segment-id="${segmentId}"]`);
}

/** Waits until every thumbnail on the page shows its decoded image. */
export async function thumbnailsLoaded(page: Page): Promise<number> {
  await page.waitForFunction(() => Array.from(document.querySelectorAll<HTMLImageElement>('img.thumb')).every((img) => img.complete && img.naturalWidth > 0));
  return page.locator('img.thumb').count();
}

/** Clears the status line ("Signed in as …") so it does not cover a picture taken for the docs. */
export async function hideStatus(page: Page): Promise<void> {
  await page.evaluate(() => {
    const status = document.getElementById('status');
    if (status) status.textContent = '';
  });
}
