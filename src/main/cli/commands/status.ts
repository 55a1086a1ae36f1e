import { existsSync } from 'node:fs';
import { contractLabel } from '../../agent/local-contract.js';
import { openAgentBase, type AgentBase } from '../../agent/create-agent.js';
import { nativeBackends } from '../../agent/native-backends.js';
import { resolveDataDir } from '../../config/data-dir.js';
import { createSensors, currentReport, systemSensorEnvironment, type SensorReportRow } from '../../sensors/index.js';
import { privateLists, type PrivateLists } from '../../privacy/index.js';
import { privacyReport, privacyLines, type PrivacyReport } from './status-privacy.js';
import { databasePath, type ContractQueue, type StoreCounts } from '../../store/index.js';
import { NO_ROOM_BYTES, freeBytesAt } from '../../store/errors.js';
import { readSyncStatus, waitingWords, type SyncStatusReport } from '../../sync/index.js';
import type { CommandContext } from '../context.js';
import { clockTime, megabytes } from '../format.js';
import { parkedItemLines } from '../parked-lines.js';

export interface StatusOptions {
  readonly dataDir: string | undefined;
  readonly json?: boolean;
}

export interface StatusReport {
  readonly dataDir: string;
  readonly database: string;
  /** Room left for this user where the data directory lives (null: the file system cannot say); full below 1 MiB. */
  readonly disk: { readonly freeBytes: number | null; readonly full: boolean };
  readonly sensors: readonly SensorReportRow[];
  readonly counts: StoreCounts | null;
  readonly contracts: readonly ContractQueue[];
  /** Server mode: sign-in, and per contract the policy in force, queue, parked items, last sync and last error. */
  readonly sync: SyncStatusReport | null;
  /** How private windows are kept out of screenshots here (fully, or only while focused) and the lists in force. */
  readonly privacy: PrivacyReport;
}

/**
 * `worktrace status`: which backend each sensor uses here and why (probed for real: the input worker is started
 * and stopped), what the queue holds, and where the data lives. A data directory without a database yet is
 * reported as empty rather than created.
 */
export async function runStatus(context: CommandContext, options: StatusOptions): Promise<void> {
  const dataDir = resolveDataDir(options.dataDir, context.env);
  const database = databasePath(dataDir);
  const probe = await probeSensors(context, () => (existsSync(database) ? withBase(dataDir, context, (base) => privateLists(base.store)) : null));
  const queue = readQueue(dataDir, database, context);
  const report: StatusReport = {
    dataDir,
    database,
    disk: diskOf(dataDir),
    sensors: probe.rows,
    ...queue,
    privacy: probe.privacy,
  };
  if (options.json) {
    context.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const lines = [`Data directory: ${dataDir}`];
  if (report.disk.full) {
    lines.push(`  disk full: no space left there. Tracking keeps the time in memory and skips screenshots until there is room: free some space.`);
  }
  lines.push('Sensors:');
  for (const row of report.sensors) {
    lines.push(`  ${row.sensor.padEnd(12)}${row.backend.padEnd(20)}${row.status === 'ok' ? 'ok' : 'unavailable'}${row.reason ? ` — ${row.reason}` : ''}`);
  }
  if (report.counts === null) {
    lines.push('Queue: empty (nothing recorded yet)');
  } else {
    const c = report.counts;
    lines.push(`Recorded: ${c.segments} segments, ${c.minutes} minutes, ${c.screenshots} screenshots (${megabytes(c.screenshotStoredBytes)} encrypted)`);
    for (const q of report.contracts) {
      lines.push(`  ${contractLabel(q.contractId)}: ${q.pendingSegments} segments and ${q.pendingScreenshots} screenshots waiting to upload, ${q.parked} parked`);
    }
  }
  if (report.sync) lines.push(...syncLines(report.sync, context.clock.now()));
  lines.push(...privacyLines(report.privacy));
  context.stdout.write(`${lines.join('\n')}\n`);
}

function diskOf(dataDir: string): StatusReport['disk'] {
  const freeBytes = freeBytesAt(dataDir);
  return { freeBytes, full: freeBytes !== null && freeBytes < NO_ROOM_BYTES };
}

async function probeSensors(context: CommandContext, lists: () => PrivateLists | null): Promise<{ rows: SensorReportRow[]; privacy: PrivacyReport }> {
  const native = nativeBackends(context.logger);
  const sensors = createSensors(systemSensorEnvironment(), { logger: context.logger, native: native.factories });
  try {
    await sensors.input.start();
    const rows = currentReport(sensors);
    return { rows, privacy: privacyReport(sensors.capturer, sensors.window, lists()) };
  } finally {
    await sensors.input.stop();
    native.close();
  }
}

function withBase<T>(dataDir: string, context: CommandContext, read: (base: AgentBase) => T): T {
  const base = openAgentBase({ dataDir, clock: context.clock, mode: 'local' });
  try {
    return read(base);
  } finally {
    base.close();
  }
}

function readQueue(dataDir: string, database: string, context: CommandContext): Pick<StatusReport, 'counts' | 'contracts' | 'sync'> {
  if (!existsSync(database)) return { counts: null, contracts: [], sync: null };
  return withBase(dataDir, context, (base) => {
    const sync = readSyncStatus(base.store, dataDir);
    return {
      counts: base.store.status.counts(),
      contracts: base.store.status.queueByContractId(),
      sync: sync.signedIn || sync.contracts.length > 0 || sync.waitingForOtherAccounts.length > 0 ? sync : null,
    };
  });
}

function syncLines(sync: SyncStatusReport, now: number): string[] {
  const when = (ms: number) => `${new Date(ms).toLocaleDateString('en-CA')} ${clockTime(ms)}`;
  const lines = [sync.signedIn ? `Signed in to ${sync.signedIn.server} as ${sync.signedIn.email}` : 'Not signed in (`worktrace login`)'];
  if (sync.lastError) lines.push(`  last error ${when(sync.lastError.at)}: ${sync.lastError.message}`);
  for (const c of sync.contracts) {
    const policy = c.policy
      ? `${c.policy.state}; screenshots ${c.policy.screenshots === 'off' ? 'off (time only)' : c.policy.screenshots}, policy v${c.policy.version}`
      : 'no policy known (time only, not tracked)';
    lines.push(`Contract ${c.contractId}: ${policy}`);
    lines.push(`  ${c.pendingSegments} segments and ${c.pendingScreenshots} screenshots pending, ${c.parked.length} parked`);
    for (const p of c.parked) lines.push(...parkedItemLines(p, now));
    lines.push(`  last sync: ${c.lastSuccessAt ? when(c.lastSuccessAt) : 'never'}`);
    if (c.lastError) lines.push(`  last error ${when(c.lastError.at)}: ${c.lastError.message}`);
  }
  for (const queue of sync.waitingForOtherAccounts) lines.push(waitingWords(queue));
  return lines;
}
