import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../support/fake-clock.js';

describe('FakeClock', () => {
  it('fires due timers in order while wall and monotonic move together', () => {
    const clock = new FakeClock({ wallMs: 1_000_000, monotonicMs: 0 });
    const seen: string[] = [];
    clock.setTimeout(() => seen.push(`b@${clock.monotonic()}`), 200);
    clock.setTimeout(() => seen.push(`a@${clock.monotonic()}`), 100);
    const h = clock.setInterval(() => seen.push(`i@${clock.now()}`), 150);
    clock.advance(320);
    expect(seen).toEqual(['a@100', 'i@1000150', 'b@200', 'i@1000300']);
    expect(clock.now()).toBe(1_000_320);
    clock.clearTimer(h);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('sleep moves the wall only; timers fire late, when monotonic time reaches them after resume', () => {
    const clock = new FakeClock({ wallMs: 0, monotonicMs: 0 });
    const firedAt: number[] = [];
    clock.setTimeout(() => firedAt.push(clock.now()), 1000);
    clock.advance(500);
    clock.sleep(3_600_000);
    expect(firedAt).toEqual([]);
    expect(clock.monotonic()).toBe(500);
    clock.advance(500);
    expect(firedAt).toEqual([3_601_000]);
  });

  it('jumpWall moves the wall either way without touching monotonic time', () => {
    const clock = new FakeClock({ wallMs: 10_000, monotonicMs: 5 });
    clock.jumpWall(-9000);
    expect(clock.now()).toBe(1000);
    expect(clock.monotonic()).toBe(5);
  });

  it('freeze moves both clocks, then fires each overdue timer once and continues intervals from now', () => {
    const clock = new FakeClock({ wallMs: 0, monotonicMs: 0 });
    let ticks = 0;
    clock.setInterval(() => (ticks += 1), 1000);
    clock.freeze(60_000);
    expect(ticks).toBe(1);
    clock.advance(1000);
    expect(ticks).toBe(2);
  });

  it('advanceAsync lets promises started by a timer settle before the next one', async () => {
    const clock = new FakeClock({ wallMs: 0, monotonicMs: 0 });
    const log: string[] = [];
    clock.setInterval(() => {
      log.push('tick');
      void Promise.resolve().then(() => log.push('settled'));
    }, 10);
    await clock.advanceAsync(20);
    expect(log).toEqual(['tick', 'settled', 'tick', 'settled']);
  });
});
