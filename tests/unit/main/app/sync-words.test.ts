import { describe, expect, it } from 'vitest';
import { syncProblemWords, SIGN_IN_AGAIN_WORDS } from '../../../../src/main/app/sync-words.js';
import { ApiRequestError, describeFailure, parkedReason, parseServerAnswer, timeRefusalWords, toUserError, type RequestFailure } from '../../../../src/main/sync/index.js';
import { API_ERROR_CODES } from '../../../../src/shared/protocol/api/index.js';

/** The uploader records failures with describeFailure(); the app reads them back and words them per code. */
const http = (status: number, code: string | null, detail: string): RequestFailure => ({ kind: 'http', status, code, detail, retryAfterMs: null });

describe('the app words for what the uploader records', () => {
  it("reads describeFailure's text of an answer back into status, code and the server's message", () => {
    expect(parseServerAnswer(describeFailure(http(422, 'INVALID_IMAGE', 'the body is not an image of type image/jpeg')))).toEqual({
      status: 422,
      code: 'INVALID_IMAGE',
      message: 'the body is not an image of type image/jpeg',
    });
    expect(parseServerAnswer(describeFailure(http(418, null, 'short: and stout')))).toEqual({ status: 418, code: null, message: 'short: and stout' });
    expect(parseServerAnswer(describeFailure({ kind: 'network', detail: 'ECONNREFUSED' }))).toBeNull();
  });

  it('says why an item is parked in a sentence per code, never the server text or a code', () => {
    expect(parkedReason(describeFailure(http(422, 'INVALID_IMAGE', 'the body is not an image of type image/jpeg')))).toBe(
      'the server could not read it as a picture.',
    );
    expect(parkedReason(describeFailure(http(422, 'CAPTURE_IN_FUTURE', 'x')))).toBe("its capture time is in the future for the server: check this computer's clock.");
    expect(parkedReason(describeFailure(http(400, 'VALIDATION_FAILED', 'id: bad')))).toMatch(/a fault in Worktrace/);
    expect(parkedReason(describeFailure(http(451, 'SOMETHING_NEW', 'x')))).toBe('the server refused it (HTTP 451).');
    expect(parkedReason('ciphertext does not authenticate')).toBe('it cannot be read on this computer any more.');
    // Every code the server may send gives words without the code in them.
    for (const code of API_ERROR_CODES) {
      const words = parkedReason(describeFailure(http(422, code, 'the server says so')));
      expect(words).not.toContain(code);
      expect(words).not.toContain('the server says so');
      expect(words).toMatch(/^[a-z].*\.$/);
    }
  });

  it("words the uploader's history records: a refused sign-in, parked and refused items, retries", () => {
    expect(syncProblemWords('the server no longer accepts this sign-in: run `worktrace login` again')).toBe(SIGN_IN_AGAIN_WORDS);
    const parked = `screenshot 01JABCDEFGHJKMNPQRSTVWXYZ0 parked: ${describeFailure(http(422, 'INVALID_IMAGE', 'the body is not an image of type image/jpeg'))}`;
    expect(syncProblemWords(parked)).toBe('A screenshot was not sent: the server could not read it as a picture.');
    const deletion = `screenshot-deletion 01JABCDEFGHJKMNPQRSTVWXYZ0 parked: ${describeFailure(http(403, 'FORBIDDEN', 'not yours'))}`;
    expect(syncProblemWords(deletion)).toBe('A screenshot deletion was not sent: this account may no longer record time for its contract.');
    const off = `screenshot 01JABCDEFGHJKMNPQRSTVWXYZ0 refused: ${describeFailure(http(409, 'SCREENSHOTS_DISABLED', 'off at the capture time'))}`;
    expect(syncProblemWords(off)).toMatch(/^A screenshot was taken while the client had screenshots off: .* Its time stays\.$/);
    const locked = `screenshot-deletion 01JABCDEFGHJKMNPQRSTVWXYZ0 refused: ${describeFailure(http(409, 'WEEK_APPROVED', 'approved'))}`;
    expect(syncProblemWords(locked)).toMatch(/^The client has approved that week: .*was not applied\.$/);
    expect(syncProblemWords(describeFailure({ kind: 'network', detail: 'connect ECONNREFUSED 127.0.0.1:9' }))).toBe(
      'The server could not be reached: uploads will retry on their own.',
    );
    expect(syncProblemWords(describeFailure(http(503, null, 'busy')))).toBe('The server had a problem (HTTP 503): uploads will retry on their own.');
    expect(syncProblemWords(describeFailure(http(429, 'RATE_LIMITED', 'slow down')))).toMatch(/slow down: uploads will retry/);
    expect(syncProblemWords(describeFailure(http(408, 'REQUEST_TIMEOUT', 'too slow')))).toMatch(/^An upload took longer than the server waits .*: uploads will retry on their own\.$/);
    expect(syncProblemWords(describeFailure({ kind: 'invalid', status: 200, detail: 'not JSON' }))).toMatch(/could not be read: uploads will retry/);
    // The app's own words pass through.
    expect(syncProblemWords('Cannot reach https://diary.example.com right now: uploads will retry on their own.')).toBe(
      'Cannot reach https://diary.example.com right now: uploads will retry on their own.',
    );
  });

  it('words the refusals of recorded time (billed twice, before the contract) alike in the app and the CLI', () => {
    for (const [code, sentence] of [
      ['TIME_ALREADY_BILLED', /^A segment holds minutes you already billed .*did not bill them twice\.$/],
      ['TIME_BEFORE_CONTRACT', /^A segment holds time from before the contract started: .*not billed to the contract\.$/],
    ] as const) {
      const record = `segment 01JABCDEFGHJKMNPQRSTVWXYZ0 refused: ${describeFailure(http(409, code, 'minute 2026-01-05T09:03:00.000Z is already billed'))}`;
      const words = syncProblemWords(record);
      expect(words).toMatch(sentence);
      expect(words).toBe(timeRefusalWords(code));
      expect(words).not.toContain(code);
      const cli = toUserError(new ApiRequestError(http(409, code, 'x'), 'Segment upload'), 'https://diary.example.com');
      expect(cli).toMatchObject({ code: 'SERVER_REFUSED', message: words });
    }
    expect(timeRefusalWords('SEGMENT_CONFLICT')).toBeNull();
    expect(timeRefusalWords('toString')).toBeNull();
  });
});
