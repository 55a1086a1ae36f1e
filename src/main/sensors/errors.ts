import { CodedError } from '../../shared/errors.js';

/** Codes for the failures a sensor backend can report. */
export type SensorErrorCode =
  | 'ERR_SENSOR_UNAVAILABLE'
  | 'ERR_CAPTURE_FAILED'
  | 'ERR_CAPTURE_TIMEOUT'
  /** The picture holds nothing to keep (a flat screen, only the wallpaper): skipped, never stored as evidence. */
  | 'ERR_CAPTURE_EMPTY'
  | 'ERR_INPUT_WORKER';

/** A sensor failure with a stable code; the message is written for a person. */
export class SensorError extends CodedError<SensorErrorCode> {}
