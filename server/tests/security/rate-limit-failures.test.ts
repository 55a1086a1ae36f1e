import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../tests/support/fake-clock.js';
import { AddressFailureLimiter } from '../../src/http/rate-limit-failures.js';

/** The per-address failure counter's memory and edge cases; its HTTP behaviour is in rate-limit.test.ts. */
describe('AddressFailureLimiter', () => {
  const limit = { max: 3, windowMs: 60_000 };
  const fail = (limiter: AddressFailureLimiter, address: string) => {
    const admission = limiter.admit(address);
    if (!admission.admitted) throw new Error(`${address} was refused`);
    admission.attempt.failed();
    admission.attempt.release(); // what the route does in every case: a no-op after failed()
  };

  it('counts a settled attempt once, whatever is called after', () => {
    const limiter = new AddressFailureLimiter(new FakeClock(), limit);
    fail(limiter, 'a');
    expect(limiter.failuresOf('a')).toBe(1);
    const admission = limiter.admit('a');
    expect(admission.admitted).toBe(true);
    if (admission.admitted) {
      admission.attempt.release();
      admission.attempt.failed();
    }
    expect(limiter.failuresOf('a')).toBe(1);
  });

  it('keeps at most `capacity` addresses, forgetting the least recently seen first', () => {
    const limiter = new AddressFailureLimiter(new FakeClock(), limit, 2);
    fail(limiter, 'a');
    fail(limiter, 'b');
    fail(limiter, 'a'); // a is now the most recent
    fail(limiter, 'c'); // forgets b
    expect([limiter.failuresOf('a'), limiter.failuresOf('b'), limiter.failuresOf('c')]).toEqual([2, 0, 1]);
  });

  it('never refuses for longer than one window, even when the clock went back', () => {
    const clock = new FakeClock();
    const limiter = new AddressFailureLimiter(clock, limit);
    for (let i = 0; i < limit.max; i += 1) fail(limiter, 'a');
    expect(limiter.admit('a')).toEqual({ admitted: false, retryAfterMs: limit.windowMs });
    clock.setWall(clock.now() - 3_600_000);
    expect(limiter.admit('a').admitted).toBe(true);
  });

  it('refuses for a second while the places are held by attempts still being checked', () => {
    const limiter = new AddressFailureLimiter(new FakeClock(), limit);
    const held = Array.from({ length: limit.max }, () => limiter.admit('a'));
    expect(held.every((h) => h.admitted)).toBe(true);
    expect(limiter.admit('a')).toEqual({ admitted: false, retryAfterMs: 1000 });
    for (const h of held) if (h.admitted) h.attempt.release(); // all succeeded
    expect(limiter.admit('a').admitted).toBe(true);
  });
});
