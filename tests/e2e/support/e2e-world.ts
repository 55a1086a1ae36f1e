import { afterAll, beforeAll } from 'vitest';
import type { Page } from 'playwright-core';
import { hasTool, requireTools, startDisplay, type TestDisplay } from '../../support/display.js';
import { startLiveServer, type LiveServer } from '../../integration/sync/support/live-server.js';
import type { SaveDialogPort } from '../../../src/main/app/index.js';
import { buildRenderer, startApp, type AppHarness } from './app-harness.js';
import { chromiumMissing, openRenderer, type TestBrowser } from './chromium.js';

/**
 * Everything an e2e test file stands on, started once per file in this order and stopped in reverse: the
 * renderer built as `npm run build` builds it, a real X display (Xvfb + openbox), the real work-diary server on
 * loopback (demo contract, one-minute segments), the real app service with its sensors on that display behind the
 * test bridge, and real Chromium showing the renderer.
 */
export interface E2eWorld {
  readonly display: TestDisplay;
  readonly server: LiveServer;
  readonly app: AppHarness;
  readonly browser: TestBrowser;
  readonly page: Page;
}

export interface E2eWorldOptions {
  readonly display: { readonly width: number; readonly height: number };
  /** A window on the display (when xterm is installed), so screenshots show more than the root colour. */
  readonly xtermTitle?: string;
  /** Shortens the app's 5-minute idle threshold. */
  readonly idleThresholdMs?: number;
  /** Stands in for Electron's save dialog. */
  readonly saveDialog?: SaveDialogPort;
}

/**
 * Why this file cannot run here (Chromium or an X tool missing), or null. In CI a missing piece throws instead:
 * the suite must fail there, never skip.
 */
export function e2eMissing(tools: readonly string[] = []): string | null {
  const missingTools = requireTools(['Xvfb', ...tools]);
  return chromiumMissing() ?? (missingTools.length > 0 ? `${missingTools.join(', ')} missing` : null);
}

/**
 * Registers the beforeAll/afterAll of the calling describe block that start and stop the world, and returns it;
 * its parts can be used from the tests (not before beforeAll has run).
 */
export function useE2eWorld(options: E2eWorldOptions): E2eWorld {
  let parts: { display?: TestDisplay; server?: LiveServer; app?: AppHarness; browser?: TestBrowser } = {};
  const previousDisplay = process.env.DISPLAY;
  const part = <K extends keyof typeof parts>(name: K): NonNullable<(typeof parts)[K]> => {
    const value = parts[name];
    if (value === undefined) throw new Error(`the e2e world has no ${name}: it is not started (or failed to start)`);
    return value as NonNullable<(typeof parts)[K]>;
  };

  beforeAll(async () => {
    buildRenderer();
    const display = await startDisplay(options.display);
    parts.display = display;
    // The sensors of the app service read DISPLAY from this process's environment, as the Electron main would.
    process.env.DISPLAY = display.display;
    delete process.env.WAYLAND_DISPLAY;
    if (options.xtermTitle !== undefined && hasTool('xterm')) {
      display.spawnClient('xterm', ['-T', options.xtermTitle, '-geometry', '80x24+0+0']);
    }
    parts.server = await startLiveServer({ segmentSeconds: 60 });
    parts.app = await startApp({
      ...(options.idleThresholdMs === undefined ? {} : { idleThresholdMs: options.idleThresholdMs }),
      ...(options.saveDialog ? { saveDialog: options.saveDialog } : {}),
    });
    parts.browser = await openRenderer(parts.app.bridge.url);
  });

  afterAll(async () => {
    const { display, server, app, browser } = parts;
    parts = {};
    await browser?.close();
    await app?.close();
    await server?.close();
    await display?.stop();
    if (previousDisplay === undefined) delete process.env.DISPLAY;
    else process.env.DISPLAY = previousDisplay;
  });

  return {
    get display() {
      return part('display');
    },
    get server() {
      return part('server');
    },
    get app() {
      return part('app');
    },
    get browser() {
      return part('browser');
    },
    get page() {
      return part('browser').page;
    },
  };
}
