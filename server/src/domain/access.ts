import type { ContractSide } from '../../../src/shared/protocol/index.js';
import { forbidden, notFound } from '../errors.js';
import type { ContractRow, RepositorySet, UserRow } from '../repository/index.js';

/** The signed-in user of a request. An account has no role: its side is decided per contract (sideOf). */
export type Caller = Pick<UserRow, 'id' | 'email' | 'name'>;

/** The caller's side of a contract, or null when the caller is not a party to it. */
export function sideOf(contract: Pick<ContractRow, 'clientId' | 'freelancerId'>, caller: Pick<Caller, 'id'>): ContractSide | null {
  if (contract.clientId === caller.id) return 'client';
  if (contract.freelancerId !== null && contract.freelancerId === caller.id) return 'freelancer';
  return null;
}

/**
 * The contract, when the caller is a party to it (and on the required side, if one is given).
 * Strangers get 404 rather than 403, so that ids of other people's contracts reveal nothing.
 */
export async function contractForParty(
  repos: RepositorySet,
  caller: Caller,
  contractId: string,
  required?: ContractSide,
): Promise<{ contract: ContractRow; side: ContractSide }> {
  // No contract id holds a NUL, and PostgreSQL refuses one even as a query parameter (a 500 otherwise).
  const contract = contractId.includes('\u0000') ? undefined : await repos.contracts.find(contractId);
  const side = contract ? sideOf(contract, caller) : null;
  if (!contract || !side) throw notFound('contract');
  if (required && side !== required) throw forbidden(`only the contract's ${required} may do this`);
  return { contract, side };
}
