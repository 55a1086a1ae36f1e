import { ApiRequestError, SyncError, describeFailure } from './errors.js';

/**
 * The server's final refusals of recorded time (409), in words for the freelancer: the CLI's (toUserError) and
 * the app's (sync-words.ts). The time is not lost from this computer; it is not billed.
 */
const TIME_REFUSALS: Readonly<Record<string, string>> = {
  TIME_ALREADY_BILLED:
    'A segment holds minutes you already billed (from another computer, or in another contract): the server kept the first copy and did not bill them twice.',
  TIME_BEFORE_CONTRACT: 'A segment holds time from before the contract started: the server refused it, and that time is not billed to the contract.',
};

/** The sentence for a final refusal of recorded time by its server code, or null for any other code. */
export function timeRefusalWords(code: string | null): string | null {
  return code !== null && Object.hasOwn(TIME_REFUSALS, code) ? TIME_REFUSALS[code]! : null;
}

/**
 * Turns a failed request into the one-line error the CLI prints (a SyncError with a code): what went wrong in
 * words a person understands, and what to do. Anything that is not a request failure passes through.
 */
export function toUserError(error: unknown, server: string): unknown {
  if (!(error instanceof ApiRequestError)) return error;
  const failure = error.failure;
  switch (failure.kind) {
    case 'network':
      return new SyncError('SERVER_UNREACHABLE', `Cannot reach ${server} (${failure.detail}): check the address and your connection, then try again.`, {
        cause: error,
      });
    case 'invalid':
      return new SyncError('BAD_ANSWER', `${server} sent an answer Worktrace cannot read (${describeFailure(failure)}): is this a Worktrace server?`, {
        cause: error,
      });
    case 'http':
      if (failure.code === 'INVALID_CREDENTIALS') {
        return new SyncError('INVALID_CREDENTIALS', 'Wrong email or password: try again.', { cause: error });
      }
      if (failure.status === 401) {
        return new SyncError('SIGN_IN_AGAIN', `${server} no longer accepts your sign-in: run \`worktrace login\` again.`, { cause: error });
      }
      if (failure.status === 409 && timeRefusalWords(failure.code)) {
        return new SyncError('SERVER_REFUSED', timeRefusalWords(failure.code)!, { cause: error });
      }
      if (failure.status === 429) {
        return new SyncError('SERVER_REFUSED', 'Too many attempts: wait a minute, then try again.', { cause: error });
      }
      if (failure.status === 404 || failure.status === 403) {
        return new SyncError('CONTRACT_NOT_FOUND', `${error.what}: not found for this account: list yours with \`worktrace contracts\`.`, { cause: error });
      }
      return new SyncError('SERVER_REFUSED', `${error.what} failed: ${describeFailure(failure)}.`, { cause: error });
  }
}
