import { API_ERROR_CODES } from '../../shared/protocol/api/index.js';
import type { OutboxKind } from '../store/index.js';
import { isTransient, type RequestFailure } from './errors.js';

/**
 * What the uploader does with an item whose request failed: the rule as a pure function.
 *
 *   answer                                                    segment, screenshot       screenshot deletion
 *   401                                                       stop: sign in again       the same
 *   no answer, an unreadable one, 5xx, 408, 429               back off; the pass stops  the same
 *   422 CAPTURE_IN_FUTURE                                     clock: back off, stops    -
 *   422 SEGMENT_OUT_OF_BOUNDS, the item starts after the
 *       server's Date, or the Date is > MAX_CLOCK_SKEW_MS
 *       from this computer's clock                            clock: back off, stops    -
 *   404 SEGMENT_NOT_FOUND, 410 SCREENSHOT_DELETED             park (segment first)      done: nothing to delete
 *   409 / 410 with one of the API's error codes               refused for good          refused (409)
 *   anything else (another 4xx, or a 404/409/410 WITHOUT       park: a person is told, retried on the slow
 *   the API's code: a proxy, a wrong server address)          schedule (parkedRetryDelay) and when it changes
 *
 * A skewed clock is temporary (the person sets the clock, or the server's catches up with a future start), so it
 * is retried like server trouble, with its own words; the pass stops because the items after it were recorded
 * later still. Only the API's own code makes a 404/409/410 final: a proxy's bare 404 must not count as "deleted".
 */
export type ItemFate =
  | { readonly kind: 'unauthorized' }
  | { readonly kind: 'server-trouble' }
  | { readonly kind: 'clock-skew'; readonly serverDateMs: number | null }
  | { readonly kind: 'already-done' }
  | { readonly kind: 'refused' }
  | { readonly kind: 'park' };

/** Beyond this, a refusal about times is put down to this computer's clock rather than to the record. */
export const MAX_CLOCK_SKEW_MS = 2 * 60_000;

export interface FateContext {
  /** This computer's wall clock when the answer came (epoch ms). */
  readonly now: number;
  /** The item's own time (a segment's start, a screenshot's capture, epoch ms); null when not known. */
  readonly itemTimeMs: number | null;
}

const API_CODES: ReadonlySet<string> = new Set(API_ERROR_CODES);

/** Whether the answer carries one of the API's own error codes: the Worktrace server said it, not something between. */
export function isApiAnswer(failure: RequestFailure): boolean {
  return failure.kind === 'http' && failure.code !== null && API_CODES.has(failure.code);
}

export function itemFate(kind: OutboxKind, failure: RequestFailure, context: FateContext): ItemFate {
  if (failure.kind === 'http' && failure.status === 401) return { kind: 'unauthorized' };
  if (isTransient(failure) || failure.kind !== 'http') return { kind: 'server-trouble' };
  const serverDateMs = failure.serverDateMs ?? null;
  if (kind !== 'screenshot-deletion' && failure.status === 422 && clockToBlame(failure.code, serverDateMs, context)) {
    return { kind: 'clock-skew', serverDateMs };
  }
  if (!isApiAnswer(failure)) return { kind: 'park' };
  if (kind === 'screenshot-deletion' && ((failure.status === 404 && failure.code === 'SEGMENT_NOT_FOUND') || (failure.status === 410 && failure.code === 'SCREENSHOT_DELETED'))) {
    return { kind: 'already-done' };
  }
  if (failure.status === 409 || failure.status === 410) return { kind: 'refused' };
  return { kind: 'park' };
}

function clockToBlame(code: string | null, serverDateMs: number | null, context: FateContext): boolean {
  if (code === 'CAPTURE_IN_FUTURE') return true;
  if (code !== 'SEGMENT_OUT_OF_BOUNDS' || serverDateMs === null) return false;
  const startsInServersFuture = context.itemTimeMs !== null && context.itemTimeMs > serverDateMs;
  return startsInServersFuture || Math.abs(context.now - serverDateMs) > MAX_CLOCK_SKEW_MS;
}
