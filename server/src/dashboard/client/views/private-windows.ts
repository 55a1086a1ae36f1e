import type { ContractSummary } from '../../../../../src/shared/protocol/api/index.js';
import type { PrivateWindowRule } from '../../../../../src/shared/privacy/private-windows.js';
import type { ViewContext } from '../context.js';
import { h } from '../dom.js';
import { privateRuleWords } from '../format.js';

const MAX_RULES = 100;
const MAX_PATTERN_CHARS = 128;

/**
 * The contract's private windows: applications and window titles the freelancer's agent paints out of every
 * screenshot (a new policy version when saved). The client edits them, one per line; the freelancer reads them.
 */
export function privateWindowsPanel(ctx: ViewContext, contract: ContractSummary): HTMLElement {
  const rules = contract.policy.privateWindows ?? [];
  const panel = h(
    'section',
    { class: 'panel private-windows', id: 'private-windows', 'aria-labelledby': 'private-windows-title' },
    h('h2', { id: 'private-windows-title' }, 'Private windows'),
  );
  if (contract.role === 'client') {
    panel.append(privateWindowsForm(ctx, contract, rules));
    return panel;
  }
  panel.append(
    rules.length === 0
      ? h('p', { class: 'muted' }, 'The client has set no private windows for this contract.')
      : h('div', {}, h('p', {}, 'The client has these windows painted out of every screenshot:'), h('ul', { class: 'rules' }, ...rules.map((r) => h('li', {}, privateRuleWords(r))))),
    h('p', { class: 'muted' }, 'Your own private windows are set in the Worktrace app on your computer; they never reach this server.'),
  );
  return panel;
}

function privateWindowsForm(ctx: ViewContext, contract: ContractSummary, rules: readonly PrivateWindowRule[]): HTMLElement {
  const lines = (kind: PrivateWindowRule['kind']) => rules.filter((r) => r.kind === kind).map((r) => r.pattern).join('\n');
  const apps = h('textarea', { id: 'private-apps', name: 'apps', rows: 4, spellcheck: 'false' });
  apps.value = lines('app');
  const titles = h('textarea', { id: 'private-titles', name: 'titles', rows: 4, spellcheck: 'false' });
  titles.value = lines('title');
  const save = h('button', { type: 'submit' }, 'Save private windows');
  const form = h(
    'form',
    { class: 'private-form' },
    h('p', { class: 'muted' }, 'The freelancer’s agent paints these windows out of every screenshot, on every monitor, before the image exists, and records their titles as “Private”. One per line; * matches any characters, ? one; letter case does not matter.'),
    h('div', { class: 'field' }, h('label', { for: 'private-apps' }, 'Applications (e.g. Epic Hyperspace, keepassxc)'), apps),
    h('div', { class: 'field' }, h('label', { for: 'private-titles' }, 'Window titles (e.g. *Patient*)'), titles),
    h('div', { class: 'policy-actions' }, save),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const read = (kind: PrivateWindowRule['kind'], text: string): PrivateWindowRule[] =>
      text
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '')
        .map((pattern) => ({ kind, pattern }));
    const next = [...read('app', apps.value), ...read('title', titles.value)];
    const tooLong = next.find((r) => r.pattern.length > MAX_PATTERN_CHARS);
    if (tooLong) {
      ctx.say(`A line is at most ${MAX_PATTERN_CHARS} characters: “${tooLong.pattern.slice(0, 40)}…” is longer.`);
      return;
    }
    if (next.length > MAX_RULES) {
      ctx.say(`At most ${MAX_RULES} private windows per contract (${next.length} given).`);
      return;
    }
    save.disabled = true;
    ctx.api
      .updatePolicy(contract.id, { privateWindows: next })
      .then((policy) => {
        const count = policy.privateWindows?.length ?? 0;
        ctx.say(`Private windows saved: ${count} rule${count === 1 ? '' : 's'} (policy version ${policy.version}).`);
        ctx.refresh();
      })
      .catch((e: unknown) => {
        ctx.say(`The private windows were not saved: ${(e as Error).message}`);
        save.disabled = false;
      });
  });
  return form;
}
