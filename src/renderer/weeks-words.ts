import type { WeeksView } from '../shared/ipc/contract.js';
import type { WeekReview } from '../shared/protocol/api/weeks.js';
import { shiftDateKey } from '../shared/time/zoned-weeks.js';
import { clockTime, elapsed } from './words.js';

/** What the Weeks view says, as pure functions. Calendar dates are the contract's; moments are this computer's time. */

const dayParts = (timeZone?: string) =>
  new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', ...(timeZone ? { timeZone } : {}) });
const calendarDay = dayParts('UTC');
const localDay = dayParts();

/** "Mon 30 Nov 2026", built from its parts: engines differ on the comma after the weekday. */
function dayWords(format: Intl.DateTimeFormat, at: Date): string {
  const part = (type: Intl.DateTimeFormatPartTypes) => format.formatToParts(at).find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('day')} ${part('month')} ${part('year')}`;
}

/** "Mon 30 Nov 2026": a calendar date ("YYYY-MM-DD") as it is, whatever this computer's zone. */
export function calendarDayWords(date: string): string {
  const at = new Date(`${date}T00:00:00Z`);
  return Number.isNaN(at.getTime()) ? date : dayWords(calendarDay, at);
}

/** "Sun 6 Dec 2026, 14:05": a moment in this computer's time. */
export function momentWithDateWords(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? '—' : `${dayWords(localDay, at)}, ${clockTime(iso)}`;
}

/** "Week of Mon 30 Nov 2026 to Sun 6 Dec 2026 (Europe/Berlin)". */
export function weekRangeWords(view: WeeksView): string {
  const zone = view.review ? ` (${view.review.timeZone})` : '';
  return `Week of ${calendarDayWords(view.week)} to ${calendarDayWords(shiftDateKey(view.week, 6))}${zone}`;
}

/** The week's state as the server says it, with who approved and when, or when the server will. */
export function weekStateWords(review: WeekReview): string {
  const auto = momentWithDateWords(review.autoApprovesAt);
  switch (review.state) {
    case 'open':
      return `Open: the week is running. Unless the client approves it first, the server approves it on ${auto}.`;
    case 'in_review':
      return `In review by the client. Unless the client approves it first, the server approves it on ${auto}.`;
    case 'approved': {
      const at = review.approval ? momentWithDateWords(review.approval.at) : auto;
      return review.approval?.by === 'client' ? `Approved by the client on ${at}.` : `Approved automatically by the server on ${at}.`;
    }
  }
}

/** Tracked, billable and removed time of the week, the server's figures. */
export function weekTotalsWords(review: WeekReview): { tracked: string; billable: string; removed: string } {
  const { trackedSeconds, billableSeconds, removedSeconds } = review.totals;
  return { tracked: elapsed(trackedSeconds * 1000), billable: elapsed(billableSeconds * 1000), removed: elapsed(removedSeconds * 1000) };
}

/** Segments that reached the server after the week's approval; null when none did. */
export function lateWords(review: WeekReview): string | null {
  const { late } = review;
  if (late.segments === 0) return null;
  const what = `${late.segments} ${late.segments === 1 ? 'segment' : 'segments'} arrived after the approval: ${elapsed(late.totals.trackedSeconds * 1000)} tracked, ${elapsed(late.totals.billableSeconds * 1000)} billable`;
  if (late.approval) {
    const by = late.approval.by === 'client' ? 'by the client' : 'automatically by the server';
    return `${what}, approved ${by} on ${momentWithDateWords(late.approval.at)}.`;
  }
  // Late time has a date of its own (autoApproveDays after it arrived), shown in advance as the week's is.
  const date = late.autoApprovesAt ? ` (the server approves it on ${momentWithDateWords(late.autoApprovesAt)} unless the client does first)` : '';
  return `${what}, waiting for the client's approval${date}.`;
}

/** What approval does to the week's screenshots, said in advance. */
export function screenshotsOnApprovalWords(review: WeekReview): string {
  const { stored, deleteOnApproval, deletedAtLatest } = review.screenshots;
  const count = `${stored} ${stored === 1 ? 'screenshot' : 'screenshots'}`;
  if (!deleteOnApproval) return `Screenshots are kept after approval (${count} of this week stored; the contract's retention applies).`;
  if (review.state === 'approved') return `Screenshots of this week are deleted on approval (${count} still stored, kept as evidence of open disputes).`;
  const latest = deletedAtLatest ? `, at the latest on ${momentWithDateWords(deletedAtLatest)}` : '';
  return `The ${count} of this week will be deleted when the week is approved${latest}. The time stays billed.`;
}

/** Whether the figures are fresh, and when they were fetched when they are not. */
export function freshnessWords(view: WeeksView): string | null {
  if (view.unavailable === null) return null;
  const shown = view.fetchedAt ? `Shown as fetched on ${momentWithDateWords(view.fetchedAt)}.` : 'Nothing of this week was fetched before.';
  return `The weeks cannot be fetched now: ${view.unavailable}. ${shown}`;
}
