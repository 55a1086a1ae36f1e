import { afterEach, describe, expect, it } from 'vitest';
import { MAX_CACHED_WEEKS, type Store } from '../../../../src/main/store/index.js';
import { openTestStore } from './store-fixtures.js';

const alice = { server: 'https://diary.example.com', userId: 'U1' };
const bob = { server: 'https://diary.example.com', userId: 'U2' };
const monday = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * 7 * 86_400_000).toISOString().slice(0, 10);

/** The Weeks view's cache: the server's last answer per account, contract and week, bounded, never queued. */
describe('WeekReviewsRepository', () => {
  let store: Store;
  afterEach(() => store?.close());

  it('keeps the last answer per account, contract and week, and forgets a contract or an account', () => {
    store = openTestStore(':memory:', 'server');
    store.weekReviews.put(alice, 'C1', '2026-11-30', '{"v":1}');
    store.weekReviews.put(alice, 'C1', '2026-11-30', '{"v":2}');
    store.weekReviews.put(alice, 'C2', '2026-11-30', '{"v":3}');
    store.weekReviews.put(bob, 'C1', '2026-11-30', '{"v":4}');
    expect(store.weekReviews.get(alice, 'C1', '2026-11-30')?.reviewJson).toBe('{"v":2}');
    expect(store.weekReviews.get(bob, 'C1', '2026-11-30')?.reviewJson).toBe('{"v":4}');
    expect(store.weekReviews.get(alice, 'C1', '2026-11-23')).toBeNull();
    store.weekReviews.forgetContract(alice, 'C1');
    expect(store.weekReviews.get(alice, 'C1', '2026-11-30')).toBeNull();
    expect(store.weekReviews.get(alice, 'C2', '2026-11-30')).not.toBeNull();
    store.weekReviews.forgetAccount(alice);
    expect(store.weekReviews.get(alice, 'C2', '2026-11-30')).toBeNull();
    expect(store.weekReviews.get(bob, 'C1', '2026-11-30')).not.toBeNull();
    expect(() => store.weekReviews.put(alice, 'C1', '2026-11-30', 'not json')).toThrow();
    expect(store.db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 0 });
  });

  it(`keeps at most ${MAX_CACHED_WEEKS} weeks per contract and account, the ones fetched last`, () => {
    store = openTestStore(':memory:', 'server');
    for (let i = 0; i < MAX_CACHED_WEEKS + 5; i += 1) store.weekReviews.put(alice, 'C1', monday(i), '{}');
    store.weekReviews.put(bob, 'C1', monday(0), '{}');
    expect(store.db.prepare("SELECT count(*) AS n FROM week_reviews WHERE user_id = 'U1'").get()).toEqual({ n: MAX_CACHED_WEEKS });
    expect(store.weekReviews.get(alice, 'C1', monday(4))).toBeNull();
    expect(store.weekReviews.get(alice, 'C1', monday(5))).not.toBeNull();
    expect(store.weekReviews.get(bob, 'C1', monday(0))).not.toBeNull();
  });
});
