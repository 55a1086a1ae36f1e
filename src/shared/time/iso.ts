import { TimeArithmeticError } from './segments.js';

/** ISO 8601 in UTC with milliseconds ("2026-03-29T01:00:00.000Z"), the form the protocol uses. */
export function isoFromMs(epochMs: number): string {
  assertFinite(epochMs);
  return new Date(epochMs).toISOString();
}

export function isoFromSec(epochSec: number): string {
  return isoFromMs(epochSec * 1000);
}

/** Parses an ISO 8601 date-time that names its offset ("Z" or "+02:00"); a bare local time is refused. */
export function msFromIso(iso: string): number {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(iso)) {
    throw new TimeArithmeticError('INVALID_TIMESTAMP', `expected an ISO 8601 date-time with Z or an offset, got "${iso.slice(0, 40)}"`);
  }
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) {
    throw new TimeArithmeticError('INVALID_TIMESTAMP', `not a real date-time: "${iso.slice(0, 40)}"`);
  }
  return ms;
}

export function secFromIso(iso: string): number {
  return Math.floor(msFromIso(iso) / 1000);
}

function assertFinite(epochMs: number): void {
  if (!Number.isFinite(epochMs)) {
    throw new TimeArithmeticError('INVALID_TIMESTAMP', `not a finite epoch time: ${epochMs}`);
  }
}
