import type { WeeksView } from '../../shared/ipc/contract.js';
import { byId, setText, show } from '../dom.js';
import { momentWords } from './disputes.js';
import { freshnessWords, lateWords, screenshotsOnApprovalWords, weekRangeWords, weekStateWords, weekTotalsWords } from '../weeks-words.js';

/**
 * The Weeks view: one week of the picked contract as the server reviews it. Every figure is the server's (the
 * review), never a sum of the page's; offline it shows the cached review and says when it was fetched. Notes of
 * disputes are set as text, never parsed as markup.
 */
export function renderWeeks(view: WeeksView | null): void {
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
  const list = byId<HTMLUListElement>('weeks-disputes');
  const signature = JSON.stringify(disputes);
  if (list.dataset.signature === signature) return;
  list.dataset.signature = signature;
  list.replaceChildren(
    ...disputes.map((dispute) => {
      const item = document.createElement('li');
      item.dataset.segmentId = dispute.segmentId;
      const what = document.createElement('span');
      what.textContent = `The segment of ${momentWords(dispute.startedAt)}: `;
      const note = document.createElement('q');
      note.textContent = dispute.note;
      item.append(what, note);
      return item;
    }),
  );
}
