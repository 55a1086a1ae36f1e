import { z } from 'zod';
import { screenshotModeSchema } from '../policy.js';
import { recordIdSchema } from '../segment.js';
import { contractTermsSchema } from './terms.js';

/**
 * An invitation to be a contract's freelancer: bound to one email, single use, expiring, revocable. Its token is
 * random, shown once to the client (and mailed, when the server has SMTP) and stored only hashed. The link carries
 * it in the fragment (`/#/invitation/<token>`), which browsers never send to the server, so it stays out of logs.
 */
export const INVITATION_STATES = ['pending', 'accepted', 'declined', 'revoked', 'expired'] as const;
export const invitationStateSchema = z.enum(INVITATION_STATES);
export type InvitationState = z.infer<typeof invitationStateSchema>;

export const invitationSummarySchema = z
  .object({
    id: z.string(),
    contractId: z.string(),
    email: z.string(),
    state: invitationStateSchema,
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
    /** When it was accepted, declined or revoked. */
    closedAt: z.iso.datetime().nullable(),
  })
  .strict();
export type InvitationSummary = z.infer<typeof invitationSummarySchema>;

export const invitationListSchema = z.object({ invitations: z.array(invitationSummarySchema) }).strict();
export type InvitationList = z.infer<typeof invitationListSchema>;

/** What the client gets once, when the invitation is made: the token and the link to pass on. */
export const invitationCreatedSchema = invitationSummarySchema
  .extend({
    token: z.string(),
    link: z.string(),
    /** Whether the server mailed the link (it has SMTP and the mail server took it). */
    mailed: z.boolean(),
  })
  .strict();
export type InvitationCreated = z.infer<typeof invitationCreatedSchema>;

export const INVITATION_PATH = '/#/invitation/';

/** The link a freelancer opens: the dashboard at `baseUrl`, the token in the fragment. */
export function invitationLink(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${INVITATION_PATH}${token}`;
}

/** POST /contracts/{id}/invitations: invite (again, or someone else); an earlier pending invitation is revoked. */
export const invitationCreateSchema = z.object({ email: z.email().max(320) }).strict();

export const invitationParamsSchema = z
  .object({
    id: recordIdSchema,
    invitationId: recordIdSchema,
  })
  .strict();

/** The token, in a body (never a URL: request lines are logged). */
export const invitationTokenSchema = z.object({ token: z.string().min(16).max(256) }).strict();

/** What the holder of an invitation token sees before deciding. It says nothing about whether the email has an account. */
export const invitationViewSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    state: invitationStateSchema,
    expiresAt: z.iso.datetime(),
    contract: z
      .object({
        id: z.string(),
        name: z.string(),
        client: z.object({ name: z.string(), email: z.string() }).strict(),
        screenshots: screenshotModeSchema,
        retentionDays: z.number().int(),
        segmentSeconds: z.number().int(),
        terms: contractTermsSchema,
      })
      .strict(),
  })
  .strict();
export type InvitationView = z.infer<typeof invitationViewSchema>;
