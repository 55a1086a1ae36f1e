import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { expect, vi } from 'vitest';
import { AppService, type AppServiceDeps, type SensorSet } from '../../../../src/main/app/index.js';
import { FileKeyStore } from '../../../../src/main/crypto/index.js';
import { createLogger } from '../../../../src/main/log.js';
import type { ScreenCapturer } from '../../../../src/main/sensors/types.js';
import { CredentialsStore } from '../../../../src/main/sync/index.js';
import type { Envelope, AppState } from '../../../../src/shared/ipc/index.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { FakeInput, FakeWindow } from '../tracking/support/fakes.js';

/** A grey 64×48 frame: the capture pipeline (sharp, AES-GCM, the store) runs for real on it. */
export const greyCapturer: ScreenCapturer = {
  capture: async () => ({ kind: 'raw', data: Buffer.alloc(64 * 48 * 3, 128), width: 64, height: 48, channels: 3 }),
  state: () => ({ status: 'ok', backend: 'test-frame' }),
};

export interface ServiceHarness {
  readonly service: AppService;
  readonly clock: FakeClock;
  readonly dataDir: string;
  readonly input: FakeInput;
  dispose(): Promise<void>;
}

/** The service with real store, key file, credentials file and capture pipeline; the screen and input are scripted. */
export async function openService(
  options: {
    clock?: FakeClock;
    random?: () => number;
    dataDir?: string;
    openStore?: AppServiceDeps['openStore'];
    capturer?: ScreenCapturer;
    saveDialog?: AppServiceDeps['saveDialog'];
    /** Background upload passes (default: every fake second). */
    syncIntervalMs?: number;
  } = {},
): Promise<ServiceHarness> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'wt-app-'));
  const clock = options.clock ?? new FakeClock({ wallMs: Date.now() });
  const input = new FakeInput();
  const sensors = (): SensorSet => ({ input, window: new FakeWindow(), capturer: options.capturer ?? greyCapturer, close: () => undefined });
  const service = new AppService({
    clock,
    dataDir,
    keys: new FileKeyStore(dataDir),
    credentials: new CredentialsStore(dataDir),
    logger: createLogger({ level: 'silent' }),
    sensors,
    random: options.random ?? (() => 0.5),
    newId: ulid,
    syncIntervalMs: options.syncIntervalMs ?? 1000,
    ...(options.openStore ? { openStore: options.openStore } : {}),
    ...(options.saveDialog ? { saveDialog: options.saveDialog } : {}),
  });
  await service.open();
  return {
    service,
    clock,
    dataDir,
    input,
    async dispose() {
      await service.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function expectError(answer: Envelope<AppState>): { code: string; message: string } {
  if (answer.ok) throw new Error(`expected an error envelope, got ok`);
  return answer.error;
}

export function expectOk(answer: Envelope<AppState>): AppState {
  if (!answer.ok) throw new Error(`expected ok, got ${answer.error.code}: ${answer.error.message}`);
  return answer.value;
}

/** Lets background passes run (one per fake second) until `check` holds of the last state the page was given. */
export async function untilPageShows(clock: FakeClock, emitted: readonly AppState[], check: (state: AppState) => boolean): Promise<AppState> {
  await vi.waitFor(
    async () => {
      await clock.advanceAsync(1000);
      expect(emitted.length > 0 && check(emitted.at(-1)!)).toBe(true);
    },
    { timeout: 30_000, interval: 50 },
  );
  return emitted.at(-1)!;
}
