import type { Clock } from '../../../src/shared/clock.js';
import type { SegmentUpload } from '../../../src/shared/protocol/index.js';
import type { SegmentUploadResponse } from '../../../src/shared/protocol/api/index.js';
import { badRequest, conflict, notFound, unprocessable } from '../errors.js';
import type { Repositories, SegmentRow } from '../repository/index.js';
import { toIso } from '../support/time.js';
import { contractForParty, type Caller } from './access.js';
import { foldUpload, segmentProblem, sortMinutes, type MergeResult } from './segment-merge.js';

export interface SegmentRules {
  readonly futureSlackMs: number;
}

/** A lone UTF-16 surrogate: not a character, and each database encodes it differently. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Text as every backend can hold it, the same way: PostgreSQL refuses U+0000 in text (the insert
 * fails) while SQLite keeps it, and SQLite stores a lone surrogate as bytes that read back as three
 * U+FFFD where PostgreSQL gives one. A memo is stored with U+FFFD for each, so the diary reads the
 * same on both and a retry of the same upload is "unchanged". Apps and titles are stored as JSON text,
 * where both are escapes and come back exactly.
 */
export function storableUpload(upload: SegmentUpload): SegmentUpload {
  const memo = upload.memo?.replaceAll('\u0000', '\ufffd').replace(LONE_SURROGATE, '\ufffd') ?? null;
  return memo === upload.memo ? upload : { ...upload, memo };
}

/**
 * PUT /segments/{id}: creates the segment or folds the upload into it (see foldUpload), in one
 * transaction that holds the contract, so two concurrent uploads of one segment cannot both create it.
 */
export async function uploadSegment(
  repos: Repositories,
  clock: Clock,
  rules: SegmentRules,
  caller: Caller,
  id: string,
  received: SegmentUpload,
): Promise<SegmentUploadResponse> {
  const upload = storableUpload(received);
  if (upload.id !== id) throw badRequest('ID_MISMATCH', 'the body id differs from the id in the path');
  const { contract } = await contractForParty(repos, caller, upload.contractId, 'freelancer');
  const now = clock.now();
  const problem = segmentProblem(upload, contract.segmentSeconds, now, rules.futureSlackMs);
  if (problem) throw unprocessable('SEGMENT_OUT_OF_BOUNDS', problem);
  // Versions are issued by this server, 1 up to the current one: anything else names no policy (and
  // would not even fit PostgreSQL's integer column).
  if (upload.policyVersion !== null) {
    const current = await repos.contracts.currentPolicy(contract.id);
    if (!current || upload.policyVersion > current.version) {
      throw unprocessable('VALIDATION_FAILED', `policyVersion ${upload.policyVersion} was never issued for this contract`);
    }
  }
  const start = Date.parse(upload.startedAt);

  const { row, result } = await repos.transaction(async (tx): Promise<{ row: SegmentRow; result: MergeResult }> => {
    await tx.contracts.lock(contract.id);
    const existing = await tx.segments.find(id);
    if (existing) {
      if (existing.contractId !== contract.id) throw notFound('segment');
      if (existing.startedAt !== start || existing.lengthSeconds !== upload.lengthSeconds) {
        throw conflict('SEGMENT_CONFLICT', 'this segment id was recorded with another start or length');
      }
      const fold = foldUpload(existing, upload, now);
      if (fold.kind === 'conflict') throw conflict('SEGMENT_REVISION_CONFLICT', fold.message);
      if (fold.write) await tx.segments.updateRecorded(fold.row);
      return { row: fold.row, result: fold.result };
    }
    const overlapping = await tx.segments.findOverlapping(contract.id, start, start + upload.lengthSeconds * 1000, id);
    if (overlapping) {
      throw conflict('SEGMENT_CONFLICT', `segment ${overlapping.id} already covers this time; time is never counted twice`);
    }
    const created: SegmentRow = {
      id,
      contractId: contract.id,
      startedAt: start,
      lengthSeconds: upload.lengthSeconds,
      trackedSeconds: upload.trackedSeconds,
      idleSeconds: upload.idleSeconds,
      memo: upload.memo,
      minutes: sortMinutes(upload.minutes),
      apps: upload.apps,
      policyVersion: upload.policyVersion,
      revision: upload.revision ?? null,
      billable: true,
      createdAt: now,
      updatedAt: now,
    };
    await tx.segments.insert(created);
    return { row: created, result: 'created' };
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
