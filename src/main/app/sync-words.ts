/**
 * The app's words for what the uploader records. The uploader (shared with the CLI) keeps the server's answer as
 * describeFailure() wrote it ("HTTP 422 INVALID_IMAGE: the body is ...") and speaks of CLI commands; the app shows a
 * sentence per error code instead, and the server's own text only as a detail.
 */

/** A server answer as describeFailure() writes it: "HTTP <status>[ <CODE>]: <server message>". */
const HTTP_FAILURE = /^HTTP (\d{3})(?: ([A-Z][A-Z0-9_]*))?: ([\s\S]*)$/;
/** The uploader's history records: "<kind> <id> parked: <failure>" / "<kind> <id> refused: <failure>". */
const ITEM_RECORD = /^(segment|screenshot-deletion|screenshot) \S+ (parked|refused): ([\s\S]*)$/;
/** The uploader's record of a 401 names the CLI's command; the app has a button for it. */
const CLI_SIGN_IN_AGAIN = /^the server no longer accepts this sign-in\b/;

export const SIGN_IN_AGAIN_WORDS = 'The server no longer accepts your sign-in: sign in again.';

export interface ServerAnswer {
  readonly status: number;
  readonly code: string | null;
  readonly message: string;
}

/** Reads a describeFailure() text of an HTTP answer back into its parts; null for anything else. */
export function parseServerAnswer(text: string): ServerAnswer | null {
  const match = HTTP_FAILURE.exec(text);
  if (!match) return null;
  return { status: Number(match[1]), code: match[2] ?? null, message: match[3] ?? '' };
}

/** Why the server keeps refusing an item for now (a 4xx that parks it), per error code, as the end of a sentence. */
const PARKED_REASONS: Readonly<Record<string, string>> = {
  INVALID_IMAGE: 'the server could not read it as a picture.',
  CAPTURE_OUTSIDE_SEGMENT: "its capture time lies outside its segment (this computer's clock may have jumped).",
  CAPTURE_IN_FUTURE: "its capture time is in the future for the server: check this computer's clock.",
  SEGMENT_NOT_FOUND: 'the server does not have its segment yet.',
  SEGMENT_OUT_OF_BOUNDS: "its times do not fit the contract's segments (this computer's clock may have jumped).",
  PAYLOAD_TOO_LARGE: 'it is larger than the server accepts.',
  FORBIDDEN: 'this account may no longer record time for its contract.',
  NOT_FOUND: 'the server does not know its contract.',
};

/** What Worktrace sent wrong: nothing the person can fix, so say it is a fault to report. */
const OUR_FAULT = new Set(['VALIDATION_FAILED', 'INVALID_JSON', 'ID_MISMATCH', 'UNSUPPORTED_MEDIA_TYPE']);

/**
 * Why an item is parked, for "A screenshot the server would not take: <reason>". `detail` is the outbox's record:
 * a server answer, or a local failure (the item could not be prepared, e.g. it no longer decrypts).
 */
export function parkedReason(detail: string): string {
  const answer = parseServerAnswer(detail);
  if (!answer) return 'it cannot be read on this computer any more.';
  if (answer.code !== null && PARKED_REASONS[answer.code]) return PARKED_REASONS[answer.code]!;
  if (answer.code !== null && OUR_FAULT.has(answer.code)) return 'the server could not accept it as Worktrace sent it (a fault in Worktrace: please report it).';
  return `the server refused it (HTTP ${answer.status}).`;
}

/** A final refusal (409/410): the item is gone from the queue, and a screenshot from this computer too. */
function refusedWords(kind: string, answer: ServerAnswer | null): string {
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
