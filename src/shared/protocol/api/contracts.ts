import { z } from 'zod';
import { privateWindowListSchema } from '../../privacy/private-windows.js';
import { contractSideSchema } from '../contract-state.js';
import { policySchema, receivedPolicySchema, screenshotModeSchema, segmentSecondsSchema } from '../policy.js';
import { recordIdSchema } from '../segment.js';
import { personNameSchema } from './auth.js';
import { invitationCreatedSchema, invitationSummarySchema } from './invitations.js';
import { autoApproveDaysSchema, contractTermsSchema, hourlyRateSchema, timeZoneSchema } from './terms.js';

/** Path parameter: contract, segment and screenshot ids are ULIDs. */
export const ulidParamSchema = z.object({ id: recordIdSchema }).strict();

const partySchema = z.object({ id: z.string(), email: z.string(), name: z.string() }).strict();

export const contractSummarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    client: partySchema,
    /** Null until someone accepted the invitation. */
    freelancer: partySchema.nullable(),
    /** The caller's side of this contract. */
    role: contractSideSchema,
    /** The screenshot policy and, in `policy.contract`, the contract's state. */
    policy: policySchema,
    terms: contractTermsSchema,
    /** Set once ended: when the screenshots of this contract are purged (ISO 8601 UTC). */
    screenshotsPurgedAt: z.iso.datetime().nullable(),
    /** The client's view of the latest invitation; null for the freelancer, and before the first one. */
    invitation: invitationSummarySchema.nullable(),
  })
  .strict();
export type ContractSummary = z.infer<typeof contractSummarySchema>;

export const contractListSchema = z.object({ contracts: z.array(contractSummarySchema) }).strict();
export type ContractList = z.infer<typeof contractListSchema>;

/**
 * The list as an agent reads it: each policy's private-window list is read apart (see receivedPolicySchema), and a
 * contract in a state this build does not know is listed (and not tracked), not a reason to refuse the whole answer.
 */
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

/** POST /contracts: the caller becomes its client, and the freelancer is invited by email at once. */
export const contractCreateSchema = z
  .object({
    name: personNameSchema,
    freelancerEmail: z.email().max(320),
    screenshots: screenshotModeSchema,
    retentionDays: z.number().int().min(1).max(3650),
    segmentSeconds: segmentSecondsSchema.optional(),
    hourlyRate: hourlyRateSchema.nullable().optional(),
    weeklyLimitHours: z.number().int().min(1).max(168).nullable().optional(),
    timeZone: timeZoneSchema,
    keepScreenshotsAfterEndDays: z.number().int().min(0).max(3650).optional(),
    autoApproveDays: autoApproveDaysSchema.optional(),
    deleteScreenshotsOnApproval: z.boolean().optional(),
  })
  .strict();
export type ContractCreate = z.infer<typeof contractCreateSchema>;

export const contractCreatedSchema = z.object({ contract: contractSummarySchema, invitation: invitationCreatedSchema }).strict();
export type ContractCreated = z.infer<typeof contractCreatedSchema>;

/** PATCH /contracts/{id}: the client changes the name or the terms (the time zone stays: weeks already counted in it). */
export const contractUpdateSchema = z
  .object({
    name: personNameSchema.optional(),
    hourlyRate: hourlyRateSchema.nullable().optional(),
    weeklyLimitHours: z.number().int().min(1).max(168).nullable().optional(),
    keepScreenshotsAfterEndDays: z.number().int().min(0).max(3650).optional(),
    autoApproveDays: autoApproveDaysSchema.optional(),
    deleteScreenshotsOnApproval: z.boolean().optional(),
  })
  .strict()
  .refine((u) => Object.values(u).some((v) => v !== undefined), 'nothing to change');
export type ContractUpdate = z.infer<typeof contractUpdateSchema>;

/**
 * PUT /contracts/{id}/state: pause, resume (back to active) or end. The client may do all three; the freelancer may
 * only end. An invitation is accepted, never set here.
 */
export const contractStateChangeSchema = z.object({ state: z.enum(['active', 'paused', 'ended']) }).strict();
export type ContractStateChange = z.infer<typeof contractStateChangeSchema>;

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
