import { openAgentBase } from '../../agent/create-agent.js';
import { createSyncServices } from '../../agent/server-sync.js';
import { resolveDataDir } from '../../config/data-dir.js';
import { toUserError } from '../../sync/index.js';
import type { CommandContext } from '../context.js';

/** `worktrace contracts [--json]`: the signed-in account's contracts with their policy; refreshes the policy cache. */
export async function runContracts(context: CommandContext, options: { dataDir: string | undefined; json?: boolean }): Promise<void> {
  const base = openAgentBase({ dataDir: resolveDataDir(options.dataDir, context.env), clock: context.clock, mode: 'server' });
  try {
    const services = createSyncServices(base, { clock: context.clock, logger: context.logger });
    let contracts;
    try {
      contracts = await services.client.contracts();
    } catch (error) {
      throw toUserError(error, services.credentials.server);
    }
    if (options.json) {
      context.stdout.write(`${JSON.stringify(contracts, null, 2)}\n`);
      return;
    }
    if (contracts.length === 0) {
      context.stdout.write('No contracts for this account yet.\n');
      return;
    }
    for (const c of contracts) {
      const other = c.role === 'freelancer' ? `client ${c.client.email}` : `freelancer ${c.freelancer.email}`;
      const p = c.policy;
      context.stdout.write(
        `${c.id}  ${c.name}  (${other})  screenshots ${p.screenshots === 'off' ? 'off (time only)' : p.screenshots}, ` +
          `${p.segmentSeconds / 60}-minute segments, policy v${p.version}\n`,
      );
    }
  } finally {
    base.close();
  }
}
