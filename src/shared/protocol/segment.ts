import { z } from 'zod';

/** More windows than any desktop shows at once: a count above it is not a count. */
export const MAX_REDACTED_WINDOWS = 1000;

/** Client-generated ids (ULIDs) make every upload idempotent: the same id twice is the same record. */
export const recordIdSchema = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'expected a ULID');

const isoUtc = z.iso.datetime(); // ISO 8601, UTC ("Z")
const count = z.number().int().min(0).max(1_000_000);

export const minuteSchema = z
  .object({
    startedAt: isoUtc,
    /** Seconds of this minute that were tracked (0..60). */
    trackedSeconds: z.number().int().min(0).max(60),
    keyboard: count,
    /** Clicks + wheel notches + seconds in which the pointer moved (movement is coalesced). */
    mouse: count,
    /** Any input in this minute. */
    active: z.boolean(),
    /** Part of an idle stretch (no input for the idle threshold) that the freelancer kept. */
    idle: z.boolean(),
  })
  .strict();
export type MinuteRecord = z.infer<typeof minuteSchema>;

export const appUsageSchema = z
  .object({
    app: z.string().max(256),
    title: z.string().max(1024),
    seconds: z.number().int().min(0).max(86_400),
  })
  .strict();
export type AppUsage = z.infer<typeof appUsageSchema>;

export const screenshotRefSchema = z
  .object({
    id: recordIdSchema,
    takenAt: isoUtc,
    width: z.number().int().min(1).max(65_535),
    height: z.number().int().min(1).max(65_535),
    /** Size of the encoded image (before encryption on the agent). */
    bytes: z.number().int().min(1),
    /** Private windows painted out of the image (absent from older agents: none). */
    redactedWindows: z.number().int().min(0).max(MAX_REDACTED_WINDOWS).optional(),
  })
  .strict();
export type ScreenshotRef = z.infer<typeof screenshotRefSchema>;

/**
 * At most this many app/title entries per segment: in an upload, and in what the server keeps after merging
 * uploads without a revision (older agents), where it keeps the entries with the most seconds.
 */
export const MAX_SEGMENT_APPS = 500;

/**
 * Why a segment has no screenshot although the policy asked for one, when it was for privacy: a private window was
 * active on a capture backend that cannot paint windows out, or the private-window list could not be read.
 */
export const screenshotSkipReasonSchema = z.enum(['private-window', 'private-list-unreadable']);
export type ScreenshotSkipReason = z.infer<typeof screenshotSkipReasonSchema>;

/** One work segment as the agent records it (`worktrace segments --json` items). */
export const segmentRecordSchema = z
  .object({
    id: recordIdSchema,
    contractId: z.string().min(1).max(128),
    startedAt: isoUtc,
    lengthSeconds: z.number().int().min(60).max(3600),
    trackedSeconds: z.number().int().min(0).max(3600),
    idleSeconds: z.number().int().min(0).max(3600),
    memo: z.string().max(2000).nullable(),
    minutes: z.array(minuteSchema).max(60),
    apps: z
      .array(appUsageSchema)
      .max(MAX_SEGMENT_APPS)
      .describe(`At most ${MAX_SEGMENT_APPS} entries; merged uploads keep the ${MAX_SEGMENT_APPS} with the most seconds.`),
    screenshot: screenshotRefSchema.nullable(),
    /** The segment's screenshot was skipped for privacy (absent: it was not). */
    screenshotSkipped: screenshotSkipReasonSchema.optional(),
  })
  .strict();
export type SegmentRecord = z.infer<typeof segmentRecordSchema>;

/** Largest revision: PostgreSQL's integer column holds it; an agent changes a segment far fewer times. */
export const MAX_SEGMENT_REVISION = 2_147_483_647;

/**
 * What the agent uploads: the record plus the policy version in force when it was recorded and, from
 * agents that keep one, the segment's revision — a counter the agent (the segment's only author) raises
 * on every local change. The server keeps the highest revision whole, so a segment may shrink (idle time
 * discarded, a screenshot deleted with its time); uploads without one are merged by maximum.
 */
export const segmentUploadSchema = segmentRecordSchema.extend({
  policyVersion: z.number().int().min(1).nullable(),
  revision: z
    .number()
    .int()
    .min(1)
    .max(MAX_SEGMENT_REVISION)
    .optional()
    .describe('Raised by the agent on every local change of the segment; the highest revision is kept whole (replace, not merge).'),
});
export type SegmentUpload = z.infer<typeof segmentUploadSchema>;
