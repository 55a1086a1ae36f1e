import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../tests/support/fake-clock.js';
import { memoryLimitRecords } from '../../src/http/limit-records.js';
import { AddressFailureLimiter } from '../../src/http/rate-limit-failures.js';

/** The per-address failure counter's memory and edge cases; its HTTP behaviour is in rate-limit.test.ts. */
describe('AddressFailureLimiter', () => {
  const limit = { max: 3, windowMs: 60_000 };
  const fail = async (limiter: AddressFailureLimiter, address: string) => {
    const admission = await limiter.admit(address);
    if (!admission.admitted) throw new Error(`${address} was refused`);
    await admission.attempt.failed();
    await admission.attempt.release(); // what the route does in every case: a no-op after failed()
  };

  it('counts a settled attempt once, whatever is called after', async () => {
    const limiter = new AddressFailureLimiter(new FakeClock(), limit);
    await fail(limiter, 'a');
    expect(await limiter.failuresOf('a')).toBe(1);
    const admission = await limiter.admit('a');
    expect(admission.admitted).toBe(true);
    if (admission.admitted) {
      await admission.attempt.release();
      await admission.attempt.failed();
    }
    expect(await limiter.failuresOf('a')).toBe(1);
  });

  it('keeps at most `capacity` addresses, forgetting the least recently seen first', async () => {
    const limiter = new AddressFailureLimiter(new FakeClock(), limit, memoryLimitRecords(2));
    await fail(limiter, 'a');
    await fail(limiter, 'b');
    await fail(limiter, 'a'); // a is now the most recent
    await fail(limiter, 'c'); // forgets b
    expect([await limiter.failuresOf('a'), await limiter.failuresOf('b'), await limiter.failuresOf('c')]).toEqual([2, 0, 1]);
  });

  it('never refuses for longer than one window, even when the clock went back', async () => {
    const clock = new FakeClock();
    const limiter = new AddressFailureLimiter(clock, limit);
    for (let i = 0; i < limit.max; i += 1) await fail(limiter, 'a');
    expect(await limiter.admit('a')).toEqual({ admitted: false, retryAfterMs: limit.windowMs });
    clock.setWall(clock.now() - 3_600_000);
    expect((await limiter.admit('a')).admitted).toBe(true);
  });

  it('refuses for a second while the places are held by attempts still being checked', async () => {
    const limiter = new AddressFailureLimiter(new FakeClock(), limit);
    const held = await Promise.all(Array.from({ length: limit.max }, () => limiter.admit('a')));
    expect(held.every((h) => h.admitted)).toBe(true);
    expect(await limiter.admit('a')).toEqual({ admitted: false, retryAfterMs: 1000 });
    for (const h of held) if (h.admitted) await h.attempt.release(); // all succeeded
    expect((await limiter.admit('a')).admitted).toBe(true);
  });

  it('takes a place back when the instance that held it never settled it (it stopped): a crash cannot keep an address out', async () => {
    const clock = new FakeClock();
    const limiter = new AddressFailureLimiter(clock, limit);
    for (let i = 0; i < limit.max; i += 1) expect((await limiter.admit('a')).admitted).toBe(true); // never settled
    expect(await limiter.admit('a')).toEqual({ admitted: false, retryAfterMs: 1000 });
    clock.advance(60_000);
    expect((await limiter.admit('a')).admitted).toBe(true);
  });
});
