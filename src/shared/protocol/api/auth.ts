import { z } from 'zod';

export const userRoleSchema = z.enum(['client', 'freelancer']);
export type UserRole = z.infer<typeof userRoleSchema>;

export const loginRequestSchema = z
  .object({
    email: z.email().max(320),
    password: z.string().min(1).max(1024),
  })
  .strict();
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const userSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    role: userRoleSchema,
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
