import type { UserRole } from '../../../src/shared/protocol/api/index.js';
import { forbidden, notFound } from '../errors.js';
import type { ContractRow, RepositorySet, UserRow } from '../repository/index.js';

/** The signed-in user of a request. */
export type Caller = Pick<UserRow, 'id' | 'email' | 'role'>;

/** The caller's side of a contract, or null when the caller is not a party to it. */
export function sideOf(contract: ContractRow, caller: Caller): UserRole | null {
  if (contract.clientId === caller.id) return 'client';
  if (contract.freelancerId === caller.id) return 'freelancer';
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
  required?: UserRole,
): Promise<{ contract: ContractRow; side: UserRole }> {
  // No contract id holds a NUL, and PostgreSQL refuses one even as a query parameter (a 500 otherwise).
  const contract = contractId.includes('\u0000') ? undefined : await repos.contracts.find(contractId);
  const side = contract ? sideOf(contract, caller) : null;
  if (!contract || !side) throw notFound('contract');
  if (required && side !== required) throw forbidden(`only the contract's ${required} may do this`);
  return { contract, side };
}
