import { describe, expect, it } from 'vitest';
import type { DiarySegment, PolicyVersion } from '../../../src/shared/protocol/api/index.js';
import { hiddenWindowsWords, hours, mainApp, missingScreenshotReason, policyHistoryWords, privateRuleWords, purgeWords, weekStateWords } from '../../src/dashboard/client/format.js';
import { dateIn, inWeekOf, parseDateKey, shiftDate } from '../../src/dashboard/client/week.js';

/** The dashboard's words and week arithmetic: pure functions, no browser needed. */
const DAY = 86_400_000;
const version = (v: number, screenshots: PolicyVersion['screenshots'], retentionDays: number, at: string): PolicyVersion => ({
  version: v,
  screenshots,
  retentionDays,
  segmentSeconds: 600,
  effectiveFrom: at,
  privateWindows: [],
});
const HISTORY = [
  version(1, 'on', 30, '2026-11-02T12:00:00.000Z'),
  version(2, 'off', 30, '2026-11-03T12:05:00.000Z'),
  version(3, 'off', 7, '2026-11-04T12:00:00.000Z'),
  version(4, 'blurred', 7, '2026-11-05T12:00:00.000Z'),
];
const segment = (overrides: Partial<DiarySegment>): DiarySegment => ({
  id: '01KAAAAAAAAAAAAAAAAAAAAAAA',
  startedAt: '2026-11-02T10:00:00.000Z',
  lengthSeconds: 600,
  trackedSeconds: 600,
  idleSeconds: 0,
  activeMinutes: 10,
  minutes: [],
  apps: [],
  memo: null,
  policyVersion: 1,
  billable: true,
  screenshot: null,
  screenshotRemoved: null,
  screenshotSkipped: null,
  dispute: null,
  arrivedAfterApproval: false,
  latePartOf: null,
  ...overrides,
});

describe('dashboard words', () => {
  it('tells the policy history newest first, one line per change, each the client’s', () => {
    const lines = policyHistoryWords(HISTORY);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^Screenshots set to blurred by the client on 5 Nov \d\d:\d\d$/);
    expect(lines[1]).toMatch(/^Retention changed from 30 days to 7 days by the client on 4 Nov \d\d:\d\d$/);
    expect(lines[2]).toMatch(/^Screenshots turned off \(time only\) by the client on 3 Nov \d\d:\d\d$/);
    expect(lines[3]).toMatch(/^Contract started with screenshots on, screenshots kept 30 days, on 2 Nov \d\d:\d\d$/);
  });

  it('says why a segment has no screenshot', () => {
    expect(missingScreenshotReason(segment({ policyVersion: 2 }), HISTORY, 'client')).toBe('Time only');
    expect(missingScreenshotReason(segment({ policyVersion: 1 }), HISTORY, 'client')).toBe('No screenshot in this segment');
    // No version recorded: the policy in force when the segment started decides; none known is time only.
    expect(missingScreenshotReason(segment({ policyVersion: null, startedAt: '2026-11-03T15:00:00.000Z' }), HISTORY, 'client')).toBe('Time only');
    expect(missingScreenshotReason(segment({ policyVersion: null, startedAt: '2026-11-01T15:00:00.000Z' }), HISTORY, 'client')).toBe('Time only');
    // Who removed it, in the reader's words: "you" or the other party.
    const byClient = segment({ screenshotRemoved: { by: 'client', at: '2026-11-06T12:30:00.000Z' } });
    expect(missingScreenshotReason(byClient, HISTORY, 'client')).toMatch(/^Removed by you on 6 Nov \d\d:\d\d$/);
    expect(missingScreenshotReason(byClient, HISTORY, 'freelancer')).toMatch(/^Removed by the client on 6 Nov \d\d:\d\d$/);
    const byFreelancer = segment({ screenshotRemoved: { by: 'freelancer', at: '2026-11-02T10:30:00.000Z' } });
    expect(missingScreenshotReason(byFreelancer, HISTORY, 'client')).toBe('Removed by the freelancer');
    expect(missingScreenshotReason(byFreelancer, HISTORY, 'freelancer')).toBe('Removed by you');
    expect(missingScreenshotReason(segment({ screenshotRemoved: { by: 'approval', at: '2026-11-10T12:00:00.000Z' } }), HISTORY, 'client')).toMatch(
      /^Removed on approval on 10 Nov \d\d:\d\d$/,
    );
    // The retention in force when the purge ran, not today's.
    expect(missingScreenshotReason(segment({ screenshotRemoved: { by: 'retention', at: '2026-11-03T13:00:00.000Z' } }), HISTORY, 'client')).toBe('Purged after 30 days');
    expect(missingScreenshotReason(segment({ screenshotRemoved: { by: 'retention', at: '2026-11-04T13:00:00.000Z' } }), HISTORY, 'client')).toBe('Purged after 7 days');
  });

  it('formats hours, the main application and the purge date', () => {
    expect(hours(0)).toBe('0:00 h');
    expect(hours(54 * 60)).toBe('0:54 h');
    expect(hours(3900)).toBe('1:05 h');
    expect(hours(40 * 3600 + 29)).toBe('40:00 h');
    expect(mainApp(segment({ apps: [{ app: 'Slack', title: 'x', seconds: 100 }, { app: 'Code', title: 'y', seconds: 400 }] }))).toBe('Code');
    expect(mainApp(segment({ apps: [] }))).toBeUndefined();
    const now = Date.parse('2026-11-02T10:00:00.000Z');
    expect(purgeWords(new Date(now + 30 * DAY - 60_000).toISOString(), now)).toMatch(/^Purged in 30 days \(\d{1,2} Dec 2026\)$/);
    expect(purgeWords(new Date(now + DAY).toISOString(), now)).toMatch(/^Purged in 1 day \(/);
    expect(purgeWords(new Date(now - 1000).toISOString(), now)).toMatch(/^Purged today \(/);
  });
});

describe('dashboard weeks', () => {
  it('steps by calendar days, across month, year and DST changes alike', () => {
    expect(shiftDate('2026-11-23', 7)).toBe('2026-11-30');
    expect(shiftDate('2026-11-30', 7)).toBe('2026-12-07');
    expect(shiftDate('2027-01-04', -7)).toBe('2026-12-28');
    expect(shiftDate('2026-03-23', 7)).toBe('2026-03-30'); // Europe's spring change lies between: still seven days
    expect(shiftDate('2028-02-28', 1)).toBe('2028-02-29');
    expect(inWeekOf('2026-11-23', '2026-11-29')).toBe(true);
    expect(inWeekOf('2026-11-23', '2026-11-30')).toBe(false);
    expect(inWeekOf('2026-11-23', '2026-11-22')).toBe(false);
  });

  it("reads an instant's date in the contract's zone, not the viewer's", () => {
    // Sunday 23:30 UTC is Monday 00:30 in Berlin and still Sunday afternoon in Los Angeles.
    expect(dateIn('2026-01-11T23:30:00Z', 'Europe/Berlin')).toBe('2026-01-12');
    expect(dateIn('2026-01-11T23:30:00Z', 'UTC')).toBe('2026-01-11');
    expect(dateIn('2026-01-11T23:30:00Z', 'America/Los_Angeles')).toBe('2026-01-11');
    expect(dateIn('2026-01-11T07:30:00Z', 'America/Los_Angeles')).toBe('2026-01-10');
  });

  it('takes only real dates from the address', () => {
    expect(parseDateKey('2026-11-23')).toBe('2026-11-23');
    expect(parseDateKey('2026-02-30')).toBeUndefined();
    expect(parseDateKey('23/11/2026')).toBeUndefined();
    expect(parseDateKey(null)).toBeUndefined();
  });

  it("says where a week stands, with its automatic approval in the contract's zone", () => {
    const week = { timeZone: 'Europe/Berlin', autoApprovesAt: '2026-01-16T23:00:00.000Z', approval: null };
    expect(weekStateWords({ ...week, state: 'in_review' }, 'client')).toBe(
      'In review: approves automatically on Saturday 17 Jan 2026, 00:00 (Europe/Berlin) unless you approve it first.',
    );
    expect(weekStateWords({ ...week, state: 'open' }, 'freelancer')).toMatch(/^Open: the week is running\. It approves automatically on Saturday 17 Jan 2026, 00:00 \(Europe\/Berlin\) unless the client approves it first\.$/);
    const byClient = { ...week, state: 'approved' as const, approval: { at: '2026-01-12T08:00:00.000Z', by: 'client' as const } };
    expect(weekStateWords(byClient, 'client')).toBe('Approved by you on Monday 12 Jan 2026, 09:00 (Europe/Berlin).');
    expect(weekStateWords(byClient, 'freelancer')).toBe('Approved by the client on Monday 12 Jan 2026, 09:00 (Europe/Berlin).');
    expect(weekStateWords({ ...byClient, approval: { at: week.autoApprovesAt, by: 'server' } }, 'freelancer')).toBe('Approved automatically on Saturday 17 Jan 2026, 00:00 (Europe/Berlin).');
  });
});

describe('dashboard words for private windows', () => {
  it('says a screenshot was skipped for privacy before anything the policy would say, and a removal before that', () => {
    expect(missingScreenshotReason(segment({ policyVersion: 1, screenshotSkipped: 'private-window' }), HISTORY, 'client')).toBe('Skipped for privacy: a private window was in front');
    expect(missingScreenshotReason(segment({ policyVersion: 2, screenshotSkipped: 'private-list-unreadable' }), HISTORY, 'client')).toBe(
      'Skipped for privacy: the private-window list could not be read',
    );
    expect(missingScreenshotReason(segment({ screenshotSkipped: 'private-window', screenshotRemoved: { by: 'freelancer', at: '2026-11-03T12:00:00.000Z' } }), HISTORY, 'client')).toBe(
      'Removed by the freelancer',
    );
  });

  it('counts hidden windows, names rules, and tells list changes in the history', () => {
    expect(hiddenWindowsWords(0)).toBeNull();
    expect(hiddenWindowsWords(1)).toBe('1 private window hidden');
    expect(hiddenWindowsWords(2)).toBe('2 private windows hidden');
    expect(privateRuleWords({ kind: 'app', pattern: 'Epic Hyperspace' })).toBe('Application “Epic Hyperspace”');
    const rules = [{ kind: 'title' as const, pattern: '*Patient*' }];
    const history = [
      { ...version(1, 'on', 30, '2026-11-02T12:00:00.000Z') },
      { ...version(2, 'on', 30, '2026-11-03T12:00:00.000Z'), privateWindows: rules },
      { ...version(3, 'off', 30, '2026-11-04T12:00:00.000Z'), privateWindows: rules },
      { ...version(4, 'off', 30, '2026-11-05T12:00:00.000Z'), privateWindows: [] },
    ];
    const lines = policyHistoryWords(history);
    expect(lines[0]).toMatch(/^Private windows cleared by the client on /);
    expect(lines[1]).toMatch(/^Screenshots turned off \(time only\)/);
    expect(lines[2]).toMatch(/^Private windows set to 1 rule by the client on /);
    expect(lines).toHaveLength(4);
  });
});
