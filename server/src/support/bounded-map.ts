/**
 * A Map that keeps at most `capacity` entries, forgetting the least recently used first: what the server's
 * in-memory limiters count clients in, so that an attacker cycling through addresses or emails cannot grow memory
 * without bound. (Map iterates in insertion order; an entry used again is moved to the end.)
 */
export class BoundedMap<K, V> {
  readonly #entries = new Map<K, V>();

  constructor(readonly capacity: number) {}

  /** The entry for `key` without marking it used. */
  peek(key: K): V | undefined {
    return this.#entries.get(key);
  }

  /** The entry for `key`, made by `create` when there is none, marked as the most recently used. */
  use(key: K, create: () => V): V {
    const value = this.#entries.get(key) ?? create();
    this.#entries.delete(key);
    this.#entries.set(key, value);
    while (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
    return value;
  }

  delete(key: K): void {
    this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }
}
