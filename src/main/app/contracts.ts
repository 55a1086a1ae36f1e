import { z } from 'zod';
import { contractViewSchema, type ContractView } from '../../shared/ipc/index.js';
import { contractStateWords, trackingVerdict, type ReceivedPolicy } from '../../shared/protocol/index.js';
import type { ReceivedContractSummary } from '../../shared/protocol/api/index.js';
import type { Store } from '../store/index.js';
import { contractPrivateWindows } from './private-windows.js';

const CONTRACTS_KEY = 'app.contracts';

/**
 * The signed-in freelancer's contracts as the picker shows them, kept in the store's settings so the app starts
 * offline with the last list; each contract's policy also goes to the policy cache the tracker falls back on.
 */
export class ContractsCache {
  constructor(private readonly store: Store) {}

  list(): ContractView[] {
    const text = this.store.settings.get(CONTRACTS_KEY);
    if (!text) return [];
    try {
      return z.array(contractViewSchema).parse(JSON.parse(text));
    } catch {
      return []; // a damaged list is refreshed from the server
    }
  }

  /** The server's answer: the contracts this account is the freelancer of (the ones it may track), with their states. */
  replace(contracts: readonly ReceivedContractSummary[]): void {
    const views = contracts.filter((c) => c.role === 'freelancer').map((c) => ({ ...toView(c.id, c.name, c.client.email, c.policy), timeZone: c.terms.timeZone }));
    for (const c of contracts) this.store.policies.putIfNewer(c.policy, null);
    this.store.settings.set(CONTRACTS_KEY, JSON.stringify(views));
  }

  /** A running session received a newer policy or state: the picker shows what is in force. */
  updatePolicy(contractId: string, policy: ReceivedPolicy): void {
    const views = this.list().map((c) => (c.id === contractId ? { ...toView(c.id, c.name, c.clientEmail, policy), ...(c.timeZone ? { timeZone: c.timeZone } : {}) } : c));
    this.store.settings.set(CONTRACTS_KEY, JSON.stringify(views));
  }

  clear(): void {
    this.store.settings.delete(CONTRACTS_KEY);
  }
}

function toView(id: string, name: string, clientEmail: string, policy: ReceivedPolicy): ContractView {
  const verdict = trackingVerdict(policy.contract);
  return {
    id,
    name,
    clientEmail,
    screenshots: policy.screenshots,
    segmentSeconds: policy.segmentSeconds,
    policyVersion: policy.version,
    privateWindows: contractPrivateWindows(policy),
    stateWords: contractStateWords(policy.contract),
    trackable: verdict.trackable,
    whyNot: verdict.trackable ? null : verdict.reason,
  };
}
