import type { ContractSummary, Diary, WeekReview } from '../../../../../src/shared/protocol/api/index.js';
import type { ViewContext } from '../context.js';
import { h } from '../dom.js';
import { dateWords, dayHeading, hours, momentIn, weekStateWords } from '../format.js';
import { dateIn, shiftDate } from '../week.js';
import { bulkDeletionButton, countContractScreenshots, screenshotsWords, storedIn } from './bulk-deletion.js';
import { diaryDays, totalsLine } from './diary.js';
import { disputeActions } from './dispute.js';
import { ask } from './question.js';
import { timesheetLinks } from './timesheet.js';

type Totals = WeekReview['totals'];

/**
 * One week of the contract: the days and totals as the server counts them (Monday to Sunday in the contract's
 * zone), where the week stands and when it approves itself, the client's Approve, and each day's segments with
 * their screenshots.
 */
export function weekPanel(ctx: ViewContext, contract: ContractSummary, review: WeekReview, diary: Diary): HTMLElement {
  const weekLink = (date: string | null, label: string) =>
    h('a', { href: `#/contracts/${contract.id}${date ? `?week=${date}` : ''}`, class: 'button-link' }, label);
  return h(
    'section',
    { class: 'panel diary', id: 'diary', 'aria-labelledby': 'diary-title', 'data-week': review.week },
    h('h2', { id: 'diary-title' }, `Work diary, week of ${dateWords(review.week)}`),
    h(
      'nav',
      { class: 'week-nav', 'aria-label': 'Weeks' },
      weekLink(shiftDate(review.week, -7), '← Previous week'),
      weekLink(null, 'This week'),
      weekLink(shiftDate(review.week, 7), 'Next week →'),
    ),
    h('p', { class: 'muted week-zone' }, `Monday to Sunday in ${review.timeZone}, the contract’s time zone.`),
    approvalPart(ctx, contract, review),
    deletionNotice(contract, review),
    daysTable(review),
    totalsLine(review.totals, 'week-totals'),
    timesheetLinks(ctx, contract, review),
    contract.role === 'freelancer'
      ? h('p', { class: 'muted' }, 'Deleting one of your screenshots also removes that segment’s time from the billable hours.')
      : null,
    contract.role === 'client' ? bulkDeletionPart(ctx, contract, review, diary) : null,
    disputedLine(contract, review),
    diaryDays(ctx, diary, review, contract.role, {
      day: (day, segments) =>
        contract.role === 'client' && storedIn({ segments }) > 0
          ? bulkDeletionButton(ctx, contract, {
              label: 'Delete this day’s screenshots',
              accessibleName: `Delete this day’s screenshots, ${dayHeading(day.date)}`,
              range: { scope: 'day', date: day.date },
              what: dayHeading(day.date),
              count: async () => storedIn({ segments }),
            })
          : null,
      segment: (segment, range) => disputeActions(ctx, contract, segment, review.state === 'approved', range),
    }),
  );
}

/** The week's disputed segments, which its approval leaves out until the client withdraws each dispute. */
function disputedLine(contract: ContractSummary, review: WeekReview): HTMLElement | null {
  const { segments, totals } = review.disputed;
  if (segments === 0) return null;
  const who = contract.role === 'client' ? 'You dispute' : 'The client disputes';
  const approval = review.state === 'approved' ? 'they are not approved with the week' : 'approving the week approves everything else';
  return h('p', { class: 'disputed-time' }, `${who} ${segments} segment${segments === 1 ? '' : 's'} (${hours(totals.trackedSeconds)}): ${approval}, until each dispute is withdrawn.`);
}

/** The client's deletions of more than a day: this week's screenshots, and every one of the contract. */
function bulkDeletionPart(ctx: ViewContext, contract: ContractSummary, review: WeekReview, diary: Diary): HTMLElement {
  const part = h('div', { class: 'bulk-actions' });
  if (review.screenshots.stored > 0) {
    part.append(
      bulkDeletionButton(ctx, contract, {
        label: 'Delete this week’s screenshots',
        range: { scope: 'week', date: review.week },
        what: `the week of ${dateWords(review.week)}`,
        count: async () => review.screenshots.stored,
      }),
    );
  }
  const since = diary.policyHistory[0]?.effectiveFrom; // no screenshot can be older than the first policy
  if (since) {
    part.append(
      bulkDeletionButton(ctx, contract, {
        label: 'Delete the whole contract’s screenshots',
        range: { scope: 'contract' },
        what: 'this contract',
        count: () => countContractScreenshots(ctx, contract.id, new Date(since), new Date()),
      }),
    );
  }
  return part;
}

/** The week's state in words, and for the client of a week that has ended and waits, Approve (asked once). */
function approvalPart(ctx: ViewContext, contract: ContractSummary, review: WeekReview): HTMLElement {
  const part = h('div', { class: `week-approval week-${review.state}` }, h('p', { class: 'week-state' }, weekStateWords(review, contract.role)));
  if (contract.role !== 'client' || review.state !== 'in_review') return part;
  const approve = h('button', { type: 'button', class: 'primary' }, 'Approve this week');
  approve.addEventListener('click', () =>
    ask({
      id: 'approve-week',
      title: `Approve the week of ${dateWords(review.week)}?`,
      text:
        `You approve ${hours(review.totals.billableSeconds)} billable of ${hours(review.totals.trackedSeconds)} tracked. ` +
        'Once approved the week is locked: the freelancer can no longer delete its screenshots or shrink its time. ' +
        `Otherwise it approves automatically on ${momentIn(review.autoApprovesAt, review.timeZone)}.` +
        (review.screenshots.deleteOnApproval && review.screenshots.stored > 0
          ? ` Approving deletes its ${screenshotsWords(review.screenshots.stored)} for good; the time stays billable.`
          : ''),
      yes: 'Approve',
      no: 'Not yet',
      onConfirm: () =>
        ctx.api.approveWeek(contract.id, review.week).then(
          (approved) => {
            ctx.say(weekStateWords(approved, 'client'));
            ctx.refresh();
          },
          (e: unknown) => ctx.say(`The week was not approved: ${(e as Error).message}`),
        ),
    }),
  );
  part.append(approve);
  return part;
}

/** Said in advance on a week whose approval will delete its screenshots: when, at the latest. */
function deletionNotice(contract: ContractSummary, review: WeekReview): HTMLElement | null {
  const { stored, deleteOnApproval, deletedAtLatest } = review.screenshots;
  if (!deleteOnApproval || stored === 0 || review.state === 'approved' || !deletedAtLatest) return null;
  const who = contract.role === 'client' ? 'you approve it' : 'the client approves it';
  return h(
    'p',
    { class: 'deletion-notice' },
    `Screenshots of this week (${screenshotsWords(stored)}) will be deleted when ${who}, at the latest on ${momentIn(deletedAtLatest, review.timeZone)}. The time stays billable.`,
  );
}

/** Seven rows, Monday first, and the week's total: tracked, billable, idle and removed, as the server summed them. */
function daysTable(review: WeekReview): HTMLElement {
  const today = dateIn(new Date(), review.timeZone);
  const cells = (t: Totals) => [t.trackedSeconds, t.billableSeconds, t.idleSeconds, t.removedSeconds].map((s) => h('td', {}, hours(s)));
  return h(
    'table',
    { class: 'week-days' },
    h('caption', { class: 'muted' }, 'Removed: time of segments whose screenshot the freelancer deleted, no longer billable.'),
    h(
      'thead',
      {},
      h('tr', {}, h('th', { scope: 'col' }, 'Day'), h('th', { scope: 'col' }, 'Tracked'), h('th', { scope: 'col' }, 'Billable'), h('th', { scope: 'col' }, 'Idle'), h('th', { scope: 'col' }, 'Removed')),
    ),
    h(
      'tbody',
      {},
      ...review.days.map((day) =>
        h('tr', { 'data-date': day.date, class: day.date === today ? 'today' : null }, h('th', { scope: 'row' }, dayHeading(day.date)), ...cells(day.totals)),
      ),
    ),
    h('tfoot', {}, h('tr', { class: 'week-total' }, h('th', { scope: 'row' }, 'Week'), ...cells(review.totals))),
  );
}
