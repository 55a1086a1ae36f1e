import type { MinuteRecord } from '../../../src/shared/protocol/index.js';
import type { PolicyVersionRow } from '../repository/index.js';

const MINUTE_MS = 60_000;

/** Versions of one contract's policy, as the repository lists them (every version kept, with when it took effect). */
export type PolicyHistory = readonly Pick<PolicyVersionRow, 'version' | 'screenshots' | 'retentionDays' | 'effectiveFrom'>[];

/** The contract's start: when its first policy version took effect. Undefined for a contract without one. */
export function contractStart(history: PolicyHistory): number | undefined {
  let first: PolicyHistory[number] | undefined;
  for (const v of history) if (!first || v.version < first.version) first = v;
  return first?.effectiveFrom;
}

/**
 * The version in force at `at`: the one that took effect last at or before it (the higher version when
 * two took effect at the same moment). Undefined before the contract's first policy.
 */
export function policyInForceAt<V extends PolicyHistory[number]>(history: readonly V[], at: number): V | undefined {
  let found: V | undefined;
  for (const v of history) {
    if (v.effectiveFrom > at) continue;
    if (!found || v.effectiveFrom > found.effectiveFrom || (v.effectiveFrom === found.effectiveFrom && v.version > found.version)) found = v;
  }
  return found;
}

/** What of a segment these rules read. */
export interface SegmentTimes {
  readonly startedAt: number;
  readonly lengthSeconds: number;
  readonly trackedSeconds: number;
  readonly minutes: readonly MinuteRecord[];
}

/**
 * The policy version a segment was recorded under, from the contract's history, never from the agent:
 * the version in force at its first tracked minute (where the agent opens a segment, and reads its
 * policy), or at its start when it tracked nothing; never earlier than the contract's start, whose
 * minute a first segment may share. Null only for a contract without a policy.
 */
export function segmentPolicyVersion(history: PolicyHistory, segment: SegmentTimes): number | null {
  const instants = (ms: readonly MinuteRecord[]) => ms.map((m) => Date.parse(m.startedAt));
  const tracked = instants(segment.minutes.filter((m) => m.trackedSeconds > 0));
  const anchor = tracked.length > 0 ? Math.min(...tracked) : segment.minutes.length > 0 ? Math.min(...instants(segment.minutes)) : segment.startedAt;
  const start = contractStart(history);
  return policyInForceAt(history, start === undefined ? anchor : Math.max(anchor, start))?.version ?? null;
}

/**
 * Why a segment holds time from before its contract started, or null when it holds none. Segments are
 * cut on the wall clock, so the contract's first segment usually starts before the contract does; what
 * must not lie before it is tracked time:
 *
 *   contract start                          S = 09:03:20
 *   segment          09:00 ───────────────────────────────── 09:10
 *   minutes          09:00 09:01 09:02 | 09:03 09:04 …
 *                    refused           | fine: 09:03 holds S (the agent cannot say which of its seconds)
 *   tracked seconds  at most 09:10 − 09:03 = 420 s
 *
 * So: the segment must end after S, no minute may start before S's minute, and its tracked seconds must
 * fit between S's minute and its end.
 */
export function timeBeforeContract(segment: SegmentTimes, start: number): string | null {
  const end = segment.startedAt + segment.lengthSeconds * 1000;
  if (end <= start) return `the segment ends before the contract started (${new Date(start).toISOString()})`;
  const firstMinute = Math.floor(start / MINUTE_MS) * MINUTE_MS;
  const early = segment.minutes.find((m) => Date.parse(m.startedAt) < firstMinute);
  if (early) return `minute ${early.startedAt} lies before the contract started (${new Date(start).toISOString()})`;
  const room = (end - Math.max(segment.startedAt, firstMinute)) / 1000;
  if (segment.trackedSeconds > room) return `${segment.trackedSeconds} s tracked do not fit after the contract started (${new Date(start).toISOString()})`;
  return null;
}
