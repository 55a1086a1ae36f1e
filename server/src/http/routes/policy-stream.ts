import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { isNewerPolicy, type Policy } from '../../../../src/shared/protocol/index.js';
import { apiErrorSchema, ulidParamSchema } from '../../../../src/shared/protocol/api/index.js';
import { hashToken } from '../../auth/tokens.js';
import { contractForParty } from '../../domain/access.js';
import { currentPolicyOf } from '../../domain/policies.js';
import { ApiError } from '../../errors.js';
import { bearerToken, callerOf } from '../authenticate.js';
import type { RouteContext } from '../context.js';

/** A refused stream waits this long before it asks again (the agent reconnects with its own backoff anyway). */
const STREAM_RETRY_AFTER_SECONDS = 30;

/**
 * GET /contracts/{id}/policy/stream: server-sent events. The current policy (with the contract's state) first,
 * then every new version or state change as it is committed (`event: policy`, `id: <version>.<state seq>`), with a
 * comment line as a heartbeat so proxies and the agent notice a dead connection.
 *
 * Every stream is a lease of ctx.policyStreams, taken before the first await: whatever the stream holds (its
 * subscription, its heartbeat) is let go of when the client hangs up, at whatever stage that happens.
 */
export const policyStreamRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, ctx) => {
  app.addHook('preClose', async () => ctx.policyStreams.endAll());

  app.get(
    '/contracts/:id/policy/stream',
    {
      schema: {
        tags: ['policy'],
        summary: 'Server-sent events: the policy now, then each change as it happens',
        params: ulidParamSchema,
        response: { 401: apiErrorSchema, 404: apiErrorSchema, 429: apiErrorSchema, 503: apiErrorSchema },
      },
    },
    async (request, reply) => {
      if (ctx.lifecycle.draining) {
        // Shutting down: the agent retries at once, and the load balancer sends it to an instance that stays.
        reply.header('retry-after', '1');
        throw new ApiError(503, 'SHUTTING_DOWN', 'this instance is shutting down: connect again (to another instance)');
      }
      const caller = callerOf(request);
      const res = reply.raw;
      // The authentication hook found this token, so it is well formed.
      const tokenHash = hashToken(bearerToken(request) ?? '');
      const lease = ctx.policyStreams.open({ userId: caller.id, tokenHash }, res);
      if (!lease) {
        reply.header('retry-after', String(STREAM_RETRY_AFTER_SECONDS));
        throw new ApiError(429, 'TOO_MANY_STREAMS', `at most ${ctx.config.policyStreamsPerAccount} policy streams may be open per account: close one first`);
      }
      if (lease.closed) return reply.hijack(); // the client hung up while its token was being checked
      const { contract } = await contractForParty(ctx.repos, caller, request.params.id);
      if (lease.closed) return reply.hijack();
      let last: Policy | null = null;
      const send = (policy: Policy) => {
        // A new policy version or a state change goes out; what this stream already sent (heard twice) does not.
        if (!isNewerPolicy(policy, last) || lease.closed) return;
        last = policy;
        lease.write(`event: policy\nid: ${policy.version}.${policy.contract.seq}\ndata: ${JSON.stringify(policy)}\n\n`);
      };
      // Subscribe before reading the current version, so a change in between is not lost.
      lease.hold(ctx.policyEvents.subscribe(contract.id, send));
      const current = await currentPolicyOf(ctx.repos, (await ctx.repos.contracts.find(contract.id)) ?? contract);
      reply.hijack();
      if (lease.closed) return;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      lease.write(`retry: 3000\n\n`);
      send(current);
      // The token is checked again at each heartbeat: a stream opened before the token expired ends within one
      // heartbeat (revocation ends it at once), and the agent's reconnect then meets the 401.
      const heartbeat = ctx.clock.setInterval(() => {
        const keepalive = () => lease.write(': keepalive\n\n');
        ctx.repos.tokens.findUser(tokenHash, ctx.clock.now()).then(
          (user) => (user?.id === caller.id ? keepalive() : lease.end()),
          // A database hiccup is not the caller's fault: keep the stream, check again next time.
          keepalive,
        );
      }, ctx.config.sseHeartbeatMs);
      lease.hold(() => ctx.clock.clearTimer(heartbeat));
    },
  );
};
