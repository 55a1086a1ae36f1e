import type { PrivateWindowRule } from '../../../src/shared/privacy/index.js';
import type { ScreenshotMode, ScreenshotSkipReason } from '../../../src/shared/protocol/index.js';
import type { AppUsage, MinuteRecord } from '../../../src/shared/protocol/index.js';
import type { ContractSide, ContractState } from '../../../src/shared/protocol/index.js';
import type { InvitationState, RemovalActor } from '../../../src/shared/protocol/api/index.js';

/** Rows as the repositories hand them out. Times are epoch milliseconds (UTC). */
export interface UserRow {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly passwordHash: string;
  readonly createdAt: number;
  /** Set once the operator disabled the account: it signs in nowhere, its tokens are gone. */
  readonly disabledAt: number | null;
}

/** A contract as it is made: who, the segment length and the client's terms. */
export interface NewContractRow {
  readonly id: string;
  readonly name: string;
  readonly clientId: string;
  readonly freelancerId: string | null;
  readonly segmentSeconds: number;
  readonly createdAt: number;
  readonly hourlyRateCents: number | null;
  readonly currency: string | null;
  readonly weeklyLimitHours: number | null;
  readonly timeZone: string;
  readonly keepScreenshotsAfterEndDays: number;
  /** Days after a week ends until the server approves it, if the client has not (now; the history has the past). */
  readonly autoApproveDays: number;
  /** Whether a week's screenshots are deleted once it is approved (now; the history has the past). */
  readonly deleteScreenshotsOnApproval: boolean;
}

/** A contract with its parties and its current state (the latest row of its state history). */
export interface ContractRow extends NewContractRow {
  readonly clientEmail: string;
  readonly clientName: string;
  /** Null until someone accepted the invitation. */
  readonly freelancerEmail: string | null;
  readonly freelancerName: string | null;
  readonly state: ContractState;
  readonly stateSeq: number;
  readonly stateSince: number;
  readonly stateBy: ContractSide | null;
}

/** One change of a contract's state: the seq-th, to `state`, at `at`, by a party (null: the server). */
export interface ContractStateRow {
  readonly contractId: string;
  readonly seq: number;
  readonly state: ContractState;
  readonly at: number;
  readonly bySide: ContractSide | null;
  readonly byUserId: string | null;
}

export interface InvitationRow {
  readonly id: string;
  readonly contractId: string;
  /** Lower case: the account that accepts must have this email. */
  readonly email: string;
  readonly tokenHash: string;
  readonly createdBy: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly closedAs: Exclude<InvitationState, 'pending' | 'expired'> | null;
  readonly closedAt: number | null;
  readonly closedBy: string | null;
}

export interface PolicyVersionRow {
  readonly contractId: string;
  readonly version: number;
  readonly screenshots: ScreenshotMode;
  readonly retentionDays: number;
  readonly effectiveFrom: number;
  /** The contract's private windows in this version (as the client set them). */
  readonly privateWindows: readonly PrivateWindowRule[];
}

/** A version to record: without a private-window list it has none. */
export type NewPolicyVersion = Omit<PolicyVersionRow, 'privateWindows'> & { readonly privateWindows?: readonly PrivateWindowRule[] };

export interface SegmentRow {
  readonly id: string;
  readonly contractId: string;
  readonly startedAt: number;
  readonly lengthSeconds: number;
  readonly trackedSeconds: number;
  readonly idleSeconds: number;
  readonly memo: string | null;
  readonly minutes: readonly MinuteRecord[];
  readonly apps: readonly AppUsage[];
  readonly policyVersion: number | null;
  /** The agent's revision of what is held; null while only uploads without one arrived (older agents). */
  readonly revision: number | null;
  readonly billable: boolean;
  /** The agent skipped the segment's screenshot for privacy; null when it did not (or is older). */
  readonly screenshotSkipped: ScreenshotSkipReason | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  /**
   * Set when the segment reached the server after its week was approved (a late segment): kept and shown apart, out of
   * the approved totals, until the client approves it too (lateApprovedAt, by lateApprovedBy). Read: always there;
   * written without them: none.
   */
  readonly arrivedAfterApprovalAt?: number | null;
  readonly lateApprovedAt?: number | null;
  readonly lateApprovedBy?: string | null;
  /** A late part: the time a segment of an approved week added after the approval, kept apart (domain/late-growth.ts). */
  readonly latePartOf?: string | null;
}

export interface ScreenshotRow {
  readonly id: string;
  readonly segmentId: string;
  readonly contractId: string;
  readonly takenAt: number;
  /** The fields below up to uploadedAt are null once the screenshot was removed: only the placeholder stays. */
  readonly contentType: string | null;
  readonly byteSize: number | null;
  readonly sha256: string | null;
  readonly storageKey: string | null;
  /** The server key that wraps this screenshot's own key, and that wrapped key; null for placeholders and for screenshots stored before sealing. */
  readonly keyId: string | null;
  readonly wrappedKey: string | null;
  readonly uploadedAt: number;
  readonly removedBy: RemovalActor | null;
  readonly removedAt: number | null;
  /** Private windows the agent painted out of the image (read: always there; written without it: none). */
  readonly redactedWindows?: number;
}

/** The approval settings of a contract from `effectiveFrom` on, until the next row (seq + 1). */
export interface ApprovalSettingsRow {
  readonly contractId: string;
  readonly seq: number;
  readonly effectiveFrom: number;
  readonly autoApproveDays: number;
  readonly deleteScreenshotsOnApproval: boolean;
}

/** A week's approval: the week is its Monday in the contract's zone; `approvedBy` null when the server approved it. */
export interface WeekApprovalRow {
  readonly contractId: string;
  readonly week: string;
  readonly approvedAt: number;
  readonly approvedBy: string | null;
}
