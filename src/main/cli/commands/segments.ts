import { hiddenWindowsWords } from '../../../shared/privacy/index.js';
import { contractLabel, contractMatches } from '../../agent/local-contract.js';
import { openAgentBase } from '../../agent/create-agent.js';
import { resolveDataDir } from '../../config/data-dir.js';
import type { CommandContext } from '../context.js';
import { clockTime, duration } from '../format.js';

export interface SegmentsOptions {
  readonly dataDir: string | undefined;
  readonly json?: boolean;
  readonly since?: number;
  readonly contract?: string;
}

/** `worktrace segments`: the recorded segments, as a table or as the sync protocol's JSON (never image bytes). */
export async function runSegments(context: CommandContext, options: SegmentsOptions): Promise<void> {
  const base = openAgentBase({ dataDir: resolveDataDir(options.dataDir, context.env), clock: context.clock, mode: 'local' });
  try {
    const all = base.store.segments.list(options.since === undefined ? {} : { since: options.since });
    const segments = options.contract === undefined ? all : all.filter((s) => contractMatches(s.contractId, options.contract!));
    if (options.json) {
      context.stdout.write(`${JSON.stringify(segments, null, 2)}\n`);
      return;
    }
    if (segments.length === 0) {
      context.stdout.write('No segments recorded yet.\n');
      return;
    }
    for (const s of segments) {
      const startMs = Date.parse(s.startedAt);
      const active = s.minutes.filter((m) => m.active).length;
      const day = new Date(startMs).toLocaleDateString('en-CA');
      const hidden = hiddenWindowsWords(s.screenshot?.redactedWindows);
      const shot = s.screenshot
        ? `screenshot ${s.screenshot.id}${hidden ? ` (${hidden})` : ''}`
        : s.screenshotSkipped
          ? 'screenshot skipped for privacy'
          : 'no screenshot';
      const idle = s.idleSeconds > 0 ? ` (idle ${duration(s.idleSeconds * 1000)})` : '';
      context.stdout.write(
        `${day} ${clockTime(startMs)}  ${contractLabel(s.contractId)}  ${duration(s.trackedSeconds * 1000)}${idle}  ` +
          `active ${active}/${s.minutes.length} min  ${shot}${s.memo ? `  "${s.memo}"` : ''}\n`,
      );
    }
  } finally {
    base.close();
  }
}
