import type { Diary, DiarySegment, WeekReview } from '../../../../../src/shared/protocol/api/index.js';
import type { ViewContext } from '../context.js';
import { h } from '../dom.js';
import { dayHeading, hiddenWindowsWords, hours, mainApp, missingScreenshotReason, purgeWords, timeOfDay, type Role } from '../format.js';
import { loadImage } from '../images.js';
import { dateIn } from '../week.js';
import { disputeNote } from './dispute-note.js';
import { openScreenshot } from './viewer.js';

type Totals = WeekReview['totals'];
type Day = WeekReview['days'][number];

/** "Tracked 0:54 h · Billable 0:54 h": totals as the server summed them (the page never sums segments itself). */
export function totalsLine(totals: Totals, className: string): HTMLElement {
  return h(
    'p',
    { class: `totals ${className}` },
    h('span', { class: 'tracked' }, `Tracked ${hours(totals.trackedSeconds)}`),
    ' · ',
    h('span', { class: 'billable' }, `Billable ${hours(totals.billableSeconds)}`),
  );
}

/** The segments of the diary that start on a day of the contract's calendar. */
export const segmentsOn = (diary: Diary, day: string, timeZone: string): DiarySegment[] => diary.segments.filter((s) => dateIn(s.startedAt, timeZone) === day);

/**
 * The week's diary: one section per day that has time, in the contract's zone, each with the server's totals
 * of that day, what the caller may do with the day (`dayActions`), and a grid of its segment cells.
 */
export interface DiaryActions {
  /** What the caller may do with a whole day (shown by its heading). */
  day?(day: Day, segments: readonly DiarySegment[]): HTMLElement | null;
  /** What the caller may do with one segment (`range` is its time, "09:00–09:10", for names and sentences). */
  segment?(segment: DiarySegment, range: string): HTMLElement | null;
}

export function diaryDays(ctx: ViewContext, diary: Diary, review: WeekReview, role: Role, actions: DiaryActions = {}): HTMLElement {
  const container = h('div', { class: 'days' });
  review.days.forEach((day, i) => {
    const segments = segmentsOn(diary, day.date, review.timeZone);
    if (segments.length === 0) return;
    const headingId = `day-${i}`;
    container.append(
      h(
        'section',
        { class: 'day', 'aria-labelledby': headingId, 'data-date': day.date },
        h('div', { class: 'day-head' }, h('h3', { id: headingId }, dayHeading(day.date)), totalsLine(day.totals, 'day-totals'), actions.day?.(day, segments)),
        h('ol', { class: 'cells' }, ...segments.map((s) => segmentCell(ctx, diary, s, role, review.timeZone, actions))),
      ),
    );
  });
  if (container.childElementCount === 0) container.append(h('p', { class: 'muted' }, 'No time tracked this week.'));
  return container;
}

function segmentCell(ctx: ViewContext, diary: Diary, segment: DiarySegment, role: Role, timeZone: string, actions: DiaryActions): HTMLElement {
  const start = new Date(segment.startedAt);
  const end = new Date(start.getTime() + segment.lengthSeconds * 1000);
  const range = `${timeOfDay(start, timeZone)}–${timeOfDay(end, timeZone)}`;
  const minutesInSegment = Math.max(1, Math.round(segment.lengthSeconds / 60));
  const fill = h('span', { class: 'activity-fill' });
  // CSSOM, not a style attribute: the CSP allows no inline styles.
  fill.style.width = `${Math.round((100 * segment.activeMinutes) / minutesInSegment)}%`;
  const app = mainApp(segment);
  return h(
    'li',
    { class: `cell${segment.billable ? '' : ' unbillable'}${segment.dispute ? ' disputed' : ''}`, 'data-segment-id': segment.id },
    h('div', { class: 'cell-time' }, h('strong', {}, range), h('span', { class: 'muted' }, ` ${hours(segment.trackedSeconds)}`)),
    screenshotArea(ctx, diary, segment, range, role, timeZone),
    h(
      'div',
      { class: 'activity', role: 'img', 'aria-label': `${segment.activeMinutes} of ${minutesInSegment} minutes active` },
      h('span', { class: 'activity-track' }, fill),
      h('span', { class: 'activity-text' }, `${segment.activeMinutes}/${minutesInSegment} min active`),
    ),
    h('p', { class: 'memo' }, segment.memo ?? h('span', { class: 'muted' }, 'No memo')),
    app ? h('p', { class: 'app' }, app) : null,
    segment.billable ? null : h('p', { class: 'flag' }, 'Not billable'),
    disputeNote(segment.dispute, role),
    actions.segment?.(segment, range),
  );
}

function screenshotArea(ctx: ViewContext, diary: Diary, segment: DiarySegment, range: string, role: Role, timeZone: string): HTMLElement {
  const shot = segment.screenshot;
  if (!shot) return h('div', { class: 'shot placeholder' }, h('span', {}, missingScreenshotReason(segment, diary.policyHistory, role)));
  const img = h('img', { class: 'thumb', alt: `Screenshot ${range}` });
  const open = h('button', { type: 'button', class: 'thumb-button', 'aria-label': `Open screenshot ${range}`, disabled: true }, img);
  loadImage(ctx.api, shot.url)
    .then((objectUrl) => {
      img.src = objectUrl;
      open.disabled = false;
      open.addEventListener('click', () => openScreenshot(ctx, segment, objectUrl, role, timeZone));
    })
    .catch((e: unknown) => {
      open.replaceWith(h('span', { class: 'placeholder' }, `Image unavailable: ${(e as Error).message}`));
    });
  const hidden = hiddenWindowsWords(shot.redactedWindows);
  return h('div', { class: 'shot' }, open, hidden ? h('p', { class: 'hidden-windows' }, hidden) : null, h('p', { class: 'purge' }, purgeWords(shot.expiresAt, Date.now())));
}
