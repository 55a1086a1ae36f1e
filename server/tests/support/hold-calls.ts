/**
 * Holds every call to one method of a live object (a repository the server uses) until the test releases it, so the
 * test can act at a chosen stage of a request — a client hanging up while the server still checks its token — and
 * then let the real call run. Nothing is faked: each held call goes to the real method once released.
 */
export interface CallHold {
  /** Resolves once `count` calls have arrived. */
  reached(count: number): Promise<void>;
  /** Resolves once `count` calls have returned from the real method (after release). */
  finished(count: number): Promise<void>;
  /** Lets every held call, and every later one, through; the method is the object's own again. */
  release(): void;
}

type Method = (...args: unknown[]) => Promise<unknown>;

export function holdCalls<T extends object>(target: T, method: keyof T & string): CallHold {
  const slot = target as unknown as Record<string, Method>;
  const original = slot[method] as Method;
  const own = Object.prototype.hasOwnProperty.call(target, method);
  let release!: () => void;
  const released = new Promise<void>((done) => (release = done));
  const counter = () => {
    let n = 0;
    const waiters: { count: number; done: () => void }[] = [];
    return {
      bump() {
        n += 1;
        for (const w of waiters.filter((w) => n >= w.count)) w.done();
      },
      when: (count: number) => (n >= count ? Promise.resolve() : new Promise<void>((done) => waiters.push({ count, done }))),
    };
  };
  const arrived = counter();
  const returned = counter();
  slot[method] = async (...args: unknown[]) => {
    arrived.bump();
    await released;
    try {
      return await original.apply(target, args);
    } finally {
      returned.bump();
    }
  };
  return {
    reached: arrived.when,
    finished: returned.when,
    release: () => {
      if (own) slot[method] = original;
      else delete slot[method];
      release();
    },
  };
}
