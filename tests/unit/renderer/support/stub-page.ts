import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { AppState } from '../../../../src/shared/ipc/index.js';

/**
 * The built page (dist/renderer, as `npm run build` writes it) in real Chromium, served on loopback, with a
 * stand-in window.worktrace that answers a state the test sets and records what the page invokes. No core behind
 * it: this checks what the page shows and sends, nothing else.
 */
const RENDERER_DIR = fileURLToPath(new URL('../../../../dist/renderer', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

export interface StubPage {
  readonly page: Page;
  /** Console errors and page errors seen so far. */
  readonly problems: readonly string[];
  /** Sets the state every invoke answers with, and sends it as a state:changed event. */
  push(state: AppState): Promise<void>;
  /** What the page invoked, in order: [channel, request]. */
  invokes(): Promise<unknown[][]>;
  close(): Promise<void>;
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

export async function openStubPage(initial: AppState): Promise<StubPage> {
  expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium (the README's test command does)`).toBe(true);
  expect(existsSync(join(RENDERER_DIR, 'app.js')), 'dist/renderer is missing: run npm run build').toBe(true);
  const server: Server = createServer((request, response) => {
    const name = new URL(request.url ?? '/', 'http://x').pathname.replace(/^\/+/, '') || 'index.html';
    const file = join(RENDERER_DIR, name);
    if (!file.startsWith(RENDERER_DIR) || !existsSync(file)) return void response.writeHead(404).end();
    response.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const profile = mkdtempSync(join(tmpdir(), 'wt-renderer-chromium-'));
  let context: BrowserContext | null = null;
  const close = async () => {
    await context?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(profile, { recursive: true, force: true });
  };
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    await context.addInitScript(stubApi, initial);
    const page = context.pages()[0] ?? (await context.newPage());
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/index.html`);
    return {
      page,
      problems,
      push: (state) => page.evaluate((s) => (window as unknown as { __push: (s: AppState) => void }).__push(s), state),
      invokes: () => page.evaluate(() => (window as unknown as { __invokes: unknown[][] }).__invokes),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
