import { z } from 'zod';
import { privateWindowListSchema } from '../privacy/private-windows.js';

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
    privateWindows: privateWindowListSchema
      .optional()
      .describe("The contract's private windows (set by the client): the agent paints them out of every screenshot. Absent from older servers: none."),
  })
  .strict();
export type Policy = z.infer<typeof policySchema>;

/**
 * A policy as an agent takes it from a server or its cache: everything checked as in policySchema except the
 * private-window list, which the agent reads on its own (readPrivateList). A list it cannot read (a newer server's
 * rule kind, damage) then stops screenshots while the rest of the policy still applies, rather than the whole
 * version being ignored and screenshots going on without the client's new rules.
 */
export const receivedPolicySchema = policySchema.extend({ privateWindows: z.unknown().optional() });
export type ReceivedPolicy = z.infer<typeof receivedPolicySchema>;
