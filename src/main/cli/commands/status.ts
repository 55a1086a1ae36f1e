import { existsSync } from 'node:fs';
import { contractLabel } from '../../agent/local-contract.js';
import { openAgentBase } from '../../agent/create-agent.js';
import { nativeBackends } from '../../agent/native-backends.js';
import { resolveDataDir } from '../../config/data-dir.js';
import { createSensors, currentReport, systemSensorEnvironment, type SensorReportRow } from '../../sensors/index.js';
import { databasePath, type ContractQueue, type StoreCounts } from '../../store/index.js';
import type { CommandContext } from '../context.js';
import { megabytes } from '../format.js';

export interface StatusOptions {
  readonly dataDir: string | undefined;
  readonly json?: boolean;
}

export interface StatusReport {
  readonly dataDir: string;
  readonly database: string;
  readonly sensors: readonly SensorReportRow[];
  readonly counts: StoreCounts | null;
  readonly contracts: readonly ContractQueue[];
}

/**
 * `worktrace status`: which backend each sensor uses here and why (probed for real: the input worker is started
 * and stopped), what the queue holds, and where the data lives. A data directory without a database yet is
 * reported as empty rather than created.
 */
export async function runStatus(context: CommandContext, options: StatusOptions): Promise<void> {
  const dataDir = resolveDataDir(options.dataDir, context.env);
  const database = databasePath(dataDir);
  const report: StatusReport = {
    dataDir,
    database,
    sensors: await probeSensors(context),
    ...readQueue(dataDir, database, context),
  };
  if (options.json) {
    context.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const lines = [`Data directory: ${dataDir}`, 'Sensors:'];
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
  context.stdout.write(`${lines.join('\n')}\n`);
}

async function probeSensors(context: CommandContext): Promise<SensorReportRow[]> {
  const native = nativeBackends(context.logger);
  const sensors = createSensors(systemSensorEnvironment(), { logger: context.logger, native: native.factories });
  try {
    await sensors.input.start();
    return currentReport(sensors);
  } finally {
    await sensors.input.stop();
    native.close();
  }
}

function readQueue(dataDir: string, database: string, context: CommandContext): Pick<StatusReport, 'counts' | 'contracts'> {
  if (!existsSync(database)) return { counts: null, contracts: [] };
  const base = openAgentBase({ dataDir, clock: context.clock, mode: 'local' });
  try {
    return { counts: base.store.status.counts(), contracts: base.store.status.queueByContractId() };
  } finally {
    base.close();
  }
}
