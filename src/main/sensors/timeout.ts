/**
 * Settles with the promise, or rejects with `onTimeout()` after ms. The sensors wrap every call
 * into an external tool with it: the tracker must never wait forever on a stuck X server.
 * The timer is unref'd so a pending look-up never keeps the agent alive.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
