import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppState, DesktopNotice } from '../../../src/shared/ipc/index.js';

/**
 * The permission notice in real Chromium: the built page (dist/renderer, as `npm run build` writes it) served on
 * loopback, with a stand-in window.worktrace that answers a fixed AppState and records what the page invokes. No
 * core behind it: this checks what the page shows and sends, nothing else.
 */
const RENDERER_DIR = fileURLToPath(new URL('../../../dist/renderer', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

function signedOutState(notices: DesktopNotice[]): AppState {
  return {
    account: null,
    contracts: [],
    tracking: { status: 'stopped', contractId: null, memo: null, todayMs: 0, weekMs: 0, segment: null },
    recentScreenshots: [],
    sync: { online: true, pendingSegments: 0, pendingScreenshots: 0, parked: [], lastSyncAt: null, lastError: null, signInAgain: false },
    launchAtLogin: false,
    permissions: { notices },
  };
}

/** Runs in the page before the renderer: the preload's API over a state the test sets, recording each invoke. */
function stubApi(initial: AppState): void {
  const page = window as unknown as { __state: AppState; __invokes: unknown[][]; __push: (s: AppState) => void; worktrace: unknown };
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  page.__state = initial;
  page.__invokes = [];
  page.__push = (state) => {
    page.__state = state;
    for (const listener of listeners.get('state:changed') ?? []) listener(state);
  };
  page.worktrace = {
    invoke: async (channel: string, request: unknown) => {
      page.__invokes.push([channel, request]);
      return { ok: true, value: page.__state };
    },
    on: (channel: string, listener: (payload: unknown) => void) => {
      const set = listeners.get(channel) ?? new Set();
      set.add(listener);
      listeners.set(channel, set);
      return () => set.delete(listener);
    },
  };
}

describe('permission notice in the page (real Chromium)', () => {
  let server: Server;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const problems: string[] = [];

  beforeAll(async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium (the README's test command does)`).toBe(true);
    expect(existsSync(join(RENDERER_DIR, 'app.js')), 'dist/renderer is missing: run npm run build').toBe(true);
    server = createServer((request, response) => {
      const name = new URL(request.url ?? '/', 'http://x').pathname.replace(/^\/+/, '') || 'index.html';
      const file = join(RENDERER_DIR, name);
      if (!file.startsWith(RENDERER_DIR) || !existsSync(file)) return void response.writeHead(404).end();
      response.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    profile = mkdtempSync(join(tmpdir(), 'wt-renderer-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    const notices: DesktopNotice[] = [{ kind: 'screen-recording', status: 'denied' }, { kind: 'accessibility' }];
    await context.addInitScript(stubApi, signedOutState(notices));
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/index.html`);
  });
  afterAll(async () => {
    await context?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('tells the person what is missing and where to allow it, before sign-in too', async () => {
    const notices = page.locator('#permissions-list > li');
    await expect.poll(() => notices.count()).toBe(2);
    expect(await page.locator('#permissions').isVisible()).toBe(true);
    const screen = page.locator('li[data-notice="screen-recording"]');
    expect(await screen.innerText()).toContain('screenshots cannot be taken until you allow it: System Settings > Privacy & Security > Screen Recording');
    expect(await page.locator('li[data-notice="accessibility"]').innerText()).toContain('Privacy & Security > Accessibility');
    expect(await page.locator('#sign-in').isVisible()).toBe(true);
  });

  it('its button asks main to open the pane by name (never a URL)', async () => {
    await page.getByRole('button', { name: 'Open Screen Recording settings' }).click();
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { __invokes: unknown[][] }).__invokes.filter(([channel]) => channel === 'permissions:open-settings')))
      .toEqual([['permissions:open-settings', { pane: 'screen-recording' }]]);
  });

  it('a granted permission takes its notice away; a Wayland session shows one with no button', async () => {
    await page.evaluate((state) => (window as unknown as { __push: (s: AppState) => void }).__push(state), signedOutState([]));
    await expect.poll(() => page.locator('#permissions').isVisible()).toBe(false);
    await page.evaluate((state) => (window as unknown as { __push: (s: AppState) => void }).__push(state), signedOutState([{ kind: 'wayland-session' }]));
    const wayland = page.locator('li[data-notice="wayland-session"]');
    await expect.poll(() => wayland.count()).toBe(1);
    expect(await wayland.innerText()).toContain('only in an X11 session');
    expect(await wayland.locator('button').count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
