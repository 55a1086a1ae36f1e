import { contractStateWords, type ScreenshotMode } from '../../shared/protocol/index.js';
import { sameAccount, type AccountQueue, type OutboxKind, type ParkedItem, type Store } from '../store/index.js';
import { CredentialsStore } from './credentials.js';
import { contractOfItem } from './item-contract.js';
import { parkedAdvice } from './item-words.js';
import { SyncStateRepository, type SyncErrorRecord } from './sync-state.js';

/** What `worktrace status` adds in server mode: the sign-in, and per contract its policy and upload queue. */
export interface SyncStatusReport {
  readonly signedIn: { readonly server: string; readonly email: string; readonly expiresAt: string } | null;
  /** An error of the whole sync (e.g. the server refused the sign-in). */
  readonly lastError: SyncErrorRecord | null;
  readonly contracts: readonly ContractSyncStatus[];
  /**
   * Work queued under accounts other than the signed-in one (all of them when signed out): it is sent only when
   * that account signs in again.
   */
  readonly waitingForOtherAccounts: readonly AccountQueue[];
}

export interface ContractSyncStatus {
  readonly contractId: string;
  /** The cached policy in force; null = none known yet (time only). */
  readonly policy: {
    readonly screenshots: ScreenshotMode;
    readonly version: number;
    readonly segmentSeconds: number;
    readonly fetchedAt: number;
    /** The contract's last known state in words ("paused by the client"; "state unknown" before the server said). */
    readonly state: string;
  } | null;
  readonly pendingSegments: number;
  /** Screenshot uploads and the freelancer's screenshot deletions still to send. */
  readonly pendingScreenshots: number;
  /** The signed-in account's parked items only (other accounts' are counted in waitingForOtherAccounts). */
  readonly parked: readonly ParkedItemStatus[];
  readonly lastSuccessAt: number | null;
  readonly lastError: SyncErrorRecord | null;
}

/** A parked item as status shows it: what it is, the server's answer, why in words and what to do, and when it is tried again. */
export interface ParkedItemStatus {
  readonly kind: OutboxKind;
  readonly itemId: string;
  /** The answer (or local failure) that parked it, as recorded. */
  readonly error: string | null;
  readonly reason: string;
  readonly todo: string;
  /** Epoch ms of the first refusal. */
  readonly parkedAt: number;
  /** Epoch ms of its next automatic try. */
  readonly retryAt: number;
}

/** A parked item of the outbox, with why and what to do in words. */
export function parkedItemStatus(item: ParkedItem): ParkedItemStatus {
  const advice = parkedAdvice(item.lastError);
  return { kind: item.kind, itemId: item.itemId, error: item.lastError, ...advice, parkedAt: item.parkedAt, retryAt: item.nextAttemptAt };
}

/** Reads only local state (no network): status must answer offline too. The credentials file may be absent. */
export function readSyncStatus(store: Store, dataDir: string): SyncStatusReport {
  let signedIn: SyncStatusReport['signedIn'] = null;
  let account: { server: string; userId: string } | null = null;
  try {
    const credentials = new CredentialsStore(dataDir).read();
    if (credentials) {
      signedIn = { server: credentials.server, email: credentials.email, expiresAt: credentials.expiresAt };
      account = { server: credentials.server, userId: credentials.userId };
    }
  } catch {
    signedIn = null; // a damaged file reads as signed out; `login` fixes it
  }
  const state = new SyncStateRepository(store.settings);
  const contractIds = new Set<string>(
    store.db
      .prepare<[], { contract_id: string }>(
        `SELECT contract_id FROM policy_cache
          UNION SELECT DISTINCT contract_id FROM segments WHERE contract_id NOT LIKE 'local:%'`,
      )
      .all()
      .map((row) => row.contract_id),
  );
  const queues = new Map(store.status.queueByContractId().map((q) => [q.contractId, q]));
  for (const id of queues.keys()) if (id !== '' && !id.startsWith('local:')) contractIds.add(id);
  const parkedByContract = new Map<string, ContractSyncStatus['parked'][number][]>();
  for (const item of store.outbox.parked(account)) {
    const contractId = contractOfItem(store, item) ?? '';
    const list = parkedByContract.get(contractId) ?? [];
    list.push(parkedItemStatus(item));
    parkedByContract.set(contractId, list);
  }
  const contracts = [...contractIds].sort().map((contractId): ContractSyncStatus => {
    const queue = queues.get(contractId);
    const synced = state.get(contractId);
    return {
      contractId,
      policy: cachedPolicy(store, contractId),
      pendingSegments: queue?.pendingSegments ?? 0,
      pendingScreenshots: queue?.pendingScreenshots ?? 0,
      parked: parkedByContract.get(contractId) ?? [],
      lastSuccessAt: synced.lastSuccessAt,
      lastError: synced.lastError,
    };
  });
  const waitingForOtherAccounts = store.outbox.byAccount().filter((q) => !(account && sameAccount(q.account, account)));
  return { signedIn, lastError: state.get(null).lastError, contracts, waitingForOtherAccounts };
}

/** What a queued item is, for a person: "segment", "screenshot", "screenshot deletion". */
export function itemKindWords(kind: OutboxKind): string {
  switch (kind) {
    case 'segment':
      return 'segment';
    case 'screenshot':
      return 'screenshot';
    case 'screenshot-deletion':
      return 'screenshot deletion';
  }
}

/** "12 items wait for ana@example.com on https://…: sign in as them to send them." */
export function waitingWords(queue: AccountQueue): string {
  const items = queue.pendingSegments + queue.pendingScreenshots;
  const parked = queue.parked > 0 ? ` (and ${queue.parked} parked)` : '';
  return `${items} ${items === 1 ? 'item waits' : 'items wait'}${parked} for ${queue.account.email} on ${queue.account.server}: sign in as them to send them.`;
}

function cachedPolicy(store: Store, contractId: string): ContractSyncStatus['policy'] {
  const cached = store.policies.policy(contractId);
  const row = store.policies.get(contractId);
  if (!cached || !row) return null;
  const p = cached.policy;
  return { screenshots: p.screenshots, version: p.version, segmentSeconds: p.segmentSeconds, fetchedAt: row.fetchedAt, state: contractStateWords(p.contract) };
}
