import { CodedError } from '../../shared/errors.js';

/** Errors of screenshot encryption and key storage, with stable codes and a one-line "what to do". */
export type CryptoErrorCode =
  /** A key that is not 32 bytes (a programming error or a damaged key source). */
  | 'KEY_INVALID'
  /** The key file exists but is not 32 bytes: it was damaged or replaced. */
  | 'KEY_FILE_INVALID'
  /** The key file is readable by others, owned by someone else, or not a regular file. */
  | 'KEY_FILE_INSECURE'
  /** The key file cannot be read or created (permissions, disk). */
  | 'KEY_FILE_UNAVAILABLE'
  /** A blob written by a format this agent does not know. */
  | 'BLOB_UNSUPPORTED'
  /** A blob too short to hold the header and tag. */
  | 'BLOB_TRUNCATED'
  /** Authentication failed: wrong key, a tampered blob, or a blob stored under another screenshot's id. */
  | 'DECRYPT_FAILED';

export class CryptoError extends CodedError<CryptoErrorCode> {}
