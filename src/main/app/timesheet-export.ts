import { extname, isAbsolute } from 'node:path';
import type { InvokeRequest, TimesheetFormat } from '../../shared/ipc/index.js';
import { zonedWeekOfDate } from '../../shared/time/index.js';
import { PrivateFileError, writePrivateFile } from '../files/private-file.js';
import { ApiRequestError, SyncError, describeFailure, type ApiClient } from '../sync/index.js';
import { AppError } from './errors.js';

/** Where a file is saved: the path the person chose, and whether the dialog already asked before naming an existing file. */
export interface SaveTarget {
  readonly path: string;
  readonly replaceConfirmed: boolean;
}

/**
 * The OS's save dialog (Electron's dialog.showSaveDialog in the app; a test's stand-in elsewhere). It resolves with
 * null when the person cancels. Electron-free here, so what is written, and how, is tested without Electron.
 */
export interface SaveDialogPort {
  choose(suggestion: { readonly defaultName: string; readonly format: TimesheetFormat }): Promise<SaveTarget | null>;
}

export interface TimesheetExportDeps {
  readonly client: Pick<ApiClient, 'timesheet'>;
  readonly server: string;
  readonly dialog: SaveDialogPort | undefined;
  /** The contract's zone (its weeks run Monday to Sunday there); unknown for older caches: UTC. */
  readonly timeZone: string | undefined;
}

/**
 * Saves a timesheet: the file is fetched first with the session (so an offline app or a refusal says so before the
 * person picks a place), then written where the person chose: atomically (a temporary file, fsync, then the name),
 * 0600, never over an existing file unless the dialog asked. The file is the server's bytes exactly. Returns what the
 * page says, or null when the person cancelled the dialog.
 */
export async function saveTimesheet(deps: TimesheetExportDeps, request: InvokeRequest<'timesheet:save'>): Promise<string | null> {
  if (!deps.dialog) throw new AppError('NOT_AVAILABLE', 'Saving files is not available in this build of Worktrace.');
  const range = wholeWeeks(request.from, request.to, deps.timeZone ?? 'UTC');
  let bytes: Buffer;
  try {
    bytes = await deps.client.timesheet(request.contractId, request.format, range);
  } catch (error) {
    throw exportFailure(error, deps.server);
  }
  const format = request.format;
  const chosen = await deps.dialog.choose({ defaultName: `timesheet-${range.from}-to-${range.to}.${format}`, format });
  if (!chosen) return null;
  const path = writeTimesheet(chosen, format, bytes);
  return `Saved the ${format.toUpperCase()} timesheet of ${range.from} to ${range.to} (${bytes.length.toLocaleString('en-GB')} bytes) as ${path}.`;
}

/** The Monday of the first week and the Sunday of the last, in the contract's zone. */
function wholeWeeks(from: string, to: string, timeZone: string): { from: string; to: string } {
  const first = zonedWeekOfDate(from, timeZone);
  const last = zonedWeekOfDate(to, timeZone);
  if (!first || !last) throw new AppError('BAD_REQUEST', 'Worktrace could not use this request (from, to: not dates in the calendar).');
  if (last.key < first.key) throw new AppError('BAD_REQUEST', 'The last week of the timesheet is before its first: choose the weeks again.');
  return { from: first.key, to: last.dayKeys[6]! };
}

/**
 * Writes the bytes under the chosen name, with the format's extension when the name has none. A name the dialog did
 * not confirm replacing (an extension added here, or a file made since) is never overwritten: FILE_EXISTS.
 */
export function writeTimesheet(target: SaveTarget, format: TimesheetFormat, bytes: Buffer): string {
  if (!isAbsolute(target.path)) throw new AppError('BAD_REQUEST', 'The save dialog gave a place that is not a full path: choose it again.');
  const withExtension = extname(target.path) === '' ? `${target.path}.${format}` : target.path;
  const replace = target.replaceConfirmed && withExtension === target.path;
  try {
    writePrivateFile(withExtension, bytes, { replace });
  } catch (error) {
    if (error instanceof PrivateFileError && error.code === 'PRIVATE_FILE_EXISTS') {
      throw new AppError('FILE_EXISTS', `${withExtension} exists already and was kept as it is: save the timesheet under another name.`, { cause: error });
    }
    if (error instanceof PrivateFileError) throw new AppError('FILE_NOT_SAVED', `The timesheet was not saved: ${error.message}`, { cause: error });
    throw error;
  }
  return withExtension;
}

/** A failed download in words: nothing was written, and what to do. */
function exportFailure(error: unknown, server: string): unknown {
  if (!(error instanceof ApiRequestError)) return error;
  const { failure } = error;
  if (failure.kind === 'network') {
    return new SyncError('SERVER_UNREACHABLE', `Cannot reach ${server} (${failure.detail}): the timesheet was not saved. Try again when you are online.`, { cause: error });
  }
  if (failure.kind === 'http' && failure.status === 401) return new SyncError('SIGN_IN_AGAIN', 'The server no longer accepts your sign-in.', { cause: error });
  if (failure.kind === 'http' && (failure.status === 403 || failure.status === 404)) {
    return new SyncError('CONTRACT_NOT_FOUND', 'The server no longer shows you this contract: refresh the contracts.', { cause: error });
  }
  if (failure.kind === 'http' && failure.status < 500 && failure.status !== 429 && failure.status !== 408) {
    return new AppError('TIMESHEET_REFUSED', `The server refused this timesheet (${failure.detail}): nothing was saved.`, { cause: error });
  }
  return new SyncError('SERVER_REFUSED', `${server} could not make the timesheet now (${describeFailure(failure)}): nothing was saved. Try again later.`, { cause: error });
}
