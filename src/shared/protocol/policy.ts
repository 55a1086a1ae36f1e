import { z } from 'zod';

/** What the client of a contract decides about screenshots. `off` means time only. */
export const screenshotModeSchema = z.enum(['on', 'blurred', 'off']);
export type ScreenshotMode = z.infer<typeof screenshotModeSchema>;

export const MIN_SEGMENT_SECONDS = 60;
export const DEFAULT_SEGMENT_SECONDS = 600;

export const segmentSecondsSchema = z
  .number()
  .int()
  .min(MIN_SEGMENT_SECONDS)
  .max(3600)
  // Segments must tile the hour so that minute buckets and segment starts line up.
  .refine((s) => 3600 % s === 0 && s % 60 === 0, 'segmentSeconds must be a whole number of minutes dividing an hour');

export const policySchema = z
  .object({
    contractId: z.string().min(1).max(128),
    screenshots: screenshotModeSchema,
    segmentSeconds: segmentSecondsSchema,
    retentionDays: z.number().int().min(1).max(3650),
    version: z.number().int().min(1),
    updatedAt: z.iso.datetime(),
  })
  .strict();
export type Policy = z.infer<typeof policySchema>;
