import { describe, expect, it } from 'vitest';
import { pickScreenshotMoment, TimeArithmeticError } from '../../../../src/shared/time/index.js';
import { ksCritical01, ksStatisticUniform, seededRandom } from '../../main/tracking/support/fakes.js';

const from = Date.UTC(2026, 0, 5, 9, 3, 12, 400);
const end = Date.UTC(2026, 0, 5, 9, 10);

describe('pickScreenshotMoment', () => {
  it('stays in [from, end) at the extremes of the random source', () => {
    expect(pickScreenshotMoment(from, end, () => 0)).toBe(from);
    expect(pickScreenshotMoment(from, end, () => 0.999_999_999)).toBe(end - 1);
    expect(pickScreenshotMoment(from, end, () => 1)).toBe(from); // a broken source still lands inside
    expect(pickScreenshotMoment(from, end, () => Number.NaN)).toBe(from);
    expect(pickScreenshotMoment(end - 1, end, () => 0.7)).toBe(end - 1);
  });

  it('refuses an empty range', () => {
    expect(() => pickScreenshotMoment(end, end, () => 0.5)).toThrow(TimeArithmeticError);
  });

  it('is uniform over the range (Kolmogorov–Smirnov, 2000 draws, fixed seed)', () => {
    const random = seededRandom(7);
    const span = end - from;
    const draws = Array.from({ length: 2000 }, () => (pickScreenshotMoment(from, end, random) - from) / span);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(ksStatisticUniform(draws)).toBeLessThan(ksCritical01(2000));
  });
});
