import { itemKindWords, parseServerAnswer, type ParkedItemStatus } from '../sync/index.js';
import { clockTime } from './format.js';

/** The CLI's way to try parked items now (the app has a Retry button instead). */
export const RETRY_PARKED_COMMAND = '`worktrace sync --retry-parked`';

/**
 * One parked item for a person, in three lines: what it is and why the server will not take it; what to do and when
 * it is tried again on its own; and the answer as received, for whoever wants it.
 *
 *   parked screenshot 01J…: the server could not read it as a picture.
 *     What to do: Nothing to fix on your side; if it keeps failing, report it. Tried again on its own at 14:05; `worktrace sync --retry-parked` tries now.
 *     The server said: HTTP 422 INVALID_IMAGE: the body is not an image of type image/jpeg
 */
export function parkedItemLines(item: ParkedItemStatus, now: number, indent = '  '): string[] {
  const when = item.retryAt <= now ? 'Tried again at the next upload pass' : `Tried again on its own at ${dayAndTime(item.retryAt, now)}`;
  const lines = [
    `${indent}parked ${itemKindWords(item.kind)} ${item.itemId}: ${item.reason}`,
    `${indent}  What to do: ${item.todo} ${when}; ${RETRY_PARKED_COMMAND} tries now.`,
  ];
  if (item.error !== null) lines.push(`${indent}  ${parseServerAnswer(item.error) ? 'The server said' : 'Detail'}: ${item.error}`);
  return lines;
}

/** "14:05", or "Tue 14:05" when it is not today. */
function dayAndTime(ms: number, now: number): string {
  const sameDay = new Date(ms).toDateString() === new Date(now).toDateString();
  return sameDay ? clockTime(ms) : `${new Date(ms).toLocaleDateString('en-GB', { weekday: 'short' })} ${clockTime(ms)}`;
}
