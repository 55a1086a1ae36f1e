import { describe, expect, it } from 'vitest';
import {
  MAX_CLOCK_SKEW_MS,
  PARKED_RETRY_MAX_MS,
  PARKED_RETRY_MIN_MS,
  clockSkewWords,
  itemFate,
  parkedAdvice,
  parkedRetryDelay,
  describeFailure,
  type RequestFailure,
} from '../../../../src/main/sync/index.js';
import type { OutboxKind } from '../../../../src/main/store/index.js';
import { API_ERROR_CODES } from '../../../../src/shared/protocol/api/index.js';

const NOW = Date.UTC(2026, 0, 5, 9);
const HOUR = 3_600_000;
const http = (status: number, code: string | null, serverDateMs: number | null = NOW): RequestFailure => ({
  kind: 'http',
  status,
  code,
  detail: 'the server says so',
  retryAfterMs: null,
  serverDateMs,
});
const fate = (kind: OutboxKind, failure: RequestFailure, itemTimeMs: number | null = NOW - HOUR) => itemFate(kind, failure, { now: NOW, itemTimeMs }).kind;

describe('itemFate: what a failed answer does to an item', () => {
  it('follows its decision table row by row', () => {
    const rows: [OutboxKind, RequestFailure, ReturnType<typeof fate>][] = [
      ['segment', http(401, 'UNAUTHENTICATED'), 'unauthorized'],
      ['screenshot-deletion', http(401, null), 'unauthorized'],
      ['segment', { kind: 'network', detail: 'ECONNRESET' }, 'server-trouble'],
      ['screenshot', { kind: 'invalid', status: 200, detail: 'not JSON' }, 'server-trouble'],
      ['segment', http(503, null), 'server-trouble'],
      ['segment', http(429, 'RATE_LIMITED'), 'server-trouble'],
      ['segment', http(408, null), 'server-trouble'],
      // A capture in the future: only a clock ahead of the server's makes that.
      ['screenshot', http(422, 'CAPTURE_IN_FUTURE'), 'clock-skew'],
      ['screenshot', http(422, 'CAPTURE_IN_FUTURE', null), 'clock-skew'],
      // Out of bounds: the clock's fault when the segment starts after the server's "now", or the clocks disagree.
      ['segment', http(422, 'SEGMENT_OUT_OF_BOUNDS', NOW - 3 * HOUR), 'clock-skew'],
      ['segment', http(422, 'SEGMENT_OUT_OF_BOUNDS', NOW + 3 * HOUR), 'clock-skew'],
      ['segment', http(422, 'SEGMENT_OUT_OF_BOUNDS', NOW + MAX_CLOCK_SKEW_MS / 2), 'park'],
      ['segment', http(422, 'SEGMENT_OUT_OF_BOUNDS', null), 'park'],
      ['segment', http(422, 'CAPTURE_OUTSIDE_SEGMENT', NOW - 3 * HOUR), 'park'],
      ['segment', http(422, 'INVALID_IMAGE'), 'park'],
      ['segment', http(403, 'FORBIDDEN'), 'park'],
      // Final only with the API's own code.
      ['segment', http(409, 'SEGMENT_REVISION_CONFLICT'), 'refused'],
      ['screenshot', http(410, 'SCREENSHOT_DELETED'), 'refused'],
      ['screenshot', http(409, 'SCREENSHOTS_DISABLED'), 'refused'],
      ['screenshot', http(410, null), 'park'],
      ['screenshot', http(409, 'SOMETHING_A_PROXY_MADE_UP'), 'park'],
      // A deletion is done when the server says it has nothing to delete, in its own words; not on a bare 404.
      ['screenshot-deletion', http(404, 'SEGMENT_NOT_FOUND'), 'already-done'],
      ['screenshot-deletion', http(410, 'SCREENSHOT_DELETED'), 'already-done'],
      ['screenshot-deletion', http(404, null), 'park'],
      ['screenshot-deletion', http(410, null), 'park'],
      ['screenshot-deletion', http(404, 'NOT_FOUND'), 'park'],
      ['screenshot-deletion', http(409, 'SCREENSHOT_CONFLICT'), 'refused'],
      ['screenshot-deletion', http(422, 'CAPTURE_IN_FUTURE'), 'park'],
      ['segment', http(404, null), 'park'],
    ];
    for (const [kind, failure, expected] of rows) expect(fate(kind, failure), `${kind} ${describeFailure(failure)}`).toBe(expected);
  });

  it('blames the clock for a segment that starts after the server\'s time even when the clocks agree within the slack', () => {
    expect(fate('segment', http(422, 'SEGMENT_OUT_OF_BOUNDS', NOW), NOW + 60_000)).toBe('clock-skew');
    expect(fate('segment', http(422, 'SEGMENT_OUT_OF_BOUNDS', NOW), NOW - 60_000)).toBe('park');
    expect(fate('segment', http(422, 'SEGMENT_OUT_OF_BOUNDS', NOW), null)).toBe('park');
  });
});

describe('parkedRetryDelay: the slow schedule of a parked item', () => {
  it('waits as long as the item has been parked, at least an hour and at most twelve, ±10 %', () => {
    const mid = () => 0.5;
    expect([0, HOUR, 2 * HOUR, 4 * HOUR, 8 * HOUR, 16 * HOUR, 100 * HOUR].map((parked) => parkedRetryDelay(parked, mid))).toEqual([
      HOUR,
      HOUR,
      2 * HOUR,
      4 * HOUR,
      8 * HOUR,
      12 * HOUR,
      12 * HOUR,
    ]);
    expect(parkedRetryDelay(0, () => 0)).toBe(Math.round(0.9 * PARKED_RETRY_MIN_MS));
    expect(parkedRetryDelay(1e12, () => 1)).toBe(Math.round(1.1 * PARKED_RETRY_MAX_MS));
    for (const bad of [NaN, -5, 7, Infinity]) {
      const delay = parkedRetryDelay(3 * HOUR, () => bad);
      expect(delay).toBeGreaterThanOrEqual(0.9 * 3 * HOUR);
      expect(delay).toBeLessThanOrEqual(1.1 * 3 * HOUR);
    }
  });

  it('a parked item refused on every try waits 1, 1, 2, 4, 8 hours, then every twelve', () => {
    let parkedFor = 0;
    const waits: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      const wait = parkedRetryDelay(parkedFor, () => 0.5);
      waits.push(wait / HOUR);
      parkedFor += wait;
    }
    expect(waits).toEqual([1, 1, 2, 4, 8, 12, 12]);
  });
});

describe('the words for a parked or waiting item', () => {
  it('say what is wrong and what to do, for every code the server may send and for an answer not from it', () => {
    for (const code of [...API_ERROR_CODES, null]) {
      const advice = parkedAdvice(describeFailure(http(404, code)));
      expect(advice.reason, String(code)).toMatch(/^[a-z].*\.$/);
      expect(advice.todo, String(code)).toMatch(/^[A-Z].*\.$/);
      for (const words of [advice.reason, advice.todo]) {
        if (code !== null) expect(words).not.toContain(code);
        expect(words).not.toContain('the server says so');
      }
    }
    expect(parkedAdvice(describeFailure(http(404, null))).reason).toBe('the answer did not come from the Worktrace server (HTTP 404 without its error code).');
    expect(parkedAdvice('Screenshot 01J cannot be decrypted').reason).toBe('it cannot be read on this computer any more.');
  });

  it("say by how much this computer's clock is off, and which way", () => {
    expect(clockSkewWords(NOW - (2 * HOUR + 5 * 60_000), NOW)).toBe(
      "This computer's clock is 2 h 5 min ahead of the server's: set it right (automatic time); uploads go on by themselves once it is.",
    );
    expect(clockSkewWords(NOW + 3 * 24 * HOUR, NOW)).toMatch(/^This computer's clock is 3 days behind the server's: /);
    expect(clockSkewWords(null, NOW)).toMatch(/^The server says this computer's clock is ahead of its own: set it right/);
  });
});
