import type { ViewContext } from '../context.js';
import { h } from '../dom.js';
import { modeLabel } from '../format.js';
import { dateIn, inWeekOf } from '../week.js';
import { contractStatePanel } from './contract-state.js';
import { policyPanel } from './policy.js';
import { privateWindowsPanel } from './private-windows.js';
import { weekPanel } from './week-review.js';

const DIARY_REFRESH_MS = 60_000;

/** One contract: its policy (control and history) and the work diary of one week (the one holding `week`, a date; else this week). */
export async function contractView(ctx: ViewContext, contractId: string, week: string | undefined): Promise<HTMLElement> {
  const { contracts } = await ctx.api.contracts();
  const contract = contracts.find((c) => c.id === contractId);
  if (!contract) {
    return h('section', {}, h('h1', {}, 'Contract not found'), h('p', {}, h('a', { href: '#/' }, 'Back to your contracts')));
  }
  // The server says where the week starts and ends (in the contract's zone); the diary is read over exactly that.
  const today = dateIn(new Date(), contract.terms.timeZone);
  const review = await ctx.api.week(contract.id, week ?? today);
  const diary = await ctx.api.diary(contract.id, new Date(review.from), new Date(review.to));
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
  if (inWeekOf(review.week, today)) {
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
    weekPanel(ctx, contract, review, diary),
  );
}
