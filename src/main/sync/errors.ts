import { CodedError } from '../../shared/errors.js';

/**
 * Errors of the sync layer. Each has a stable code; the CLI prints the message as one line (bin.ts maps any
 * error with an upper-case string code), so every message says what happened and what to do.
 */
export type SyncErrorCode =
  | 'INVALID_SERVER_URL'
  | 'PLAIN_HTTP_REFUSED'
  | 'NOT_SIGNED_IN'
  | 'SIGN_IN_AGAIN'
  | 'INVALID_CREDENTIALS'
  | 'PASSWORD_MISSING'
  | 'CREDENTIALS_UNREADABLE'
  | 'CONTRACT_NOT_FOUND'
  | 'SERVER_UNREACHABLE'
  | 'SERVER_REFUSED'
  | 'BAD_ANSWER'
  /** The server judges this computer's clock wrong (a future start or capture): uploads wait for it to be set right. */
  | 'CLOCK_SKEW'
  /** The screenshot key cannot be read (keychain locked, key file unreadable): screenshots wait, time goes on. */
  | 'SCREENSHOT_KEY_UNREADABLE';

export class SyncError extends CodedError<SyncErrorCode> {}

/**
 * Why one request failed, in the terms the uploader and the policy source branch on:
 * - network: no answer at all (refused, reset, timeout, a body cut short) -> retry later;
 * - http: the server answered with an error status (and, when it sent one, its error code);
 * - invalid: a success status whose body is not what the protocol says (HTML, truncated JSON, wrong
 *   fields) -> treated like a transient failure, never trusted.
 */
export type RequestFailure =
  | { readonly kind: 'network'; readonly detail: string }
  | {
      readonly kind: 'http';
      readonly status: number;
      readonly code: string | null;
      readonly detail: string;
      readonly retryAfterMs: number | null;
      /** The server's clock, from the answer's Date header (absent or unreadable: null). */
      readonly serverDateMs?: number | null;
    }
  | { readonly kind: 'invalid'; readonly status: number; readonly detail: string };

/** A failed request; commands turn it into a SyncError with toUserError() before a person sees it. */
export class ApiRequestError extends CodedError<'API_REQUEST_FAILED'> {
  constructor(
    readonly failure: RequestFailure,
    readonly what: string,
  ) {
    super('API_REQUEST_FAILED', `${what}: ${describeFailure(failure)}`);
  }
}

export function describeFailure(failure: RequestFailure): string {
  switch (failure.kind) {
    case 'network':
      return `server unreachable (${failure.detail})`;
    case 'http':
      return `HTTP ${failure.status}${failure.code ? ` ${failure.code}` : ''}: ${failure.detail}`;
    case 'invalid':
      return `unreadable answer (HTTP ${failure.status}: ${failure.detail})`;
  }
}

/** Transient: worth retrying later with backoff (network trouble, 5xx, 429, an answer we could not read). */
export function isTransient(failure: RequestFailure): boolean {
  switch (failure.kind) {
    case 'network':
    case 'invalid':
      return true;
    case 'http':
      return failure.status >= 500 || failure.status === 429 || failure.status === 408;
  }
}
