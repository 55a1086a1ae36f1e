import type { ViewContext } from '../context.js';
import { h } from '../dom.js';
import { dateLong, modeLabel } from '../format.js';
import { addDays, dateKey, startOfWeek } from '../week.js';
import { diaryDays, totalsLine } from './diary.js';
import { contractStatePanel } from './contract-state.js';
import { policyPanel } from './policy.js';
import { privateWindowsPanel } from './private-windows.js';

const DIARY_REFRESH_MS = 60_000;

/** One contract: its policy (control and history) and the work diary of one week. */
export async function contractView(ctx: ViewContext, contractId: string, week: Date | undefined): Promise<HTMLElement> {
  const { contracts } = await ctx.api.contracts();
  const contract = contracts.find((c) => c.id === contractId);
  if (!contract) {
    return h('section', {}, h('h1', {}, 'Contract not found'), h('p', {}, h('a', { href: '#/' }, 'Back to your contracts')));
  }
  const weekStart = startOfWeek(week ?? new Date());
  const weekEnd = addDays(weekStart, 7);
  const diary = await ctx.api.diary(contract.id, weekStart, weekEnd);
  const weekLink = (start: Date, label: string) => h('a', { href: `#/contracts/${contract.id}?week=${dateKey(start)}`, class: 'button-link' }, label);
  // A policy change made elsewhere (the client in another window, or the freelancer watching) shows
  // at once: the page is drawn again, unless a screenshot is open, which the redraw would close.
  // The stream sends the policy with the contract's state; either counter moving on is a change to show (the page
  // cannot import the shared isNewerPolicy: it runs only what this directory compiles to).
  ctx.onLeave(
    ctx.api.watchPolicy(contract.id, (policy) => {
      if (policy.version <= contract.policy.version && policy.contract.seq <= contract.policy.contract.seq) return;
      if (document.querySelector('dialog[open]')) ctx.say(`The contract changed (${modeLabel(policy.screenshots)}, ${policy.contract.state}); close the screenshot to see it.`);
      else ctx.refresh();
    }),
  );
  // The current week grows while the freelancer works: draw it again now and then, unless the
  // client is looking at a screenshot or editing the policy (a redraw would throw that away).
  if (weekStart.getTime() === startOfWeek(new Date()).getTime()) {
    const timer = window.setInterval(() => {
      if (document.querySelector('dialog[open]') || document.activeElement?.closest('form')) return;
      ctx.refresh();
    }, DIARY_REFRESH_MS);
    ctx.onLeave(() => window.clearInterval(timer));
  }
  const otherParty =
    contract.role === 'client'
      ? `Freelancer: ${contract.freelancer ? `${contract.freelancer.name} (${contract.freelancer.email})` : 'none yet'}`
      : `Client: ${contract.client.name} (${contract.client.email})`;

  return h(
    'div',
    { class: 'contract-page' },
    h('p', {}, h('a', { href: '#/' }, '← All contracts')),
    h('h1', {}, contract.name),
    h('p', { class: 'muted' }, `${otherParty} · segments of ${Math.round(contract.policy.segmentSeconds / 60)} minutes`),
    contractStatePanel(ctx, contract, diary.stateHistory),
    policyPanel(ctx, contract, diary.policyHistory),
    privateWindowsPanel(ctx, contract),
    h(
      'section',
      { class: 'panel diary', id: 'diary', 'aria-labelledby': 'diary-title' },
      h('h2', { id: 'diary-title' }, `Work diary, week of ${dateLong(weekStart)}`),
      h(
        'nav',
        { class: 'week-nav', 'aria-label': 'Weeks' },
        weekLink(addDays(weekStart, -7), '← Previous week'),
        weekLink(startOfWeek(new Date()), 'This week'),
        weekLink(weekEnd, 'Next week →'),
      ),
      totalsLine(diary.totals, 'week-totals'),
      contract.role === 'freelancer'
        ? h('p', { class: 'muted' }, 'Deleting one of your screenshots also removes that segment’s time from the billable hours.')
        : null,
      diaryDays(ctx, diary, weekStart, contract.role),
    ),
  );
}
