import type { FastifyBaseLogger } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  apiErrorSchema,
  contractCreatedSchema,
  contractCreateSchema,
  contractStateChangeSchema,
  contractSummarySchema,
  contractUpdateSchema,
  invitationCreatedSchema,
  invitationCreateSchema,
  invitationLink,
  invitationListSchema,
  invitationParamsSchema,
  invitationSummarySchema,
  ulidParamSchema,
  type InvitationCreated,
} from '../../../../src/shared/protocol/api/index.js';
import { publicBaseUrl } from '../../config.js';
import { contractForParty } from '../../domain/access.js';
import { changeContractState, contractSummary, createInvitedContract, inviteAgain, revokeInvitation, updateContractTerms } from '../../domain/contracts.js';
import { toInvitationSummary } from '../../domain/invitations.js';
import type { ContractRow, InvitationRow } from '../../repository/index.js';
import { callerOf } from '../authenticate.js';
import type { RouteContext } from '../context.js';

const errors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema };

/**
 * A contract's life from the client's side (and the freelancer's end): create it with an invitation, change its
 * terms, pause, resume or end it, and manage its invitations. Every change an agent must follow is announced on
 * the policy stream.
 */
export const contractLifecycleRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, ctx) => {
  const services = { repos: ctx.repos, clock: ctx.clock, policyEvents: ctx.policyEvents, invitationTtlMs: ctx.config.invitationTtlMs };

  /** The invitation as the client gets it once: with its token and link, mailed when the server has SMTP. */
  async function handOut(log: FastifyBaseLogger, local: { localAddress?: string; localPort?: number }, contract: ContractRow, row: InvitationRow, token: string): Promise<InvitationCreated> {
    const link = invitationLink(publicBaseUrl(ctx.config, local), token);
    let mailed = false;
    if (ctx.mailer) {
      try {
        await ctx.mailer.send({ to: row.email, link, contractName: contract.name, clientName: contract.clientName, clientEmail: contract.clientEmail, expiresAt: new Date(row.expiresAt) });
        mailed = true;
      } catch (error) {
        // The link still works: the client passes it on by hand. The log names the invitation, never the link.
        log.warn({ invitationId: row.id, code: (error as { code?: string }).code }, 'the invitation mail was not sent');
      }
    }
    log.info({ contractId: contract.id, invitationId: row.id, mailed }, 'invitation issued');
    return { ...toInvitationSummary(row, ctx.clock.now()), token, link, mailed };
  }

  app.post(
    '/contracts',
    {
      schema: {
        tags: ['contracts'],
        summary: 'Create a contract: the caller is its client; the freelancer is invited by email (the link is in the answer, once)',
        body: contractCreateSchema,
        response: { 201: contractCreatedSchema, 400: apiErrorSchema, 401: apiErrorSchema },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const made = await createInvitedContract(services, caller, request.body, { segmentSeconds: ctx.config.defaultSegmentSeconds });
      const invitation = await handOut(request.log, request.socket, made.contract, made.invitation, made.token);
      return reply.code(201).send({ contract: await contractSummary(ctx.repos, made.contract, caller, ctx.clock.now()), invitation });
    },
  );

  app.patch(
    '/contracts/:id',
    {
      schema: {
        tags: ['contracts'],
        summary: 'Change the name or terms (the client): hourly rate, weekly limit, days screenshots are kept after the end',
        params: ulidParamSchema,
        body: contractUpdateSchema,
        response: { 200: contractSummarySchema, ...errors },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const contract = await updateContractTerms(services, caller, request.params.id, request.body);
      return contractSummary(ctx.repos, contract, caller, ctx.clock.now());
    },
  );

  app.put(
    '/contracts/:id/state',
    {
      schema: {
        tags: ['contracts'],
        summary: 'Pause, resume (active) or end the contract. The client may do all three, the freelancer only end it; agents stop within seconds',
        params: ulidParamSchema,
        body: contractStateChangeSchema,
        response: { 200: contractSummarySchema, ...errors, 409: apiErrorSchema },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { contract, changed } = await changeContractState(services, caller, request.params.id, request.body.state);
      if (changed) request.log.info({ contractId: contract.id, state: contract.state, seq: contract.stateSeq }, 'contract state changed');
      return contractSummary(ctx.repos, contract, caller, ctx.clock.now());
    },
  );

  app.get(
    '/contracts/:id/invitations',
    {
      schema: {
        tags: ['invitations'],
        summary: "The contract's invitations, newest first (the client), with their state; never their tokens",
        params: ulidParamSchema,
        response: { 200: invitationListSchema, ...errors },
      },
    },
    async (request) => {
      const { contract } = await contractForParty(ctx.repos, callerOf(request), request.params.id, 'client');
      const now = ctx.clock.now();
      return { invitations: (await ctx.repos.invitations.listForContract(contract.id)).map((row) => toInvitationSummary(row, now)) };
    },
  );

  app.post(
    '/contracts/:id/invitations',
    {
      schema: {
        tags: ['invitations'],
        summary: 'Invite (again, or someone else) while the contract waits for its freelancer; an earlier open invitation stops working',
        params: ulidParamSchema,
        body: invitationCreateSchema,
        response: { 201: invitationCreatedSchema, ...errors, 409: apiErrorSchema },
      },
    },
    async (request, reply) => {
      const made = await inviteAgain(services, callerOf(request), request.params.id, request.body.email);
      return reply.code(201).send(await handOut(request.log, request.socket, made.contract, made.invitation, made.token));
    },
  );

  app.delete(
    '/contracts/:id/invitations/:invitationId',
    {
      schema: {
        tags: ['invitations'],
        summary: 'Withdraw an open invitation (the client): its link stops working',
        params: invitationParamsSchema,
        response: { 200: invitationSummarySchema, ...errors, 410: apiErrorSchema },
      },
    },
    async (request) => {
      const row = await revokeInvitation(services, callerOf(request), request.params.id, request.params.invitationId);
      request.log.info({ contractId: row.contractId, invitationId: row.id }, 'invitation revoked');
      return toInvitationSummary(row, ctx.clock.now());
    },
  );
};

