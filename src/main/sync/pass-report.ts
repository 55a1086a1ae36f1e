import type { OutboxItem, OutboxKind } from '../store/index.js';

/** Items per kind, as a pass reports them. */
export interface ItemTally {
  segments: number;
  screenshots: number;
  /** The freelancer's screenshot deletions (a deletion the server had already done counts as sent). */
  deletions: number;
}

/** What became of an item that was parked when the pass took it up (a slow retry, or one asked for). */
export interface RetriedItem {
  readonly kind: OutboxKind;
  readonly itemId: string;
  /**
   * sent: the server took it (or, for a deletion, had done it already); refused: a final answer, it left the queue;
   * parked: refused again, it waits for its next slow retry; waiting: temporary trouble (server, clock, key), it is
   * retried soon on its own.
   */
  readonly result: 'sent' | 'refused' | 'parked' | 'waiting';
  /** The failure, for every result but sent. */
  readonly detail: string | null;
}

/** Why a pass ended before the queue was empty. */
export interface PassStop {
  /**
   * unauthorized: the token is refused (sign in again); transient: the server cannot be reached or is in trouble;
   * clock: the server judges this computer's clock wrong, so the items recorded after the refused one wait too.
   */
  readonly reason: 'unauthorized' | 'transient' | 'clock';
  readonly detail: string;
  readonly retryAt: number | null;
}

/** What one pass did. */
export interface PassReport {
  readonly sent: ItemTally;
  /** 409/410 (409 for a deletion) with the API's code: final answers; refused screenshots were deleted locally. */
  readonly refused: ItemTally;
  readonly parked: number;
  /** Items that were parked when the pass reached them, with what became of each. */
  readonly retried: readonly RetriedItem[];
  readonly stoppedBy: PassStop | null;
  /** Unsent screenshots dropped to respect the quota before the pass (uploaded copies dropped first are not counted). */
  readonly droppedForQuota: number;
  /** Copies deleted here because their screenshot is gone on the server (deleted by the client, or purged). */
  readonly removedOnServer: number;
}

/** A report being filled in by a pass. */
export type PassReportDraft = { -readonly [K in keyof PassReport]: K extends 'retried' ? RetriedItem[] : PassReport[K] };

export function emptyReport(droppedForQuota: number): PassReportDraft {
  return {
    sent: { segments: 0, screenshots: 0, deletions: 0 },
    refused: { segments: 0, screenshots: 0, deletions: 0 },
    parked: 0,
    retried: [],
    stoppedBy: null,
    droppedForQuota,
    removedOnServer: 0,
  };
}

export function tallyKey(item: Pick<OutboxItem, 'kind'>): keyof ItemTally {
  switch (item.kind) {
    case 'segment':
      return 'segments';
    case 'screenshot':
      return 'screenshots';
    case 'screenshot-deletion':
      return 'deletions';
  }
}
