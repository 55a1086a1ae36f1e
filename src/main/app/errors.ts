import type { z } from 'zod';
import { CodedError } from '../../shared/errors.js';
import type { IpcError } from '../../shared/ipc/index.js';

export type AppErrorCode =
  | 'UNKNOWN_CHANNEL'
  | 'BAD_REQUEST'
  | 'NOT_SIGNED_IN'
  | 'CONTRACT_NOT_FOUND'
  /** The contract is not active (paused, ended, not accepted, or a state not known): nothing is tracked on it. */
  | 'CONTRACT_NOT_ACTIVE'
  | 'ALREADY_TRACKING'
  | 'SCREENSHOT_NOT_FOUND'
  | 'NO_IDLE_PROMPT'
  /** An OS feature this system does not have (a macOS settings pane elsewhere), or it did not open. */
  | 'NOT_AVAILABLE'
  /** The server refused a week of the Weeks view for a reason other than access (a date it does not take). */
  | 'WEEK_REFUSED'
  /** The server refused a timesheet for a reason other than access (a range it does not take). */
  | 'TIMESHEET_REFUSED'
  /** The chosen file exists and the save dialog did not ask to replace it: it is kept. */
  | 'FILE_EXISTS'
  /** The chosen file could not be written (permissions, a missing folder, no space). */
  | 'FILE_NOT_SAVED'
  | 'INTERNAL';

/** Errors of the app service; their messages are shown in the UI as they are. */
export class AppError extends CodedError<AppErrorCode> {}

/** The CLI's messages name its commands; in the app the same situations name what to click instead. */
const APP_WORDING: Readonly<Record<string, string>> = {
  SIGN_IN_AGAIN: 'The server no longer accepts your sign-in: sign in again.',
  NOT_SIGNED_IN: 'You are not signed in: sign in first.',
  CREDENTIALS_UNREADABLE: 'Your stored sign-in cannot be read: sign out, then sign in again.',
};

/** Turns anything thrown into the error of an envelope: coded errors keep their code, the rest is INTERNAL. */
export function toIpcError(error: unknown): IpcError {
  if (error instanceof CodedError) {
    const message = APP_WORDING[error.code] ?? error.message;
    return { code: error.code, message: clip(message) };
  }
  return { code: 'INTERNAL', message: 'Something went wrong inside Worktrace; your recorded time is safe. Try again.' };
}

/** Messages may quote what the person typed (a URL); a huge input must not come back as a huge message. */
function clip(message: string): string {
  return message.length > 500 ? `${message.slice(0, 497)}...` : message;
}

/** Names the first field that is wrong, without echoing the value (it may be huge, or a password). */
export function badRequestMessage(error: z.ZodError): string {
  const issue = error.issues[0];
  const field = issue?.path.map(String).join('.') || 'request';
  // zod quotes unknown keys in its message; a key is the sender's text (any length, any content): never echo it.
  const what = issue?.code === 'unrecognized_keys' ? 'a field this action does not take' : (issue?.message ?? 'invalid');
  return `Worktrace could not use this request (${field}: ${what}).`;
}
