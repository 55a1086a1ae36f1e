import type { Readable } from 'node:stream';
import type { Clock, TimerHandle } from '../../shared/clock.js';
import { readPrivateList, type PrivateListRead } from '../../shared/privacy/index.js';
import { isNewerPolicy, receivedPolicySchema, trackingVerdict, type ReceivedPolicy, type TrackingVerdict } from '../../shared/protocol/index.js';
import type { Logger } from '../log.js';
import type { PolicyCacheRepository } from '../store/index.js';
import type { PolicySource, TrackingPolicy } from '../tracking/ports.js';
import type { ApiClient } from './api-client.js';
import { backoffDelay } from './backoff.js';
import { ApiRequestError, describeFailure } from './errors.js';
import { SseParser } from './sse-parser.js';

export interface ServerPolicySourceDeps {
  readonly client: ApiClient;
  readonly cache: PolicyCacheRepository;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly contractId: string;
  readonly random?: () => number;
}

export interface ServerPolicySourceOptions {
  /** ETag poll period: the issue asks for at least every 60 s. */
  readonly pollMs?: number;
  /** A stream silent for this long is taken as dead (the server sends a heartbeat every 25 s). */
  readonly streamIdleMs?: number;
  /** First reconnect delay of the stream; it backs off to `maxReconnectMs` while the server stays away. */
  readonly reconnectMs?: number;
  readonly maxReconnectMs?: number;
}

export type PolicyOrigin = 'cache' | 'pull' | 'stream';
export type PullOutcome = 'changed' | 'unchanged' | 'unreachable' | 'refused';

export interface PolicyChange {
  readonly policy: ReceivedPolicy;
  readonly origin: PolicyOrigin;
}

/**
 * The contract's screenshot policy and state in server mode (the tracker's PolicySource): the cached last good policy
 * at start, a pull, an ETag poll and the server's policy stream, whichever brings a newer one first (a new policy
 * version or a state change: isNewerPolicy).
 *
 * Fail closed: until a policy is known, current() is null and the tracker takes no screenshot, and verdict() says
 * not to track; a state this build does not know says not to track either. An answer that does not parse, names
 * another contract or is older than what is known is logged and ignored: the last good policy stays, so a broken
 * answer can never turn screenshots on. The contract's private-window list is read on its own: a version whose list
 * cannot be read is taken with the list marked unreadable, which stops screenshots until a readable one comes (the
 * client's new rules are never silently dropped).
 */
export class ServerPolicySource implements PolicySource {
  readonly #deps: ServerPolicySourceDeps;
  readonly #pollMs: number;
  readonly #streamIdleMs: number;
  readonly #reconnectMs: number;
  readonly #maxReconnectMs: number;
  readonly #log: Logger;
  readonly #listeners = new Set<(policy: TrackingPolicy | null) => void>();
  readonly #changeListeners = new Set<(change: PolicyChange) => void>();
  readonly #refusalListeners = new Set<(error: ApiRequestError) => void>();
  #policy: ReceivedPolicy | null = null;
  #privateWindows: PrivateListRead = { readable: false, reason: 'no policy known yet' };
  #etag: string | null = null;
  #running = false;
  #poll: TimerHandle | null = null;
  #reconnect: TimerHandle | null = null;
  #watchdog: TimerHandle | null = null;
  #stream: AbortController | null = null;
  #streamFailures = 0;

  constructor(deps: ServerPolicySourceDeps, options: ServerPolicySourceOptions = {}) {
    this.#deps = deps;
    this.#pollMs = Math.min(options.pollMs ?? 30_000, 60_000);
    this.#streamIdleMs = options.streamIdleMs ?? 60_000;
    this.#reconnectMs = options.reconnectMs ?? 3_000;
    this.#maxReconnectMs = options.maxReconnectMs ?? 60_000;
    this.#log = deps.logger.child({ subsystem: 'policy', contractId: deps.contractId });
    this.#loadCache();
  }

  current(): TrackingPolicy | null {
    const p = this.#policy;
    return p ? { screenshots: p.screenshots, segmentSeconds: p.segmentSeconds, version: p.version, privateWindows: this.#privateWindows } : null;
  }

  /** The whole policy as the server sent it, or null when none is known. */
  policy(): ReceivedPolicy | null {
    return this.#policy;
  }

  /** The contract's private-window list as the policy in force carries it (unreadable while no policy is known). */
  privateWindows(): PrivateListRead {
    return this.#privateWindows;
  }

  /** Whether the contract may be tracked now, and if not why, by its last known state (none known: no). */
  verdict(): TrackingVerdict {
    return trackingVerdict(this.#policy?.contract);
  }

  onChange(listener: (policy: TrackingPolicy | null) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Every accepted new version, with where it came from (the CLI prints it). */
  onPolicyChange(listener: (change: PolicyChange) => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  /** The server refused us (401: sign in again; 403/404: not a party to the contract). */
  onRefused(listener: (error: ApiRequestError) => void): () => void {
    this.#refusalListeners.add(listener);
    return () => this.#refusalListeners.delete(listener);
  }

  /** Pulls once, then keeps following: ETag poll plus the stream. Never throws for network trouble. */
  async start(): Promise<PullOutcome> {
    if (this.#running) return 'unchanged';
    this.#running = true;
    const outcome = await this.pull();
    if (!this.#running) return outcome;
    this.#poll = this.#deps.clock.setInterval(() => void this.pull(), this.#pollMs);
    this.#connect();
    return outcome;
  }

  stop(): void {
    this.#running = false;
    for (const timer of [this.#poll, this.#reconnect, this.#watchdog]) if (timer) this.#deps.clock.clearTimer(timer);
    this.#poll = this.#reconnect = this.#watchdog = null;
    this.#stream?.abort();
    this.#stream = null;
  }

  /** One conditional GET of the policy. */
  async pull(): Promise<PullOutcome> {
    try {
      const answer = await this.#deps.client.policy(this.#deps.contractId, this.#policy ? this.#etag : null);
      if (answer.status === 'unchanged') return 'unchanged';
      return this.accept(answer.policy, answer.etag, 'pull') ? 'changed' : 'unchanged';
    } catch (error) {
      return this.#failed(error, 'pull');
    }
  }

  /**
   * Takes a candidate policy from any origin. Returns whether it became the policy in force. Exposed for the
   * stream and for tests; `candidate` is untrusted input.
   */
  accept(candidate: unknown, etag: string | null, origin: PolicyOrigin): boolean {
    const parsed = receivedPolicySchema.safeParse(candidate);
    if (!parsed.success) {
      this.#log.warn({ origin, issue: parsed.error.issues[0]?.message }, 'ignored a malformed policy; the last good one stays');
      return false;
    }
    const policy = parsed.data;
    if (policy.contractId !== this.#deps.contractId) {
      this.#log.warn({ origin, otherContractId: policy.contractId }, 'ignored a policy for another contract');
      return false;
    }
    const known = this.#policy;
    if (!isNewerPolicy(policy, known)) {
      const same = known !== null && policy.version === known.version && policy.contract?.seq === known.contract?.seq;
      if (same && etag) this.#etag = etag;
      if (!same) this.#log.info({ origin, version: policy.version, seq: policy.contract?.seq, known: known?.version }, 'ignored an older policy');
      return false;
    }
    const trackingBefore = JSON.stringify(this.current());
    this.#take(policy);
    this.#etag = etag;
    this.#deps.cache.put(policy.contractId, JSON.stringify(policy), etag);
    const privateRules = this.#privateWindows.readable ? this.#privateWindows.rules.length : 'unreadable';
    this.#log.info({ origin, version: policy.version, screenshots: policy.screenshots, state: policy.contract?.state, privateRules }, 'policy in force');
    if (!this.#privateWindows.readable) {
      this.#log.warn({ origin, version: policy.version, issue: this.#privateWindows.reason }, "the contract's private-window list is unreadable: no screenshots until it is");
    }
    const tracking = this.current();
    // A state change alone leaves what the tracker follows as it was: it hears only real changes.
    if (JSON.stringify(tracking) !== trackingBefore) for (const listener of this.#listeners) listener(tracking);
    for (const listener of this.#changeListeners) listener({ policy, origin });
    return true;
  }

  #loadCache(): void {
    const cached = this.#deps.cache.policy(this.#deps.contractId);
    if (cached) {
      this.#take(cached.policy);
      this.#etag = cached.etag;
    } else if (this.#deps.cache.get(this.#deps.contractId)) {
      // An unreadable cache is the same as no cache: time only (and not tracked) until the server answers.
      this.#log.warn('cached policy unreadable; unknown until the server answers');
    }
  }

  #take(policy: ReceivedPolicy): void {
    this.#policy = policy;
    this.#privateWindows = readPrivateList(policy.privateWindows);
  }

  #failed(error: unknown, origin: 'pull' | 'stream'): PullOutcome {
    if (!(error instanceof ApiRequestError)) {
      this.#log.error({ err: error, origin }, 'policy request failed unexpectedly');
      return 'unreachable';
    }
    const failure = error.failure;
    if (failure.kind === 'http' && (failure.status === 401 || failure.status === 403 || failure.status === 404)) {
      this.#log.warn({ origin, status: failure.status, code: failure.code }, 'server refused the policy request');
      for (const listener of this.#refusalListeners) listener(error);
      return 'refused';
    }
    this.#log.warn({ origin, failure: describeFailure(failure) }, 'policy not reachable; the last good policy stays');
    return 'unreachable';
  }

  #connect(): void {
    if (!this.#running) return;
    const controller = new AbortController();
    this.#stream = controller;
    // The watchdog runs from the request on, not only once the stream flows: a server that takes the request and
    // never answers (or stalls in an error page) would otherwise leave the agent without a stream for good.
    this.#armWatchdog(controller);
    this.#deps.client
      .openPolicyStream(this.#deps.contractId, controller.signal)
      .then((body) => this.#follow(body, controller))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) this.#failed(error, 'stream');
        this.#streamEnded(controller);
      });
  }

  #follow(body: Readable, controller: AbortController): void {
    const parser = new SseParser();
    this.#streamFailures = 0;
    this.#armWatchdog(controller);
    body.setEncoding('utf8');
    body.on('data', (chunk: string) => {
      this.#armWatchdog(controller);
      for (const event of parser.feed(chunk)) {
        if (event.event !== 'policy') continue;
        let candidate: unknown;
        try {
          candidate = JSON.parse(event.data);
        } catch {
          this.#log.warn({ origin: 'stream' }, 'ignored a policy event that is not JSON');
          continue;
        }
        this.accept(candidate, null, 'stream');
      }
    });
    const ended = () => this.#streamEnded(controller);
    body.once('end', ended);
    body.once('error', ended);
    body.once('close', ended);
    controller.signal.addEventListener('abort', () => body.destroy(), { once: true });
  }

  #armWatchdog(controller: AbortController): void {
    if (this.#watchdog) this.#deps.clock.clearTimer(this.#watchdog);
    this.#watchdog = this.#deps.clock.setTimeout(() => {
      this.#log.warn({ idleMs: this.#streamIdleMs }, 'policy stream went silent; reconnecting');
      controller.abort();
      this.#streamEnded(controller);
    }, this.#streamIdleMs);
  }

  /** Reconnects once per stream, with backoff while it keeps failing, and pulls to catch what was missed. */
  #streamEnded(controller: AbortController): void {
    if (this.#stream !== controller) return;
    this.#stream = null;
    controller.abort();
    if (this.#watchdog) this.#deps.clock.clearTimer(this.#watchdog);
    this.#watchdog = null;
    if (!this.#running) return;
    const delay = backoffDelay(this.#streamFailures, this.#deps.random ?? Math.random, { baseMs: this.#reconnectMs, capMs: this.#maxReconnectMs });
    this.#streamFailures += 1;
    this.#reconnect = this.#deps.clock.setTimeout(() => {
      this.#reconnect = null;
      void this.pull();
      this.#connect();
    }, delay);
  }
}
