import { privateRuleWords, type PrivateWindowRule } from '../../../shared/privacy/index.js';
import { openAgentBase, type AgentBase } from '../../agent/create-agent.js';
import { resolveDataDir } from '../../config/data-dir.js';
import { KEEP_APP_NAMES_KEY, privateLists } from '../../privacy/index.js';
import type { CommandContext } from '../context.js';

export type PrivateAction =
  | { readonly kind: 'list'; readonly json: boolean }
  | { readonly kind: 'add' | 'remove'; readonly rule: PrivateWindowRule }
  | { readonly kind: 'app-names'; readonly keep: boolean };


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
        out(base.store.privateWindows.add(action.rule) ? `Added: ${privateRuleWords(action.rule)} is private on this device.` : `Already private: ${privateRuleWords(action.rule)}.`);
        return;
      case 'remove':
        out(base.store.privateWindows.remove(action.rule) ? `Removed: ${privateRuleWords(action.rule)}.` : `Not in your list: ${privateRuleWords(action.rule)}.`);
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
  const lists = privateLists(base.store);
  if (lists.device === null) base.store.privateWindows.list(); // throws PRIVATE_LIST_UNREADABLE with the damaged rule
  if (json) {
    context.stdout.write(`${JSON.stringify(lists, null, 2)}\n`);
    return;
  }
  const device = lists.device ?? [];
  const lines = ['Your private windows (this device only, never uploaded):'];
  lines.push(...(device.length === 0 ? ['  none'] : device.map((rule) => `  ${privateRuleWords(rule)}`)));
  for (const c of lists.contracts) {
    lines.push(`Contract ${c.contractId} (set by the client, policy v${c.version}):`);
    if (c.rules === null) lines.push('  unreadable: no screenshots for this contract until the server sends a list this agent can read');
    else lines.push(...(c.rules.length === 0 ? ['  none'] : c.rules.map((rule) => `  ${privateRuleWords(rule)}`)));
  }
  lines.push(lists.keepAppNames ? 'Private windows are recorded with their application name, never their title.' : 'Private windows are recorded as "Private".');
  context.stdout.write(`${lines.join('\n')}\n`);
}
