import type { PrivateWindowRule } from '../../../../src/shared/privacy/private-windows.js';
import type { DiarySegment, PolicyVersion, WeekReview } from '../../../../src/shared/protocol/api/index.js';
import type { ContractStatus, ScreenshotMode } from '../../../../src/shared/protocol/index.js';

const DAY_MS = 86_400_000;

export type Role = 'client' | 'freelancer';
/**
 * Who removed a screenshot. 'approval' (the contract deletes a week's screenshots when the week is approved) is
 * named here ahead of the protocol, so the placeholder is right the day the server starts to send it.
 */
type RemovalBy = NonNullable<DiarySegment['screenshotRemoved']>['by'] | 'approval';

/** "1 day", "30 days". */
export const days = (n: number): string => `${n} day${n === 1 ? '' : 's'}`;

/** Seconds as hours and minutes: 3900 → "1:05 h". */
export function hours(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')} h`;
}

const dateTime = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hour12: false });
const dateOnly = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
// A date key names a calendar day, not an instant: read at UTC midnight, so no zone moves it to another day.
const dayTitle = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });
const weekTitle = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const zoned = new Map<string, { clock: Intl.DateTimeFormat; moment: Intl.DateTimeFormat }>();

function formatsIn(timeZone: string): { clock: Intl.DateTimeFormat; moment: Intl.DateTimeFormat } {
  let formats = zoned.get(timeZone);
  if (!formats) {
    formats = {
      clock: new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone }),
      moment: new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'short', year: 'numeric', timeZone }),
    };
    zoned.set(timeZone, formats);
  }
  return formats;
}

/** "3 Nov 14:05" in the viewer's time zone. */
export const whenShort = (at: string | Date): string => dateTime.format(new Date(at)).replace(',', '');
export const dateLong = (at: string | Date): string => dateOnly.format(new Date(at));
const utcDate = (key: string): Date => new Date(`${key}T00:00:00Z`);
/** "Monday 23 November" for the date key "2026-11-23". */
export const dayHeading = (key: string): string => dayTitle.format(utcDate(key));
/** "23 November 2026" for the date key "2026-11-23". */
export const dateWords = (key: string): string => weekTitle.format(utcDate(key));
/** "14:05" on the contract's clock (its days and weeks are cut in its zone, so its segments are read on it too). */
export const timeOfDay = (at: string | Date, timeZone: string): string => formatsIn(timeZone).clock.format(new Date(at));
/** "Saturday 17 Jan 2026, 00:00 (Europe/Berlin)": a moment of the contract's calendar, said in its zone. */
export function momentIn(at: string | Date, timeZone: string): string {
  const { moment, clock } = formatsIn(timeZone);
  // ICU versions differ on the comma after the weekday: the page says it one way everywhere.
  return `${moment.format(new Date(at)).replace(/,/g, '')}, ${clock.format(new Date(at))} (${timeZone})`;
}

export function modeLabel(mode: ScreenshotMode): string {
  switch (mode) {
    case 'on':
      return 'Screenshots on';
    case 'blurred':
      return 'Blurred';
    case 'off':
      return 'Time only';
  }
}

function modeWords(mode: ScreenshotMode): string {
  switch (mode) {
    case 'on':
      return 'turned on';
    case 'blurred':
      return 'set to blurred';
    case 'off':
      return 'turned off (time only)';
  }
}

/**
 * The policy history in words, newest first. Only the client can change a policy, so every change
 * after the first version is the client's: "Screenshots turned off (time only) by the client on 3 Nov 14:05".
 */
export function policyHistoryWords(history: readonly PolicyVersion[]): string[] {
  const lines: string[] = [];
  history.forEach((version, index) => {
    const when = whenShort(version.effectiveFrom);
    const previous = history[index - 1];
    if (!previous) {
      lines.push(`Contract started with ${modeLabel(version.screenshots).toLowerCase()}, screenshots kept ${days(version.retentionDays)}, on ${when}`);
      return;
    }
    if (previous.screenshots !== version.screenshots) lines.push(`Screenshots ${modeWords(version.screenshots)} by the client on ${when}`);
    if (previous.retentionDays !== version.retentionDays) {
      lines.push(`Retention changed from ${days(previous.retentionDays)} to ${days(version.retentionDays)} by the client on ${when}`);
    }
    if (JSON.stringify(previous.privateWindows ?? []) !== JSON.stringify(version.privateWindows ?? [])) {
      const count = version.privateWindows?.length ?? 0;
      lines.push(`Private windows ${count === 0 ? 'cleared' : `set to ${count} rule${count === 1 ? '' : 's'}`} by the client on ${when}`);
    }
  });
  return lines.reverse();
}

/** The policy version a segment was recorded under, else the one in force when it started. */
export function policyOf(segment: DiarySegment, history: readonly PolicyVersion[]): PolicyVersion | undefined {
  const byVersion = history.find((v) => v.version === segment.policyVersion);
  if (byVersion) return byVersion;
  const started = Date.parse(segment.startedAt);
  return history.filter((v) => Date.parse(v.effectiveFrom) <= started).at(-1);
}

/** Who removed a screenshot, in the words of the person reading the diary: "you" or the other party. */
export function removedByWords(by: RemovalBy, viewer: Role): string {
  switch (by) {
    case 'client':
      return viewer === 'client' ? 'Removed by you' : 'Removed by the client';
    case 'freelancer':
      return viewer === 'freelancer' ? 'Removed by you' : 'Removed by the freelancer';
    case 'approval':
      return 'Removed on approval';
    case 'retention':
      return 'Purged by retention';
  }
}

/** Why a segment shows no screenshot, in the words the diary cell shows to `viewer`. */
export function missingScreenshotReason(segment: DiarySegment, history: readonly PolicyVersion[], viewer: Role): string {
  const removed = segment.screenshotRemoved;
  if (removed) {
    const by = removed.by as RemovalBy; // widened: see RemovalBy
    switch (by) {
      case 'client':
        return `${removedByWords(by, viewer)} on ${whenShort(removed.at)}`;
      case 'freelancer':
        return removedByWords(by, viewer);
      case 'approval':
        return `${removedByWords(by, viewer)} on ${whenShort(removed.at)}`;
      case 'retention': {
        const inForce = history.filter((v) => Date.parse(v.effectiveFrom) <= Date.parse(removed.at)).at(-1) ?? history.at(-1);
        return inForce ? `Purged after ${days(inForce.retentionDays)}` : removedByWords(by, viewer);
      }
    }
  }
  switch (segment.screenshotSkipped) {
    case 'private-window':
      return 'Skipped for privacy: a private window was in front';
    case 'private-list-unreadable':
      return 'Skipped for privacy: the private-window list could not be read';
    case null:
    case undefined:
      break;
  }
  const policy = policyOf(segment, history);
  if (!policy || policy.screenshots === 'off') return 'Time only';
  return 'No screenshot in this segment';
}

// The next two say what src/shared/privacy/words.ts says for the app and the CLI: this page runs nothing of src/shared
// (it is served as compiled, unbundled; see tsconfig.json), so the words are kept here too and tested alike.

/** "2 private windows hidden" under a screenshot; null when none was. */
export function hiddenWindowsWords(count: number): string | null {
  if (count <= 0) return null;
  return `${count} private window${count === 1 ? '' : 's'} hidden`;
}

/** "Window title “*Patient*”", "Application “Epic Hyperspace”". */
export function privateRuleWords(rule: PrivateWindowRule): string {
  return `${rule.kind === 'app' ? 'Application' : 'Window title'} “${rule.pattern}”`;
}

/** The application with the most seconds in the segment. */
export function mainApp(segment: DiarySegment): string | undefined {
  let best: { app: string; seconds: number } | undefined;
  for (const usage of segment.apps) if (!best || usage.seconds > best.seconds) best = usage;
  return best?.app;
}

/** Days left before the retention purge, for "purged in 12 days (8 Dec 2026)". */
export function purgeWords(expiresAt: string, now: number): string {
  const left = Math.max(0, Math.ceil((Date.parse(expiresAt) - now) / DAY_MS));
  return `Purged ${left === 0 ? 'today' : `in ${days(left)}`} (${dateLong(expiresAt)})`;
}

/** Who made a state change, for a sentence: "by the client", or nothing when the server did (creation, upgrade). */
const byWords = (by: ContractStatus['by']): string => (by ? ` by the ${by}` : '');

/** The contract's state now, in a line: "Paused by the client since 3 Nov 14:05". */
export function stateLine(status: ContractStatus, waitingFor: string | null): string {
  switch (status.state) {
    case 'invited':
      return waitingFor ? `Invited: waiting for ${waitingFor} to accept` : 'Invited: waiting for a freelancer to accept';
    case 'active':
      return `Active since ${whenShort(status.since)}`;
    case 'paused':
      return `Paused${byWords(status.by)} since ${whenShort(status.since)}`;
    case 'ended':
      return `Ended${byWords(status.by)} on ${whenShort(status.since)}`;
  }
}

/** Every change of the contract's state in words, newest first: "Resumed by the client on 4 Nov 09:00". */
export function stateHistoryWords(history: readonly ContractStatus[]): string[] {
  return history
    .map((status, index) => {
      const when = whenShort(status.since);
      const previous = history[index - 1];
      switch (status.state) {
        case 'invited':
          return `Offered${byWords(status.by)} on ${when}`;
        case 'active':
          if (!previous) return `Running since ${when}`;
          return previous.state === 'invited' ? `Accepted${byWords(status.by)} on ${when}` : `Resumed${byWords(status.by)} on ${when}`;
        case 'paused':
          return `Paused${byWords(status.by)} on ${when}`;
        case 'ended':
          return `Ended${byWords(status.by)} on ${when}`;
      }
    })
    .reverse();
}

/** An hourly rate for people: "45.00 EUR / hour". */
export function rateWords(rate: { cents: number; currency: string } | null): string {
  return rate ? `${(rate.cents / 100).toFixed(2)} ${rate.currency} / hour` : 'not set';
}

/**
 * Where a week stands, in a line: "In review: approves automatically on Saturday 17 Jan 2026, 00:00 (Europe/Berlin)
 * unless the client approves it first".
 */
export function weekStateWords(review: Pick<WeekReview, 'state' | 'autoApprovesAt' | 'approval' | 'timeZone'>, viewer: Role): string {
  const auto = momentIn(review.autoApprovesAt, review.timeZone);
  const approver = viewer === 'client' ? 'you approve' : 'the client approves';
  switch (review.state) {
    case 'open':
      return `Open: the week is running. It approves automatically on ${auto} unless ${approver} it first.`;
    case 'in_review':
      return `In review: approves automatically on ${auto} unless ${approver} it first.`;
    case 'approved': {
      const approval = review.approval;
      if (!approval) return 'Approved.';
      const by = approval.by === 'server' ? 'automatically' : viewer === 'client' ? 'by you' : 'by the client';
      return `Approved ${by} on ${momentIn(approval.at, review.timeZone)}.`;
    }
  }
}
