import { z } from 'zod';
import { recordIdSchema } from '../segment.js';
import { screenshotRemovedSchema } from './diary.js';

/**
 * GET /contracts/{id}/screenshots/removed: the contract's screenshots that are gone on the server (deleted by the
 * client or the freelancer, or purged by retention), for the freelancer's agent to drop its local copies.
 *
 * The window is on CAPTURE time, [from, to), not on removal time: the agent asks about the span of the copies it
 * holds, so a removal is found however late it committed. (A cursor on removal time would miss one whose time was
 * read before a later one committed, and the purge stamps a whole batch with the time it began.)
 *
 * Paging: answers are in (takenAt, id) order, at most REMOVED_SCREENSHOTS_PAGE at a time; when `more` is true, ask
 * again with from = the last entry's takenAt and after = its id.
 *
 * `removedSince` keeps the answers of frequent checks small: only entries removed at or after it. An agent passes its
 * previous answer's `asOf` less a margin, and asks without it now and then (a removal stamped before the margin but
 * committed after that answer is found by the next full check).
 */
export const REMOVED_SCREENSHOTS_PAGE = 500;

export const removedScreenshotsQuerySchema = z
  .object({
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    /** With `from`: only entries captured at `from` whose id sorts after this one (the next page). */
    after: recordIdSchema.optional(),
    /** Only entries removed at or after this time (the server's clock). */
    removedSince: z.iso.datetime().optional(),
  })
  .strict();
export type RemovedScreenshotsQuery = z.infer<typeof removedScreenshotsQuerySchema>;

export const removedScreenshotSchema = z
  .object({
    id: z.string(),
    segmentId: z.string(),
    takenAt: z.iso.datetime(),
    removed: screenshotRemovedSchema,
  })
  .strict();
export type RemovedScreenshot = z.infer<typeof removedScreenshotSchema>;

export const removedScreenshotsSchema = z
  .object({
    contractId: z.string(),
    removed: z.array(removedScreenshotSchema).max(REMOVED_SCREENSHOTS_PAGE),
    /** More removed screenshots lie in the window after the last one listed. */
    more: z.boolean(),
    /** The server's clock when it answered: the next check's removedSince, less a margin. */
    asOf: z.iso.datetime(),
  })
  .strict();
export type RemovedScreenshots = z.infer<typeof removedScreenshotsSchema>;
