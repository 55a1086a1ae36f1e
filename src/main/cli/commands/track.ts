import { AgentError } from '../../errors.js';
import { contractLabel, localContractId } from '../../agent/local-contract.js';
import { createTrackingAgent, openAgentBase, type TrackingAgent } from '../../agent/create-agent.js';
import { FixedPolicySource } from '../../agent/fixed-policy.js';
import { currentReport } from '../../sensors/index.js';
import type { IdleDecision, TrackerSnapshot } from '../../tracking/index.js';
import { DEFAULT_SEGMENT_SECONDS, contractStateWords, recordIdSchema, type ScreenshotMode } from '../../../shared/protocol/index.js';
import { resolveDataDir } from '../../config/data-dir.js';
import { StoreError } from '../../store/errors.js';
import { sameAccount } from '../../store/index.js';
import type { CommandContext } from '../context.js';
import { clockTime, duration } from '../format.js';
import { DiskFullWatch } from './track-disk-full.js';

export interface TrackOptions {
  readonly dataDir: string | undefined;
  readonly local?: boolean;
  /** Local mode: a name (default "personal"). Server mode: the contract's id. */
  readonly contract?: string;
  /** Local mode only: in server mode the contract's policy decides. */
  readonly screenshots?: ScreenshotMode;
  readonly segmentSeconds?: number;
  readonly memo?: string;
  readonly idle: IdleDecision;
  readonly idleAfter: number;
  /** Server mode: local screenshot storage quota in MB. */
  readonly quotaMb?: number;
}

/**
 * `worktrace track`: tracks in the foreground until SIGINT/SIGTERM, printing one status line per minute.
 * Stopping writes the current minute and exits 0. `--local` records personal time that is never uploaded;
 * without it the time belongs to a server contract whose policy decides screenshots and segment length.
 */
export async function runTrack(context: CommandContext, options: TrackOptions): Promise<void> {
  if (options.local) return runLocalTrack(context, options);
  return runServerTrack(context, options);
}

async function runLocalTrack(context: CommandContext, options: TrackOptions): Promise<void> {
  const dataDir = resolveDataDir(options.dataDir, context.env);
  const base = openAgentBase({ dataDir, clock: context.clock, mode: 'local' });
  const contractId = localContractId(options.contract ?? 'personal');
  const screenshots = options.screenshots ?? 'off';
  const segmentSeconds = options.segmentSeconds ?? DEFAULT_SEGMENT_SECONDS;
  try {
    const agent = createTrackingAgent(base, {
      clock: context.clock,
      logger: context.logger,
      contractId,
      memo: options.memo ?? null,
      policy: new FixedPolicySource({ screenshots, segmentSeconds, version: null }),
      decideIdle: () => options.idle,
      idleThresholdMs: options.idleAfter * 1000,
    });
    await trackUntilStopped(context, agent, dataDir, null, () =>
      `Tracking "${contractLabel(contractId)}" locally in ${segmentSeconds / 60}-minute segments, ` +
        `screenshots ${screenshots === 'off' ? 'off (time only)' : screenshots}. ` +
        `Data in ${dataDir}. Ctrl-C stops and saves.`,
    );
  } finally {
    base.close();
  }
}

async function runServerTrack(context: CommandContext, options: TrackOptions): Promise<void> {
  // Server mode only: axios and the sync layer are not loaded for personal tracking (about 12 MB less resident).
  const { createPolicySource, createSyncServices } = await import('../../agent/server-sync.js');
  const { parkedItemStatus, toUserError, waitingWords } = await import('../../sync/index.js');
  const { parkedItemLines } = await import('../parked-lines.js');
  if (options.screenshots !== undefined || options.segmentSeconds !== undefined) {
    throw new AgentError(
      'POLICY_FROM_SERVER',
      "--screenshots and --segment-seconds come from the contract's policy in server mode: drop them, or add --local for personal tracking.",
    );
  }
  if (options.contract === undefined) {
    throw new AgentError('CONTRACT_REQUIRED', 'Which contract? Run `worktrace track --contract ID` (list them with `worktrace contracts`), or add --local.');
  }
  const contractId = options.contract;
  if (!recordIdSchema.safeParse(contractId).success) {
    throw new AgentError('CONTRACT_REQUIRED', `"${contractId}" is not a contract id: list yours with \`worktrace contracts\`, or add --local for a named personal contract.`);
  }
  const dataDir = resolveDataDir(options.dataDir, context.env);
  const base = openAgentBase({ dataDir, clock: context.clock, mode: 'server' });
  const out = (line: string) => context.stdout.write(`${line}\n`);
  try {
    const services = createSyncServices(base, {
      clock: context.clock,
      logger: context.logger,
      ...(options.quotaMb === undefined ? {} : { quotaBytes: options.quotaMb * 1024 * 1024 }),
    });
    const server = services.credentials.server;
    const policy = createPolicySource(base, services, { clock: context.clock, logger: context.logger, contractId });
    let refusal: unknown = null;
    policy.onRefused((error) => (refusal ??= error));
    const outcome = await policy.start();
    try {
      if (outcome === 'refused') throw toUserError(refusal, server);
      // Only an active contract is tracked; no state known (offline, never heard) counts as not active.
      const verdict = policy.verdict();
      if (!verdict.trackable) {
        const offline = outcome === 'unreachable' ? ` (${server} is not reachable: this is the last state known here)` : '';
        throw new AgentError('CONTRACT_NOT_ACTIVE', `Contract ${contractId} cannot be tracked: ${verdict.reason}${offline}.`);
      }
      if (outcome === 'unreachable') {
        context.stderr.write(`worktrace: ${server} is not reachable: tracking with ${policy.current() ? 'the cached policy' : 'time only (no policy known yet)'}.\n`);
      }
      let shownVersion = policy.policy()?.version ?? 0;
      let shownSeq = policy.policy()?.contract?.seq ?? 0;
      let stopForContract: (reason: string) => void = () => undefined;
      const contractStopped = new Promise<string>((resolve) => (stopForContract = resolve));
      policy.onPolicyChange(({ policy: p }) => {
        if (p.version !== shownVersion) out(`${clockTime(context.clock.now())}  policy v${p.version}: screenshots ${modeWords(p.screenshots)}`);
        shownVersion = p.version;
        const now = policy.verdict();
        if (!now.trackable) stopForContract(now.reason);
        else if ((p.contract?.seq ?? 0) !== shownSeq) out(`${clockTime(context.clock.now())}  contract ${contractStateWords(p.contract)}: tracking goes on`);
        shownSeq = p.contract?.seq ?? 0;
      });
      services.uploader.onUnauthorized(() =>
        context.stderr.write(`worktrace: ${server} no longer accepts your sign-in: run \`worktrace login\` again. Tracking goes on; uploads wait.\n`),
      );
      const agent = createTrackingAgent(base, {
        clock: context.clock,
        logger: context.logger,
        contractId,
        memo: options.memo ?? null,
        policy,
        decideIdle: () => options.idle,
        idleThresholdMs: options.idleAfter * 1000,
      });
      services.uploader.start();
      const contractStop = contractStopped.then((reason) => ({
        signal: `contract ${reason.replace(/^it /, '')}`,
        fatal: new AgentError('CONTRACT_NOT_ACTIVE', `Contract ${contractId} ${reason.replace(/^it /, '')}: tracking stopped, and what was recorded is saved.`),
      }));
      try {
        await trackUntilStopped(context, agent, dataDir, contractStop, () => {
          const p = policy.current();
          const terms = p
            ? `screenshots ${modeWords(p.screenshots)} (policy v${p.version}), ${p.segmentSeconds / 60}-minute segments`
            : 'time only until the policy is known';
          return `Tracking contract ${contractId} for ${server}: ${terms}. Data in ${dataDir}. Ctrl-C stops and saves.`;
        });
      } finally {
        await services.uploader.stop();
      }
      // Only this sign-in's items: work recorded under another account is said to wait for them, not counted here.
      const me = { server: services.client.serverUrl, userId: services.credentials.userId };
      const mine = base.store.outbox.queueOf(me);
      if (mine && mine.pendingSegments + mine.pendingScreenshots > 0) {
        out(`${mine.pendingSegments} segment(s) and ${mine.pendingScreenshots} screenshot(s) wait to upload: \`worktrace sync\` sends them.`);
      }
      // Nothing recorded is stranded without a word: what the server would not take, why, and what to do.
      const parked = base.store.outbox.parked(me);
      if (parked.length > 0) {
        out(`${parked.length} item(s) parked: the server would not take them.`);
        for (const item of parked) for (const line of parkedItemLines(parkedItemStatus(item), context.clock.now())) out(line);
      }
      for (const queue of base.store.outbox.byAccount()) if (!sameAccount(queue.account, me)) out(waitingWords(queue));
    } finally {
      policy.stop();
    }
  } finally {
    base.close();
  }
}

/** A reason to stop other than a signal: `signal` is said in the Stopped line, `fatal` is thrown after (exit 1). */
interface ForcedStop {
  readonly signal: string;
  readonly fatal: Error;
}

/**
 * Starts the sensors and the tracker, prints status lines until a stop is requested, then stops and reports.
 * A disk that stays full until the tracker can keep no more minutes stops it too, and so does `forced` (the
 * contract paused or ended): the minute is saved, then exit 1 with the message.
 */
async function trackUntilStopped(context: CommandContext, agent: TrackingAgent, dataDir: string, forced: Promise<ForcedStop> | null, banner: () => string): Promise<void> {
  // The tracker's timers do not keep the process alive on purpose; this does, until a stop is requested.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const out = (line: string) => context.stdout.write(`${line}\n`);
  let giveUp: (message: string) => void = () => undefined;
  const gaveUp = new Promise<string>((resolve) => (giveUp = resolve));
  const disk = new DiskFullWatch(agent.tracker, {
    dataDir,
    say: (line) => context.stderr.write(`${line}\n`),
    logger: context.logger,
    onGiveUp: (message) => giveUp(message),
  });
  try {
    await agent.sensors.input.start();
    for (const row of currentReport(agent.sensors)) {
      if (row.status !== 'ok') context.stderr.write(`worktrace: ${row.sensor} unavailable: ${row.reason}\n`);
    }
    const { tracker } = agent;
    tracker.on('minuteFlushed', () => out(statusLine(tracker.snapshot(), context.clock.now(), disk.words())));
    tracker.on('screenshotFailed', ({ error }) => {
      if (error && !disk.handlesScreenshotFailure(error)) context.stderr.write(`worktrace: screenshot failed: ${error instanceof Error ? error.message : String(error)}\n`);
    });
    tracker.on('idleEnded', ({ fromSec, toSec, decision }) => {
      if (decision !== 'empty') out(`${clockTime(context.clock.now())}  idle ${duration((toSec - fromSec) * 1000)} ${decision === 'keep' ? 'kept (flagged idle)' : 'discarded'}`);
    });
    // While minutes cannot be saved no minuteFlushed comes: one status line per minute says tracking goes on.
    let lastHeldLineMinute: number | null = null;
    tracker.on('error', ({ error }) => {
      if (disk.handles(error)) {
        const minute = Math.floor(context.clock.now() / 60_000);
        const snapshot = tracker.snapshot();
        // A refused segment create or image holds no minute yet: the minute's own refusal prints the line.
        if (minute !== lastHeldLineMinute && snapshot.unsavedMinutes > 0) {
          out(statusLine(snapshot, context.clock.now(), disk.words()));
          lastHeldLineMinute = minute;
        }
        return;
      }
      context.logger.warn({ err: error, code: error.code }, 'tracker survived an error');
      context.stderr.write(`worktrace: warning: ${error.message} (tracking goes on)\n`);
    });
    tracker.start();
    out(banner());
    const stop: { signal: string; fatal: Error | null } = await Promise.race([
      context.stopRequested.then((signal) => ({ signal, fatal: null })),
      gaveUp.then((message) => ({ signal: 'disk full', fatal: new StoreError('DISK_FULL', message) })),
      ...(forced ? [forced] : []),
    ]);
    await agent.stop();
    const snapshot = tracker.snapshot();
    out(`Stopped (${stop.signal}): tracked ${duration(snapshot.sessionMs)} this session, ${duration(snapshot.todayMs)} today.`);
    if (stop.fatal !== null) throw stop.fatal;
  } finally {
    disk.stop();
    clearInterval(keepAlive);
    await agent.stop().catch(() => undefined);
  }
}

function modeWords(mode: ScreenshotMode): string {
  return mode === 'off' ? 'off (time only)' : mode;
}

export function statusLine(snapshot: TrackerSnapshot, nowMs: number, diskWords: string | null = null): string {
  const segment = snapshot.segment;
  const parts = [`${clockTime(nowMs)}  tracked ${duration(snapshot.sessionMs)} (today ${duration(snapshot.todayMs)})`];
  if (segment) {
    const minutes = Math.ceil(segment.trackedMs / 60_000);
    parts.push(`active ${segment.activeMinutes}/${minutes} min in segment ${clockTime(segment.startedAt * 1000)}`);
    parts.push(screenshotWords(segment.screenshot));
  }
  if (!snapshot.inputAvailable) parts.push('input activity unavailable');
  if (snapshot.idle.state === 'idle') parts.push('idle');
  if (diskWords !== null) parts.push(diskWords);
  return parts.join(' · ');
}

// The moment of a pending screenshot is never shown: knowing it would let anyone stage the screen for it.
function screenshotWords(status: NonNullable<TrackerSnapshot['segment']>['screenshot']): string {
  switch (status) {
    case 'taken':
      return 'screenshot taken';
    case 'pending':
      return 'screenshot pending';
    case 'capturing':
      return 'screenshot being taken';
    case 'failed':
      return 'screenshot failed';
    case 'skipped':
      return 'screenshot skipped for privacy';
    case 'none':
      return 'no screenshot';
  }
}
