import { z } from 'zod';
import { appUsageSchema, minuteSchema } from '../segment.js';
import { policyVersionSchema } from './contracts.js';

export const diaryQuerySchema = z
  .object({
    from: z.iso.datetime().optional(),
    to: z.iso.datetime().optional(),
  })
  .strict();
export type DiaryQuery = z.infer<typeof diaryQuerySchema>;

export const removalActorSchema = z.enum(['client', 'freelancer', 'retention']);
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
    apps: z.array(appUsageSchema),
    memo: z.string().nullable(),
    policyVersion: z.number().int().nullable(),
    /** False once the freelancer deleted this segment's screenshot. */
    billable: z.boolean(),
    screenshot: diaryScreenshotSchema.nullable(),
    screenshotRemoved: screenshotRemovedSchema.nullable(),
  })
  .strict();
export type DiarySegment = z.infer<typeof diarySegmentSchema>;

export const diarySchema = z
  .object({
    contractId: z.string(),
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    segments: z.array(diarySegmentSchema),
    totals: z.object({ trackedSeconds: z.number().int(), billableSeconds: z.number().int() }).strict(),
    policyHistory: z.array(policyVersionSchema),
  })
  .strict();
export type Diary = z.infer<typeof diarySchema>;
