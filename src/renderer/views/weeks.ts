import type { WeeksView } from '../../shared/ipc/contract.js';
import { byId, redrawList, setText, show } from '../dom.js';
import { momentWords } from './disputes.js';
import { freshnessWords, lateWords, screenshotsOnApprovalWords, weekRangeWords, weekStateWords, weekTotalsWords } from '../weeks-words.js';

/**
 * The Weeks view: one week of the picked contract as the server reviews it. Every figure is the server's (the
 * review), never a sum of the page's; offline it shows the cached review and says when it was fetched. Notes of
 * disputes are set as text, never parsed as markup.
 */
export function renderWeeks(view: WeeksView | null, timesheetSaved: string | null): void {
  followShownWeek(view);
  setText(byId('export-saved'), timesheetSaved ?? '');
  show(byId('export-saved'), timesheetSaved !== null);
  byId<HTMLButtonElement>('weeks-next').disabled = view === null || view.current;
  byId<HTMLButtonElement>('weeks-previous').disabled = view === null;
  setText(byId('weeks-range'), view ? weekRangeWords(view) : 'No week shown yet.');
  const fresh = view ? freshnessWords(view) : null;
  setText(byId('weeks-unavailable'), fresh ?? '');
  show(byId('weeks-unavailable'), fresh !== null);
  const review = view?.review ?? null;
  show(byId('weeks-review'), review !== null);
  if (!review) return;
  setText(byId('weeks-state'), weekStateWords(review));
  const totals = weekTotalsWords(review);
  setText(byId('weeks-tracked'), totals.tracked);
  setText(byId('weeks-billable'), totals.billable);
  setText(byId('weeks-removed'), totals.removed);
  const late = lateWords(review);
  setText(byId('weeks-late'), late ?? '');
  show(byId('weeks-late'), late !== null);
  setText(byId('weeks-screenshots'), screenshotsOnApprovalWords(review));
  const disputes = review.disputes;
  setText(byId('weeks-disputes-summary'), disputes.length === 0 ? 'No open disputes this week.' : `${disputes.length} open ${disputes.length === 1 ? 'dispute' : 'disputes'} this week:`);
  redrawList(byId<HTMLUListElement>('weeks-disputes'), disputes, (dispute) => {
    const item = document.createElement('li');
    item.dataset.segmentId = dispute.segmentId;
    const what = document.createElement('span');
    what.textContent = `The segment of ${momentWords(dispute.startedAt)}: `;
    const note = document.createElement('q');
    note.textContent = dispute.note;
    item.append(what, note);
    return item;
  });
}

/** The timesheet's range starts as the week shown; the person may widen it, and paging sets it again. */
function followShownWeek(view: WeeksView | null): void {
  const from = byId<HTMLInputElement>('export-from');
  const to = byId<HTMLInputElement>('export-to');
  const key = view ? `${view.contractId}|${view.week}` : '';
  if (from.dataset.week === key) return;
  from.dataset.week = key;
  from.value = view?.week ?? '';
  to.value = view?.week ?? '';
}
