import type { ContractSummary, PolicyVersion } from '../../../../../src/shared/protocol/api/index.js';
import type { ScreenshotMode } from '../../../../../src/shared/protocol/index.js';
import type { ViewContext } from '../context.js';
import { h } from '../dom.js';
import { days, modeLabel, policyHistoryWords } from '../format.js';

const MODES: readonly ScreenshotMode[] = ['on', 'blurred', 'off'];
const MODE_HINTS: Record<ScreenshotMode, string> = {
  on: 'one screenshot per segment, at a random moment',
  blurred: 'blurred on the freelancer’s device before it is stored',
  off: 'no screenshots at all: activity and time only',
};

/**
 * The contract's screenshot policy: a form for the client (mode and retention), plain words for the
 * freelancer, and the whole history for both.
 */
export function policyPanel(ctx: ViewContext, contract: ContractSummary, history: readonly PolicyVersion[]): HTMLElement {
  const panel = h('section', { class: 'panel policy', id: 'policy', 'aria-labelledby': 'policy-title' }, h('h2', { id: 'policy-title' }, 'Screenshot policy'));
  const policy = contract.policy;
  const controls =
    contract.role === 'client'
      ? h('div', {}, policyForm(ctx, contract))
      : h(
          'div',
          {},
          h('p', { class: 'policy-now' }, `${modeLabel(policy.screenshots)}: ${MODE_HINTS[policy.screenshots]}. Screenshots are kept ${days(policy.retentionDays)}.`),
          h('p', { class: 'muted' }, 'The client of this contract sets this policy; your agent follows it within seconds.'),
        );
  const historyPart = h(
    'div',
    {},
    h('h3', { id: 'history-title' }, 'Policy history'),
    h('ul', { class: 'history', 'aria-labelledby': 'history-title' }, ...policyHistoryWords(history).map((line) => h('li', {}, line))),
  );
  panel.append(h('div', { class: 'policy-body' }, controls, historyPart));
  return panel;
}

function policyForm(ctx: ViewContext, contract: ContractSummary): HTMLElement {
  const policy = contract.policy;
  const radios = MODES.map((mode) =>
    h(
      'label',
      { class: 'choice' },
      h('input', { type: 'radio', name: 'screenshots', value: mode, checked: mode === policy.screenshots }),
      h('span', { class: 'choice-label' }, modeLabel(mode)),
      h('span', { class: 'choice-hint' }, MODE_HINTS[mode]),
    ),
  );
  const retention = h('input', { id: 'retention', name: 'retention', type: 'number', min: 1, max: 3650, step: 1, required: true, value: policy.retentionDays });
  const save = h('button', { type: 'submit' }, 'Save policy');
  const form = h(
    'form',
    { class: 'policy-form' },
    h('fieldset', {}, h('legend', {}, 'Screenshots'), ...radios),
    h('div', { class: 'policy-actions' }, h('div', { class: 'field' }, h('label', { for: 'retention' }, 'Keep screenshots for (days)'), retention), save),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = (form.querySelector('input[name="screenshots"]:checked') as HTMLInputElement | null)?.value as ScreenshotMode | undefined;
    const retentionDays = Number(retention.value);
    if (!Number.isInteger(retentionDays) || retentionDays < 1 || retentionDays > 3650) {
      ctx.say('Retention must be a whole number of days from 1 to 3650.');
      retention.focus();
      return;
    }
    const update = {
      ...(chosen && chosen !== policy.screenshots ? { screenshots: chosen } : {}),
      ...(retentionDays !== policy.retentionDays ? { retentionDays } : {}),
    };
    if (Object.keys(update).length === 0) {
      ctx.say('Nothing to change.');
      return;
    }
    save.disabled = true;
    ctx.api
      .updatePolicy(contract.id, update)
      .then((next) => {
        ctx.say(`Policy saved: ${modeLabel(next.screenshots)}, kept ${days(next.retentionDays)} (version ${next.version}).`);
        ctx.refresh();
      })
      .catch((e: unknown) => {
        ctx.say(`The policy was not saved: ${(e as Error).message}`);
        save.disabled = false;
      });
  });
  return form;
}
