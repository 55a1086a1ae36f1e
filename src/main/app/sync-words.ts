import { parkedReason, parseServerAnswer, timeRefusalWords, type ServerAnswer } from '../sync/index.js';

/**
 * The app's words for what the uploader records. The uploader (shared with the CLI) keeps the server's answer as
 * describeFailure() wrote it ("HTTP 422 INVALID_IMAGE: the body is ...") and speaks of CLI commands; the app shows a
 * sentence per error code instead, and the server's own text only as a detail.
 */

/** The uploader's history records: "<kind> <id> parked: <failure>" / "<kind> <id> refused: <failure>". */
const ITEM_RECORD = /^(segment|screenshot-deletion|screenshot) \S+ (parked|refused): ([\s\S]*)$/;
/** The uploader's record of a 401 names the CLI's command; the app has a button for it. */
const CLI_SIGN_IN_AGAIN = /^the server no longer accepts this sign-in\b/;

export const SIGN_IN_AGAIN_WORDS = 'The server no longer accepts your sign-in: sign in again.';

/** A final refusal (409/410): the item is gone from the queue, and a screenshot from this computer too. */
function refusedWords(kind: string, answer: ServerAnswer | null): string {
  const time = timeRefusalWords(answer?.code ?? null);
  if (time) return time;
  switch (answer?.code) {
    case 'SCREENSHOTS_DISABLED':
      return 'A screenshot was taken while the client had screenshots off: the server refused it and it was deleted here. Its time stays.';
    case 'SCREENSHOT_DELETED':
      return 'A screenshot was already deleted on the server (by the client, or past the retention time): its copy here was deleted too.';
    case 'SCREENSHOT_CONFLICT':
      return 'The server already has another screenshot for that segment: this one was not sent.';
    case 'SEGMENT_CONFLICT':
    case 'SEGMENT_REVISION_CONFLICT':
      return 'A segment clashed with time the server already has: it was not counted twice.';
    case 'WEEK_APPROVED':
      return "The client has approved that week: the server keeps its time and screenshots as approved, so a later change from here (a deleted screenshot, less time) was not applied.";
    case 'CONTRACT_NOT_ACTIVE':
      return 'Time recorded after the contract was paused or ended was refused by the server; work that began before it is kept.';
    default:
      return `The server refused a ${kind} for good${answer ? ` (HTTP ${answer.status})` : ''}.`;
  }
}

/** A failure the uploader retries on its own (network, 5xx, 429, 408, an unreadable answer). */
function retryWords(detail: string): string | null {
  if (detail.startsWith('server unreachable')) return 'The server could not be reached: uploads will retry on their own.';
  if (detail.startsWith('unreadable answer')) return "The server's answer could not be read: uploads will retry on their own.";
  const answer = parseServerAnswer(detail);
  if (answer?.status === 429) return 'The server asked Worktrace to slow down: uploads will retry on their own.';
  if (answer?.status === 408) return 'An upload took longer than the server waits for one (a slow connection): uploads will retry on their own.';
  if (answer && answer.status >= 500) return `The server had a problem (HTTP ${answer.status}): uploads will retry on their own.`;
  return null;
}

/**
 * The sync panel's "last problem" from the uploader's history record, in the app's words. Messages that are not
 * the uploader's (already the app's own words) pass through unchanged.
 */
export function syncProblemWords(message: string): string {
  if (CLI_SIGN_IN_AGAIN.test(message)) return SIGN_IN_AGAIN_WORDS;
  const item = ITEM_RECORD.exec(message);
  if (item) {
    const [, kind = 'item', fate, detail = ''] = item;
    const what = kind.replace('-', ' '); // "screenshot deletion"
    return fate === 'parked' ? `A ${what} was not sent: ${parkedReason(detail)}` : refusedWords(what, parseServerAnswer(detail));
  }
  return retryWords(message) ?? message;
}
