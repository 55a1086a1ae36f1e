import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** One life of the agent between its start and its kill -9, as the crash-loop test measured it. */
export interface LifeFigures {
  readonly life: number;
  /** 'timer': killed after a drawn lifetime; 'upload': killed the moment the server answered an upload. */
  readonly kill: 'timer' | 'upload';
  /** Spawn of the process to its "Tracking ..." line: time no agent is recording. */
  readonly startupMs: number;
  /** "Tracking ..." line to kill -9: the wall time the agent was alive and tracking. */
  readonly aliveMs: number;
  /** Tracked time the life added to the database (read after the kill). */
  readonly addedMs: number;
  /** aliveMs - addedMs. */
  readonly lostMs: number;
  /** How far into its wall-clock minute the kill fell (or since tracking began, if later): the unwritten minute. */
  readonly currentMinuteMs: number;
  /** What the life may lose: its unwritten minute, or at most the 10 s since the open minute's last save (plus a tick's lag). */
  readonly boundMs: number;
  readonly integrity: string;
  readonly foreignKeyViolations: number;
  /** Outbox rows still queued after the kill. */
  readonly queued: number;
}

export interface CrashLoopSummary {
  readonly seed: number;
  readonly lives: number;
  /** What the agent recorded in the end (and the server must hold). */
  readonly segments: number;
  readonly screenshots: number;
  readonly integrityFailures: number;
  readonly lostSeconds: { readonly total: number; readonly max: number; readonly mean: number };
  readonly startupSeconds: { readonly max: number; readonly mean: number };
  readonly aliveSeconds: number;
  readonly trackedSeconds: number;
  readonly uploads: {
    /** PUTs the server answered 2xx, all told. */
    readonly answered: number;
    /** Answers withheld because the agent was killed before it could hear them. */
    readonly withheld: number;
    /** Of those, screenshot uploads. */
    readonly withheldScreenshots: number;
    /** Withheld uploads the agent sent again after its restart (each should be: it never heard the answer). */
    readonly resentAfterWithheld: number;
    /** Screenshots PUT more than once (they never change, so every extra PUT is a re-send). */
    readonly screenshotsSentAgain: number;
    /** Records on the server more than once / local records missing on the server after the final sync. */
    readonly duplicatedOnServer: number;
    readonly lostOnServer: number;
  };
  readonly perLife: readonly LifeFigures[];
}

const seconds = (ms: number): number => Math.round(ms) / 1000;

export function summariseLives(lives: readonly LifeFigures[]): Pick<CrashLoopSummary, 'integrityFailures' | 'lostSeconds' | 'startupSeconds' | 'aliveSeconds' | 'trackedSeconds'> {
  const lost = lives.map((l) => l.lostMs);
  const startup = lives.map((l) => l.startupMs);
  const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
  return {
    integrityFailures: lives.filter((l) => l.integrity !== 'ok' || l.foreignKeyViolations > 0).length,
    lostSeconds: { total: seconds(sum(lost)), max: seconds(Math.max(...lost)), mean: seconds(sum(lost) / lives.length) },
    startupSeconds: { max: seconds(Math.max(...startup)), mean: seconds(sum(startup) / lives.length) },
    aliveSeconds: seconds(sum(lives.map((l) => l.aliveMs))),
    trackedSeconds: seconds(sum(lives.map((l) => l.addedMs))),
  };
}

/** The short table the test prints: one row per kill, then the totals. */
export function crashLoopTable(summary: CrashLoopSummary): string {
  const pad = (value: string | number, width: number) => String(value).padStart(width);
  const rows = summary.perLife.map((l) =>
    [pad(l.life, 4), pad(l.kill, 6), pad(seconds(l.startupMs).toFixed(2), 8), pad(seconds(l.aliveMs).toFixed(2), 7), pad(seconds(l.addedMs).toFixed(2), 7),
      pad(seconds(l.lostMs).toFixed(2), 7), pad(seconds(l.currentMinuteMs).toFixed(2), 8), pad(seconds(l.boundMs).toFixed(2), 6), pad(l.integrity, 9), pad(l.queued, 6)].join(' '),
  );
  const { lostSeconds: lost, startupSeconds: startup, uploads } = summary;
  return [
    `crash loop, seed ${summary.seed}: ${summary.lives} kill -9s`,
    ' life   kill  startup   alive   added    lost  cur.min  bound integrity queued',
    ...rows,
    `lost s: total ${lost.total.toFixed(2)}, max ${lost.max.toFixed(2)}, mean ${lost.mean.toFixed(2)} (alive ${summary.aliveSeconds.toFixed(2)}, tracked ${summary.trackedSeconds.toFixed(2)})`,
    `recorded: ${summary.segments} segment(s), ${summary.screenshots} screenshot(s)`,
    `start-up s: max ${startup.max.toFixed(2)}, mean ${startup.mean.toFixed(2)}; integrity failures: ${summary.integrityFailures}`,
    `uploads: ${uploads.answered} answered, ${uploads.withheld} withheld by a kill (${uploads.withheldScreenshots} screenshot(s)), ${uploads.resentAfterWithheld} of those re-sent, ` +
      `${uploads.screenshotsSentAgain} screenshot(s) PUT more than once, ` +
      `${uploads.duplicatedOnServer} duplicated and ${uploads.lostOnServer} lost on the server`,
  ].join('\n');
}

export function writeCrashLoopJson(file: string, summary: CrashLoopSummary): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ measuredAt: new Date().toISOString(), ...summary }, null, 2)}\n`);
}
