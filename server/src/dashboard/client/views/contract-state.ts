import type { ContractSummary } from '../../../../../src/shared/protocol/api/index.js';
import type { ContractStatus } from '../../../../../src/shared/protocol/index.js';
import type { ViewContext } from '../context.js';
import { h } from '../dom.js';
import { dateLong, days, rateWords, stateHistoryWords, stateLine } from '../format.js';
import { approvalFacts, approvalSettingsForm } from './approval-settings.js';
import { invitationLinkPanel } from './invitation-link.js';

type Target = 'active' | 'paused' | 'ended';

/**
 * The contract's state and terms: where it stands, its history in words, what the caller may do next (the client
 * pauses, resumes and ends; the freelancer may only end), the invitation while it waits, and once it ended, when
 * its screenshots go. Only what the caller can do is offered.
 */
export function contractStatePanel(ctx: ViewContext, contract: ContractSummary, history: readonly ContractStatus[]): HTMLElement {
  const status = contract.policy.contract;
  const waitingFor = contract.invitation?.state === 'pending' ? contract.invitation.email : null;
  const panel = h(
    'section',
    { class: 'panel contract-state', id: 'state', 'aria-labelledby': 'state-title' },
    h('h2', { id: 'state-title' }, 'Contract'),
    h('p', { class: `state-now state-${status.state}` }, stateLine(status, waitingFor)),
  );
  const actions = h('div', { class: 'actions' });
  const question = h('div', { class: 'confirm', hidden: true, role: 'alertdialog', 'aria-labelledby': 'end-question' });
  const change = (target: Target, button: HTMLButtonElement) => {
    button.disabled = true;
    ctx.api
      .setState(contract.id, { state: target })
      .then((next) => {
        ctx.say(stateLine(next.policy.contract, null) + '.');
        ctx.refresh();
      })
      .catch((e: unknown) => {
        button.disabled = false;
        ctx.say(`The contract was not changed: ${(e as Error).message}`);
      });
  };
  const offer = (label: string, target: Target) => {
    const button = h('button', { type: 'button' }, label);
    button.addEventListener('click', () => change(target, button));
    actions.append(button);
  };
  if (contract.role === 'client' && status.state === 'active') offer('Pause', 'paused');
  if (contract.role === 'client' && status.state === 'paused') offer('Resume', 'active');
  const mayEnd = status.state === 'active' || status.state === 'paused' || (status.state === 'invited' && contract.role === 'client');
  if (mayEnd) {
    const end = h('button', { type: 'button', class: 'danger' }, status.state === 'invited' ? 'Withdraw the offer' : 'End contract');
    const yes = h('button', { type: 'button', class: 'danger' }, 'End it for good');
    const no = h('button', { type: 'button' }, 'Keep it');
    const consequence =
      status.state === 'invited'
        ? 'The invitation stops working.'
        : `Tracking stops at once and cannot start again. The diary stays readable to both of you; its screenshots are deleted ${days(contract.terms.keepScreenshotsAfterEndDays)} after the end, its time and activity are kept.`;
    question.append(h('p', { id: 'end-question', class: 'warning' }, `End this contract? ${consequence}`), yes, no);
    end.addEventListener('click', () => {
      question.hidden = false;
      end.disabled = true;
      no.focus();
    });
    no.addEventListener('click', () => {
      question.hidden = true;
      end.disabled = false;
      end.focus();
    });
    yes.addEventListener('click', () => change('ended', yes));
    actions.append(end);
  }
  if (actions.childElementCount > 0) panel.append(actions, question);

  if (contract.screenshotsPurgedAt) {
    panel.append(
      h('p', { class: 'purge-date' }, `Screenshots of this contract are deleted on ${dateLong(contract.screenshotsPurgedAt)}; its time and activity stay.`),
    );
  }
  panel.append(
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Hourly rate'),
      h('dd', {}, rateWords(contract.terms.hourlyRate)),
      h('dt', {}, 'Weekly limit'),
      h('dd', {}, contract.terms.weeklyLimitHours === null ? 'none' : `${contract.terms.weeklyLimitHours} hours`),
      h('dt', {}, 'Weeks counted in'),
      h('dd', {}, contract.terms.timeZone),
      h('dt', {}, 'After the end'),
      h('dd', {}, `screenshots kept ${days(contract.terms.keepScreenshotsAfterEndDays)}`),
      ...approvalFacts(contract),
    ),
  );
  if (contract.role === 'client') panel.append(keepAfterEndForm(ctx, contract), approvalSettingsForm(ctx, contract));
  if (contract.role === 'client' && status.state === 'invited') panel.append(invitationPart(ctx, contract));
  panel.append(
    h('h3', { id: 'state-history-title' }, 'History'),
    h('ul', { class: 'state-history', 'aria-labelledby': 'state-history-title' }, ...stateHistoryWords(history).map((line) => h('li', {}, line))),
  );
  return panel;
}

/** The client's "keep screenshots N days after the end", changeable before and after the end. */
function keepAfterEndForm(ctx: ViewContext, contract: ContractSummary): HTMLElement {
  const input = h('input', { id: 'keep-days', type: 'number', min: 0, max: 3650, required: true, value: contract.terms.keepScreenshotsAfterEndDays });
  const save = h('button', { type: 'submit' }, 'Save');
  const form = h('form', { class: 'keep-after-end policy-actions' }, h('div', { class: 'field' }, h('label', { for: 'keep-days' }, 'Keep screenshots after the end (days)'), input), save);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    save.disabled = true;
    ctx.api
      .updateContract(contract.id, { keepScreenshotsAfterEndDays: Number(input.value) })
      .then((next) => {
        ctx.say(next.screenshotsPurgedAt ? `Screenshots are now deleted on ${dateLong(next.screenshotsPurgedAt)}.` : `Screenshots will be kept ${days(Number(input.value))} after the end.`);
        ctx.refresh();
      })
      .catch((e: unknown) => {
        save.disabled = false;
        ctx.say(`Not saved: ${(e as Error).message}`);
      });
  });
  return form;
}

/** While the contract waits: the invitation's state, a new link, withdrawing it, or inviting someone else. */
function invitationPart(ctx: ViewContext, contract: ContractSummary): HTMLElement {
  const invitation = contract.invitation;
  const part = h('div', { class: 'invitation-admin' }, h('h3', {}, 'Invitation'));
  const shown = h('div', {});
  if (invitation) {
    const words = { pending: 'waiting for an answer', accepted: 'accepted', declined: 'declined', revoked: 'withdrawn', expired: 'expired' }[invitation.state];
    part.append(h('p', { class: 'invitation-state' }, `${invitation.email}: ${words} (link valid until ${dateLong(invitation.expiresAt)})`));
  }
  const email = h('input', { id: 'invite-email', type: 'email', required: true, value: invitation?.email ?? '' });
  const send = h('button', { type: 'submit' }, 'Make a new link');
  const form = h('form', { class: 'invite-again' }, h('label', { for: 'invite-email' }, 'Invite (a new link; the old one stops working)'), email, send);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    send.disabled = true;
    ctx.api
      .invite(contract.id, email.value.trim())
      .then((made) => shown.replaceChildren(invitationLinkPanel(ctx, made)))
      .catch((e: unknown) => ctx.say(`No invitation was made: ${(e as Error).message}`))
      .finally(() => (send.disabled = false));
  });
  part.append(form);
  if (invitation?.state === 'pending') {
    const withdraw = h('button', { type: 'button' }, 'Withdraw this invitation');
    withdraw.addEventListener('click', () => {
      withdraw.disabled = true;
      ctx.api
        .revokeInvitation(contract.id, invitation.id)
        .then(() => ctx.refresh())
        .catch((e: unknown) => {
          withdraw.disabled = false;
          ctx.say(`The invitation was not withdrawn: ${(e as Error).message}`);
        });
    });
    part.append(withdraw);
  }
  part.append(shown);
  return part;
}
