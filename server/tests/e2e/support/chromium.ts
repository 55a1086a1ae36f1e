import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's chromium; WORKTRACE_CHROMIUM points elsewhere when it lives somewhere else. */
export const CHROMIUM_PATH = process.env.WORKTRACE_CHROMIUM ?? '/usr/bin/chromium';

export interface Chromium {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Real headless Chromium with a fresh profile, UTC (or the zone asked for: a viewer elsewhere than the
 * contract) and an English locale (so the diary's days and times are the ones the test computes). A missing browser fails the test, in CI and out of it: the
 * README's test command installs it.
 */
export async function launchChromium(options: { readonly timezoneId?: string } = {}): Promise<Chromium> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install it (Debian/Ubuntu: apt-get install chromium) or set WORKTRACE_CHROMIUM`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'wt-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1280, height: 800 },
    timezoneId: options.timezoneId ?? 'UTC',
    locale: 'en-GB',
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
