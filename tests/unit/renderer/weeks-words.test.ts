import { describe, expect, it } from 'vitest';
import {
  calendarDayWords,
  freshnessWords,
  lateWords,
  screenshotsOnApprovalWords,
  weekRangeWords,
  weekStateWords,
  weekTotalsWords,
} from '../../../src/renderer/weeks-words.js';
import { shiftDateKey } from '../../../src/shared/time/zoned-weeks.js';
import type { WeeksView } from '../../../src/shared/ipc/index.js';
import type { WeekReview } from '../../../src/shared/protocol/api/index.js';

const zero = { trackedSeconds: 0, billableSeconds: 0, idleSeconds: 0, removedSeconds: 0 };
const local = (y: number, m: number, d: number, h: number, min: number) => new Date(y, m - 1, d, h, min).toISOString();

function review(over: Partial<WeekReview> = {}): WeekReview {
  return {
    contractId: 'C1',
    week: '2026-11-30',
    timeZone: 'Europe/Berlin',
    from: '2026-11-29T23:00:00.000Z',
    to: '2026-12-06T23:00:00.000Z',
    state: 'in_review',
    autoApprovesAt: local(2026, 12, 12, 0, 0),
    approval: null,
    days: Array.from({ length: 7 }, (_, i) => ({ date: shiftDateKey('2026-11-30', i), totals: zero })),
    totals: { trackedSeconds: 3 * 3600 + 300, billableSeconds: 3 * 3600, idleSeconds: 0, removedSeconds: 300 },
    screenshots: { stored: 4, deleteOnApproval: true, deletedAtLatest: local(2026, 12, 12, 0, 0) },
    disputed: { totals: zero, segments: 0 },
    disputes: [],
    withdrawn: [],
    late: { totals: zero, segments: 0, approval: null, autoApprovesAt: null },
    ...over,
  };
}

/** The Weeks view's words are pure functions: the server's review in sentences, checked without a browser. */
describe('Weeks view words', () => {
  it('names the week by its calendar dates and zone, and pages by whole weeks', () => {
    expect(calendarDayWords('2026-11-30')).toBe('Mon 30 Nov 2026');
    expect(shiftDateKey('2026-11-30', -7)).toBe('2026-11-23');
    expect(shiftDateKey('2026-12-28', 7)).toBe('2027-01-04');
    const view: WeeksView = { contractId: 'C1', week: '2026-11-30', review: review(), fetchedAt: null, unavailable: null, current: false };
    expect(weekRangeWords(view)).toBe('Week of Mon 30 Nov 2026 to Sun 6 Dec 2026 (Europe/Berlin)');
  });

  it("says the state, who approved and when, or the server's date in advance", () => {
    expect(weekStateWords(review())).toBe('In review by the client. Unless the client approves it first, the server approves it on Sat 12 Dec 2026, 00:00.');
    expect(weekStateWords(review({ state: 'open' }))).toMatch(/^Open: the week is running\. .* on Sat 12 Dec 2026, 00:00\.$/);
    const at = local(2026, 12, 8, 9, 30);
    expect(weekStateWords(review({ state: 'approved', approval: { at, by: 'client' } }))).toBe('Approved by the client on Tue 8 Dec 2026, 09:30.');
    expect(weekStateWords(review({ state: 'approved', approval: { at, by: 'server' } }))).toBe('Approved automatically by the server on Tue 8 Dec 2026, 09:30.');
  });

  it("gives the server's totals, late time, and what approval does to the screenshots", () => {
    expect(weekTotalsWords(review())).toEqual({ tracked: '3 h 05 min', billable: '3 h 00 min', removed: '5 min' });
    expect(lateWords(review())).toBeNull();
    const late = { totals: { ...zero, trackedSeconds: 600, billableSeconds: 600 }, segments: 1, approval: null, autoApprovesAt: null };
    expect(lateWords(review({ late }))).toBe("1 segment arrived after the approval: 10 min tracked, 10 min billable, waiting for the client's approval.");
    expect(lateWords(review({ late: { ...late, autoApprovesAt: local(2026, 12, 16, 0, 0) } }))).toBe(
      "1 segment arrived after the approval: 10 min tracked, 10 min billable, waiting for the client's approval (the server approves it on Wed 16 Dec 2026, 00:00 unless the client does first).",
    );
    expect(lateWords(review({ late: { ...late, approval: { at: local(2026, 12, 16, 0, 0), by: 'server' } } }))).toBe(
      '1 segment arrived after the approval: 10 min tracked, 10 min billable, approved automatically by the server on Wed 16 Dec 2026, 00:00.',
    );
    expect(screenshotsOnApprovalWords(review())).toBe('The 4 screenshots of this week will be deleted when the week is approved, at the latest on Sat 12 Dec 2026, 00:00. The time stays billed.');
    expect(screenshotsOnApprovalWords(review({ screenshots: { stored: 1, deleteOnApproval: false, deletedAtLatest: null } }))).toBe(
      "Screenshots are kept after approval (1 screenshot of this week stored; the contract's retention applies).",
    );
  });

  it('offline, says the weeks cannot be fetched now and when what is shown was fetched', () => {
    const base: WeeksView = { contractId: 'C1', week: '2026-11-30', review: review(), fetchedAt: local(2026, 12, 6, 14, 5), unavailable: 'the server cannot be reached now', current: true };
    expect(freshnessWords(base)).toBe('The weeks cannot be fetched now: the server cannot be reached now. Shown as fetched on Sun 6 Dec 2026, 14:05.');
    expect(freshnessWords({ ...base, review: null, fetchedAt: null })).toBe('The weeks cannot be fetched now: the server cannot be reached now. Nothing of this week was fetched before.');
    expect(freshnessWords({ ...base, unavailable: null })).toBeNull();
  });
});
