import { z } from 'zod';

/**
 * A contract's life: invited → active ⇄ paused → ended. Only an active contract is tracked; work recorded before a
 * pause or end is kept, work that starts after it is refused (DESIGN.md, "A contract's life").
 */
export const CONTRACT_STATES = ['invited', 'active', 'paused', 'ended'] as const;
export const contractStateSchema = z.enum(CONTRACT_STATES);
export type ContractState = z.infer<typeof contractStateSchema>;

/** A side of one contract. An account has no role of its own: it is the client of one contract, the freelancer of another. */
export const contractSideSchema = z.enum(['client', 'freelancer']);
export type ContractSide = z.infer<typeof contractSideSchema>;

/**
 * The contract's state as the server reports it (in the policy, its stream and the contract list): which state, the
 * how-many-th change brought it (`seq`, 1 for the first; a higher one is newer), since when, and who made the change
 * (null: the server itself, when the contract was created or migrated).
 */
export const contractStatusSchema = z
  .object({
    state: contractStateSchema,
    seq: z.number().int().min(1),
    since: z.iso.datetime(),
    by: contractSideSchema.nullable(),
  })
  .strict();
export type ContractStatus = z.infer<typeof contractStatusSchema>;

/**
 * The same, as an agent reads it: a state this build does not know (a newer server's) is kept as text rather than
 * refused, so that it can mean "do not track" instead of letting the last known state stand.
 */
export const receivedContractStatusSchema = contractStatusSchema.extend({ state: z.string().min(1).max(64) });
export type ReceivedContractStatus = z.infer<typeof receivedContractStatusSchema>;

export type TrackingVerdict = { readonly trackable: true } | { readonly trackable: false; readonly reason: string };

/**
 * Whether a contract in this state may be tracked, and if not why, in words a freelancer reads ("paused by the
 * client"). No known state (never heard, or an older cache) and a state this build does not know both mean: do not
 * track (fail closed, like the screenshot policy).
 */
export function trackingVerdict(status: ReceivedContractStatus | null | undefined): TrackingVerdict {
  if (!status) return { trackable: false, reason: 'its state is not known yet (the server has not been reached)' };
  const parsed = contractStateSchema.safeParse(status.state);
  if (!parsed.success) return { trackable: false, reason: `it is "${status.state}", a state this version of Worktrace does not know: update Worktrace` };
  const by = status.by === null ? '' : ` by the ${status.by}`;
  switch (parsed.data) {
    case 'active':
      return { trackable: true };
    case 'invited':
      return { trackable: false, reason: 'the invitation has not been accepted yet' };
    case 'paused':
      return { trackable: false, reason: `it was paused${by}` };
    case 'ended':
      return { trackable: false, reason: `it was ended${by}` };
  }
}

/** The state in a few words for a list: "active", "paused by the client", "ended by the freelancer". */
export function contractStateWords(status: ReceivedContractStatus | null | undefined): string {
  if (!status) return 'state unknown';
  const known = contractStateSchema.safeParse(status.state);
  if (!known.success) return `state "${status.state}" (unknown)`;
  if (known.data === 'invited') return 'invited (not accepted yet)';
  if (known.data === 'active' || status.by === null) return known.data;
  return `${known.data} by the ${status.by}`;
}
