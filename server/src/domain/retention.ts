import { DAY_MS } from '../support/time.js';

/** The contract's end as retention sees it: when it ended, and how many days its screenshots are kept after. */
export interface ContractEnd {
  readonly at: number;
  readonly keepScreenshotsDays: number;
}

/**
 * When a screenshot is purged: `retentionDays` after it was taken, or `keepScreenshotsDays` after the contract ended,
 * whichever comes first. Time and activity are never purged. The purge's query (ScreenshotsRepository.listExpired)
 * says the same in SQL.
 *
 *   taken ──── retention ────────────────────┤ purge
 *   taken ──── … ── ended ── keep days ──┤ purge (earlier)
 */
export function screenshotPurgeAt(takenAt: number, retentionDays: number, end: ContractEnd | null): number {
  const byRetention = takenAt + retentionDays * DAY_MS;
  return end ? Math.min(byRetention, end.at + end.keepScreenshotsDays * DAY_MS) : byRetention;
}

/** The end of a contract, from its row: null while it has not ended. */
export function contractEnd(contract: { readonly state: string; readonly stateSince: number; readonly keepScreenshotsAfterEndDays: number }): ContractEnd | null {
  return contract.state === 'ended' ? { at: contract.stateSince, keepScreenshotsDays: contract.keepScreenshotsAfterEndDays } : null;
}
