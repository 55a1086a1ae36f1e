import type { Clock } from '../../../src/shared/clock.js';
import type { MinuteRecord, SegmentUpload } from '../../../src/shared/protocol/index.js';
import type { SegmentUploadResponse } from '../../../src/shared/protocol/api/index.js';
import { badRequest, conflict, notFound, unprocessable } from '../errors.js';
import type { ContractRow, Repositories, RepositorySet, SegmentRow } from '../repository/index.js';
import { toIso } from '../support/time.js';
import { contractForParty, type Caller } from './access.js';
import { firstDoublyBilled } from './billed-once.js';
import { segmentRefusal } from './contract-states.js';
import { contractStart, segmentPolicyVersion, timeBeforeContract, type PolicyHistory } from './policy-history.js';
import { awaitsLateApproval } from './late-approval.js';
import { latePartWrite } from './late-growth.js';
import { foldUpload, segmentProblem, sortMinutes, type MergeResult } from './segment-merge.js';
import type { ContractUploadLimits } from './upload-limits.js';
import { isLockedAt } from './weeks.js';

export interface SegmentServices {
  readonly repos: Repositories;
  readonly clock: Clock;
  readonly limits: ContractUploadLimits;
  /** A segment starting this far past the server's clock is refused. */
  readonly futureSlackMs: number;
}

/** A lone UTF-16 surrogate: not a character, and each database encodes it differently. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * The upload as every backend can hold it, the same way. A memo: PostgreSQL refuses U+0000 in text (the
 * insert fails) while SQLite keeps it, and SQLite stores a lone surrogate as bytes that read back as
 * three U+FFFD where PostgreSQL gives one; so a memo is stored with U+FFFD for each, the diary reads the
 * same on both, and a retry of the same upload is "unchanged". Apps and titles are stored as JSON text,
 * where both are escapes and come back exactly. Minute starts are written one way (`…:00.000Z`), so one
 * instant is one text wherever it is compared.
 */
export function storableUpload(upload: SegmentUpload): SegmentUpload {
  const memo = upload.memo?.replaceAll('\u0000', '\ufffd').replace(LONE_SURROGATE, '\ufffd') ?? null;
  const canonical = upload.minutes.every((m) => toIso(Date.parse(m.startedAt)) === m.startedAt);
  if (memo === upload.memo && canonical) return upload;
  return { ...upload, memo, minutes: canonical ? upload.minutes : upload.minutes.map((m) => ({ ...m, startedAt: toIso(Date.parse(m.startedAt)) })) };
}

/**
 * PUT /segments/{id}: creates the segment or folds the upload into it (see foldUpload), in one
 * transaction that holds the freelancer and the contract, so that two concurrent uploads of one segment
 * cannot both create it, and two uploads of the same minutes in two contracts cannot both bill them.
 * Refused: time from before the contract (409 TIME_BEFORE_CONTRACT) and a minute the freelancer bills
 * already, here or in another contract (409 TIME_ALREADY_BILLED; domain/billed-once.ts). The policy
 * version stored is the one the history says was in force, not the one the agent sent.
 */
export async function uploadSegment(s: SegmentServices, caller: Caller, id: string, received: SegmentUpload): Promise<SegmentUploadResponse> {
  const upload = storableUpload(received);
  if (upload.id !== id) throw badRequest('ID_MISMATCH', 'the body id differs from the id in the path');
  const { contract } = await contractForParty(s.repos, caller, upload.contractId, 'freelancer');
  await s.limits.take('segments', contract.id);
  const now = s.clock.now();
  const problem = segmentProblem(upload, contract.segmentSeconds, now, s.futureSlackMs);
  if (problem) throw unprocessable('SEGMENT_OUT_OF_BOUNDS', problem);
  const history = await s.repos.contracts.policyHistory(contract.id);
  const current = history.at(-1);
  // Versions are issued by this server, 1 up to the current one: anything else is bad input (it is
  // not stored either way: the stored version is derived from the history).
  if (upload.policyVersion !== null && (!current || upload.policyVersion > current.version)) {
    throw unprocessable('VALIDATION_FAILED', `policyVersion ${upload.policyVersion} was never issued for this contract`);
  }
  const start = Date.parse(upload.startedAt);
  const begun = contractStart(history);
  if (begun === undefined) throw new Error(`contract ${contract.id} has no policy`);
  const early = timeBeforeContract({ ...upload, startedAt: start }, begun);
  if (early) throw conflict('TIME_BEFORE_CONTRACT', `${early}: time from before a contract is never billed to it`);
  const end = start + upload.lengthSeconds * 1000;
  // contractForParty let the caller in as this contract's freelancer: the one whose minutes are billed once.
  const freelancerId = caller.id;

  const { row, result } = await s.repos.transaction(async (tx): Promise<{ row: SegmentRow; result: MergeResult }> => {
    // The freelancer first, then the contract: every writer that takes both takes them in this order.
    await tx.users.lockForUploads(freelancerId);
    await tx.contracts.lock(contract.id);
    const existing = await tx.segments.find(id);
    let candidate: SegmentRow;
    let result: MergeResult;
    if (existing) {
      if (existing.contractId !== contract.id) throw notFound('segment');
      if (existing.startedAt !== start || existing.lengthSeconds !== upload.lengthSeconds) {
        throw conflict('SEGMENT_CONFLICT', 'this segment id was recorded with another start or length');
      }
      const fold = foldUpload(existing, upload, now);
      if (fold.kind === 'conflict') throw conflict('SEGMENT_REVISION_CONFLICT', fold.message);
      if (!fold.write) return { row: fold.row, result: fold.result };
      // An approved week is the record both sides rely on: the time of a segment in it no longer changes. Time it
      // adds after the approval is kept as a late part of it (late-growth.ts); a late segment the client has not
      // approved yet is not part of that record, and is revised whole.
      const timeChanged = fold.row.trackedSeconds !== existing.trackedSeconds || fold.row.idleSeconds !== existing.idleSeconds;
      if (timeChanged && !(await awaitsLateApproval(tx, now, contract, existing)) && (await isLockedAt(tx, now, contract, start))) {
        return storeGrowth(tx, freelancerId, history, contract, existing, fold.row, now);
      }
      candidate = fold.row;
      result = fold.result;
    } else {
      // Work wholly after a pause or the end is refused, for good (contract-states.ts).
      const refusal = segmentRefusal(await tx.contracts.stateHistory(contract.id), start, end);
      if (refusal) throw conflict('CONTRACT_NOT_ACTIVE', refusal);
      candidate = {
        id,
        contractId: contract.id,
        startedAt: start,
        lengthSeconds: upload.lengthSeconds,
        trackedSeconds: upload.trackedSeconds,
        idleSeconds: upload.idleSeconds,
        memo: upload.memo,
        minutes: sortMinutes(upload.minutes),
        apps: upload.apps,
        policyVersion: null,
        revision: upload.revision ?? null,
        billable: true,
        screenshotSkipped: upload.screenshotSkipped ?? null,
        createdAt: now,
        updatedAt: now,
        // Under the contract's lock, which approvals take: late or not is decided once, here (late-segments.ts).
        arrivedAfterApprovalAt: (await isLockedAt(tx, now, contract, start)) ? now : null,
      };
      result = 'created';
    }
    await refuseDoubleBilling(tx, freelancerId, candidate, existing?.minutes ?? []);
    const stored: SegmentRow = { ...candidate, policyVersion: segmentPolicyVersion(history, candidate) };
    if (existing) await tx.segments.updateRecorded(stored);
    else await tx.segments.insert(stored);
    return { row: stored, result };
  });

  return {
    id: row.id,
    contractId: row.contractId,
    startedAt: toIso(row.startedAt),
    trackedSeconds: row.trackedSeconds,
    minutes: row.minutes.length,
    billable: row.billable,
    result,
    revision: row.revision,
  };
}

/** 409 TIME_ALREADY_BILLED when `candidate` would bill a minute the freelancer bills already (domain/billed-once.ts). */
async function refuseDoubleBilling(tx: RepositorySet, freelancerId: string, candidate: SegmentRow, held: readonly MinuteRecord[]): Promise<void> {
  // A segment the freelancer stripped of its evidence bills nothing, so it cannot bill anything twice.
  if (!candidate.billable) return;
  const start = candidate.startedAt;
  const others = await tx.segments.listBilledOverlapping(freelancerId, start, start + candidate.lengthSeconds * 1000, candidate.id);
  const twice = firstDoublyBilled(candidate.minutes, others, held);
  if (!twice) return;
  const where = twice.contractId === candidate.contractId ? 'this contract' : `contract ${twice.contractId}`;
  throw conflict(
    'TIME_ALREADY_BILLED',
    `minute ${toIso(twice.minute)} is already billed in segment ${twice.segmentId} of ${where} ` +
      `(${twice.billedSeconds} s there, ${twice.uploadedSeconds} s here): your time is billed once, whatever the contract or device`,
  );
}

/**
 * A revision of a segment of an approved week that changes its time: the time added after the approved record is
 * stored as a late part (late-growth.ts); anything else would change the record, 409 WEEK_APPROVED. The answer
 * speaks of the segment the agent knows, whole (its record and its late parts).
 */
async function storeGrowth(
  tx: RepositorySet,
  freelancerId: string,
  history: PolicyHistory,
  contract: Pick<ContractRow, 'id' | 'timeZone'>,
  segment: SegmentRow,
  revised: SegmentRow,
  now: number,
): Promise<{ row: SegmentRow; result: MergeResult }> {
  const write = await latePartWrite(tx, contract, segment, revised, now);
  switch (write.kind) {
    case 'changed':
      throw conflict('WEEK_APPROVED', `the week of this segment was approved and ${write.why}: only time added after the approved minutes is taken, apart`);
    case 'revision-conflict':
      throw conflict('SEGMENT_REVISION_CONFLICT', `revision ${write.revision} of this segment was uploaded before with other content`);
    case 'unchanged':
      return { row: { ...segment, ...write.held }, result: 'unchanged' };
    case 'insert':
    case 'update': {
      await refuseDoubleBilling(tx, freelancerId, write.row, write.held?.minutes ?? []);
      const stored: SegmentRow = { ...write.row, policyVersion: segmentPolicyVersion(history, write.row) };
      if (write.kind === 'insert') await tx.segments.insert(stored);
      else await tx.segments.updateRecorded(stored);
      return { row: { ...revised, billable: segment.billable }, result: write.result };
    }
  }
}
