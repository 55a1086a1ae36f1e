import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppService, defaultSensorFactory } from '../../../src/main/app/index.js';
import { systemClock } from '../../../src/main/clock/system-clock.js';
import { FileKeyStore } from '../../../src/main/crypto/index.js';
import { createLogger } from '../../../src/main/log.js';
import { databasePath, openStore } from '../../../src/main/store/index.js';
import { CredentialsStore } from '../../../src/main/sync/index.js';
import type { SegmentRecord } from '../../../src/shared/protocol/index.js';
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

/** Newest modification time of the files under `dir` (0 when there is none). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** The built page and preload are at least as new as every source they are built from. */
function rendererIsFresh(): boolean {
  const built = [join(RENDERER_DIR, 'app.js'), join(RENDERER_DIR, 'index.html'), join(ROOT, 'dist/preload/preload.cjs')];
  if (!built.every((file) => existsSync(file))) return false;
  const sources = Math.max(...['src/renderer', 'src/preload', 'src/shared'].map((dir) => newestMtime(join(ROOT, dir))));
  return Math.min(...built.map((file) => statSync(file).mtimeMs)) >= sources;
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

/** `idleThresholdMs` shortens the 5-minute default so an idle prompt arrives within a test. */
export async function startApp(options: { idleThresholdMs?: number } = {}): Promise<AppHarness> {
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
