import type { Clock, TimerHandle } from '../../shared/clock.js';
import type { AppState } from '../../shared/ipc/index.js';
import type { ScreenshotMode } from '../../shared/protocol/index.js';
import { isoFromSec } from '../../shared/time/index.js';
import type { KeyStore } from '../crypto/key-store.js';
import type { Logger } from '../log.js';
import type { RedactionReport } from '../../shared/privacy/index.js';
import { privateTrackingParts, redactionReport } from '../privacy/index.js';
import type { SensorReportRow } from '../sensors/index.js';
import type { Store } from '../store/index.js';
import { ServerPolicySource, toUserError, type ApiClient, type PullOutcome } from '../sync/index.js';
import { Tracker, type IdleDecider, type SegmentSnapshot } from '../tracking/index.js';
import { AppError } from './errors.js';
import { PolicyRelay } from './policy-relay.js';
import type { LiveTotals } from './totals.js';
import type { SensorSet } from './types.js';

/** How often a running session checks whether what the UI shows of it changed. */
const SHOWN_CHECK_MS = 1000;

export interface TrackingSessionDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly store: Store;
  readonly keys: KeyStore;
  readonly client: ApiClient;
  readonly sensors: SensorSet;
  readonly decideIdle: IdleDecider;
  readonly random: () => number;
  readonly newId: () => string;
  /** Today/this week for the UI; the session tells it when the store's minutes change. */
  readonly totals: LiveTotals;
}

export interface TrackingSessionOptions {
  readonly contractId: string;
  readonly memo: string | null;
  readonly idleThresholdMs: number;
  /** A policy the server sent while this session runs (not the one read from the cache at start). */
  readonly onPolicyChange: (change: { from: ScreenshotMode | null; to: ScreenshotMode; at: number }) => void;
  /**
   * The contract can no longer be tracked (paused or ended by a party, or a state this build does not know): `reason`
   * ends a sentence ("it was paused by the client"). The owner stops the session; what was recorded is kept.
   */
  readonly onNotTrackable: (reason: string) => void;
  /** A figure the UI shows of this session (today, this week, the segment's minutes) changed. */
  readonly onShownChange: () => void;
}

/**
 * One run of tracking for one contract: the contract's live policy, the sensors, the capture pipeline and the
 * tracker, built together and stopped together. The app service owns at most one.
 */
export class TrackingSession {
  #policy: ServerPolicySource;

  private constructor(
    readonly contractId: string,
    readonly tracker: Tracker,
    policy: ServerPolicySource,
    private readonly relay: PolicyRelay,
    readonly startOutcome: PullOutcome,
    private readonly sensors: SensorSet,
    private readonly clock: Clock,
    private readonly follow: (client: ApiClient) => ServerPolicySource,
  ) {
    this.#policy = policy;
  }

  /** Which backend each sensor uses now and why, when the sensor set can say. */
  sensorReport(): SensorReportRow[] {
    return this.sensors.report?.() ?? [];
  }

  /** How this session's screen capturer keeps private windows out (painted out, or only skipped while focused). */
  redaction(): RedactionReport {
    return redactionReport(this.sensors.capturer, this.sensors.window);
  }

  /** The contract's policy as the server sends it to this session. */
  get policy(): ServerPolicySource {
    return this.#policy;
  }

  /** Pulls the policy (the cache serves when the server is unreachable), starts the sensors, then the tracker. */
  static async start(deps: TrackingSessionDeps, options: TrackingSessionOptions): Promise<TrackingSession> {
    const { clock, logger, store } = deps;
    let lastMode: ScreenshotMode | null = null;
    /** A source following the contract's policy with `client`; banner events for changes the server sends. */
    const follow = (client: ApiClient): ServerPolicySource => {
      const source = new ServerPolicySource({ client, cache: store.policies, clock, logger, contractId: options.contractId });
      source.onPolicyChange(({ policy: p, origin }) => {
        const from = lastMode;
        lastMode = p.screenshots;
        if (origin !== 'cache' && from !== null && from !== p.screenshots) {
          options.onPolicyChange({ from, to: p.screenshots, at: Date.parse(p.updatedAt) });
        }
        const verdict = source.verdict();
        if (!verdict.trackable) options.onNotTrackable(verdict.reason);
      });
      return source;
    };
    const policy = follow(deps.client);
    lastMode = policy.policy()?.screenshots ?? null;
    let refusal: unknown = null;
    policy.onRefused((error) => (refusal ??= error));
    const startOutcome = await policy.start();
    const verdict = policy.verdict();
    if (startOutcome === 'refused' || !verdict.trackable) {
      policy.stop();
      await deps.sensors.close(); // the native X connection must not outlive a session that never started
      if (startOutcome === 'refused') throw toUserError(refusal, deps.client.serverUrl);
      throw new AppError('CONTRACT_NOT_ACTIVE', `This contract cannot be tracked: ${verdict.trackable ? '' : verdict.reason}.`);
    }
    const relay = new PolicyRelay(policy);
    // Private windows: painted out of screenshots (or the screenshot skipped), recorded as "Private".
    const privacy = privateTrackingParts({ store, keys: deps.keys, sensors: deps.sensors, policy: relay, newId: deps.newId, logger });
    const tracker = new Tracker(
      {
        clock,
        input: deps.sensors.input,
        window: privacy.window,
        sink: store.segments,
        screenshots: privacy.screenshots,
        policy: relay,
        decideIdle: deps.decideIdle,
        random: deps.random,
        newId: deps.newId,
        ...(deps.sensors.idle ? { systemIdle: deps.sensors.idle } : {}),
      },
      { contractId: options.contractId, memo: options.memo, idleThresholdMs: options.idleThresholdMs },
    );
    try {
      await deps.sensors.input.start();
    } catch (error) {
      // No input sensor means no idle detection, not no tracking: the tracker reports input as unavailable.
      logger.warn({ err: error }, 'input sensor did not start');
    }
    // Minutes written, or taken back by an idle discard: the stored totals must be read again.
    for (const event of ['minuteFlushed', 'idleEnded'] as const) tracker.on(event, () => deps.totals.invalidate());
    tracker.start();
    const session = new TrackingSession(options.contractId, tracker, policy, relay, startOutcome, deps.sensors, clock, follow);
    session.#watchShown(deps.totals, options.onShownChange);
    return session;
  }

  #stopping: Promise<void> | null = null;
  #shownCheck: TimerHandle | null = null;

  /**
   * Today's time moves every second, but the tracker speaks once a minute (a flush) and the UI shows whole minutes:
   * once a second the session works out what the UI would show, and only when that changed does it say so.
   */
  #watchShown(totals: LiveTotals, onChange: () => void): void {
    let shown = this.#shown(totals);
    this.#shownCheck = this.clock.setInterval(() => {
      const now = this.#shown(totals);
      if (now === null || now === shown) return;
      shown = now;
      onChange();
    }, SHOWN_CHECK_MS);
  }

  /** What the UI would show of this session, as one comparable string; null when the store cannot be read now. */
  #shown(totals: LiveTotals): string | null {
    try {
      const snapshot = this.tracker.snapshot();
      const { todayMs, weekMs } = totals.current(this.clock.now(), this.tracker.unwrittenMinutes());
      return JSON.stringify([snapshot.status, Math.floor(todayMs / 60_000), Math.floor(weekMs / 60_000), segmentView(snapshot.segment)]);
    } catch {
      // A timer callback that throws would take the app down; a read that fails (the disk) is tried again next second.
      return null;
    }
  }

  /**
   * A new sign-in of the same account while tracking: the policy is followed with its token from now on (the old
   * token's polls and stream would all be refused). The tracker keeps running throughout; until the new source has
   * heard the server, both read the same cached policy.
   */
  async useClient(client: ApiClient): Promise<void> {
    if (this.#stopping) return;
    const previous = this.#policy;
    const next = this.follow(client);
    this.#policy = next;
    this.relay.switchTo(next);
    previous.stop();
    await next.start();
    if (this.#stopping) next.stop(); // stopped while the first pull was in flight
  }

  /** Flushes the current minute, stops the sensors and the policy stream. Safe to call twice. */
  stop(): Promise<void> {
    if (this.#shownCheck !== null) this.clock.clearTimer(this.#shownCheck);
    this.#shownCheck = null;
    this.#stopping ??= (async () => {
      try {
        // Input first: stopping it reads the events the OS delivered up to now, and the tracker's last tick counts them.
        await this.sensors.input.stop().catch(() => undefined);
        await this.tracker.stop();
      } finally {
        this.#policy.stop();
        await this.sensors.close();
      }
    })();
    return this.#stopping;
  }
}

/**
 * The open segment as the UI shows it. A segment whose time went with its screenshot says so, and from when time
 * counts again (its end, in the person's local time: this runs on their machine).
 */
export function segmentView(segment: SegmentSnapshot | null): AppState['tracking']['segment'] {
  if (!segment) return null;
  const endSec = segment.startedAt + segment.lengthSeconds;
  return {
    startedAt: isoFromSec(segment.startedAt),
    activeMinutes: segment.activeMinutes,
    trackedMinutes: Math.ceil(segment.trackedMs / 60_000),
    timeRemoved: segment.timeRemoved
      ? {
          countsAgainAt: isoFromSec(endSec),
          message: `This segment's time was removed with its screenshot; tracking counts again from ${localClockTime(endSec * 1000)}.`,
        }
      : null,
    screenshotSkipped: segment.screenshotSkipped,
  };
}

function localClockTime(epochMs: number): string {
  const at = new Date(epochMs);
  return `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
}
