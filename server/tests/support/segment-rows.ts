import type { SegmentUpload } from '../../../src/shared/protocol/index.js';
import type { SegmentRow } from '../../src/repository/index.js';

/** The row the server creates from a first upload (as uploadSegment does: minutes in time order). */
export function rowFromUpload(upload: SegmentUpload, at: number): SegmentRow {
  return {
    id: upload.id,
    contractId: upload.contractId,
    startedAt: Date.parse(upload.startedAt),
    lengthSeconds: upload.lengthSeconds,
    trackedSeconds: upload.trackedSeconds,
    idleSeconds: upload.idleSeconds,
    memo: upload.memo,
    minutes: [...upload.minutes].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt)),
    apps: upload.apps,
    policyVersion: upload.policyVersion,
    revision: upload.revision ?? null,
    billable: true,
    screenshotSkipped: upload.screenshotSkipped ?? null,
    createdAt: at,
    updatedAt: at,
  };
}

/** What an upload sets on a row: the figures the diary and billing read. */
export const recordedContent = (row: SegmentRow) => ({
  trackedSeconds: row.trackedSeconds,
  idleSeconds: row.idleSeconds,
  minutes: row.minutes,
  apps: row.apps,
  memo: row.memo,
  policyVersion: row.policyVersion,
});
