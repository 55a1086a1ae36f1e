import { ulid } from 'ulid';
import type { Clock } from '../../../src/shared/clock.js';
import type { ContractCreate, ContractSummary, ContractUpdate } from '../../../src/shared/protocol/api/index.js';
import { DEFAULT_AUTO_APPROVE_DAYS, DEFAULT_KEEP_SCREENSHOTS_AFTER_END_DAYS } from '../../../src/shared/protocol/api/index.js';
import { badRequest, conflict, forbidden, gone, notFound } from '../errors.js';
import type { ContractRow, InvitationRow, Repositories, RepositorySet } from '../repository/index.js';
import type { SqlNotifications } from '../repository/sql.js';
import { toIso } from '../support/time.js';
import { contractForParty, sideOf, type Caller } from './access.js';
import { decideStateChange, type RequestedState } from './contract-states.js';
import { contractTerms, rateColumns } from './contract-terms.js';
import { issueInvitation, toInvitationSummary } from './invitations.js';
import { announcePolicy, currentPolicyOf, type PolicyEvents } from './policies.js';
import { contractEnd } from './retention.js';

/** What the contract operations need of the server. */
export interface ContractServices {
  readonly repos: Repositories;
  readonly clock: Clock;
  readonly policyEvents: PolicyEvents;
  readonly invitationTtlMs: number;
}

/** Tells every agent and page following the contract its terms as they are now (policy and state). */
export async function announceContract(s: Pick<ContractServices, 'repos' | 'policyEvents'>, contract: ContractRow): Promise<void> {
  const notifications: SqlNotifications | undefined = s.repos.notifications;
  await announcePolicy(s.policyEvents, notifications, await currentPolicyOf(s.repos, contract));
}

/** The contract as the caller sees it in the list: their side, policy and state, terms, and (the client) the invitation. */
export async function contractSummary(repos: RepositorySet, contract: ContractRow, caller: Caller, now: number): Promise<ContractSummary> {
  const role = sideOf(contract, caller);
  if (!role) throw notFound('contract');
  const latest = role === 'client' ? (await repos.invitations.listForContract(contract.id))[0] : undefined;
  const end = contractEnd(contract);
  return {
    id: contract.id,
    name: contract.name,
    client: { id: contract.clientId, email: contract.clientEmail, name: contract.clientName },
    freelancer:
      contract.freelancerId !== null ? { id: contract.freelancerId, email: contract.freelancerEmail ?? '', name: contract.freelancerName ?? '' } : null,
    role,
    policy: await currentPolicyOf(repos, contract),
    terms: contractTerms(contract),
    screenshotsPurgedAt: end ? toIso(end.at + end.keepScreenshotsDays * 86_400_000) : null,
    invitation: latest ? toInvitationSummary(latest, now) : null,
  };
}

/**
 * POST /contracts: the caller becomes the client of a new contract, invited (waiting for its freelancer), with its
 * first policy version and an invitation for `freelancerEmail`, in one transaction.
 */
export async function createInvitedContract(
  s: ContractServices,
  caller: Caller,
  body: ContractCreate,
  defaults: { segmentSeconds: number },
): Promise<{ contract: ContractRow; invitation: InvitationRow; token: string }> {
  if (body.freelancerEmail.trim().toLowerCase() === caller.email.toLowerCase()) {
    throw badRequest('VALIDATION_FAILED', 'freelancerEmail: invite someone else: the client of a contract cannot also be its freelancer');
  }
  const now = s.clock.now();
  const id = ulid(now);
  const issued = await s.repos.transaction(async (tx) => {
    await tx.contracts.create({
      id,
      name: body.name.trim(),
      clientId: caller.id,
      freelancerId: null,
      segmentSeconds: body.segmentSeconds ?? defaults.segmentSeconds,
      createdAt: now,
      ...rateColumns(body.hourlyRate ?? null),
      weeklyLimitHours: body.weeklyLimitHours ?? null,
      timeZone: body.timeZone,
      keepScreenshotsAfterEndDays: body.keepScreenshotsAfterEndDays ?? DEFAULT_KEEP_SCREENSHOTS_AFTER_END_DAYS,
      autoApproveDays: body.autoApproveDays ?? DEFAULT_AUTO_APPROVE_DAYS,
      deleteScreenshotsOnApproval: body.deleteScreenshotsOnApproval ?? false,
    });
    await tx.contracts.addPolicyVersion({ contractId: id, version: 1, screenshots: body.screenshots, retentionDays: body.retentionDays, effectiveFrom: now });
    await tx.contracts.addState({ contractId: id, seq: 1, state: 'invited', at: now, bySide: 'client', byUserId: caller.id });
    return issueInvitation(tx, s.clock, s.invitationTtlMs, { id, clientId: caller.id }, body.freelancerEmail);
  });
  const contract = await s.repos.contracts.find(id);
  if (!contract) throw new Error('contract vanished after creation');
  return { contract, invitation: issued.row, token: issued.token };
}

/**
 * PUT /contracts/{id}/state: pause, resume or end (contract-states.ts decides who may), in a transaction holding
 * the contract; a change is a new state row, never before the previous one (a clock stepping back must not reorder
 * history). Every agent following the contract hears it at once.
 */
export async function changeContractState(
  s: ContractServices,
  caller: Caller,
  contractId: string,
  requested: RequestedState,
): Promise<{ contract: ContractRow; changed: boolean }> {
  const { side } = await contractForParty(s.repos, caller, contractId);
  const result = await s.repos.transaction(async (tx) => {
    await tx.contracts.lock(contractId);
    const contract = await tx.contracts.find(contractId);
    if (!contract) throw notFound('contract');
    const decision = decideStateChange(contract.state, requested, side);
    switch (decision.kind) {
      case 'forbidden':
        throw forbidden(decision.message);
      case 'conflict':
        throw conflict('CONTRACT_STATE_CONFLICT', decision.message);
      case 'unchanged':
        return { contract, changed: false };
      case 'change': {
        const at = Math.max(s.clock.now(), contract.stateSince);
        await tx.contracts.addState({ contractId, seq: contract.stateSeq + 1, state: decision.to, at, bySide: side, byUserId: caller.id });
        // Ending a contract nobody accepted yet withdraws its invitation too.
        if (decision.to === 'ended') await tx.invitations.revokeOpen(contractId, at, contract.clientId);
        const changed = await tx.contracts.find(contractId);
        if (!changed) throw new Error('contract vanished while its state changed');
        return { contract: changed, changed: true };
      }
    }
  });
  if (result.changed) await announceContract(s, result.contract);
  return result;
}

/**
 * PATCH /contracts/{id}: the client changes the name or terms; what is not named stays. A change of the approval
 * settings is a new row of their history, from now on (never before the last one: a clock stepping back must not
 * reorder it), which is what keeps it from reaching back into weeks already ended (domain/approval-settings.ts).
 */
export async function updateContractTerms(s: ContractServices, caller: Caller, contractId: string, update: ContractUpdate): Promise<ContractRow> {
  await contractForParty(s.repos, caller, contractId, 'client');
  return s.repos.transaction(async (tx) => {
    await tx.contracts.lock(contractId);
    const contract = await tx.contracts.find(contractId);
    if (!contract) throw notFound('contract');
    await tx.contracts.updateTerms(contractId, {
      name: update.name?.trim() ?? contract.name,
      ...(update.hourlyRate === undefined ? { hourlyRateCents: contract.hourlyRateCents, currency: contract.currency } : rateColumns(update.hourlyRate)),
      weeklyLimitHours: update.weeklyLimitHours === undefined ? contract.weeklyLimitHours : update.weeklyLimitHours,
      keepScreenshotsAfterEndDays: update.keepScreenshotsAfterEndDays ?? contract.keepScreenshotsAfterEndDays,
    });
    const autoApproveDays = update.autoApproveDays ?? contract.autoApproveDays;
    const deleteScreenshotsOnApproval = update.deleteScreenshotsOnApproval ?? contract.deleteScreenshotsOnApproval;
    if (autoApproveDays !== contract.autoApproveDays || deleteScreenshotsOnApproval !== contract.deleteScreenshotsOnApproval) {
      const last = (await tx.contracts.approvalSettingsHistory(contractId)).at(-1);
      await tx.contracts.addApprovalSettings({
        contractId,
        seq: (last?.seq ?? 0) + 1,
        effectiveFrom: Math.max(s.clock.now(), last?.effectiveFrom ?? Number.MIN_SAFE_INTEGER),
        autoApproveDays,
        deleteScreenshotsOnApproval,
      });
    }
    const updated = await tx.contracts.find(contractId);
    if (!updated) throw new Error('contract vanished while its terms changed');
    return updated;
  });
}

/** POST /contracts/{id}/invitations: a new link (for the same or another email) while the contract waits; the old one stops working. */
export async function inviteAgain(s: ContractServices, caller: Caller, contractId: string, email: string): Promise<{ contract: ContractRow; invitation: InvitationRow; token: string }> {
  const { contract } = await contractForParty(s.repos, caller, contractId, 'client');
  if (email.trim().toLowerCase() === caller.email.toLowerCase()) {
    throw badRequest('VALIDATION_FAILED', 'email: invite someone else: the client of a contract cannot also be its freelancer');
  }
  const issued = await s.repos.transaction(async (tx) => {
    await tx.contracts.lock(contractId);
    const locked = await tx.contracts.find(contractId);
    if (locked?.state !== 'invited') {
      throw conflict('CONTRACT_STATE_CONFLICT', `the contract is ${locked?.state ?? 'gone'}: only a contract waiting for its freelancer takes an invitation`);
    }
    return issueInvitation(tx, s.clock, s.invitationTtlMs, contract, email);
  });
  return { contract, invitation: issued.row, token: issued.token };
}

/** DELETE /contracts/{id}/invitations/{invitationId}: the client withdraws an open invitation; its link stops working. */
export async function revokeInvitation(s: ContractServices, caller: Caller, contractId: string, invitationId: string): Promise<InvitationRow> {
  await contractForParty(s.repos, caller, contractId, 'client');
  return s.repos.transaction(async (tx) => {
    await tx.contracts.lock(contractId);
    const row = await tx.invitations.find(invitationId);
    if (!row || row.contractId !== contractId) throw notFound('invitation');
    const now = s.clock.now();
    if (!(await tx.invitations.close(row.id, 'revoked', now, caller.id))) {
      throw row.closedAs === 'revoked'
        ? gone('INVITATION_REVOKED', 'this invitation was withdrawn already')
        : gone('INVITATION_USED', `this invitation was ${row.closedAs ?? 'answered'} already`);
    }
    return { ...row, closedAs: 'revoked' as const, closedAt: now, closedBy: caller.id };
  });
}
