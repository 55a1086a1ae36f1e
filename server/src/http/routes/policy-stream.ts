import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Policy } from '../../../../src/shared/protocol/index.js';
import { apiErrorSchema, ulidParamSchema } from '../../../../src/shared/protocol/api/index.js';
import { contractForParty } from '../../domain/access.js';
import { toPolicy } from '../../domain/policies.js';
import { hashToken } from '../../auth/tokens.js';
import { bearerToken, callerOf } from '../authenticate.js';
import type { RouteContext } from '../context.js';

/**
 * GET /contracts/{id}/policy/stream: server-sent events. The current policy first, then every new
 * version as it is committed (`event: policy`, `id: <version>`), with a comment line as a heartbeat so
 * proxies and the agent notice a dead connection.
 */
export const policyStreamRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, ctx) => {
  const open = new Set<ServerResponse>();
  // Open streams would hold app.close() forever: end them first.
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
    open.clear();
  });

  app.get(
    '/contracts/:id/policy/stream',
    {
      schema: {
        tags: ['policy'],
        summary: 'Server-sent events: the policy now, then each change as it happens',
        params: ulidParamSchema,
        response: { 401: apiErrorSchema, 404: apiErrorSchema },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { contract } = await contractForParty(ctx.repos, caller, request.params.id);
      const res = reply.raw;
      let lastVersion = 0;
      const send = (policy: Policy) => {
        if (policy.version <= lastVersion || res.writableEnded) return;
        lastVersion = policy.version;
        res.write(`event: policy\nid: ${policy.version}\ndata: ${JSON.stringify(policy)}\n\n`);
      };
      // Subscribe before reading the current version, so a change in between is not lost.
      const unsubscribe = ctx.policyEvents.subscribe(contract.id, send);
      const current = await ctx.repos.contracts.currentPolicy(contract.id);
      reply.hijack();
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(`retry: 3000\n\n`);
      if (current) send(toPolicy(contract, current));
      open.add(res);
      // The token is checked again at each heartbeat: a stream opened before the token expired or was
      // revoked ends within one heartbeat, and the agent's reconnect then meets the 401.
      const tokenHash = hashToken(bearerToken(request) ?? '');
      const heartbeat = ctx.clock.setInterval(() => {
        const keepalive = () => {
          if (!res.writableEnded) res.write(': keepalive\n\n');
        };
        ctx.repos.tokens.findUser(tokenHash, ctx.clock.now()).then(
          (user) => (user?.id === caller.id ? keepalive() : res.end()),
          // A database hiccup is not the caller's fault: keep the stream, check again next time.
          keepalive,
        );
      }, ctx.config.sseHeartbeatMs);
      const close = () => {
        unsubscribe();
        ctx.clock.clearTimer(heartbeat);
        open.delete(res);
      };
      request.raw.on('close', close);
      res.on('close', close);
    },
  );
};
