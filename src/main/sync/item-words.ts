/**
 * Words for a person about queued items that do not go through, shared by the CLI (`status`, `sync`, `track`) and
 * the app: why an item is parked and what to do about it, and why one waits (this computer's clock, the screenshot
 * key). The outbox keeps the server's answer as describeFailure() wrote it ("HTTP 422 INVALID_IMAGE: ..."); these
 * read it back and speak per error code, never quoting the code or the server's text (that is the detail).
 */

/** A server answer as describeFailure() writes it: "HTTP <status>[ <CODE>]: <server message>". */
const HTTP_FAILURE = /^HTTP (\d{3})(?: ([A-Z][A-Z0-9_]*))?: ([\s\S]*)$/;

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

/** Why the server keeps refusing an item, and what the person can do, per error code. */
const PARKED: Readonly<Record<string, { readonly reason: string; readonly todo: string }>> = {
  INVALID_IMAGE: { reason: 'the server could not read it as a picture.', todo: 'Nothing to fix on your side; if it keeps failing, report it.' },
  CAPTURE_OUTSIDE_SEGMENT: {
    reason: "its capture time lies outside its segment (this computer's clock may have jumped).",
    todo: "Make sure this computer sets its clock automatically, then retry; its segment's time was sent without it.",
  },
  CAPTURE_IN_FUTURE: {
    reason: "its capture time is in the future for the server: check this computer's clock.",
    todo: 'Set the clock to the right time (automatic time), then retry.',
  },
  SEGMENT_NOT_FOUND: { reason: 'the server does not have its segment yet.', todo: 'It goes on its own once its segment is accepted.' },
  SEGMENT_OUT_OF_BOUNDS: {
    reason: "its times do not fit the contract's segments (this computer's clock may have jumped).",
    todo: "Check this computer's clock and time zone, then retry.",
  },
  PAYLOAD_TOO_LARGE: { reason: 'it is larger than the server accepts.', todo: "Report it: the server's limit may need raising." },
  FORBIDDEN: {
    reason: 'this account may no longer record time for its contract.',
    todo: 'Ask the client whether the contract is still open to you, then retry.',
  },
  NOT_FOUND: {
    reason: 'the server does not know its contract.',
    todo: 'Check that you are signed in to the right server as the right person, then retry.',
  },
};

/** What Worktrace sent wrong: nothing the person can fix, so say it is a fault to report. */
const OUR_FAULT = new Set(['VALIDATION_FAILED', 'INVALID_JSON', 'ID_MISMATCH', 'UNSUPPORTED_MEDIA_TYPE']);

export interface ParkedAdvice {
  /** The end of "A screenshot the server would not take: <reason>". */
  readonly reason: string;
  /** What the person can do, as a sentence; the retry itself (button, command) is the caller's to add. */
  readonly todo: string;
}

/**
 * Why an item is parked and what to do. `detail` is the outbox's record: a server answer, or a local failure (the
 * item could not be prepared: a screenshot that no longer decrypts).
 */
export function parkedAdvice(detail: string | null): ParkedAdvice {
  if (detail === null) return { reason: 'the server refused it.', todo: 'If it keeps failing, report it.' };
  const answer = parseServerAnswer(detail);
  if (!answer) {
    return {
      reason: 'it cannot be read on this computer any more.',
      todo: "Its stored copy is damaged and cannot be sent; the segment's time is not affected.",
    };
  }
  if (answer.code === null) {
    // No error code of the API: the answer came from something in between (a proxy, a wrong address), not the server.
    return {
      reason: `the answer did not come from the Worktrace server (HTTP ${answer.status} without its error code).`,
      todo: 'Check the server address you signed in with and any proxy in between, then retry.',
    };
  }
  const known = PARKED[answer.code];
  if (known) return known;
  if (OUR_FAULT.has(answer.code)) {
    return {
      reason: 'the server could not accept it as Worktrace sent it (a fault in Worktrace: please report it).',
      todo: 'Report it; nothing you recorded is lost.',
    };
  }
  return { reason: `the server refused it (HTTP ${answer.status}).`, todo: 'If it keeps failing, report it.' };
}

/** parkedAdvice's reason alone: "A screenshot deletion was not sent: <reason>". */
export function parkedReason(detail: string): string {
  return parkedAdvice(detail).reason;
}

/**
 * An item held back because the server judges this computer's clock wrong: by how much, when the answer said what
 * the server's clock read (its Date header), and what to do.
 */
export function clockSkewWords(serverDateMs: number | null, now: number): string {
  const todo = 'set it right (automatic time); uploads go on by themselves once it is';
  if (serverDateMs === null) return `The server says this computer's clock is ahead of its own: ${todo}.`;
  const off = now - serverDateMs;
  return `This computer's clock is ${spanWords(Math.abs(off))} ${off >= 0 ? 'ahead of' : 'behind'} the server's: ${todo}.`;
}

/** The screenshot key cannot be read: screenshots wait (time still goes up), and why, with what to do. */
export function keyUnreadableWords(reason: string): string {
  return `Screenshots wait: the key that unlocks them on this computer cannot be read (${reason.replace(/\.$/, '')}). Time is still sent; screenshots go once the key can be read again.`;
}

/** "3 days 2 h", "2 h 5 min", "4 min", "40 s". */
export function spanWords(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} days` : `${days} days ${hours % 24} h`;
}
