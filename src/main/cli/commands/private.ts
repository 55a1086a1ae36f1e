import { readPrivateList, type PrivateWindowRule } from '../../../shared/privacy/index.js';
import { receivedPolicySchema } from '../../../shared/protocol/index.js';
import { openAgentBase, type AgentBase } from '../../agent/create-agent.js';
import { resolveDataDir } from '../../config/data-dir.js';
import { KEEP_APP_NAMES_KEY } from '../../privacy/index.js';
import type { CommandContext } from '../context.js';

export type PrivateAction =
  | { readonly kind: 'list'; readonly json: boolean }
  | { readonly kind: 'add' | 'remove'; readonly rule: PrivateWindowRule }
  | { readonly kind: 'app-names'; readonly keep: boolean };

/** One contract's list as its client set it (from the cached policy); `rules` null when it cannot be read. */
interface ContractList {
  readonly contractId: string;
  readonly version: number;
  readonly rules: readonly PrivateWindowRule[] | null;
}

const describeRule = (rule: PrivateWindowRule): string => `${rule.kind === 'app' ? 'application' : 'title'} ${JSON.stringify(rule.pattern)}`;

/**
 * `worktrace private add|remove|list|app-names`: the freelancer's own private windows, kept on this device only
 * (nothing here is ever uploaded). A running `track` applies a change from its next window sample and screenshot.
 */
export async function runPrivate(context: CommandContext, dataDir: string | undefined, action: PrivateAction): Promise<void> {
  const base = openAgentBase({ dataDir: resolveDataDir(dataDir, context.env), clock: context.clock, mode: 'local' });
  const out = (line: string) => context.stdout.write(`${line}\n`);
  try {
    switch (action.kind) {
      case 'add':
        out(base.store.privateWindows.add(action.rule) ? `Added: ${describeRule(action.rule)} is private on this device.` : `Already private: ${describeRule(action.rule)}.`);
        return;
      case 'remove':
        out(base.store.privateWindows.remove(action.rule) ? `Removed: ${describeRule(action.rule)}.` : `Not in your list: ${describeRule(action.rule)}.`);
        return;
      case 'app-names':
        base.store.settings.set(KEEP_APP_NAMES_KEY, action.keep ? '1' : '0');
        out(action.keep ? "A private window's application name is recorded; its title is not." : 'A private window is recorded as "Private": neither its application nor its title.');
        return;
      case 'list':
        return list(context, base, action.json);
    }
  } finally {
    base.close();
  }
}

function list(context: CommandContext, base: AgentBase, json: boolean): void {
  const device = base.store.privateWindows.list();
  const keepAppNames = base.store.settings.get(KEEP_APP_NAMES_KEY) === '1';
  const contracts = contractLists(base);
  if (json) {
    context.stdout.write(`${JSON.stringify({ device, keepAppNames, contracts }, null, 2)}\n`);
    return;
  }
  const lines = ['Your private windows (this device only, never uploaded):'];
  lines.push(...(device.length === 0 ? ['  none'] : device.map((rule) => `  ${describeRule(rule)}`)));
  for (const c of contracts) {
    lines.push(`Contract ${c.contractId} (set by the client, policy v${c.version}):`);
    if (c.rules === null) lines.push('  unreadable: no screenshots for this contract until the server sends a list this agent can read');
    else lines.push(...(c.rules.length === 0 ? ['  none'] : c.rules.map((rule) => `  ${describeRule(rule)}`)));
  }
  lines.push(keepAppNames ? 'Private windows are recorded with their application name, never their title.' : 'Private windows are recorded as "Private".');
  context.stdout.write(`${lines.join('\n')}\n`);
}

/** Each contract's list, from the policies cached on this device (what `track` would apply offline). */
function contractLists(base: AgentBase): ContractList[] {
  const lists: ContractList[] = [];
  for (const contractId of base.store.policies.contractIds()) {
    const cached = base.store.policies.get(contractId);
    let json: unknown = null;
    try {
      json = JSON.parse(cached?.policyJson ?? 'null');
    } catch {
      continue;
    }
    const policy = receivedPolicySchema.safeParse(json);
    if (!policy.success) continue;
    const read = readPrivateList(policy.data.privateWindows);
    lists.push({ contractId, version: policy.data.version, rules: read.readable ? read.rules : null });
  }
  return lists;
}
