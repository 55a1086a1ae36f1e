import type { ApiErrorCode } from '../../src/shared/protocol/api/index.js';

/**
 * An error the API answers with on purpose: an HTTP status, a stable code the agent can branch on,
 * and a message a person can act on. Anything else that escapes a handler is a 500 and a bug.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    /** For a 429: whole seconds to wait before trying again, sent as Retry-After. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export const badRequest = (code: ApiErrorCode, message: string) => new ApiError(400, code, message);
export const unauthenticated = (message = 'sign in first: send Authorization: Bearer <token>') =>
  new ApiError(401, 'UNAUTHENTICATED', message);
export const forbidden = (message: string) => new ApiError(403, 'FORBIDDEN', message);
export const notFound = (what: string) => new ApiError(404, 'NOT_FOUND', `${what} not found`);
export const conflict = (code: ApiErrorCode, message: string) => new ApiError(409, code, message);
export const gone = (code: ApiErrorCode, message: string) => new ApiError(410, code, message);
export const unprocessable = (code: ApiErrorCode, message: string) => new ApiError(422, code, message);
/** 429 RATE_LIMITED with Retry-After: the agent retries after that long (at least a second). */
export const tooManyRequests = (retryAfterMs: number, message: string) =>
  new ApiError(429, 'RATE_LIMITED', message, Math.max(1, Math.ceil(retryAfterMs / 1000)));
