import type { ServerResponse } from 'node:http';

/** Whom a stream answers: it ends when that token, or every token of that person, is revoked. */
export interface StreamOwner {
  readonly userId: string;
  readonly tokenHash: string;
}

/**
 * One open stream's hold on the server. Whatever the stream took (a subscription, a heartbeat timer) is handed to
 * hold() and let go of exactly once, however the stream ends: the client hangs up at any stage, the server ends it,
 * its token is revoked, the server closes.
 */
export interface StreamLease {
  /** True once the stream has ended: nothing more may be written or held. */
  readonly closed: boolean;
  /** Runs `release` when the stream ends; at once when it already has. */
  hold(release: () => void): void;
  /** Writes to the response while the stream is open; a response found destroyed ends the stream instead. */
  write(text: string): void;
  /** Ends the response (closes its connection when the head was not sent yet) and lets go of everything held. */
  end(): void;
}

class Lease implements StreamLease {
  #closed = false;
  readonly #held: (() => void)[] = [];

  constructor(
    readonly owner: StreamOwner,
    private readonly res: ServerResponse,
    private readonly forget: (lease: Lease) => void,
  ) {
    // 'close' comes once, when the response finished or its connection went: registered before the route's first
    // await, so a client that hangs up while the server still checks its token or contract is not missed.
    res.once('close', () => this.#release());
    if (res.destroyed || !res.socket || res.socket.destroyed) this.#release();
  }

  get closed(): boolean {
    return this.#closed;
  }

  hold(release: () => void): void {
    if (this.#closed) release();
    else this.#held.push(release);
  }

  write(text: string): void {
    if (this.#closed) return;
    // A write to a destroyed response would raise an 'error' event nobody listens to.
    if (this.res.destroyed) this.#release();
    else this.res.write(text);
  }

  end(): void {
    // A stream that has not sent its head yet (still checking the contract) has nothing to finish: its connection
    // is closed instead, and the route stops at its next step.
    if (!this.res.headersSent) this.res.destroy();
    else if (!this.res.writableEnded && !this.res.destroyed) this.res.end();
    this.#release();
  }

  #release(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.forget(this);
    for (const release of this.#held.splice(0)) release();
  }
}

/**
 * The single owner of the open policy streams: it admits each one (at most `perAccount` per person, so one token
 * cannot hold thousands of connections, subscriptions and timers), ends them on sign-out and when the server
 * closes, and says how many are open.
 */
export class PolicyStreams {
  readonly #byUser = new Map<string, Set<Lease>>();
  #opened = 0;

  constructor(private readonly perAccount: number) {}

  /**
   * Claims a place for a stream answering on `res`, synchronously: call it before the route's first await. Returns
   * null when the person has `perAccount` streams open already. A response whose connection is already gone gets a
   * lease that is closed from the start (the route then stops there).
   */
  open(owner: StreamOwner, res: ServerResponse): StreamLease | null {
    if (this.openFor(owner.userId) >= this.perAccount) return null;
    this.#opened += 1;
    const lease = new Lease(owner, res, (gone) => {
      const mine = this.#byUser.get(owner.userId);
      mine?.delete(gone);
      if (mine?.size === 0) this.#byUser.delete(owner.userId);
    });
    if (!lease.closed) {
      const mine = this.#byUser.get(owner.userId) ?? new Set<Lease>();
      this.#byUser.set(owner.userId, mine.add(lease));
    }
    return lease;
  }

  /** Streams open now. */
  get size(): number {
    let n = 0;
    for (const mine of this.#byUser.values()) n += mine.size;
    return n;
  }

  /** Streams admitted since the server started (closed ones included). */
  get opened(): number {
    return this.#opened;
  }

  /** Streams `userId` has open now. */
  openFor(userId: string): number {
    return this.#byUser.get(userId)?.size ?? 0;
  }

  /** Ends the streams of `userId` opened with the token `tokenHash`, or all of that person's when none is given. */
  endFor(userId: string, tokenHash?: string): void {
    for (const lease of [...(this.#byUser.get(userId) ?? [])]) {
      if (tokenHash === undefined || lease.owner.tokenHash === tokenHash) lease.end();
    }
  }

  /** Ends every stream: open streams would hold app.close() forever. */
  endAll(): void {
    for (const mine of [...this.#byUser.values()]) for (const lease of [...mine]) lease.end();
  }
}
