import type { ContractSide, ContractState } from '../../../src/shared/protocol/index.js';
import { toIso } from '../support/time.js';

/**
 * A contract's life as pure rules: which party may move it to which state, and which segments it accepts.
 *
 *   from \ to    active              paused       ended
 *   invited      by acceptance only  -            client
 *   active       (already)           client       client, freelancer
 *   paused       client              (already)    client, freelancer
 *   ended        -                   -            (already)
 *
 * "(already)" changes nothing and is not an error: a second click on Pause is not a conflict. Only the client pauses
 * and resumes; either party may end. An ended contract stays ended.
 */
export type StateChange =
  | { readonly kind: 'change'; readonly to: ContractState }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'forbidden'; readonly message: string }
  | { readonly kind: 'conflict'; readonly message: string };

export type RequestedState = Extract<ContractState, 'active' | 'paused' | 'ended'>;

export function decideStateChange(current: ContractState, requested: RequestedState, side: ContractSide): StateChange {
  if (side === 'freelancer' && requested !== 'ended') {
    return { kind: 'forbidden', message: "only the contract's client pauses and resumes it; the freelancer may end it" };
  }
  if (current === requested) return { kind: 'unchanged' };
  switch (current) {
    case 'ended':
      return { kind: 'conflict', message: 'the contract has ended: it cannot be paused or resumed any more' };
    case 'invited':
      return requested === 'ended'
        ? { kind: 'change', to: 'ended' }
        : { kind: 'conflict', message: 'the freelancer has not accepted the invitation yet: a contract starts when they do' };
    case 'active':
    case 'paused':
      return { kind: 'change', to: requested };
  }
}

/** One change in a contract's history, as the rules below need it. */
export interface StateMoment {
  readonly state: ContractState;
  readonly at: number;
  readonly bySide: ContractSide | null;
}

/** The state in force at `at`: the latest change made at or before it; null before the contract's first state. */
export function stateAt(history: readonly StateMoment[], at: number): StateMoment | null {
  let found: StateMoment | null = null;
  for (const moment of history) if (moment.at <= at && (!found || moment.at >= found.at)) found = moment;
  return found;
}

/**
 * Whether a new segment may be recorded, by the contract's states over the segment's window [startMs, endMs): it is
 * kept when any of that window lies in a stretch where the contract was active, and refused when all of it lies
 * after a pause or the end. Segments are aligned to the wall clock, so the one running at a pause began before it
 * (kept, even when uploaded later: offline agents), and the one open when tracking resumes began before the resume
 * (kept too: it holds work done after it).
 *
 *   active ──────────┬ paused ───────────────┬ active ────────┬ ended ──────────
 *     [seg] kept  [seg] kept (began active)  │                │
 *                     [seg] refused          │                │
 *                                        [seg] kept (reaches the resume)
 *                                                           [seg] kept  [seg] refused
 *
 * A window wholly before the contract's first state is not this rule's to judge (the contract's start is). Returns
 * why the segment is refused, or null.
 */
export function segmentRefusal(history: readonly StateMoment[], startMs: number, endMs: number): string | null {
  const ordered = [...history].sort((a, b) => a.at - b.at);
  const first = ordered[0];
  if (!first || endMs <= first.at) return null;
  for (const [index, moment] of ordered.entries()) {
    const until = ordered[index + 1]?.at ?? Number.POSITIVE_INFINITY;
    if (moment.state === 'active' && moment.at < endMs && until > startMs) return null;
  }
  const inForce = stateAt(ordered, startMs) ?? first;
  const by = inForce.bySide ? ` by the ${inForce.bySide}` : '';
  switch (inForce.state) {
    case 'invited':
    case 'active': // not reached: a window that meets an active stretch is kept
      return 'the contract was not active when this segment was recorded';
    case 'paused':
      return `the contract was paused${by} at ${toIso(inForce.at)}: time recorded after that is not accepted`;
    case 'ended':
      return `the contract was ended${by} at ${toIso(inForce.at)}: time recorded after that is not accepted`;
  }
}
