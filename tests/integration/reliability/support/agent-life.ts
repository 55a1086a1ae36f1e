import { sleep, startCli, type RunningCli } from '../../../support/cli.js';
import type { TapProxy } from './tap-proxy.js';

/**
 * One life of the tracking CLI: spawned, tracking, then kill -9. The moments are taken in this process as they
 * happen (not by polling output), so "alive and tracking" is measured to the millisecond the line arrived.
 */
export interface AgentLife {
  readonly agent: RunningCli;
  /** Epoch ms of the spawn. */
  readonly spawnedAt: number;
  /** Epoch ms when the agent's "Tracking ..." line arrived: the tracker runs from just before it. */
  readonly trackingFrom: Promise<number>;
}

/** The line `worktrace track` prints right after the tracker started. */
const TRACKING_LINE = /^Tracking contract .*Ctrl-C stops and saves\.$/m;

export function startAgentLife(args: readonly string[], env: NodeJS.ProcessEnv, startTimeoutMs = 30_000): AgentLife {
  const spawnedAt = Date.now();
  const agent = startCli(args, env);
  const trackingFrom = new Promise<number>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`the agent did not start tracking within ${startTimeoutMs} ms: ${agent.stdout()} ${agent.stderr()}`)), startTimeoutMs);
    const onData = (chunk: string) => {
      seen += chunk;
      if (!TRACKING_LINE.test(seen)) return;
      clearTimeout(timer);
      agent.child.stdout?.off('data', onData);
      resolve(Date.now());
    };
    agent.child.stdout?.on('data', onData);
    void agent.exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`the agent ended (${how}) before it tracked: ${agent.stderr()}`));
    });
  });
  trackingFrom.catch(() => undefined); // the caller awaits it; an early exit must not count as unhandled meanwhile
  return { agent, spawnedAt, trackingFrom };
}

/** kill -9 now; resolves with the moment the signal was sent, once the process is gone. */
export async function killNow(life: AgentLife): Promise<number> {
  const at = Date.now();
  life.agent.child.kill('SIGKILL');
  await life.agent.exited;
  return at;
}

/**
 * kill -9 at the moment the server has answered the life's first successful upload and before the agent hears
 * the answer (the proxy withholds it): stored on the server, still queued on the agent. Resolves with the kill
 * moment, or null when no matching upload happened within `withinMs` (the caller then kills it itself).
 */
export async function killOnUpload(
  life: AgentLife,
  proxy: TapProxy,
  options: { withinMs: number; pathMatches?: (path: string) => boolean },
): Promise<number | null> {
  let killedAt: number | null = null;
  proxy.setAnswerHook(({ method, path, status }) => {
    if (killedAt !== null || method !== 'PUT' || status < 200 || status >= 300) return 'deliver';
    if (options.pathMatches && !options.pathMatches(path)) return 'deliver';
    killedAt = Date.now();
    life.agent.child.kill('SIGKILL');
    return 'withhold';
  });
  try {
    const deadline = Date.now() + options.withinMs;
    while (killedAt === null && Date.now() < deadline && life.agent.child.exitCode === null) await sleep(20);
  } finally {
    proxy.setAnswerHook(null);
  }
  if (killedAt !== null) await life.agent.exited;
  return killedAt;
}
