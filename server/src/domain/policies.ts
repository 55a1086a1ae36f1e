import { EventEmitter } from 'node:events';
import { z } from 'zod';
import type { Clock } from '../../../src/shared/clock.js';
import { normalisePrivateRules, samePrivateRules } from '../../../src/shared/privacy/index.js';
import { recordIdSchema, type ContractStatus, type Policy } from '../../../src/shared/protocol/index.js';
import type { PolicyUpdate, PolicyVersion } from '../../../src/shared/protocol/api/index.js';
import type { ContractRow, ContractStateRow, PolicyVersionRow, Repositories, RepositorySet } from '../repository/index.js';
import type { SqlNotifications } from '../repository/sql.js';
import { toIso } from '../support/time.js';

type PolicyContract = Pick<ContractRow, 'id' | 'segmentSeconds' | 'state' | 'stateSeq' | 'stateSince' | 'stateBy'>;

/** The contract's current state as the wire carries it. */
export function toContractStatus(contract: Pick<ContractRow, 'state' | 'stateSeq' | 'stateSince' | 'stateBy'>): ContractStatus {
  return { state: contract.state, seq: contract.stateSeq, since: toIso(contract.stateSince), by: contract.stateBy };
}

/** One entry of the state history as the wire carries it. */
export function toHistoryStatus(row: ContractStateRow): ContractStatus {
  return { state: row.state, seq: row.seq, since: toIso(row.at), by: row.bySide };
}

export function toPolicy(contract: PolicyContract, version: PolicyVersionRow): Policy {
  return {
    contractId: contract.id,
    screenshots: version.screenshots,
    segmentSeconds: contract.segmentSeconds,
    retentionDays: version.retentionDays,
    version: version.version,
    updatedAt: toIso(version.effectiveFrom),
    privateWindows: [...version.privateWindows],
    contract: toContractStatus(contract),
  };
}

/** The policy an agent of this contract follows now: the current version with the contract's current state. */
export async function currentPolicyOf(repos: RepositorySet, contract: PolicyContract): Promise<Policy> {
  const version = await repos.contracts.currentPolicy(contract.id);
  if (!version) throw new Error(`contract ${contract.id} has no policy`);
  return toPolicy(contract, version);
}

export function toPolicyVersion(contract: Pick<ContractRow, 'segmentSeconds'>, version: PolicyVersionRow): PolicyVersion {
  return {
    version: version.version,
    screenshots: version.screenshots,
    segmentSeconds: contract.segmentSeconds,
    retentionDays: version.retentionDays,
    effectiveFrom: toIso(version.effectiveFrom),
    privateWindows: [...version.privateWindows],
  };
}

/** A strong ETag per contract, policy version and state change: either makes a new tag. */
export const policyEtag = (policy: Policy): string => `"policy-${policy.contractId}-v${policy.version}-s${policy.contract.seq}"`;

/**
 * Policy changes as they are committed, for the SSE stream. In-process; with PostgreSQL,
 * relayPolicyEvents carries them between the server processes sharing the database.
 */
export class PolicyEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0); // one listener per open stream; hundreds of agents are normal
  }

  publish(policy: Policy): void {
    this.emitter.emit(policy.contractId, policy);
  }

  /** Returns the unsubscribe function. */
  subscribe(contractId: string, listener: (policy: Policy) => void): () => void {
    this.emitter.on(contractId, listener);
    return () => this.emitter.off(contractId, listener);
  }

  /** Listeners subscribed now, over every contract (what a leak check counts). */
  listenerCount(): number {
    return this.emitter.eventNames().reduce((n, name) => n + this.emitter.listenerCount(name), 0);
  }
}

/**
 * Records a new policy version when something changes; the same values again return the current
 * version unchanged. The new version takes effect now, never before the previous one (a server clock
 * stepping back must not reorder history).
 */
export async function updatePolicy(
  repos: Repositories,
  clock: Clock,
  contract: ContractRow,
  update: PolicyUpdate,
): Promise<{ policy: Policy; changed: boolean }> {
  return repos.transaction(async (tx) => {
    await tx.contracts.lock(contract.id);
    // Read again under the lock: the policy carries the state, which may have changed since the caller read it.
    const locked = (await tx.contracts.find(contract.id)) ?? contract;
    const current = await tx.contracts.currentPolicy(contract.id);
    if (!current) throw new Error(`contract ${contract.id} has no policy`);
    const screenshots = update.screenshots ?? current.screenshots;
    const retentionDays = update.retentionDays ?? current.retentionDays;
    // The private-window list comes whole; trimmed and without repeats, it is the same list when only spelling differs.
    const privateWindows = update.privateWindows ? normalisePrivateRules(update.privateWindows) : current.privateWindows;
    if (screenshots === current.screenshots && retentionDays === current.retentionDays && samePrivateRules(privateWindows, current.privateWindows)) {
      return { policy: toPolicy(locked, current), changed: false };
    }
    const next: PolicyVersionRow = {
      contractId: contract.id,
      version: current.version + 1,
      screenshots,
      retentionDays,
      effectiveFrom: Math.max(clock.now(), current.effectiveFrom),
      privateWindows,
    };
    await tx.contracts.addPolicyVersion(next);
    return { policy: toPolicy(locked, next), changed: true };
  });
}

export const POLICY_CHANNEL = 'worktrace_policy';

/**
 * What a notice between server processes carries: which contract changed, and to which version. Never
 * the policy itself: anyone who can reach the database can send a notice on the channel, so a notice is
 * only a reason to read the policy again, from the table every process trusts.
 */
const policyNoticeSchema = z.object({ contractId: recordIdSchema, version: z.number().int().min(1) }).strict();
type PolicyNotice = z.infer<typeof policyNoticeSchema>;

/**
 * Tells every server process sharing the database about a new policy version (this one included:
 * streams drop versions they already sent, so hearing it twice is harmless).
 */
export async function announcePolicy(events: PolicyEvents, notifications: SqlNotifications | undefined, policy: Policy): Promise<void> {
  events.publish(policy);
  const notice: PolicyNotice = { contractId: policy.contractId, version: policy.version };
  await notifications?.publish(POLICY_CHANNEL, JSON.stringify(notice));
}

/**
 * Feeds policy changes announced by other processes into this process's events: on each notice, the
 * contract's current policy as the database holds it. Returns the stop function.
 */
export function relayPolicyEvents(events: PolicyEvents, notifications: SqlNotifications, repos: Repositories): Promise<() => Promise<void>> {
  // One re-read at a time, in the order the notices came, and one queued per contract: a burst of
  // notices (a flood of forged ones included) costs at most one read per contract.
  let reading: Promise<void> = Promise.resolve();
  const queued = new Set<string>();
  return notifications.subscribe(POLICY_CHANNEL, (payload) => {
    let parsed: ReturnType<typeof policyNoticeSchema.safeParse>;
    try {
      parsed = policyNoticeSchema.safeParse(JSON.parse(payload));
    } catch {
      return; // not ours, or garbled: nothing to relay
    }
    if (!parsed.success || queued.has(parsed.data.contractId)) return;
    const { contractId } = parsed.data;
    queued.add(contractId);
    reading = reading
      .then(() => {
        queued.delete(contractId); // a notice from now on may carry a newer version: it queues its own read
        return publishCurrent(events, repos, contractId);
      })
      // A failed read (the database away) is dropped: agents also poll the policy with its ETag.
      .catch(() => undefined);
  });
}

async function publishCurrent(events: PolicyEvents, repos: Repositories, contractId: string): Promise<void> {
  const contract = await repos.contracts.find(contractId);
  const current = contract && (await repos.contracts.currentPolicy(contractId));
  if (contract && current) events.publish(toPolicy(contract, current));
}
