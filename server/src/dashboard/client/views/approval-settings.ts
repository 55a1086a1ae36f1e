import type { ContractSummary } from '../../../../../src/shared/protocol/api/index.js';
import type { ViewContext } from '../context.js';
import { h } from '../dom.js';
import { days } from '../format.js';

/** How the contract's weeks are approved, in words both parties read. */
export function approvalFacts(contract: ContractSummary): HTMLElement[] {
  const { autoApproveDays, deleteScreenshotsOnApproval } = contract.terms;
  return [
    h('dt', {}, 'Weeks approve'),
    h('dd', { class: 'auto-approve' }, `by the client, else automatically ${days(autoApproveDays)} after they end`),
    h('dt', {}, 'On approval'),
    h('dd', { class: 'delete-on-approval' }, deleteScreenshotsOnApproval ? 'the week’s screenshots are deleted; its time stays billable' : 'screenshots are kept (until their retention)'),
  ];
}

/**
 * The client's approval settings: after how many days a week approves itself, and whether approving a week deletes
 * its screenshots for good. Saved together; the server keeps each change with its time (a week's date is the one
 * the setting in force at its end gives).
 */
export function approvalSettingsForm(ctx: ViewContext, contract: ContractSummary): HTMLElement {
  const autoDays = h('input', { id: 'auto-approve-days', type: 'number', min: 1, max: 30, required: true, value: contract.terms.autoApproveDays });
  const deleteOnApproval = h('input', { id: 'delete-on-approval', type: 'checkbox', checked: contract.terms.deleteScreenshotsOnApproval });
  const save = h('button', { type: 'submit' }, 'Save approval settings');
  const form = h(
    'form',
    { class: 'approval-settings' },
    h('div', { class: 'field' }, h('label', { for: 'auto-approve-days' }, 'Approve a week automatically after (days)'), autoDays),
    h('label', { class: 'check' }, deleteOnApproval, ' Delete screenshots when a week is approved (the time stays billable)'),
    save,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    save.disabled = true;
    ctx.api
      .updateContract(contract.id, { autoApproveDays: Number(autoDays.value), deleteScreenshotsOnApproval: deleteOnApproval.checked })
      .then((next) => {
        ctx.say(
          next.terms.deleteScreenshotsOnApproval
            ? 'Saved: from now on, approving a week deletes its screenshots; its time stays billable.'
            : 'Saved: approving a week keeps its screenshots.',
        );
        ctx.refresh();
      })
      .catch((e: unknown) => {
        save.disabled = false;
        ctx.say(`Not saved: ${(e as Error).message}`);
      });
  });
  return form;
}
