import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONTRACT_STATES, isNewerPolicy, trackingVerdict, type ContractSide, type ContractState } from '../../../src/shared/protocol/index.js';
import { passwordProblem } from '../../../src/shared/protocol/api/index.js';
import { decideStateChange, segmentRefusal, stateAt, type RequestedState, type StateMoment } from '../../src/domain/contract-states.js';
import { screenshotPurgeAt } from '../../src/domain/retention.js';

const DAY = 86_400_000;
const REQUESTED: RequestedState[] = ['active', 'paused', 'ended'];
const SIDES: ContractSide[] = ['client', 'freelancer'];

describe('who may move a contract to which state', () => {
  // The decision table of contract-states.ts, written out: [from, to, side] → outcome.
  const table: Array<[ContractState, RequestedState, ContractSide, string]> = [
    ['invited', 'active', 'client', 'conflict'],
    ['invited', 'paused', 'client', 'conflict'],
    ['invited', 'ended', 'client', 'change'],
    ['invited', 'ended', 'freelancer', 'change'],
    ['active', 'paused', 'client', 'change'],
    ['active', 'ended', 'client', 'change'],
    ['active', 'ended', 'freelancer', 'change'],
    ['active', 'active', 'client', 'unchanged'],
    ['paused', 'active', 'client', 'change'],
    ['paused', 'paused', 'client', 'unchanged'],
    ['paused', 'ended', 'freelancer', 'change'],
    ['ended', 'active', 'client', 'conflict'],
    ['ended', 'paused', 'client', 'conflict'],
    ['ended', 'ended', 'client', 'unchanged'],
    ['ended', 'ended', 'freelancer', 'unchanged'],
  ];
  it.each(table)('%s → %s by the %s: %s', (from, to, side, outcome) => {
    expect(decideStateChange(from, to, side).kind).toBe(outcome);
  });

  it('lets the freelancer only end, whatever the state', () => {
    for (const from of CONTRACT_STATES) {
      expect(decideStateChange(from, 'paused', 'freelancer').kind).toBe('forbidden');
      expect(decideStateChange(from, 'active', 'freelancer').kind).toBe('forbidden');
    }
  });

  it('never leaves ended, and a change always lands on the state asked for', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CONTRACT_STATES), fc.constantFrom(...REQUESTED), fc.constantFrom(...SIDES), (from, to, side) => {
        const d = decideStateChange(from, to, side);
        if (from === 'ended') expect(d.kind).not.toBe('change');
        if (d.kind === 'change') expect(d.to).toBe(to);
      }),
    );
  });
});

describe('which new segments a contract accepts', () => {
  //   active at 0 ── paused at 10 min by the client ── active at 20 min ── ended at 30 min by the freelancer
  const history: StateMoment[] = [
    { state: 'active', at: 0, bySide: null },
    { state: 'paused', at: 600_000, bySide: 'client' },
    { state: 'active', at: 1_200_000, bySide: 'client' },
    { state: 'ended', at: 1_800_000, bySide: 'freelancer' },
  ];
  const window = (start: number, length = 60_000) => segmentRefusal(history, start, start + length);

  it('keeps what began while active, even when it runs past the pause, and what reaches the resume', () => {
    expect(window(0)).toBeNull();
    expect(window(599_999)).toBeNull();
    expect(window(540_000, 600_000)).toBeNull(); // began active, runs well into the pause
    expect(window(1_170_000)).toBeNull(); // aligned before the resume, holds work after it
    expect(window(1_200_000)).toBeNull();
    expect(window(1_740_000)).toBeNull();
  });

  it('refuses what lies wholly after a pause or the end, saying by whom and when', () => {
    expect(window(600_000)).toBe('the contract was paused by the client at 1970-01-01T00:10:00.000Z: time recorded after that is not accepted');
    expect(window(1_080_000, 120_000)).toMatch(/paused by the client/);
    expect(window(1_800_000)).toBe('the contract was ended by the freelancer at 1970-01-01T00:30:00.000Z: time recorded after that is not accepted');
    expect(window(10 * DAY)).toMatch(/ended by the freelancer/);
  });

  it('leaves a window before the first state to the contract-start rule, and refuses the invited stretch', () => {
    expect(segmentRefusal([{ state: 'active', at: 120_000, bySide: null }], 0, 60_000)).toBeNull();
    const invited: StateMoment[] = [
      { state: 'invited', at: 0, bySide: 'client' },
      { state: 'active', at: 300_000, bySide: 'freelancer' },
    ];
    expect(segmentRefusal(invited, 60_000, 120_000)).toMatch(/not active/);
    expect(segmentRefusal(invited, 240_000, 360_000)).toBeNull(); // the segment open when the invitation was accepted
  });

  it('agrees with the stretches drawn from the history, whatever order it comes in', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(history, { minLength: history.length }), fc.integer({ min: 0, max: 3_000_000 }), fc.integer({ min: 1, max: 600_000 }), (shuffled, start, length) => {
        const refusal = segmentRefusal(shuffled, start, start + length);
        expect(refusal).toBe(window(start, length));
        expect(stateAt(shuffled, start)).toEqual(stateAt(history, start));
        // Kept exactly when some instant of the window is active: sample the window finely.
        const activeSomewhere = Array.from({ length: 61 }, (_, i) => start + Math.floor((i * (length - 1)) / 60)).some((t) => stateAt(history, t)?.state === 'active');
        if (activeSomewhere) expect(refusal).toBeNull();
        const activeNowhere = stateAt(history, start)?.state !== 'active' && ![0, 1_200_000].some((t) => t >= start && t < start + length);
        if (activeNowhere) expect(refusal).not.toBeNull();
      }),
    );
  });
});

describe('when a screenshot is purged', () => {
  it('is its retention after it was taken, or the kept days after the end if that comes first', () => {
    expect(screenshotPurgeAt(0, 30, null)).toBe(30 * DAY);
    expect(screenshotPurgeAt(0, 30, { at: 5 * DAY, keepScreenshotsDays: 10 })).toBe(15 * DAY);
    expect(screenshotPurgeAt(0, 30, { at: 25 * DAY, keepScreenshotsDays: 10 })).toBe(30 * DAY);
    expect(screenshotPurgeAt(0, 30, { at: 5 * DAY, keepScreenshotsDays: 0 })).toBe(5 * DAY);
  });
});

describe("what an agent makes of the contract's state", () => {
  const status = (state: string, by: ContractSide | null = 'client') => ({ state, seq: 2, since: '2026-01-01T00:00:00.000Z', by });

  it('tracks only an active contract, and says why not otherwise', () => {
    expect(trackingVerdict(status('active'))).toEqual({ trackable: true });
    expect(trackingVerdict(status('paused'))).toEqual({ trackable: false, reason: 'it was paused by the client' });
    expect(trackingVerdict(status('ended', 'freelancer'))).toEqual({ trackable: false, reason: 'it was ended by the freelancer' });
    expect(trackingVerdict(status('invited'))).toMatchObject({ trackable: false });
  });

  it('fails closed on no state and on a state it does not know', () => {
    expect(trackingVerdict(null).trackable).toBe(false);
    expect(trackingVerdict(undefined).trackable).toBe(false);
    expect(trackingVerdict(status('suspended'))).toMatchObject({ trackable: false, reason: expect.stringMatching(/does not know/) });
  });

  it('takes a policy as newer when either counter moved on and neither went back', () => {
    const p = (version: number, seq?: number) => ({ version, contract: seq === undefined ? undefined : { ...status('active'), seq } });
    expect(isNewerPolicy(p(1, 1), null)).toBe(true);
    expect(isNewerPolicy(p(1, 2), p(1, 1))).toBe(true);
    expect(isNewerPolicy(p(2, 1), p(1, 1))).toBe(true);
    expect(isNewerPolicy(p(1, 1), p(1, 1))).toBe(false);
    expect(isNewerPolicy(p(2, 1), p(1, 2))).toBe(false);
    expect(isNewerPolicy(p(1, 1), p(1))).toBe(true); // a cache from before states: the state is news
  });
});

describe('the password rules', () => {
  it('asks for length, and not the email or the name', () => {
    expect(passwordProblem('short', { email: 'ada@example.com' })).toMatch(/at least 10/);
    expect(passwordProblem('ada@example.com!', { email: 'ada@example.com' })).toMatch(/email/);
    expect(passwordProblem('xx-Lovelace-xx', { email: 'ada@example.com', name: 'Lovelace' })).toMatch(/name/);
    expect(passwordProblem('correct horse battery', { email: 'ada@example.com', name: 'Ada' })).toBeNull();
    expect(passwordProblem('LOVELACE-secret-words', { email: 'lovelace@example.com' })).toMatch(/email/);
    expect(passwordProblem('a bad idea, really', { email: 'ada@example.com' })).toBeNull(); // three letters are not the address
  });
});
