import { z } from 'zod';
import { privateWindowListSchema } from '../../privacy/private-windows.js';
import { policySchema, receivedPolicySchema, screenshotModeSchema } from '../policy.js';
import { userRoleSchema } from './auth.js';

/** Path parameter: contract, segment and screenshot ids are ULIDs. */
export const ulidParamSchema = z
  .object({ id: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'expected a ULID') })
  .strict();

export const contractSummarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    client: z.object({ id: z.string(), email: z.string() }).strict(),
    freelancer: z.object({ id: z.string(), email: z.string() }).strict(),
    /** The caller's side of this contract. */
    role: userRoleSchema,
    policy: policySchema,
  })
  .strict();
export type ContractSummary = z.infer<typeof contractSummarySchema>;

export const contractListSchema = z.object({ contracts: z.array(contractSummarySchema) }).strict();
export type ContractList = z.infer<typeof contractListSchema>;

/** The list as an agent reads it: each policy's private-window list is read apart (see receivedPolicySchema). */
export const receivedContractListSchema = z
  .object({ contracts: z.array(contractSummarySchema.extend({ policy: receivedPolicySchema })) })
  .strict();
export type ReceivedContractSummary = z.infer<typeof receivedContractListSchema>['contracts'][number];

/** What the client may change. segmentSeconds is fixed for the life of a contract. */
export const policyUpdateSchema = z
  .object({
    screenshots: screenshotModeSchema.optional(),
    retentionDays: z.number().int().min(1).max(3650).optional(),
    privateWindows: privateWindowListSchema
      .optional()
      .describe("The contract's whole new private-window list (it replaces the previous one; [] clears it)"),
  })
  .strict()
  .refine((u) => u.screenshots !== undefined || u.retentionDays !== undefined || u.privateWindows !== undefined, 'nothing to change');
export type PolicyUpdate = z.infer<typeof policyUpdateSchema>;

/** One entry of a contract's policy history: the version and from when it was in force. */
export const policyVersionSchema = z
  .object({
    version: z.number().int().min(1),
    screenshots: screenshotModeSchema,
    segmentSeconds: z.number().int(),
    retentionDays: z.number().int(),
    effectiveFrom: z.iso.datetime(),
    privateWindows: privateWindowListSchema.describe("The contract's private windows in this version"),
  })
  .strict();
export type PolicyVersion = z.infer<typeof policyVersionSchema>;
