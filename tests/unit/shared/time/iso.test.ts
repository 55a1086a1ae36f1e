import { describe, expect, it } from 'vitest';
import { isoFromMs, isoFromSec, msFromIso, secFromIso, TimeArithmeticError } from '../../../../src/shared/time/index.js';

describe('ISO helpers', () => {
  it('formats UTC with a Z', () => {
    expect(isoFromMs(Date.UTC(2026, 2, 29, 1, 0, 0, 5))).toBe('2026-03-29T01:00:00.005Z');
    expect(isoFromSec(0)).toBe('1970-01-01T00:00:00.000Z');
  });

  it('parses Z and offsets to the same instant', () => {
    expect(msFromIso('2026-03-29T03:00:00+02:00')).toBe(Date.UTC(2026, 2, 29, 1));
    expect(msFromIso('2026-03-29T01:00:00Z')).toBe(Date.UTC(2026, 2, 29, 1));
    expect(secFromIso('2026-03-29T01:00:00.999Z')).toBe(Date.UTC(2026, 2, 29, 1) / 1000);
    expect(msFromIso(isoFromMs(1_775_000_123_456))).toBe(1_775_000_123_456);
  });

  it('refuses a time without a zone (it would depend on where it is read) and nonsense', () => {
    expect(() => msFromIso('2026-03-29T02:30:00')).toThrow(TimeArithmeticError);
    expect(() => msFromIso('yesterday')).toThrow(/ISO 8601/);
    expect(() => msFromIso('2026-13-45T99:00:00Z')).toThrow(TimeArithmeticError);
    expect(() => isoFromMs(Number.NaN)).toThrow(TimeArithmeticError);
  });
});
