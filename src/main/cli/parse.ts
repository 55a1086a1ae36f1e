import { InvalidArgumentError } from 'commander';
import { privatePatternSchema } from '../../shared/privacy/index.js';
import { screenshotModeSchema, segmentSecondsSchema, type ScreenshotMode } from '../../shared/protocol/index.js';
import type { IdleDecision } from '../tracking/ports.js';

/** Option parsers: each turns a flag's text into a checked value or a one-line error that says what is allowed. */

export function parseScreenshotMode(value: string): ScreenshotMode {
  const parsed = screenshotModeSchema.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError('expected on, blurred or off.');
  return parsed.data;
}

export function parseSegmentSeconds(value: string): number {
  const n = Number(value);
  const parsed = segmentSecondsSchema.safeParse(n);
  if (!/^\d+$/.test(value) || !parsed.success) {
    throw new InvalidArgumentError('expected whole minutes in seconds, at least 60, dividing an hour (60, 120, 300, 600, ...).');
  }
  return parsed.data;
}

export function parseIdleDecision(value: string): IdleDecision {
  if (value === 'keep' || value === 'discard') return value;
  throw new InvalidArgumentError('expected keep or discard.');
}

export function parseIdleSeconds(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 10 || n > 24 * 3600) throw new InvalidArgumentError('expected seconds between 10 and 86400.');
  return n;
}

export function parseSince(value: string): number {
  // Accept full ISO 8601 timestamps and plain dates; reject anything Date would guess at.
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) {
    throw new InvalidArgumentError('expected an ISO 8601 date or time, e.g. 2026-11-26 or 2026-11-26T09:00:00Z.');
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidArgumentError('not a real date.');
  return Math.floor(ms / 1000);
}

export function parseContractName(value: string): string {
  const hasControlCharacter = [...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
  if (value.trim() === '' || value.length > 100 || hasControlCharacter) {
    throw new InvalidArgumentError('expected a name of 1 to 100 printable characters.');
  }
  return value.trim();
}

export function parseMemo(value: string): string {
  if (value.length > 2000) throw new InvalidArgumentError('a memo is at most 2000 characters.');
  return value;
}

/** A private-window pattern: the shared rule's checks (length, no control characters, no trailing \\). */
export function parsePrivatePattern(value: string): string {
  const parsed = privatePatternSchema.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`${parsed.error.issues[0]?.message ?? 'not a pattern'}.`);
  return parsed.data;
}

export function parseAppNames(value: string): boolean {
  if (value === 'keep' || value === 'hide') return value === 'keep';
  throw new InvalidArgumentError('expected keep or hide.');
}
