import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../tests/support/fake-clock.js';
import { memoryLimitRecords } from '../../src/http/limit-records.js';
import { AccountBackoff, emailKey } from '../../src/http/sign-in-backoff.js';

/** The per-account backoff's arithmetic and memory; its HTTP behaviour is in security/sign-in-backoff.test.ts. */
describe('AccountBackoff', () => {
  const policy = { freeFailures: 2, baseMs: 1_000, maxMs: 8_000 };
  const attempt = async (backoff: AccountBackoff, account: string) => {
    const admission = await backoff.admit(account);
    if (!admission.admitted) throw new Error(`${account} was refused for ${admission.retryAfterMs} ms`);
    return admission.attempt;
  };

  it('waits nothing for the free failures, then base, 2·base, 4·base, … up to max', async () => {
    const clock = new FakeClock();
    const backoff = new AccountBackoff(clock, policy);
    const waits: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      await (await attempt(backoff, 'a')).failed();
      const next = await backoff.admit('a');
      const wait = next.admitted ? 0 : next.retryAfterMs;
      if (next.admitted) await next.attempt.release();
      waits.push(wait);
      clock.advance(wait);
    }
    expect(waits).toEqual([0, 0, 1_000, 2_000, 4_000, 8_000, 8_000]);
    expect(await backoff.failuresOf('a')).toBe(7);
  });

  it('resets on success, and one account does not affect another', async () => {
    const clock = new FakeClock();
    const backoff = new AccountBackoff(clock, policy);
    for (let i = 0; i < 3; i += 1) await (await attempt(backoff, 'a')).failed();
    expect(await backoff.admit('a')).toEqual({ admitted: false, retryAfterMs: 1_000 });
    expect((await backoff.admit('b')).admitted).toBe(true);
    clock.advance(1_000);
    await (await attempt(backoff, 'a')).succeeded();
    expect(await backoff.failuresOf('a')).toBe(0);
    await (await attempt(backoff, 'a')).failed();
    await (await attempt(backoff, 'a')).failed();
    expect((await backoff.admit('a')).admitted).toBe(true); // two free failures again
  });

  it('lets a burst of parallel attempts have only the places left: the free ones, then one at a time', async () => {
    const clock = new FakeClock();
    const backoff = new AccountBackoff(clock, policy);
    const burst = await Promise.all(Array.from({ length: 5 }, () => backoff.admit('a')));
    expect(burst.map((b) => b.admitted)).toEqual([true, true, false, false, false]);
    expect(burst[2]).toEqual({ admitted: false, retryAfterMs: 1000 });
    for (const b of burst) if (b.admitted) await b.attempt.failed();
    // The free failures are used up (no wait yet: none went past them): from now on, one attempt at a time.
    const next = await Promise.all(Array.from({ length: 3 }, () => backoff.admit('a')));
    expect(next.map((b) => b.admitted)).toEqual([true, false, false]);
  });

  it('never refuses for longer than max, even when the clock went back', async () => {
    const clock = new FakeClock();
    const backoff = new AccountBackoff(clock, policy);
    for (let i = 0; i < 6; i += 1) {
      await (await attempt(backoff, 'a')).failed();
      clock.advance(8_000);
    }
    await (await attempt(backoff, 'a')).failed();
    clock.setWall(clock.now() - 3_600_000);
    expect(await backoff.admit('a')).toEqual({ admitted: false, retryAfterMs: 8_000 });
  });

  it('a released attempt (the check could not run) counts nothing; settling twice counts once', async () => {
    const backoff = new AccountBackoff(new FakeClock(), policy);
    const a = await attempt(backoff, 'a');
    await a.release();
    await a.failed();
    expect(await backoff.failuresOf('a')).toBe(0);
    const b = await attempt(backoff, 'a');
    await b.failed();
    await b.failed();
    expect(await backoff.failuresOf('a')).toBe(1);
  });

  it('remembers at most `capacity` accounts, the least recently tried forgotten first', async () => {
    const backoff = new AccountBackoff(new FakeClock(), policy, memoryLimitRecords(2));
    await (await attempt(backoff, 'a')).failed();
    await (await attempt(backoff, 'b')).failed();
    await (await attempt(backoff, 'a')).failed();
    await (await attempt(backoff, 'c')).failed(); // forgets b
    expect([(await backoff.failuresOf('a')), (await backoff.failuresOf('b')), (await backoff.failuresOf('c'))]).toEqual([2, 0, 1]);
  });

  it('names an account by its email in any letter case, around spaces', async () => {
    expect(emailKey(' Ann@Example.COM ')).toBe('ann@example.com');
  });
});
