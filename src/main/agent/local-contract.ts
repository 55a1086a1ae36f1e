/**
 * Local (personal) contracts are named by the person and never uploaded. Their ids carry a prefix so they can
 * never be mistaken for a server contract's id in the same database.
 */
const LOCAL_PREFIX = 'local:';

export function localContractId(name: string): string {
  return `${LOCAL_PREFIX}${name}`;
}

/** Matches a `--contract` filter against a stored contract id: the id itself, or a local contract's name. */
export function contractMatches(contractId: string, filter: string): boolean {
  return contractId === filter || contractId === localContractId(filter);
}

export function contractLabel(contractId: string): string {
  return contractId.startsWith(LOCAL_PREFIX) ? contractId.slice(LOCAL_PREFIX.length) : contractId;
}
