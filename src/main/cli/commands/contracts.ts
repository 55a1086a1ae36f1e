import { contractStateWords, trackingVerdict } from '../../../shared/protocol/index.js';
import { openAgentBase } from '../../agent/create-agent.js';
import { createSyncServices } from '../../agent/server-sync.js';
import { resolveDataDir } from '../../config/data-dir.js';
import { toUserError } from '../../sync/index.js';
import type { CommandContext } from '../context.js';

/** `worktrace contracts [--json]`: the signed-in account's contracts with their state and policy; refreshes the policy cache. */
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
    // Cached for offline use: a later `track` that cannot reach the server starts from these terms and states.
    for (const c of contracts) base.store.policies.putIfNewer(c.policy, null);
    if (options.json) {
      context.stdout.write(`${JSON.stringify(contracts, null, 2)}\n`);
      return;
    }
    if (contracts.length === 0) {
      context.stdout.write('No contracts for this account yet.\n');
      return;
    }
    for (const c of contracts) {
      const other = c.role === 'freelancer' ? `client ${c.client.email}` : `freelancer ${c.freelancer?.email ?? 'not accepted yet'}`;
      const p = c.policy;
      const verdict = trackingVerdict(p.contract);
      const tracking = c.role === 'client' ? 'you are its client' : verdict.trackable ? 'can be tracked' : `cannot be tracked: ${verdict.reason}`;
      context.stdout.write(
        `${c.id}  ${c.name}  (${other})  ${contractStateWords(p.contract)}, ${tracking}; screenshots ${p.screenshots === 'off' ? 'off (time only)' : p.screenshots}, ` +
          `${p.segmentSeconds / 60}-minute segments, policy v${p.version}\n`,
      );
    }
  } finally {
    base.close();
  }
}
