import { z } from 'zod';
import { typedTextSchema } from './text.js';

export const loginRequestSchema = z
  .object({
    email: z.email().max(320),
    password: z.string().min(1).max(1024),
  })
  .strict();
export type LoginRequest = z.infer<typeof loginRequestSchema>;

/** An account. It has no role: roles belong to contracts (the client of one may be the freelancer of another). */
export const userSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
  })
  .strict();
export type ApiUser = z.infer<typeof userSchema>;

export const loginResponseSchema = z
  .object({
    token: z.string(),
    /** When the token stops working (ISO 8601 UTC); the agent signs in again after that. */
    expiresAt: z.iso.datetime(),
    user: userSchema,
  })
  .strict();
export type LoginResponse = z.infer<typeof loginResponseSchema>;

/**
 * DELETE /auth/token revokes the bearer token that makes the call (sign-out): 204 and no body. From then on that
 * token gets 401 on every route; the user's other tokens (other devices) keep working.
 */
export const logoutResponseSchema = z.null().describe('No content: the token that made the call no longer works');

/**
 * Who may create an account over the API (`worktrace-server --signup`): `invite` (the default) only someone
 * accepting an invitation, with its email; `open` anyone; `closed` nobody (the operator's `user add` only).
 */
export const SIGNUP_MODES = ['invite', 'open', 'closed'] as const;
export const signupModeSchema = z.enum(SIGNUP_MODES);
export type SignupMode = z.infer<typeof signupModeSchema>;

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 1024;

/**
 * Why a new password will not do, in words a person acts on, or null when it will: long enough, and not the email
 * or the name (nor the part of the email before the @). Length is what makes a password hard to guess; composition
 * rules ("one digit, one symbol") are not asked for.
 */
export function passwordProblem(password: string, person: { readonly email: string; readonly name?: string }): string | null {
  if ([...password].length < PASSWORD_MIN_LENGTH) return `use at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `use at most ${PASSWORD_MAX_LENGTH} characters`;
  const lower = password.toLowerCase();
  const email = person.email.toLowerCase();
  const local = email.split('@')[0] ?? '';
  if (lower.includes(email) || (local.length >= 4 && lower.includes(local))) return 'do not use your email address in it';
  const name = (person.name ?? '').trim().toLowerCase();
  if (name.length >= 4 && lower.includes(name)) return 'do not use your name in it';
  return null;
}

/** A name a person types (an account's, a contract's). */
export const personNameSchema = typedTextSchema(200, 'a name');

/** The server's sign-up rules, for the page that offers (or does not offer) to create an account. */
export const signupInfoSchema = z.object({ mode: signupModeSchema, passwordMinLength: z.number().int() }).strict();
export type SignupInfo = z.infer<typeof signupInfoSchema>;

/**
 * POST /auth/signup. With an invitation token (required under `--signup invite`) the email must be the invited one.
 * For an email that already has an account this is a sign-in with that password: the answer never says which of
 * the two happened, so it cannot be asked whether an email has an account.
 */
export const signupRequestSchema = z
  .object({
    email: z.email().max(320),
    name: personNameSchema,
    password: z.string().min(1).max(PASSWORD_MAX_LENGTH),
    invitation: z.string().min(1).max(256).optional(),
  })
  .strict();
export type SignupRequest = z.infer<typeof signupRequestSchema>;

/** PUT /auth/password: the current password proves it is the person; all their sign-ins are revoked, and a new one given. */
export const passwordChangeRequestSchema = z
  .object({
    currentPassword: z.string().min(1).max(PASSWORD_MAX_LENGTH),
    newPassword: z.string().min(1).max(PASSWORD_MAX_LENGTH),
  })
  .strict();
export type PasswordChangeRequest = z.infer<typeof passwordChangeRequestSchema>;

export const passwordChangeResponseSchema = z
  .object({
    /** How many other sign-ins (devices, browsers, agents) were signed out. */
    revokedTokens: z.number().int().min(0),
    /** The caller's new session: the token that made the call was revoked with the others. */
    session: loginResponseSchema,
  })
  .strict();
export type PasswordChangeResponse = z.infer<typeof passwordChangeResponseSchema>;
