import type { ContractSummary } from '../../../../../src/shared/protocol/api/index.js';
import type { ViewContext } from '../context.js';
import { h } from '../dom.js';
import { days, hours, modeLabel, stateLine } from '../format.js';
import { newContractPanel } from './new-contract.js';
import { dateIn } from '../week.js';

/** The signed-in user's contracts, each with this week's tracked and billable hours (the server's, in the contract's zone) and its policy. */
export async function contractsView(ctx: ViewContext): Promise<HTMLElement> {
  const { contracts } = await ctx.api.contracts();
  const rows = await Promise.all(
    contracts.map(async (contract) => ({ contract, totals: (await ctx.api.week(contract.id, dateIn(new Date(), contract.terms.timeZone))).totals })),
  );
  const section = h('section', { 'aria-labelledby': 'contracts-title' }, h('h1', { id: 'contracts-title' }, 'Contracts'), newContractPanel(ctx));
  if (rows.length === 0) {
    section.append(h('p', { class: 'muted' }, 'You are not a party to any contract yet: create one above, or open the invitation link you were sent.'));
    return section;
  }
  const list = h('ul', { class: 'contracts' });
  for (const { contract, totals } of rows) list.append(contractCard(contract, totals));
  section.append(list);
  return section;
}

function contractCard(contract: ContractSummary, totals: { trackedSeconds: number; billableSeconds: number }): HTMLElement {
  const otherParty = contract.role === 'client' ? `Freelancer: ${contract.freelancer?.email ?? 'none yet'}` : `Client: ${contract.client.email}`;
  const waitingFor = contract.invitation?.state === 'pending' ? contract.invitation.email : null;
  return h(
    'li',
    { class: 'panel contract', 'data-contract-id': contract.id },
    h('h2', {}, h('a', { href: `#/contracts/${contract.id}` }, contract.name)),
    h('p', { class: 'muted' }, otherParty),
    h('p', { class: `state-now state-${contract.policy.contract.state}` }, stateLine(contract.policy.contract, waitingFor)),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'This week'),
      h('dd', { class: 'week-tracked' }, `${hours(totals.trackedSeconds)} tracked`),
      h('dt', {}, 'Billable'),
      h('dd', { class: 'week-billable' }, hours(totals.billableSeconds)),
      h('dt', {}, 'Policy'),
      h('dd', { class: 'policy-mode' }, `${modeLabel(contract.policy.screenshots)}, kept ${days(contract.policy.retentionDays)}`),
    ),
  );
}
