import {
  REMOVED_SCREENSHOTS_PAGE,
  type RemovedScreenshots,
  type RemovedScreenshotsQuery,
} from '../../../src/shared/protocol/api/index.js';
import { badRequest } from '../errors.js';
import type { Clock } from '../../../src/shared/clock.js';
import type { Repositories } from '../repository/index.js';
import { parseIso, toIso } from '../support/time.js';
import { contractForParty, type Caller } from './access.js';

/**
 * GET /contracts/{id}/screenshots/removed: what the freelancer's agent needs to drop the copies it keeps of
 * screenshots that are gone here (deleted by either party, or purged by retention). Only the contract's
 * freelancer may ask: the client has the diary, and strangers learn nothing (404).
 *
 * The window is on capture time (see the shared schema for why), paged in (takenAt, id) order.
 */
export async function listRemovedScreenshots(
  repos: Repositories,
  clock: Clock,
  caller: Caller,
  contractId: string,
  query: RemovedScreenshotsQuery,
): Promise<RemovedScreenshots> {
  const { contract } = await contractForParty(repos, caller, contractId, 'freelancer');
  const from = parseIso(query.from);
  const to = parseIso(query.to);
  if (from === undefined || to === undefined) throw badRequest('VALIDATION_FAILED', 'from and to must be ISO 8601 UTC times');
  if (from >= to) throw badRequest('VALIDATION_FAILED', 'from must be before to');
  const removedSince = query.removedSince === undefined ? 0 : parseIso(query.removedSince);
  if (removedSince === undefined) throw badRequest('VALIDATION_FAILED', 'removedSince must be an ISO 8601 UTC time');
  // Read before the query, so that what it misses (stamped later, or stamped a little earlier and committed while it
  // ran) lies after asOf less the margin an agent takes off for its next removedSince.
  const asOf = clock.now();
  // One row more than a page says whether another page follows.
  const rows = await repos.screenshots.listRemoved(contract.id, { from, to, afterId: query.after ?? '', removedSince }, REMOVED_SCREENSHOTS_PAGE + 1);
  const page = rows.slice(0, REMOVED_SCREENSHOTS_PAGE);
  return {
    contractId: contract.id,
    removed: page.map((row) => ({
      id: row.id,
      segmentId: row.segmentId,
      takenAt: toIso(row.takenAt),
      removed: { by: row.removedBy, at: toIso(row.removedAt) },
    })),
    more: rows.length > REMOVED_SCREENSHOTS_PAGE,
    asOf: toIso(asOf),
  };
}
