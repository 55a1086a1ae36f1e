import type { Clock } from '../../shared/clock.js';
import type { InvokeRequest, WeeksView } from '../../shared/ipc/index.js';
import { weekReviewSchema, type WeekReview } from '../../shared/protocol/api/index.js';
import { isoFromMs, zonedDateKey, zonedWeekOf, zonedWeekOfDate } from '../../shared/time/index.js';
import type { Store, WeekCacheAccount } from '../store/index.js';
import { ApiRequestError, SyncError, isTransient, type ApiClient } from '../sync/index.js';
import { AppError } from './errors.js';

export interface WeeksDeps {
  readonly store: Store;
  readonly client: Pick<ApiClient, 'weekReview'>;
  readonly account: WeekCacheAccount;
  readonly clock: Pick<Clock, 'now'>;
  /** The contract's time zone as the contract list gave it (older caches: unknown, then UTC until the server answers). */
  readonly timeZone: string | undefined;
}

/**
 * The Weeks view of one week: the server's review, fetched through the one validated API client and cached in the
 * store per account, contract and week. When the server cannot be asked (offline, server trouble, a token it
 * refuses) the cached review is shown with when it was fetched and why it is not fresh; a contract the server no
 * longer shows this person (403/404) is refused and its cached weeks forgotten.
 */
export async function showWeek(deps: WeeksDeps, request: InvokeRequest<'weeks:show'>): Promise<WeeksView> {
  const { store, account, clock } = deps;
  const { contractId } = request;
  const timeZone = deps.timeZone ?? cachedTimeZone(deps, contractId) ?? 'UTC';
  const asked = zonedWeekOfDate(request.week ?? zonedDateKey(clock.now(), timeZone), timeZone);
  if (!asked) throw new AppError('BAD_REQUEST', 'Worktrace could not use this request (week: not a date in the calendar).');
  try {
    const review = await deps.client.weekReview(contractId, asked.key);
    const fetchedAt = store.weekReviews.put(account, contractId, review.week, JSON.stringify(review));
    return { contractId, week: review.week, review, fetchedAt: isoFromMs(fetchedAt), unavailable: null, current: isCurrent(review, clock) };
  } catch (error) {
    if (!(error instanceof ApiRequestError)) throw error;
    const { failure } = error;
    if (failure.kind === 'http' && (failure.status === 403 || failure.status === 404)) {
      store.weekReviews.forgetContract(account, contractId);
      throw new SyncError('CONTRACT_NOT_FOUND', 'The server no longer shows you this contract: refresh the contracts.', { cause: error });
    }
    const signInAgain = failure.kind === 'http' && failure.status === 401;
    if (!signInAgain && !isTransient(failure)) {
      throw new AppError('WEEK_REFUSED', `The server refused this week (${failure.kind === 'http' ? failure.detail : 'unexpected answer'}).`, { cause: error });
    }
    const cached = readCached(store, account, contractId, asked.key);
    return {
      contractId,
      week: asked.key,
      review: cached?.review ?? null,
      fetchedAt: cached ? isoFromMs(cached.fetchedAt) : null,
      unavailable: signInAgain
        ? 'the server no longer accepts your sign-in: sign in again'
        : failure.kind === 'network'
          ? 'the server cannot be reached now'
          : `the server cannot answer now (${failure.kind === 'http' ? `HTTP ${failure.status}` : 'an answer Worktrace cannot read'})`,
      current: asked.key === zonedWeekOf(clock.now(), cached?.review.timeZone ?? timeZone).key,
    };
  }
}

/** Whether the review is of the week running now in the contract's zone (nothing later to page forward to). */
function isCurrent(review: WeekReview, clock: Pick<Clock, 'now'>): boolean {
  return review.week === zonedWeekOf(clock.now(), review.timeZone).key;
}

function cachedTimeZone(deps: WeeksDeps, contractId: string): string | undefined {
  const latest = deps.store.weekReviews.latest(deps.account, contractId);
  return latest ? parseReview(latest.reviewJson)?.timeZone : undefined;
}

/** The cached review, validated again: anything unreadable counts as nothing cached. */
function readCached(store: Store, account: WeekCacheAccount, contractId: string, week: string): { review: WeekReview; fetchedAt: number } | null {
  const cached = store.weekReviews.get(account, contractId, week);
  const review = cached ? parseReview(cached.reviewJson) : null;
  return cached && review ? { review, fetchedAt: cached.fetchedAt } : null;
}

function parseReview(json: string): WeekReview | null {
  try {
    const parsed = weekReviewSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
