import { finished, type Readable } from 'node:stream';
import { finished as ended } from 'node:stream/promises';
import type { Logger } from 'pino';
import type { Clock } from '../../../src/shared/clock.js';
import type {
  RemovalActor,
  ScreenshotContentType,
  ScreenshotDeleteResponse,
  ScreenshotUploadResponse,
} from '../../../src/shared/protocol/api/index.js';
import { ApiError, conflict, gone, notFound, unprocessable } from '../errors.js';
import type { ContractRow, Repositories, RepositorySet, ScreenshotRow } from '../repository/index.js';
import { toIso } from '../support/time.js';
import { contractForParty, type Caller } from './access.js';
import { ImageIntake } from './image-intake.js';
import { jpegProblem } from './jpeg.js';
import { policyInForceAt } from './policy-history.js';
import { contractEnd, screenshotPurgeAt } from './retention.js';
import type { ContractUploadLimits } from './upload-limits.js';
import type { ScreenshotObjects } from './screenshot-objects.js';
import { goneOnApproval } from './approval-deletion.js';
import { isLockedAt } from './weeks.js';

export interface ScreenshotServices {
  readonly repos: Repositories;
  readonly objects: ScreenshotObjects;
  readonly clock: Clock;
  readonly limits: ContractUploadLimits;
  readonly logger: Logger;
  readonly futureSlackMs: number;
  /** The size cap of an uploaded image (413 beyond). */
  readonly maxImageBytes: number;
}

export interface ScreenshotUpload {
  readonly segmentId: string;
  readonly capturedAt: number;
  /** Private windows the agent painted out of the image (the agent's word; 0 when it does not say). */
  readonly redactedWindows: number;
  readonly contentType: ScreenshotContentType;
  /** The request body, read only once the checks that need no image passed (a refused upload is never stored). */
  readonly body: Readable;
  /** Its Content-Length, when the request announced one. */
  readonly length: number | undefined;
}

const removedMessage = (s: ScreenshotRow) => `screenshot ${s.id} was deleted (by ${s.removedBy}) and cannot come back`;

async function expiresAt(repos: Repositories, contractId: string, takenAt: number): Promise<number> {
  const policy = await repos.contracts.currentPolicy(contractId);
  const contract = await repos.contracts.find(contractId);
  return screenshotPurgeAt(takenAt, policy?.retentionDays ?? 0, contract ? contractEnd(contract) : null);
}

/**
 * PUT /screenshots/{id}. The checks, in order: the caller is the segment's freelancer; the id was
 * never deleted (410) and is not another image (409); the capture time lies inside the segment (422)
 * and not in the future; the policy in force AT THE CAPTURE TIME allowed screenshots (409
 * SCREENSHOTS_DISABLED, whatever the policy is now); it is not already past retention (410); the
 * bytes are one whole, decodable JPEG (422 INVALID_IMAGE). Before all of these, the contract's upload
 * budget (429).
 * A retry of the same image answers as the first upload did.
 *
 * The image streams: from the request through its checks (image-intake.ts) and the sealing to the store, so the
 * server holds no sealed copy and no second copy of an upload. The whole-image check comes once the object is stored
 * (the decode needs the whole image): an image that fails it is removed from the store again, like a losing upload.
 */
export async function uploadScreenshot(
  s: ScreenshotServices,
  caller: Caller,
  id: string,
  upload: ScreenshotUpload,
): Promise<ScreenshotUploadResponse> {
  const segment = await s.repos.segments.find(upload.segmentId);
  if (!segment) throw new ApiError(404, 'SEGMENT_NOT_FOUND', 'upload the segment before its screenshot');
  const { contract } = await contractForParty(s.repos, caller, segment.contractId, 'freelancer');
  await s.limits.take('screenshots', contract.id);

  const previous = await s.repos.screenshots.find(id);
  // An id from another contract is simply taken: say nothing more about someone else's screenshot.
  if (previous && previous.contractId !== contract.id) throw conflict('SCREENSHOT_CONFLICT', 'this screenshot id is taken');
  if (previous?.removedAt != null) throw gone('SCREENSHOT_DELETED', removedMessage(previous));
  if (previous) {
    if (previous.segmentId === segment.id && previous.sha256 === (await hashOf(s, id, upload))) return describe(s.repos, previous);
    throw conflict('SCREENSHOT_CONFLICT', 'this screenshot id already holds another image');
  }
  const start = segment.startedAt;
  const end = start + segment.lengthSeconds * 1000;
  if (upload.capturedAt < start || upload.capturedAt >= end) {
    throw unprocessable('CAPTURE_OUTSIDE_SEGMENT', `the capture time lies outside segment ${segment.id} [${toIso(start)}, ${toIso(end)})`);
  }
  if (upload.capturedAt > s.clock.now() + s.futureSlackMs) throw unprocessable('CAPTURE_IN_FUTURE', 'the capture time lies in the future');
  const history = await s.repos.contracts.policyHistory(contract.id);
  const policy = policyInForceAt(history, upload.capturedAt);
  if (!policy || policy.screenshots === 'off') {
    // Fail closed: no policy known for that moment means time only.
    throw conflict('SCREENSHOTS_DISABLED', 'screenshots were off for this contract at the capture time');
  }
  // A capture already past the contract's retention would only be stored to be purged: it is, in
  // effect, already deleted, and the agent may drop its copy.
  const current = history.at(-1);
  if (current && screenshotPurgeAt(upload.capturedAt, current.retentionDays, contractEnd(contract)) <= s.clock.now()) {
    throw gone('SCREENSHOT_DELETED', `the capture is past the contract's retention (${current.retentionDays} days, or the days screenshots are kept after its end)`);
  }
  const intake = intakeOf(s, id, upload, true);
  let stored;
  try {
    stored = await s.objects.store(id, intake, upload.length);
  } catch (error) {
    throw intake.errored ?? error; // the upload's own fault (413, 422), not the store's, when it is one
  }
  const image = intake.image();
  const sha256 = intake.sha256();
  const problem = await jpegProblem(image);
  if (problem) {
    await s.objects.discard(stored.storageKey);
    throw unprocessable('INVALID_IMAGE', `the body is not a whole JPEG image: ${problem}`);
  }
  const row: ScreenshotRow = {
    id,
    segmentId: segment.id,
    contractId: contract.id,
    takenAt: upload.capturedAt,
    contentType: upload.contentType,
    byteSize: image.length,
    sha256,
    storageKey: stored.storageKey,
    keyId: stored.keyId,
    wrappedKey: stored.wrappedKey,
    uploadedAt: s.clock.now(),
    removedBy: null,
    removedAt: null,
    redactedWindows: upload.redactedWindows,
  };
  try {
    await s.repos.transaction(async (tx) => {
      await tx.contracts.lock(contract.id);
      const raced = (await tx.screenshots.find(id)) ?? (await tx.screenshots.findBySegment(segment.id));
      if (raced?.id === id && raced.removedAt == null && raced.sha256 === sha256) return; // a concurrent retry won
      if (raced?.id === id && raced.removedAt != null) throw gone('SCREENSHOT_DELETED', removedMessage(raced));
      if (raced) throw conflict('SCREENSHOT_CONFLICT', `segment ${segment.id} already has a screenshot`);
      await tx.screenshots.insert(row);
    });
  } catch (error) {
    await s.objects.discard(stored.storageKey);
    throw error;
  }
  const held = await s.repos.screenshots.find(id);
  if (held?.storageKey !== stored.storageKey) await s.objects.discard(stored.storageKey); // a concurrent retry stored the same image first
  return describe(s.repos, held ?? row);
}

/** The body through an intake (size cap, head check, hash); the body stops being read when the intake fails. */
function intakeOf(s: Pick<ScreenshotServices, 'maxImageBytes' | 'logger'>, id: string, upload: ScreenshotUpload, keep: boolean): ImageIntake {
  const intake = new ImageIntake({ maxBytes: s.maxImageBytes, length: upload.length, keep });
  // A body cut off (the client went away) is the client's doing, not a server fault to log as one. finished() also
  // reports a body that was gone before this point: the client can leave while the checks above still run, and an
  // upload listening only for events to come would wait for ever, holding its temporary file.
  finished(upload.body, (error) => {
    if (!error) return;
    s.logger.info({ screenshotId: id, received: intake.received }, 'screenshot upload cut off before its end: nothing kept');
    intake.destroy(new ApiError(400, 'VALIDATION_FAILED', 'the body was cut off before its end'));
  });
  upload.body.pipe(intake);
  return intake;
}

/** The SHA-256 of an upload that is only compared with what is stored (a retry), without keeping it. */
async function hashOf(s: Pick<ScreenshotServices, 'maxImageBytes' | 'logger'>, id: string, upload: ScreenshotUpload): Promise<string> {
  const intake = intakeOf(s, id, upload, false);
  intake.resume();
  await ended(intake);
  return intake.sha256();
}

async function describe(repos: Repositories, row: ScreenshotRow): Promise<ScreenshotUploadResponse> {
  return {
    id: row.id,
    segmentId: row.segmentId,
    takenAt: toIso(row.takenAt),
    bytes: row.byteSize ?? 0,
    contentType: row.contentType as ScreenshotContentType,
    expiresAt: toIso(await expiresAt(repos, row.contractId, row.takenAt)),
  };
}

/** GET /screenshots/{id}: the image, for the contract's two parties only; 410 once deleted, its week's approval included. */
export async function readScreenshot(
  s: Pick<ScreenshotServices, 'repos' | 'objects' | 'clock'>,
  caller: Caller,
  id: string,
): Promise<{ contentType: string; bytes: Buffer }> {
  const row = await s.repos.screenshots.find(id);
  if (!row) throw notFound('screenshot');
  const { contract } = await contractForParty(s.repos, caller, row.contractId);
  if (row.removedAt != null || !row.storageKey || !row.contentType) throw gone('SCREENSHOT_DELETED', removedMessage(row));
  if (await goneOnApproval(s.repos, s.clock.now(), contract, row)) {
    throw gone('SCREENSHOT_DELETED', `screenshot ${id} was deleted (on approval of its week) and cannot come back`);
  }
  const bytes = await s.objects.read(row);
  if (!bytes) throw gone('SCREENSHOT_DELETED', `screenshot ${id} is no longer stored`);
  return { contentType: row.contentType, bytes };
}

/**
 * DELETE /screenshots/{id}. The row keeps only the placeholder, and the screenshot's key goes with the rest of it
 * (crypto-shredding: from that commit on, no copy of the object anywhere can be opened); then the object is deleted
 * from the store (queued in the same transaction, so a store that fails now is retried by the purge). A client's
 * deletion keeps the segment's time billed; a freelancer's makes it unbillable, so that evidence
 * cannot be hidden while the time is billed. A freelancer may also delete a screenshot the server
 * has not received yet by naming its segment: a placeholder is recorded, so its upload is refused.
 */
export async function deleteScreenshot(
  s: Pick<ScreenshotServices, 'repos' | 'objects' | 'clock' | 'logger'>,
  caller: Caller,
  id: string,
  hint: { segmentId?: string } = {},
): Promise<ScreenshotDeleteResponse> {
  const row = await s.repos.screenshots.find(id);
  if (!row) {
    if (hint.segmentId) return deleteBeforeUpload(s, caller, id, hint.segmentId);
    throw notFound('screenshot');
  }
  const { contract, side } = await contractForParty(s.repos, caller, row.contractId);
  if (hint.segmentId && hint.segmentId !== row.segmentId) throw notFound('screenshot');
  if (row.removedAt != null) throw gone('SCREENSHOT_DELETED', removedMessage(row));
  const by: RemovalActor = side;
  const at = s.clock.now();
  const billable = await s.repos.transaction(async (tx) => {
    await tx.contracts.lock(contract.id);
    // Under the contract's lock, which an approval takes too: no approval can slip between the check and the deletion.
    if (by === 'freelancer') await refuseInApprovedWeek(tx, at, contract, row.segmentId);
    if (!(await tx.screenshots.markRemoved(id, by, at))) throw gone('SCREENSHOT_DELETED', `screenshot ${id} was already deleted`);
    if (by === 'freelancer') await tx.segments.setBillable(row.segmentId, false, at);
    return (await tx.segments.find(row.segmentId))?.billable ?? false;
  });
  if (row.storageKey) await s.objects.deleteQueued(s.repos, s.logger, [row.storageKey]);
  return { id, segmentId: row.segmentId, removed: { by, at: toIso(at) }, segmentBillable: billable };
}

/** The freelancer may not delete evidence of a week the client approved (it would make its time unbillable). */
async function refuseInApprovedWeek(repos: RepositorySet, now: number, contract: ContractRow, segmentId: string): Promise<void> {
  const segment = await repos.segments.find(segmentId);
  if (segment && (await isLockedAt(repos, now, contract, segment.startedAt))) {
    throw conflict('WEEK_APPROVED', "this screenshot's week was approved: its screenshots can no longer be deleted by the freelancer");
  }
}

async function deleteBeforeUpload(
  s: Pick<ScreenshotServices, 'repos' | 'clock'>,
  caller: Caller,
  id: string,
  segmentId: string,
): Promise<ScreenshotDeleteResponse> {
  const segment = await s.repos.segments.find(segmentId);
  if (!segment) throw new ApiError(404, 'SEGMENT_NOT_FOUND', 'upload the segment first, then delete its screenshot');
  const { contract } = await contractForParty(s.repos, caller, segment.contractId, 'freelancer');
  const at = s.clock.now();
  await s.repos.transaction(async (tx) => {
    await tx.contracts.lock(contract.id);
    await refuseInApprovedWeek(tx, at, contract, segment.id);
    const existing = (await tx.screenshots.find(id)) ?? (await tx.screenshots.findBySegment(segment.id));
    if (existing) throw conflict('SCREENSHOT_CONFLICT', 'the server already has a screenshot for this segment: delete it by its own id');
    await tx.screenshots.insert({
      id,
      segmentId: segment.id,
      contractId: contract.id,
      takenAt: segment.startedAt,
      contentType: null,
      byteSize: null,
      sha256: null,
      storageKey: null,
      keyId: null,
      wrappedKey: null,
      uploadedAt: at,
      removedBy: 'freelancer',
      removedAt: at,
    });
    await tx.segments.setBillable(segment.id, false, at);
  });
  return { id, segmentId: segment.id, removed: { by: 'freelancer', at: toIso(at) }, segmentBillable: false };
}
