import type { PolicySource, TrackingPolicy } from '../tracking/index.js';

/**
 * The tracker's one PolicySource for a whole session, passing on whichever source follows the server now. Signing
 * in again while tracking brings a new token, so a new source (the old one's requests would all be refused); the
 * tracker keeps its subscription and hears only a real change.
 */
export class PolicyRelay implements PolicySource {
  readonly #listeners = new Set<(policy: TrackingPolicy | null) => void>();
  #source: PolicySource;
  #unsubscribe: () => void;

  constructor(source: PolicySource) {
    this.#source = source;
    this.#unsubscribe = source.onChange((policy) => this.#tell(policy));
  }

  current(): TrackingPolicy | null {
    return this.#source.current();
  }

  onChange(listener: (policy: TrackingPolicy | null) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  switchTo(next: PolicySource): void {
    const before = JSON.stringify(this.#source.current());
    this.#unsubscribe();
    this.#source = next;
    this.#unsubscribe = next.onChange((policy) => this.#tell(policy));
    if (JSON.stringify(next.current()) !== before) this.#tell(next.current());
  }

  #tell(policy: TrackingPolicy | null): void {
    for (const listener of this.#listeners) listener(policy);
  }
}
