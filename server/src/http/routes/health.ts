import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { apiErrorSchema, healthResponseSchema, readyResponseSchema } from '../../../../src/shared/protocol/api/index.js';
import { ApiError } from '../../errors.js';
import type { RouteContext } from '../context.js';

/** A readiness check that takes longer than this counts as failed: a balancer should not wait on a stuck database. */
const CHECK_DEADLINE_MS = 2_000;

/** Resolves when `work` does within the deadline; rejects otherwise. Real time: it watches the network. */
async function within<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${CHECK_DEADLINE_MS} ms`)), CHECK_DEADLINE_MS);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * GET /health (liveness: the process answers) and GET /ready (readiness: the database and the object store answer,
 * and the server is not shutting down) for a load balancer. Public: they say nothing about any account or contract,
 * and a failed check is logged here, not told to the caller.
 */
export const healthRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, ctx) => {
  app.get(
    '/health',
    { schema: { tags: ['health'], summary: 'Liveness: the process answers', security: [], response: { 200: healthResponseSchema } } },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/ready',
    {
      schema: {
        tags: ['health'],
        summary: 'Readiness for a load balancer: 503 NOT_READY when the database or the object store does not answer, SHUTTING_DOWN while draining',
        security: [],
        response: { 200: readyResponseSchema, 503: apiErrorSchema },
      },
    },
    async (request) => {
      if (ctx.lifecycle.draining) throw new ApiError(503, 'SHUTTING_DOWN', 'this instance is shutting down: use another one');
      try {
        await within(ctx.repos.ping(), 'the database');
        await within(ctx.objects.storage.check(), 'the object store');
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check failed');
        throw new ApiError(503, 'NOT_READY', 'this instance cannot reach its database or object store right now');
      }
      return { status: 'ready' as const, database: ctx.repos.dialect, storage: ctx.objects.storage.kind };
    },
  );
};
