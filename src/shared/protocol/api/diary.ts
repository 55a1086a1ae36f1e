import { z } from 'zod';
import { contractStatusSchema } from '../contract-state.js';
import { MAX_REDACTED_WINDOWS, MAX_SEGMENT_APPS, appUsageSchema, minuteSchema, screenshotSkipReasonSchema } from '../segment.js';
import { policyVersionSchema } from './contracts.js';
import { segmentDisputeSchema } from './disputes.js';

/** Segments on one diary page, at most; a page holds fewer when its segments are large (see `nextCursor`). */
export const MAX_DIARY_PAGE_SEGMENTS = 500;

/** Where the next diary page starts (as the server wrote it in `nextCursor`; opaque to clients). */
export const diaryCursorSchema = z.string().regex(/^\d{1,15}_[0-9A-HJKMNP-TV-Z]{26}$/, "expected a diary page's nextCursor");

export const diaryQuerySchema = z
  .object({
    from: z.iso.datetime().optional(),
    to: z.iso.datetime().optional(),
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(MAX_DIARY_PAGE_SEGMENTS)
      .optional()
      .describe(`Segments per page (at most ${MAX_DIARY_PAGE_SEGMENTS}; the server's default when absent).`),
    cursor: diaryCursorSchema.optional().describe("The previous page's nextCursor: the page after it."),
  })
  .strict();
export type DiaryQuery = z.infer<typeof diaryQuerySchema>;

/** Who removed a screenshot: a party, the retention purge, or the approval of its week (the contract's setting; a client's deletion). */
export const removalActorSchema = z.enum(['client', 'freelancer', 'retention', 'approval']);
export type RemovalActor = z.infer<typeof removalActorSchema>;

/** What is left of a screenshot after deletion: who removed it and when. Never the image. */
export const screenshotRemovedSchema = z
  .object({ by: removalActorSchema, at: z.iso.datetime() })
  .strict();
export type ScreenshotRemoved = z.infer<typeof screenshotRemovedSchema>;

export const diaryScreenshotSchema = z
  .object({
    id: z.string(),
    takenAt: z.iso.datetime(),
    /** When the retention purge will delete it, under the contract's current retention. */
    expiresAt: z.iso.datetime(),
    url: z.string(),
    /** Private windows the freelancer's agent painted out of the image ("2 private windows hidden"). */
    redactedWindows: z.number().int().min(0).max(MAX_REDACTED_WINDOWS),
  })
  .strict();

export const diarySegmentSchema = z
  .object({
    id: z.string(),
    startedAt: z.iso.datetime(),
    lengthSeconds: z.number().int(),
    trackedSeconds: z.number().int(),
    idleSeconds: z.number().int(),
    activeMinutes: z.number().int(),
    minutes: z.array(minuteSchema),
    apps: z.array(appUsageSchema).max(MAX_SEGMENT_APPS),
    memo: z.string().nullable(),
    /** The policy in force at the segment's first tracked minute, from the policy history (never the agent's word). */
    policyVersion: z.number().int().nullable(),
    /** False once the freelancer deleted this segment's screenshot. */
    billable: z.boolean(),
    screenshot: diaryScreenshotSchema.nullable(),
    screenshotRemoved: screenshotRemovedSchema.nullable(),
    /** The agent skipped this segment's screenshot for privacy (a private window active, or an unreadable list). */
    screenshotSkipped: screenshotSkipReasonSchema.nullable(),
    /** The client disputes this segment (it is not approved with its week): the note, shown to both parties as text. */
    dispute: segmentDisputeSchema.nullable(),
    /** The segment reached the server after its week was approved: out of the approved totals, approved apart (the week's `late`). */
    arrivedAfterApproval: z.boolean().default(false),
    /** A late part: the time the segment named here added after its week's approval (same window, approved apart). */
    latePartOf: z.string().nullable().default(null),
  })
  .strict();
export type DiarySegment = z.infer<typeof diarySegmentSchema>;

export const diarySchema = z
  .object({
    contractId: z.string(),
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    /** One page of the segments starting in [from, to), oldest first. */
    segments: z.array(diarySegmentSchema).max(MAX_DIARY_PAGE_SEGMENTS),
    /** Ask again with `cursor` set to this for the next page; null on the last page. */
    nextCursor: diaryCursorSchema.nullable(),
    /** Over the whole window, every page included. */
    totals: z.object({ trackedSeconds: z.number().int(), billableSeconds: z.number().int() }).strict(),
    policyHistory: z.array(policyVersionSchema),
    /** Every state the contract went through, oldest first, with who changed it and when. */
    stateHistory: z.array(contractStatusSchema),
  })
  .strict();
export type Diary = z.infer<typeof diarySchema>;
