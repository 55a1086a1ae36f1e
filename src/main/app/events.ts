import type { EventChannel, EventPayload } from '../../shared/ipc/index.js';

type Listener = (payload: never) => void;

/** The main → renderer events of the contract; `on` returns the unsubscribe, a throwing listener is contained. */
export class AppEvents {
  readonly #listeners = new Map<EventChannel, Set<Listener>>();

  on<C extends EventChannel>(channel: C, listener: (payload: EventPayload<C>) => void): () => void {
    const set = this.#listeners.get(channel) ?? new Set<Listener>();
    set.add(listener as Listener);
    this.#listeners.set(channel, set);
    return () => {
      set.delete(listener as Listener);
    };
  }

  has(channel: EventChannel): boolean {
    return (this.#listeners.get(channel)?.size ?? 0) > 0;
  }

  emit<C extends EventChannel>(channel: C, payload: EventPayload<C>): void {
    for (const listener of this.#listeners.get(channel) ?? []) {
      try {
        (listener as (payload: EventPayload<C>) => void)(payload);
      } catch {
        // A window that went away must not break the core's loop.
      }
    }
  }
}
