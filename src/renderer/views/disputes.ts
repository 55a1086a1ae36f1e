import type { DisputeView } from '../../shared/ipc/contract.js';
import { byId, redrawList, show } from '../dom.js';
import { clockTime } from '../words.js';

const dayWords = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short' });

/** "Tue 6 Jan, 13:00": when a segment started, in this computer's time. */
export function momentWords(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '—' : `${dayWords.format(date)}, ${clockTime(iso)}`;
}

/**
 * "Disputed by the client": the segments the client disputes instead of approving them, each with its contract,
 * the segment's time and the client's note. The note is set as text (textContent), never parsed as markup. Hidden
 * when there is none; redrawn only when the list changes.
 */
export function renderDisputes(disputes: readonly DisputeView[]): void {
  show(byId('disputes'), disputes.length > 0);
  redrawList(byId<HTMLUListElement>('disputes-list'), disputes, (dispute) => {
    const item = document.createElement('li');
    item.dataset.segmentId = dispute.segmentId;
    const what = document.createElement('span');
    what.className = 'dispute-segment';
    what.textContent = `${dispute.contractName}: the segment of ${momentWords(dispute.startedAt)}`;
    const note = document.createElement('blockquote');
    note.className = 'dispute-note';
    note.textContent = dispute.note;
    const when = document.createElement('span');
    when.className = 'dispute-at muted';
    when.textContent = `Disputed ${momentWords(dispute.at)}`;
    item.append(what, note, when);
    return item;
  });
}
