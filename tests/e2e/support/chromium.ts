import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { PAGE_BRIDGE_SCRIPT } from './page-bridge.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Real Chromium, headless, with a fresh profile that is removed at close. In CI a missing Chromium fails. */
export interface TestBrowser {
  readonly page: Page;
  /** Console errors and uncaught exceptions of the page (a CSP violation shows up here). */
  readonly problems: readonly string[];
  close(): Promise<void>;
}

export function chromiumMissing(): string | null {
  if (existsSync(CHROMIUM_PATH)) return null;
  const reason = `${CHROMIUM_PATH} is missing: install Debian's chromium (the README's test command does)`;
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`CI needs Chromium: ${reason}`);
  return reason;
}

export async function openRenderer(url: string): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'wt-e2e-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      viewport: { width: 900, height: 900 },
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  await context.addInitScript({ content: PAGE_BRIDGE_SCRIPT });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  // A CSP violation or a script error is a bug in the renderer: collect them so the test can assert none happened.
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} for ${new URL(response.url()).pathname}`);
  });
  await page.goto(url);
  return {
    page,
    problems,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
