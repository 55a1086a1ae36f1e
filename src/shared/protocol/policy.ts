import { z } from 'zod';
import { privateWindowListSchema } from '../privacy/private-windows.js';
import { contractStatusSchema, receivedContractStatusSchema } from './contract-state.js';

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

/**
 * The terms an agent follows: the screenshot policy (`version` counts its versions) and the contract's state
 * (`contract.seq` counts its changes), sent together so one stream tells a running agent both.
 */
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
    contract: contractStatusSchema,
  })
  .strict();
export type Policy = z.infer<typeof policySchema>;

/**
 * A policy as an agent takes it from a server or its cache: everything checked as in policySchema except
 * - the private-window list, which the agent reads on its own (readPrivateList). A list it cannot read (a newer
 *   server's rule kind, damage) then stops screenshots while the rest of the policy still applies, rather than the
 *   whole version being ignored and screenshots going on without the client's new rules;
 * - the contract's state, which may be one this build does not know, or missing (a cache written before contracts
 *   had states); either means do not track (trackingVerdict).
 */
export const receivedPolicySchema = policySchema.extend({ privateWindows: z.unknown().optional(), contract: receivedContractStatusSchema.optional() });
export type ReceivedPolicy = z.infer<typeof receivedPolicySchema>;

/**
 * Whether `candidate` is newer than `known`: neither counter went back and at least one moved on. The screenshot
 * policy and the contract's state change independently, so a version alone would miss a pause.
 */
export function isNewerPolicy(candidate: Pick<ReceivedPolicy, 'version' | 'contract'>, known: Pick<ReceivedPolicy, 'version' | 'contract'> | null): boolean {
  if (!known) return true;
  const seq = (p: Pick<ReceivedPolicy, 'contract'>) => p.contract?.seq ?? 0;
  if (candidate.version < known.version || seq(candidate) < seq(known)) return false;
  return candidate.version > known.version || seq(candidate) > seq(known);
}
