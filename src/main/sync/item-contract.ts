import type { OutboxItem, Store } from '../store/index.js';

/**
 * The contract an outbox item belongs to, through its segment (a screenshot's or a deletion's segment id is kept with
 * it); null when the segment is no longer known.
 */
export function contractOfItem(store: Store, item: Pick<OutboxItem, 'kind' | 'itemId'>): string | null {
  const segmentId =
    item.kind === 'segment'
      ? item.itemId
      : item.kind === 'screenshot'
        ? store.screenshots.meta(item.itemId)?.segmentId
        : store.screenshots.pendingDeletion(item.itemId)?.segmentId;
  return segmentId ? (store.segments.get(segmentId)?.contractId ?? null) : null;
}
