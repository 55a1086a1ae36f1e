import { readPrivateList, type PrivateWindowRule } from '../../shared/privacy/index.js';
import { receivedPolicySchema } from '../../shared/protocol/index.js';
import type { Store } from '../store/index.js';
import { KEEP_APP_NAMES_KEY } from './rules.js';

/** One contract's list as its client set it (from the cached policy); `rules` null when it cannot be read. */
export interface ContractPrivateList {
  readonly contractId: string;
  readonly version: number;
  readonly rules: readonly PrivateWindowRule[] | null;
}

/** The lists this device holds: the freelancer's (null when unreadable) and each cached contract's. */
export interface PrivateLists {
  readonly device: readonly PrivateWindowRule[] | null;
  readonly keepAppNames: boolean;
  readonly contracts: readonly ContractPrivateList[];
}

/** What `worktrace private list` and `worktrace status` show; a tracking agent applies the same lists (rules.ts). */
export function privateLists(store: Store): PrivateLists {
  let device: readonly PrivateWindowRule[] | null;
  try {
    device = store.privateWindows.list();
  } catch {
    device = null;
  }
  const contracts: ContractPrivateList[] = [];
  for (const contractId of store.policies.contractIds()) {
    let json: unknown = null;
    try {
      json = JSON.parse(store.policies.get(contractId)?.policyJson ?? 'null');
    } catch {
      continue; // a damaged cache entry is no policy: time only, and replaced by the server's
    }
    const policy = receivedPolicySchema.safeParse(json);
    if (!policy.success) continue;
    const read = readPrivateList(policy.data.privateWindows);
    contracts.push({ contractId, version: policy.data.version, rules: read.readable ? read.rules : null });
  }
  return { device, keepAppNames: store.settings.get(KEEP_APP_NAMES_KEY) === '1', contracts };
}
