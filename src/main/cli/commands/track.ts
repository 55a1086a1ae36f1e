import { AgentError } from '../../errors.js';
import { contractLabel, localContractId } from '../../agent/local-contract.js';
import { createTrackingAgent, openAgentBase } from '../../agent/create-agent.js';
import { FixedPolicySource } from '../../agent/fixed-policy.js';
import { currentReport } from '../../sensors/index.js';
import type { IdleDecision, TrackerSnapshot } from '../../tracking/index.js';
import type { ScreenshotMode } from '../../../shared/protocol/index.js';
import { resolveDataDir } from '../../config/data-dir.js';
import type { CommandContext } from '../context.js';
import { clockTime, duration } from '../format.js';

export interface TrackOptions {
  readonly dataDir: string | undefined;
  readonly local?: boolean;
  readonly contract: string;
  readonly screenshots: ScreenshotMode;
  readonly segmentSeconds: number;
  readonly memo?: string;
  readonly idle: IdleDecision;
  readonly idleAfter: number;
}

/**
 * `worktrace track --local`: tracks in the foreground until SIGINT/SIGTERM, printing one status line per minute.
 * Stopping writes the current minute and exits 0.
 */
export async function runTrack(context: CommandContext, options: TrackOptions): Promise<void> {
  if (!options.local) {
    throw new AgentError('SERVER_MODE_UNAVAILABLE', 'Tracking against a server is not available yet: use --local for personal tracking.');
  }
  const dataDir = resolveDataDir(options.dataDir, context.env);
  const base = openAgentBase({ dataDir, clock: context.clock, mode: 'local' });
  const contractId = localContractId(options.contract);
  const agent = createTrackingAgent(base, {
    clock: context.clock,
    logger: context.logger,
    contractId,
    memo: options.memo ?? null,
    policy: new FixedPolicySource({ screenshots: options.screenshots, segmentSeconds: options.segmentSeconds, version: null }),
    decideIdle: () => options.idle,
    idleThresholdMs: options.idleAfter * 1000,
  });
  // The tracker's timers do not keep the process alive on purpose; this does, until a stop is requested.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const out = (line: string) => context.stdout.write(`${line}\n`);
  try {
    await agent.sensors.input.start();
    for (const row of currentReport(agent.sensors)) {
      if (row.status !== 'ok') context.stderr.write(`worktrace: ${row.sensor} unavailable: ${row.reason}\n`);
    }
    const { tracker } = agent;
    tracker.on('minuteFlushed', () => out(statusLine(tracker.snapshot(), context.clock.now())));
    tracker.on('screenshotFailed', ({ error }) => {
      if (error) context.stderr.write(`worktrace: screenshot failed: ${error instanceof Error ? error.message : String(error)}\n`);
    });
    tracker.on('idleEnded', ({ fromSec, toSec, decision }) => {
      if (decision !== 'empty') out(`${clockTime(context.clock.now())}  idle ${duration((toSec - fromSec) * 1000)} ${decision === 'keep' ? 'kept (flagged idle)' : 'discarded'}`);
    });
    tracker.on('error', ({ error }) => {
      context.logger.warn({ err: error, code: error.code }, 'tracker survived an error');
      context.stderr.write(`worktrace: warning: ${error.message} (tracking goes on)\n`);
    });
    tracker.start();
    out(
      `Tracking "${contractLabel(contractId)}" locally in ${options.segmentSeconds / 60}-minute segments, ` +
        `screenshots ${options.screenshots === 'off' ? 'off (time only)' : options.screenshots}. ` +
        `Data in ${dataDir}. Ctrl-C stops and saves.`,
    );
    const signal = await context.stopRequested;
    await agent.stop();
    const snapshot = tracker.snapshot();
    out(`Stopped (${signal}): tracked ${duration(snapshot.sessionMs)} this session, ${duration(snapshot.todayMs)} today.`);
  } finally {
    clearInterval(keepAlive);
    await agent.stop().catch(() => undefined);
    base.close();
  }
}

export function statusLine(snapshot: TrackerSnapshot, nowMs: number): string {
  const segment = snapshot.segment;
  const parts = [`${clockTime(nowMs)}  tracked ${duration(snapshot.sessionMs)} (today ${duration(snapshot.todayMs)})`];
  if (segment) {
    const minutes = Math.ceil(segment.trackedMs / 60_000);
    parts.push(`active ${segment.activeMinutes}/${minutes} min in segment ${clockTime(segment.startedAt * 1000)}`);
    parts.push(screenshotWords(segment.screenshot));
  }
  if (!snapshot.inputAvailable) parts.push('input activity unavailable');
  if (snapshot.idle.state === 'idle') parts.push('idle');
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
    case 'none':
      return 'no screenshot';
  }
}
