import { receivedPolicySchema } from '../../../shared/protocol/index.js';
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
    // Cached for offline use: a later `track` that cannot reach the server starts from these terms.
    for (const c of contracts) {
      const cached = base.store.policies.get(c.id);
      const cachedVersion = cached ? policyVersionOf(cached.policyJson) : 0;
      if (c.policy.version > cachedVersion) base.store.policies.put(c.id, JSON.stringify(c.policy), null);
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

function policyVersionOf(json: string): number {
  const parsed = receivedPolicySchema.safeParse(JSON.parse(json));
  return parsed.success ? parsed.data.version : 0;
}
