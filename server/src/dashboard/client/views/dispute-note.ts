import type { SegmentDispute } from '../../../../../src/shared/protocol/api/index.js';
import { h } from '../dom.js';
import { whenShort } from '../format.js';

/**
 * A segment's dispute in its diary cell: who disputed it and when, and the client's note beside it. The note goes
 * in as a text node (h never parses HTML), so markup in it shows as the characters it is.
 */
export function disputeNote(dispute: SegmentDispute | null, role: 'client' | 'freelancer'): HTMLElement | null {
  if (!dispute) return null;
  const who = role === 'freelancer' ? 'Disputed by the client' : 'You disputed this segment';
  return h(
    'div',
    { class: 'dispute', role: 'note', 'aria-label': who },
    h('p', { class: 'dispute-head' }, `${who} · `, h('time', { datetime: dispute.at }, whenShort(dispute.at))),
    h('p', { class: 'dispute-note' }, dispute.note),
  );
}
