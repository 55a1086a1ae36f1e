import type { TimerHandle } from '../../shared/clock.js';
import { localDayStartOf, minuteStartOfMs, MINUTE_SECONDS, splitIntoMinutes } from '../../shared/time/index.js';
import { TrackerEmitter, TrackerError, type TrackerEvents } from './events.js';
import { IdleTracker, type IdleTransition } from './idle-tracker.js';
import { IdleUndoLedger } from './idle-undo.js';
import { PendingWrites, SAVE_EVERY_MS } from './pending-writes.js';
import { SystemIdleWatch } from './system-idle-watch.js';
import type { MinuteBucket, TrackingPolicy } from './ports.js';
import { SegmentScreenshots } from './segment-screenshots.js';
import { SegmentState } from './segment-state.js';
import { headerFor, placeSegment } from './segment-placement.js';
import { EffectiveTimeline, type TimelineSlice } from './timeline.js';
import {
  DEFAULT_IDLE_THRESHOLD_MS,
  DEFAULT_TICK_MS,
  DEFAULT_WINDOW_SAMPLE_MS,
  type TrackerDeps,
  type TrackerOptions,
  type TrackerSnapshot,
  type TrackerStatus,
} from './tracker-types.js';
import { WindowSampler } from './window-sampler.js';
import { WorkedTime } from './worked-time.js';

export { MAX_UNWRITTEN_MINUTES } from './pending-writes.js';

/**
 * The tracking core: every tick it credits worked time to the effective timeline (timeline.ts), cuts it
 * into minutes of wall-clock-aligned segments, counts input, follows the active window, marks idle
 * stretches and takes the segment's one screenshot. Minutes are written when the tick leaves them and the
 * open one is saved every 10 s (pending-writes.ts), so a crash loses at most ten seconds. Everything outside
 * comes in through the ports.
 */
export class Tracker {
  readonly #deps: TrackerDeps;
  readonly #contractId: string;
  readonly #tickMs: number;
  readonly #events = new TrackerEmitter();
  readonly #idle: IdleTracker;
  readonly #systemIdle: SystemIdleWatch;
  readonly #screenshots: SegmentScreenshots;
  readonly #sampler: WindowSampler;
  /** Work still running in the background (captures, idle decisions); stop() waits for it. */
  readonly #background = new Set<Promise<void>>();
  readonly #idleUndo = new IdleUndoLedger();
  readonly #worked: WorkedTime;
  /** Writes to the store, and what it refused so far (a full disk), retried with each flush. */
  readonly #writes: PendingWrites;

  #memo: string | null;
  #status: TrackerStatus = 'stopped';
  #timeline: EffectiveTimeline | null = null;
  #timer: TimerHandle | null = null;
  /** A one-shot tick at the planned screenshot moment, so the capture happens then, not up to a tick later. */
  #wakeTimer: TimerHandle | null = null;
  #unsubscribePolicy: (() => void) | null = null;
  #startedAtMs: number | null = null;
  #segment: SegmentState | null = null;
  #minuteSec: number | null = null;
  #inputAvailable = true;
  #idleKnown = true;

  constructor(deps: TrackerDeps, options: TrackerOptions) {
    this.#deps = deps;
    this.#contractId = options.contractId;
    this.#memo = options.memo ?? null;
    this.#tickMs = options.tickMs ?? DEFAULT_TICK_MS;
    this.#worked = new WorkedTime(options.dayStartOf ?? localDayStartOf);
    this.#writes = new PendingWrites(deps.sink, this.#events, {
      monotonic: () => deps.clock.monotonic(),
      tickMs: this.#tickMs,
      saveEveryMs: options.saveOpenMinuteEveryMs === undefined ? SAVE_EVERY_MS : options.saveOpenMinuteEveryMs,
    });
    this.#idle = new IdleTracker(options.idleThresholdMs ?? DEFAULT_IDLE_THRESHOLD_MS);
    this.#systemIdle = new SystemIdleWatch(deps.systemIdle);
    this.#screenshots = new SegmentScreenshots({
      contractId: options.contractId,
      screenshots: deps.screenshots,
      policy: deps.policy,
      random: deps.random,
      events: this.#events,
      inBackground: (work) => this.#inBackground(work),
      storeSegment: (seg) => this.#writes.storeSegment(seg),
    });
    this.#sampler = new WindowSampler(deps.window, options.windowSampleMs ?? DEFAULT_WINDOW_SAMPLE_MS);
    this.#events.on('screenshotScheduled', ({ dueAtMs }) => this.#wakeAt(dueAtMs));
  }

  on<K extends keyof TrackerEvents>(event: K, listener: (payload: TrackerEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  /** Starts tracking now; the current segment is opened (or continued) at once. */
  start(): void {
    if (this.#status !== 'stopped') throw new TrackerError('TRACKER_ALREADY_RUNNING', 'the tracker is already running');
    const { clock } = this.#deps;
    const mono = clock.monotonic();
    const wallMs = clock.now();
    this.#timeline = new EffectiveTimeline(Math.max(wallMs, this.#recordedUntil(wallMs)), mono);
    const startMs = this.#timeline.highWaterMs;
    this.#startedAtMs = startMs;
    this.#segment = null;
    this.#minuteSec = null;
    this.#worked.reset(startMs);
    this.#idleUndo.clear();
    this.#writes.clear();
    this.#idle.reset(mono, minuteStartOfMs(startMs) / 1000);
    this.#deps.input.drain(); // counts from before the start are not this session's
    this.#inputAvailable = this.#deps.input.state().status === 'ok';
    this.#systemIdle.reset(mono);
    this.#idleKnown = this.#inputAvailable || this.#systemIdle.idleMs() !== null;
    this.#status = 'running';
    this.#unsubscribePolicy = this.#deps.policy.onChange((policy) => this.#onPolicy(policy));
    this.#sampler.reset();
    this.#sampler.maybeSample(mono);
    this.#enter(startMs);
    this.#timer = clock.setInterval(() => this.#tick(), this.#tickMs);
  }

  /** Credits up to now, writes the current minute, ends an open idle stretch and waits for captures. */
  async stop(): Promise<void> {
    if (this.#status === 'stopped') return;
    if (this.#status === 'running') this.#guard(() => this.#advance());
    this.#clearTimer();
    this.#status = 'stopped';
    this.#guard(() => this.#flushMinute());
    if (this.#minuteSec !== null) this.#onIdle(this.#idle.end(this.#minuteSec + MINUTE_SECONDS));
    this.#unsubscribePolicy?.();
    this.#unsubscribePolicy = null;
    this.#screenshots.cancel();
    // A window sample in flight is not waited for: a hung sensor call must not hang stop(); its result is ignored.
    while (this.#background.size > 0) await Promise.allSettled([...this.#background]);
  }

  /** The machine is going to sleep: credit up to now, write the minute, credit nothing until resume(). */
  suspend(): void {
    if (this.#status !== 'running') return;
    this.#guard(() => this.#advance());
    this.#timeline?.suspend();
    this.#guard(() => this.#flushMinute());
    this.#clearTimer();
    this.#status = 'suspended';
  }

  /** The machine woke up. Waking counts as input: an open idle stretch ends with the minute it slept in. */
  resume(): void {
    if (this.#status !== 'suspended' || !this.#timeline) return;
    const { clock } = this.#deps;
    const mono = clock.monotonic();
    this.#timeline.resume(mono);
    if (this.#minuteSec !== null) this.#onIdle(this.#idle.end(this.#minuteSec + MINUTE_SECONDS));
    this.#idle.reset(mono, minuteStartOfMs(this.#timeline.peek(clock.now())) / 1000);
    this.#systemIdle.reset(mono);
    this.#status = 'running';
    this.#timer = clock.setInterval(() => this.#tick(), this.#tickMs);
  }

  /**
   * The memo of the open segment and of every segment opened after it; earlier segments keep theirs. The open
   * segment's memo is written at once (so it syncs); a failed write is retried with the next minute's flush.
   */
  setMemo(memo: string | null): void {
    this.#memo = memo;
    const seg = this.#segment;
    if (this.#status === 'stopped' || !seg || seg.header.memo === memo) return;
    seg.setMemo(memo);
    this.#writes.memoChanged(seg);
  }

  /**
   * The freelancer deleted this segment's screenshot and the store removed its time with it
   * (Store.deleteScreenshotWithTime). If the tracker still holds the segment (open, or closed with a write
   * pending), it drops its time and credits it nothing more; the open one stays open, crediting nothing, until
   * its end, where the next segment starts as usual with its own screenshot moment.
   */
  segmentTimeRemoved(segmentId: string): void {
    this.#worked.takeBackSegment(segmentId);
    const held = [this.#segment, ...this.#idleUndo.closedSegmentsIn(0, Number.POSITIVE_INFINITY), ...this.#writes.segments()];
    const seg = held.find((s) => s?.id === segmentId);
    if (!seg || seg.timeRemoved) return;
    seg.removeTime();
    this.#writes.drop(seg);
  }

  /**
   * Minutes whose latest values are in memory only: the open minute, and any whose write failed. Their values are
   * absolute, so a reader replaces what the store holds for them; that is what keeps "today" current to the second
   * without writing more often.
   */
  unwrittenMinutes(): { readonly segmentId: string; readonly minute: MinuteBucket }[] {
    const held = this.#writes.minutes();
    if (this.#segment && this.#minuteSec !== null) held.push({ seg: this.#segment, minuteSec: this.#minuteSec });
    const minutes = new Map<string, { segmentId: string; minute: MinuteBucket }>();
    for (const { seg, minuteSec } of held) {
      if (!seg.timeRemoved && seg.hasMinute(minuteSec)) minutes.set(`${seg.id}@${minuteSec}`, { segmentId: seg.id, minute: seg.bucket(minuteSec) });
    }
    return [...minutes.values()];
  }

  snapshot(): TrackerSnapshot {
    const seg = this.#segment;
    const effectiveNowMs = this.#timeline?.highWaterMs ?? null;
    return {
      status: this.#status,
      contractId: this.#contractId,
      memo: this.#memo,
      startedAtMs: this.#startedAtMs,
      effectiveNowMs,
      sessionMs: this.#worked.sessionMs,
      todayMs: effectiveNowMs === null ? 0 : this.#worked.todayMs(effectiveNowMs),
      segment: seg
        ? {
            id: seg.id,
            startedAt: seg.header.startedAt,
            lengthSeconds: seg.header.lengthSeconds,
            continued: seg.continued,
            trackedMs: seg.trackedMs(),
            activeMinutes: seg.activeMinutes(),
            timeRemoved: seg.timeRemoved,
            screenshot: this.#screenshots.status,
            screenshotSkipped: this.#screenshots.skipped,
            screenshotDueAtMs: this.#screenshots.dueAtMs,
          }
        : null,
      idle: { state: this.#idleKnown ? this.#idle.state : 'unknown', sinceSec: this.#idle.idleFromSec },
      inputAvailable: this.#inputAvailable,
      windowSampleErrors: this.#sampler.errors,
      unsavedMinutes: this.#writes.heldMinutes,
    };
  }

  #tick(): void {
    if (this.#status !== 'running') return;
    this.#guard(() => this.#advance());
    const seg = this.#segment;
    this.#writes.tick(seg && this.#minuteSec !== null ? { seg, minuteSec: this.#minuteSec } : null);
  }

  /** One tick of the time model (see timeline.ts for where the credited interval lies). */
  #advance(): void {
    const { clock, input } = this.#deps;
    const timeline = this.#timeline;
    if (!timeline) return;
    const mono = clock.monotonic();
    const slice: TimelineSlice = timeline.advance(clock.now(), mono);
    for (const piece of splitIntoMinutes(slice.startMs, slice.endMs)) {
      const seg = this.#enter(piece.startMs);
      this.#credit(piece.startMs, piece.endMs - piece.startMs);
      this.#screenshots.reached(seg, Math.min(piece.endMs, seg.endMs - 1));
    }
    // Input drained now happened during the tick: it belongs to the minute of its last credited moment.
    const anchorMs = slice.creditedMs > 0 ? slice.endMs - 1 : slice.endMs;
    const minuteSec = minuteStartOfMs(anchorMs) / 1000;
    const counts = input.drain();
    this.#inputAvailable = input.state().status === 'ok';
    // Pointer movement is coalesced: at most one per tick (a second), however many events it made.
    const mouse = counts.clicks + counts.wheel + (counts.moves > 0 ? 1 : 0);
    const hadInput = counts.keyboard + mouse > 0;
    const system = this.#systemIdle.look(mono);
    this.#idleKnown = this.#inputAvailable || system.known;
    // A tick that credited nothing (after a sleep, on stop) opens no minute or segment unless input needs one.
    const seg = slice.creditedMs > 0 || hadInput || !this.#segment ? this.#enter(anchorMs) : this.#segment;
    if (hadInput) seg.count(minuteSec, counts.keyboard, mouse);
    this.#onIdle(this.#idle.observe({ monotonicMs: mono, minuteSec, hadInput: hadInput || system.sawInput, inputKnown: this.#idleKnown }));
    // No capture on a tick that credited nothing (after a sleep, a freeze, on stop): the moment would lie outside
    // the tracked part of the segment. The moment stays due, and the next credited tick takes it (above).
    this.#sampler.maybeSample(mono);
  }

  /** Makes the minute (and segment) containing `ms` current, writing the one it leaves. */
  #enter(ms: number): SegmentState {
    const minuteSec = minuteStartOfMs(ms) / 1000;
    let seg = this.#segment;
    if (seg && seg.containsMs(ms) && minuteSec === this.#minuteSec) return seg;
    this.#flushMinute();
    if (!seg || !seg.containsMs(ms)) seg = this.#openSegment(ms);
    this.#minuteSec = minuteSec;
    seg.touch(minuteSec, this.#idle.isIdleMinute(minuteSec));
    return seg;
  }

  /**
   * Where an earlier run of the agent left the segment covering `wallMs`, when that lies ahead of the
   * wall (the clock was set back between runs): the new run starts there, so it never writes over
   * recorded time. A minute's end is estimated as its start plus its tracked ms: a lower bound.
   */
  #recordedUntil(wallMs: number): number {
    const policy = this.#deps.policy.current();
    const placement = placeSegment(this.#deps.sink, this.#contractId, Math.floor(wallMs / 1000), policy?.segmentSeconds ?? null, null);
    if (placement.kind !== 'continue') return wallMs;
    let until = wallMs;
    for (const m of placement.stored.minutes) until = Math.max(until, m.startedAt * 1000 + m.trackedMs);
    return until;
  }

  #openSegment(ms: number): SegmentState {
    const { sink, policy: policySource, newId } = this.#deps;
    const policy = policySource.current();
    const previousEndSec = this.#segment ? this.#segment.endMs / 1000 : null;
    const placement = placeSegment(sink, this.#contractId, Math.floor(ms / 1000), policy?.segmentSeconds ?? null, previousEndSec);
    let seg: SegmentState;
    if (placement.kind === 'continue') {
      seg = SegmentState.continuedFrom(placement.stored);
    } else {
      const header = headerFor(placement, { id: newId(), contractId: this.#contractId, memo: this.#memo, policyVersion: policy?.version ?? null });
      seg = SegmentState.opened(header);
      // A refused create (no space) must not cost the time: the segment lives in memory until it can be written.
      this.#writes.opened(seg);
    }
    if (this.#segment) this.#idleUndo.segmentClosed(this.#segment);
    this.#segment = seg;
    this.#minuteSec = null;
    this.#events.emit('segmentOpened', { header: seg.header, continued: seg.continued });
    this.#screenshots.segmentOpened(seg, Math.max(this.#startedAtMs ?? ms, seg.startMs, ms), policy);
    return seg;
  }

  #credit(startMs: number, ms: number): void {
    const seg = this.#segment;
    const minuteSec = this.#minuteSec;
    if (!seg || minuteSec === null || ms <= 0) return;
    const added = seg.credit(minuteSec, ms, this.#sampler.latest);
    this.#worked.add(seg.id, startMs, added);
    this.#idleUndo.credit(minuteSec, added);
  }

  /** Writes the current minute (and what the store refused before); the minute stays current. */
  #flushMinute(): void {
    const seg = this.#segment;
    const minuteSec = this.#minuteSec;
    this.#writes.flush(seg && minuteSec !== null ? { seg, minuteSec } : null);
    if (!seg || minuteSec === null) return;
    // Only minutes after the last input can ever become idle: older ones need no undo record.
    if (this.#idle.idleFromSec === null) this.#idleUndo.prune(this.#idle.lastInputMinuteSec);
  }

  #onPolicy(policy: TrackingPolicy | null): void {
    if (this.#status === 'stopped' || !this.#timeline) return;
    this.#screenshots.policyChanged(policy, this.#timeline.peek(this.#deps.clock.now()));
  }

  #onIdle(transition: IdleTransition | null): void {
    if (!transition) return;
    if (transition.kind === 'started') {
      const current = this.#minuteSec ?? transition.fromSec;
      // Minutes already written are flagged in the store; the ones in memory (this one too) here.
      this.#guard(() => this.#deps.sink.markIdle(this.#contractId, transition.fromSec, current));
      // Closed segments too: a minute whose write is retried later must carry the flag.
      for (const seg of [...this.#idleUndo.closedSegmentsIn(transition.fromSec, Number.POSITIVE_INFINITY), this.#segment]) {
        seg?.setIdle(transition.fromSec, Number.POSITIVE_INFINITY, true);
      }
      this.#events.emit('idleStarted', { fromSec: transition.fromSec });
      return;
    }
    const { fromSec, toSec } = transition;
    this.#segment?.setIdle(toSec, Number.POSITIVE_INFINITY, false); // the minute with input again is active
    if (toSec <= fromSec) {
      this.#events.emit('idleEnded', { fromSec, toSec, decision: 'empty' });
      return;
    }
    this.#idleUndo.awaitingDecision(fromSec);
    const decided = Promise.resolve().then(() => this.#deps.decideIdle({ contractId: this.#contractId, fromSec, toSec }));
    this.#inBackground(
      decided.finally(() => this.#idleUndo.decided(fromSec)).then(
        (decision) => {
          if (decision === 'discard') this.#guard(() => this.#discard(fromSec, toSec));
          this.#events.emit('idleEnded', { fromSec, toSec, decision });
        },
        (cause: unknown) => {
          // Without an answer the time stays, flagged idle: nothing the freelancer worked is lost.
          this.#report(new TrackerError('IDLE_DECISION_FAILED', 'the idle decision failed; the stretch is kept as idle', { cause }));
          this.#events.emit('idleEnded', { fromSec, toSec, decision: 'keep' });
        },
      ),
    );
  }

  /**
   * The freelancer discarded the stretch: its minutes go from the store with their app time (one transaction), and
   * from memory, so that a minute still to be written (held by a full disk) is never written back.
   */
  #discard(fromSec: number, toSec: number): void {
    this.#deps.sink.discardMinutes(this.#contractId, fromSec, toSec);
    const { minutes, closedSegments } = this.#idleUndo.takeBack(fromSec, toSec);
    for (const [minuteSec, ms] of minutes) this.#worked.takeBack(minuteSec * 1000, ms);
    for (const seg of [...closedSegments, ...(this.#segment ? [this.#segment] : [])]) seg.forget(fromSec, toSec);
  }

  #inBackground(work: Promise<void>): void {
    const tracked = work.finally(() => this.#background.delete(tracked));
    this.#background.add(tracked);
  }

  #clearTimer(): void {
    if (this.#timer !== null) this.#deps.clock.clearTimer(this.#timer);
    this.#timer = null;
    this.#clearWake();
  }

  #wakeAt(dueAtMs: number): void {
    this.#clearWake();
    const timeline = this.#timeline;
    if (!timeline || this.#status !== 'running') return;
    const delayMs = Math.max(0, dueAtMs - timeline.peek(this.#deps.clock.now()));
    this.#wakeTimer = this.#deps.clock.setTimeout(() => {
      this.#wakeTimer = null;
      this.#tick();
    }, delayMs);
  }

  #clearWake(): void {
    if (this.#wakeTimer !== null) this.#deps.clock.clearTimer(this.#wakeTimer);
    this.#wakeTimer = null;
  }

  /** Runs a step the tracker must survive (a failing store write): reports it and goes on. */
  #guard(step: () => void): void {
    try {
      step();
    } catch (cause) {
      this.#report(new TrackerError('TICK_FAILED', 'a tracking step failed; tracking goes on', { cause }));
    }
  }

  #report(error: TrackerError): void {
    this.#events.emit('error', { error });
  }
}
