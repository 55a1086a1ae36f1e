import type { Clock } from '../../shared/clock.js';
import type { ScreenshotSkipReason } from '../../shared/protocol/index.js';
import type { ActiveWindowSensor, InputSensor, SystemIdleTime } from '../sensors/types.js';
import type { IdleDecider, PolicySource, ScreenshotTaker, TrackingSink } from './ports.js';
import type { IdleState } from './idle-tracker.js';

export const DEFAULT_IDLE_THRESHOLD_MS = 300_000;
export const DEFAULT_TICK_MS = 1000;
export const DEFAULT_WINDOW_SAMPLE_MS = 5000;

/** Everything the tracker talks to, handed in by the composition root (or a test). */
export interface TrackerDeps {
  readonly clock: Clock;
  readonly input: InputSensor;
  readonly window: ActiveWindowSensor;
  readonly sink: TrackingSink;
  readonly screenshots: ScreenshotTaker;
  readonly policy: PolicySource;
  readonly decideIdle: IdleDecider;
  /** Values in [0, 1); picks the screenshot moment. */
  readonly random: () => number;
  /** New record ids (ULIDs in production). */
  readonly newId: () => string;
  /**
   * The system's own idle time (the native core's XScreenSaver / GetLastInputInfo; in the app, Electron's powerMonitor
   * where the core is missing): input the input sensor cannot count (no Accessibility on macOS, a hook Windows
   * bypassed) still ends idle, and idle is known while the input counts are not.
   */
  readonly systemIdle?: SystemIdleTime;
}

export interface TrackerOptions {
  readonly contractId: string;
  readonly memo?: string | null;
  readonly idleThresholdMs?: number;
  readonly tickMs?: number;
  readonly windowSampleMs?: number;
  /** Save the open minute this often (default SAVE_EVERY_MS, 10 s); null: only when it ends (for benchmarks). */
  readonly saveOpenMinuteEveryMs?: number | null;
  /** Start of the local day containing an epoch ms, for "elapsed today". Default: the process's time zone. */
  readonly dayStartOf?: (epochMs: number) => number;
}

export type TrackerStatus = 'stopped' | 'running' | 'suspended';

/**
 * The screenshot of the open segment: planned, being captured, done, failed, skipped for privacy (a private window
 * active where windows cannot be painted out, or an unreadable private list), or none (policy or already done).
 */
export type ScreenshotStatus = 'none' | 'pending' | 'capturing' | 'taken' | 'failed' | 'skipped';

export interface SegmentSnapshot {
  readonly id: string;
  /** Epoch seconds. */
  readonly startedAt: number;
  readonly lengthSeconds: number;
  /** Continued from an earlier run of the agent. */
  readonly continued: boolean;
  readonly trackedMs: number;
  readonly activeMinutes: number;
  /** The freelancer deleted this segment's screenshot: it credits nothing until it ends (at startedAt + lengthSeconds). */
  readonly timeRemoved: boolean;
  readonly screenshot: ScreenshotStatus;
  /** Why the screenshot was skipped for privacy (status 'skipped'). */
  readonly screenshotSkipped: ScreenshotSkipReason | null;
  readonly screenshotDueAtMs: number | null;
}

export interface TrackerSnapshot {
  readonly status: TrackerStatus;
  readonly contractId: string;
  readonly memo: string | null;
  /** Effective epoch ms where this session started, and the latest effective moment reached. */
  readonly startedAtMs: number | null;
  readonly effectiveNowMs: number | null;
  /** Worked ms this session, and this session's worked ms on the current local day (idle discards subtracted). */
  readonly sessionMs: number;
  readonly todayMs: number;
  readonly segment: SegmentSnapshot | null;
  /** 'unknown' while neither the input sensor nor the system's idle time is available: idle is then never marked. */
  readonly idle: { readonly state: IdleState; readonly sinceSec: number | null };
  /** Whether input is counted (keyboard, mouse): the minutes' activity. */
  readonly inputAvailable: boolean;
  readonly windowSampleErrors: number;
  /** Minutes the store refused (a full disk) and the tracker holds in memory, retrying at each minute. */
  readonly unsavedMinutes: number;
}
