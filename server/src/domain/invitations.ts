import { randomBytes } from 'node:crypto';
import { ulid } from 'ulid';
import type { Clock } from '../../../src/shared/clock.js';
import type { InvitationState, InvitationSummary, InvitationView } from '../../../src/shared/protocol/api/index.js';
import { hashToken } from '../auth/tokens.js';
import { ApiError, conflict, forbidden, gone, notFound } from '../errors.js';
import type { ContractRow, InvitationRow, RepositorySet } from '../repository/index.js';
import { toIso } from '../support/time.js';
import type { Caller } from './access.js';
import { contractTerms } from './contract-terms.js';
import { currentPolicyOf } from './policies.js';

/** 256 random bits, shown once; only the SHA-256 is stored (like a sign-in token, with its own prefix). */
export function newInvitationToken(): string {
  return `wti_${randomBytes(32).toString('base64url')}`;
}

/** Where an invitation stands at `now`: closed as accepted/declined/revoked, else pending until it expires. */
export function invitationState(row: Pick<InvitationRow, 'closedAs' | 'expiresAt'>, now: number): InvitationState {
  if (row.closedAs) return row.closedAs;
  return now >= row.expiresAt ? 'expired' : 'pending';
}

export function toInvitationSummary(row: InvitationRow, now: number): InvitationSummary {
  return {
    id: row.id,
    contractId: row.contractId,
    email: row.email,
    state: invitationState(row, now),
    createdAt: toIso(row.createdAt),
    expiresAt: toIso(row.expiresAt),
    closedAt: row.closedAt === null ? null : toIso(row.closedAt),
  };
}

/**
 * A new invitation for `email` to be the freelancer of `contract`; any invitation still open for it is revoked, so
 * one link at a time works. Inside the caller's transaction. Returns the row and the token (never stored).
 */
export async function issueInvitation(
  tx: RepositorySet,
  clock: Clock,
  ttlMs: number,
  contract: Pick<ContractRow, 'id' | 'clientId'>,
  email: string,
): Promise<{ row: InvitationRow; token: string }> {
  const now = clock.now();
  await tx.invitations.revokeOpen(contract.id, now, contract.clientId);
  const token = newInvitationToken();
  const row: InvitationRow = {
    id: ulid(now),
    contractId: contract.id,
    email: email.trim().toLowerCase(),
    tokenHash: hashToken(token),
    createdBy: contract.clientId,
    createdAt: now,
    expiresAt: now + ttlMs,
    closedAs: null,
    closedAt: null,
    closedBy: null,
  };
  await tx.invitations.insert(row);
  return { row, token };
}

/**
 * The invitation a token opens, usable now: 404 INVITATION_NOT_FOUND for a token nobody issued, 410 for one that was
 * accepted or declined (INVITATION_USED), revoked, or has expired. Whoever holds the token may learn that much.
 */
export async function usableInvitation(repos: RepositorySet, token: string, now: number): Promise<InvitationRow> {
  const row = await repos.invitations.findByTokenHash(hashToken(token));
  if (!row) throw new ApiError(404, 'INVITATION_NOT_FOUND', 'this invitation link is not valid: ask the client for a new one');
  refuseUnusable(row, now);
  return row;
}

function refuseUnusable(row: InvitationRow, now: number): void {
  switch (invitationState(row, now)) {
    case 'pending':
      return;
    case 'accepted':
    case 'declined':
      throw gone('INVITATION_USED', `this invitation was ${row.closedAs} already: it works once`);
    case 'revoked':
      throw gone('INVITATION_REVOKED', 'the client withdrew this invitation: ask them for a new link');
    case 'expired':
      throw gone('INVITATION_EXPIRED', `this invitation expired on ${toIso(row.expiresAt)}: ask the client for a new link`);
  }
}

/** The invitation bound to `email`, or 403 INVITATION_EMAIL_MISMATCH (the message names neither address). */
export function requireInvitedEmail(row: InvitationRow, email: string): void {
  if (row.email !== email.trim().toLowerCase()) {
    throw new ApiError(403, 'INVITATION_EMAIL_MISMATCH', 'this invitation was made for another email address: sign in with the address it was sent to');
  }
}

/** What the token holder sees: the contract's name, its client, the policy and the terms. Nothing about accounts. */
export async function invitationView(repos: RepositorySet, row: InvitationRow, now: number): Promise<InvitationView> {
  const contract = await repos.contracts.find(row.contractId);
  if (!contract) throw notFound('invitation');
  const policy = await currentPolicyOf(repos, contract);
  return {
    id: row.id,
    email: row.email,
    state: invitationState(row, now),
    expiresAt: toIso(row.expiresAt),
    contract: {
      id: contract.id,
      name: contract.name,
      client: { name: contract.clientName, email: contract.clientEmail },
      screenshots: policy.screenshots,
      retentionDays: policy.retentionDays,
      segmentSeconds: contract.segmentSeconds,
      terms: contractTerms(contract),
    },
  };
}

/**
 * The signed-in caller accepts: the invitation must be usable and made for the caller's email, the contract still
 * waiting for its freelancer. In one transaction holding the contract: the caller becomes its freelancer, the
 * invitation is closed, and the contract becomes active. Returns the contract as it is now.
 */
export async function acceptInvitation(tx: RepositorySet, clock: Clock, caller: Caller, token: string): Promise<ContractRow> {
  const found = await usableInvitation(tx, token, clock.now());
  await tx.contracts.lock(found.contractId);
  // Again under the lock: a concurrent accept, decline or revoke of the same invitation went first.
  const row = (await tx.invitations.find(found.id)) ?? found;
  const now = clock.now();
  refuseUnusable(row, now);
  requireInvitedEmail(row, caller.email);
  const contract = await tx.contracts.find(row.contractId);
  if (!contract) throw notFound('invitation');
  if (contract.clientId === caller.id) throw forbidden('the client of a contract cannot also be its freelancer');
  if (contract.state !== 'invited' || !(await tx.contracts.setFreelancer(contract.id, caller.id))) {
    throw conflict('CONTRACT_STATE_CONFLICT', `the contract is ${contract.state}: it has no place for a freelancer any more`);
  }
  await tx.invitations.close(row.id, 'accepted', now, caller.id);
  await tx.contracts.addState({ contractId: contract.id, seq: contract.stateSeq + 1, state: 'active', at: Math.max(now, contract.stateSince), bySide: 'freelancer', byUserId: caller.id });
  const accepted = await tx.contracts.find(contract.id);
  if (!accepted) throw new Error('contract vanished while being accepted');
  return accepted;
}

/** Whoever holds the token declines; the contract stays waiting (the client may invite someone else, or end it). */
export async function declineInvitation(tx: RepositorySet, clock: Clock, token: string): Promise<InvitationRow> {
  const found = await usableInvitation(tx, token, clock.now());
  await tx.contracts.lock(found.contractId);
  const row = (await tx.invitations.find(found.id)) ?? found;
  const now = clock.now();
  refuseUnusable(row, now);
  await tx.invitations.close(row.id, 'declined', now, null);
  return { ...row, closedAs: 'declined', closedAt: now };
}
