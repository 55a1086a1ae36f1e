import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppService, defaultSensorFactory, type SaveDialogPort } from '../../../src/main/app/index.js';
import { systemClock } from '../../../src/main/clock/system-clock.js';
import { FileKeyStore } from '../../../src/main/crypto/index.js';
import { createLogger } from '../../../src/main/log.js';
import { databasePath, openStore } from '../../../src/main/store/index.js';
import { CredentialsStore } from '../../../src/main/sync/index.js';
import type { SegmentRecord } from '../../../src/shared/protocol/index.js';
import { rendererIsFresh } from '../../support/built.js';
import { startBridge, type Bridge } from './bridge-server.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const RENDERER_DIR = join(ROOT, 'dist/renderer');

/**
 * Where the e2e tests keep their screenshots of the UI: docs/ (for the README) with UPDATE_DOCS_SCREENSHOTS=1,
 * otherwise a temporary directory, so an ordinary test run never dirties the tree.
 */
export function screenshotsDir(): string {
  if (process.env.UPDATE_DOCS_SCREENSHOTS !== '1') return mkdtempSync(join(tmpdir(), 'wt-e2e-shots-'));
  const docs = join(ROOT, 'docs');
  mkdirSync(docs, { recursive: true });
  return docs;
}

/**
 * Builds the renderer exactly as `npm run build` does, so the page under test is the page the app ships — unless the
 * build is already newer than its sources (as after `npm run build` in scripts/test.sh). Test files run two at a
 * time: rewriting dist/ under another file's open page could hand it half a file, so a rebuild happens only when
 * something changed, one build at a time (flock).
 */
export function buildRenderer(): void {
  if (rendererIsFresh()) return;
  const lock = join(ROOT, 'dist/.renderer-build.lock');
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const result = spawnSync('flock', [lock, process.execPath, join(ROOT, 'scripts/build-renderer.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (result.error) throw new Error(`renderer build could not start: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`renderer build failed: ${result.stderr}`);
}

/**
 * The real, Electron-free app service (src/main/app) over a fresh data directory, with the real sensors on
 * whatever DISPLAY this process has, the real clock, and the test bridge in front of it.
 */
export interface AppHarness {
  readonly service: AppService;
  readonly bridge: Bridge;
  readonly dataDir: string;
  /** Where the app keeps its sign-in (the Electron app keeps it with safeStorage; the token is what a test revokes). */
  readonly credentials: CredentialsStore;
  /** The segments in the app's database, read through a second connection (the app's own stays in use). */
  segments(): SegmentRecord[];
  close(): Promise<void>;
}

/**
 * `idleThresholdMs` shortens the 5-minute default so an idle prompt arrives within a test; `saveDialog` stands in for
 * Electron's save dialog (without it, saving a file answers NOT_AVAILABLE).
 */
export async function startApp(options: { idleThresholdMs?: number; saveDialog?: SaveDialogPort } = {}): Promise<AppHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wt-e2e-app-'));
  const logger = createLogger({ level: process.env.WORKTRACE_LOG_LEVEL ?? 'silent' });
  const credentials = new CredentialsStore(dataDir);
  const service = new AppService({
    clock: systemClock,
    dataDir,
    keys: new FileKeyStore(dataDir),
    credentials,
    logger,
    sensors: defaultSensorFactory(logger),
    ...(options.idleThresholdMs === undefined ? {} : { idleThresholdMs: options.idleThresholdMs }),
    ...(options.saveDialog ? { saveDialog: options.saveDialog } : {}),
  });
  await service.open();
  const bridge = await startBridge(service, RENDERER_DIR);
  return {
    service,
    bridge,
    dataDir,
    credentials,
    segments() {
      const reader = openStore({ file: databasePath(dataDir), clock: systemClock, mode: 'local', verify: false });
      try {
        return reader.segments.list();
      } finally {
        reader.close();
      }
    },
    async close() {
      await bridge.close();
      await service.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
