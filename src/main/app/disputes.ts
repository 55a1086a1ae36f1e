import { MAX_DISPUTE_VIEWS, type ContractView, type DisputeView } from '../../shared/ipc/index.js';
import type { KnownDispute } from '../sync/index.js';

/** The disputes the page lists: those of the contracts in the picker, with the contract's name, newest first. */
export function disputeViews(known: readonly KnownDispute[], contracts: readonly ContractView[]): DisputeView[] {
  const names = new Map(contracts.map((c) => [c.id, c.name]));
  return known
    .filter((d) => names.has(d.contractId))
    .slice(0, MAX_DISPUTE_VIEWS)
    .map((d) => ({ contractId: d.contractId, contractName: names.get(d.contractId)!, segmentId: d.segmentId, startedAt: d.startedAt, note: d.note, at: d.at }));
}
