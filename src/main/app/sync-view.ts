import type { AppState } from '../../shared/ipc/index.js';
import { isoFromMs } from '../../shared/time/index.js';
import { sameAccount, type OutboxAccount, type Store } from '../store/index.js';
import { SyncStateRepository, parkedAdvice } from '../sync/index.js';
import { syncProblemWords } from './sync-words.js';

/**
 * What the UI's sync panel shows, read from the store's queue and the uploader's records. Pending counts are the
 * signed-in account's; work queued under other accounts is listed apart as waiting for them (null: signed out,
 * so everything waits for its account). Errors are in the app's words (sync-words.ts), not the uploader's.
 */
export function syncView(
  store: Store,
  contractIds: readonly string[],
  live: { online: boolean; signInAgain: boolean; lastError: string | null; account?: Pick<OutboxAccount, 'server' | 'userId'> | null },
  now: number,
): AppState['sync'] {
  const queues = store.outbox.byAccount();
  const account = live.account ?? null;
  const mine = account ? queues.find((q) => sameAccount(q.account, account)) : undefined;
  const state = new SyncStateRepository(store.settings);
  let lastSyncAt: number | null = null;
  let lastError = live.lastError;
  let lastErrorAt = -Infinity;
  for (const id of [null, ...contractIds]) {
    const record = state.get(id);
    if (record.lastSuccessAt !== null && (lastSyncAt === null || record.lastSuccessAt > lastSyncAt)) lastSyncAt = record.lastSuccessAt;
    if (live.lastError === null && record.lastError && record.lastError.at > lastErrorAt) {
      lastErrorAt = record.lastError.at;
      lastError = syncProblemWords(record.lastError.message);
    }
  }
  // An error older than the last good pass is history, not status.
  if (live.lastError === null && lastSyncAt !== null && lastErrorAt <= lastSyncAt) lastError = null;
  return {
    online: live.online,
    pendingSegments: mine?.pendingSegments ?? 0,
    pendingScreenshots: mine?.pendingScreenshots ?? 0,
    parked: store.outbox.parked(account).map((item) => {
      const { reason, todo } = parkedAdvice(item.lastError);
      const retryAt = item.nextAttemptAt > now ? isoFromMs(item.nextAttemptAt) : null;
      return { kind: item.kind, error: reason, todo, retryAt, ...(item.lastError === null ? {} : { detail: item.lastError }) };
    }),
    lastSyncAt: lastSyncAt === null ? null : isoFromMs(lastSyncAt),
    lastError,
    signInAgain: live.signInAgain,
    waiting: queues
      .filter((q) => q !== mine && q.pendingSegments + q.pendingScreenshots > 0)
      .map((q) => ({ email: q.account.email, serverUrl: q.account.server, items: q.pendingSegments + q.pendingScreenshots })),
  };
}
