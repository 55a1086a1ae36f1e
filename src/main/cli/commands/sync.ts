import { openAgentBase } from '../../agent/create-agent.js';
import { createSyncServices } from '../../agent/server-sync.js';
import { resolveDataDir } from '../../config/data-dir.js';
import { sameAccount, type ParkedItem } from '../../store/index.js';
import { SyncError, itemKindWords, parkedAdvice, waitingWords, type PassReport } from '../../sync/index.js';
import type { CommandContext } from '../context.js';

export interface SyncOptions {
  readonly dataDir: string | undefined;
  readonly json?: boolean;
  readonly quotaMb?: number;
  /** Also try every parked item now, and say what became of each. */
  readonly retryParked?: boolean;
}

/**
 * `worktrace sync`: one upload pass of everything due, then a report of what was sent. Exits non-zero when the
 * pass could not finish (signed out, server unreachable, a clock the server disputes), after saying what is still
 * waiting. `--retry-parked` also tries every parked item now and reports each one's result.
 */
export async function runSync(context: CommandContext, options: SyncOptions): Promise<void> {
  const base = openAgentBase({ dataDir: resolveDataDir(options.dataDir, context.env), clock: context.clock, mode: 'server' });
  try {
    const services = createSyncServices(base, {
      clock: context.clock,
      logger: context.logger,
      ...(options.quotaMb === undefined ? {} : { quotaBytes: options.quotaMb * 1024 * 1024 }),
    });
    const me = { server: services.client.serverUrl, userId: services.credentials.userId };
    const wasParked = options.retryParked ? base.store.outbox.parked(me) : [];
    const report = options.retryParked ? await services.uploader.retryParked() : await services.uploader.runPass({ everything: true });
    const waiting = base.store.outbox.counts();
    // Work recorded under another account on this machine is not this sign-in's to send: it waits for them.
    const queues = base.store.outbox.byAccount();
    const mine = queues.find((q) => sameAccount(q.account, me));
    const otherAccounts = queues.filter((q) => q !== mine);
    if (options.json) {
      context.stdout.write(`${JSON.stringify({ ...report, waiting, otherAccounts }, null, 2)}\n`);
    } else {
      context.stdout.write(`${describePass(report)}\n`);
      for (const line of retriedLines(wasParked, report)) context.stdout.write(`${line}\n`);
      const pending = (mine?.pendingSegments ?? 0) + (mine?.pendingScreenshots ?? 0);
      const parked = mine?.parked ?? 0;
      if (pending + parked > 0) context.stdout.write(`Waiting: ${pending} item(s) to send, ${parked} parked (see \`worktrace status\`).\n`);
      for (const queue of otherAccounts) context.stdout.write(`${waitingWords(queue)}\n`);
    }
    const stop = report.stoppedBy;
    if (stop?.reason === 'unauthorized') {
      throw new SyncError('SIGN_IN_AGAIN', `${services.credentials.server} no longer accepts your sign-in: run \`worktrace login\` again (nothing was lost).`);
    }
    if (stop?.reason === 'transient') {
      throw new SyncError('SERVER_UNREACHABLE', `Sync stopped: ${stop.detail}. Nothing was lost; the rest is sent on the next sync.`);
    }
    if (stop?.reason === 'clock') throw new SyncError('CLOCK_SKEW', `Sync stopped: ${stop.detail} Nothing was lost.`);
  } finally {
    base.close();
  }
}

export function describePass(report: PassReport): string {
  const parts = [`Sent ${report.sent.segments} segment(s) and ${report.sent.screenshots} screenshot(s).`];
  if (report.sent.deletions > 0) parts.push(`The server was told of ${report.sent.deletions} screenshot(s) you deleted.`);
  const refused = report.refused.segments + report.refused.screenshots;
  if (refused > 0) parts.push(`${refused} refused by the server for good (refused screenshots deleted here).`);
  if (report.parked > 0) parts.push(`${report.parked} parked with an error.`);
  if (report.droppedForQuota > 0) parts.push(`${report.droppedForQuota} old screenshot(s) dropped: local screenshot storage was full.`);
  if (report.removedOnServer > 0) {
    parts.push(`${report.removedOnServer} screenshot(s) gone on the server (deleted by the client or by you, removed on approval of their week, or past retention) were deleted here too.`);
  }
  return parts.join(' ');
}

/** `--retry-parked`: one line per item that was parked, saying what became of it. */
function retriedLines(wasParked: readonly ParkedItem[], report: PassReport): string[] {
  if (wasParked.length === 0) return [];
  const lines = [`Tried ${wasParked.length} parked item(s) again:`];
  for (const item of wasParked) {
    const what = `${itemKindWords(item.kind)} ${item.itemId}`;
    const outcome = report.retried.find((r) => r.kind === item.kind && r.itemId === item.itemId);
    switch (outcome?.result) {
      case 'sent':
        lines.push(`  ${what}: sent.`);
        break;
      case 'refused':
        lines.push(`  ${what}: refused for good (${outcome.detail ?? 'no detail'}); it left the queue.`);
        break;
      case 'parked': {
        const advice = parkedAdvice(outcome.detail);
        lines.push(`  ${what}: still parked: ${advice.reason} ${advice.todo}`);
        break;
      }
      case 'waiting':
        lines.push(`  ${what}: waits: ${outcome.detail ?? 'it is retried soon'}`);
        break;
      case undefined:
        lines.push(`  ${what}: not tried: the pass stopped before it (${report.stoppedBy?.detail ?? 'its segment waits'}).`);
        break;
    }
  }
  return lines;
}
