import { ApiRequestError, SyncError, describeFailure } from './errors.js';

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
      if (failure.status === 429) {
        return new SyncError('SERVER_REFUSED', 'Too many attempts: wait a minute, then try again.', { cause: error });
      }
      if (failure.status === 404 || failure.status === 403) {
        return new SyncError('CONTRACT_NOT_FOUND', `${error.what}: not found for this account: list yours with \`worktrace contracts\`.`, { cause: error });
      }
      return new SyncError('SERVER_REFUSED', `${error.what} failed: ${describeFailure(failure)}.`, { cause: error });
  }
}
